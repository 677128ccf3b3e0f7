/* Event channels (Xen's 2-level ABI) and virtual IRQs. */
#ifndef XEN_EVENT_H
#define XEN_EVENT_H

#include "event_channel.h"
#include "xen/sched.h"

enum evtchn_state {
    ECS_FREE,
    ECS_RESERVED,                       /* port 0 */
    ECS_UNBOUND,
    ECS_INTERDOMAIN,
    ECS_VIRQ,
    ECS_IPI,
};

struct evtchn {
    uint8_t state;                      /* ECS_* */
    uint16_t notify_vcpu_id;
    /* FIFO ABI: its priority, the queue it was last linked on, and
     * whether it was raised while it had no event word yet. */
    uint8_t fifo_priority, fifo_last_priority;
    uint16_t fifo_last_vcpu;
    bool fifo_pending;
    union {
        domid_t unbound_remote;         /* who may bind to it */
        struct {
            struct domain *dom;
            evtchn_port_t port;
        } interdomain;
        uint32_t virq;
    } u;
};

int evtchn_init(struct domain *d);
void evtchn_destroy(struct domain *d);          /* closes every port */
long do_event_channel_op(int cmd, unsigned long arg);

/* Raise a port on the vCPU it notifies.  Any context. */
void evtchn_send_port(struct domain *d, evtchn_port_t port);
/* EVTCHNOP_send on d's port, on d's behalf. */
long evtchn_send_from(struct domain *d, evtchn_port_t port);
void send_guest_vcpu_virq(struct vcpu *v, uint32_t virq);
void send_guest_global_virq(struct domain *d, uint32_t virq);
bool virq_is_global(uint32_t virq);

/* Upcall state of a vCPU. */
void vcpu_mark_events_pending(struct vcpu *v);
static inline bool vcpu_event_delivery_pending(const struct vcpu *v)
{
    return v->vcpu_info->evtchn_upcall_pending && !v->vcpu_info->evtchn_upcall_mask;
}
/* Does the vCPU have an event it would take right now (SCHEDOP_block)? */
bool local_events_need_delivery(const struct vcpu *v);
/* Is any of the ports pending? (SCHEDOP_poll) */
bool evtchn_any_pending(struct domain *d, const uint32_t *ports, unsigned int n);
int evtchn_alloc_unbound_port(struct domain *d, domid_t remote, evtchn_port_t *port);

#endif
