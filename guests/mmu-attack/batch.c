/*
 * Attacks on the batch interfaces: a bad element part-way, lists that run
 * into unmapped memory or lie in the hypervisor's, a count whose byte size
 * overflows 32 bits, a `done` pointer aimed at a read-only page table,
 * misaligned and unknown requests.
 */
#include "attack.h"

#define RO G_PTE_KERNEL_RO
#define RW G_PTE_KERNEL_RW
/* Memory the hypervisor can read and we cannot: its direct map. */
#define HV_ADDR 0xffff830000001000ull
#define PER_PAGE (G_PAGE_SIZE / sizeof(struct mmu_update))

/* Two pages of requests; the second is unmapped while an attack runs. */
static struct mmu_update lists[2][PER_PAGE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));

static uint64_t link(uint64_t mfn, uint64_t flags)
{
    return (mfn << G_PAGE_SHIFT) | flags;
}

/* A harmless mapping for slot i of an L1: a page of ours, read-only. */
static struct mmu_update ro_entry(uint64_t l1, unsigned int i)
{
    return (struct mmu_update){ slot_ptr(l1, i), link(va_mfn(slot_va[2]), RO) };
}

/* How many of slots [0, n) of l1 are present. */
static unsigned int present(uint64_t l1, unsigned int n)
{
    unsigned int c = 0;

    for (unsigned int i = 0; i < n; i++)
        c += (g_pt_read(l1, i) & G_PTE_P) != 0;
    return c;
}

static void clear_slots(uint64_t l1, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        g_pt_set(&q, l1, i, 0);
    if (g_pt_flush(&q) < 0) {
        g_pt_print_error(&q, "clearing");
        oops("could not clear the L1");
        g_pt_clear_error(&q);
    }
}

/* Elements 0, 1 fine, 2 maps our L4 writable, 3, 4 fine: 0-1 must be
 * applied, 2-4 not, and done must say 2. */
static void bad_element_in_middle(struct outcome *o)
{
    uint64_t l1 = pinned_table(1);
    struct mmu_update u[5];
    unsigned int done = 0, i;
    long rc;

    for (i = 0; i < 5; i++)
        u[i] = ro_entry(l1, i);
    u[2].val = link(own_l4(), RW);
    rc = hc_mmu_update(u, 5, &done, DOMID_SELF);
    if (rc < 0 && done == 2 && present(l1, 2) == 2 && present(l1, 5) == 2 &&
        g_pte_same(g_pt_read(l1, 1), u[1].val))
        refused(o, "%s at element 2, done 2, elements 3-4 not applied",
                rc_name(rc));
    else
        succeeded(o, "%s, done %u, %u of 5 slots set", rc_name(rc), done,
                  present(l1, 5));
    clear_slots(l1, 5);
    unpin(l1);
}

/* A list of `count` requests from `first`, whose elements from the second
 * page on cannot be read.  Slot i of l1 gets element i. */
static void run_into_hole(struct outcome *o, unsigned int first,
                          unsigned int count)
{
    uint64_t l1 = pinned_table(1);
    struct mmu_update *list = &lists[0][first];
    unsigned int readable = PER_PAGE - first, i, done = 0xdeadbeef, set;
    long rc;

    for (i = 0; i < readable; i++)
        list[i] = ro_entry(l1, i);
    g_unmap_page((uint64_t)lists[1]);
    rc = hc_mmu_update(list, count, &done, DOMID_SELF);
    g_map_page((uint64_t)lists[1], va_mfn(lists[1]), RW);
    set = present(l1, 512);
    if (rc == -XEN_EFAULT && done == readable && set == readable)
        refused(o, "-EFAULT, done %u = the readable elements", done);
    else if (rc == -XEN_EFAULT && done == 0xdeadbeef && set == 0)
        refused(o, "-EFAULT before any element, done not written");
    else
        succeeded(o, "%s, done %u, %u slots set, %u readable", rc_name(rc),
                  done, set, readable);
    clear_slots(l1, 512);
    unpin(l1);
}

static void list_runs_into_unmapped(struct outcome *o)
{
    run_into_hole(o, PER_PAGE - 100, 1000);
}

/* 0x10000001 elements of 16 bytes: 0x100000010 bytes, 0x10 in 32 bits. */
static void count_overflows_32_bits(struct outcome *o)
{
    run_into_hole(o, 0, 0x10000001);
}

static void mmu_list_in_hypervisor(struct outcome *o)
{
    unsigned int done = 0;
    long rc = hc_mmu_update((struct mmu_update *)HV_ADDR, 1, &done,
                            DOMID_SELF);

    if (rc == -XEN_EFAULT && done == 0)
        refused(o, "-EFAULT");
    else
        succeeded(o, "%s, done %u: the list was read", rc_name(rc), done);
}

static void ext_list_in_hypervisor(struct outcome *o)
{
    unsigned int done = 0;
    long rc = hc_mmuext_op((struct mmuext_op *)HV_ADDR, 1, &done,
                           DOMID_SELF);

    if (rc == -XEN_EFAULT && done == 0)
        refused(o, "-EFAULT");
    else
        succeeded(o, "%s, done %u: the list was read", rc_name(rc), done);
}

/*
 * `done` aimed at entry 5 of one of our L1s, through a read-only mapping
 * of it: writing the count there would change a PTE behind the
 * validator's back.  (2 lands as RW without present: harmless to undo.)
 */
static void done_into_page_table(struct outcome *o)
{
    uint64_t l1 = pinned_table(1), e;
    struct mmuext_op ops[2] = { { .cmd = MMUEXT_TLB_FLUSH_LOCAL },
                                { .cmd = MMUEXT_TLB_FLUSH_LOCAL } };
    long rc;

    if (uvm(slot_va[1], link(l1, RO)) < 0) {
        oops("cannot map our own L1 read-only");
        refused(o, "no read-only mapping to aim at");
        unpin(l1);
        return;
    }
    rc = hc_mmuext_op(ops, 2, (unsigned int *)(slot_va[1] + 5 * 8), DOMID_SELF);
    e = g_pt_read(l1, 5);
    if (e)
        succeeded(o, "%s, entry 5 became 0x%lx", rc_name(rc), e);
    else
        refused(o, "%s, the entry is untouched", rc_name(rc));
    restore_slot(1);
    if (e)
        set_entry(l1, 5, 0);
    unpin(l1);
}

/* ptr 4 bytes into an entry: the write would straddle entries 3 and 4. */
static void misaligned_ptr(struct outcome *o)
{
    uint64_t l1 = pinned_table(1);
    struct mmu_update u = ro_entry(l1, 3);
    long rc;

    u.ptr += 4;
    rc = mmu1(u.ptr, u.val, NULL, DOMID_SELF);
    if (rc < 0 && !g_pt_read(l1, 3) && !g_pt_read(l1, 4))
        refused(o, "%s", rc_name(rc));
    else
        succeeded(o, "%s, entries 0x%lx 0x%lx", rc_name(rc),
                  g_pt_read(l1, 3), g_pt_read(l1, 4));
    clear_slots(l1, 5);
    unpin(l1);
}

/* Rewrite the M2P entry of a frame that is not ours. */
static void machphys_hypervisor(struct outcome *o)
{
    by_rc(o, mmu1((xen_frame() << G_PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
                  0x1234, NULL, DOMID_SELF));
}

static void machphys_unowned(struct outcome *o)
{
    by_rc(o, mmu1((unowned_frame() << G_PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
                  0x1234, NULL, DOMID_SELF));
}

static void unknown_mmuext(struct outcome *o)
{
    long rc = ext1(0xdead, own_l4(), 0);

    by_rc(o, rc);
}

const struct attack batch_attacks[] = {
    { "batch_with_bad_element_in_middle", bad_element_in_middle },
    { "batch_list_runs_into_unmapped_memory", list_runs_into_unmapped },
    { "batch_count_overflows_32_bit_size", count_overflows_32_bits },
    { "mmu_update_list_in_hypervisor_memory", mmu_list_in_hypervisor },
    { "mmuext_op_list_in_hypervisor_memory", ext_list_in_hypervisor },
    { "done_pointer_into_readonly_page_table", done_into_page_table },
    { "mmu_update_misaligned_ptr", misaligned_ptr },
    { "machphys_update_hypervisor_frame", machphys_hypervisor },
    { "machphys_update_unowned_frame", machphys_unowned },
    { "mmuext_op_unknown_command", unknown_mmuext },
    { NULL, NULL },
};
