/*
 * The page allocator (see guest/mm.h): one bit per PFN, set when free.
 * The flavour's start of day (mm.c, hvm/mm.c) says how many PFNs there
 * are and frees those nothing uses.
 */
#include <guest/guest.h>

#define MAX_PFNS G_MAX_PFNS

static uint64_t free_map[MAX_PFNS / 64];    /* bit set = free */
static uint64_t nr_pfns;                    /* PFNs the map covers */
static uint64_t nr_free;
static uint64_t next_hint;                  /* no free PFN below it */
static uint64_t top_hint;                   /* no free PFN above it */

void g_alloc_init(uint64_t pfns)
{
    nr_pfns = pfns < MAX_PFNS ? pfns : MAX_PFNS;
    next_hint = nr_pfns;
    top_hint = 0;
}

void g_alloc_grow(uint64_t pfns)
{
    if (pfns > nr_pfns)
        nr_pfns = pfns < MAX_PFNS ? pfns : MAX_PFNS;
}

uint64_t g_page_alloc(void)
{
    uint64_t pfn;

    for (pfn = next_hint; pfn < nr_pfns; pfn++) {
        uint64_t *w = &free_map[pfn / 64];
        uint64_t bit = 1ull << (pfn % 64);

        if (__atomic_fetch_and(w, ~bit, __ATOMIC_SEQ_CST) & bit) {
            __atomic_fetch_sub(&nr_free, 1, __ATOMIC_SEQ_CST);
            next_hint = pfn + 1;
            return pfn;
        }
    }
    return G_INVALID_PFN;
}

/* Take pfn if it is free. */
static bool take(uint64_t pfn)
{
    uint64_t bit = 1ull << (pfn % 64);

    if (!(__atomic_fetch_and(&free_map[pfn / 64], ~bit, __ATOMIC_SEQ_CST) & bit))
        return false;
    __atomic_fetch_sub(&nr_free, 1, __ATOMIC_SEQ_CST);
    return true;
}

uint64_t g_page_alloc_above(uint64_t floor)
{
    for (uint64_t pfn = floor > next_hint ? floor : next_hint; pfn < nr_pfns; pfn++) {
        if (!free_map[pfn / 64]) {
            pfn |= 63;                  /* skip a word with nothing free */
            continue;
        }
        if (take(pfn))
            return pfn;
    }
    return G_INVALID_PFN;
}

uint64_t g_page_alloc_highest(uint64_t floor)
{
    uint64_t pfn = top_hint < nr_pfns ? top_hint : nr_pfns;

    while (pfn-- > floor) {
        if (!free_map[pfn / 64]) {
            pfn &= ~63ull;              /* skip a word with nothing free */
            continue;
        }
        if (take(pfn)) {
            top_hint = pfn;
            return pfn;
        }
    }
    return G_INVALID_PFN;
}

bool g_page_is_free(uint64_t pfn)
{
    return pfn < nr_pfns && (free_map[pfn / 64] >> (pfn % 64) & 1);
}

void g_page_free(uint64_t pfn)
{
    if (pfn >= nr_pfns)
        return;
    __atomic_fetch_or(&free_map[pfn / 64], 1ull << (pfn % 64),
                      __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&nr_free, 1, __ATOMIC_SEQ_CST);
    if (pfn < next_hint)
        next_hint = pfn;
    if (pfn >= top_hint)
        top_hint = pfn + 1;
}

void g_page_free_range(uint64_t pfn, uint64_t n)
{
    if (pfn >= nr_pfns)
        return;
    n = n < nr_pfns - pfn ? n : nr_pfns - pfn;
    for (uint64_t p = pfn, end = pfn + n; p < end; ) {
        if (p % 64 == 0 && end - p >= 64) {
            __atomic_store_n(&free_map[p / 64], ~0ull, __ATOMIC_SEQ_CST);
            p += 64;
        } else {
            __atomic_fetch_or(&free_map[p / 64], 1ull << (p % 64),
                              __ATOMIC_SEQ_CST);
            p++;
        }
    }
    __atomic_fetch_add(&nr_free, n, __ATOMIC_SEQ_CST);
    if (pfn < next_hint)
        next_hint = pfn;
    if (pfn + n > top_hint)
        top_hint = pfn + n;
}

uint64_t g_page_alloc_run_highest(uint64_t floor, unsigned int order)
{
    uint64_t n = 1ull << order, words = n / 64;
    uint64_t top = (top_hint < nr_pfns ? top_hint : nr_pfns) & ~(n - 1);

    if (order < 6)
        return G_INVALID_PFN;           /* whole words only */
    for (uint64_t pfn = top; pfn >= floor + n; ) {
        uint64_t w, first = (pfn - n) / 64;

        pfn -= n;
        for (w = 0; w < words && free_map[first + w] == ~0ull; w++)
            ;
        if (w < words)
            continue;
        /* Take the words whole; if another vCPU took a page of them
         * meanwhile, give back what was taken and look further down. */
        for (w = 0; w < words; w++) {
            uint64_t old = __atomic_exchange_n(&free_map[first + w], 0,
                                               __ATOMIC_SEQ_CST);
            if (old != ~0ull) {
                __atomic_fetch_or(&free_map[first + w], old, __ATOMIC_SEQ_CST);
                break;
            }
        }
        if (w < words) {
            while (w--)
                __atomic_store_n(&free_map[first + w], ~0ull, __ATOMIC_SEQ_CST);
            continue;
        }
        __atomic_fetch_sub(&nr_free, n, __ATOMIC_SEQ_CST);
        return pfn;
    }
    return G_INVALID_PFN;
}

uint64_t g_pages_free(void)
{
    return nr_free;
}

void *g_page_alloc_mapped(void)
{
    uint64_t pfn = g_page_alloc();
    void *va;

    if (pfn == G_INVALID_PFN)
        return NULL;
    va = g_pfn_to_virt(pfn);
    if (!va) {
        g_page_free(pfn);
        return NULL;
    }
    memset(va, 0, G_PAGE_SIZE);
    return va;
}

void g_page_free_mapped(void *va)
{
    g_page_free(g_virt_to_pfn(va));
}
