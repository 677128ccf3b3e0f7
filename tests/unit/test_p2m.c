/*
 * The p2m (mm/p2m.c) in both formats: ranges mapped with the largest
 * entries alignment allows (and max_order permits), large entries split
 * by changes inside them and merged back when their table becomes one
 * contiguous run again, types kept in software bits (RAM, emulated MMIO,
 * unpopulated, hypervisor pages), tables that map nothing freed, flushes
 * before tables are freed, bad
 * ranges refused, running out of tables leaving the range unmapped, and
 * the statistics xl p2m-info prints.
 */
#include <stdlib.h>

#include "xen/p2m.h"
#include "xen/pv_mm.h"
#include "xen_errno.h"

#include "unit.h"

#define TABLES      256

static uint64_t tables[TABLES][PT_ENTRIES];
static bool used[TABLES];
static unsigned long in_use, allocs, fail_after = ~0UL, flushes;

uint64_t *pt_map_frame(unsigned long mfn)
{
    if (mfn < 1 || mfn > TABLES)
        unit_fail(__FILE__, __LINE__, "p2m mapped frame %#lx, not a table", mfn);
    return tables[mfn - 1];
}

unsigned long p2m_alloc_table(struct p2m_domain *p)
{
    if (allocs >= fail_after)
        return 0;
    for (unsigned int i = 0; i < TABLES; i++)
        if (!used[i]) {
            used[i] = true;
            memset(tables[i], 0, sizeof(tables[i]));
            in_use++;
            allocs++;
            return i + 1;
        }
    return 0;
}

void p2m_free_table(struct p2m_domain *p, unsigned long mfn)
{
    if (!used[mfn - 1])
        unit_fail(__FILE__, __LINE__, "table %#lx freed twice", mfn);
    /* A table a pCPU may still cache is never freed before the flush. */
    if (p->need_flush)
        unit_fail(__FILE__, __LINE__, "table %#lx freed before the flush", mfn);
    memset(tables[mfn - 1], 0xa5, sizeof(tables[0]));   /* poison */
    used[mfn - 1] = false;
    in_use--;
}

static void flush(struct p2m_domain *p)
{
    flushes++;
}

static struct p2m_domain p2m;

static void init(const struct p2m_format *fmt, unsigned int max_order)
{
    memset(used, 0, sizeof(used));
    in_use = allocs = flushes = 0;
    fail_after = ~0UL;
    CHECK_EQ(p2m_init(&p2m, fmt, max_order), 0);
    p2m.flush = flush;
}

#define NPT     (&p2m_format_npt)
#define EPT     (&p2m_format_ept)
#define G1      18
#define M2      9

/* gfn's frame and entry order, checking its type too. */
static unsigned long get(unsigned long gfn, enum p2m_type want, unsigned int *order)
{
    enum p2m_type t;
    unsigned int o;
    unsigned long mfn = p2m_get(&p2m, gfn, &t, &o);

    CHECK_EQ(t, want);
    if (order)
        *order = o;
    return mfn;
}

static void stats(unsigned long e4k, unsigned long e2m, unsigned long e1g)
{
    struct p2m_stats s;

    p2m_stats(&p2m, &s);
    CHECK_EQ(s.entries[0], e4k);
    CHECK_EQ(s.entries[1], e2m);
    CHECK_EQ(s.entries[2], e1g);
    CHECK_EQ(s.tables, p2m.nr_tables - p2m.nr_pending);   /* reachable ones */
}

static void each_format(void (*body)(const struct p2m_format *))
{
    body(NPT);
    p2m_teardown(&p2m);
    CHECK_EQ(in_use, 0);
    body(EPT);
    p2m_teardown(&p2m);
    CHECK_EQ(in_use, 0);
}

static void largest_entries(const struct p2m_format *fmt)
{
    unsigned int order;

    init(fmt, G1);
    /* 1 GiB + 2 MiB + 4 KiB, each aligned as its size allows. */
    CHECK_EQ(p2m_set(&p2m, 0x40000, 0x80000, G1, p2m_ram_rw), 0);
    CHECK_EQ(p2m_set(&p2m, 0x200, 0x1400, M2, p2m_ram_rw), 0);
    CHECK_EQ(p2m_set(&p2m, 0x7, 0x99, 0, p2m_ram_rw), 0);
    CHECK_EQ(get(0x40000 + 12345, p2m_ram_rw, &order), 0x80000 + 12345);
    CHECK_EQ(order, G1);
    CHECK_EQ(get(0x2ff, p2m_ram_rw, &order), 0x14ff);
    CHECK_EQ(order, M2);
    CHECK_EQ(get(0x7, p2m_ram_rw, &order), 0x99);
    CHECK_EQ(order, 0);
    CHECK_EQ(get(0x8, p2m_invalid, NULL), P2M_INVALID_MFN);
    stats(1, 1, 1);
    CHECK_EQ(p2m.max_gfn, 0x40000 + (1UL << G1) - 1);
}

TEST(ranges_use_the_largest_aligned_entries)
{
    each_format(largest_entries);
}

static void misaligned_machine_frames(const struct p2m_format *fmt)
{
    unsigned int order;

    init(fmt, G1);
    /* gfn 2 MiB aligned, mfn only 4 KiB: 512 small entries in one table. */
    CHECK_EQ(p2m_set(&p2m, 0x400, 0x1001, 0, p2m_ram_rw), 0);
    p2m_teardown(&p2m);
    init(fmt, G1);
    CHECK_EQ(p2m_set(&p2m, 0x400, 0x1000, M2 - 1, p2m_ram_rw), 0);
    CHECK_EQ(get(0x400 + 255, p2m_ram_rw, &order), 0x1000 + 255);
    CHECK_EQ(order, 0);
    stats(256, 0, 0);
}

TEST(a_range_smaller_than_2m_uses_4k_entries)
{
    each_format(misaligned_machine_frames);
}

static void max_order_limits(const struct p2m_format *fmt)
{
    init(fmt, M2);                      /* like hap_1gb=0 */
    CHECK_EQ(p2m_set(&p2m, 0x40000, 0x80000, G1, p2m_ram_rw), 0);
    stats(0, 512, 0);
    p2m_teardown(&p2m);
    init(fmt, 0);                       /* like hap_2mb=0 */
    CHECK_EQ(p2m_set(&p2m, 0x200, 0x400, M2, p2m_ram_rw), 0);
    stats(512, 0, 0);
}

TEST(max_order_caps_the_entry_size)
{
    each_format(max_order_limits);
}

static void split(const struct p2m_format *fmt)
{
    unsigned int order;

    init(fmt, G1);
    CHECK_EQ(p2m_set(&p2m, 0x40000, 0x80000, G1, p2m_ram_rw), 0);
    p2m_sync(&p2m);
    flushes = 0;
    /* Unpopulate one page in the middle: 1G -> 2M -> 4K. */
    CHECK_EQ(p2m_set(&p2m, 0x40000 + 0x300 + 5, 0, 0, p2m_invalid), 0);
    CHECK(p2m.need_flush);
    p2m_sync(&p2m);
    CHECK_EQ(flushes, 1);
    CHECK_EQ(get(0x40000 + 0x305, p2m_invalid, NULL), P2M_INVALID_MFN);
    CHECK_EQ(get(0x40000 + 0x304, p2m_ram_rw, &order), 0x80000 + 0x304);
    CHECK_EQ(order, 0);
    CHECK_EQ(get(0x40000 + 0x200, p2m_ram_rw, &order), 0x80000 + 0x200);
    CHECK_EQ(order, 0);                 /* the split 2 MiB */
    CHECK_EQ(get(0x40000 + 0x400, p2m_ram_rw, &order), 0x80000 + 0x400);
    CHECK_EQ(order, M2);
    CHECK_EQ(get(0x40000 + 0x3ffff, p2m_ram_rw, &order), 0x80000 + 0x3ffff);
    stats(511, 511, 0);
}

TEST(unmapping_inside_a_1g_entry_splits_it_and_flushes)
{
    each_format(split);
}

static void merge(const struct p2m_format *fmt)
{
    unsigned int order;
    unsigned long tables_before;

    init(fmt, G1);
    CHECK_EQ(p2m_set(&p2m, 0x40000, 0x80000, G1, p2m_ram_rw), 0);
    tables_before = p2m.nr_tables;
    CHECK_EQ(p2m_set(&p2m, 0x40305, 0, 0, p2m_invalid), 0);
    p2m_sync(&p2m);
    CHECK_EQ(p2m.nr_tables, tables_before + 2);
    /* Put the same frame back: the tables collapse into one 1 GiB entry. */
    CHECK_EQ(p2m_set(&p2m, 0x40305, 0x80305, 0, p2m_ram_rw), 0);
    CHECK_EQ(get(0x40305, p2m_ram_rw, &order), 0x80305);
    CHECK_EQ(order, G1);
    p2m_sync(&p2m);
    CHECK_EQ(p2m.nr_tables, tables_before);
    stats(0, 0, 1);
}

TEST(filling_the_hole_merges_back_to_1g)
{
    each_format(merge);
}

static void no_merge(const struct p2m_format *fmt)
{
    init(fmt, G1);
    CHECK_EQ(p2m_set(&p2m, 0x200, 0x400, M2, p2m_ram_rw), 0);
    CHECK_EQ(p2m_set(&p2m, 0x205, 0, 0, p2m_invalid), 0);
    /* Another frame at the hole: not contiguous, stays 4 KiB entries. */
    CHECK_EQ(p2m_set(&p2m, 0x205, 0x9999, 0, p2m_ram_rw), 0);
    stats(512, 0, 0);
    /* An emulated-MMIO page is not RAM: never merged with its neighbours. */
    CHECK_EQ(p2m_set(&p2m, 0x205, 0, 0, p2m_mmio_dm), 0);
    CHECK_EQ(get(0x205, p2m_mmio_dm, NULL), P2M_INVALID_MFN);
    stats(511, 0, 0);
}

TEST(non_contiguous_or_typed_neighbours_are_not_merged)
{
    each_format(no_merge);
}

static void emptied(const struct p2m_format *fmt)
{
    unsigned long gfn;
    unsigned int order;

    init(fmt, G1);
    CHECK_EQ(p2m_set(&p2m, 0x200, 0x400, M2, p2m_ram_rw), 0);
    CHECK_EQ(p2m_set(&p2m, 0x40000, 0, 0, p2m_mmio_dm), 0);
    /* Ballooned out a page at a time: the 2 MiB entry splits, and the
     * tables that end up mapping nothing go, up to the root. */
    for (gfn = 0x200; gfn < 0x400; gfn++)
        CHECK_EQ(p2m_set(&p2m, gfn, 0, 0, p2m_invalid), 0);
    p2m_sync(&p2m);
    stats(0, 0, 0);
    CHECK_EQ(p2m.nr_tables, 4);         /* root, and the MMIO page's path */
    CHECK_EQ(p2m_set(&p2m, 0x40000, 0, 0, p2m_invalid), 0);
    p2m_sync(&p2m);
    CHECK_EQ(p2m.nr_tables, 1);
    /* Emulated-MMIO pages keep their 4 KiB entries, whatever surrounds them. */
    for (gfn = 0x400; gfn < 0x600; gfn++)
        CHECK_EQ(p2m_set(&p2m, gfn, 0, 0, p2m_mmio_dm), 0);
    CHECK_EQ(get(0x5ff, p2m_mmio_dm, &order), P2M_INVALID_MFN);
    CHECK_EQ(order, 0);
}

TEST(tables_left_mapping_nothing_are_freed)
{
    each_format(emptied);
}

static void types(const struct p2m_format *fmt)
{
    struct p2m_stats s;

    init(fmt, G1);
    CHECK_EQ(p2m_set(&p2m, 0x10, 0, 0, p2m_mmio_dm), 0);
    CHECK_EQ(p2m_set(&p2m, 0x11, 0x77, 0, p2m_xen_page), 0);
    CHECK_EQ(p2m_set(&p2m, 0x12, 0x78, 0, p2m_ram_rw), 0);
    CHECK_EQ(get(0x10, p2m_mmio_dm, NULL), P2M_INVALID_MFN);
    CHECK_EQ(get(0x11, p2m_xen_page, NULL), 0x77);
    CHECK_EQ(get(0x12, p2m_ram_rw, NULL), 0x78);
    p2m_stats(&p2m, &s);
    CHECK_EQ(s.pages[p2m_mmio_dm], 1);
    CHECK_EQ(s.pages[p2m_xen_page], 1);
    CHECK_EQ(s.pages[p2m_ram_rw], 1);
    /* RAM turned into emulated MMIO, and back to nothing. */
    CHECK_EQ(p2m_set(&p2m, 0x12, 0, 0, p2m_mmio_dm), 0);
    CHECK(p2m.need_flush);
    CHECK_EQ(get(0x12, p2m_mmio_dm, NULL), P2M_INVALID_MFN);
    CHECK_EQ(p2m_set(&p2m, 0x12, 0, 0, p2m_invalid), 0);
    CHECK_EQ(get(0x12, p2m_invalid, NULL), P2M_INVALID_MFN);
}

TEST(types_change_and_are_reported)
{
    each_format(types);
}

static void entry_bits(const struct p2m_format *fmt)
{
    struct pt_walk w;

    init(fmt, G1);
    CHECK_EQ(p2m_set(&p2m, 0x200, 0x600, M2, p2m_ram_rw), 0);
    CHECK(pt_walk(&p2m.ctx, p2m.root, 0x200UL << 12, 1, &w));
    CHECK_EQ(w.level, 2);
    CHECK_EQ(w.entry & ~P2M_TYPE_MASK, (0x600UL << 12) | fmt->ram | fmt->pt->large);
    CHECK_EQ(w.perm, fmt->pt->perm & fmt->ram);
    CHECK_EQ(p2m_set(&p2m, 0x7, 0, 0, p2m_mmio_dm), 0);
    CHECK(pt_walk(&p2m.ctx, p2m.root, 0x7UL << 12, 1, &w));
    CHECK(!pt_present(fmt->pt, w.entry));   /* hardware sees nothing: exits */
}

TEST(leaves_have_the_formats_bits_and_mmio_is_not_present)
{
    each_format(entry_bits);
}

static void replacing_a_table(const struct p2m_format *fmt)
{
    unsigned long before;

    init(fmt, G1);
    before = p2m.nr_tables;
    for (unsigned long i = 0; i < 20; i++)
        CHECK_EQ(p2m_set(&p2m, 0x40000 + i * 0x200 + 3, 0x100 + i, 0, p2m_ram_rw), 0);
    CHECK_EQ(p2m.nr_tables, before + 2 + 20);
    /*
     * A 1 GiB entry over all of it: 21 tables freed, each only after a
     * flush (p2m_free_table checks) -- more than wait at once, so one
     * flush happens during the update and one at the sync.
     */
    flushes = 0;
    CHECK_EQ(p2m_set(&p2m, 0x40000, 0x80000, G1, p2m_ram_rw), 0);
    CHECK_EQ(flushes, 1);
    CHECK_EQ(in_use, before + 1 + P2M_RESERVE + (21 - P2M_PENDING_MAX));
    p2m_sync(&p2m);
    CHECK_EQ(flushes, 2);
    CHECK_EQ(p2m.nr_tables, before + 1);
    stats(0, 0, 1);
}

TEST(a_large_entry_over_smaller_ones_frees_their_tables_after_a_flush)
{
    each_format(replacing_a_table);
}

TEST(bad_ranges_are_refused_and_change_nothing)
{
    init(NPT, G1);
    CHECK_EQ(p2m_set(&p2m, 0x201, 0x400, M2, p2m_ram_rw), -XEN_EINVAL);
    CHECK_EQ(p2m_set(&p2m, 0x200, 0x401, M2, p2m_ram_rw), -XEN_EINVAL);
    CHECK_EQ(p2m_set(&p2m, P2M_MAX_GFN + 1, 1, 0, p2m_ram_rw), -XEN_EINVAL);
    CHECK_EQ(p2m_set(&p2m, 0, 0, 19, p2m_ram_rw), -XEN_EINVAL);
    CHECK_EQ(p2m_set(&p2m, 0, 0, 0, p2m_nr_types), -XEN_EINVAL);
    CHECK_EQ(get(P2M_MAX_GFN + 5, p2m_invalid, NULL), P2M_INVALID_MFN);
    stats(0, 0, 0);
    p2m_teardown(&p2m);
}

TEST(running_out_of_tables_leaves_the_range_unmapped)
{
    init(NPT, 0);                       /* 4 KiB entries: one table per 2 MiB */
    CHECK_EQ(p2m_set(&p2m, 0x200, 0x400, 1, p2m_ram_rw), 0);  /* reserve filled */
    fail_after = allocs + 3;            /* part of the range, then no table */
    CHECK_EQ(p2m_set(&p2m, 0x40000, 0x20000, 17, p2m_ram_rw), -XEN_ENOMEM);
    fail_after = ~0UL;
    CHECK_EQ(get(0x40000, p2m_invalid, NULL), P2M_INVALID_MFN);
    CHECK_EQ(get(0x40000 + 0x1ffff, p2m_invalid, NULL), P2M_INVALID_MFN);
    CHECK_EQ(get(0x200, p2m_ram_rw, NULL), 0x400);
    stats(2, 0, 0);
    p2m_teardown(&p2m);
    CHECK_EQ(in_use, 0);
}

TEST(without_a_reserve_nothing_is_touched)
{
    init(NPT, G1);
    fail_after = allocs;                /* not even the reserve */
    CHECK_EQ(p2m_set(&p2m, 0x200, 0x400, M2, p2m_ram_rw), -XEN_ENOMEM);
    fail_after = ~0UL;
    stats(0, 0, 0);
    p2m_teardown(&p2m);
}

TEST(teardown_frees_every_table)
{
    init(EPT, G1);
    for (unsigned long i = 0; i < 40; i++)
        CHECK_EQ(p2m_set(&p2m, i * 0x40000 + i, 0x10 + i, 0, p2m_ram_rw), 0);
    CHECK(in_use > 40);
    p2m_teardown(&p2m);
    CHECK_EQ(in_use, 0);
}

TEST(unmapping_inside_a_1g_entry_succeeds_with_the_heap_empty)
{
    init(NPT, G1);
    CHECK_EQ(p2m_set(&p2m, 0x40000, 0x80000, G1, p2m_ram_rw), 0);
    fail_after = allocs;                /* the reserve is full; the heap is not there */
    CHECK_EQ(p2m_set(&p2m, 0x40123, 0, 0, p2m_invalid), 0);
    CHECK_EQ(get(0x40123, p2m_invalid, NULL), P2M_INVALID_MFN);
    CHECK_EQ(get(0x40124, p2m_ram_rw, NULL), 0x80124);
    /* The reserve is now short: the next update is refused untouched. */
    CHECK_EQ(p2m_set(&p2m, 0x40125, 0, 0, p2m_invalid), -XEN_ENOMEM);
    CHECK_EQ(get(0x40125, p2m_ram_rw, NULL), 0x80125);
    fail_after = ~0UL;
    p2m_sync(&p2m);
    stats(511, 511, 0);
    p2m_teardown(&p2m);
    CHECK_EQ(in_use, 0);
}
