/*
 * Event channels.  Xen's 2-level ABI until the domain switches to the FIFO
 * one (event_fifo.c: init_control), and again after reset: a domain's
 * ports live in buckets of 64;
 * raising a port sets its bit in shared_info.evtchn_pending and, unless the
 * port is masked, its word's bit in the notified vCPU's evtchn_pending_sel
 * and evtchn_upcall_pending, then kicks that vCPU.  Each operation decodes
 * and checks its arguments first and changes nothing when it fails.
 */
#include "asm/atomic.h"
#include "asm/guest_access.h"
#include "xen/event.h"
#include "xen/event_fifo.h"
#include "hvm/hvm.h"
#include "xen/lib.h"
#include "xen/sched.h"
#include "xen_errno.h"

/* After port_is_valid: a guest-chosen port, bounded under speculation. */
static struct evtchn *evtchn_from_port(struct domain *d, evtchn_port_t port)
{
    port = array_index_nospec(port, d->valid_evtchns);
    return &d->evtchn[port / EVTCHNS_PER_BUCKET][port % EVTCHNS_PER_BUCKET];
}

static bool port_is_valid(struct domain *d, evtchn_port_t port)
{
    return port < d->valid_evtchns;
}

bool virq_is_global(uint32_t virq)
{
    return virq != VIRQ_TIMER && virq != VIRQ_DEBUG && virq != VIRQ_XENOPROF &&
           virq != VIRQ_XENPMU;
}

/* A port about to be bound: FIFO's default priority, nothing held back. */
static int fresh_port(struct domain *d, evtchn_port_t p)
{
    struct evtchn *chn = evtchn_from_port(d, p);

    chn->fifo_priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
    chn->fifo_pending = false;
    return p;
}

/* Lowest free port, growing the table by a bucket if needed.  Lock held. */
static int get_free_port(struct domain *d)
{
    unsigned int b;

    if (d->state != DOMSTATE_alive)
        return -XEN_EINVAL;             /* dying: evtchn_destroy runs */
    for (evtchn_port_t p = 1; p < d->valid_evtchns; p++)
        if (evtchn_from_port(d, p)->state == ECS_FREE)
            return fresh_port(d, p);
    b = d->valid_evtchns / EVTCHNS_PER_BUCKET;
    if (b == NR_EVTCHN_BUCKETS)
        return -XEN_ENOSPC;
    d->evtchn[b] = xzalloc_array(struct evtchn, EVTCHNS_PER_BUCKET);
    if (!d->evtchn[b])
        return -XEN_ENOMEM;
    d->valid_evtchns += EVTCHNS_PER_BUCKET;
    return fresh_port(d, b * EVTCHNS_PER_BUCKET);
}

int evtchn_init(struct domain *d)
{
    int port;

    spin_lock_init(&d->event_lock);
    port = get_free_port(d);            /* allocates bucket 0 */
    if (port < 0)
        return port;
    evtchn_from_port(d, 0)->state = ECS_RESERVED;
    return 0;
}

void vcpu_mark_events_pending(struct vcpu *v)
{
    unsigned long blocked = (1UL << _VPF_blocked) | (1UL << _VPF_blocked_in_xen);

    if (__atomic_exchange_n(&v->vcpu_info->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
        return;
    if (unlikely(is_hvm_vcpu(v))) {     /* the callback vector, or the local APIC */
        hvm_assert_evtchn_irq(v);
        return;
    }
    /* Running right here and not blocking: it sees the upcall on its way out. */
    if (v == current && !(__atomic_load_n(&v->pause_flags, __ATOMIC_SEQ_CST) & blocked))
        return;
    vcpu_kick(v);
}

/* The 2-level "set pending" of Xen's ABI; pollers are woken too. */
static inline __attribute__((always_inline)) void set_pending(struct domain *d, struct evtchn *chn,
                                                             evtchn_port_t port)
{
    struct vcpu *v = d->vcpu[chn->notify_vcpu_id];
    struct shared_info *s = d->shared_info;

    if (unlikely(d->evtchn_fifo)) {
        if (!evtchn_fifo_set_pending(d, chn, port))
            return;
    } else {
        if (!v || test_and_set_bit(port, s->evtchn_pending))
            return;
        if (!test_bit(port, s->evtchn_mask) &&
            !test_and_set_bit(port / 64, &v->vcpu_info->evtchn_pending_sel))
            vcpu_mark_events_pending(v);
    }
    if (d->poll_mask)
        for_each_vcpu(d, pv)
            if (test_bit(pv->vcpu_id, &d->poll_mask))
                vcpu_kick(pv);
}

void evtchn_send_port(struct domain *d, evtchn_port_t port)
{
    unsigned long f = spin_lock_irqsave(&d->event_lock);

    if (port_is_valid(d, port))
        set_pending(d, evtchn_from_port(d, port), port);
    spin_unlock_irqrestore(&d->event_lock, f);
}

void send_guest_vcpu_virq(struct vcpu *v, uint32_t virq)
{
    evtchn_port_t port = v->virq_to_evtchn[virq];

    if (port)
        evtchn_send_port(v->domain, port);
}

void send_guest_global_virq(struct domain *d, uint32_t virq)
{
    if (d && d->vcpu[0])
        send_guest_vcpu_virq(d->vcpu[0], virq);
}

bool local_events_need_delivery(const struct vcpu *v)
{
    if (is_hvm_vcpu(v))
        return hvm_local_events_need_delivery((struct vcpu *)v);
    return vcpu_event_delivery_pending(v);
}

bool evtchn_any_pending(struct domain *d, const uint32_t *ports, unsigned int n)
{
    /* Under the lock: another vCPU's reset may free the FIFO state. */
    unsigned long f = spin_lock_irqsave(&d->event_lock);
    bool any = false;

    for (unsigned int i = 0; i < n && !any; i++)
        any = ports[i] < d->valid_evtchns &&
              (d->evtchn_fifo ? evtchn_fifo_is_pending(d, ports[i])
                              : test_bit(ports[i], d->shared_info->evtchn_pending));
    spin_unlock_irqrestore(&d->event_lock, f);
    return any;
}

/* Lock two domains' event locks in a fixed order. */
static unsigned long double_lock(struct domain *a, struct domain *b)
{
    unsigned long f = local_irq_save();

    if (a == b) {
        spin_lock(&a->event_lock);
    } else if (a->domain_id < b->domain_id) {
        spin_lock(&a->event_lock);
        spin_lock(&b->event_lock);
    } else {
        spin_lock(&b->event_lock);
        spin_lock(&a->event_lock);
    }
    return f;
}

static void double_unlock(struct domain *a, struct domain *b, unsigned long f)
{
    spin_unlock(&a->event_lock);
    if (a != b)
        spin_unlock(&b->event_lock);
    local_irq_restore(f);
}

/* The domain an op names: itself, or any domain if the caller is privileged. */
static struct domain *target_domain(domid_t dom, int *err)
{
    struct domain *cd = current->domain, *d;

    if (dom == DOMID_SELF || dom == cd->domain_id) {
        get_domain(cd);
        return cd;
    }
    if (!cd->is_privileged) {
        *err = -XEN_EPERM;
        return NULL;
    }
    d = get_domain_by_id(dom);
    if (!d)
        *err = -XEN_ESRCH;
    return d;
}

int evtchn_alloc_unbound_port(struct domain *d, domid_t remote, evtchn_port_t *port)
{
    unsigned long f = spin_lock_irqsave(&d->event_lock);
    int p = get_free_port(d);

    if (p >= 0) {
        struct evtchn *chn = evtchn_from_port(d, p);
        chn->state = ECS_UNBOUND;
        chn->notify_vcpu_id = 0;
        chn->u.unbound_remote = remote;
        *port = p;
    }
    spin_unlock_irqrestore(&d->event_lock, f);
    return p < 0 ? p : 0;
}

static long evtchn_alloc_unbound(struct evtchn_alloc_unbound *a)
{
    int rc = 0;
    struct domain *d = target_domain(a->dom, &rc);
    domid_t remote = a->remote_dom == DOMID_SELF ? current->domain->domain_id
                                                 : a->remote_dom;

    if (!d)
        return rc;
    rc = evtchn_alloc_unbound_port(d, remote, &a->port);
    put_domain(d);
    return rc;
}

static long evtchn_bind_interdomain(struct evtchn_bind_interdomain *b)
{
    struct domain *ld = current->domain, *rd;
    domid_t rdom = b->remote_dom == DOMID_SELF ? ld->domain_id : b->remote_dom;
    struct evtchn *lchn, *rchn;
    unsigned long f;
    int lport, rc = -XEN_EINVAL;

    rd = get_domain_by_id(rdom);
    if (!rd)
        return -XEN_ESRCH;
    f = double_lock(ld, rd);
    if (!port_is_valid(rd, b->remote_port))
        goto out;
    rchn = evtchn_from_port(rd, b->remote_port);
    if (rchn->state != ECS_UNBOUND || rchn->u.unbound_remote != ld->domain_id)
        goto out;
    lport = get_free_port(ld);
    if (lport < 0) {
        rc = lport;
        goto out;
    }
    lchn = evtchn_from_port(ld, lport);
    /* get_free_port may have grown the table: look the remote up again. */
    rchn = evtchn_from_port(rd, b->remote_port);
    lchn->state = ECS_INTERDOMAIN;
    lchn->notify_vcpu_id = 0;
    lchn->u.interdomain.dom = rd;
    lchn->u.interdomain.port = b->remote_port;
    rchn->state = ECS_INTERDOMAIN;
    rchn->u.interdomain.dom = ld;
    rchn->u.interdomain.port = lport;
    b->local_port = lport;
    /* A notification sent while the remote end was unbound was dropped:
     * conservatively raise the new local port, as Xen does. */
    set_pending(ld, lchn, lport);
    rc = 0;
out:
    double_unlock(ld, rd, f);
    put_domain(rd);
    return rc;
}

static long evtchn_bind_virq(struct evtchn_bind_virq *b)
{
    struct domain *d = current->domain;
    struct vcpu *v;
    unsigned long f;
    int port;

    if (b->virq >= NR_VIRQS)
        return -XEN_EINVAL;
    b->virq = array_index_nospec(b->virq, NR_VIRQS);
    if (virq_is_global(b->virq) && b->vcpu != 0)
        return -XEN_EINVAL;
    if (!(v = domain_vcpu(d, b->vcpu)))
        return -XEN_ENOENT;
    f = spin_lock_irqsave(&d->event_lock);
    if (v->virq_to_evtchn[b->virq]) {
        spin_unlock_irqrestore(&d->event_lock, f);
        return -XEN_EEXIST;
    }
    port = get_free_port(d);
    if (port >= 0) {
        struct evtchn *chn = evtchn_from_port(d, port);
        chn->state = ECS_VIRQ;
        chn->notify_vcpu_id = b->vcpu;
        chn->u.virq = b->virq;
        v->virq_to_evtchn[b->virq] = port;
        b->port = port;
    }
    spin_unlock_irqrestore(&d->event_lock, f);
    return port < 0 ? port : 0;
}

static long evtchn_bind_ipi(struct evtchn_bind_ipi *b)
{
    struct domain *d = current->domain;
    unsigned long f;
    int port;

    if (!domain_vcpu(d, b->vcpu))
        return -XEN_ENOENT;
    f = spin_lock_irqsave(&d->event_lock);
    port = get_free_port(d);
    if (port >= 0) {
        struct evtchn *chn = evtchn_from_port(d, port);
        chn->state = ECS_IPI;
        chn->notify_vcpu_id = b->vcpu;
        b->port = port;
    }
    spin_unlock_irqrestore(&d->event_lock, f);
    return port < 0 ? port : 0;
}

/* Free one port; the caller holds the event locks of d and any peer. */
static void free_port(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn = evtchn_from_port(d, port);

    switch (chn->state) {
    case ECS_INTERDOMAIN: {
        struct evtchn *peer = evtchn_from_port(chn->u.interdomain.dom,
                                               chn->u.interdomain.port);
        peer->state = ECS_UNBOUND;
        peer->u.unbound_remote = d->domain_id;
        break;
    }
    case ECS_VIRQ:                      /* a global VIRQ is vCPU 0's */
        d->vcpu[virq_is_global(chn->u.virq) ? 0 : chn->notify_vcpu_id]
            ->virq_to_evtchn[chn->u.virq] = 0;
        break;
    }
    chn->state = ECS_FREE;
    if (d->evtchn_fifo)
        evtchn_fifo_clear_pending(d, chn, port);
    else
        clear_bit(port, d->shared_info->evtchn_pending);
    chn->notify_vcpu_id = 0;
}

static long close_port(struct domain *d, evtchn_port_t port)
{
    unsigned long f;
    struct domain *peer = NULL;

    for (;;) {
        struct evtchn *chn;

        f = spin_lock_irqsave(&d->event_lock);
        if (!port_is_valid(d, port) ||
            (chn = evtchn_from_port(d, port))->state == ECS_FREE ||
            chn->state == ECS_RESERVED) {
            spin_unlock_irqrestore(&d->event_lock, f);
            return -XEN_EINVAL;
        }
        if (chn->state != ECS_INTERDOMAIN || chn->u.interdomain.dom == d) {
            free_port(d, port);
            spin_unlock_irqrestore(&d->event_lock, f);
            return 0;
        }
        /* Both ends must be locked, in order: retake and recheck. */
        peer = chn->u.interdomain.dom;
        get_domain(peer);
        spin_unlock_irqrestore(&d->event_lock, f);
        f = double_lock(d, peer);
        chn = evtchn_from_port(d, port);
        if (chn->state == ECS_INTERDOMAIN && chn->u.interdomain.dom == peer) {
            free_port(d, port);
            double_unlock(d, peer, f);
            put_domain(peer);
            return 0;
        }
        double_unlock(d, peer, f);
        put_domain(peer);
    }
}

static inline __attribute__((always_inline)) long evtchn_send(struct domain *ld,
                                                              evtchn_port_t port)
{
    struct domain *rd;
    struct evtchn *chn;
    unsigned long f = spin_lock_irqsave(&ld->event_lock);
    long rc = 0;

    if (!port_is_valid(ld, port)) {
        spin_unlock_irqrestore(&ld->event_lock, f);
        return -XEN_EINVAL;
    }
    chn = evtchn_from_port(ld, port);
    switch (chn->state) {
    case ECS_INTERDOMAIN:
        rd = chn->u.interdomain.dom;
        port = chn->u.interdomain.port;
        if (rd == ld) {
            set_pending(ld, evtchn_from_port(ld, port), port);
            break;
        }
        get_domain(rd);
        spin_unlock_irqrestore(&ld->event_lock, f);
        evtchn_send_port(rd, port);
        put_domain(rd);
        return 0;
    case ECS_IPI:
        set_pending(ld, chn, port);
        break;
    case ECS_UNBOUND:
        break;                          /* dropped, as in Xen */
    default:
        rc = -XEN_EINVAL;
    }
    spin_unlock_irqrestore(&ld->event_lock, f);
    return rc;
}

/* Send on d's port as if d had (a device the hypervisor emulates for it). */
long evtchn_send_from(struct domain *d, evtchn_port_t port)
{
    return evtchn_send(d, port);
}

static long evtchn_status(struct evtchn_status *st)
{
    int rc = 0;
    struct domain *d = target_domain(st->dom, &rc);
    struct evtchn *chn;
    unsigned long f;

    if (!d)
        return rc;
    f = spin_lock_irqsave(&d->event_lock);
    if (!port_is_valid(d, st->port)) {
        rc = -XEN_EINVAL;
        goto out;
    }
    chn = evtchn_from_port(d, st->port);
    memset(&st->u, 0, sizeof(st->u));
    st->vcpu = chn->notify_vcpu_id;
    switch (chn->state) {
    case ECS_FREE:
    case ECS_RESERVED:
        st->status = EVTCHNSTAT_closed;
        break;
    case ECS_UNBOUND:
        st->status = EVTCHNSTAT_unbound;
        st->u.unbound.dom = chn->u.unbound_remote;
        break;
    case ECS_INTERDOMAIN:
        st->status = EVTCHNSTAT_interdomain;
        st->u.interdomain.dom = chn->u.interdomain.dom->domain_id;
        st->u.interdomain.port = chn->u.interdomain.port;
        break;
    case ECS_VIRQ:
        st->status = EVTCHNSTAT_virq;
        st->u.virq = chn->u.virq;
        break;
    case ECS_IPI:
        st->status = EVTCHNSTAT_ipi;
        break;
    }
out:
    spin_unlock_irqrestore(&d->event_lock, f);
    put_domain(d);
    return rc;
}

static long evtchn_bind_vcpu(evtchn_port_t port, unsigned int vcpu_id)
{
    struct domain *d = current->domain;
    struct evtchn *chn;
    unsigned long f;
    long rc = 0;

    if (!domain_vcpu(d, vcpu_id))
        return -XEN_ENOENT;
    f = spin_lock_irqsave(&d->event_lock);
    if (!port_is_valid(d, port)) {
        rc = -XEN_EINVAL;
        goto out;
    }
    chn = evtchn_from_port(d, port);
    /* A global VIRQ stays in vCPU 0's table (send_guest_global_virq looks
     * there); only the vCPU it notifies changes, as in Xen. */
    if (chn->state == ECS_UNBOUND || chn->state == ECS_INTERDOMAIN ||
        (chn->state == ECS_VIRQ && virq_is_global(chn->u.virq))) {
        chn->notify_vcpu_id = vcpu_id;
    } else {
        rc = -XEN_EINVAL;
    }
out:
    spin_unlock_irqrestore(&d->event_lock, f);
    return rc;
}

/* Clear the mask bit; a pending port then notifies as a send would. */
static long evtchn_unmask(evtchn_port_t port)
{
    struct domain *d = current->domain;
    struct shared_info *s = d->shared_info;
    unsigned long f = spin_lock_irqsave(&d->event_lock);
    struct vcpu *v;

    if (!port_is_valid(d, port)) {
        spin_unlock_irqrestore(&d->event_lock, f);
        return -XEN_EINVAL;
    }
    if (d->evtchn_fifo) {
        evtchn_fifo_unmask(d, evtchn_from_port(d, port), port);
        spin_unlock_irqrestore(&d->event_lock, f);
        return 0;
    }
    v = d->vcpu[evtchn_from_port(d, port)->notify_vcpu_id];
    if (test_and_clear_bit(port, s->evtchn_mask) && test_bit(port, s->evtchn_pending) &&
        v && !test_and_set_bit(port / 64, &v->vcpu_info->evtchn_pending_sel))
        vcpu_mark_events_pending(v);
    spin_unlock_irqrestore(&d->event_lock, f);
    return 0;
}

static void close_all_ports(struct domain *d)
{
    for (evtchn_port_t p = 1; p < d->valid_evtchns; p++) {
        uint8_t st = evtchn_from_port(d, p)->state;
        if (st != ECS_FREE && st != ECS_RESERVED)
            close_port(d, p);
    }
}

/*
 * Domain death (the domain is dying, so no port can be allocated any
 * more): close every port, then -- under the lock every user of a bucket
 * takes -- make all ports invalid before the buckets go, so that a peer's
 * send or a timer racing with this finds no port rather than freed memory.
 */
void evtchn_destroy(struct domain *d)
{
    struct evtchn *buckets[NR_EVTCHN_BUCKETS];
    unsigned long f;

    close_all_ports(d);
    evtchn_fifo_destroy(d);
    f = spin_lock_irqsave(&d->event_lock);
    d->valid_evtchns = 0;
    memcpy(buckets, d->evtchn, sizeof(buckets));
    memset(d->evtchn, 0, sizeof(d->evtchn));
    spin_unlock_irqrestore(&d->event_lock, f);
    for (unsigned int b = 0; b < NR_EVTCHN_BUCKETS; b++)
        xfree(buckets[b]);
}

/* Argument sizes per sub-op, so copying in and out is uniform. */
static const uint8_t op_size[] = {
    [EVTCHNOP_bind_interdomain] = sizeof(struct evtchn_bind_interdomain),
    [EVTCHNOP_bind_virq] = sizeof(struct evtchn_bind_virq),
    [EVTCHNOP_close] = sizeof(struct evtchn_close),
    [EVTCHNOP_send] = sizeof(struct evtchn_send),
    [EVTCHNOP_status] = sizeof(struct evtchn_status),
    [EVTCHNOP_alloc_unbound] = sizeof(struct evtchn_alloc_unbound),
    [EVTCHNOP_bind_ipi] = sizeof(struct evtchn_bind_ipi),
    [EVTCHNOP_bind_vcpu] = sizeof(struct evtchn_bind_vcpu),
    [EVTCHNOP_unmask] = sizeof(struct evtchn_unmask),
    [EVTCHNOP_reset] = sizeof(struct evtchn_reset),
    [EVTCHNOP_init_control] = sizeof(struct evtchn_init_control),
    [EVTCHNOP_expand_array] = sizeof(struct evtchn_expand_array),
    [EVTCHNOP_set_priority] = sizeof(struct evtchn_set_priority),
};

static long evtchn_reset(struct evtchn_reset *r)
{
    int rc = 0;
    struct domain *d = target_domain(r->dom, &rc);

    if (!d)
        return rc;
    close_all_ports(d);
    evtchn_fifo_destroy(d);             /* back to the 2-level ABI, as Xen */
    put_domain(d);
    return 0;
}

/* The FIFO sub-ops, each under the calling domain's event lock. */
static long fifo_op(int cmd, void *a)
{
    struct domain *d = current->domain;
    unsigned long f = spin_lock_irqsave(&d->event_lock);
    long rc;

    if (cmd == EVTCHNOP_init_control) {
        rc = evtchn_fifo_init_control(d, a, evtchn_from_port);
    } else if (cmd == EVTCHNOP_expand_array) {
        rc = evtchn_fifo_expand_array(d, ((struct evtchn_expand_array *)a)->array_gfn,
                                      evtchn_from_port);
    } else {
        struct evtchn_set_priority *sp = a;

        rc = port_is_valid(d, sp->port)
                 ? evtchn_fifo_set_priority(d, evtchn_from_port(d, sp->port), sp->priority)
                 : -XEN_EINVAL;
    }
    spin_unlock_irqrestore(&d->event_lock, f);
    return rc;
}

static long dispatch(int cmd, void *a)
{
    switch (cmd) {
    case EVTCHNOP_alloc_unbound:    return evtchn_alloc_unbound(a);
    case EVTCHNOP_bind_interdomain: return evtchn_bind_interdomain(a);
    case EVTCHNOP_bind_virq:        return evtchn_bind_virq(a);
    case EVTCHNOP_bind_ipi:         return evtchn_bind_ipi(a);
    case EVTCHNOP_close:            return close_port(current->domain, ((struct evtchn_close *)a)->port);
    case EVTCHNOP_send:             return evtchn_send(current->domain, ((struct evtchn_send *)a)->port);
    case EVTCHNOP_status:           return evtchn_status(a);
    case EVTCHNOP_bind_vcpu:
        return evtchn_bind_vcpu(((struct evtchn_bind_vcpu *)a)->port,
                                ((struct evtchn_bind_vcpu *)a)->vcpu);
    case EVTCHNOP_unmask:           return evtchn_unmask(((struct evtchn_unmask *)a)->port);
    case EVTCHNOP_reset:            return evtchn_reset(a);
    case EVTCHNOP_init_control:
    case EVTCHNOP_expand_array:
    case EVTCHNOP_set_priority:     return fifo_op(cmd, a);
    }
    return -XEN_ENOSYS;
}

long do_event_channel_op(int cmd, unsigned long arg)
{
    union {
        struct evtchn_status status;
        uint8_t bytes[32];
    } a;
    size_t size;
    bool has_out;
    long rc;

    if (cmd == EVTCHNOP_send) {         /* the hot one: just its port */
        evtchn_port_t port;

        if (!guest_range_ok(arg, sizeof(port)) || load_guest_u32(&port, arg))
            return -XEN_EFAULT;
        return evtchn_send(current->domain, port);
    }
    if (cmd < 0 || (size_t)cmd >= ARRAY_SIZE(op_size))
        return -XEN_ENOSYS;
    cmd = array_index_nospec(cmd, ARRAY_SIZE(op_size));
    if (!op_size[cmd])
        return -XEN_ENOSYS;
    size = op_size[cmd];
    has_out = cmd == EVTCHNOP_alloc_unbound || cmd == EVTCHNOP_bind_interdomain ||
              cmd == EVTCHNOP_bind_virq || cmd == EVTCHNOP_bind_ipi ||
              cmd == EVTCHNOP_status || cmd == EVTCHNOP_init_control;
    if (copy_from_guest(&a, arg, size))
        return -XEN_EFAULT;
    /* Prove the result can be written back before changing anything. */
    if (has_out && copy_to_guest(arg, &a, size))
        return -XEN_EFAULT;
    rc = dispatch(cmd, &a);
    if (rc == 0 && has_out && copy_to_guest(arg, &a, size))
        rc = -XEN_EFAULT;
    return rc;
}
