/*
 * The working set and its checks (see worker.h).
 *
 * Per PFN two bits: written (the worker wrote it since it was last
 * populated) and seen-zero (it was checked to read zero since then).  A
 * PFN that leaves the guest loses both.
 */
#include "worker.h"

#define WORDS    (G_PAGE_SIZE / 8)
#define YIELD_PAGES 1024u               /* work between calls of yield_fn */

static uint32_t ws_pfn[WS_MAX_PAGES];
static uint16_t ws_gen[WS_MAX_PAGES];
static uint64_t nr_ws;
static uint16_t generation = 1;
static enum zerocheck zero_mode;
static void (*yield_fn)(void);

static uint64_t written[G_MAX_PFNS / 64], seen_zero[G_MAX_PFNS / 64];

static bool test(const uint64_t *map, uint64_t pfn)
{
    return map[pfn / 64] >> (pfn % 64) & 1;
}

static void set(uint64_t *map, uint64_t pfn, bool on)
{
    if (on)
        map[pfn / 64] |= 1ull << (pfn % 64);
    else
        map[pfn / 64] &= ~(1ull << (pfn % 64));
}

static uint64_t word(uint64_t pfn, uint16_t gen, unsigned int i)
{
    uint64_t x = pfn * 0x9e3779b97f4a7c15ull ^ (uint64_t)gen << 48 ^
                 i * 0xc2b2ae3d27d4eb4full;

    return x ^ x >> 29;
}

static uint64_t *page(uint64_t pfn)
{
    return g_pfn_to_virt(pfn);
}

/* A page nobody wrote must read zero; checks it once per population. */
static bool check_zero(uint64_t pfn, const char *what)
{
    const uint64_t *p = page(pfn);

    if (zero_mode == ZERO_OFF || test(written, pfn) || test(seen_zero, pfn))
        return true;
    for (unsigned int i = 0; i < WORDS; i++) {
        if (p[i]) {
            fail("%s page pfn 0x%lx (mfn 0x%lx) word %u holds 0x%lx, not "
                 "zero", what, pfn, g_pfn_to_mfn(pfn), i, p[i]);
            set(seen_zero, pfn, true);
            return false;
        }
    }
    set(seen_zero, pfn, true);
    return true;
}

static void fill(uint64_t idx)
{
    uint64_t pfn = ws_pfn[idx], *p = page(pfn);

    for (unsigned int i = 0; i < WORDS; i++)
        p[i] = word(pfn, generation, i);
    ws_gen[idx] = generation;
    set(written, pfn, true);
}

void ws_init(enum zerocheck z)
{
    zero_mode = z;
    /* Pages held at start count as populated only when asked to. */
    if (z == ZERO_POPULATED)
        for (uint64_t pfn = 0; pfn < g_max_pfn(); pfn++)
            set(seen_zero, pfn, g_pfn_to_mfn(pfn) != G_INVALID_MFN);
}

void ws_set_yield(void (*fn)(void))
{
    yield_fn = fn;
}

/* Every YIELD_PAGES pages of a long walk, let the guest's other work run. */
static void maybe_yield(uint64_t done)
{
    if (yield_fn && done && done % YIELD_PAGES == 0)
        yield_fn();
}

uint64_t ws_pages(void)
{
    return nr_ws;
}

uint64_t ws_grow(uint64_t n)
{
    generation++;
    while (nr_ws < n && nr_ws < WS_MAX_PAGES && g_pages_free() > WS_MARGIN) {
        uint64_t pfn = g_page_alloc_above(g_mapped_pfns());

        if (pfn == G_INVALID_PFN)
            break;
        if (!page(pfn)) {
            g_page_free(pfn);
            fail("pfn 0x%lx has no mapping", pfn);
            break;
        }
        check_zero(pfn, "fresh");
        ws_pfn[nr_ws] = (uint32_t)pfn;
        fill(nr_ws++);
        maybe_yield(nr_ws);
    }
    return nr_ws;
}

void ws_rewrite(void)
{
    generation++;
    for (uint64_t i = 0; i < nr_ws; i += 2) {
        fill(i);
        maybe_yield(i + 2);
    }
}

void ws_shrink(void)
{
    uint64_t keep = nr_ws / 2;

    while (nr_ws > keep)
        g_page_free(ws_pfn[--nr_ws]);
}

uint64_t ws_check(void)
{
    for (uint64_t idx = 0; idx < nr_ws; idx++) {
        uint64_t pfn = ws_pfn[idx];
        const uint64_t *p = page(pfn);

        if (g_pfn_to_mfn(pfn) == G_INVALID_MFN) {
            fail("working-set pfn 0x%lx was ballooned out", pfn);
            return idx;
        }
        for (unsigned int i = 0; i < WORDS; i++) {
            if (p[i] == word(pfn, ws_gen[idx], i))
                continue;
            fail("pfn 0x%lx word %u holds 0x%lx, expected 0x%lx", pfn, i,
                 p[i], word(pfn, ws_gen[idx], i));
            return idx;
        }
        maybe_yield(idx + 1);
    }
    return nr_ws;
}

uint64_t ws_check_fresh(void)
{
    uint64_t checked = 0;

    for (uint64_t pfn = g_mapped_pfns(); pfn < g_max_pfn(); pfn++) {
        if (g_pfn_to_mfn(pfn) == G_INVALID_MFN) {
            set(written, pfn, false);
            set(seen_zero, pfn, false);
            continue;
        }
        if (zero_mode == ZERO_OFF || !g_page_is_free(pfn) ||
            test(written, pfn) || test(seen_zero, pfn))
            continue;
        check_zero(pfn, "populated");
        checked++;
    }
    return checked;
}
