/*
 * The boot-time range allocator (mm/bootmem.c): adding RAM (rounded inwards
 * and merged), reserving (rounded outwards, splitting and trimming) and
 * allocating (highest fit, aligned, below a limit, never address 0).
 */
#include <stdio.h>

#include "xen/bootinfo.h"
#include "xen/lib.h"
#include "xen/mm.h"

#include "unit.h"

#define NO_LIMIT (~(paddr_t)0)

static struct boot_ranges br;

static void reset(void)
{
    memset(&br, 0xa5, sizeof(br));
    br.nr = 0;
}

/* The free list as text: "[0x1000,0x2000) [0x5000,0x6000)". */
static const char *ranges(void)
{
    static char buf[4096];
    size_t n = 0;

    buf[0] = '\0';
    for (unsigned int i = 0; i < br.nr && n < sizeof(buf); i++)
        n += snprintf(buf + n, sizeof(buf) - n, "%s[%#llx,%#llx)",
                      i ? " " : "", (unsigned long long)br.r[i].start,
                      (unsigned long long)br.r[i].end);
    return buf;
}

/* ---- bootmem_add_ram ---- */

TEST(bootmem_add_rounds_inwards_to_pages)
{
    reset();
    bootmem_add_ram(&br, 0x1234, 0x5678);
    CHECK_STR(ranges(), "[0x2000,0x5000)");
}

TEST(bootmem_add_keeps_aligned_bounds)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x3000);
    CHECK_STR(ranges(), "[0x1000,0x3000)");
}

TEST(bootmem_add_ignores_ranges_without_a_whole_page)
{
    reset();
    bootmem_add_ram(&br, 0x1001, 0x2fff);
    bootmem_add_ram(&br, 0x5000, 0x5000);
    bootmem_add_ram(&br, 0x9000, 0x8000);
    CHECK_EQ(br.nr, 0);
}

TEST(bootmem_add_out_of_order_stays_sorted)
{
    reset();
    bootmem_add_ram(&br, 0x10000, 0x20000);
    bootmem_add_ram(&br, 0x1000, 0x2000);
    bootmem_add_ram(&br, 0x30000, 0x40000);
    bootmem_add_ram(&br, 0x5000, 0x6000);
    CHECK_STR(ranges(), "[0x1000,0x2000) [0x5000,0x6000) [0x10000,0x20000) "
                        "[0x30000,0x40000)");
}

TEST(bootmem_add_merges_adjacent_after)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x2000);
    bootmem_add_ram(&br, 0x2000, 0x3000);
    CHECK_STR(ranges(), "[0x1000,0x3000)");
}

TEST(bootmem_add_merges_adjacent_before)
{
    reset();
    bootmem_add_ram(&br, 0x3000, 0x4000);
    bootmem_add_ram(&br, 0x2000, 0x3000);
    CHECK_STR(ranges(), "[0x2000,0x4000)");
}

TEST(bootmem_add_merges_adjacent_after_rounding)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x2fff);   /* [0x1000,0x2000) */
    bootmem_add_ram(&br, 0x1800, 0x4000);   /* [0x2000,0x4000) */
    CHECK_STR(ranges(), "[0x1000,0x4000)");
}

TEST(bootmem_add_merges_overlaps)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x5000);
    bootmem_add_ram(&br, 0x4000, 0x8000);
    bootmem_add_ram(&br, 0x0000, 0x2000);
    CHECK_STR(ranges(), "[0,0x8000)");
}

TEST(bootmem_add_contained_range_changes_nothing)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x9000);
    bootmem_add_ram(&br, 0x3000, 0x4000);
    CHECK_STR(ranges(), "[0x1000,0x9000)");
}

TEST(bootmem_add_bridging_range_absorbs_neighbours)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x2000);
    bootmem_add_ram(&br, 0x4000, 0x5000);
    bootmem_add_ram(&br, 0x7000, 0x8000);
    bootmem_add_ram(&br, 0xa000, 0xb000);
    bootmem_add_ram(&br, 0x2000, 0x7000);
    CHECK_STR(ranges(), "[0x1000,0x8000) [0xa000,0xb000)");
    bootmem_add_ram(&br, 0x0, 0x100000);
    CHECK_STR(ranges(), "[0,0x100000)");
}

TEST(bootmem_add_to_full_table_drops_new_range_safely)
{
    reset();
    for (unsigned int i = 0; i < MAX_BOOT_RANGES; i++)
        bootmem_add_ram(&br, (paddr_t)(2 * i + 1) << 12,
                        (paddr_t)(2 * i + 2) << 12);
    CHECK_EQ(br.nr, MAX_BOOT_RANGES);
    bootmem_add_ram(&br, 0x10000000, 0x10001000);
    CHECK_EQ(br.nr, MAX_BOOT_RANGES);
    CHECK_EQ(br.r[MAX_BOOT_RANGES - 1].end, (paddr_t)(2 * MAX_BOOT_RANGES) << 12);
    /* Merging still works when full. */
    bootmem_add_ram(&br, 0x2000, 0x3000);
    CHECK_EQ(br.nr, MAX_BOOT_RANGES - 1);
    CHECK_EQ(br.r[0].start, 0x1000);
    CHECK_EQ(br.r[0].end, 0x4000);
}

/* ---- bootmem_reserve ---- */

TEST(bootmem_reserve_splits_a_range)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x10000);
    bootmem_reserve(&br, 0x4000, 0x5000);
    CHECK_STR(ranges(), "[0x1000,0x4000) [0x5000,0x10000)");
}

TEST(bootmem_reserve_trims_the_start)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x10000);
    bootmem_reserve(&br, 0x0, 0x3000);
    CHECK_STR(ranges(), "[0x3000,0x10000)");
}

TEST(bootmem_reserve_trims_the_end)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x10000);
    bootmem_reserve(&br, 0x8000, 0x20000);
    CHECK_STR(ranges(), "[0x1000,0x8000)");
}

TEST(bootmem_reserve_removes_exact_range)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x2000);
    bootmem_add_ram(&br, 0x4000, 0x5000);
    bootmem_reserve(&br, 0x1000, 0x2000);
    CHECK_STR(ranges(), "[0x4000,0x5000)");
}

TEST(bootmem_reserve_removes_covered_ranges)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x2000);
    bootmem_add_ram(&br, 0x4000, 0x5000);
    bootmem_add_ram(&br, 0x9000, 0xa000);
    bootmem_reserve(&br, 0x0, 0x6000);
    CHECK_STR(ranges(), "[0x9000,0xa000)");
    bootmem_reserve(&br, 0x0, 0x100000);
    CHECK_EQ(br.nr, 0);
}

TEST(bootmem_reserve_spanning_several_ranges)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x4000);
    bootmem_add_ram(&br, 0x5000, 0x6000);
    bootmem_add_ram(&br, 0x7000, 0x9000);
    bootmem_add_ram(&br, 0xa000, 0xc000);
    bootmem_reserve(&br, 0x2000, 0x8000);
    CHECK_STR(ranges(), "[0x1000,0x2000) [0x8000,0x9000) [0xa000,0xc000)");
}

TEST(bootmem_reserve_rounds_outwards)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x10000);
    bootmem_reserve(&br, 0x4001, 0x4002);
    CHECK_STR(ranges(), "[0x1000,0x4000) [0x5000,0x10000)");
    bootmem_reserve(&br, 0x5fff, 0x7001);
    CHECK_STR(ranges(), "[0x1000,0x4000) [0x8000,0x10000)");
}

TEST(bootmem_reserve_outside_any_range_changes_nothing)
{
    reset();
    bootmem_reserve(&br, 0x1000, 0x2000);
    CHECK_EQ(br.nr, 0);
    bootmem_add_ram(&br, 0x4000, 0x5000);
    bootmem_reserve(&br, 0x1000, 0x4000);   /* ends where the range starts */
    bootmem_reserve(&br, 0x5000, 0x6000);   /* starts where it ends */
    bootmem_reserve(&br, 0x4000, 0x4000);   /* empty */
    CHECK_STR(ranges(), "[0x4000,0x5000)");
}

TEST(bootmem_reserve_split_in_full_table_loses_only_free_memory)
{
    reset();
    for (unsigned int i = 0; i < MAX_BOOT_RANGES; i++)
        bootmem_add_ram(&br, (paddr_t)(4 * i) << 12, (paddr_t)(4 * i + 3) << 12);
    CHECK_EQ(br.nr, MAX_BOOT_RANGES);
    bootmem_reserve(&br, 0x1000, 0x2000);   /* would need a 129th range */
    CHECK(br.nr <= MAX_BOOT_RANGES);
    CHECK_EQ(br.r[0].start, 0);
    CHECK_EQ(br.r[0].end, 0x1000);
    for (unsigned int i = 0; i < br.nr; i++)
        CHECK(br.r[i].end <= 0x1000 || br.r[i].start >= 0x2000);
}

/* ---- bootmem_alloc ---- */

TEST(bootmem_alloc_takes_the_highest_fit)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x100000);
    bootmem_add_ram(&br, 0x200000, 0x400000);
    CHECK_EQ(bootmem_alloc(&br, 0x1000, 0x1000, NO_LIMIT), 0x3ff000);
    CHECK_STR(ranges(), "[0x1000,0x100000) [0x200000,0x3ff000)");
}

TEST(bootmem_alloc_rounds_size_up_to_pages)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x10000);
    CHECK_EQ(bootmem_alloc(&br, 1, 0x1000, NO_LIMIT), 0xf000);
    CHECK_EQ(bootmem_alloc(&br, 0x1001, 0x1000, NO_LIMIT), 0xd000);
    CHECK_STR(ranges(), "[0x1000,0xd000)");
}

TEST(bootmem_alloc_honours_alignment)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x3ff000);
    CHECK_EQ(bootmem_alloc(&br, 0x1000, 0x200000, NO_LIMIT), 0x200000);
    CHECK_STR(ranges(), "[0x1000,0x200000) [0x201000,0x3ff000)");
    CHECK_EQ(bootmem_alloc(&br, 0x4000, 0x4000, NO_LIMIT), 0x3f8000);
}

TEST(bootmem_alloc_stays_below_the_limit)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x100000);
    bootmem_add_ram(&br, 0x200000, 0x400000);
    CHECK_EQ(bootmem_alloc(&br, 0x1000, 0x1000, 0x100000), 0xff000);
    CHECK_EQ(bootmem_alloc(&br, 0x1000, 0x1000, 0x250800), 0x24f000);
    CHECK_STR(ranges(), "[0x1000,0xff000) [0x200000,0x24f000) "
                        "[0x250000,0x400000)");
}

TEST(bootmem_alloc_falls_back_to_a_lower_range)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x10000);
    bootmem_add_ram(&br, 0x20000, 0x22000);
    CHECK_EQ(bootmem_alloc(&br, 0x4000, 0x1000, NO_LIMIT), 0xc000);
    CHECK_STR(ranges(), "[0x1000,0xc000) [0x20000,0x22000)");
}

TEST(bootmem_alloc_failure_returns_0_and_changes_nothing)
{
    reset();
    bootmem_add_ram(&br, 0x1000, 0x10000);
    CHECK_EQ(bootmem_alloc(&br, 0x10000, 0x1000, NO_LIMIT), 0);
    CHECK_EQ(bootmem_alloc(&br, 0x1000, 0x1000, 0x1800), 0);
    CHECK_EQ(bootmem_alloc(&br, 0x1000, 0x1000, 0), 0);
    CHECK_EQ(bootmem_alloc(&br, 0x2000, 0x10000, NO_LIMIT), 0);
    CHECK_STR(ranges(), "[0x1000,0x10000)");
}

TEST(bootmem_alloc_from_empty_list_fails)
{
    reset();
    CHECK_EQ(bootmem_alloc(&br, 0x1000, 0x1000, NO_LIMIT), 0);
}

TEST(bootmem_alloc_never_returns_address_0)
{
    reset();
    bootmem_add_ram(&br, 0x0, 0x1000);
    CHECK_EQ(bootmem_alloc(&br, 0x1000, 0x1000, NO_LIMIT), 0);
    CHECK_STR(ranges(), "[0,0x1000)");
    bootmem_add_ram(&br, 0x1000, 0x2000);
    CHECK_EQ(bootmem_alloc(&br, 0x1000, 0x2000, NO_LIMIT), 0);
    CHECK_EQ(bootmem_alloc(&br, 0x1000, 0x1000, NO_LIMIT), 0x1000);
    CHECK_STR(ranges(), "[0,0x1000)");
}

TEST(bootmem_alloc_results_never_overlap)
{
    paddr_t got[64];

    reset();
    bootmem_add_ram(&br, 0x1000, 0x30000);
    bootmem_add_ram(&br, 0x40000, 0x50000);
    for (int i = 0; i < 16; i++) {
        got[i] = bootmem_alloc(&br, 0x3000, 0x1000 << (i % 3), NO_LIMIT);
        CHECK(got[i] != 0);
        CHECK(got[i] % (0x1000 << (i % 3)) == 0);
        for (int j = 0; j < i; j++)
            CHECK(got[i] + 0x3000 <= got[j] || got[j] + 0x3000 <= got[i]);
        for (unsigned int k = 0; k < br.nr; k++)
            CHECK(br.r[k].end <= got[i] || br.r[k].start >= got[i] + 0x3000);
    }
}

/* ---- bootmem_add_map: the firmware's map ---- */

TEST(bootmem_map_reserved_inside_ram_wins_in_any_order)
{
    static const struct memmap_entry before[] = {
        { 0x800000, 0x100000, MEM_NVS },
        { 0, 0x1000000, MEM_RAM },
        { 0x2000000, 0x1000000, MEM_RAM },
        { 0x2800000, 0x800000, 20 },            /* an unknown type */
    };

    reset();
    CHECK_EQ(bootmem_add_map(&br, before, ARRAY_SIZE(before)), 0x2800000);
    CHECK_STR(ranges(), "[0,0x800000) [0x900000,0x1000000) "
                        "[0x2000000,0x2800000)");
}

TEST(bootmem_map_without_ram_is_empty)
{
    static const struct memmap_entry none[] = {
        { 0xf0000, 0x10000, MEM_RESERVED }, { 0x100000, 0x1000, MEM_ACPI },
    };

    reset();
    CHECK_EQ(bootmem_add_map(&br, none, ARRAY_SIZE(none)), 0);
    CHECK_EQ(br.nr, 0);
}
