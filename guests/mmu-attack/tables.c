/*
 * Attacks on the shape of page tables: entries that break the level
 * structure (type confusion, writable loops), forbidden bits, frames that
 * are writable or not ours used as tables, and the hypervisor's own L4
 * slots and tables.
 */
#include "attack.h"

#define TABLE G_PTE_TABLE
#define RW    G_PTE_KERNEL_RW

static uint64_t link(uint64_t mfn, uint64_t flags)
{
    return (mfn << G_PAGE_SHIFT) | flags;
}

/* Write entry `slot` of `table`; if the hypervisor takes it, clear it. */
static void write_or_undo(struct outcome *o, uint64_t table,
                          unsigned int slot, uint64_t val)
{
    long rc = mmu1(slot_ptr(table, slot), val, NULL, DOMID_SELF);

    by_rc(o, rc);
    if (rc == 0)
        set_entry(table, slot, 0);
}

/* A fresh pinned table of `level` with entry 0 := val, then torn down. */
static void fresh_entry(struct outcome *o, unsigned int level, uint64_t val)
{
    uint64_t t = pinned_table(level);

    if (!t) {
        refused(o, "no table to write to");
        return;
    }
    write_or_undo(o, t, 0, val);
    unpin(t);
}

/* Slot 256 of the L4 we run on (the M2P's), rewritten with its own value:
 * slots 256..271 are the hypervisor's in every address space. */
static void l4_reserved_slot(struct outcome *o)
{
    uint64_t old = g_pt_read(own_l4(), 256);
    long rc = mmu1(slot_ptr(own_l4(), 256), old, NULL, DOMID_SELF);

    by_rc(o, rc);
}

/* Type confusion: an L2 entry naming an L4 (the one we run on) as its L1;
 * the L4's entries would be read as PTEs. */
static void l2_points_to_l4(struct outcome *o)
{
    fresh_entry(o, 2, link(own_l4(), TABLE));
}

static void l4_points_to_l1(struct outcome *o)
{
    fresh_entry(o, 4, link(own_l1(slot_va[0]), TABLE));
}

/* A table mapping itself writable one level down: its own entries become
 * writable data.  (A read-only self map is Xen's "linear page table".) */
static void l4_writable_self_map(struct outcome *o)
{
    uint64_t t = pinned_table(4);

    write_or_undo(o, t, 0, link(t, TABLE));
    unpin(t);
}

static void l3_writable_self_map(struct outcome *o)
{
    uint64_t t = pinned_table(3);

    write_or_undo(o, t, 0, link(t, TABLE));
    unpin(t);
}

/* Two L2s pointing at each other, writable: a loop of tables. */
static void l2_writable_loop(struct outcome *o)
{
    uint64_t a = pinned_table(2), b = pinned_table(2);
    long rc = mmu1(slot_ptr(a, 0), link(b, TABLE), NULL, DOMID_SELF);

    if (rc == 0)
        rc = mmu1(slot_ptr(b, 0), link(a, TABLE), NULL, DOMID_SELF);
    by_rc(o, rc);
    set_entry(a, 0, 0);
    set_entry(b, 0, 0);
    unpin(a);
    unpin(b);
}

/* An unvalidated frame whose entry 0 maps itself writable, then pinned:
 * validation must see the loop. */
static void pin_with_writable_self_map(struct outcome *o, unsigned int level)
{
    uint64_t t = new_table();
    uint64_t flags = level == 1 ? RW : TABLE;
    long rc;

    set_entry(t, 0, link(t, flags));    /* a plain write: not a table yet */
    rc = ext1(MMUEXT_PIN_L1_TABLE + level - 1, t, 0);
    by_rc(o, rc);
    if (rc == 0)
        unpin(t);
    set_entry(t, 0, 0);
}

static void pin_l2_self_map(struct outcome *o)
{
    pin_with_writable_self_map(o, 2);
}

static void pin_l1_self_map(struct outcome *o)
{
    pin_with_writable_self_map(o, 1);
}

/* Superpages: 2 MiB / 1 GiB of machine memory from one entry, most of
 * it not ours.  A 64-bit PV guest gets no superpages. */
static void l2_superpage(struct outcome *o)
{
    uint64_t mfn = va_mfn(slot_va[0]) & ~511ull;

    fresh_entry(o, 2, link(mfn, RW | G_PTE_PS));
}

static void l3_superpage(struct outcome *o)
{
    fresh_entry(o, 3, link(0, RW | G_PTE_PS));
}

/* Cache-control bits in a table link: not allowed above L1. */
static void l2_cache_bits(struct outcome *o)
{
    uint64_t l1 = pinned_table(1);

    fresh_entry(o, 2, link(l1, TABLE | G_PTE_PCD | G_PTE_PWT));
    unpin(l1);
}

/* A table link whose address has bits above the CPU's physical width. */
static void l2_reserved_address_bits(struct outcome *o)
{
    fresh_entry(o, 2, link(1ull << (50 - G_PAGE_SHIFT), TABLE));
}

/* A page we can write through the 1:1 map, made a table: we would then
 * write PTEs directly. */
static void pin_writable_page_as_l1(struct outcome *o)
{
    uint64_t mfn = va_mfn(new_page());
    long rc = ext1(MMUEXT_PIN_L1_TABLE, mfn, 0);

    by_rc(o, rc);
    if (rc == 0)
        unpin(mfn);
}

static void hook_writable_page_as_l1(struct outcome *o)
{
    fresh_entry(o, 2, link(va_mfn(new_page()), TABLE));
}

/* The hypervisor's own tables as ours. */
static void pin_hypervisor_table(struct outcome *o)
{
    long rc = ext1(MMUEXT_PIN_L4_TABLE, xen_frame(), 0);

    by_rc(o, rc);
    if (rc == 0)
        unpin(xen_frame());
}

/* Clear an entry the hypervisor's page table probably does not use (the
 * last), so that even a hypervisor that lets it through survives. */
static void write_hypervisor_table(struct outcome *o)
{
    by_rc(o, mmu1(slot_ptr(xen_frame(), 511), 0, NULL, DOMID_SELF));
}

static void hook_hypervisor_table(struct outcome *o)
{
    fresh_entry(o, 4, link(xen_frame(), TABLE));
}

const struct attack table_attacks[] = {
    { "l4_write_hypervisor_slot_256", l4_reserved_slot },
    { "l2_entry_points_to_l4", l2_points_to_l4 },
    { "l4_entry_points_to_l1", l4_points_to_l1 },
    { "l4_writable_self_map", l4_writable_self_map },
    { "l3_writable_self_map", l3_writable_self_map },
    { "l2_writable_loop_of_two_tables", l2_writable_loop },
    { "pin_l2_containing_writable_self_map", pin_l2_self_map },
    { "pin_l1_mapping_itself_writable", pin_l1_self_map },
    { "l2_pse_superpage", l2_superpage },
    { "l3_pse_1g_page", l3_superpage },
    { "l2_entry_cache_bits", l2_cache_bits },
    { "l2_entry_reserved_address_bits", l2_reserved_address_bits },
    { "pin_writable_page_as_l1", pin_writable_page_as_l1 },
    { "hook_writable_page_as_l1", hook_writable_page_as_l1 },
    { "pin_hypervisor_page_table", pin_hypervisor_table },
    { "mmu_update_into_hypervisor_page_table", write_hypervisor_table },
    { "l4_entry_to_hypervisor_page_table", hook_hypervisor_table },
    { NULL, NULL },
};
