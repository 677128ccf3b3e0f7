/*
 * System time, wall-clock time and timers (see guest/time.h).
 */
#include <guest/guest.h>

/* ns = system_time + (((tsc - tsc_timestamp) << shift) * mul) >> 32, with a
 * negative shift meaning a right shift (xen.h, struct vcpu_time_info). */
static uint64_t scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t g_now_ns_raw(void)
{
    const volatile struct vcpu_time_info *t = &g_this_vcpu_info()->time;
    uint32_t version;
    uint64_t ns;

    /* Retry while the hypervisor is updating (odd version) or has
     * updated under us (version changed). */
    do {
        version = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        ns = t->system_time +
             scale_delta(g_rdtsc() - t->tsc_timestamp, t->tsc_to_system_mul,
                         t->tsc_shift);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != t->version);
    return ns;
}

bool g_time_stable(void)
{
    return (g_this_vcpu_info()->time.flags & XEN_PVCLOCK_TSC_STABLE_BIT) != 0;
}

/* Each vCPU's time base is its own.  Unless the hypervisor says the TSC is
 * stable across them (XEN_PVCLOCK_TSC_STABLE_BIT), two vCPUs can disagree
 * by some microseconds, so never return less than any vCPU has returned. */
uint64_t g_now_ns(void)
{
    static uint64_t last_ns;
    uint64_t ns = g_now_ns_raw();
    uint64_t last;

    if (g_time_stable())
        return ns;
    last = __atomic_load_n(&last_ns, __ATOMIC_ACQUIRE);
    do {
        if (ns <= last)
            return last;
    } while (!__atomic_compare_exchange_n(&last_ns, &last, ns, false,
                                          __ATOMIC_ACQ_REL,
                                          __ATOMIC_ACQUIRE));
    return ns;
}

void g_wallclock(uint64_t *sec, uint32_t *nsec)
{
    const volatile struct shared_info *s = g_shared_info;
    uint32_t version, wns;
    uint64_t wsec, now;

    do {
        version = s->wc_version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        wsec = ((uint64_t)s->wc_sec_hi << 32) | s->wc_sec;
        wns = s->wc_nsec;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != s->wc_version);
    now = g_now_ns() + wns;
    *sec = wsec + now / G_NS_PER_SEC;
    *nsec = (uint32_t)(now % G_NS_PER_SEC);
}

int g_timer_set(uint64_t deadline_ns)
{
    return (int)hc_set_timer_op(deadline_ns);
}

int g_singleshot_set(uint64_t deadline_ns, uint32_t flags)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline_ns,
                                           .flags = flags };

    return (int)hc_vcpu_op(VCPUOP_set_singleshot_timer, g_this_cpu()->id, &t);
}

int g_singleshot_stop(void)
{
    return (int)hc_vcpu_op(VCPUOP_stop_singleshot_timer, g_this_cpu()->id,
                           NULL);
}

int g_periodic_start(uint64_t period_ns)
{
    struct vcpu_set_periodic_timer t = { .period_ns = period_ns };

    return (int)hc_vcpu_op(VCPUOP_set_periodic_timer, g_this_cpu()->id, &t);
}

int g_periodic_stop(void)
{
    return (int)hc_vcpu_op(VCPUOP_stop_periodic_timer, g_this_cpu()->id,
                           NULL);
}

static void timer_event(evtchn_port_t port, void *data, struct g_frame *f)
{
    struct g_cpu *c = g_this_cpu();
    uint64_t now = g_now_ns();

    c->timer_last_ns = now;
    c->timer_events++;
    if (c->timer_hook)
        c->timer_hook(now);
}

uint64_t g_timer_events(void)
{
    return g_this_cpu()->timer_events;
}

uint64_t g_timer_last_ns(void)
{
    return g_this_cpu()->timer_last_ns;
}

void g_set_timer_hook(g_timer_hook_t hook)
{
    g_this_cpu()->timer_hook = hook;
}

/* Bind VIRQ_TIMER for vcpu (from any vCPU). */
int g_time_init_cpu(unsigned int vcpu)
{
    int port = g_evtchn_bind_virq(VIRQ_TIMER, vcpu);

    if (port < 0)
        return port;
    g_cpus[vcpu].timer_port = port;
    g_evtchn_set_handler((evtchn_port_t)port, timer_event, NULL);
    return 0;
}

void g_time_init(void)
{
    if (g_time_init_cpu(0) < 0)
        g_panic("cannot bind VIRQ_TIMER");
    /* Xen starts PV vCPUs with a periodic tick; we ask for what we use. */
    g_periodic_stop();
}

void g_sleep_until(uint64_t deadline_ns)
{
    unsigned int flags = g_irq_save();

    g_singleshot_set(deadline_ns, 0);
    while (g_now_ns() < deadline_ns) {
        g_block();
        g_irq_disable();
    }
    g_irq_restore(flags);
}

void g_sleep_ns(uint64_t ns)
{
    g_sleep_until(g_now_ns() + ns);
}
