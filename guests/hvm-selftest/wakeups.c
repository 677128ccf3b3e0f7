/*
 * Wake-ups under pressure: many short waits, each ended by one interrupt
 * that falls due around the moment the vCPU halts (`sti; hlt`) -- before
 * it, inside the STI shadow, during the exit, while the vCPU is
 * descheduled -- on one vCPU and on two at once.  Two ways to lose a
 * wake-up are told apart:
 *  - the interrupt is taken between the STI and the HLT, which the STI
 *    shadow forbids (SDM vol. 2B, STI): its handler returns to the HLT,
 *    which then sleeps through the wake-up.  The handlers see it in the
 *    frame (its RIP on a HLT right behind an STI); no timing is involved.
 *  - the interrupt never comes.  A singleshot VIRQ_TIMER wakes the vCPU
 *    every LOST_NS meanwhile; after GIVE_UP_NS the check fails.
 *
 * xen-lite only: Xen 4.17 under QEMU loses such wake-ups (an interrupt
 * cutting `sti; hlt` fails at once, the 20 us ticks never finish).
 *
 * "soak=N" on the command line runs every loop N times as long;
 * "wakeups=off" skips them.
 */
#include "selftest.h"

#define STORM_VECTOR    0xe2
#define IPI_VECTOR      0xe3
#define LOST_NS         (2 * G_NS_PER_SEC)
#define GIVE_UP_NS      DUE_WAIT_NS
#define OP_STI          0xfb
#define OP_HLT          0xf4
#define ONESHOTS        400
#define PERIODIC_TICKS  200
#define PERIOD_NS       20000
#define MIN_PERIOD_NS   100000          /* the hypervisor's floor (as Xen's) */
#define PINGS           100
/* Rounds of an interrupt into `sti; hlt`: the timer's are cheap, the
 * IPI's wait for the other vCPU's pCPU each time. */
#define TIMER_INTO_STI_HLT 5000
#define IPI_INTO_STI_HLT 200
#define APIC_ISR_OF(v)  (0x100 + 0x10 * ((v) / 32))
#define APIC_IRR_OF(v)  (0x200 + 0x10 * ((v) / 32))
#define VEC_BIT(v)      (1u << ((v) % 32))
#define APIC_ID         0x020

/* sti_hlt.S */
void sti_hlt_after_run(void);

/* One-shot counts (1 GHz): already due, due during the exit, or later. */
static const uint32_t counts[] = { 1, 200, 1000, 3000, 10000, 40000 };

static volatile unsigned int ticks[G_MAX_CPUS], pings[G_MAX_CPUS];
/* Interrupts taken inside the STI shadow, on a HLT still to run. */
static volatile unsigned int too_early[G_MAX_CPUS];
static volatile uint32_t apic_ids[G_MAX_CPUS];
static volatile unsigned int go;
/* Each vCPU's verdict, in a buffer of its own (why() has one for all). */
static const char *results[G_MAX_CPUS];
static char reasons[G_MAX_CPUS][160];

/* Every `sti` of this guest that can meet an interrupt precedes a `hlt`. */
static void count(volatile unsigned int *n, const struct g_frame *f)
{
    const uint8_t *at = (const uint8_t *)f->rip;

    if (at[0] == OP_HLT && at[-1] == OP_STI)
        too_early[g_this_cpu()->id]++;
    n[g_this_cpu()->id]++;
}

static void on_tick(unsigned int vector, struct g_frame *f)
{
    count(ticks, f);
}

static void on_ping(unsigned int vector, struct g_frame *f)
{
    count(pings, f);
}

static unsigned int soak(void)
{
    size_t len;
    const char *v = g_cmdline_value("soak", &len);
    unsigned int n = 0;

    for (size_t i = 0; v && i < len && v[i] >= '0' && v[i] <= '9'; i++)
        n = n * 10 + (unsigned int)(v[i] - '0');
    return n ? n : 1;
}

/* Not on Xen 4.17 (above), nor where "wakeups=off" says the emulator is
 * too slow for them (Bochs at a few million instructions a second: the
 * 100 us floor of a periodic timer is a few hundred of its instructions). */
#define XEN_LITE_ONLY() \
    do { \
        if (!on_xen_lite()) \
            return SKIP("Xen 4.17 under QEMU loses these wake-ups"); \
        if (g_cmdline_has("wakeups=off")) \
            return SKIP("wakeups=off"); \
    } while (0)

static void delay(unsigned int n)
{
    for (volatile unsigned int i = 0; i < n; i++)
        ;
}

/* One wait for one interrupt, whose handler brings *n to want. */
struct wait {
    volatile unsigned int *n;
    unsigned int want, too_early;
    uint64_t start, timer_events;
};

/* Arm the fallback; the interrupt may already be due. */
static struct wait wait_begin(volatile unsigned int *n, unsigned int want)
{
    struct wait w = { n, want, too_early[g_this_cpu()->id], g_now_ns(), g_timer_events() };

    g_singleshot_set(w.start + LOST_NS, 0);
    return w;
}

/* Interrupts off: halt until the interrupt has come, the fallback waking
 * the vCPU meanwhile.  False: it was taken too early, or never came. */
static bool wait_end(struct wait *w)
{
    while (*w->n < w->want && g_now_ns() - w->start < GIVE_UP_NS) {
        if (g_timer_events() != w->timer_events) {
            w->timer_events = g_timer_events();
            g_singleshot_set(g_now_ns() + LOST_NS, 0);
        }
        g_block();                      /* sti; hlt */
        g_irq_disable();
    }
    return *w->n >= w->want && too_early[g_this_cpu()->id] == w->too_early;
}

/* What went wrong, and what the local APIC held then. */
static const char *lost(const struct wait *w, const char *what, unsigned int i, uint8_t vector)
{
    uint64_t isr = g_apic_read(APIC_ISR_OF(vector)), irr = g_apic_read(APIC_IRR_OF(vector));
    char *r = reasons[g_this_cpu()->id];

    g_apic_timer(STORM_VECTOR, 0, false);
    g_irq_enable();
    g_snprintf(r, sizeof(reasons[0]), "%s %u %s (vector 0x%x: IRR %u, ISR %u)", what, i,
               *w->n < w->want ? "never came"
                               : "was taken between sti and hlt: the HLT slept through it",
               vector, !!(irr & VEC_BIT(vector)), !!(isr & VEC_BIT(vector)));
    return r;
}

/* The verdict of a check run on vCPUs 0 and 1 (wait: g_cpu_wait's). */
static const char *both(const char *r0, int wait)
{
    const char *r1 = wait < 0 ? "still running" : results[1];

    if (!r0 && !r1)
        return NULL;
    return why("vCPU 0: %s; vCPU 1: %s", r0 ? r0 : "ok", r1 ? r1 : "ok");
}

/* Arm a one-shot, spin a little (so it falls due at every point around
 * the halt), halt until it has come. */
static const char *oneshot_storm(unsigned int rounds)
{
    for (unsigned int i = 0; i < rounds; i++) {
        volatile unsigned int *n = &ticks[g_this_cpu()->id];
        struct wait w = wait_begin(n, *n + 1);

        g_irq_disable();
        g_apic_timer(STORM_VECTOR, counts[i % G_ARRAY_SIZE(counts)], false);
        delay((i * 7) % 64);
        if (!wait_end(&w))
            return lost(&w, "one-shot", i, STORM_VECTOR);
        g_irq_enable();
    }
    return NULL;
}

static void storm_there(void *arg)
{
    apic_ids[1] = (uint32_t)g_apic_read(APIC_ID);
    results[1] = oneshot_storm((unsigned int)(uintptr_t)arg);
}

static const char *oneshots_on_one_vcpu(void)
{
    XEN_LITE_ONLY();
    g_set_irq_handler(STORM_VECTOR, on_tick);
    return oneshot_storm(ONESHOTS * soak());
}

/* Start fn(rounds) on vCPU 1, once it has said its APIC id (Xen's
 * choice: twice the vCPU id). */
static const char *start_on_vcpu1(g_cpu_fn_t fn, unsigned int rounds)
{
    int rc;

    XEN_LITE_ONLY();
    if (g_nr_cpus() < 2)
        return SKIP("one vCPU");
    if ((rc = g_cpu_up(1)) < 0)
        return why("cpu_up(1): %d", rc);
    g_set_irq_handler(IPI_VECTOR, on_ping);
    pings[0] = pings[1] = go = 0;
    apic_ids[0] = (uint32_t)g_apic_read(APIC_ID);
    apic_ids[1] = UINT32_MAX;
    results[1] = "did not finish";
    if ((rc = g_cpu_call(1, fn, (void *)(uintptr_t)rounds)) < 0)
        return why("work on vCPU 1: %d", rc);
    for (uint64_t t = g_now_ns(); apic_ids[1] == UINT32_MAX; g_cpu_relax())
        if (g_now_ns() - t > GIVE_UP_NS)
            return why("vCPU 1 did not start its half");
    return NULL;
}

/* Both vCPUs at once: their wake-ups race on the two pCPUs, and a vCPU
 * woken on the other pCPU takes its timers along. */
static const char *oneshots_on_two_vcpus(void)
{
    unsigned int rounds = ONESHOTS * soak();
    const char *r;

    g_set_irq_handler(STORM_VECTOR, on_tick);
    if ((r = start_on_vcpu1(storm_there, rounds)))
        return r;
    return both(oneshot_storm(rounds), g_cpu_wait(1, 2 * GIVE_UP_NS));
}

/* A periodic timer asked for much shorter than an exit round trip (the
 * hypervisor's floor, 100 us as Xen's, makes it that), halting between
 * ticks. */
static const char *periodic_while_halting(void)
{
    unsigned int want = PERIODIC_TICKS * soak();

    XEN_LITE_ONLY();
    g_set_irq_handler(STORM_VECTOR, on_tick);
    g_apic_timer(STORM_VECTOR, PERIOD_NS, true);
    for (unsigned int i = 0; i < want; i++) {
        volatile unsigned int *n = &ticks[g_this_cpu()->id];
        struct wait w = wait_begin(n, *n + 1);

        g_irq_disable();
        if (!wait_end(&w))
            return lost(&w, "periodic tick", i, STORM_VECTOR);
        g_irq_enable();
    }
    g_apic_timer(STORM_VECTOR, 0, false);
    return NULL;
}

/*
 * A periodic timer of one bus tick (1 ns): due again before its last tick
 * is handled, for ever.  The hypervisor must not spend the pCPU on it
 * (without a floor it never left its timer softirq): the vCPU runs on,
 * and the ticks come no faster than one per MIN_PERIOD_NS.
 */
static const char *periodic_of_one_tick(void)
{
    volatile unsigned int *n = &ticks[g_this_cpu()->id];
    unsigned int before = *n, got;
    uint64_t start = g_now_ns(), took;

    XEN_LITE_ONLY();
    g_set_irq_handler(STORM_VECTOR, on_tick);
    g_apic_timer(STORM_VECTOR, 1, true);
    g_sleep_ns(10 * G_NS_PER_MS);
    g_apic_timer(STORM_VECTOR, 0, false);
    got = *n - before;
    took = g_now_ns() - start;
    if (!got)
        return why("no tick in %lu us", (unsigned long)(took / 1000));
    if (got > took / MIN_PERIOD_NS + 2)
        return why("%u ticks in %lu us: more than one per %u us", got,
                   (unsigned long)(took / 1000), MIN_PERIOD_NS / 1000);
    return NULL;
}

/* VIRQ_TIMER from a singleshot already due, or due within microseconds
 * (the APIC timer, 2 s at 1 GHz, ends a lost wait). */
static const char *singleshots_due_at_once(void)
{
    unsigned int rounds = ONESHOTS * soak();

    XEN_LITE_ONLY();
    for (unsigned int i = 0; i < rounds; i++) {
        uint64_t before = g_timer_events(), start = g_now_ns();

        g_irq_disable();
        g_apic_timer(STORM_VECTOR, (uint32_t)LOST_NS, false);
        g_singleshot_set(start + (i % 4) * 2000 - 1000, 0);
        while (g_timer_events() == before && g_now_ns() - start <= LOST_NS) {
            g_block();
            g_irq_disable();
        }
        g_apic_timer(STORM_VECTOR, 0, false);
        g_irq_enable();
        if (g_timer_events() == before)
            return why("VIRQ_TIMER %u never came", i);
    }
    return NULL;
}

/* vCPU 1's half of the ping-pong: answer each ping, halting in between. */
static void pong(void *arg)
{
    unsigned int rounds = (unsigned int)(uintptr_t)arg;

    results[1] = NULL;
    apic_ids[1] = (uint32_t)g_apic_read(APIC_ID);
    for (unsigned int i = 0; i < rounds; i++) {
        struct wait w = wait_begin(&pings[1], i + 1);

        g_irq_disable();
        if (!wait_end(&w)) {
            results[1] = lost(&w, "ping", i, IPI_VECTOR);
            return;
        }
        g_irq_enable();
        g_apic_ipi(apic_ids[0], IPI_VECTOR);
    }
}

/* x2APIC IPIs back and forth, each vCPU halted while the other runs. */
static const char *ipi_ping_pong(void)
{
    unsigned int rounds = PINGS * soak();
    const char *r = start_on_vcpu1(pong, rounds);

    if (r)
        return r;
    for (unsigned int i = 0; !r && i < rounds; i++) {
        struct wait w = wait_begin(&pings[0], i + 1);

        g_apic_ipi(apic_ids[1], IPI_VECTOR);
        g_irq_disable();
        if (!wait_end(&w))
            r = lost(&w, "pong", i, IPI_VECTOR);
        g_irq_enable();
    }
    return both(r, g_cpu_wait(1, 2 * GIVE_UP_NS));
}

/*
 * An interrupt raised while the vCPU runs its way into `sti; hlt`, so
 * that the exit it causes falls inside the STI shadow (sti_hlt.S); where
 * it lands is swept across the run by a growing delay before it.  The
 * interrupt must still end the HLT.
 */
static const char *into_sti_hlt(volatile unsigned int *n, unsigned int i, uint8_t vector,
                                void (*raise)(unsigned int i))
{
    struct wait w = wait_begin(n, *n + 1);

    g_irq_disable();
    raise(i);
    delay((i * 37) % 512);
    sti_hlt_after_run();
    g_irq_disable();
    if (!wait_end(&w))
        return lost(&w, "interrupt", i, vector);
    g_irq_enable();
    return NULL;
}

static void arm_oneshot(unsigned int i)
{
    g_apic_timer(STORM_VECTOR, 500 + (i * 250) % 60000, false);
}

static const char *timer_into_sti_hlt(void)
{
    unsigned int rounds = TIMER_INTO_STI_HLT * soak();
    const char *r = NULL;

    XEN_LITE_ONLY();
    g_set_irq_handler(STORM_VECTOR, on_tick);
    for (unsigned int i = 0; i < rounds && !r; i++)
        r = into_sti_hlt(&ticks[g_this_cpu()->id], i, STORM_VECTOR, arm_oneshot);
    return r;
}

/* vCPU 1 sends an IPI each time vCPU 0 says go. */
static void send_on_go(void *arg)
{
    unsigned int rounds = (unsigned int)(uintptr_t)arg;

    results[1] = NULL;
    apic_ids[1] = (uint32_t)g_apic_read(APIC_ID);
    for (unsigned int i = 1; i <= rounds; i++) {
        for (uint64_t t = g_now_ns(); go != i; g_cpu_relax())
            if (go == UINT32_MAX || g_now_ns() - t > GIVE_UP_NS)
                return;                 /* vCPU 0 stopped */
        g_apic_ipi(apic_ids[0], IPI_VECTOR);
    }
}

static void say_go(unsigned int i)
{
    go = i + 1;
}

static const char *ipi_into_sti_hlt(void)
{
    unsigned int rounds = IPI_INTO_STI_HLT * soak();
    const char *r = start_on_vcpu1(send_on_go, rounds);

    if (r)
        return r;
    for (unsigned int i = 0; !r && i < rounds; i++)
        r = into_sti_hlt(&pings[0], i, IPI_VECTOR, say_go);
    go = UINT32_MAX;
    return both(r, g_cpu_wait(1, 2 * GIVE_UP_NS));
}

const struct check wakeup_checks[] = {
    { "timer_into_sti_hlt_ends_the_hlt", timer_into_sti_hlt },
    { "ipi_into_sti_hlt_ends_the_hlt", ipi_into_sti_hlt },
    { "oneshot_storm_wakes_halted_vcpu", oneshots_on_one_vcpu },
    { "periodic_ticks_wake_halted_vcpu", periodic_while_halting },
    { "periodic_of_one_bus_tick_leaves_the_vcpu_running", periodic_of_one_tick },
    { "singleshot_due_at_once_wakes_halted_vcpu", singleshots_due_at_once },
    { "oneshot_storm_on_two_vcpus_at_once", oneshots_on_two_vcpus },
    { "x2apic_ipi_ping_pong_between_halted_vcpus", ipi_ping_pong },
    { NULL, NULL },
};
