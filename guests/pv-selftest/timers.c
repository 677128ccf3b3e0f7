/*
 * Time and timers: monotonic system time (also across vCPUs), the wall
 * clock, and one-shot and periodic timers.
 */
#include "selftest.h"

/* Xen runs every timer that is due within timer_slop (50 us by default)
 * and the guest's TSC-based clock is not Xen's NOW(): allow this much
 * earliness before calling a timer early. */
#define TIMER_SLOP_NS (100 * G_NS_PER_US)

static const char *monotonic_one_vcpu(void)
{
    uint64_t prev = g_now_ns(), now;
    unsigned int i;

    for (i = 0; i < 10000; i++, prev = now)
        if ((now = g_now_ns()) < prev)
            return why("time went back from %lu to %lu", prev, now);
    return NULL;
}

/* Two vCPUs take turns through shared memory; each reading of the
 * library clock must not be older than the last one the other published.
 * The vCPUs' own (raw) clocks are compared too: they must agree as well
 * when the hypervisor sets XEN_PVCLOCK_TSC_STABLE_BIT. */
struct pingpong {
    uint32_t turn;
    uint64_t last, last_raw;
    unsigned int backwards, raw_backwards;
    uint64_t seen_prev, seen_now, raw_worst;
    bool timed_out;
};

#define PINGPONG_ROUNDS 1000

static bool wait_turn(struct pingpong *p, uint32_t me)
{
    uint64_t deadline = g_now_ns() + 2 * G_NS_PER_SEC;

    while (__atomic_load_n(&p->turn, __ATOMIC_ACQUIRE) != me) {
        if (__atomic_load_n(&p->timed_out, __ATOMIC_RELAXED) ||
            g_now_ns() > deadline) {
            p->timed_out = true;
            return false;
        }
        g_cpu_relax();
    }
    return true;
}

static void take_turn(struct pingpong *p)
{
    uint64_t now = g_now_ns(), raw = g_now_ns_raw();

    if (now < p->last && !p->backwards++) {
        p->seen_prev = p->last;
        p->seen_now = now;
    }
    if (raw < p->last_raw) {
        p->raw_backwards++;
        if (p->last_raw - raw > p->raw_worst)
            p->raw_worst = p->last_raw - raw;
    }
    p->last = now;
    p->last_raw = raw;
}

static void pingpong_side(struct pingpong *p, uint32_t me)
{
    unsigned int i;

    for (i = 0; i < PINGPONG_ROUNDS; i++) {
        if (!wait_turn(p, me))
            return;
        take_turn(p);
        __atomic_store_n(&p->turn, !me, __ATOMIC_RELEASE);
    }
}

static void pingpong_vcpu1(void *arg)
{
    pingpong_side(arg, 1);
}

static const char *monotonic_across_vcpus(void)
{
    static struct pingpong p;
    int rc;

    if (g_nr_cpus() < 2)
        return SKIP("needs 2 vcpus");
    if ((rc = g_cpu_up(1)) < 0)
        return why("bringing up vcpu1: %d", rc);
    memset(&p, 0, sizeof(p));
    if ((rc = g_cpu_call(1, pingpong_vcpu1, &p)) < 0)
        return why("starting work on vcpu1: %d", rc);
    pingpong_side(&p, 0);
    if (g_cpu_wait(1, 5 * G_NS_PER_SEC) < 0 || p.timed_out)
        return why("the vcpus lost each other");
    info("tsc %s; raw per-vcpu clocks went back %u times, by up to %lu ns",
         g_time_stable() ? "stable" : "not stable", p.raw_backwards,
         p.raw_worst);
    if (p.backwards)
        return why("%u readings went back (first: %lu after %lu)",
                   p.backwards, p.seen_now, p.seen_prev);
    if (g_time_stable() && p.raw_backwards)
        return why("TSC_STABLE is set but raw clocks went back by %lu ns",
                   p.raw_worst);
    return NULL;
}

static const char *wallclock(void)
{
    uint64_t sec;
    uint32_t nsec;

    g_wallclock(&sec, &nsec);
    info("wall clock %lu.%09u", sec, nsec);
    if (sec < 1577836800)           /* 2020-01-01 */
        return why("wall clock %lu s is before 2020", sec);
    return NULL;
}

/* Arm a one-shot timer (either hypercall) and spin, events enabled, until
 * VIRQ_TIMER arrives; returns the system time the handler ran at, or 0 if
 * none came within a second of the deadline. */
static uint64_t one_shot(uint64_t deadline, bool use_timer_op)
{
    uint64_t before = g_timer_events();
    uint64_t give_up = deadline + G_NS_PER_SEC;

    if (use_timer_op)
        g_timer_set(deadline);
    else
        g_singleshot_set(deadline, 0);
    while (g_timer_events() == before && g_now_ns() < give_up)
        g_cpu_relax();
    return g_timer_events() == before ? 0 : g_timer_last_ns();
}

/* A blocked vCPU is woken by its one-shot timer (g_sleep_ns blocks). */
static const char *sleep_wakes(void)
{
    uint64_t start = g_now_ns(), slept;

    g_sleep_ns(2 * G_NS_PER_MS);
    slept = g_now_ns() - start;
    if (slept + TIMER_SLOP_NS < 2 * G_NS_PER_MS)
        return why("slept %lu ns of 2 ms", slept);
    return NULL;
}

static const char *timer_not_early(bool use_timer_op)
{
    static const uint64_t delays_us[] = { 100, 1000, 2000, 5000, 10000 };
    int64_t worst = INT64_MIN, best = INT64_MAX;
    unsigned int i;

    for (i = 0; i < G_ARRAY_SIZE(delays_us); i++) {
        uint64_t deadline = g_now_ns() + delays_us[i] * G_NS_PER_US;
        uint64_t fired = one_shot(deadline, use_timer_op);
        int64_t late = (int64_t)(fired - deadline);

        if (!fired)
            return why("no VIRQ_TIMER for a %lu us timer", delays_us[i]);
        if (late < -(int64_t)TIMER_SLOP_NS)
            return why("a %lu us timer fired %ld ns early", delays_us[i],
                       -late);
        if (late > worst)
            worst = late;
        if (late < best)
            best = late;
    }
    info("%s: timers fired %ld to %ld us after their deadlines",
         use_timer_op ? "set_timer_op" : "singleshot", best / 1000,
         worst / 1000);
    return NULL;
}

static const char *singleshot_not_early(void)
{
    return timer_not_early(false);
}

static const char *set_timer_op_not_early(void)
{
    return timer_not_early(true);
}

/* A periodic timer ticks while the vCPU runs (Xen stops it while the vCPU
 * is descheduled, so spin).  A busy host makes ticks late, never early: 5
 * ticks of 5 ms must come, and not in less than 3 periods (the first may
 * come at once). */
static const char *periodic_ticks(void)
{
    uint64_t before = g_timer_events(), start = g_now_ns(), now = start, ticks;
    int rc = g_periodic_start(5 * G_NS_PER_MS);

    if (rc < 0)
        return why("VCPUOP_set_periodic_timer returned %d", rc);
    while (g_timer_events() - before < 5 && now - start < 5 * G_NS_PER_SEC) {
        g_cpu_relax();
        now = g_now_ns();
    }
    g_periodic_stop();
    ticks = g_timer_events() - before;
    if (ticks < 5 || now - start < 15 * G_NS_PER_MS - TIMER_SLOP_NS)
        return why("%lu ticks of 5 ms in %lu us", ticks, (unsigned long)((now - start) / G_NS_PER_US));
    return NULL;
}

static const char *periodic_too_short(void)
{
    int rc = g_periodic_start(G_NS_PER_MS / 2);

    g_periodic_stop();
    if (rc != -XEN_EINVAL)
        return why("a 0.5 ms period returned %d, expected %d", rc,
                   -XEN_EINVAL);
    return NULL;
}

const struct check time_checks[] = {
    { "time_monotonic", monotonic_one_vcpu },
    { "time_monotonic_across_vcpus", monotonic_across_vcpus },
    { "wallclock_is_set", wallclock },
    { "singleshot_timer_not_early", singleshot_not_early },
    { "set_timer_op_not_early", set_timer_op_not_early },
    { "sleep_wakes_on_singleshot", sleep_wakes },
    { "periodic_timer_ticks", periodic_ticks },
    { "periodic_timer_below_1ms_einval", periodic_too_short },
    { NULL, NULL },
};
