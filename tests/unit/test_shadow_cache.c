/*
 * The shadow cache and pool (hvm/shadow/cache.c, pool.c, mode.c):
 * address spaces found again on a CR3 switch back, the pool limit holding
 * under a flood of tables and address spaces (cached top levels evicted
 * first, then everything but the roots), freed frames reused only after a
 * TLB flush, sizing rules, refused paging modes, and every frame given
 * back at teardown.
 */
#include "fake_p2m.h"
#include "../../xen-lite/hvm/shadow/private.h"


/* An address space mapping n pages, one per L1 table (so n tables). */
static unsigned long space(unsigned int n, unsigned long *pages)
{
    unsigned long l4 = fg_l4();

    for (unsigned int i = 0; i < n; i++) {
        pages[i] = fg_new_page();
        fg_map(l4, VA(1, i / 512, i % 512, 0), pages[i], G_RW | A_D, 1);
    }
    return l4;
}

static void touch_all(unsigned int vcpu, unsigned int n, const unsigned long *pages)
{
    for (unsigned int i = 0; i < n; i++)
        CHECK_EQ(fg_touch(vcpu, VA(1, i / 512, i % 512, 0), A_WRITE).mfn, fg_mfn(pages[i]));
}

TEST(switching_back_to_an_address_space_finds_its_shadows)
{
    unsigned long a[16], b[16], l4a, l4b;
    unsigned long faults;

    fg_reset(FG_POOL);
    l4a = space(16, a);
    l4b = space(16, b);
    fg_enter_long(0, l4a);
    touch_all(0, 16, a);
    fg_enter_long(0, l4b);
    touch_all(0, 16, b);
    faults = fg.sd.stats.faults_fixed;
    fg_enter_long(0, l4a);
    CHECK_EQ(fg.sd.stats.cr3_cache_hits, 1);
    touch_all(0, 16, a);
    CHECK_EQ(fg.sd.stats.faults_fixed, faults);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(the_pool_limit_holds_under_a_flood_of_address_spaces)
{
    static unsigned long pages[24][8];
    unsigned long l4[24], pool = shadow_min_pages(FG_VCPUS);

    fg_reset(pool);
    for (unsigned int s = 0; s < 24; s++)
        l4[s] = space(8, pages[s]);
    for (unsigned int round = 0; round < 2; round++)
        for (unsigned int s = 0; s < 24; s++) {
            fg_enter_long(s % 2, l4[s]);
            touch_all(s % 2, 8, pages[s]);
            CHECK(shadow_pages_in_use(&fg.sd) <= pool);
        }
    CHECK(fg.sd.stats.evictions > 0);
    CHECK_EQ(fg.sd.nr_pages, pool);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(one_address_space_larger_than_the_pool_still_runs)
{
    static unsigned long pages[200];
    unsigned long l4, pool = shadow_min_pages(FG_VCPUS);

    fg_reset(pool);
    l4 = space(200, pages);             /* 200 L1s: 400 shadow pages > 160 */
    fg_enter_long(0, l4);
    touch_all(0, 200, pages);
    CHECK(fg.sd.stats.blowups > 0);
    CHECK(shadow_pages_in_use(&fg.sd) <= pool);
    CHECK(fg.sd.peak_used <= pool);
    SHADOW_CLEAN();
    fg_teardown();
}

/* The frames on the pending list (freed, not yet flushed). */
static unsigned int pending_frames(unsigned long *mfns, unsigned int max)
{
    unsigned int n = 0;

    for (uint32_t i = fg.sd.pending_head; i != SH_NIL && n < max; i = fg.sd.pages[i].next)
        mfns[n++] = fg.sd.pages[i].mfn;
    return n;
}

static bool any_in_use(const unsigned long *mfns, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        if (fg.sd.pages[sh_index_of(&fg.sd, mfns[i])].type != SH_FREE)
            return true;
    return false;
}

TEST(freed_shadow_frames_are_reused_only_after_a_tlb_flush)
{
    static unsigned long b[120];
    unsigned long a[4], l4a, l4b, pending[64], flushes;
    uint64_t l4a_va = VA(2, 0, 0, 0);
    unsigned int n, i;

    fg_reset(shadow_min_pages(FG_VCPUS));
    l4a = space(4, a);
    fg_enter_long(0, l4a);
    touch_all(0, 4, a);
    l4b = space(120, b);
    fg_map(l4b, l4a_va, l4a, G_RW | A_D, 1);
    fg_enter_long(0, l4b);
    /* A write to a's cached L4 frees a's shadows: they wait for a flush. */
    fg.regs[0].rax = 0;
    CHECK_EQ(fg_emulate(0, (const uint8_t[]){ 0x48, 0x89, 0x07 }, 3, l4a_va), 0);
    n = pending_frames(pending, 64);
    CHECK(n >= 14);
    flushes = fg.flushes;
    for (i = 0; i < 120 && !any_in_use(pending, n); i++)
        CHECK_EQ(fg_touch(0, VA(1, i / 512, i % 512, 0), A_WRITE).mfn, fg_mfn(b[i]));
    CHECK(i < 120);                     /* they were needed again ... */
    CHECK(fg.flushes > flushes);        /* ... and flushed first */
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(the_pool_size_is_checked_and_fixed_while_vcpus_run_on_it)
{
    unsigned long l4;

    fg_reset(FG_POOL);
    CHECK_EQ(shadow_set_allocation(&fg.sd, shadow_min_pages(FG_VCPUS) - 1), -XEN_EINVAL);
    CHECK_EQ(fg.sd.nr_pages, FG_POOL);
    CHECK_EQ(shadow_set_allocation(&fg.sd, FG_POOL * 2), 0);
    CHECK_EQ(fg.sd.nr_pages, FG_POOL * 2);
    l4 = fg_l4();
    fg_enter_long(0, l4);
    CHECK_EQ(shadow_set_allocation(&fg.sd, FG_POOL), -XEN_EBUSY);
    CHECK_EQ(shadow_default_pages(1024, 2), 512 + 2048);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(32_bit_paging_and_real_mode_are_refused)
{
    struct shadow_vcpu *sv;

    fg_reset(FG_POOL);
    sv = &fg.v[0];
    sv->cr0 = 1 | SH_CR0_PG;            /* paging, no long mode */
    sv->cr4 = SH_CR4_PAE;
    CHECK_EQ(shadow_update_paging(&fg.sd, sv), -XEN_EOPNOTSUPP);
    CHECK_EQ(sv->mode, SH_MODE_UNSUPPORTED);
    CHECK_EQ(sv->root, SH_NIL);
    sv->cr0 = 0;
    CHECK_EQ(shadow_update_paging(&fg.sd, sv), -XEN_EOPNOTSUPP);
    fg_unpaged(0);
    CHECK(sv->root != SH_NIL);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(a_table_shared_by_two_address_spaces_follows_writes_from_either)
{
    unsigned long l4a = 0, l4b = 0, shared_l1, data, other;
    uint64_t va = VA(3, 0, 0, 7), pt_va = VA(4, 0, 0, 0);

    fg_reset(FG_POOL);
    l4a = fg_l4();
    l4b = fg_l4();
    data = fg_new_page();
    other = fg_new_page();
    fg_map(l4a, va, data, G_RW | A_D, 1);
    shared_l1 = pte_mfn(*fg_entry(l4a, va, 2));
    *fg_entry(l4b, va, 2) = ((uint64_t)shared_l1 << PAGE_SHIFT) | G_TABLE | _PAGE_ACCESSED;
    fg_map(l4b, pt_va, shared_l1, G_RW | A_D, 1);
    fg_enter_long(0, l4a);
    fg_enter_long(1, l4b);
    CHECK_EQ(fg_touch(0, va, A_READ).mfn, fg_mfn(data));
    CHECK_EQ(fg_touch(1, va, A_READ).mfn, fg_mfn(data));
    fg.regs[1].rax = ((uint64_t)other << PAGE_SHIFT) | G_RW | A_D;
    CHECK_EQ(fg_emulate(1, (const uint8_t[]){ 0x48, 0x89, 0x07 }, 3, pt_va + 7 * 8), 0);
    CHECK_EQ(fg_touch(0, va, A_READ).faults, 0);
    CHECK_EQ(fg_touch(0, va, A_READ).mfn, fg_mfn(other));
    SHADOW_CLEAN();
    fg_teardown();
}
