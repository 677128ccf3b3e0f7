/*
 * Event channels and the virtual interrupt flag.
 *
 * The "interrupt flag" of a PV vCPU is vcpu_info.evtchn_upcall_mask (1 =
 * events held back).  When a port bound to a vCPU becomes pending and is
 * not masked, the hypervisor sets that vCPU's pending_sel bit and
 * upcall_pending, and -- if upcalls are unmasked -- enters g_event_entry
 * on return from the next hypercall or interrupt.  The dispatcher
 * (events.c) then calls the handler registered for each pending port that
 * is bound to the current vCPU.
 *
 * Port-returning functions give the port (>= 0) or -XEN_E*.
 */
#ifndef GUEST_EVENTS_H
#define GUEST_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include "event_channel.h"

struct g_frame;

typedef void (*g_evtchn_handler_t)(evtchn_port_t port, void *data,
                                   struct g_frame *f);

/* Binding */
int g_evtchn_bind_virq(uint32_t virq, uint32_t vcpu);
int g_evtchn_bind_ipi(uint32_t vcpu);
int g_evtchn_alloc_unbound(domid_t remote);
int g_evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port);
int g_evtchn_bind_vcpu(evtchn_port_t port, uint32_t vcpu);
int g_evtchn_close(evtchn_port_t port);
int g_evtchn_send(evtchn_port_t port);
int g_evtchn_status(evtchn_port_t port, struct evtchn_status *st);

/* Handlers run on the vCPU the port is bound to, with events masked. */
void g_evtchn_set_handler(evtchn_port_t port, g_evtchn_handler_t h,
                          void *data);

/* Mask bits in shared_info; unmask goes through EVTCHNOP_unmask, which
 * also delivers the event if the port is pending. */
void g_evtchn_mask(evtchn_port_t port);
int g_evtchn_unmask(evtchn_port_t port);
bool g_evtchn_is_pending(evtchn_port_t port);
bool g_evtchn_is_masked(evtchn_port_t port);
void g_evtchn_clear(evtchn_port_t port);

/* The virtual interrupt flag of the current vCPU. */
void g_irq_disable(void);
void g_irq_enable(void);            /* delivers anything already pending */
unsigned int g_irq_save(void);      /* disables; returns the old mask */
void g_irq_restore(unsigned int old_mask);
bool g_irqs_enabled(void);

/* Make the hypervisor deliver pending events now (a cheap hypercall:
 * the upcall happens on its return). */
void g_force_upcall(void);

/* Sleep until an event arrives.  Call with events disabled, after checking
 * the condition you wait for; SCHEDOP_block re-enables events atomically
 * (no lost wake-up) and returns once one has been delivered. */
void g_block(void);

/* The dispatcher, called by g_event_entry. */
void g_event_dispatch(struct g_frame *f);
/* The flavour's way of getting upcalls (irq.c, hvm/irq.c). */
void g_upcall_init(void);

/* Per-vCPU count of events handled (also those with no handler). */
uint64_t g_events_handled(void);

#endif /* GUEST_EVENTS_H */
