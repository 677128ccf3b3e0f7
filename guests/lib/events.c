/*
 * Event channels: binding, the upcall dispatcher and the virtual interrupt
 * flag.
 *
 * shared_info.evtchn_pending is shared by all vCPUs, so every vCPU keeps a
 * bitmap of the ports bound to it (struct g_cpu.port_mask) and handles only
 * those; ports the library does not know about default to vCPU 0, as they
 * do in the hypervisor.
 */
#include <guest/guest.h>

struct port_handler {
    g_evtchn_handler_t fn;
    void *data;
};

static struct port_handler handlers[NR_EVENT_CHANNELS];

#define WORD(port) ((port) / 64)
#define BIT(port)  (1ull << ((port) % 64))

void g_events_init(void)
{
    memset(g_cpus[0].port_mask, 0xff, sizeof(g_cpus[0].port_mask));
    g_upcall_init();
}

/* Record which vCPU a port notifies, so that only that vCPU handles it. */
static void route_port(evtchn_port_t port, uint32_t vcpu)
{
    unsigned int i;

    if (port >= NR_EVENT_CHANNELS || vcpu >= G_MAX_CPUS)
        return;
    for (i = 0; i < G_MAX_CPUS; i++)
        __atomic_fetch_and(&g_cpus[i].port_mask[WORD(port)], ~BIT(port),
                           __ATOMIC_SEQ_CST);
    __atomic_fetch_or(&g_cpus[vcpu].port_mask[WORD(port)], BIT(port),
                      __ATOMIC_SEQ_CST);
}

static int op(unsigned int cmd, void *arg)
{
    return (int)hc_event_channel_op(cmd, arg);
}

int g_evtchn_bind_virq(uint32_t virq, uint32_t vcpu)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
    int rc = op(EVTCHNOP_bind_virq, &b);

    if (rc < 0)
        return rc;
    route_port(b.port, vcpu);
    return (int)b.port;
}

int g_evtchn_bind_ipi(uint32_t vcpu)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    int rc = op(EVTCHNOP_bind_ipi, &b);

    if (rc < 0)
        return rc;
    route_port(b.port, vcpu);
    return (int)b.port;
}

int g_evtchn_alloc_unbound(domid_t remote)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF,
                                      .remote_dom = remote };
    int rc = op(EVTCHNOP_alloc_unbound, &a);

    if (rc < 0)
        return rc;
    route_port(a.port, 0);
    return (int)a.port;
}

int g_evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port)
{
    struct evtchn_bind_interdomain b = { .remote_dom = remote,
                                         .remote_port = remote_port };
    int rc = op(EVTCHNOP_bind_interdomain, &b);

    if (rc < 0)
        return rc;
    route_port(b.local_port, 0);
    return (int)b.local_port;
}

int g_evtchn_bind_vcpu(evtchn_port_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };
    int rc = op(EVTCHNOP_bind_vcpu, &b);

    if (rc == 0)
        route_port(port, vcpu);
    return rc;
}

int g_evtchn_close(evtchn_port_t port)
{
    struct evtchn_close c = { .port = port };
    int rc = op(EVTCHNOP_close, &c);

    if (rc == 0 && port < NR_EVENT_CHANNELS) {
        handlers[port].fn = NULL;
        route_port(port, 0);
    }
    return rc;
}

int g_evtchn_send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    return op(EVTCHNOP_send, &s);
}

int g_evtchn_status(evtchn_port_t port, struct evtchn_status *st)
{
    memset(st, 0, sizeof(*st));
    st->dom = DOMID_SELF;
    st->port = port;
    return op(EVTCHNOP_status, st);
}

void g_evtchn_set_handler(evtchn_port_t port, g_evtchn_handler_t h,
                          void *data)
{
    if (port >= NR_EVENT_CHANNELS)
        return;
    handlers[port].data = data;
    __atomic_store_n(&handlers[port].fn, h, __ATOMIC_RELEASE);
}

void g_evtchn_mask(evtchn_port_t port)
{
    __atomic_fetch_or(&g_shared_info->evtchn_mask[WORD(port)], BIT(port),
                      __ATOMIC_SEQ_CST);
}

int g_evtchn_unmask(evtchn_port_t port)
{
    struct evtchn_unmask u = { .port = port };

    return op(EVTCHNOP_unmask, &u);
}

bool g_evtchn_is_pending(evtchn_port_t port)
{
    return (__atomic_load_n(&g_shared_info->evtchn_pending[WORD(port)],
                            __ATOMIC_SEQ_CST) & BIT(port)) != 0;
}

bool g_evtchn_is_masked(evtchn_port_t port)
{
    return (__atomic_load_n(&g_shared_info->evtchn_mask[WORD(port)],
                            __ATOMIC_SEQ_CST) & BIT(port)) != 0;
}

void g_evtchn_clear(evtchn_port_t port)
{
    __atomic_fetch_and(&g_shared_info->evtchn_pending[WORD(port)],
                       ~BIT(port), __ATOMIC_SEQ_CST);
}

/* Handle the pending, unmasked ports of one selector word. */
static void dispatch_word(struct g_cpu *c, unsigned int w, struct g_frame *f)
{
    struct shared_info *s = g_shared_info;
    uint64_t bits;

    while ((bits = __atomic_load_n(&s->evtchn_pending[w], __ATOMIC_SEQ_CST) &
                   ~s->evtchn_mask[w] & c->port_mask[w])) {
        unsigned int b = (unsigned int)__builtin_ctzll(bits);
        evtchn_port_t port = w * 64 + b;
        struct port_handler *h = &handlers[port];
        g_evtchn_handler_t fn;

        __atomic_fetch_and(&s->evtchn_pending[w], ~(1ull << b),
                           __ATOMIC_SEQ_CST);
        c->events++;
        fn = __atomic_load_n(&h->fn, __ATOMIC_ACQUIRE);
        if (fn)
            fn(port, h->data, f);
    }
}

/* Clear upcall_pending before scanning (new events set it again), take
 * the selector atomically, then walk the words it names. */
void g_event_dispatch(struct g_frame *f)
{
    struct g_cpu *c = g_this_cpu();
    struct vcpu_info *vi = c->vi;
    uint64_t sel;

    do {
        __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
        sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0,
                                  __ATOMIC_SEQ_CST);
        while (sel) {
            unsigned int w = (unsigned int)__builtin_ctzll(sel);

            sel &= sel - 1;
            dispatch_word(c, w, f);
        }
    } while (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST));
}

uint64_t g_events_handled(void)
{
    return g_this_cpu()->events;
}
