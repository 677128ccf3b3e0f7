/*
 * TLB stress and the sequential sweep (see memvirt.h) over one gigabyte
 * of data pages, mapped twice -- by 4 KiB pages at MV_WS_SLOT and, where
 * the platform can, by 2 MiB pages at the next slot -- so that the 256 MiB
 * working set is the first quarter of the same frames.  The first word of
 * every 64-byte line holds a value made from its page and line; every run
 * adds up what it read and is checked against the sum it should give.
 */
#include <guest/bench.h>
#include <guest/guest.h>

#include "memvirt.h"

#define GIB_PAGES       (1ULL << 18)
#define LINES_PER_PAGE  64u
#define RANDOM_READS    (1u << 18)

struct ws {
    const char *name;
    uint64_t pages;                     /* the working set */
    bool large;
    bool sequential;
    uint64_t va;
    uint64_t sum;                       /* of the last run */
};

static struct mv_region small_map, large_map;
static uint64_t first;

static uint64_t word(uint64_t page, unsigned int line)
{
    return ((page << 6) | line) * 0x9e3779b97f4a7c15ULL;
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* The line a random read takes: its page and line. */
static void pick(uint64_t *s, uint64_t pages, uint64_t *page, unsigned int *line)
{
    uint64_t x = xorshift(s);

    *page = (x >> 8) % pages;
    *line = x & (LINES_PER_PAGE - 1);
}

static uint64_t random_reads(void *ctx, const char **why)
{
    struct ws *w = ctx;
    const volatile uint64_t *base = (const volatile uint64_t *)w->va;
    uint64_t s = 0x2545f4914f6cdd1dULL, sum = 0, page, t0 = g_bench_tsc(), t1;
    unsigned int line;

    for (unsigned int i = 0; i < RANDOM_READS; i++) {
        pick(&s, w->pages, &page, &line);
        sum += base[page * 512 + line * 8];
    }
    t1 = g_bench_tsc();
    w->sum = sum;
    return t1 - t0;
}

static uint64_t sweep(void *ctx, const char **why)
{
    struct ws *w = ctx;
    const volatile uint64_t *base = (const volatile uint64_t *)w->va;
    uint64_t n = w->pages * LINES_PER_PAGE, sum = 0, t0 = g_bench_tsc(), t1;

    for (uint64_t i = 0; i < n; i++)
        sum += base[i * 8];
    t1 = g_bench_tsc();
    w->sum = sum;
    return t1 - t0;
}

static uint64_t expected(const struct ws *w)
{
    uint64_t s = 0x2545f4914f6cdd1dULL, sum = 0, page;
    unsigned int line;

    if (w->sequential) {
        for (uint64_t p = 0; p < w->pages; p++)
            for (unsigned int l = 0; l < LINES_PER_PAGE; l++)
                sum += word(first + p, l);
        return sum;
    }
    for (unsigned int i = 0; i < RANDOM_READS; i++) {
        pick(&s, w->pages, &page, &line);
        sum += word(first + page, line);
    }
    return sum;
}

static int setup(const struct mv_platform *p)
{
    volatile uint64_t *v = (volatile uint64_t *)MV_SLOT_VA(MV_WS_SLOT);

    if (!p->frames_alloc(GIB_PAGES, p->large_pages, &first) ||
        mv_map_region(p, &small_map, p->home_l4(), MV_WS_SLOT, first, GIB_PAGES, false) ||
        (p->large_pages &&
         mv_map_region(p, &large_map, p->home_l4(), MV_WS_SLOT + 1, first, GIB_PAGES, true)))
        return -1;
    for (uint64_t page = 0; page < GIB_PAGES; page++)
        for (unsigned int l = 0; l < LINES_PER_PAGE; l++)
            v[page * 512 + l * 8] = word(first + page, l);
    return 0;
}

static void run(const struct mv_platform *p, struct ws *w)
{
    struct mv_figure f = { w->name, w->sequential ? w->pages * LINES_PER_PAGE : RANDOM_READS,
                           0, w->sequential ? sweep : random_reads, w };

    if (w->large && !p->large_pages) {
        g_printf("bench: skipped %s: this platform maps no 2 MiB pages\n", w->name);
        return;
    }
    w->va = MV_SLOT_VA(MV_WS_SLOT + w->large);
    mv_measure(p, &f);
    if (w->sum != expected(w))
        g_bench_fail(w->name, "the reads did not add up to what the pages hold", 0);
}

void mv_tlb_run_all(const struct mv_platform *p)
{
    static struct ws sets[] = {
        { .name = "tlb_256m_4k", .pages = GIB_PAGES / 4, .large = false, .sequential = false },
        { .name = "tlb_256m_2m", .pages = GIB_PAGES / 4, .large = true, .sequential = false },
        { .name = "tlb_1g_4k", .pages = GIB_PAGES, .large = false, .sequential = false },
        { .name = "tlb_1g_2m", .pages = GIB_PAGES, .large = true, .sequential = false },
        { .name = "seq_256m_4k", .pages = GIB_PAGES / 4, .large = false, .sequential = true },
        { .name = "seq_256m_2m", .pages = GIB_PAGES / 4, .large = true, .sequential = true },
        { .name = "seq_1g_4k", .pages = GIB_PAGES, .large = false, .sequential = true },
        { .name = "seq_1g_2m", .pages = GIB_PAGES, .large = true, .sequential = true },
    };
    bool any = false;

    for (unsigned int i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
        any |= g_bench_selected(sets[i].name);
    if (!any)
        return;
    if (setup(p) < 0) {
        g_bench_fail("tlb", "no memory for the working set", -12);
        return;
    }
    for (unsigned int i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
        if (g_bench_selected(sets[i].name))
            run(p, &sets[i]);
}
