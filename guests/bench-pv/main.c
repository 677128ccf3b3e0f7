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

#include <guest/bench.h>


/* ---- The operations ----------------------------------------------------- */

static uint64_t run_null_hypercall(unsigned int n, long *err)
{
    uint64_t t0, t1;
    long rc = 0;

    t0 = g_bench_tsc();
    for (unsigned int i = 0; i < n; i++)
        rc |= hc_xen_version(XENVER_version, NULL);
    t1 = g_bench_tsc();
    *err = rc < 0 ? rc : 0;
    return t1 - t0;
}

/* With one vCPU there is nobody to yield to: this is the scheduler's
 * shortest path through a real decision. */
static uint64_t run_yield(unsigned int n, long *err)
{
    uint64_t t0, t1;
    long rc = 0;

    t0 = g_bench_tsc();
    for (unsigned int i = 0; i < n; i++)
        rc |= hc_sched_op(SCHEDOP_yield, NULL);
    t1 = g_bench_tsc();
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

static void report(const char *name, uint64_t *t)
{
    char min[32], med[32];

    g_bench_sort(t, BENCH_REPS);
    g_bench_per_op(min, sizeof(min), t[0], BENCH_ITERS);
    g_bench_per_op(med, sizeof(med), t[BENCH_REPS / 2], BENCH_ITERS);
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
            g_bench_fail(b->name, "an operation failed", err);
            return -1;
        }
        if (b->check && (why = b->check(BENCH_ITERS))) {
            g_bench_fail(b->name, why, 0);
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
    if (!g_bench_selected(b->name))
        return;
    g_irq_disable();
    rc = b->setup ? b->setup() : 0;
    if (rc < 0) {
        g_bench_fail(b->name, "setup failed", rc);
    } else {
        ok = measure(b, t) == 0;
        if (b->teardown)
            b->teardown();
    }
    g_irq_enable();
    if (ok)
        report(b->name, t);
}

int g_main(void)
{
    g_bench_preamble();
    for (unsigned int i = 0; i < G_ARRAY_SIZE(benches); i++)
        run_bench(benches[i]);
    return g_bench_done();
}
