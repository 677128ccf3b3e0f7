/*
 * The FIFO event-channel ABI (common/event_fifo.c), used by
 * common/event_channel.c once a domain has called init_control.  All but
 * evtchn_fifo_destroy run with the domain's event lock held.
 */
#ifndef XEN_EVENT_FIFO_H
#define XEN_EVENT_FIFO_H

#include <stdbool.h>
#include <stdint.h>

#include "event_channel.h"

struct domain;
struct evtchn;

/* Raise port: true if it was not pending before (pollers wake). */
bool evtchn_fifo_set_pending(struct domain *d, struct evtchn *chn, evtchn_port_t port);
void evtchn_fifo_clear_pending(struct domain *d, struct evtchn *chn, evtchn_port_t port);
void evtchn_fifo_unmask(struct domain *d, struct evtchn *chn, evtchn_port_t port);
bool evtchn_fifo_is_pending(const struct domain *d, evtchn_port_t port);

long evtchn_fifo_init_control(struct domain *d, struct evtchn_init_control *ic,
                              struct evtchn *(*chn_of)(struct domain *, evtchn_port_t));
long evtchn_fifo_expand_array(struct domain *d, uint64_t gfn,
                              struct evtchn *(*chn_of)(struct domain *, evtchn_port_t));
long evtchn_fifo_set_priority(struct domain *d, struct evtchn *chn, uint32_t priority);
void evtchn_fifo_destroy(struct domain *d);

/* For the page-type auditor: the frames the ABI holds typed writable. */
struct audit_ref;
unsigned int evtchn_fifo_max_refs(const struct domain *d);
unsigned int evtchn_fifo_audit_refs(const struct domain *d, struct audit_ref *refs);

#endif
