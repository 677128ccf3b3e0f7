/*
 * The one page-table walker (xen/pt_walk.h) over each entry format: x86-64
 * (guest, hypervisor and NPT tables) and EPT (no present bit), walks that
 * stop at leaves of every size, permission and deny bits gathered on the
 * path, tables made and large leaves split on the way down, and a context
 * whose frame numbers are not machine frames (a guest-physical walk).
 */
#include <stdlib.h>

#include "xen/pt_walk.h"

#include "unit.h"

#define FRAMES      64
#define BASE        0x1000UL            /* frame numbers this memory answers to */

static uint64_t mem[FRAMES][PT_ENTRIES];
static unsigned long next_free, maps;

static uint64_t *map(const struct pt_ctx *c, unsigned long frame)
{
    maps++;
    if (frame < BASE || frame >= BASE + FRAMES)
        return NULL;
    return mem[frame - BASE];
}

static unsigned long alloc(const struct pt_ctx *c)
{
    if (next_free >= FRAMES)
        return 0;
    memset(mem[next_free], 0, sizeof(mem[0]));
    return BASE + next_free++;
}

static void reset(void)
{
    memset(mem, 0, sizeof(mem));
    next_free = 1;                      /* frame BASE is the root */
    maps = 0;
}

static struct pt_ctx x86 = { &pt_format_x86, map, alloc, PT_X86_P | PT_X86_RW | PT_X86_US, NULL };
static struct pt_ctx ept = { &pt_format_ept, map, alloc, PT_EPT_R | PT_EPT_W | PT_EPT_X, NULL };

#define VA(l4, l3, l2, l1) (((uint64_t)(l4) << 39) | ((uint64_t)(l3) << 30) | \
                            ((uint64_t)(l2) << 21) | ((uint64_t)(l1) << 12))
#define ADDR(f)     ((uint64_t)(f) << 12)

TEST(x86_walk_reaches_a_4k_leaf_and_reports_its_slot)
{
    struct pt_walk w;
    uint64_t va = VA(1, 2, 3, 4);
    uint64_t *e;

    reset();
    e = pt_walk_make(&x86, BASE, va, 1);
    CHECK(e != NULL);
    *e = ADDR(0x777) | PT_X86_P | PT_X86_RW;
    CHECK(pt_walk(&x86, BASE, va, 1, &w));
    CHECK_EQ(w.level, 1);
    CHECK_EQ(w.slot, 4);
    CHECK_EQ(pt_frame(&pt_format_x86, w.entry), 0x777);
    CHECK_EQ(next_free, 4);             /* L3, L2, L1 made */
    /* The user bit is missing at the leaf: the path does not grant it. */
    CHECK_EQ(w.perm, PT_X86_P | PT_X86_RW);
    CHECK_EQ(w.deny, 0);
}

TEST(x86_walk_stops_at_2m_and_1g_leaves)
{
    struct pt_walk w;

    reset();
    *pt_walk_make(&x86, BASE, VA(0, 1, 0, 0), 2) = ADDR(0x200) | PT_X86_P | PT_X86_PS;
    *pt_walk_make(&x86, BASE, VA(0, 2, 0, 0), 3) = ADDR(0x40000) | PT_X86_P | PT_X86_PS;
    CHECK(pt_walk(&x86, BASE, VA(0, 1, 0, 7), 1, &w));
    CHECK_EQ(w.level, 2);
    CHECK(pt_is_leaf(&pt_format_x86, w.entry, 2));
    CHECK(pt_walk(&x86, BASE, VA(0, 2, 5, 7), 1, &w));
    CHECK_EQ(w.level, 3);
    CHECK_EQ(pt_frame(&pt_format_x86, w.entry), 0x40000);
}

TEST(x86_ps_bit_at_l4_is_not_a_leaf)
{
    struct pt_walk w;
    uint64_t *e;

    reset();
    e = pt_walk_make(&x86, BASE, VA(3, 0, 0, 0), 1);
    CHECK(e != NULL);
    mem[0][3] |= PT_X86_PS;             /* reserved at L4: still a table */
    CHECK(pt_walk(&x86, BASE, VA(3, 0, 0, 0), 1, &w));
    CHECK_EQ(w.level, 1);
}

TEST(walk_fails_at_a_missing_entry_and_names_it)
{
    struct pt_walk w;

    reset();
    *pt_walk_make(&x86, BASE, VA(0, 0, 0, 0), 1) = ADDR(1) | PT_X86_P;
    CHECK(!pt_walk(&x86, BASE, VA(0, 0, 9, 0), 1, &w));
    CHECK_EQ(w.level, 2);
    CHECK_EQ(w.slot, 9);
    CHECK_EQ(w.entry, 0);
    /* stop_level: the empty entry itself is the answer. */
    CHECK(pt_walk(&x86, BASE, VA(0, 0, 9, 0), 2, &w));
    CHECK_EQ(w.level, 2);
}

TEST(walk_fails_when_a_table_cannot_be_mapped)
{
    struct pt_walk w;

    reset();
    mem[0][0] = ADDR(BASE + FRAMES + 5) | PT_X86_P | PT_X86_RW;
    CHECK(!pt_walk(&x86, BASE, VA(0, 0, 0, 0), 1, &w));
    CHECK_EQ(w.level, 3);
    CHECK_EQ(w.table, BASE + FRAMES + 5);
}

TEST(x86_nx_anywhere_on_the_path_denies)
{
    struct pt_walk w;

    reset();
    *pt_walk_make(&x86, BASE, VA(0, 0, 0, 0), 1) = ADDR(1) | PT_X86_P | PT_X86_US;
    mem[0][0] |= PT_X86_NX;             /* the L4 entry */
    CHECK(pt_walk(&x86, BASE, VA(0, 0, 0, 0), 1, &w));
    CHECK_EQ(w.deny, PT_X86_NX);
    CHECK_EQ(w.perm, PT_X86_P | PT_X86_US);
}

TEST(ept_entry_without_rwx_is_absent_with_any_is_present)
{
    struct pt_walk w;
    uint64_t *e;

    reset();
    e = pt_walk_make(&ept, BASE, VA(0, 0, 1, 2), 1);
    CHECK(e != NULL);
    *e = ADDR(0x55) | (6 << 3);         /* a memory type, no access: absent */
    CHECK(!pt_present(&pt_format_ept, *e));
    *e = ADDR(0x55) | PT_EPT_X;         /* execute-only: present */
    CHECK(pt_walk(&ept, BASE, VA(0, 0, 1, 2), 1, &w));
    CHECK(pt_present(&pt_format_ept, w.entry));
    CHECK_EQ(w.perm, PT_EPT_X);
    /* Tables made for EPT carry R/W/X, never an x86 present bit alone. */
    CHECK_EQ(mem[0][0] & 7, PT_EPT_R | PT_EPT_W | PT_EPT_X);
}

TEST(ept_large_leaves_at_l2_and_l3)
{
    struct pt_walk w;

    reset();
    *pt_walk_make(&ept, BASE, VA(0, 4, 0, 0), 3) = ADDR(0x80000) | 7 | PT_EPT_LARGE;
    CHECK(pt_walk(&ept, BASE, VA(0, 4, 100, 5), 1, &w));
    CHECK_EQ(w.level, 3);
    *pt_walk_make(&ept, BASE, VA(0, 5, 3, 0), 2) = ADDR(0x600) | 7 | PT_EPT_LARGE;
    CHECK(pt_walk(&ept, BASE, VA(0, 5, 3, 9), 1, &w));
    CHECK_EQ(w.level, 2);
}

/* A split keeps every address and flag; only the level changes. */
static void check_split(struct pt_ctx *c, uint64_t rights, uint64_t large)
{
    struct pt_walk w;
    uint64_t *e;

    reset();
    *pt_walk_make(c, BASE, VA(0, 1, 0, 0), 3) = ADDR(0x40000) | rights | large;
    e = pt_walk_make(c, BASE, VA(0, 1, 7, 9), 1);     /* 1G -> 2M -> 4K */
    CHECK(e != NULL);
    CHECK_EQ(*e, ADDR(0x40000 + 7 * 512 + 9) | rights);
    *e = 0;                             /* unmap just that page */
    CHECK(!pt_walk(c, BASE, VA(0, 1, 7, 9), 1, &w) || !pt_present(c->fmt, w.entry));
    CHECK(pt_walk(c, BASE, VA(0, 1, 7, 10), 1, &w));
    CHECK_EQ(w.level, 1);
    CHECK_EQ(pt_frame(c->fmt, w.entry), 0x40000 + 7 * 512 + 10);
    CHECK(pt_walk(c, BASE, VA(0, 1, 8, 0), 1, &w));  /* a sibling stays 2M */
    CHECK_EQ(w.level, 2);
    CHECK_EQ(w.entry, ADDR(0x40000 + 8 * 512) | rights | large);
    CHECK(pt_walk(c, BASE, VA(0, 1, 511, 511), 1, &w));
    CHECK_EQ(pt_frame(c->fmt, w.entry), 0x40000 + 511 * 512);
}

TEST(x86_split_1g_into_2m_and_4k_keeps_the_mapping)
{
    check_split(&x86, PT_X86_P | PT_X86_RW | PT_X86_US | PT_X86_NX, PT_X86_PS);
}

TEST(ept_split_1g_into_2m_and_4k_keeps_the_mapping)
{
    check_split(&ept, PT_EPT_R | PT_EPT_W | (6 << 3), PT_EPT_LARGE);
}

TEST(walk_make_adds_table_flags_to_existing_entries)
{
    struct pt_ctx kernel = x86;

    reset();
    kernel.table_flags = PT_X86_P | PT_X86_RW;
    *pt_walk_make(&kernel, BASE, VA(2, 0, 0, 0), 1) = ADDR(5) | PT_X86_P;
    CHECK_EQ(mem[0][2] & PT_X86_US, 0);
    *pt_walk_make(&x86, BASE, VA(2, 0, 0, 1), 1) = ADDR(6) | PT_X86_P | PT_X86_US;
    CHECK_EQ(mem[0][2] & PT_X86_US, PT_X86_US);
}

TEST(walk_make_reports_running_out_of_tables)
{
    reset();
    next_free = FRAMES - 1;             /* one table left: not enough for three */
    CHECK(pt_walk_make(&x86, BASE, VA(9, 9, 9, 9), 1) == NULL);
}

/*
 * A guest-physical walk: the entries name guest frames, which the context
 * turns into memory through its own map (here an offset, as a p2m would).
 */
static uint64_t *gpa_map(const struct pt_ctx *c, unsigned long gfn)
{
    const unsigned long *offset = c->priv;

    return map(c, gfn + *offset);
}

TEST(guest_physical_context_maps_through_its_own_translation)
{
    unsigned long offset = BASE - 100;
    struct pt_ctx g = { &pt_format_x86, gpa_map, NULL, 0, &offset };
    struct pt_walk w;

    reset();
    /* Tables at guest frames 100 (root), 101, 102, 103. */
    mem[0][0] = ADDR(101) | PT_X86_P;
    mem[1][0] = ADDR(102) | PT_X86_P;
    mem[2][0] = ADDR(103) | PT_X86_P;
    mem[3][5] = ADDR(42) | PT_X86_P | PT_X86_RW;
    maps = 0;
    CHECK(pt_walk(&g, 100, VA(0, 0, 0, 5), 1, &w));
    CHECK_EQ(pt_frame(&pt_format_x86, w.entry), 42);
    CHECK_EQ(w.table, 103);
    CHECK_EQ(maps, 4);
}
