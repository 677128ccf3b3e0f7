/*
 * Attacks through the guest descriptor tables and the writable page-table
 * assist: a live GDT page made writable, a call gate or a TSS in a GDT or
 * an LDT, a DPL-0 descriptor, and direct page-table writes that would map
 * a page table writable, reach the hypervisor's frames, or write an L2.
 */
#include "attack.h"

#define D_PRESENT   (1ull << 47)
#define D_S         (1ull << 44)
#define D_DPL3      (3ull << 45)
#define CODE64_DPL0 (0x00af00000000ffffull | D_PRESENT | D_S | (0xaull << 40))
#define CALL_GATE   (D_PRESENT | D_DPL3 | (0xcull << 40) | (0xe033ull << 16))
#define TSS_DESC    (D_PRESENT | (0x9ull << 40) | 0x67)

/* A page of descriptors, read-only; NULL if that failed. */
static uint64_t *desc_page(const uint64_t *d, unsigned int n)
{
    uint64_t *p = new_page();

    memcpy(p, d, n * sizeof(*d));
    return g_set_page_writable(p, false) ? NULL : p;
}

static long set_gdt(uint64_t *p, unsigned int n)
{
    uint64_t mfn = p ? va_mfn(p) : 0;

    return hc_set_gdt(p ? &mfn : NULL, n);
}

static void live_gdt_made_writable(struct outcome *o)
{
    uint64_t *p = desc_page((const uint64_t[]){ 0, CODE64_DPL0 }, 2);
    long rc;

    if (!p || set_gdt(p, 2)) {
        oops("could not install a GDT");
        refused(o, "setup failed");
        return;
    }
    rc = uvm(p, (va_mfn(p) << 12) | G_PTE_KERNEL_RW);
    set_gdt(NULL, 0);
    g_set_page_writable(p, true);
    by_rc(o, rc);
}

static void gdt_with(struct outcome *o, uint64_t bad)
{
    uint64_t *p = desc_page((const uint64_t[]){ 0, bad, 0 }, 3);
    long rc = p ? set_gdt(p, 3) : -1;

    set_gdt(NULL, 0);
    if (p)
        g_set_page_writable(p, true);
    by_rc(o, rc);
}

/*
 * A call gate: xen-lite refuses it; Xen 4.17 keeps it with DPL 0, so that
 * every use faults and is emulated -- refused as a way in either way.
 */
static void gdt_call_gate(struct outcome *o)
{
    uint64_t *p = desc_page((const uint64_t[]){ 0, CALL_GATE, 0 }, 3);
    long rc = p ? set_gdt(p, 3) : -1;

    if (rc)
        by_rc(o, rc);
    else if (p[1] & D_DPL3)
        succeeded(o, "installed as %016lx", (unsigned long)p[1]);
    else
        refused(o, "kept with DPL 0: every use faults");
    set_gdt(NULL, 0);
    if (p)
        g_set_page_writable(p, true);
}

static void gdt_tss(struct outcome *o)
{
    gdt_with(o, TSS_DESC);
}

/*
 * An LDT holding a TSS descriptor, then loaded from: xen-lite refuses the
 * LDT; Xen 4.17 takes it and refuses the page on first use (#GP).
 */
static void ldt_tss(struct outcome *o)
{
    uint64_t *p = desc_page((const uint64_t[]){ 0, TSS_DESC, 0 }, 3);
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT, .arg1.linear_addr = (uint64_t)p,
                            .arg2.nr_ents = 3 };
    long rc = p ? hc_mmuext_op(&op, 1, NULL, DOMID_SELF) : -1;
    struct fault f = { .hit = false };

    if (!rc)
        try_load_fs(0xf, &f);           /* index 1, LDT, RPL 3 */
    op.arg2.nr_ents = 0;
    hc_mmuext_op(&op, 1, NULL, DOMID_SELF);
    if (p)
        g_set_page_writable(p, true);
    if (rc)
        by_rc(o, rc);
    else if (f.hit)
        refused(o, "%s on first use", fault_name(&f));
    else
        succeeded(o, "a TSS descriptor loaded from the LDT");
}

/* A DPL-0 code descriptor is accepted only as DPL 3. */
static void dpl0_descriptor(struct outcome *o)
{
    uint64_t *p = new_page();
    long rc = hc_update_descriptor(va_mfn(p) << 12 | 8, CODE64_DPL0);

    if (rc)
        by_rc(o, rc);
    else if ((p[1] & D_DPL3) == D_DPL3)
        refused(o, "stored with DPL 3");
    else
        succeeded(o, "stored as %016lx", (unsigned long)p[1]);
}

/* ---- writable page tables ---- */

/* slot_va[0]'s L1 entry through the L1's own read-only mapping. */
static volatile uint64_t *slot_pte(void)
{
    uint64_t l1 = own_l1(slot_va[0]);
    uint64_t *t = g_pfn_to_virt(g_mfn_to_pfn(l1));

    return t ? (volatile uint64_t *)&t[g_pt_index((uint64_t)slot_va[0], 1)] : NULL;
}

/* One direct write through the assist; refused means a #PF and no change. */
static void ptwr_write(struct outcome *o, volatile uint64_t *pte, uint64_t val)
{
    struct fault f;
    uint64_t before;

    if (!pte) {
        oops("no read-only mapping of the L1");
        refused(o, "setup failed");
        return;
    }
    before = *pte;
    hc_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
    try_store(pte, val, &f);
    hc_vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables);
    if (*pte != before) {
        succeeded(o, "the entry became %016lx", (unsigned long)*pte);
        restore_slot(0);
    } else if (f.hit) {
        refused(o, "%s, entry unchanged", fault_name(&f));
    } else {
        succeeded(o, "no fault, yet nothing changed");
    }
}

static void ptwr_maps_page_table_writable(struct outcome *o)
{
    ptwr_write(o, slot_pte(), (own_l1(slot_va[0]) << 12) | G_PTE_KERNEL_RW);
}

static void ptwr_maps_hypervisor_frame(struct outcome *o)
{
    ptwr_write(o, slot_pte(), (xen_frame() << 12) | G_PTE_KERNEL_RO);
}

static void ptwr_maps_foreign_frame(struct outcome *o)
{
    ptwr_write(o, slot_pte(), (unowned_frame() << 12) | G_PTE_KERNEL_RW);
}

static void ptwr_writes_an_l2(struct outcome *o)
{
    uint64_t *l4 = g_pfn_to_virt(g_mfn_to_pfn(own_l4()));
    uint64_t l3 = l4 ? (l4[g_pt_index((uint64_t)slot_va[0], 4)] & G_PTE_ADDR) >> 12 : 0;
    uint64_t *t3 = l3 ? g_pfn_to_virt(g_mfn_to_pfn(l3)) : NULL;
    uint64_t l2 = t3 ? (t3[g_pt_index((uint64_t)slot_va[0], 3)] & G_PTE_ADDR) >> 12 : 0;
    uint64_t *t2 = l2 ? g_pfn_to_virt(g_mfn_to_pfn(l2)) : NULL;

    /* An empty L2 slot, pointed at a data page: not an L1 write. */
    ptwr_write(o, t2 ? (volatile uint64_t *)&t2[511] : NULL,
               (va_mfn(new_page()) << 12) | G_PTE_TABLE);
}

const struct attack desc_attacks[] = {
    { "live_gdt_page_mapped_writable", live_gdt_made_writable },
    { "gdt_with_a_call_gate", gdt_call_gate },
    { "gdt_with_a_tss_descriptor", gdt_tss },
    { "ldt_with_a_tss_descriptor", ldt_tss },
    { "descriptor_with_dpl_0", dpl0_descriptor },
    { "ptwr_maps_a_page_table_writable", ptwr_maps_page_table_writable },
    { "ptwr_maps_a_hypervisor_frame", ptwr_maps_hypervisor_frame },
    { "ptwr_maps_another_domains_frame", ptwr_maps_foreign_frame },
    { "ptwr_writes_an_l2_entry", ptwr_writes_an_l2 },
    { NULL, NULL },
};
