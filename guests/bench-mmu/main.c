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

#include <guest/control.h>

static int failures;

void bench_fail(const char *name, const char *why, long rc)
{
    g_printf("bench: FAILED %s: %s (%ld)\n", name, why, rc);
    failures++;
}

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

/* total / n with two decimals. */
static void per_op(char *buf, size_t size, uint64_t total, unsigned int n)
{
    uint64_t hundredths = (total * 100 + n / 2) / n;

    g_snprintf(buf, size, "%lu.%02lu", hundredths / 100, hundredths % 100);
}

void bench_report(const struct bench *b, uint64_t *t)
{
    char min[32], med[32], call[32], extra[96] = "";

    sort(t, BENCH_REPS);
    per_op(min, sizeof(min), t[0], b->iters);
    per_op(med, sizeof(med), t[BENCH_REPS / 2], b->iters);
    if (b->batch) {
        per_op(call, sizeof(call), t[0], b->calls);
        g_snprintf(extra, sizeof(extra), " batch=%u calls=%u per_call_min=%s",
                   b->batch, b->calls, call);
    }
    g_printf("bench: %s min=%s median=%s iters=%u reps=%u min_total=%lu "
             "median_total=%lu%s\n", b->name, min, med, b->iters, BENCH_REPS,
             t[0], t[BENCH_REPS / 2], extra);
}

/* "only=NAME" on the command line runs just the benchmark named so. */
static bool selected(const char *name)
{
    size_t n;
    const char *only = g_cmdline_value("only", &n);

    return !only || (strlen(name) == n && !strncmp(name, only, n));
}

/* A warm-up run, then BENCH_REPS timed runs, each checked. */
void bench_measure(const struct bench *b)
{
    uint64_t t[BENCH_REPS];
    const char *why;
    long err = 0;

    if (!selected(b->name))
        return;
    for (unsigned int r = 0; r <= BENCH_REPS; r++) {
        uint64_t ticks = b->run(b->ctx, &err);

        if (err < 0) {
            bench_fail(b->name, "an operation failed", err);
            return;
        }
        if (b->check && (why = b->check(b->ctx))) {
            bench_fail(b->name, why, 0);
            return;
        }
        if (r > 0)
            t[r - 1] = ticks;
    }
    bench_report(b, t);
}

static void print_version(void)
{
    xen_extraversion_t extra;
    long v = hc_xen_version(XENVER_version, NULL);

    memset(extra, 0, sizeof(extra));
    if (v < 0 || hc_xen_version(XENVER_extraversion, extra) < 0) {
        bench_fail("xen_version", "cannot read the version", v);
        return;
    }
    extra[sizeof(extra) - 1] = '\0';
    g_printf("bench: hypervisor %ld.%ld%s\n", v >> 16, v & 0xffff, extra);
}

/* TSC ticks per millisecond: ns = ((ticks << shift) * mul) >> 32. */
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
        bench_fail("tsc", "vcpu_time_info has no TSC scale", 0);
        return;
    }
    khz = (G_NS_PER_MS << 32) / mul;
    khz = shift >= 0 ? khz >> shift : khz << -shift;
    g_printf("bench: tsc khz=%lu mul=%u shift=%d\n", khz, mul, shift);
}

int g_main(void)
{
    int rc;

    print_version();
    print_tsc_rate();
    g_irq_disable();
    if ((rc = updates_setup()) < 0) {
        bench_fail("updates", "setup failed", rc);
    } else {
        updates_run_all();
        updates_teardown();
    }
    flush_run_all();
    if ((rc = tree_setup()) < 0) {
        bench_fail("pin_l4", "setup failed", rc);
    } else {
        tree_run();
        tree_teardown();
    }
    g_irq_enable();
    g_printf("bench: %s\n", failures ? "FAILED" : "done");
    return failures;
}
