/*
 * Generators for events, scheduling, time, the console and the version
 * hypercall: event_channel_op, sched_op, set_timer_op, console_io and
 * xen_version.
 *
 * The ports the guest library bound at start (console, xenstore, timers,
 * IPIs) are never closed, moved or reset; ports the calls open are
 * remembered and used again.  Nothing shuts this domain down or leaves a
 * vCPU blocked for good: a block or poll is always preceded by a wake-up
 * a few ms away, and a watchdog a call creates is destroyed at once.
 */
#include "fuzz.h"

/* ---- event_channel_op --------------------------------------------------- */

static void port_post(const struct call *c, long rc)
{
    const uint32_t *out = (const uint32_t *)c->ctx[0];

    if (rc == 0 && out)
        port_remember(*out);
    if (rc == 0 && c->sub == EVTCHNOP_close)
        port_forget((uint32_t)c->ctx[1]);
}

/* The argument of sub-op cmd, built in the arena; the port it returns (if
 * any) is remembered by port_post. */
static void *evtchn_arg(struct call *c, unsigned int cmd, size_t *size)
{
    uint8_t *a = arena_alloc(64);

    *size = 32;
    switch (cmd) {
    case EVTCHNOP_alloc_unbound: {
        struct evtchn_alloc_unbound *u = (void *)a;
        u->dom = chance(70) ? DOMID_SELF : domid_any();
        u->remote_dom = chance(60) ? DOMID_SELF : domid_any();
        c->ctx[0] = (uint64_t)&u->port;
        *size = sizeof(*u);
        break;
    }
    case EVTCHNOP_bind_interdomain: {
        struct evtchn_bind_interdomain *b = (void *)a;
        b->remote_dom = chance(70) ? DOMID_SELF : domid_any();
        b->remote_port = port_any(false);
        c->ctx[0] = (uint64_t)&b->local_port;
        *size = sizeof(*b);
        break;
    }
    case EVTCHNOP_bind_virq: {
        struct evtchn_bind_virq *b = (void *)a;
        b->virq = (uint32_t)(chance(80) ? rnd_below(NR_VIRQS + 2) : u32_any());
        b->vcpu = vcpu_any();
        c->ctx[0] = (uint64_t)&b->port;
        *size = sizeof(*b);
        break;
    }
    case EVTCHNOP_bind_ipi: {
        struct evtchn_bind_ipi *b = (void *)a;
        b->vcpu = vcpu_any();
        c->ctx[0] = (uint64_t)&b->port;
        *size = sizeof(*b);
        break;
    }
    case EVTCHNOP_close: case EVTCHNOP_unmask: case EVTCHNOP_send:
        *(uint32_t *)a = port_any(cmd == EVTCHNOP_close);
        c->ctx[1] = *(uint32_t *)a;
        *size = 4;
        break;
    case EVTCHNOP_bind_vcpu: {
        struct evtchn_bind_vcpu *b = (void *)a;
        b->port = port_any(true);
        b->vcpu = vcpu_any();
        *size = sizeof(*b);
        break;
    }
    case EVTCHNOP_status: {
        struct evtchn_status *s = (void *)a;
        s->dom = chance(70) ? DOMID_SELF : domid_any();
        s->port = port_any(false);
        *size = sizeof(*s);
        break;
    }
    case EVTCHNOP_reset: {
        /* Our own ports are the library's: reset only another domain's. */
        domid_t d = domid_any();
        *(domid_t *)a = domid_is_self(d) ? DOMID_INVALID : d;
        *size = 2;
        break;
    }
    default:
        fill_random(a, 64);
    }
    return a;
}

void gen_event_channel_op(struct call *c)
{
    unsigned int cmd = chance(92) ? (unsigned int)rnd_below(14) : (unsigned int)u32_any();
    size_t size;
    void *a = evtchn_arg(c, cmd, &size);
    /* The sub-ops with a result write their argument back; the others
     * only read it (a read-only page is as good as any for them). */
    bool out = cmd == EVTCHNOP_bind_interdomain || cmd == EVTCHNOP_bind_virq ||
               cmd == EVTCHNOP_bind_ipi || cmd == EVTCHNOP_alloc_unbound ||
               cmd == EVTCHNOP_status || cmd == EVTCHNOP_bind_pirq;
    /* What could close, move or reset a port of the library, or switch
     * us to the FIFO ABI, reads only the structure built. */
    bool exact = cmd == EVTCHNOP_close || cmd == EVTCHNOP_bind_vcpu ||
                 cmd == EVTCHNOP_reset || cmd == EVTCHNOP_init_control;
    bool bad;

    c->nr = __HYPERVISOR_event_channel_op;
    c->name = "event_channel_op";
    c->sub = cmd;
    c->arg[0] = cmd;
    c->arg[1] = exact ? ptr_exact(a, &bad)
                      : ptr_to(a, size, out ? PTR_WRITE : PTR_READ, &bad);
    if (bad)
        c->ctx[0] = 0;
    c->post = port_post;
    c->must_fail = bad && cmd <= EVTCHNOP_reset && cmd != EVTCHNOP_bind_pirq;
    c->dirty = DIRTY_EVENTS;
}

/* ---- sched_op ----------------------------------------------------------- */

static void watchdog_post(const struct call *c, long rc)
{
    /* Created one: destroy it before it shuts us down. */
    if (rc > 0) {
        struct sched_watchdog w = { .id = (uint32_t)rc, .timeout = 0 };
        hc_sched_op(SCHEDOP_watchdog, &w);
    }
}

static void *sched_arg(struct call *c, unsigned int cmd)
{
    uint8_t *a = arena_alloc(64);

    switch (cmd) {
    case SCHEDOP_poll: {
        /* Polling garbage could block for good: the structure is ours or
         * unreadable, the ports are ours or unreadable. */
        struct sched_poll *p = (void *)a;
        uint32_t *ports = arena_alloc(8 * sizeof(uint32_t));
        for (unsigned int i = 0; i < 8; i++)
            ports[i] = port_any(false);
        p->ports = chance(85) ? (uint64_t)ports : unreadable_ptr();
        p->nr_ports = (uint32_t)(chance(80) ? rnd_below(9) : count_any());
        p->timeout = chance(70) ? g_now_ns() + rnd_below(2000000) : PICK(0, 1, ~0ull);
        arm_wakeup();
        break;
    }
    case SCHEDOP_remote_shutdown: {
        struct sched_remote_shutdown *r = (void *)a;
        r->domain_id = domid_any();
        if (domid_is_self(r->domain_id) || (cfg.dom0 && !r->domain_id))
            r->domain_id = DOMID_INVALID;       /* never ourselves */
        r->reason = (uint32_t)(chance(80) ? rnd_below(6) : u32_any());
        break;
    }
    case SCHEDOP_shutdown_code:
        *(uint32_t *)a = (uint32_t)(chance(80) ? rnd_below(6) : u32_any());
        break;
    case SCHEDOP_watchdog: {
        struct sched_watchdog *w = (void *)a;
        w->id = (uint32_t)PICK(0, 0, 1, 2, u32_any());
        w->timeout = (uint32_t)PICK(0, 1, 30, 0xffffffff);
        c->post = watchdog_post;
        break;
    }
    default:
        fill_random(a, 64);
    }
    return a;
}

static void sched_op(struct call *c, unsigned int cmd)
{
    void *a = sched_arg(c, cmd);
    bool bad;

    if (cmd == SCHEDOP_block)
        arm_wakeup();
    c->nr = __HYPERVISOR_sched_op;
    c->name = "sched_op";
    c->sub = cmd;
    c->arg[0] = cmd;
    /* A poll reading garbage could block for good, a shutdown reading
     * zeroes or our id could end us: the structure built, or nothing. */
    if (cmd == SCHEDOP_poll || cmd == SCHEDOP_remote_shutdown)
        c->arg[1] = ptr_exact(a, &bad);
    else
        c->arg[1] = ptr_to(a, 64, PTR_WRITE, &bad);
    c->must_fail = bad && (cmd == SCHEDOP_poll || cmd == SCHEDOP_remote_shutdown);
    c->dirty = DIRTY_EVENTS;
}

/* Never SCHEDOP_shutdown of ourselves: the stream would end. */
void gen_sched_op(struct call *c)
{
    static const uint64_t safe[] = { SCHEDOP_yield, SCHEDOP_remote_shutdown,
                                     SCHEDOP_shutdown_code, SCHEDOP_watchdog,
                                     SCHEDOP_pin_override, 8, 0x100, 0xffffffff };

    sched_op(c, (unsigned int)pick(safe, G_ARRAY_SIZE(safe)));
}

/* block and poll: never inside a multicall, where a second one would find
 * the wake-up already spent. */
void gen_sched_wait(struct call *c)
{
    sched_op(c, chance(50) ? SCHEDOP_block : SCHEDOP_poll);
}

/* ---- set_timer_op, console_io, xen_version ------------------------------ */

void gen_set_timer_op(struct call *c)
{
    uint64_t now = g_now_ns();

    c->nr = __HYPERVISOR_set_timer_op;
    c->name = "set_timer_op";
    c->arg[0] = PICK(0, 1, now - 1, now + 1000, now + 10000000, 1ull << 62,
                     ~0ull, 1ull << 63, rnd());
}

void gen_console_io(struct call *c)
{
    bool bad;

    c->nr = __HYPERVISOR_console_io;
    c->name = "console_io";
    c->sub = (uint32_t)(chance(85) ? PICK(CONSOLEIO_write, CONSOLEIO_read) : u32_any());
    c->arg[0] = c->sub;
    /* A few bytes of lines of a-z, or counts the hypervisor must refuse. */
    c->arg[1] = chance(85) ? rnd_below(48) : PICK(0x7fffffff, 0x80000000, ~0ull, u64_any());
    c->arg[2] = c->sub == CONSOLEIO_write ? ptr_to((void *)env.printable, 48, PTR_READ, &bad)
                                          : ptr_to(arena_alloc(64), 48, PTR_WRITE, &bad);
    if (c->sub == CONSOLEIO_write && (int64_t)c->arg[1] > 48)
        c->arg[1] = 48;                         /* a flood is its own test */
    c->dirty = DIRTY_CONSOLE;
}

void gen_xen_version(struct call *c)
{
    bool bad;

    c->nr = __HYPERVISOR_xen_version;
    c->name = "xen_version";
    c->sub = (uint32_t)(chance(85) ? rnd_below(12) : u32_any());
    c->arg[0] = c->sub;
    c->arg[1] = ptr_to(arena_alloc(1024), 1024, PTR_WRITE, &bad);
}
