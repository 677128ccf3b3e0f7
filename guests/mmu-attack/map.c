/*
 * Mapping attacks: L1 entries that would give us write access to a page
 * table, or any access to memory that is not ours.
 *
 * Each maps into one of our own VAs (slot_va) and, should the hypervisor
 * accept, puts the VA's own page back at once.
 */
#include "attack.h"

#define RW G_PTE_KERNEL_RW
#define RO G_PTE_KERNEL_RO

/* Map mfn at slot 0 with update_va_mapping; refused or undone. */
static void map_slot(struct outcome *o, uint64_t mfn, uint64_t flags)
{
    long rc = uvm(slot_va[0], (mfn << G_PAGE_SHIFT) | flags);

    by_rc(o, rc);
    if (rc == 0)
        restore_slot(0);
}

/* The L1 that maps our own data: writable, we could map anything. */
static void own_l1_writable(struct outcome *o)
{
    map_slot(o, own_l1(slot_va[0]), RW);
}

/* The L4 we run on, written through mmu_update into slot 0's L1 entry. */
static void own_l4_writable(struct outcome *o)
{
    uint64_t l1 = own_l1(slot_va[0]);
    long rc = mmu1(slot_ptr(l1, g_pt_index((uint64_t)slot_va[0], 1)),
                   (own_l4() << G_PAGE_SHIFT) | RW, NULL, DOMID_SELF);

    by_rc(o, rc);
    if (rc == 0)
        restore_slot(0);
}

/* One of the hypervisor's own page tables, from a slot of our L4 that the
 * hypervisor fills: reading it leaks, writing it owns the machine. */
static void hypervisor_table_ro(struct outcome *o)
{
    map_slot(o, xen_frame(), RO);
}

static void hypervisor_table_rw(struct outcome *o)
{
    map_slot(o, xen_frame(), RW);
}

/* RAM that belongs to no domain of ours (free, or the hypervisor's). */
static void unowned_frame_rw(struct outcome *o)
{
    map_slot(o, unowned_frame(), RW);
}

static void unowned_frame_ro(struct outcome *o)
{
    map_slot(o, unowned_frame(), RO);
}

/* The first frame of the machine-to-phys table (read-only for guests). */
static uint64_t m2p_frame(void)
{
    xen_pfn_t mfns[1] = { 0 };
    struct xen_machphys_mfn_list l = { .max_extents = 1 };

    l.extent_start = xen_guest_handle(mfns);
    if (hc_memory_op(XENMEM_machphys_mfn_list, &l) < 0 || !l.nr_extents)
        return 0;
    return mfns[0];
}

static void m2p_frame_rw(struct outcome *o)
{
    uint64_t mfn = m2p_frame();

    if (!mfn) {
        oops("XENMEM_machphys_mfn_list gave no frame");
        refused(o, "no M2P frame to aim at");
        return;
    }
    map_slot(o, mfn, RW);
}

/* The same, claiming the frame as the hypervisor's (foreigndom DOMID_XEN),
 * which is how tools map the M2P read-only. */
static void m2p_frame_rw_as_xen(struct outcome *o)
{
    uint64_t mfn = m2p_frame(), l1 = own_l1(slot_va[0]);
    long rc;

    if (!mfn) {
        refused(o, "no M2P frame to aim at");
        return;
    }
    rc = mmu1(slot_ptr(l1, g_pt_index((uint64_t)slot_va[0], 1)),
              (mfn << G_PAGE_SHIFT) | RW, NULL, DOMID_XEN);
    by_rc(o, rc);
    if (rc == 0)
        restore_slot(0);
}

/*
 * A frame number beyond any physical address the CPU has (bit 50 of the
 * address): no device lives there, so not even dom0 may map it; on CPUs
 * with L1TF the address bits still reach the cache (XSA-273).
 */
static void address_beyond_maxphyaddr(struct outcome *o)
{
    map_slot(o, 1ull << (50 - G_PAGE_SHIFT), RO);
}

/* A plain store into the read-only M2P: rewrite our own entry with the
 * value it has, so that a hypervisor that lets it through loses nothing. */
static void store_to_m2p(struct outcome *o)
{
    uint64_t mfn = va_mfn(slot_va[0]);
    volatile uint64_t *e = (volatile uint64_t *)MACH2PHYS_VIRT_START + mfn;
    struct fault f;

    try_store(e, *e, &f);
    if (f.hit)
        refused(o, "%s, error code 0x%lx", fault_name(&f), f.error_code);
    else
        succeeded(o, "a store to the M2P went through");
}

const struct attack map_attacks[] = {
    { "map_own_l1_writable", own_l1_writable },
    { "map_own_l4_writable_by_mmu_update", own_l4_writable },
    { "map_hypervisor_page_table_readonly", hypervisor_table_ro },
    { "map_hypervisor_page_table_writable", hypervisor_table_rw },
    { "map_unowned_frame_writable", unowned_frame_rw },
    { "map_unowned_frame_readonly", unowned_frame_ro },
    { "map_m2p_frame_writable", m2p_frame_rw },
    { "map_m2p_frame_writable_as_domid_xen", m2p_frame_rw_as_xen },
    { "map_address_beyond_maxphyaddr", address_beyond_maxphyaddr },
    { "store_to_m2p", store_to_m2p },
    { NULL, NULL },
};
