/*
 * bench-balloon: the balloon driver's speed, as dom0 (dom0_mem=1G).
 *
 * With all of its memory in the physmap, the guest balloons from what it
 * holds (1 GiB) down to 128 MiB and back up, once to warm up and then
 * BENCH_REPS times, timing each way with rdtsc and events masked.  Each
 * way includes everything the driver does: page-table updates, TLB
 * flushes, the reservation calls and scrubbing -- by the guest with
 * MMUEXT_CLEAR_PAGE where the hypervisor does not zero freed frames (Xen),
 * by the hypervisor as it takes them back (xen-lite).  A
 * third figure times MMUEXT_CLEAR_PAGE over the same amount of memory,
 * which is what scrubbing costs wherever it happens.
 *
 * Output, in bench-pv's format, per MiB moved:
 *
 *   bench: hypervisor <major>.<minor><extra>
 *   bench: tsc khz=<n> mul=<tsc_to_system_mul> shift=<tsc_shift>
 *   bench: balloon_down min=<ticks> median=<ticks> iters=<MiB> reps=<n>
 *          min_total=<ticks> median_total=<ticks>        (one line)
 *   bench: balloon_up ...
 *   bench: scrub_clear_page ...
 *   bench: balloon_calls down_per_mib=<n> up_per_mib=<n> extents_2m=<n>
 *          extents_2m_out=<n> scrub_by_guest=<0|1>       (one line)
 *   bench: FAILED <name>: <why> (<rc>)
 *   bench: done
 */
#include <guest/guest.h>
#include <guest/balloon.h>
#include <guest/bench.h>
#include <guest/physmap.h>
#include <guest/pt.h>

#define BENCH_REPS   5u
#define LOW_PAGES    (128u * 256)       /* 128 MiB */
#define MIB          256u               /* pages */

/* total / n with two decimals. */
static void per(char *buf, size_t size, uint64_t total, uint64_t n)
{
    uint64_t hundredths = (total * 100 + n / 2) / n;

    g_snprintf(buf, size, "%lu.%02lu", hundredths / 100, hundredths % 100);
}

static void report(const char *name, uint64_t *t, uint64_t mib)
{
    char min[32], med[32];

    g_bench_sort(t, BENCH_REPS);
    per(min, sizeof(min), t[0], mib);
    per(med, sizeof(med), t[BENCH_REPS / 2], mib);
    g_printf("bench: %s min=%s median=%s iters=%lu reps=%u min_total=%lu "
             "median_total=%lu\n", name, min, med, mib, BENCH_REPS, t[0],
             t[BENCH_REPS / 2]);
}

/* ---- The runs ------------------------------------------------------------ */

struct cycle {
    uint64_t down, up;                  /* ticks */
    uint64_t calls_down, calls_up;
};

static int balloon_to(uint64_t pages, uint64_t *ticks, uint64_t *calls)
{
    uint64_t c0 = balloon_stats()->hypercalls, t0 = g_bench_tsc();
    int rc = balloon_set_target(pages);

    *ticks = g_bench_tsc() - t0;
    *calls = balloon_stats()->hypercalls - c0;
    if (rc == 0 && balloon_current_pages() != pages)
        rc = -XEN_EIO;
    return rc;
}

static int cycle(uint64_t top, struct cycle *c)
{
    int rc = balloon_to(LOW_PAGES, &c->down, &c->calls_down);

    if (rc) {
        g_bench_fail("balloon_down", balloon_state_name(balloon_status()), rc);
        return rc;
    }
    if ((rc = balloon_to(top, &c->up, &c->calls_up))) {
        g_bench_fail("balloon_up", balloon_state_name(balloon_status()), rc);
        return rc;
    }
    return 0;
}

/* MMUEXT_CLEAR_PAGE over `pages` free frames, 512 to a call. */
static uint64_t time_clear(uint64_t pages, long *err)
{
    static struct mmuext_op ops[512];
    uint64_t pfn = g_max_pfn(), t0, t1, done = 0;

    t0 = g_bench_tsc();
    while (done < pages && pfn > g_mapped_pfns()) {
        unsigned int n = 0;

        while (n < 512 && done + n < pages && pfn-- > g_mapped_pfns())
            if (g_page_is_free(pfn)) {
                ops[n].cmd = MMUEXT_CLEAR_PAGE;
                ops[n++].arg1.mfn = g_pfn_to_mfn(pfn);
            }
        *err |= hc_mmuext_op(ops, n, NULL, DOMID_SELF);
        done += n;
    }
    t1 = g_bench_tsc();
    if (done < pages)
        *err = -XEN_ENOMEM;
    return t1 - t0;
}

static void run(uint64_t top)
{
    uint64_t down[BENCH_REPS], up[BENCH_REPS], clear[BENCH_REPS];
    uint64_t mib = (top - LOW_PAGES) / MIB, calls_down = 0, calls_up = 0;
    struct cycle c;
    long err = 0;

    if (cycle(top, &c))                 /* warm-up */
        return;
    for (unsigned int r = 0; r < BENCH_REPS; r++) {
        if (cycle(top, &c))
            return;
        down[r] = c.down;
        up[r] = c.up;
        calls_down += c.calls_down;
        calls_up += c.calls_up;
        clear[r] = time_clear(mib * MIB, &err);
    }
    report("balloon_down", down, mib);
    report("balloon_up", up, mib);
    if (err < 0)
        g_bench_fail("scrub_clear_page", "MMUEXT_CLEAR_PAGE failed", err);
    else
        report("scrub_clear_page", clear, mib);
    g_printf("bench: balloon_calls down_per_mib=%lu.%02lu up_per_mib=%lu.%02lu "
             "extents_2m=%lu extents_2m_out=%lu scrub_by_guest=%d\n",
             calls_down / (BENCH_REPS * mib),
             calls_down * 100 / (BENCH_REPS * mib) % 100,
             calls_up / (BENCH_REPS * mib),
             calls_up * 100 / (BENCH_REPS * mib) % 100,
             balloon_stats()->extents_2m, balloon_stats()->extents_2m_out,
             balloon_scrubs());
}

int g_main(void)
{
    uint64_t top;
    int rc;

    g_bench_preamble();
    if ((rc = g_physmap_init(g_nr_pages())) < 0 || (rc = balloon_init(0)) < 0) {
        g_bench_fail("setup", "physmap or balloon driver", rc);
    } else if ((top = balloon_current_pages()) <= LOW_PAGES + MIB) {
        g_bench_fail("setup", "dom0 holds 128 MiB or less", (long)top);
    } else {
        g_printf("bench: balloon holds %lu pages (%lu MiB), down to %u\n",
                 top, top / MIB, LOW_PAGES);
        g_irq_disable();
        run(top);
        g_irq_enable();
    }
    return g_bench_done();
}
