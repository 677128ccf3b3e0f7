/*
 * Attacks through the other MMU calls: update_va_mapping aimed at the
 * hypervisor's addresses, vCPU masks read from its memory, a multicall
 * that calls itself, and descriptor tables (LDT) the hypervisor would
 * have to read for us.
 */
#include "attack.h"

#define RW G_PTE_KERNEL_RW
#define HV_ADDR 0xffff830000000000ull     /* the hypervisor's direct map */

/* Our own page, at a VA inside the hypervisor's range: the hypervisor
 * would have to edit one of its own L1s. */
static void uvm_hypervisor_va(struct outcome *o)
{
    uint64_t pte = (va_mfn(slot_va[0]) << G_PAGE_SHIFT) | RW;

    by_rc(o, hc_update_va_mapping(HV_ADDR, pte, UVMF_INVLPG | UVMF_LOCAL));
}

/* A legal update (slot 0 keeps its own page) whose vCPU mask pointer
 * aims at hypervisor memory, which would be read as the mask. */
static void uvm_mask_in_hypervisor(struct outcome *o)
{
    uint64_t pte = (va_mfn(slot_va[0]) << G_PAGE_SHIFT) | RW;
    long rc = hc_update_va_mapping((uint64_t)slot_va[0], pte,
                                   UVMF_INVLPG | HV_ADDR);

    by_rc(o, rc);
    restore_slot(0);
}

static void flush_multi_mask_in_hypervisor(struct outcome *o)
{
    struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_MULTI };

    op.arg2.vcpumask = HV_ADDR;
    by_rc(o, hc_mmuext_op(&op, 1, NULL, DOMID_SELF));
}

static void multicall_list_in_hypervisor(struct outcome *o)
{
    long rc = hc_multicall((struct multicall_entry *)HV_ADDR, 1);

    if (rc == -XEN_EFAULT)
        refused(o, "-EFAULT");
    else
        succeeded(o, "%s: the list was read", rc_name(rc));
}

/* A multicall whose only entry is the same multicall: unbounded nesting
 * on the hypervisor's stack. */
static void multicall_calls_itself(struct outcome *o)
{
    static struct multicall_entry e;
    long rc;

    memset(&e, 0, sizeof(e));
    e.op = __HYPERVISOR_multicall;
    e.args[0] = (uint64_t)&e;
    e.args[1] = 1;
    rc = hc_multicall(&e, 1);
    if (rc < 0)
        refused(o, "%s", rc_name(rc));
    else if ((long)e.result < 0)
        refused(o, "the nested entry got %s", rc_name((long)e.result));
    else
        succeeded(o, "the nested multicall ran (%s)", rc_name((long)e.result));
}

static long set_ldt(uint64_t base, unsigned int ents)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };

    op.arg1.linear_addr = base;
    op.arg2.nr_ents = ents;
    return hc_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* An LDT in the hypervisor's memory: the CPU would read descriptors
 * from there for us. */
static void ldt_in_hypervisor(struct outcome *o)
{
    long rc = set_ldt(HV_ADDR, 16);

    by_rc(o, rc);
    if (rc == 0)
        set_ldt(0, 0);
}

/* More entries than the hypervisor's LDT window holds (8192). */
static void ldt_too_long(struct outcome *o)
{
    long rc = set_ldt((uint64_t)slot_va[2], 8193);

    by_rc(o, rc);
    if (rc == 0)
        set_ldt(0, 0);
}

/*
 * An LDT in a page we can write: we could rewrite a descriptor after it
 * was checked.  Xen takes SET_LDT lazily and checks each page when the
 * CPU first uses it, refusing then (a #PF); so the attack loads a
 * selector from it and succeeds only if that load works.
 */
static void ldt_on_writable_page(struct outcome *o)
{
    uint64_t *ldt = new_page();
    struct fault f;
    long rc;

    ldt[0] = 0x00cff3000000ffffull;     /* flat data, DPL 3, present */
    rc = set_ldt((uint64_t)ldt, 1);
    if (rc < 0) {
        refused(o, "SET_LDT %s", rc_name(rc));
        return;
    }
    try_load_fs(0x7, &f);               /* LDT entry 0, RPL 3 */
    if (f.hit)
        refused(o, "SET_LDT rc 0, loading a selector from it: %s, "
                "error code 0x%lx, cr2 %s0x%lx", fault_name(&f), f.error_code,
                f.cr2 == (uint64_t)ldt ? "= the LDT " : "", f.cr2);
    else
        succeeded(o, "a descriptor was loaded from a writable page");
    probe_load_fs(0);
    set_ldt(0, 0);
}

/* Map a page of ours at linear address 0, four levels from our own L4
 * slot 0 (which must be free), or undo that (page NULL). */
static uint64_t low_tables[3];

static bool map_at_zero(const void *page)
{
    unsigned int lvl;

    if (!page) {
        set_entry(own_l4(), 0, 0);
        for (lvl = 0; lvl < 3; lvl++) {
            set_entry(low_tables[lvl], 0, 0);
            unpin(low_tables[lvl]);
        }
        g_pt_flush_tlb(&q);
        g_pt_flush(&q);
        return true;
    }
    if (g_pt_read(own_l4(), 0) & G_PTE_P)
        return false;
    for (lvl = 0; lvl < 3; lvl++)
        low_tables[lvl] = pinned_table(lvl + 1);
    set_entry(low_tables[0], 0, (va_mfn(page) << G_PAGE_SHIFT) | RW);
    for (lvl = 1; lvl < 3; lvl++)
        set_entry(low_tables[lvl], 0,
                  (low_tables[lvl - 1] << G_PAGE_SHIFT) | G_PTE_TABLE);
    set_entry(own_l4(), 0, (low_tables[2] << G_PAGE_SHIFT) | G_PTE_TABLE);
    return true;
}

/*
 * Without SET_LDT, the LDT is empty: a selector with the TI bit must
 * fault.  If the hypervisor never loaded the LDT register, the CPU still
 * has the one it was reset with (base 0, limit 0xffff) and reads
 * descriptors from linear address 0, i.e. from our own memory, with no
 * check at all: a call gate there would lead into ring 0.  A data
 * descriptor is enough to tell.
 */
static void ldt_never_set(struct outcome *o)
{
    uint64_t *page = new_page();
    struct fault f;

    page[0] = 0x00cff3000000ffffull;    /* flat data, DPL 3, present */
    if (!map_at_zero(page)) {
        refused(o, "address 0 is in use here; not tried");
        return;
    }
    try_load_fs(0x7, &f);
    if (f.hit)
        refused(o, "%s, error code 0x%lx", fault_name(&f), f.error_code);
    else
        succeeded(o, "the CPU took a descriptor from our page at address "
                  "0: the LDT register was never loaded");
    probe_load_fs(0);
    map_at_zero(NULL);
}

const struct attack ext_attacks[] = {
    { "ldt_selector_without_set_ldt", ldt_never_set },
    { "update_va_mapping_of_hypervisor_va", uvm_hypervisor_va },
    { "update_va_mapping_vcpumask_in_hypervisor_memory",
      uvm_mask_in_hypervisor },
    { "tlb_flush_multi_vcpumask_in_hypervisor_memory",
      flush_multi_mask_in_hypervisor },
    { "multicall_list_in_hypervisor_memory", multicall_list_in_hypervisor },
    { "multicall_calls_itself", multicall_calls_itself },
    { "set_ldt_in_hypervisor_memory", ldt_in_hypervisor },
    { "set_ldt_too_many_entries", ldt_too_long },
    { "set_ldt_on_writable_page", ldt_on_writable_page },
    { NULL, NULL },
};
