/*
 * bench-mmu: time the PV MMU paths (see bench.h).
 *
 * Output, one line per figure, in bench-pv's format:
 *
 *   bench: hypervisor <major>.<minor><extra>
 *   bench: tsc khz=<n> mul=<tsc_to_system_mul> shift=<tsc_shift>
 *   bench: <name> min=<ticks> median=<ticks> iters=<n> reps=<n>
 *          min_total=<ticks> median_total=<ticks>
 *          [batch=<n> calls=<n> per_call_min=<ticks>]         (one line)
 *   bench: FAILED <name>: <why> (<rc>)
 *   bench: done
 *
 * Per-operation figures carry two decimals; the totals are the raw deltas
 * of the whole loops.
 */
#include "bench.h"


void bench_report(const struct bench *b, uint64_t *t)
{
    char min[32], med[32], call[32], extra[96] = "";

    g_bench_sort(t, BENCH_REPS);
    g_bench_per_op(min, sizeof(min), t[0], b->iters);
    g_bench_per_op(med, sizeof(med), t[BENCH_REPS / 2], b->iters);
    if (b->batch) {
        g_bench_per_op(call, sizeof(call), t[0], b->calls);
        g_snprintf(extra, sizeof(extra), " batch=%u calls=%u per_call_min=%s",
                   b->batch, b->calls, call);
    }
    g_printf("bench: %s min=%s median=%s iters=%u reps=%u min_total=%lu "
             "median_total=%lu%s\n", b->name, min, med, b->iters, BENCH_REPS,
             t[0], t[BENCH_REPS / 2], extra);
}

/* A warm-up run, then BENCH_REPS timed runs, each checked. */
void bench_measure(const struct bench *b)
{
    uint64_t t[BENCH_REPS];
    const char *why;
    long err = 0;

    if (!g_bench_selected(b->name))
        return;
    for (unsigned int r = 0; r <= BENCH_REPS; r++) {
        uint64_t ticks = b->run(b->ctx, &err);

        if (err < 0) {
            g_bench_fail(b->name, "an operation failed", err);
            return;
        }
        if (b->check && (why = b->check(b->ctx))) {
            g_bench_fail(b->name, why, 0);
            return;
        }
        if (r > 0)
            t[r - 1] = ticks;
    }
    bench_report(b, t);
}

int g_main(void)
{
    int rc;

    g_bench_preamble();
    g_irq_disable();
    if ((rc = updates_setup()) < 0) {
        g_bench_fail("updates", "setup failed", rc);
    } else {
        updates_run_all();
        updates_teardown();
    }
    flush_run_all();
    if ((rc = tree_setup()) < 0) {
        g_bench_fail("pin_l4", "setup failed", rc);
    } else {
        tree_run();
        tree_teardown();
    }
    g_irq_enable();
    return g_bench_done();
}
