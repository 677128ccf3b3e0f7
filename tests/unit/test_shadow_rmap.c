/*
 * The reverse map (hvm/shadow/rmap.c) and write protection: a p2m change
 * drops every shadow entry mapping the frame (4 KiB leaves in several
 * address spaces, a 2 MiB leaf around it), page tables leaving the p2m
 * take their shadows along (the live top level too), a frame that
 * becomes a page table loses its writable mappings, and a long random
 * run of maps, writes, switches and balloon changes keeps every chain and
 * count right.
 */
#include "fake_p2m.h"
#include "../../xen-lite/hvm/shadow/private.h"


TEST(a_p2m_change_drops_every_mapping_of_the_frame)
{
    unsigned long l4a, l4b, data, flushes;
    uint64_t va1 = VA(1, 0, 0, 1), va2 = VA(1, 0, 0, 2), vb = VA(7, 3, 2, 1);

    fg_reset(FG_POOL);
    l4a = fg_l4();
    l4b = fg_l4();
    data = fg_new_page();
    fg_map(l4a, va1, data, G_RW | A_D, 1);
    fg_map(l4a, va2, data, G_P | _PAGE_ACCESSED, 1);
    fg_map(l4b, vb, data, G_RW | A_D, 1);
    fg_enter_long(0, l4a);
    fg_enter_long(1, l4b);
    CHECK_EQ(fg_touch(0, va1, A_WRITE).result, FG_OK);
    CHECK_EQ(fg_touch(0, va2, A_READ).result, FG_OK);
    CHECK_EQ(fg_touch(1, vb, A_WRITE).result, FG_OK);
    flushes = fg.p2m_flushes;
    fg_unmap(data);
    CHECK_EQ(fg.sd.stats.rmap_drops, 3);
    CHECK(fg.p2m_flushes > flushes);
    CHECK(fg.sd.need_flush);            /* and the shadows' own next flush */
    CHECK_EQ(fg_hw_leaf(0, va1, NULL), 0);
    CHECK_EQ(fg_hw_leaf(0, va2, NULL), 0);
    CHECK_EQ(fg_hw_leaf(1, vb, NULL), 0);
    CHECK_EQ(fg_touch(0, va1, A_READ).result, FG_BAD_GFN);
    CHECK_EQ(fg_touch(1, vb, A_READ).gfn, data);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(a_p2m_change_inside_a_2m_shadow_entry_splits_it)
{
    unsigned long l4, base = 0x40000, mfn;
    uint64_t va = VA(2, 0, 4, 0);
    unsigned int level;

    fg_reset(FG_POOL);
    mfn = fg_populate_2m(base);
    l4 = fg_l4();
    fg_map(l4, va, base, G_RW | A_D, 2);
    fg_enter_long(0, l4);
    CHECK_EQ(fg_touch(0, va + 5 * PAGE_SIZE, A_WRITE).mfn, mfn + 5);
    fg_hw_leaf(0, va, &level);
    CHECK_EQ(level, 2);
    fg_unmap(base + 100);
    CHECK_EQ(fg_hw_leaf(0, va, NULL), 0);
    CHECK_EQ(fg_touch(0, va + 5 * PAGE_SIZE, A_WRITE).mfn, mfn + 5);
    fg_hw_leaf(0, va, &level);
    CHECK_EQ(level, 1);
    CHECK_EQ(fg_touch(0, va + 100 * PAGE_SIZE, A_READ).result, FG_BAD_GFN);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(a_page_table_leaving_the_p2m_takes_its_shadows)
{
    unsigned long l4, l1;
    uint64_t va = VA(1, 1, 1, 1);

    fg_reset(FG_POOL);
    l4 = fg_l4();
    fg_map(l4, va, fg_new_page(), G_RW | A_D, 1);
    l1 = pte_mfn(*fg_entry(l4, va, 2));
    fg_enter_long(0, l4);
    CHECK_EQ(fg_touch(0, va, A_READ).result, FG_OK);
    fg_unmap(l1);
    CHECK_EQ(fg.sd.stats.unshadows, 1);
    CHECK_EQ(fg_hw_leaf(0, va, NULL), 0);
    CHECK_EQ(fg_touch(0, va, A_READ).result, FG_BAD_GFN);
    CHECK_EQ(fg_touch(0, va, A_READ).gfn, l1);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(the_live_top_level_leaving_the_p2m_stops_the_vcpu_cleanly)
{
    unsigned long l4;
    uint64_t va = VA(1, 1, 1, 1);

    fg_reset(FG_POOL);
    l4 = fg_l4();
    fg_map(l4, va, fg_new_page(), G_RW | A_D, 1);
    fg_enter_long(0, l4);
    CHECK_EQ(fg_touch(0, va, A_READ).result, FG_OK);
    fg_unmap(l4);
    CHECK_EQ(fg_hw_leaf(0, va, NULL), 0);
    CHECK_EQ(fg_touch(0, va, A_READ).result, FG_BAD_GFN);
    CHECK_EQ(fg_touch(0, va, A_READ).gfn, l4);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(a_frame_that_becomes_a_page_table_loses_its_writable_mappings)
{
    unsigned long l4, frame, flushes;
    uint64_t data_va = VA(1, 0, 0, 0), through = VA(2, 0, 0, 0);

    fg_reset(FG_POOL);
    l4 = fg_l4();
    frame = fg_new_page();
    fg_map(l4, data_va, frame, G_RW | A_D, 1);
    fg_enter_long(0, l4);
    CHECK_EQ(fg_touch(0, data_va, A_WRITE).result, FG_OK);
    CHECK(fg_hw_leaf(0, data_va, NULL) & _PAGE_RW);
    /* The guest makes it an L1 (written while still data) and links it. */
    fg_mem(frame)[0] = ((uint64_t)fg_new_page() << PAGE_SHIFT) | G_RW;
    *fg_entry(l4, through, 2) = ((uint64_t)frame << PAGE_SHIFT) | G_TABLE;
    flushes = fg.flushes;
    CHECK_EQ(fg_touch(0, through, A_READ).result, FG_OK);
    CHECK(!(fg_hw_leaf(0, data_va, NULL) & _PAGE_RW));
    CHECK_EQ(fg.flushes, flushes + 1);
    CHECK_EQ(fg_touch(0, data_va, A_WRITE).result, FG_EMULATE);
    SHADOW_CLEAN();
    fg_teardown();
}

/* ---- a long random run ---- */

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static unsigned int pick(unsigned int n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned int)(rng % n);
}

#define SPACES      3
#define PAGES       24

static unsigned long spaces[SPACES], frames[PAGES];

static uint64_t slot_va(unsigned int i)
{
    return VA(1, 0, i % 3, i);
}

#define WINDOW(k)   VA(5, 0, 0, k)     /* where a space sees its L1 number k */

static unsigned long l1_of(unsigned long l4, unsigned int k)
{
    return pte_mfn(*fg_entry(l4, slot_va(k), 2));
}

/* A guest write of a new entry into L1 number k of the space vCPU v runs on. */
static void write_entry(unsigned int v, unsigned int k)
{
    uint64_t at = WINDOW(k) + 8 * pick(PT_ENTRIES);
    struct fg_access a = fg_touch(v, at, A_WRITE);

    if (a.result != FG_EMULATE)
        return;                         /* not a table now: the write is the guest's */
    fg.regs[v].rax = ((uint64_t)frames[pick(PAGES)] << PAGE_SHIFT) | G_RW | A_D;
    CHECK_EQ(fg_emulate(v, (const uint8_t[]){ 0x48, 0x89, 0x07 }, 3, at), 0);
}

/* One step of the guest: map, touch, switch, balloon or write a table. */
static void step(void)
{
    unsigned int s = pick(SPACES), i = pick(PAGES), v = pick(FG_VCPUS);
    unsigned long l1 = l1_of(spaces[s], i % 3);

    switch (pick(5)) {
    case 0:                             /* a table the shadows do not follow */
        if (!sh_gfn_is_table(&fg.sd, l1))
            fg_map(spaces[s], slot_va(i), frames[pick(PAGES)], G_RW | A_D, 1);
        break;
    case 1:
        fg_touch(v, slot_va(i), pick(2) ? A_WRITE : A_READ);
        break;
    case 2:
        fg_enter_long(v, spaces[s]);
        break;
    case 3:                             /* balloon a data frame out and back */
        if (fg_mfn(frames[i]))
            fg_unmap(frames[i]);
        else
            fg_populate(frames[i]);
        break;
    default:
        write_entry(v, i % 3);
    }
}

TEST(a_random_run_keeps_every_chain_and_count_right)
{
    fg_reset(shadow_min_pages(FG_VCPUS));
    for (unsigned int s = 0; s < SPACES; s++)
        spaces[s] = fg_l4();
    for (unsigned int i = 0; i < PAGES; i++)
        frames[i] = fg_new_page();
    for (unsigned int s = 0; s < SPACES; s++) {
        for (unsigned int i = 0; i < PAGES; i++)
            fg_map(spaces[s], slot_va(i), frames[(i + s) % PAGES], G_RW | A_D, 1);
        for (unsigned int k = 0; k < 3; k++)
            fg_map(spaces[s], WINDOW(k), l1_of(spaces[s], k), G_RW | A_D, 1);
        fg_enter_long(0, spaces[s]);
    }
    fg_enter_long(0, spaces[0]);
    fg_enter_long(1, spaces[1]);
    for (unsigned int n = 0; n < 3000; n++) {
        step();
        if (n % 50 == 0)
            SHADOW_CLEAN();
    }
    SHADOW_CLEAN();
    CHECK(fg.sd.stats.emulations > 0);
    CHECK(fg.sd.stats.rmap_drops > 0);
    fg_teardown();
}

/* Every entry of an L1 maps one frame (one long chain); one of them moves. */
TEST(an_entry_moved_to_another_frame_leaves_both_chains_whole)
{
    unsigned long l4, l1, shared, other;
    uint64_t pt_va = VA(3, 0, 0, 0);

    fg_reset(FG_POOL);
    l4 = fg_l4();
    shared = fg_new_page();
    other = fg_new_page();
    for (unsigned int i = 0; i < 512; i++)
        fg_map(l4, VA(1, 0, 0, i), shared, G_RW | A_D, 1);
    l1 = pte_mfn(*fg_entry(l4, VA(1, 0, 0, 0), 2));
    fg_map(l4, pt_va, l1, G_RW | A_D, 1);
    fg_enter_long(0, l4);
    CHECK_EQ(fg_touch(0, VA(1, 0, 0, 0), A_READ).mfn, fg_mfn(shared));
    SHADOW_CLEAN();
    for (unsigned int i = 100; i < 400; i += 50) {
        fg.regs[0].rax = ((uint64_t)other << PAGE_SHIFT) | G_RW | A_D;
        CHECK_EQ(fg_emulate(0, (const uint8_t[]){ 0x48, 0x89, 0x07 }, 3, pt_va + i * 8), 0);
        SHADOW_CLEAN();
    }
    fg_unmap(shared);
    CHECK_EQ(fg.sd.stats.rmap_drops, 512 - 6);        /* every entry still mapping it */
    CHECK_EQ(fg_touch(0, VA(1, 0, 0, 150), A_READ).mfn, fg_mfn(other));
    SHADOW_CLEAN();
    fg_teardown();
}
