/*
 * Shadow faults (hvm/shadow/fault.c, fill.c, walk.c) over a fake p2m and
 * fake guest tables: what the shadows map after a fault and with which
 * rights, the guest's accessed and dirty bits, the guest's own faults and
 * their error codes, large pages on both levels, the unpaged map, frames
 * that are not the domain's RAM, and tables that map themselves.
 */
#include "fake_p2m.h"


TEST(a_4k_page_is_read_only_until_the_guest_dirty_bit_is_set)
{
    unsigned long l4, data;
    struct fg_access a;
    uint64_t va = VA(1, 2, 3, 4) + 0x123;

    fg_reset(FG_POOL);
    l4 = fg_l4();
    data = fg_new_page();
    fg_map(l4, va, data, G_RW, 1);
    fg_enter_long(0, l4);
    a = fg_touch(0, va, A_READ);
    CHECK_EQ(a.result, FG_OK);
    CHECK_EQ(a.mfn, fg_mfn(data));
    CHECK_EQ(a.faults, 1);
    /* The MMU would have set A on the whole path, and no D. */
    for (unsigned int l = 4; l >= 1; l--)
        CHECK(*fg_entry(l4, va, l) & _PAGE_ACCESSED);
    CHECK(!(*fg_entry(l4, va, 1) & _PAGE_DIRTY));
    CHECK(!(fg_hw_leaf(0, va, NULL) & _PAGE_RW));
    a = fg_touch(0, va, A_WRITE);
    CHECK_EQ(a.result, FG_OK);
    CHECK_EQ(a.faults, 1);
    CHECK(*fg_entry(l4, va, 1) & _PAGE_DIRTY);
    CHECK(fg_hw_leaf(0, va, NULL) & _PAGE_RW);
    CHECK_EQ(fg.sd.stats.faults_fixed, 2);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(guest_faults_carry_the_error_code_its_mmu_would_give)
{
    unsigned long l4 = 0;
    uint64_t ro = VA(1, 0, 0, 1), kern = VA(1, 0, 0, 2), nx = VA(1, 0, 0, 3);
    uint64_t rsvd = VA(1, 0, 0, 4), none = VA(1, 0, 0, 5), user = VA(1, 0, 0, 6);
    struct fg_access a;

    fg_reset(FG_POOL);
    l4 = fg_l4();
    fg_map(l4, ro, fg_new_page(), G_P | _PAGE_USER, 1);
    fg_map(l4, kern, fg_new_page(), G_RW, 1);
    fg_map(l4, nx, fg_new_page(), G_RW | _PAGE_NX, 1);
    fg_map(l4, rsvd, fg_new_page(), G_RW | (1ULL << 45), 1);    /* above MAXPHYADDR 40 */
    fg_map(l4, user, fg_new_page(), G_URW, 1);
    fg_enter_long(0, l4);

    a = fg_touch(0, none, A_WRITE | A_USER);
    CHECK_EQ(a.result, FG_GUEST_PF);
    CHECK_EQ(a.pfec, PFEC_WRITE | PFEC_USER);
    CHECK_EQ(a.cr2, none);
    a = fg_touch(0, ro, A_WRITE | A_USER);
    CHECK_EQ(a.pfec, PFEC_PRESENT | PFEC_WRITE | PFEC_USER);
    a = fg_touch(0, kern, A_USER);
    CHECK_EQ(a.pfec, PFEC_PRESENT | PFEC_USER);
    a = fg_touch(0, nx, A_FETCH);
    CHECK_EQ(a.pfec, PFEC_PRESENT | PFEC_FETCH);
    a = fg_touch(0, rsvd, A_READ);
    CHECK_EQ(a.pfec, PFEC_PRESENT | PFEC_RSVD);
    CHECK_EQ(fg_touch(0, user, A_FETCH).result, FG_OK);
    /* SMEP: the kernel may not run user pages; SMAP: nor touch them without AC. */
    fg.v[0].cr4 |= SH_CR4_SMEP | SH_CR4_SMAP;
    a = fg_touch(0, user, A_FETCH);
    CHECK_EQ(a.pfec, PFEC_PRESENT | PFEC_FETCH);
    CHECK_EQ(fg_touch(0, user, A_READ).pfec, PFEC_PRESENT);
    fg.regs[0].rflags |= SH_RFLAGS_AC;
    CHECK_EQ(fg_touch(0, user, A_READ).result, FG_OK);
    CHECK_EQ(fg.sd.stats.faults_guest, 7);
    /* A faulting access sets no accessed bit. */
    CHECK(!(*fg_entry(l4, rsvd, 1) & _PAGE_ACCESSED));
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(a_supervisor_write_to_a_read_only_page_with_wp_clear_is_emulated)
{
    unsigned long l4, data;
    uint64_t va = VA(2, 0, 0, 0);
    struct fg_access a;

    fg_reset(FG_POOL);
    l4 = fg_l4();
    data = fg_new_page();
    fg_map(l4, va, data, G_P, 1);
    fg_enter_long(0, l4);
    CHECK_EQ(fg_touch(0, va, A_WRITE).result, FG_GUEST_PF);
    fg.v[0].cr0 &= ~SH_CR0_WP;
    a = fg_touch(0, va, A_WRITE);
    CHECK_EQ(a.result, FG_EMULATE);
    CHECK_EQ(a.gfn, data);
    CHECK_EQ(fg_touch(0, va, A_WRITE | A_USER).result, FG_GUEST_PF);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(a_guest_2m_page_is_one_2m_shadow_entry_where_the_p2m_allows)
{
    unsigned long l4, base = 0x40000;   /* 2 MiB aligned */
    unsigned long mfn;
    uint64_t va = VA(3, 1, 5, 0);
    unsigned int level;
    uint64_t leaf;

    fg_reset(FG_POOL);
    mfn = fg_populate_2m(base);
    l4 = fg_l4();
    fg_map(l4, va, base, G_RW | A_D, 2);
    fg_enter_long(0, l4);
    CHECK_EQ(fg_touch(0, va + 0x7000, A_WRITE).mfn, mfn + 7);
    leaf = fg_hw_leaf(0, va, &level);
    CHECK_EQ(level, 2);
    CHECK(leaf & _PAGE_PSE);
    CHECK(leaf & _PAGE_RW);
    CHECK_EQ(fg_touch(0, va + 0x1ff000, A_READ).mfn, mfn + 511);
    CHECK_EQ(fg.sd.stats.large_leaves, 1);
    CHECK_EQ(fg.sd.stats.splinters, 0);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(a_guest_2m_page_is_split_where_the_p2m_maps_4k)
{
    unsigned long l4, base = 0x40000;
    unsigned long mfn;
    uint64_t va = VA(3, 1, 5, 0);
    unsigned int level;

    fg_reset(FG_POOL);
    mfn = fg_populate_2m(base);
    fg_set_4k_entries(base);
    l4 = fg_l4();
    fg_map(l4, va, base, G_RW | _PAGE_ACCESSED, 2);
    fg_enter_long(0, l4);
    CHECK_EQ(fg_touch(0, va + 0x3000, A_READ).mfn, mfn + 3);
    fg_hw_leaf(0, va, &level);
    CHECK_EQ(level, 1);
    CHECK_EQ(fg.sd.stats.splinters, 1);
    /* Dirty bit not set yet: the first write faults to set it. */
    CHECK(!(*fg_entry(l4, va, 2) & _PAGE_DIRTY));
    CHECK_EQ(fg_touch(0, va + 0x3000, A_WRITE).faults, 1);
    CHECK(*fg_entry(l4, va, 2) & _PAGE_DIRTY);
    CHECK_EQ(fg_touch(0, va + 0x4000, A_WRITE).faults, 0);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(a_guest_2m_page_holding_one_of_its_page_tables_is_split)
{
    unsigned long l4, base = 0x40000, mfn, l1_gfn = base + 9;
    uint64_t va = VA(3, 1, 5, 0), other = VA(4, 0, 0, 0);
    unsigned int level;

    fg_reset(FG_POOL);
    mfn = fg_populate_2m(base);
    l4 = fg_l4();
    fg_map(l4, va, base, G_RW | A_D, 2);
    fg_enter_long(0, l4);
    CHECK_EQ(fg_touch(0, va, A_WRITE).result, FG_OK);
    fg_hw_leaf(0, va, &level);
    CHECK_EQ(level, 2);
    /* Frame base + 9 becomes an L1 of the guest: the 2 MiB entry must go. */
    *fg_entry(l4, other, 2) = ((uint64_t)l1_gfn << PAGE_SHIFT) | G_TABLE;
    fg_mem(l1_gfn)[0] = ((uint64_t)fg_new_page() << PAGE_SHIFT) | G_RW;
    CHECK_EQ(fg_touch(0, other, A_READ).result, FG_OK);
    CHECK(fg.flushes > 0);
    CHECK_EQ(fg_touch(0, va + 9 * PAGE_SIZE, A_READ).mfn, mfn + 9);
    fg_hw_leaf(0, va, &level);
    CHECK_EQ(level, 1);
    CHECK(!(fg_hw_leaf(0, va + 9 * PAGE_SIZE, NULL) & _PAGE_RW));
    CHECK_EQ(fg_touch(0, va + 9 * PAGE_SIZE, A_WRITE).result, FG_EMULATE);
    CHECK_EQ(fg_touch(0, va + 8 * PAGE_SIZE, A_WRITE).result, FG_OK);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(a_guest_1g_page_is_shadowed_in_2m_parts)
{
    unsigned long l4, base = 0x40000;      /* 1 GiB aligned */
    unsigned long mfn;
    uint64_t va = VA(5, 7, 0, 0);
    unsigned int level;

    fg_reset(FG_POOL);
    mfn = fg_populate_2m(base + 3 * 512);
    l4 = fg_l4();
    fg_map(l4, va, base, G_RW | A_D, 3);
    fg_enter_long(0, l4);
    CHECK_EQ(fg_touch(0, va + 3 * (2UL << 20) + 0x5000, A_WRITE).mfn, mfn + 5);
    fg_hw_leaf(0, va + 3 * (2UL << 20), &level);
    CHECK_EQ(level, 2);
    /* The rest of the 1 GiB is not the domain's RAM. */
    CHECK_EQ(fg_touch(0, va, A_READ).result, FG_BAD_GFN);
    CHECK_EQ(fg_touch(0, va, A_READ).gfn, base);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(with_paging_off_the_guest_runs_on_a_1to1_map_of_its_ram)
{
    unsigned long base = 0x200, mfn, small;
    uint64_t *root;

    fg_reset(FG_POOL);
    mfn = fg_populate_2m(base);
    small = fg_new_page();
    fg_unpaged(0);
    root = fake_mem(shadow_hw_cr3(&fg.sd, &fg.v[0]) >> PAGE_SHIFT);
    /* PAE PDPTEs: present, and none of the bits PAE reserves there. */
    for (unsigned int i = 0; i < 4; i++)
        CHECK_EQ(root[i] & ~PTE_ADDR_MASK, _PAGE_PRESENT);
    CHECK_EQ(fg_touch(0, (base + 17) << PAGE_SHIFT, A_WRITE).mfn, mfn + 17);
    CHECK_EQ(fg_touch(0, small << PAGE_SHIFT, A_WRITE).mfn, fg_mfn(small));
    CHECK_EQ(fg_touch(0, 0x3000, A_READ).result, FG_BAD_GFN);
    CHECK(shadow_hw_cr0(&fg.v[0]) & SH_CR0_PG);
    CHECK(!(shadow_hw_efer(&fg.v[0]) & SH_EFER_LMA));
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(frames_outside_the_domains_ram_are_named)
{
    unsigned long l4;
    uint64_t leaf = VA(1, 0, 0, 0), table = VA(2, 0, 0, 0);

    fg_reset(FG_POOL);
    l4 = fg_l4();
    fg_map(l4, leaf, 0x5555, G_RW, 1);
    *fg_entry(l4, table, 3) = (0x6666ULL << PAGE_SHIFT) | G_TABLE;
    fg_enter_long(0, l4);
    CHECK_EQ(fg_touch(0, leaf, A_READ).result, FG_BAD_GFN);
    CHECK_EQ(fg_touch(0, leaf, A_READ).gfn, 0x5555);
    CHECK_EQ(fg_touch(0, table, A_READ).gfn, 0x6666);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(a_recursive_slot_shows_the_guest_its_own_tables_read_only)
{
    unsigned long l4, data;
    uint64_t va = VA(1, 2, 3, 4);
    /* Through slot 510: L4 -> L4 -> L3 -> L2 gives the L1 of va as a page. */
    uint64_t l1_of_va = VA(510, 1, 2, 3);
    struct fg_access a;

    fg_reset(FG_POOL);
    l4 = fg_l4();
    data = fg_new_page();
    fg_map(l4, va, data, G_RW, 1);
    fg_mem(l4)[510] = ((uint64_t)l4 << PAGE_SHIFT) | G_RW;
    fg_enter_long(0, l4);
    CHECK_EQ(fg_touch(0, va, A_READ).result, FG_OK);
    a = fg_touch(0, l1_of_va + 4 * 8, A_READ);
    CHECK_EQ(a.result, FG_OK);
    CHECK_EQ(a.mfn, fg_mfn(pte_mfn(*fg_entry(l4, va, 2))));
    CHECK(!(fg_hw_leaf(0, l1_of_va, NULL) & _PAGE_RW));
    CHECK_EQ(fg_touch(0, l1_of_va, A_WRITE).result, FG_EMULATE);
    /* The L4 through itself four times: a page, the L4, read-only too. */
    CHECK_EQ(fg_touch(0, VA(510, 510, 510, 510), A_READ).mfn, fg_mfn(l4));
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(page_table_loops_end)
{
    unsigned long l4, l3, l2, l1;
    uint64_t va = VA(1, 1, 1, 1);

    fg_reset(FG_POOL);
    l4 = fg_l4();
    fg_map(l4, va, fg_new_page(), G_RW, 1);
    l3 = pte_mfn(fg_mem(l4)[1]);
    l2 = pte_mfn(fg_mem(l3)[1]);
    l1 = pte_mfn(fg_mem(l2)[1]);
    fg_mem(l2)[2] = ((uint64_t)l4 << PAGE_SHIFT) | G_RW;        /* L2 -> the L4 */
    fg_mem(l1)[2] = ((uint64_t)l1 << PAGE_SHIFT) | G_RW;        /* L1 maps itself */
    fg_mem(l3)[2] = ((uint64_t)l3 << PAGE_SHIFT) | G_RW;        /* L3 -> itself */
    fg_enter_long(0, l4);
    CHECK_EQ(fg_touch(0, va, A_READ).result, FG_OK);
    CHECK_EQ(fg_touch(0, VA(1, 1, 2, 1), A_READ).mfn, fg_mfn(l3));
    CHECK_EQ(fg_touch(0, VA(1, 1, 1, 2), A_READ).mfn, fg_mfn(l1));
    CHECK_EQ(fg_touch(0, VA(1, 1, 1, 2), A_WRITE).result, FG_EMULATE);
    CHECK_EQ(fg_touch(0, VA(1, 2, 2, 1), A_READ).result, FG_OK);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(two_vcpus_on_one_address_space_share_its_shadows)
{
    unsigned long l4, data;
    uint64_t va = VA(9, 9, 9, 9);
    unsigned long used;

    fg_reset(FG_POOL);
    l4 = fg_l4();
    data = fg_new_page();
    fg_map(l4, va, data, G_RW | A_D, 1);
    fg_enter_long(0, l4);
    CHECK_EQ(fg_touch(0, va, A_WRITE).result, FG_OK);
    used = shadow_pages_in_use(&fg.sd);
    fg_enter_long(1, l4);
    CHECK_EQ(shadow_hw_cr3(&fg.sd, &fg.v[0]), shadow_hw_cr3(&fg.sd, &fg.v[1]));
    CHECK_EQ(fg_touch(1, va, A_WRITE).faults, 0);
    CHECK_EQ(shadow_pages_in_use(&fg.sd), used);
    SHADOW_CLEAN();
    fg_teardown();
}
