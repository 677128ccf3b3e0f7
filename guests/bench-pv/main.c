/*
 * bench-pv: time the PV hypercall and event paths (see bench.h).
 *
 * Output, one line per figure, stable for tools/bench to parse:
 *
 *   bench: hypervisor <major>.<minor><extra>
 *   bench: tsc khz=<n> mul=<tsc_to_system_mul> shift=<tsc_shift>
 *   bench: <name> min=<ticks> median=<ticks> iters=<n> reps=<n>
 *          min_total=<ticks> median_total=<ticks>      (one line)
 *   bench: FAILED <name>: <why>
 *   bench: done
 *
 * Per-operation ticks carry two decimals; the totals are the raw deltas of
 * the whole loops.
 */
#include "bench.h"

#include <guest/control.h>

static int failures;

static void fail(const char *name, const char *why, long rc)
{
    g_printf("bench: FAILED %s: %s (%ld)\n", name, why, rc);
    failures++;
}

/* ---- The operations ----------------------------------------------------- */

static uint64_t run_null_hypercall(unsigned int n, long *err)
{
    uint64_t t0, t1;
    long rc = 0;

    t0 = bench_tsc();
    for (unsigned int i = 0; i < n; i++)
        rc |= hc_xen_version(XENVER_version, NULL);
    t1 = bench_tsc();
    *err = rc < 0 ? rc : 0;
    return t1 - t0;
}

/* With one vCPU there is nobody to yield to: this is the scheduler's
 * shortest path through a real decision. */
static uint64_t run_yield(unsigned int n, long *err)
{
    uint64_t t0, t1;
    long rc = 0;

    t0 = bench_tsc();
    for (unsigned int i = 0; i < n; i++)
        rc |= hc_sched_op(SCHEDOP_yield, NULL);
    t1 = bench_tsc();
    *err = rc;
    return t1 - t0;
}

static int yield_setup(void)
{
    return g_nr_cpus() == 1 ? 0 : -XEN_EINVAL;
}

static const struct bench bench_null_hypercall = {
    .name = "null_hypercall",
    .run = run_null_hypercall,
};

static const struct bench bench_yield = {
    .name = "sched_yield",
    .setup = yield_setup,
    .run = run_yield,
};

static const struct bench *const benches[] = {
    &bench_null_hypercall,
    &bench_evtchn_send_masked,
    &bench_evtchn_upcall,
    &bench_yield,
};

/* ---- The harness -------------------------------------------------------- */

static void sort(uint64_t *v, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++) {
        uint64_t x = v[i];
        unsigned int j = i;

        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* total / n with two decimals, as "<int>.<2 digits>". */
static void per_op(char *buf, size_t size, uint64_t total, unsigned int n)
{
    uint64_t hundredths = (total * 100 + n / 2) / n;

    g_snprintf(buf, size, "%lu.%02lu", hundredths / 100, hundredths % 100);
}

static void report(const char *name, uint64_t *t)
{
    char min[32], med[32];

    sort(t, BENCH_REPS);
    per_op(min, sizeof(min), t[0], BENCH_ITERS);
    per_op(med, sizeof(med), t[BENCH_REPS / 2], BENCH_ITERS);
    g_printf("bench: %s min=%s median=%s iters=%u reps=%u min_total=%lu "
             "median_total=%lu\n", name, min, med, BENCH_ITERS, BENCH_REPS,
             t[0], t[BENCH_REPS / 2]);
}

/* One warm-up run, then BENCH_REPS timed runs; every run is checked. */
static int measure(const struct bench *b, uint64_t *t)
{
    const char *why;
    long err = 0;

    for (unsigned int r = 0; r <= BENCH_REPS; r++) {
        uint64_t ticks = b->run(BENCH_ITERS, &err);

        if (err < 0) {
            fail(b->name, "an operation failed", err);
            return -1;
        }
        if (b->check && (why = b->check(BENCH_ITERS))) {
            fail(b->name, why, 0);
            return -1;
        }
        if (r > 0)
            t[r - 1] = ticks;
    }
    return 0;
}

/* Events stay masked around every benchmark; one that needs upcalls
 * unmasks them inside its own timed loop. */
static void run_bench(const struct bench *b)
{
    uint64_t t[BENCH_REPS];
    int rc, ok = 0;
    size_t n;
    const char *only = g_cmdline_value("only", &n);

    if (only && (strlen(b->name) != n || strncmp(b->name, only, n)))
        return;                         /* "only=NAME": just that one */
    g_irq_disable();
    rc = b->setup ? b->setup() : 0;
    if (rc < 0) {
        fail(b->name, "setup failed", rc);
    } else {
        ok = measure(b, t) == 0;
        if (b->teardown)
            b->teardown();
    }
    g_irq_enable();
    if (ok)
        report(b->name, t);
}

/* ---- What the guest sees ------------------------------------------------ */

static void print_version(void)
{
    xen_extraversion_t extra;
    long v = hc_xen_version(XENVER_version, NULL);

    memset(extra, 0, sizeof(extra));
    if (v < 0 || hc_xen_version(XENVER_extraversion, extra) < 0) {
        fail("xen_version", "cannot read the version", v);
        return;
    }
    extra[sizeof(extra) - 1] = '\0';
    g_printf("bench: hypervisor %ld.%ld%s\n", v >> 16, v & 0xffff, extra);
}

/* TSC ticks per millisecond from vcpu_time_info, which scales ticks to ns
 * as ns = ((ticks << shift) * mul) >> 32 (xen.h). */
static void print_tsc_rate(void)
{
    const volatile struct vcpu_time_info *t = &g_this_vcpu_info()->time;
    uint32_t version, mul;
    int8_t shift;
    uint64_t khz;

    do {
        version = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != t->version);
    if (mul == 0) {
        fail("tsc", "vcpu_time_info has no TSC scale", 0);
        return;
    }
    khz = (G_NS_PER_MS << 32) / mul;
    khz = shift >= 0 ? khz >> shift : khz << -shift;
    g_printf("bench: tsc khz=%lu mul=%u shift=%d\n", khz, mul, shift);
}

int g_main(void)
{
    print_version();
    print_tsc_rate();
    for (unsigned int i = 0; i < G_ARRAY_SIZE(benches); i++)
        run_bench(benches[i]);
    g_printf("bench: %s\n", failures ? "FAILED" : "done");
    return failures ? 1 : 0;
}
