/*
 * memvirt's driver: the figures of memvirt.h, measured and reported the
 * same way on every platform (the platform file supplies mv_platform()).
 */
#include <guest/bench.h>
#include <guest/guest.h>

#include "memvirt.h"

uint64_t mv_tag(uint64_t page)
{
    return (page * 0x51ed270b27d4eb4fULL) ^ 0x6d656d7669727400ULL;
}

static void report(const struct mv_figure *f, uint64_t *t)
{
    char min[32], med[32];

    g_bench_sort(t, MV_REPS);
    g_bench_per_op(min, sizeof(min), t[0], f->iters);
    g_bench_per_op(med, sizeof(med), t[MV_REPS / 2], f->iters);
    g_printf("bench: %s min=%s median=%s iters=%u reps=%u min_total=%lu median_total=%lu\n",
             f->name, min, med, f->iters, MV_REPS, t[0], t[MV_REPS / 2]);
}

static void report_counts(const struct mv_figure *f, const struct mv_counts *a,
                          const struct mv_counts *b)
{
    char exits[24] = "-", emul[24] = "-";

    if (a->exits != ~0ULL && b->exits != ~0ULL)
        g_snprintf(exits, sizeof(exits), "%lu", b->exits - a->exits);
    if (a->emulations != ~0ULL && b->emulations != ~0ULL)
        g_snprintf(emul, sizeof(emul), "%lu", b->emulations - a->emulations);
    g_printf("bench: counts %s ptes=%u exits=%s hypercalls=%lu emulations=%s\n", f->name,
             f->ptes, exits, b->hypercalls - a->hypercalls, emul);
}

/* A warm-up run, then MV_REPS timed runs; the hypervisor's counts over the last. */
void mv_measure(const struct mv_platform *p, const struct mv_figure *f)
{
    uint64_t t[MV_REPS];
    struct mv_counts before, after;
    const char *why = NULL;

    if (!g_bench_selected(f->name))
        return;
    g_printf("bench: begin %s\n", f->name);    /* the host times the emulator from here */
    for (unsigned int r = 0; r <= MV_REPS; r++) {
        uint64_t ticks;

        if (r == MV_REPS)
            p->counts(&before);
        ticks = f->run(f->ctx, &why);
        if (why) {
            g_bench_fail(f->name, why, 0);
            return;
        }
        if (r > 0)
            t[r - 1] = ticks;
    }
    p->counts(&after);
    report(f, t);
    report_counts(f, &before, &after);
}

int g_main(void)
{
    const struct mv_platform *p = mv_platform();

    g_bench_preamble();
    g_printf("bench: memvirt on %s\n", p->name);
    g_irq_disable();
    if (g_bench_selected("churn")) {
        if (mv_churn_setup(p) < 0)
            g_bench_fail("churn", "setup failed", -12);
        else
            mv_churn_run(p);
    }
    mv_tlb_run_all(p);
    g_irq_enable();
    return g_bench_done();
}
