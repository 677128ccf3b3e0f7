/*
 * References the hypervisor keeps on a guest's behalf, and the calls that
 * restart while they are being dropped:
 * - an mmu_update whose one element drops the last reference to a tree so
 *   big that tearing it down takes more than two hypercalls' worth of
 *   work.  The first call ends in a continuation with the teardown
 *   deferred; the call restarted by it finds the teardown unfinished and
 *   must restart again -- returning to the guest as a continuation, not
 *   running the batch as if it could go on;
 * - two vCPUs registering one vCPU's vcpu_info at the same time: one
 *   registration, one page reference kept (the auditor, run after each
 *   attack as dom0, counts it).
 */
#include "edge.h"

/* Upper-level entries are what a teardown counts (8,192 a call): 34 L2s
 * of 512 entries each are over two calls' worth. */
#define NR_L2 34

static struct g_pt_queue q;

/* Build L3 -> NR_L2 L2s -> one shared L1; 0 or the L3. */
static uint64_t big_tree(void)
{
    uint64_t l1 = g_pt_alloc_table(), l3 = g_pt_alloc_table();
    const uint64_t flags = G_PTE_P | G_PTE_RW | G_PTE_US | G_PTE_A;

    if (!l1 || !l3)
        return 0;
    for (unsigned int i = 0; i < NR_L2; i++) {
        uint64_t l2 = g_pt_alloc_table();
        if (!l2)
            return 0;
        for (unsigned int s = 0; s < 512; s++)
            g_pt_set(&q, l2, s, l1 << G_PAGE_SHIFT | flags);
        g_pt_set(&q, l3, i, l2 << G_PAGE_SHIFT | flags);
    }
    if (g_pt_flush(&q) < 0 || g_pt_pin(&q, 3, l3) < 0 || g_pt_flush(&q) < 0) {
        g_pt_clear_error(&q);
        return 0;
    }
    return l3;
}

static void mmu_update_restarted_while_teardown_unfinished(struct outcome *o)
{
    uint64_t l4 = g_pt_current_l4(), l3 = big_tree();
    const unsigned int slot = 1;                /* a guest slot we leave empty */
    struct mmu_update u[2] = { { 0 } };
    unsigned int done = 0;
    long rc;

    if (!l3) {
        skipped(o, "could not build the tree");
        return;
    }
    if (g_pt_read(l4, slot)) {
        skipped(o, "L4 slot %u is in use", slot);
        return;
    }
    /* Hooked into our L4, then unpinned: the L4's entry is the last ref. */
    g_pt_set(&q, l4, slot, l3 << G_PAGE_SHIFT | G_PTE_P | G_PTE_RW | G_PTE_US | G_PTE_A);
    g_pt_unpin(&q, l3);
    if (g_pt_flush(&q) < 0) {
        g_pt_clear_error(&q);
        skipped(o, "could not hook the tree in");
        return;
    }
    u[0].ptr = (l4 << G_PAGE_SHIFT) | (slot * 8) | MMU_NORMAL_PT_UPDATE;
    u[0].val = 0;
    rc = hc_mmu_update(u, 1, &done, DOMID_SELF);
    if (rc != 0 || done != 1)
        succeeded(o, "the batch returned %s with %u done", err_name(rc), done);
    else if ((rc = g_pt_free_table(l3)) < 0)
        succeeded(o, "the L3 is still a table afterwards: %s", err_name(rc));
    else
        refused(o, "the teardown finished over its restarts; the batch said done 1");
}

static volatile bool go;
static struct vcpu_register_vcpu_info info_b;
static long rc_b;

static void racer_register(void *arg)
{
    unsigned int target = (unsigned int)(uintptr_t)arg;

    while (!go)
        ;
    rc_b = hc_vcpu_op(VCPUOP_register_vcpu_info, target, &info_b);
}

static void register_vcpu_info_twice_at_once(struct outcome *o)
{
    unsigned int target = nr_vcpus - 1;
    void *page = g_page_alloc_mapped();
    struct vcpu_register_vcpu_info a = { 0 };
    long rc_a;

    if (nr_vcpus < 3) {
        skipped(o, "needs 3 vcpus");
        return;
    }
    if (!page) {
        succeeded(o, "no page for the vcpu_info");
        return;
    }
    /* Two halves of one page of ours, 128 bytes apart. */
    a.mfn = info_b.mfn = g_virt_to_mfn(page);
    a.offset = 0;
    info_b.offset = 128;
    go = false;
    g_cpu_call(1, racer_register, (void *)(uintptr_t)target);
    go = true;
    rc_a = hc_vcpu_op(VCPUOP_register_vcpu_info, target, &a);
    g_cpu_wait(1, 5 * G_NS_PER_SEC);
    if (rc_a == 0 && rc_b == 0)
        succeeded(o, "both registrations of vcpu %u's info were accepted", target);
    else if ((rc_a == 0) == (rc_b == 0))
        succeeded(o, "the registrations answered %s and %s", err_name(rc_a), err_name(rc_b));
    else
        refused(o, "one registration, the other %s", err_name(rc_a ? rc_a : rc_b));
}

const struct attack ref_attacks[] = {
    { "mmu_update_restarted_while_teardown_unfinished",
      mmu_update_restarted_while_teardown_unfinished },
    { "register_vcpu_info_twice_at_once", register_vcpu_info_twice_at_once },
    { NULL, NULL },
};
