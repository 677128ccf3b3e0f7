/*
 * Memory of a PVH guest: a pattern written over all of its free RAM and
 * read back; memory given back (decrease_reservation by guest frame) and
 * taken again (populate_physmap: 4 KiB and 2 MiB extents) with the rest
 * of memory intact; reservation counts following.
 */
#include "selftest.h"

#define PATTERN(pfn, i) (((uint64_t)(pfn) << 20) ^ (i) ^ 0x5a5a0000a5a50000ull)
#define BALLOON_PAGES   512

static uint64_t pfns[1 << 18];          /* up to 1 GiB of free pages */

static unsigned int take_all(void)
{
    unsigned int n = 0;

    while (n < G_ARRAY_SIZE(pfns) && (pfns[n] = g_page_alloc()) != G_INVALID_PFN)
        n++;
    return n;
}

static void fill(uint64_t pfn)
{
    uint64_t *p = g_pfn_to_virt(pfn);

    for (unsigned int i = 0; i < 512; i++)
        p[i] = PATTERN(pfn, i);
}

static bool holds(uint64_t pfn)
{
    const uint64_t *p = g_pfn_to_virt(pfn);

    for (unsigned int i = 0; i < 512; i++)
        if (p[i] != PATTERN(pfn, i))
            return false;
    return true;
}

static const char *pattern_over_ram(void)
{
    unsigned int n = take_all(), bad = 0;

    for (unsigned int i = 0; i < n; i++)
        fill(pfns[i]);
    for (unsigned int i = 0; i < n; i++)
        bad += !holds(pfns[i]);
    for (unsigned int i = 0; i < n; i++)
        g_page_free(pfns[i]);
    info("pattern over %u free pages (%u MiB)", n, n >> 8);
    if (n < 256)
        return why("only %u free pages", n);
    return bad ? why("%u pages lost their pattern", bad) : NULL;
}

static long reservation(unsigned int op, uint64_t *list, unsigned int n, unsigned int order)
{
    struct xen_memory_reservation r = { .extent_start = (uint64_t)list, .nr_extents = n,
                                        .extent_order = order, .domid = DOMID_SELF };

    return hc_memory_op(op, &r);
}

static long current_pages(void)
{
    domid_t self = DOMID_SELF;

    return hc_memory_op(XENMEM_current_reservation, &self);
}

/* Give BALLOON_PAGES back, check the count, take them back as 4 KiB extents. */
static const char *balloon_4k(void)
{
    unsigned int n = take_all(), out = n < BALLOON_PAGES * 2 ? n / 2 : BALLOON_PAGES;
    long before = current_pages(), rc;
    const char *r = NULL;
    unsigned int bad = 0;

    for (unsigned int i = out; i < n; i++)
        fill(pfns[i]);
    if ((rc = reservation(XENMEM_decrease_reservation, pfns, out, 0)) != out)
        r = why("decrease_reservation gave back %ld of %u", rc, out);
    else if (current_pages() != before - (long)out)
        r = why("reservation %ld after giving %u of %ld", current_pages(), out, before);
    else if ((rc = reservation(XENMEM_populate_physmap, pfns, out, 0)) != out)
        r = why("populate_physmap took %ld of %u", rc, out);
    else if (current_pages() != before)
        r = why("reservation %ld, expected %ld", current_pages(), before);
    for (unsigned int i = 0; !r && i < out; i++)
        fill(pfns[i]);                  /* the new frames are usable */
    for (unsigned int i = out; i < n; i++)
        bad += !holds(pfns[i]);
    for (unsigned int i = 0; i < n; i++)
        g_page_free(pfns[i]);
    if (!r && bad)
        r = why("%u kept pages changed", bad);
    info("ballooned %u pages out and back", out);
    return r;
}

/* A 2 MiB-aligned run of free pages given back and taken as one extent. */
static const char *balloon_2m(void)
{
    unsigned int n = take_all(), start = n, bad = 0;
    uint64_t extent;
    const char *r = NULL;
    long rc;

    for (unsigned int i = 0; i + 512 <= n; i++)
        if (pfns[i] % 512 == 0 && pfns[i + 511] == pfns[i] + 511) {
            start = i;
            break;
        }
    if (start == n)
        r = SKIP("no free 2 MiB-aligned run");
    for (unsigned int i = 0; !r && i < n; i++)
        if (i < start || i >= start + 512)
            fill(pfns[i]);
    extent = r ? 0 : pfns[start];
    if (!r && (rc = reservation(XENMEM_decrease_reservation, &pfns[start], 512, 0)) != 512)
        r = why("decrease of the run: %ld", rc);
    else if (!r && (rc = reservation(XENMEM_populate_physmap, &extent, 1, 9)) != 1)
        r = why("populate of one 2 MiB extent: %ld", rc);
    for (unsigned int i = 0; !r && i < n; i++)
        if (i < start || i >= start + 512)
            bad += !holds(pfns[i]);
        else
            fill(pfns[i]);
    for (unsigned int i = 0; i < n; i++)
        g_page_free(pfns[i]);
    if (!r && bad)
        r = why("%u kept pages changed", bad);
    return r;
}

/* Populating a frame that is already there is refused on xen-lite. */
static const char *populate_twice(void)
{
    uint64_t pfn = g_page_alloc();
    long rc;

    if (!on_xen_lite())
        return SKIP("Xen replaces the page; xen-lite refuses (ABI.md)");
    rc = reservation(XENMEM_populate_physmap, &pfn, 1, 0);
    g_page_free(pfn);
    return rc == 0 ? NULL : why("populating a populated gfn: %ld", rc);
}

const struct check memory_checks[] = {
    { "pattern_over_all_free_ram", pattern_over_ram },
    { "balloon_4k_out_and_back_keeps_data", balloon_4k },
    { "balloon_2m_extent_out_and_back", balloon_2m },
    { "populate_of_a_populated_gfn_refused", populate_twice },
    { NULL, NULL },
};
