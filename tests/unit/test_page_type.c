/*
 * The page-type rules of the validated PV MMU (mm/page_type.c) on a fake
 * machine (fake_frames.h): one test that each rule allows what it should
 * and one that it refuses what it should, a refusal leaving every count
 * and entry exactly as it was.  Preemption is driven by pt_preempt_check.
 */
#include "fake_frames.h"

static struct fake_snap pre, post;
static struct pt_deferred defer;

static void setup(void)
{
    fake_reset();
    defer = (struct pt_deferred){ 0 };
}

static int mod(unsigned long t, unsigned int slot, uint64_t v, unsigned int level,
               domid_t d)
{
    return mod_pt_entry(t, slot, v, level, d, d, false, &defer);
}

/* ---- general references ---- */

TEST(get_page_takes_only_live_frames_of_the_owner)
{
    setup();
    unsigned long f = fake_alloc(D1);
    CHECK(get_page(mfn_to_page(f), D1));
    CHECK_EQ(gen(f), 2);
    CHECK(!get_page(mfn_to_page(f), D0));           /* not its owner */
    CHECK(!get_page(mfn_to_page(FAKE_FRAMES - 1), DOMID_XEN__));   /* free */
    CHECK_EQ(gen(f), 2);
    put_page(mfn_to_page(f));
    fake_release(f);
    CHECK(fake_was_freed(f));
    CHECK_EQ(fake.freed, 1);
}

/* ---- 1: a frame becomes a page table by validating every entry ---- */

TEST(pagetable_validated_on_first_type_ref)
{
    setup();
    unsigned long l2 = fake_tree(D1, 2, FAN(4, 3), E_RW);
    CHECK_EQ(fake_pin(l2, 2), 0);
    CHECK_EQ(ttype(l2), PGT_l2_page_table);
    CHECK(tflag(l2, PGT_validated));
    COUNTS(l2, 2, 1);
    fake_check_level(1, PGT_l1_page_table, 1, 2);
    fake_check_level(0, PGT_writable_page, 1, 2);
    CHECK_EQ(built.nr[1], 3);
    CHECK_EQ(built.nr[0], 12);
    AUDIT_CLEAN();
}

TEST(pagetable_bad_entry_refused_with_nothing_typed)
{
    setup();
    unsigned long l2 = fake_tree(D1, 2, FAN(4, 3), E_RW), l1 = child(l2, 0);
    fake_mem(l1)[3] |= _PAGE_PCD;                   /* last entry of the first L1 */
    fake_snap_take(&pre);
    CHECK_EQ(fake_pin(l1, 1), -XEN_EINVAL);
    SAME_AS(pre);
    CHECK_EQ(fake_pin(l2, 2), -XEN_EINVAL);
    SAME_AS(pre);
    AUDIT_CLEAN();
}

TEST(pagetable_failure_part_way_left_partial_then_torn_down)
{
    setup();
    unsigned long l2 = fake_tree(D1, 2, FAN(4, 3), E_RW);
    unsigned long l1a = child(l2, 0), l1c = child(l2, 2);
    struct page_info *pg = mfn_to_page(l2);
    fake_mem(l1c)[1] = pte(fake_alloc(D0), E_RO);   /* a foreign frame */
    fake_snap_take(&pre);
    CHECK(get_page(pg, D1));                        /* as pinning does */
    CHECK_EQ(get_page_type(pg, PGT_l2_page_table, true), -XEN_EBUSY);
    CHECK(tflag(l2, PGT_partial));
    CHECK(!tflag(l2, PGT_validated));
    CHECK_EQ(pg->nr_validated_ptes, 2);             /* entries 0 and 1 held */
    CHECK_EQ(tcount(l1a), 1);
    CHECK_EQ(tcount(l1c), 0);
    AUDIT_CLEAN_HOLDING(l2);
    CHECK_EQ(fake_finish(l2), 0);                   /* the partial put */
    SAME_AS(pre);
    AUDIT_CLEAN();
}

/* ---- 2: it drops back through devalidation on 1 -> 0 ---- */

TEST(unpin_releases_children_recursively)
{
    setup();
    unsigned long l4 = fake_tree(D1, 4, FAN(2, 2, 2, 2), E_RW);
    fake_snap_take(&pre);
    CHECK_EQ(fake_pin(l4, 4), 0);
    fake_check_level(3, PGT_l3_page_table, 1, 2);
    fake_check_level(1, PGT_l1_page_table, 1, 2);
    fake_unpin(l4);
    for (unsigned int level = 0; level <= 3; level++)
        fake_check_level(level, 0, 0, 1);
    SAME_AS(pre);
}

TEST(type_ref_not_last_keeps_table_validated)
{
    setup();
    unsigned long l2a = fake_tree(D1, 2, FAN(2, 1), E_RW);
    unsigned long l2b = fake_table(D1, 2), l1 = child(l2a, 0);
    fake_mem(l2b)[7] = pte(l1, E_RW);               /* shares the L1 */
    CHECK_EQ(fake_pin(l2a, 2), 0);
    CHECK_EQ(fake_pin(l2b, 2), 0);
    CHECK_EQ(tcount(l1), 2);
    fake_unpin(l2a);
    CHECK_EQ(tcount(l1), 1);
    CHECK(tflag(l1, PGT_validated));
    fake_check_level(0, PGT_writable_page, 1, 2);        /* still mapped */
    fake_unpin(l2b);
    CHECK_EQ(tcount(l1), 0);
    fake_check_level(0, 0, 0, 1);
}

TEST(released_table_freed_after_last_type_ref)
{
    setup();
    unsigned long l2 = fake_pinned_tree(D1, 2, FAN(1, 1)), l1 = child(l2, 0);
    fake_release(l2);
    fake_release(l1);
    CHECK(!fake_was_freed(l2) && !fake_was_freed(l1));
    fake_unpin(l2);
    CHECK(fake_was_freed(l2) && fake_was_freed(l1));
    CHECK_EQ(fake_frames_in_use(), 1);              /* the data frame */
    AUDIT_CLEAN();
}

/* ---- 3: a page-table frame is never mapped writable ---- */

TEST(pagetable_frame_never_mapped_writable)
{
    setup();
    unsigned long l2 = fake_pinned_tree(D1, 2, FAN(1, 1));
    unsigned long l1 = child(l2, 0), other = fake_pinned_tree(D1, 1, FAN(0));
    fake_snap_take(&pre);
    CHECK_EQ(get_page_from_l1e(pte(l1, E_RW), D1, D1), -XEN_EBUSY);
    CHECK_EQ(get_page_from_l1e(pte(l2, E_RW), D1, D1), -XEN_EBUSY);
    CHECK_EQ(mod(other, 5, pte(l1, E_RW), 1, D1), -XEN_EBUSY);
    CHECK_EQ(mod(other, 5, pte(other, E_RW), 1, D1), -XEN_EBUSY);   /* itself */
    SAME_AS(pre);
    unsigned long self = fake_table(D1, 1);
    fake_mem(self)[9] = pte(self, E_RW);
    fake_snap_take(&pre);
    CHECK_EQ(fake_pin(self, 1), -XEN_EBUSY);
    SAME_AS(pre);
}

TEST(pagetable_frame_may_be_mapped_read_only)
{
    setup();
    unsigned long l2 = fake_pinned_tree(D1, 2, FAN(1, 1));
    unsigned long l1 = child(l2, 0), other = fake_pinned_tree(D1, 1, FAN(0));
    CHECK_EQ(get_page_from_l1e(pte(l1, E_RO), D1, D1), 0);
    COUNTS(l1, 3, 1);
    put_page_from_l1e(pte(l1, E_RO), D1);
    CHECK_EQ(mod(other, 5, pte(l2, E_RO), 1, D1), 0);
    CHECK_EQ(gen(l2), 3);
    CHECK_EQ(ttype(l2), PGT_l2_page_table);
    AUDIT_CLEAN();
}

TEST(pagetable_read_only_mapping_cannot_be_upgraded)
{
    setup();
    unsigned long l1 = fake_pinned_tree(D1, 1, FAN(0)), l1b = fake_pinned_tree(D1, 1, FAN(0));
    CHECK_EQ(mod(l1, 3, pte(l1b, E_RO), 1, D1), 0);
    fake_snap_take(&pre);
    CHECK_EQ(mod(l1, 3, pte(l1b, E_RW), 1, D1), -XEN_EBUSY);
    SAME_AS(pre);
    CHECK_EQ(mod(l1, 3, pte(l1b, E_RO | _PAGE_DIRTY), 1, D1), 0);  /* fast path */
    AUDIT_CLEAN();
}

/* ---- 4: a writable-mapped frame never becomes a page table ---- */

TEST(writable_frame_cannot_become_pagetable)
{
    setup();
    unsigned long l1 = fake_pinned_tree(D1, 1, FAN(2));
    unsigned long data = child(l1, 0), l2 = fake_table(D1, 2), mapped = fake_alloc(D1);
    fake_mem(l2)[0] = pte(data, E_RW);
    CHECK_EQ(get_page_from_l1e(pte(mapped, E_RW), D1, D1), 0);  /* a live mapping */
    fake_snap_take(&pre);
    CHECK_EQ(fake_pin(data, 1), -XEN_EINVAL);
    CHECK_EQ(fake_pin(data, 2), -XEN_EINVAL);
    CHECK_EQ(fake_pin(mapped, 1), -XEN_EINVAL);
    CHECK_EQ(fake_pin(l2, 2), -XEN_EINVAL);         /* as some L2's child */
    SAME_AS(pre);
}

TEST(frame_becomes_pagetable_after_last_writable_mapping_goes)
{
    setup();
    unsigned long l1 = fake_pinned_tree(D1, 1, FAN(1)), data = child(l1, 0);
    unsigned long flushes = fake.flushes;
    CHECK_EQ(mod(l1, 0, 0, 1, D1), 0);
    CHECK_EQ(tcount(data), 0);
    CHECK_EQ(fake_pin(data, 1), 0);
    CHECK_EQ(fake.flushes, flushes + 1);            /* writable -> L1 */
    CHECK_EQ(ttype(data), PGT_l1_page_table);
    AUDIT_CLEAN();
}

/* ---- 5: a guest maps only frames it owns ---- */

TEST(guest_maps_only_own_frames)
{
    setup();
    unsigned long mine = fake_alloc(D1), theirs = fake_alloc(D0);
    unsigned long l1 = fake_pinned_tree(D1, 1, FAN(0)), bad = fake_table(D1, 1);
    fake_mem(bad)[0] = pte(mine, E_RW);
    fake_mem(bad)[1] = pte(theirs, E_RO);
    fake_snap_take(&pre);
    CHECK_EQ(get_page_from_l1e(pte(theirs, E_RO), D1, D1), -XEN_EBUSY);
    CHECK_EQ(get_page_from_l1e(pte(theirs, E_RO), D1, D0), -XEN_EPERM);
    CHECK_EQ(mod_pt_entry(l1, 0, pte(theirs, E_RO), 1, D1, D0, false, &defer), -XEN_EPERM);
    CHECK_EQ(mod(l1, 0, pte(theirs, E_RO), 1, D1), -XEN_EBUSY);
    CHECK_EQ(fake_pin(bad, 1), -XEN_EBUSY);
    SAME_AS(pre);
}

TEST(privileged_domain_maps_foreign_frames_with_pg_owner)
{
    setup();
    unsigned long theirs = fake_alloc(D1), l1 = fake_pinned_tree(D0, 1, FAN(0));
    CHECK_EQ(get_page_from_l1e(pte(theirs, E_RO), D0, D0), -XEN_EBUSY);
    CHECK_EQ(get_page_from_l1e(pte(theirs, E_RW), D0, D1), 0);
    COUNTS(theirs, 2, 1);
    CHECK_EQ(ttype(theirs), PGT_writable_page);
    put_page_from_l1e(pte(theirs, E_RW), D0);
    COUNTS(theirs, 1, 0);
    CHECK_EQ(mod_pt_entry(l1, 4, pte(theirs, E_RW), 1, D0, D1, false, &defer), 0);
    CHECK_EQ(gen(theirs), 2);
    AUDIT_CLEAN();
    CHECK_EQ(mod(l1, 4, 0, 1, D0), 0);
    CHECK_EQ(gen(theirs), 1);
}

TEST(io_frames_refused_for_unprivileged_domain)
{
    setup();
    unsigned long io = fake_alloc_io(), l1 = fake_pinned_tree(D1, 1, FAN(0));
    unsigned long bad = fake_table(D1, 1);
    fake_mem(bad)[0] = pte(io, E_RO);
    fake_snap_take(&pre);
    CHECK_EQ(get_page_from_l1e(pte(io, E_RW), D1, D1), -XEN_EPERM);
    CHECK_EQ(get_page_from_l1e(pte(FAKE_FRAMES + 3, E_RW), D1, D1), -XEN_EPERM);
    CHECK_EQ(mod(l1, 0, pte(FAKE_FRAMES, E_RO), 1, D1), -XEN_EPERM);
    CHECK_EQ(fake_pin(bad, 1), -XEN_EPERM);
    SAME_AS(pre);
}

TEST(io_frames_mapped_uncounted_by_privileged_domain)
{
    setup();
    unsigned long io = fake_alloc_io(), l1 = fake_pinned_tree(D0, 1, FAN(0));
    fake_snap_take(&pre);
    CHECK_EQ(get_page_from_l1e(pte(io, E_RW | _PAGE_PCD), D0, D0), 0);
    CHECK_EQ(get_page_from_l1e(pte(FAKE_FRAMES + 3, E_RW), D0, D0), 0);
    SAME_AS(pre);                                   /* no counts on MMIO */
    CHECK_EQ(mod(l1, 0, pte(io, E_RW), 1, D0), 0);
    CHECK_EQ(mod(l1, 1, pte(FAKE_FRAMES + 7, E_RW), 1, D0), 0);
    CHECK_EQ(gen(io), 0);
    AUDIT_CLEAN();
    CHECK_EQ(mod(l1, 0, 0, 1, D0), 0);
    CHECK_EQ(gen(io), 0);
}

TEST(io_frames_stop_at_the_physical_address_width)
{
    setup();
    unsigned long l1 = fake_pinned_tree(D0, 1, FAN(0));
    unsigned long last = (1UL << (paddr_bits - PAGE_SHIFT)) - 1;
    CHECK_EQ(get_page_from_l1e(pte(last, E_RW), D0, D0), 0);
    CHECK_EQ(get_page_from_l1e(pte(last + 1, E_RO), D0, D0), -XEN_EPERM);
    CHECK_EQ(mod(l1, 0, (1ULL << 50) | E_RO, 1, D0), -XEN_EPERM);
    CHECK_EQ(fake_mem(l1)[0], 0);
    AUDIT_CLEAN();
}

/* ---- L1TF: a not-present entry must not point at RAM ---- */

/* A not-present entry holding a frame's address, as a guest might leave it. */
#define STALE(mfn)  ((uint64_t)(mfn) << PAGE_SHIFT | _PAGE_RW)

TEST(l1tf_not_present_entry_pointing_at_ram_refused)
{
    setup();
    unsigned long l2 = fake_pinned_tree(D1, 2, FAN(1, 1)), l1 = child(l2, 0);
    unsigned long f = fake_alloc(D1);
    fake_snap_take(&pre);
    CHECK_EQ(mod(l1, 3, STALE(f), 1, D1), -XEN_EINVAL);
    CHECK_EQ(mod(l2, 3, STALE(f), 2, D1), -XEN_EINVAL);
    SAME_AS(pre);
    AUDIT_CLEAN();
}

TEST(l1tf_safe_not_present_entries_accepted)
{
    setup();
    unsigned long l2 = fake_pinned_tree(D1, 2, FAN(1, 1)), l1 = child(l2, 0);
    uint64_t mask = ((1ULL << paddr_bits) - 1) & ~0xfffULL;
    uint64_t inverted = ~STALE(5) & mask;       /* Linux's inverted PTE */
    CHECK_EQ(mod(l1, 3, 0x2, 1, D1), 0);        /* flags only, no address */
    CHECK_EQ(mod(l1, 4, inverted, 1, D1), 0);
    CHECK_EQ(mod(l1, 5, 3ULL << (paddr_bits - 2), 1, D1), 0);
    CHECK_EQ(fake_mem(l1)[4], inverted);
    AUDIT_CLEAN();
}

TEST(l1tf_unsafe_entry_fails_table_validation_at_every_level)
{
    setup();
    unsigned long l1 = fake_table(D1, 1), l2 = fake_table(D1, 2);
    unsigned long f = fake_alloc(D1);
    fake_mem(l1)[7] = STALE(f);
    fake_mem(l2)[7] = STALE(f);
    fake_snap_take(&pre);
    CHECK_EQ(fake_pin(l1, 1), -XEN_EINVAL);
    CHECK_EQ(fake_pin(l2, 2), -XEN_EINVAL);
    SAME_AS(pre);
    AUDIT_CLEAN();
}

TEST(table_children_must_belong_to_table_owner)
{
    setup();
    unsigned long l1 = fake_tree(D1, 1, FAN(1), E_RW);
    unsigned long l2 = fake_table(D0, 2), l2ok = fake_table(D0, 2);
    fake_mem(l2)[0] = pte(l1, E_RW);                /* dom0 table, domU child */
    fake_snap_take(&pre);
    CHECK_EQ(fake_pin(l2, 2), -XEN_EINVAL);
    CHECK_EQ(fake_pin(l2ok, 2), 0);
    CHECK_EQ(mod(l2ok, 0, pte(l1, E_RW), 2, D0), -XEN_EINVAL);
    fake_unpin(l2ok);
    SAME_AS(pre);
}

/* ---- 6: no superpages, no disallowed bits, at any level ---- */

TEST(l1_cache_attributes_refused_for_unprivileged)
{
    static const uint64_t bits[] = { _PAGE_PWT, _PAGE_PCD, _PAGE_PAT };
    setup();
    unsigned long f = fake_alloc(D1), l1 = fake_pinned_tree(D1, 1, FAN(0));
    for (unsigned int i = 0; i < ARRAY_SIZE(bits); i++) {
        unsigned long t = fake_table(D1, 1);
        fake_mem(t)[4] = pte(f, E_RO | bits[i]);
        fake_snap_take(&pre);
        CHECK_EQ(get_page_from_l1e(pte(f, E_RO | bits[i]), D1, D1), -XEN_EINVAL);
        CHECK_EQ(mod(l1, 1, pte(f, E_RO | bits[i]), 1, D1), -XEN_EINVAL);
        CHECK_EQ(fake_pin(t, 1), -XEN_EINVAL);
        SAME_AS(pre);
    }
}

TEST(l1_cache_attributes_allowed_for_privileged)
{
    setup();
    unsigned long f = fake_alloc(D0), l1 = fake_table(D0, 1);
    fake_mem(l1)[0] = pte(f, E_RW | _PAGE_PWT | _PAGE_PCD | _PAGE_PAT);
    CHECK_EQ(fake_pin(l1, 1), 0);
    CHECK_EQ(mod(l1, 1, pte(f, E_RO | _PAGE_PCD), 1, D0), 0);
    CHECK_EQ(gen(f), 3);
    AUDIT_CLEAN();
}

TEST(superpage_entries_refused_at_every_level)
{
    setup();
    for (unsigned int level = 2; level <= 4; level++) {
        unsigned long child = fake_tree(D1, level - 1, FAN(1, 1, 1), E_RW);
        unsigned long t = fake_table(D1, level);
        unsigned long ok = fake_pinned_tree(D1, level, FAN(0, 0, 0, 0));
        fake_mem(t)[0] = pte(child, E_RW | _PAGE_PSE);
        fake_snap_take(&pre);
        CHECK_EQ(fake_pin(t, level), -XEN_EINVAL);
        CHECK_EQ(mod(ok, 0, pte(child, E_RW | _PAGE_PSE), level, D1), -XEN_EINVAL);
        SAME_AS(pre);
    }
}

TEST(upper_entries_refuse_cache_and_global_bits)
{
    static const uint64_t bits[] = { _PAGE_PWT, _PAGE_PCD, _PAGE_GLOBAL };
    setup();
    unsigned long l1 = fake_tree(D0, 1, FAN(1), E_RW), l2 = fake_pinned_tree(D0, 2, FAN(0, 0));
    fake_snap_take(&pre);
    for (unsigned int i = 0; i < ARRAY_SIZE(bits); i++)
        CHECK_EQ(mod(l2, 0, pte(l1, E_RW | bits[i]), 2, D0), -XEN_EINVAL);
    SAME_AS(pre);
}

TEST(software_bits_nx_and_kernel_mappings_accepted)
{
    uint64_t soft = _PAGE_AVAIL | PTE_AVAIL_HIGH | _PAGE_NX;
    uint64_t kernel = _PAGE_PRESENT | _PAGE_USER | PTE_GUEST_KERNEL;
    setup();
    unsigned long f = fake_alloc(D1), l1 = fake_table(D1, 1), l2 = fake_table(D1, 2);
    fake_mem(l1)[0] = pte(f, E_RW | soft);
    fake_mem(l1)[1] = pte(f, _PAGE_PRESENT | _PAGE_GLOBAL);     /* kernel, global */
    fake_mem(l2)[0] = pte(l1, E_RW | soft);
    CHECK_EQ(fake_pin(l2, 2), 0);
    CHECK_EQ(fake_mem(l1)[1], pte(f, kernel));
    CHECK_EQ(fake_mem(l1)[0], pte(f, E_RW | soft));
    CHECK_EQ(mod(l1, 2, pte(f, _PAGE_PRESENT | _PAGE_RW), 1, D1), 0);
    CHECK_EQ(fake_mem(l1)[2], pte(f, kernel | _PAGE_RW));
    CHECK_EQ(gen(f), 4);
    AUDIT_CLEAN();
}

/* ---- 7: the hypervisor's L4 slots ---- */

TEST(xen_l4_slots_cannot_be_written)
{
    setup();
    unsigned long l4 = fake_pinned_tree(D1, 4, FAN(0, 0, 0, 0)), l3 = fake_table(D1, 3);
    fake_snap_take(&pre);
    for (unsigned int s = 256; s <= 271; s++) {
        CHECK_EQ(mod(l4, s, pte(l3, E_RW), 4, D1), -XEN_EINVAL);
        CHECK_EQ(mod(l4, s, 0, 4, D1), -XEN_EINVAL);
    }
    SAME_AS(pre);
}

TEST(xen_l4_slots_filled_on_validation)
{
    setup();
    unsigned long l4 = fake_table(D1, 4), l3 = fake_table(D1, 3), l3b = fake_table(D1, 3);
    for (unsigned int s = 256; s <= 271; s++)
        fake_mem(l4)[s] = pte(FAKE_FRAMES + s, E_RW | _PAGE_PSE);  /* junk */
    CHECK_EQ(fake_pin(l4, 4), 0);
    CHECK_EQ(fake.l4_fills, 1);
    for (unsigned int s = 256; s <= 271; s++)
        CHECK_EQ(fake_mem(l4)[s], fake_xen_l4e(s));
    CHECK_EQ(mod(l4, 255, pte(l3, E_RW), 4, D1), 0);           /* either side */
    CHECK_EQ(mod(l4, 272, pte(l3b, E_RW), 4, D1), 0);
    CHECK_EQ(ttype(l3b), PGT_l3_page_table);
    AUDIT_CLEAN();
}

/* ---- 8: type confusion and loops ---- */

TEST(entries_to_tables_of_the_wrong_level_refused)
{
    setup();
    unsigned long l4 = fake_pinned_tree(D1, 4, FAN(1, 1, 1, 1));
    unsigned long l3 = child(l4, 0), l2 = child(l3, 0), l1 = child(l2, 0);
    fake_snap_take(&pre);
    CHECK_EQ(mod(l2, 1, pte(l4, E_RW), 2, D1), -XEN_EINVAL);  /* L2 -> L4 */
    CHECK_EQ(mod(l2, 1, pte(l2, E_RW), 2, D1), -XEN_EINVAL);  /* L2 -> itself */
    CHECK_EQ(mod(l3, 1, pte(l1, E_RW), 3, D1), -XEN_EINVAL);  /* L3 -> L1 */
    CHECK_EQ(mod(l4, 1, pte(l4, E_RW), 4, D1), -XEN_EINVAL);  /* L4 -> itself */
    CHECK_EQ(mod(l4, 1, pte(l2, E_RW), 4, D1), -XEN_EINVAL);  /* L4 -> L2 */
    SAME_AS(pre);
}

TEST(unvalidated_tables_pointing_at_wrong_level_refused)
{
    setup();
    unsigned long l1 = fake_pinned_tree(D1, 1, FAN(1));
    unsigned long l3 = fake_table(D1, 3), l2 = fake_table(D1, 2), l4 = fake_table(D1, 4);
    fake_mem(l3)[0] = pte(l1, E_RW);
    fake_mem(l2)[0] = pte(l2, E_RW);
    fake_mem(l4)[0] = pte(l4, E_RW);
    fake_snap_take(&pre);
    CHECK_EQ(fake_pin(l3, 3), -XEN_EINVAL);
    CHECK_EQ(fake_pin(l2, 2), -XEN_EINVAL);
    CHECK_EQ(fake_pin(l4, 4), -XEN_EINVAL);
    SAME_AS(pre);
}

TEST(loop_of_tables_refused)
{
    setup();
    unsigned long l4 = fake_tree(D1, 4, FAN(1, 1, 1, 1), E_RW);
    unsigned long l3 = child(l4, 0), l2 = child(l3, 0), l1 = child(l2, 0);
    fake_mem(l3)[1] = pte(l4, E_RW);                /* back to the top as an L2 */
    fake_snap_take(&pre);
    CHECK_EQ(fake_pin(l4, 4), -XEN_EINVAL);
    SAME_AS(pre);
    fake_mem(l3)[1] = 0;
    fake_mem(l1)[1] = pte(l4, E_RW);                /* the top mapped writable */
    fake_snap_take(&pre);
    CHECK_EQ(fake_pin(l4, 4), -XEN_EBUSY);
    SAME_AS(pre);
}

TEST(read_only_self_maps_and_retyping_allowed)
{
    setup();
    unsigned long l4 = fake_tree(D1, 4, FAN(1, 1, 1, 1), E_RW);
    unsigned long l3 = child(l4, 0), l2 = child(l3, 0), l1 = child(l2, 0);
    fake_mem(l1)[1] = pte(l4, E_RO);
    fake_mem(l1)[2] = pte(l1, E_RO);
    CHECK_EQ(fake_pin(l4, 4), 0);
    CHECK_EQ(gen(l4), 3);                           /* alloc, pin, self-map */
    AUDIT_CLEAN();
    fake_unpin(l4);
    fake_mem(l1)[1] = fake_mem(l1)[2] = 0;
    CHECK_EQ(fake_pin(l1, 2), 0);                   /* an old L1 as an L2 */
    CHECK_EQ(ttype(l1), PGT_l2_page_table);
    AUDIT_CLEAN();
}

/* ---- 9: mod_pt_entry's fast and full paths ---- */

TEST(mod_entry_fast_path_moves_no_references)
{
    setup();
    unsigned long l2 = fake_pinned_tree(D1, 2, FAN(1, 1)), l1 = child(l2, 0);
    unsigned long data = child(l1, 0), flushes = fake.flushes;
    uint64_t soft = _PAGE_DIRTY | _PAGE_NX | (5UL << 9) | (3UL << 55);
    fake_snap_take(&pre);
    CHECK_EQ(mod(l1, 0, pte(data, E_RW | soft | _PAGE_GLOBAL), 1, D1), 0);
    CHECK_EQ(fake_mem(l1)[0], pte(data, E_RW | soft));
    CHECK_EQ(mod(l2, 0, pte(l1, (E_RW | soft) & ~_PAGE_ACCESSED), 2, D1), 0);
    CHECK_EQ(fake_mem(l2)[0], pte(l1, (E_RW | soft) & ~_PAGE_ACCESSED));
    COUNTS(data, 2, 1);
    COUNTS(l1, 2, 1);
    CHECK_EQ(fake.flushes, flushes);
    fake_mem(l1)[0] = pte(data, E_RW);
    fake_mem(l2)[0] = pte(l1, E_RW);
    SAME_AS(pre);
}

TEST(mod_entry_fast_path_keeps_cpu_accessed_dirty_bits)
{
    setup();
    unsigned long l1 = fake_pinned_tree(D1, 1, FAN(1)), data = child(l1, 0);
    fake_mem(l1)[0] |= _PAGE_DIRTY;                 /* the CPU wrote */
    CHECK_EQ(mod_pt_entry(l1, 0, pte(data, E_RW & ~_PAGE_ACCESSED), 1, D1, D1,
                          true, &defer), 0);
    CHECK_EQ(fake_mem(l1)[0], pte(data, E_RW | _PAGE_DIRTY));
    CHECK_EQ(mod(l1, 0, pte(data, E_RW & ~_PAGE_ACCESSED), 1, D1), 0);
    CHECK_EQ(fake_mem(l1)[0], pte(data, E_RW & ~_PAGE_ACCESSED));
    CHECK_EQ(gen(data), 2);
}

TEST(mod_entry_full_path_swaps_one_reference)
{
    setup();
    unsigned long l2 = fake_pinned_tree(D1, 2, FAN(1, 1)), l1 = child(l2, 0);
    unsigned long a = child(l1, 0), b = fake_alloc(D1);
    unsigned long l1b = fake_tree(D1, 1, FAN(2), E_RO);
    CHECK_EQ(mod(l1, 0, pte(b, E_RO), 1, D1), 0);
    COUNTS(a, 1, 0);
    COUNTS(b, 2, 0);
    CHECK_EQ(mod(l1, 0, pte(b, E_RW), 1, D1), 0);   /* RO -> RW: full path */
    COUNTS(b, 2, 1);
    CHECK_EQ(mod(l2, 0, pte(l1b, E_RW), 2, D1), 0); /* new L1 in, old one out */
    COUNTS(l1b, 2, 1);
    COUNTS(l1, 1, 0);
    COUNTS(b, 1, 0);                                /* old L1 devalidated */
    CHECK_EQ(mod(l2, 0, 0, 2, D1), 0);
    CHECK_EQ(tcount(l1b), 0);
    AUDIT_CLEAN();
}

static unsigned long race_l1, race_frame;

static void other_cpu_remaps_slot_0(void)
{
    CHECK_EQ(mod(race_l1, 0, pte(race_frame, E_RW), 1, D1), 0);
}

TEST(mod_entry_fast_path_loses_to_a_concurrent_remap)
{
    setup();
    unsigned long l1 = fake_pinned_tree(D1, 1, FAN(1)), f = child(l1, 0);
    race_l1 = l1;
    race_frame = fake_alloc(D1);
    fake.other_cpu = other_cpu_remaps_slot_0;   /* after the fast path's read */
    CHECK_EQ(mod(l1, 0, pte(f, E_RW | _PAGE_DIRTY), 1, D1), 0);
    CHECK(fake.other_cpu == NULL);
    CHECK_EQ(fake_mem(l1)[0], pte(f, E_RW | _PAGE_DIRTY));
    COUNTS(f, 2, 1);                            /* mapped, so referenced */
    COUNTS(race_frame, 1, 0);                   /* replaced, so released */
    AUDIT_CLEAN();
}

TEST(mod_entry_refused_keeps_old_entry)
{
    setup();
    unsigned long l2 = fake_pinned_tree(D1, 2, FAN(1, 1)), l1 = child(l2, 0);
    unsigned long foreign = fake_tree(D0, 1, FAN(1), E_RW);
    fake_snap_take(&pre);
    CHECK_EQ(mod(l2, 0, pte(foreign, E_RW), 2, D1), -XEN_EINVAL);
    CHECK_EQ(mod(l2, 0, pte(FAKE_FRAMES + 1, E_RW), 2, D1), -XEN_EINVAL);
    CHECK_EQ(mod(l1, 0, pte(foreign, E_RW), 1, D1), -XEN_EBUSY);
    SAME_AS(pre);
    CHECK(defer.page == NULL);
    CHECK_EQ(tcount(l1), 1);
}

TEST(mod_entry_failed_child_left_partial_is_deferred)
{
    setup();
    unsigned long l3 = fake_pinned_tree(D1, 3, FAN(0, 0, 0));
    unsigned long l2 = fake_tree(D1, 2, FAN(1, 3), E_RW);
    fake_mem(child(l2, 2))[0] |= _PAGE_PCD;
    fake_snap_take(&pre);
    CHECK_EQ(mod(l3, 0, pte(l2, E_RW), 3, D1), -XEN_EINVAL);
    CHECK(defer.page == mfn_to_page(l2));
    CHECK(tflag(l2, PGT_partial));
    CHECK_EQ(fake_mem(l3)[0], 0);
    CHECK_EQ(pt_finish_deferred(&defer, true), 0);
    CHECK(defer.page == NULL);
    SAME_AS(pre);
}

/* ---- 10: preemption ---- */

/* L4 -> 2 L3 -> 40 L2 -> 120 L1 -> 480 data frames. */
static unsigned long big_tree(void)
{
    return fake_tree(D1, 4, FAN(4, 3, 20, 2), E_RW);
}

TEST(preempted_validation_ends_like_unpreempted)
{
    int rc;
    setup();
    unsigned long l4 = big_tree();
    fake_snap_take(&pre);
    CHECK_EQ(fake_pin(l4, 4), 0);
    fake_snap_take(&post);
    fake_unpin(l4);
    SAME_AS(pre);
    fake.preempt_every = 7;
    CHECK(get_page(mfn_to_page(l4), D1));
    CHECK(fake_validate(l4, 4, &rc) > 100);
    CHECK_EQ(rc, 0);
    SAME_AS(post);
    fake_check_level(2, PGT_l2_page_table, 1, 2);
}

TEST(preempted_devalidation_ends_like_unpreempted)
{
    setup();
    unsigned long l4 = big_tree();
    fake_snap_take(&pre);
    CHECK_EQ(fake_pin(l4, 4), 0);
    fake_unhold(l4, true);
    fake.preempt_every = 5;
    CHECK(fake_devalidate(l4) > 100);
    SAME_AS(pre);
    AUDIT_CLEAN();
}

TEST(preempted_validation_torn_down_by_partial_put)
{
    setup();
    unsigned long l4 = big_tree();
    fake_snap_take(&pre);
    fake.preempt_every = 3;
    CHECK(get_page(mfn_to_page(l4), D1));
    for (unsigned int i = 0; i < 40; i++)
        CHECK_EQ(get_page_type(mfn_to_page(l4), PGT_l4_page_table, true), -XEN_ERESTART);
    CHECK(tflag(l4, PGT_partial));
    AUDIT_CLEAN_HOLDING(l4);
    CHECK(fake_finish(l4) > 10);
    SAME_AS(pre);
}

TEST(preempted_devalidation_revalidated_by_next_get)
{
    int rc;
    setup();
    unsigned long l4 = big_tree();
    struct pt_deferred d = { mfn_to_page(l4), true };
    CHECK_EQ(fake_pin(l4, 4), 0);
    fake_snap_take(&post);
    fake.preempt_every = 4;
    CHECK_EQ(put_page_type(mfn_to_page(l4), true), -XEN_ERESTART);
    for (unsigned int i = 0; i < 30; i++)
        CHECK_EQ(pt_finish_deferred(&d, true), -XEN_ERESTART);
    CHECK(tflag(l4, PGT_partial));
    fake_validate(l4, 4, &rc);                       /* carries on upwards */
    CHECK_EQ(rc, 0);
    SAME_AS(post);
}

TEST(preempted_failing_validation_torn_down)
{
    int rc;
    setup();
    unsigned long l4 = big_tree(), l3b = child(l4, 1);
    unsigned long l2 = child(l3b, 13), l1 = child(l2, 2);
    fake_mem(l1)[3] |= _PAGE_PAT;
    fake_snap_take(&pre);
    fake.preempt_every = 6;
    CHECK(get_page(mfn_to_page(l4), D1));
    CHECK(fake_validate(l4, 4, &rc) > 10);
    CHECK_EQ(rc, -XEN_EINVAL);
    CHECK(tflag(l4, PGT_partial) && tflag(l3b, PGT_partial) && tflag(l2, PGT_partial));
    CHECK_EQ(tcount(l1), 0);
    AUDIT_CLEAN_HOLDING(l4);
    fake_finish(l4);
    SAME_AS(pre);
}

TEST(l1_and_non_preemptible_work_never_restart)
{
    setup();
    unsigned long l1 = fake_tree(D1, 1, FAN(512), E_RW), l4 = big_tree();
    fake.preempt_every = 1;
    CHECK_EQ(get_page_type(mfn_to_page(l1), PGT_l1_page_table, true), 0);
    CHECK_EQ(fake_pin(l4, 4), 0);
    fake_unpin(l4);
    CHECK_EQ(put_page_type(mfn_to_page(l1), true), 0);
    CHECK_EQ(tcount(l1), 0);
    CHECK_EQ(fake.preempt_calls, 0);                /* never even asked */
}

TEST(partial_table_refuses_other_types)
{
    setup();
    unsigned long l4 = big_tree(), l3 = child(l4, 0);
    fake.preempt_every = 2;
    CHECK_EQ(get_page_and_type(mfn_to_page(l3), D1, PGT_l3_page_table, true), -XEN_ERESTART);
    fake_snap_take(&pre);
    CHECK_EQ(get_page_type(mfn_to_page(l3), PGT_writable_page, true), -XEN_EINVAL);
    CHECK_EQ(get_page_type(mfn_to_page(l3), PGT_l2_page_table, true), -XEN_EINVAL);
    CHECK_EQ(get_page_from_l1e(pte(l3, E_RW), D1, D1), -XEN_EBUSY);
    SAME_AS(pre);
    CHECK_EQ(fake_pin(l4, 4), 0);                   /* its parent claims it */
    CHECK(!tflag(l3, PGT_partial));
    AUDIT_CLEAN();
}

TEST(mod_entry_preempted_both_ways)
{
    int rc;
    setup();
    unsigned long l4 = fake_pinned_tree(D1, 4, FAN(0, 0, 0, 0));
    unsigned long l3 = fake_tree(D1, 3, FAN(4, 3, 20), E_RW);
    fake_snap_take(&pre);
    fake.preempt_every = 9;
    unsigned int restarts = 0;
    while ((rc = mod(l4, 3, pte(l3, E_RW), 4, D1)) == -XEN_ERESTART)
        restarts++;
    CHECK_EQ(rc, 0);
    CHECK(restarts > 10);
    CHECK_EQ(tcount(l3), 1);
    CHECK_EQ(mod(l4, 3, 0, 4, D1), 0);              /* update done at once ... */
    CHECK_EQ(fake_mem(l4)[3], 0);
    CHECK(defer.page == mfn_to_page(l3));           /* ... teardown deferred */
    while (pt_finish_deferred(&defer, true) == -XEN_ERESTART)
        ;
    SAME_AS(pre);
}

/* ---- 11: a pin is one type reference, taken and dropped like any other ---- */

TEST(pin_holds_one_type_reference)
{
    setup();
    unsigned long l2 = fake_tree(D1, 2, FAN(1, 1), E_RW);
    CHECK_EQ(fake_pin(l2, 2), 0);
    CHECK_EQ(fake_pin(l2, 2), 0);
    COUNTS(l2, 3, 2);
    fake_unpin(l2);
    CHECK(tflag(l2, PGT_validated));
    fake_unpin(l2);
    COUNTS(l2, 1, 0);
    AUDIT_CLEAN();
}

TEST(pin_refused_for_another_owner_or_type)
{
    setup();
    unsigned long l2 = fake_pinned_tree(D1, 2, FAN(1, 1));
    fake_snap_take(&pre);
    CHECK_EQ(get_page_and_type(mfn_to_page(l2), D0, PGT_l2_page_table, false), -XEN_EINVAL);
    CHECK_EQ(get_page_and_type(mfn_to_page(l2), D1, PGT_l3_page_table, false), -XEN_EINVAL);
    CHECK_EQ(get_page_and_type(mfn_to_page(l2), D1, PGT_seg_desc_page, false), -XEN_EINVAL);
    SAME_AS(pre);
}
