/*
 * Attacks on the lifetime of page tables: pinning and unpinning out of
 * turn, dropping the last reference to a table that is still in use, and
 * loading page-table bases the hypervisor has not validated.  The danger
 * in each is that the hypervisor loses count and a frame stops being a
 * page table (becomes writable, or free) while the MMU still walks it.
 */
#include "attack.h"

#define TABLE G_PTE_TABLE
#define RW    G_PTE_KERNEL_RW

static uint64_t link(uint64_t mfn, uint64_t flags)
{
    return (mfn << G_PAGE_SHIFT) | flags;
}

static void pin_twice(struct outcome *o)
{
    uint64_t t = new_table();
    struct mmuext_op ops[2] = { { .cmd = MMUEXT_PIN_L1_TABLE },
                                { .cmd = MMUEXT_PIN_L1_TABLE } };
    unsigned int done = 0;
    long rc;

    ops[0].arg1.mfn = ops[1].arg1.mfn = t;
    rc = hc_mmuext_op(ops, 2, &done, DOMID_SELF);
    if (rc < 0 && done == 1)
        refused(o, "%s at the second pin", rc_name(rc));
    else if (rc == 0)
        succeeded(o, "pinned twice");
    else
        succeeded(o, "%s with done %u (expected 1)", rc_name(rc), done);
    if (done >= 1)
        unpin(t);
    if (rc == 0)
        unpin(t);
}

/* A table that is in use (hooked into an L2) but was never pinned:
 * unpinning it would drop the L2's own reference. */
static void unpin_never_pinned_table(struct outcome *o)
{
    uint64_t l2 = pinned_table(2), l1 = new_table();

    set_entry(l2, 0, link(l1, TABLE));
    by_rc(o, ext1(MMUEXT_UNPIN_TABLE, l1, 0));
    set_entry(l2, 0, 0);
    unpin(l2);
}

static void unpin_data_page(struct outcome *o)
{
    by_rc(o, ext1(MMUEXT_UNPIN_TABLE, va_mfn(new_page()), 0));
}

/* Map frame writable at slot 1: refused means it is still a table. */
static long map_writable(uint64_t mfn)
{
    long rc = uvm(slot_va[1], link(mfn, RW));

    if (rc == 0)
        restore_slot(1);
    return rc;
}

/* Unpin an L1 that an L2 still uses (allowed), then map it writable. */
static void unpin_hooked_then_map(struct outcome *o)
{
    uint64_t l2 = pinned_table(2), l1 = pinned_table(1);
    long rc;

    set_entry(l2, 0, link(l1, TABLE));
    unpin(l1);
    rc = map_writable(l1);
    if (rc < 0)
        refused(o, "unpin rc 0, the L2 keeps it a table: writable map %s",
                rc_name(rc));
    else
        succeeded(o, "an L1 in use became writable after its unpin");
    set_entry(l2, 0, 0);
    unpin(l2);
}

/* An L4 of our own sharing the kernel's entries. */
static uint64_t copy_of_own_l4(void)
{
    uint64_t t = new_table();

    for (unsigned int s = 0; s < 512; s++) {
        uint64_t e = g_pt_read(own_l4(), s);

        if ((s < 256 || s > 271) && (e & G_PTE_P))
            g_pt_set(&q, t, s, e);      /* plain writes: not a table yet */
    }
    g_pt_pin(&q, 4, t);
    if (g_pt_flush(&q) < 0) {
        g_pt_print_error(&q, "copy of our L4");
        g_pt_clear_error(&q);
        return 0;
    }
    return t;
}

static long switch_to(uint64_t l4)
{
    g_pt_new_baseptr(&q, l4);
    long rc = g_pt_flush(&q);

    g_pt_clear_error(&q);
    return rc;
}

/*
 * Unpin the L4 we run on.  Xen allows it: the base pointer holds its own
 * type reference.  The attack succeeds if the hypervisor lost track: the
 * L4 can then be mapped writable while it is still CR3.
 */
static void unpin_running_l4(struct outcome *o)
{
    uint64_t home = own_l4(), t = copy_of_own_l4();
    const char *sick;
    long rc, map_rc;

    if (!t || switch_to(t) < 0) {
        oops("could not switch to a copy of our L4");
        refused(o, "no running copy to attack");
        return;
    }
    rc = ext1(MMUEXT_UNPIN_TABLE, t, 0);
    sick = health();
    map_rc = map_writable(t);
    if (switch_to(home) < 0)
        g_panic("mmu-attack: cannot switch back to our own L4");
    if (sick)
        succeeded(o, "after unpin %s: %s", rc_name(rc), sick);
    else if (map_rc == 0)
        succeeded(o, "the running L4 became writable after unpin %s",
                  rc_name(rc));
    else
        refused(o, "unpin %s, cr3 keeps its reference: writable map %s",
                rc_name(rc), rc_name(map_rc));
    if (rc < 0)
        unpin(t);
}

/*
 * One batch that drops the pin of the L4 we run on and then zeroes it:
 * only if the hypervisor forgot that CR3 still uses it could the second
 * op go through (and take the address space away under us).
 */
static void unpin_and_clear_running_l4(struct outcome *o)
{
    uint64_t home = own_l4(), t = copy_of_own_l4();
    struct mmuext_op ops[2] = { { .cmd = MMUEXT_UNPIN_TABLE },
                                { .cmd = MMUEXT_CLEAR_PAGE } };
    unsigned int done = 0;
    long rc;

    if (!t || switch_to(t) < 0) {
        oops("could not switch to a copy of our L4");
        refused(o, "no running copy to attack");
        return;
    }
    ops[0].arg1.mfn = ops[1].arg1.mfn = t;
    rc = hc_mmuext_op(ops, 2, &done, DOMID_SELF);
    if (switch_to(home) < 0)
        g_panic("mmu-attack: cannot switch back to our own L4");
    if (rc < 0 && done == 1)
        refused(o, "unpin done, then %s for the clear", rc_name(rc));
    else
        succeeded(o, "%s, done %u", rc_name(rc), done);
    if (done == 0)
        unpin(t);
}

/*
 * The last reference to an L1 goes (its L2 entry is cleared), the frame is
 * rewritten while it is no table, and hooked again in the same batch: the
 * hypervisor must validate it afresh and find the writable L4 mapping.
 */
static void revalidate_after_last_reference(struct outcome *o)
{
    uint64_t l2 = pinned_table(2), l1 = new_table();
    struct mmu_update u[3];
    unsigned int done = 0;
    long rc;

    set_entry(l1, 0, link(va_mfn(slot_va[2]), G_PTE_KERNEL_RO));
    set_entry(l2, 0, link(l1, TABLE));
    u[0] = (struct mmu_update){ slot_ptr(l2, 0), 0 };
    u[1] = (struct mmu_update){ slot_ptr(l1, 0), link(own_l4(), RW) };
    u[2] = (struct mmu_update){ slot_ptr(l2, 0), link(l1, TABLE) };
    rc = hc_mmu_update(u, 3, &done, DOMID_SELF);
    if (rc < 0 && done == 2)
        refused(o, "%s when hooked again", rc_name(rc));
    else
        succeeded(o, "%s, done %u: a stale validation was reused",
                  rc_name(rc), done);
    set_entry(l2, 0, 0);
    set_entry(l1, 0, 0);
    unpin(l2);
}

/* Switch to a frame we can write through the 1:1 map. */
static void new_baseptr_writable_page(struct outcome *o)
{
    by_rc(o, ext1(MMUEXT_NEW_BASEPTR, va_mfn(new_page()), 0));
}

/* Switch to an unpinned, unvalidated frame full of garbage. */
static void new_baseptr_garbage(struct outcome *o)
{
    uint64_t t = new_table();
    long rc;

    for (unsigned int s = 0; s < 512; s++)
        g_pt_set(&q, t, s, 0xa5a5a5a5a5a5a5a5ull);
    if (g_pt_flush(&q) < 0) {
        g_pt_print_error(&q, "garbage");
        g_pt_clear_error(&q);
    }
    rc = ext1(MMUEXT_NEW_BASEPTR, t, 0);
    by_rc(o, rc);
    if (rc == 0 && switch_to(g_virt_to_mfn((void *)g_start_info->pt_base)))
        g_panic("mmu-attack: cannot switch back to our own L4");
    ext1(MMUEXT_CLEAR_PAGE, t, 0);
}

static void new_baseptr_hypervisor_table(struct outcome *o)
{
    by_rc(o, ext1(MMUEXT_NEW_BASEPTR, xen_frame(), 0));
}

/* Zero a pinned L4 that holds a reference: its count would be wrong. */
static void clear_page_of_pinned_l4(struct outcome *o)
{
    uint64_t l4 = pinned_table(4), l3 = pinned_table(3);
    long rc;

    set_entry(l4, 0, link(l3, TABLE));
    rc = ext1(MMUEXT_CLEAR_PAGE, l4, 0);
    if (rc == 0 || !(g_pt_read(l4, 0) & G_PTE_P))
        succeeded(o, "%s, entry 0 now 0x%lx", rc_name(rc), g_pt_read(l4, 0));
    else
        by_rc(o, rc);
    set_entry(l4, 0, 0);
    unpin(l4);
    unpin(l3);
}

/* Fill a pinned L1 from a page of PTEs that map our L4 writable. */
static void copy_page_into_page_table(struct outcome *o)
{
    uint64_t l1 = pinned_table(1), *src = new_page();
    long rc;

    for (unsigned int i = 0; i < 512; i++)
        src[i] = link(own_l4(), RW);
    rc = ext1(MMUEXT_COPY_PAGE, l1, va_mfn(src));
    if (rc == 0 || g_pt_read(l1, 0))
        succeeded(o, "%s, entry 0 now 0x%lx", rc_name(rc), g_pt_read(l1, 0));
    else
        by_rc(o, rc);
    unpin(l1);
}

/* Read the hypervisor's page table by copying it into our page. */
static void copy_page_from_hypervisor(struct outcome *o)
{
    uint64_t *dst = new_page();
    long rc;

    memset(dst, 0x5a, G_PAGE_SIZE);
    rc = ext1(MMUEXT_COPY_PAGE, va_mfn(dst), xen_frame());
    if (rc == 0 || dst[0] != 0x5a5a5a5a5a5a5a5aull)
        succeeded(o, "%s, our page now holds 0x%lx", rc_name(rc), dst[0]);
    else
        by_rc(o, rc);
}

static void clear_hypervisor_page(struct outcome *o)
{
    by_rc(o, ext1(MMUEXT_CLEAR_PAGE, xen_frame(), 0));
}

const struct attack life_attacks[] = {
    { "pin_same_table_twice", pin_twice },
    { "unpin_table_never_pinned", unpin_never_pinned_table },
    { "unpin_data_page", unpin_data_page },
    { "unpin_l1_in_use_then_map_it_writable", unpin_hooked_then_map },
    { "unpin_l4_in_use_as_cr3", unpin_running_l4 },
    { "unpin_then_clear_running_l4_in_one_batch",
      unpin_and_clear_running_l4 },
    { "rehook_table_rewritten_after_last_reference",
      revalidate_after_last_reference },
    { "new_baseptr_writable_page", new_baseptr_writable_page },
    { "new_baseptr_unvalidated_garbage", new_baseptr_garbage },
    { "new_baseptr_hypervisor_page_table", new_baseptr_hypervisor_table },
    { "clear_page_of_pinned_l4", clear_page_of_pinned_l4 },
    { "copy_page_into_page_table", copy_page_into_page_table },
    { "copy_page_from_hypervisor_page_table", copy_page_from_hypervisor },
    { "clear_page_of_hypervisor_page_table", clear_hypervisor_page },
    { NULL, NULL },
};
