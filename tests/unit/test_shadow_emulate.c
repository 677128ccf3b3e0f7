/*
 * Writes to guest page tables (hvm/shadow/emulate.c): each instruction a
 * kernel writes entries with, performed on the guest's frame with its
 * register and flag results, and the shadows following at once; the
 * guesses that a frame stopped being a table; what cannot be emulated;
 * and the auditor noticing a write that bypassed all this.
 */
#include "asm/ptwr.h"

#include "fake_p2m.h"

#define PT_VA               VA(100, 0, 0, 0)        /* where the guest sees its L1 */
#define INSN(...)           ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

static unsigned long l4, l1, data1, data2;
static const uint64_t va = VA(1, 2, 3, 4);

/* va maps data1; the guest maps the L1 holding that entry at PT_VA, and has used va. */
static uint64_t setup(void)
{
    fg_reset(FG_POOL);
    l4 = fg_l4();
    data1 = fg_new_page();
    data2 = fg_new_page();
    fg_map(l4, va, data1, G_RW | A_D, 1);
    l1 = pte_mfn(*fg_entry(l4, va, 2));
    fg_map(l4, PT_VA, l1, G_RW | A_D, 1);
    fg_enter_long(0, l4);
    CHECK_EQ(fg_touch(0, va, A_WRITE).mfn, fg_mfn(data1));
    return PT_VA + pt_slot(va, 1) * sizeof(uint64_t);
}

static uint64_t entry(unsigned long gfn, uint64_t flags)
{
    return ((uint64_t)gfn << PAGE_SHIFT) | flags;
}

TEST(mov_to_an_entry_remaps_the_page_at_once)
{
    uint64_t pte = setup();
    struct fg_access a;

    fg.regs[0].rax = entry(data2, G_RW | A_D);
    CHECK_EQ(fg_emulate(0, INSN(0x48, 0x89, 0x07), pte), 0);    /* mov %rax,(%rdi) */
    CHECK_EQ(fg.regs[0].rip, FG_CODE_VA + 3);
    CHECK_EQ(*fg_entry(l4, va, 1), entry(data2, G_RW | A_D));
    a = fg_touch(0, va, A_WRITE);
    CHECK_EQ(a.mfn, fg_mfn(data2));
    CHECK_EQ(a.faults, 0);
    CHECK_EQ(fg.sd.stats.emulations, 1);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(cmpxchg_that_fails_changes_nothing_but_rax_and_zf)
{
    uint64_t pte = setup(), old = *fg_entry(l4, va, 1);

    fg.regs[0].rax = 12345;
    fg.regs[0].rcx = entry(data2, G_RW | A_D);
    CHECK_EQ(fg_emulate(0, INSN(0xf0, 0x48, 0x0f, 0xb1, 0x0f), pte), 0);
    CHECK_EQ(*fg_entry(l4, va, 1), old);
    CHECK_EQ(fg.regs[0].rax, old);
    CHECK(!(fg.regs[0].rflags & (1UL << 6)));
    CHECK_EQ(fg_touch(0, va, A_READ).mfn, fg_mfn(data1));
    /* Again with the right expectation: it swaps. */
    CHECK_EQ(fg_emulate(0, INSN(0xf0, 0x48, 0x0f, 0xb1, 0x0f), pte), 0);
    CHECK(fg.regs[0].rflags & (1UL << 6));
    CHECK_EQ(fg_touch(0, va, A_READ).mfn, fg_mfn(data2));
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(and_that_clears_rw_makes_the_shadow_read_only)
{
    uint64_t pte = setup();

    CHECK_EQ(fg_emulate(0, INSN(0xf0, 0x48, 0x83, 0x27, 0xfd), pte), 0);  /* lock andq $-3 */
    CHECK(!(*fg_entry(l4, va, 1) & _PAGE_RW));
    CHECK(!(fg_hw_leaf(0, va, NULL) & _PAGE_RW));
    CHECK_EQ(fg_touch(0, va, A_WRITE).result, FG_GUEST_PF);
    /* A byte-wide and on the entry's low byte works too. */
    fg.regs[0].rax = entry(data1, G_RW | A_D);
    CHECK_EQ(fg_emulate(0, INSN(0x48, 0x89, 0x07), pte), 0);
    CHECK_EQ(fg_touch(0, va, A_WRITE).result, FG_OK);
    CHECK_EQ(fg_emulate(0, INSN(0x80, 0x27, 0xfd), pte), 0);     /* andb $0xfd */
    CHECK_EQ(fg_touch(0, va, A_WRITE).result, FG_GUEST_PF);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(xchg_that_clears_an_entry_unmaps_the_page)
{
    uint64_t pte = setup();

    fg.regs[0].rax = 0;
    CHECK_EQ(fg_emulate(0, INSN(0x48, 0x87, 0x07), pte), 0);    /* xchg %rax,(%rdi) */
    CHECK_EQ(fg.regs[0].rax, entry(data1, G_RW | A_D));
    CHECK_EQ(fg_touch(0, va, A_READ).pfec, 0);                  /* not present */
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(cmpxchg16b_writes_two_entries)
{
    unsigned int even = pt_slot(va, 1) & ~1U;
    uint64_t *g, va0 = (va & ~((uint64_t)PT_ENTRIES * PAGE_SIZE - 1)) + even * PAGE_SIZE;

    setup();
    g = fg_mem(l1) + even;
    fg.regs[0].rax = g[0];
    fg.regs[0].rdx = g[1];
    fg.regs[0].rbx = entry(data2, G_RW | A_D);
    fg.regs[0].rcx = entry(data1, G_RW | A_D);
    CHECK_EQ(fg_emulate(0, INSN(0xf0, 0x48, 0x0f, 0xc7, 0x0f), PT_VA + even * 8), 0);
    CHECK_EQ(fg_touch(0, va0, A_WRITE).mfn, fg_mfn(data2));
    CHECK_EQ(fg_touch(0, va0 + PAGE_SIZE, A_WRITE).mfn, fg_mfn(data1));
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(a_short_rep_stos_is_emulated_whole)
{
    uint64_t pte = setup();

    fg.regs[0].rax = 0;
    fg.regs[0].rcx = 2;
    fg.regs[0].rdi = pte;
    CHECK_EQ(fg_emulate(0, INSN(0xf3, 0x48, 0xab), pte), 0);
    CHECK_EQ(fg.regs[0].rcx, 0);
    CHECK_EQ(fg.regs[0].rdi, pte + 16);
    CHECK_EQ(fg.regs[0].rip, FG_CODE_VA + 3);
    CHECK_EQ(*fg_entry(l4, va, 1), 0);
    CHECK_EQ(fg_touch(0, va, A_READ).result, FG_GUEST_PF);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(a_rep_stos_over_the_table_unshadows_it)
{
    uint64_t pte = setup(), first = PT_VA;

    fg.regs[0].rax = 0;
    fg.regs[0].rcx = 512;
    fg.regs[0].rdi = first;
    CHECK_EQ(fg_emulate(0, INSN(0xf3, 0x48, 0xab), first), 0);
    CHECK_EQ(fg.regs[0].rip, FG_CODE_VA);       /* the guest runs it itself */
    CHECK_EQ(fg.regs[0].rcx, 512);
    CHECK_EQ(fg.sd.stats.unshadows, 1);
    CHECK_EQ(fg_touch(0, pte, A_WRITE).result, FG_OK);
    /* The next use as a table protects it again. */
    CHECK_EQ(fg_touch(0, va, A_READ).result, FG_OK);
    CHECK_EQ(fg_touch(0, pte, A_WRITE).result, FG_EMULATE);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(an_unknown_instruction_unshadows_the_frame_or_fails_on_a_live_root)
{
    uint64_t pte = setup(), l4_slot = VA(101, 0, 0, 0);

    CHECK_EQ(fg_emulate(0, INSN(0x0f, 0x29, 0x07), pte), 0);    /* movaps %xmm0,(%rdi) */
    CHECK_EQ(fg.regs[0].rip, FG_CODE_VA);
    CHECK_EQ(fg_touch(0, pte, A_WRITE).result, FG_OK);
    /* The guest's L4, which vCPU 0 runs on, written the same way. */
    fg_map(l4, l4_slot, l4, G_RW | A_D, 1);
    CHECK_EQ(fg_emulate(0, INSN(0x0f, 0x29, 0x07), l4_slot), -XEN_EPERM);
    SHADOW_CLEAN();
    fg_teardown();
}

TEST(a_write_to_a_cached_top_level_no_vcpu_runs_on_drops_it)
{
    unsigned long other;
    uint64_t l4_va = VA(102, 0, 0, 0);

    setup();
    other = fg_l4();
    fg_map(other, l4_va, l4, G_RW | A_D, 1);
    fg_enter_long(0, other);
    fg.regs[0].rax = 0;
    CHECK_EQ(fg_emulate(0, INSN(0x48, 0x89, 0x07), l4_va + 8), 0);
    CHECK_EQ(fg.sd.stats.unshadows, 1);
    CHECK_EQ(fg_touch(0, l4_va, A_WRITE).result, FG_OK);
    SHADOW_CLEAN();
    fg_enter_long(0, l4);
    CHECK_EQ(fg.sd.stats.cr3_cache_hits, 0);
    fg_teardown();
}

TEST(an_instruction_the_guest_cannot_fetch_gives_it_the_fault)
{
    struct shadow_emul_env env = { .long_mode_cs = true, .cpl = 0 };
    struct shadow_fault_info info;
    uint64_t pte = setup();

    fg.regs[0].rip = VA(200, 0, 0, 0);
    CHECK_EQ(shadow_emulate_write(&fg.sd, &fg.v[0], &fg.regs[0], &env, pte, l1, &info),
             -XEN_EFAULT);
    CHECK_EQ(info.cr2, VA(200, 0, 0, 0));
    CHECK_EQ(info.pfec, PFEC_FETCH);
    CHECK_EQ(*fg_entry(l4, va, 1), entry(data1, G_RW | A_D));
    fg_teardown();
}

TEST(the_auditor_sees_a_write_that_bypassed_the_shadows)
{
    char why[160];

    setup();
    SHADOW_CLEAN();
    *fg_entry(l4, va, 1) = entry(data2, G_RW | A_D);     /* as if never trapped */
    CHECK(shadow_audit(&fg.sd, why, sizeof(why)) > 0);
    CHECK(strstr(why, "differs") != NULL);
    fg_teardown();
}
