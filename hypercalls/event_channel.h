/*
 * event_channel_op(cmd, arg): event channels, Xen's virtual interrupts.
 *
 * A port is one bit in shared_info.evtchn_pending (plus a mask bit in
 * evtchn_mask).  Raising a pending, unmasked port sets the selector bit in
 * the target vCPU's vcpu_info and, if upcalls are unmasked there, enters
 * the guest's event callback.  This is the 2-level ABI (4096 ports).
 *
 * Numbers and layouts are Xen's.  Every op reads its struct from `arg`
 * and writes the OUT fields back; errors are -XEN_E*.
 */
#ifndef XENLITE_HYPERCALLS_EVENT_CHANNEL_H
#define XENLITE_HYPERCALLS_EVENT_CHANNEL_H

#include "xen.h"

#define EVTCHNOP_bind_interdomain  0
#define EVTCHNOP_bind_virq         1
#define EVTCHNOP_bind_pirq         2
#define EVTCHNOP_close             3
#define EVTCHNOP_send              4
#define EVTCHNOP_status            5
#define EVTCHNOP_alloc_unbound     6
#define EVTCHNOP_bind_ipi          7
#define EVTCHNOP_bind_vcpu         8
#define EVTCHNOP_unmask            9
#define EVTCHNOP_reset            10
#define EVTCHNOP_init_control     11   /* FIFO ABI */
#define EVTCHNOP_expand_array     12
#define EVTCHNOP_set_priority     13

/* evtchn_status.status */
#define EVTCHNSTAT_closed       0   /* port free */
#define EVTCHNSTAT_unbound      1   /* waiting for a remote domain to bind */
#define EVTCHNSTAT_interdomain  2   /* connected to a remote port */
#define EVTCHNSTAT_pirq         3   /* bound to a physical IRQ */
#define EVTCHNSTAT_virq         4   /* bound to a VIRQ */
#define EVTCHNSTAT_ipi          5   /* bound to an IPI */

/* evtchn_bind_pirq.flags */
#define BIND_PIRQ__WILL_SHARE   1

#ifndef __ASSEMBLY__

typedef uint32_t evtchn_port_t;

/* Allocate a fresh port in `dom` that `remote_dom` may later bind to.
 * An unprivileged caller must pass DOMID_SELF as dom. */
struct evtchn_alloc_unbound {
    domid_t dom;                 /* IN */
    domid_t remote_dom;          /* IN; may be DOMID_SELF (loopback) */
    evtchn_port_t port;          /* OUT */
};
_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8,
               "evtchn_alloc_unbound");

/* Connect a fresh local port to an unbound port that was allocated for
 * us in remote_dom.  The new local port starts pending. */
struct evtchn_bind_interdomain {
    domid_t remote_dom;          /* IN */
    uint16_t _pad0;
    evtchn_port_t remote_port;   /* IN */
    evtchn_port_t local_port;    /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12,
               "evtchn_bind_interdomain");
_Static_assert(offsetof(struct evtchn_bind_interdomain, remote_port) == 4,
               "evtchn_bind_interdomain.remote_port");

/* Bind a VIRQ_* to a fresh port, delivered to `vcpu`. */
struct evtchn_bind_virq {
    uint32_t virq;               /* IN: VIRQ_* */
    uint32_t vcpu;               /* IN */
    evtchn_port_t port;          /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "evtchn_bind_virq");

/* Bind a physical IRQ (privileged domains only). */
struct evtchn_bind_pirq {
    uint32_t pirq;               /* IN */
    uint32_t flags;              /* IN: BIND_PIRQ__* */
    evtchn_port_t port;          /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_pirq) == 12, "evtchn_bind_pirq");

/* Allocate a port for sending IPIs to `vcpu` of the caller. */
struct evtchn_bind_ipi {
    uint32_t vcpu;               /* IN */
    evtchn_port_t port;          /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_ipi) == 8, "evtchn_bind_ipi");

/* Free a local port; an interdomain peer goes back to unbound. */
struct evtchn_close {
    evtchn_port_t port;          /* IN */
};
_Static_assert(sizeof(struct evtchn_close) == 4, "evtchn_close");

/* Mark the remote end of a local port pending. */
struct evtchn_send {
    evtchn_port_t port;          /* IN */
};
_Static_assert(sizeof(struct evtchn_send) == 4, "evtchn_send");

/* Query a port; other domains than DOMID_SELF need privilege. */
struct evtchn_status {
    domid_t dom;                 /* IN */
    uint16_t _pad0;
    evtchn_port_t port;          /* IN */
    uint32_t status;             /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;               /* OUT: vCPU notified */
    union {                      /* OUT, by status */
        struct {
            domid_t dom;
        } unbound;               /* who may bind */
        struct {
            domid_t dom;
            uint16_t _pad0;
            evtchn_port_t port;
        } interdomain;           /* the peer */
        uint32_t pirq;
        uint32_t virq;
    } u;
};
_Static_assert(sizeof(struct evtchn_status) == 24, "evtchn_status");
_Static_assert(offsetof(struct evtchn_status, status) == 8,
               "evtchn_status.status");
_Static_assert(offsetof(struct evtchn_status, u) == 16, "evtchn_status.u");

/* Route a port's notifications to another vCPU.  Not allowed for IPI and
 * per-vCPU VIRQ ports, whose vCPU is fixed at bind time. */
struct evtchn_bind_vcpu {
    evtchn_port_t port;          /* IN */
    uint32_t vcpu;               /* IN */
};
_Static_assert(sizeof(struct evtchn_bind_vcpu) == 8, "evtchn_bind_vcpu");

/* Clear the mask bit and, if the port is pending, notify as on send. */
struct evtchn_unmask {
    evtchn_port_t port;          /* IN */
};
_Static_assert(sizeof(struct evtchn_unmask) == 4, "evtchn_unmask");

/* Close every port of `dom` (DOMID_SELF, or any with privilege). */
struct evtchn_reset {
    domid_t dom;                 /* IN */
};
_Static_assert(sizeof(struct evtchn_reset) == 2, "evtchn_reset");

/*
 * The FIFO ABI.  Each port has a 32-bit event word in pages the guest
 * gives (expand_array, 1024 words a page); each vCPU a control block
 * (init_control: a frame and an 8-byte-aligned offset) with a ready bit
 * and a queue head per priority.  A raised port that is not masked is
 * linked to the tail of its vCPU's queue for its priority (the LINK
 * field of the previous tail's word), or becomes the head of an empty
 * queue, which sets the priority's ready bit and notifies the vCPU.  The
 * first init_control switches the domain from the 2-level ABI; reset
 * switches it back.
 */
typedef uint32_t event_word_t;
#define EVTCHN_FIFO_PENDING          31
#define EVTCHN_FIFO_MASKED           30
#define EVTCHN_FIFO_LINKED           29
#define EVTCHN_FIFO_BUSY             28
#define EVTCHN_FIFO_LINK_BITS        17
#define EVTCHN_FIFO_LINK_MASK        ((1u << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS      (1u << EVTCHN_FIFO_LINK_BITS)
#define EVTCHN_FIFO_PRIORITY_MAX     0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN     15
#define EVTCHN_FIFO_MAX_QUEUES       (EVTCHN_FIFO_PRIORITY_MIN + 1)

struct evtchn_init_control {
    uint64_t control_gfn;        /* IN */
    uint32_t offset;             /* IN: 8-byte aligned */
    uint32_t vcpu;               /* IN */
    uint8_t link_bits;           /* OUT */
    uint8_t _pad[7];
};
_Static_assert(sizeof(struct evtchn_init_control) == 24, "evtchn_init_control");
_Static_assert(offsetof(struct evtchn_init_control, link_bits) == 16,
               "evtchn_init_control.link_bits");

struct evtchn_expand_array {
    uint64_t array_gfn;          /* IN */
};
_Static_assert(sizeof(struct evtchn_expand_array) == 8, "evtchn_expand_array");

struct evtchn_set_priority {
    evtchn_port_t port;          /* IN */
    uint32_t priority;           /* IN: 0 (highest) to 15 */
};
_Static_assert(sizeof(struct evtchn_set_priority) == 8, "evtchn_set_priority");

struct evtchn_fifo_control_block {
    uint32_t ready;              /* bit per priority with a non-empty queue */
    uint32_t _rsvd;
    event_word_t head[EVTCHN_FIFO_MAX_QUEUES];
};
_Static_assert(sizeof(struct evtchn_fifo_control_block) == 72,
               "evtchn_fifo_control_block");

#endif /* !__ASSEMBLY__ */

#endif /* XENLITE_HYPERCALLS_EVENT_CHANNEL_H */
