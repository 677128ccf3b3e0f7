/*
 * Mapping grants (GNTTABOP_map_grant_ref / unmap_grant_ref) for a PV
 * domain, as a backend maps a frontend's pages: GNTMAP_host_map at a
 * virtual address of the caller's kernel page tables (whose L1 entry must
 * exist), read-only or writable as the grant allows.  The mapping holds a
 * general reference on the granted frame (and a writable type reference
 * unless read-only) exactly as an ordinary L1 entry would, so tearing the
 * page tables down drops it; the grant is marked GTF_reading/GTF_writing
 * while mapped, and the caller's maptrack remembers each mapping by handle.
 * GNTMAP_contains_pte is not implemented (GNTST_general_error).
 */
#include "asm/guest_access.h"
#include "asm/page.h"
#include "xen/gnttab.h"
#include "xen/lib.h"
#include "xen/pt_walk.h"
#include "xen/pv_flush.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen_errno.h"

#define GNTMAP_AVAIL_BITS       7U      /* guest bits that go to PTE bits 9-11 */
#define PTE_AVAIL_SHIFT         9

/* The L1 table and slot mapping va in v's kernel page tables, held. */
static struct page_info *hold_l1(struct vcpu *v, uint64_t va, unsigned int *slot)
{
    struct pt_walk w = { .level = 0 };
    struct page_info *pg;

    if (!guest_range_ok(va, PAGE_SIZE) || (va & ~PAGE_MASK) || !v->arch.pv.guest_table ||
        !pt_walk(&pt_ctx_machine, v->arch.pv.guest_table, va, 1, &w) || w.level != 1)
        return NULL;
    pg = mfn_to_page(w.table);
    if (!get_page(pg, v->domain->domain_id))
        return NULL;
    if (!get_page_type_validated(pg, PGT_l1_page_table)) {
        put_page(pg);
        return NULL;
    }
    *slot = w.slot;
    return pg;
}

static volatile struct grant_entry_v1 *entry_of(struct grant_table *gt, grant_ref_t ref)
{
    return (volatile struct grant_entry_v1 *)gt->frames[ref / GNTTAB_ENTRIES_PER_FRAME] +
           ref % GNTTAB_ENTRIES_PER_FRAME;
}

/* Count a mapping of rd's grant ref in or out, and keep its GTF bits true. */
static void account(struct grant_table *gt, grant_ref_t ref, bool readonly, int delta)
{
    struct grant_active *a = &gt->active[ref / GNTTAB_ENTRIES_PER_FRAME]
                                        [ref % GNTTAB_ENTRIES_PER_FRAME];
    volatile struct grant_entry_v1 *e = entry_of(gt, ref);

    if (readonly)
        a->readers += delta;
    else
        a->writers += delta;
    __atomic_or_fetch(&e->flags, a->readers ? GTF_reading : 0, __ATOMIC_SEQ_CST);
    __atomic_or_fetch(&e->flags, a->writers ? GTF_writing : 0, __ATOMIC_SEQ_CST);
    if (!a->readers && !a->writers)
        __atomic_and_fetch(&e->flags, (uint16_t)~(GTF_reading | GTF_writing), __ATOMIC_SEQ_CST);
    else if (!a->writers)
        __atomic_and_fetch(&e->flags, (uint16_t)~GTF_writing, __ATOMIC_SEQ_CST);
}

/* A free maptrack handle of ld's, or -1. */
static int new_handle(struct grant_table *lgt)
{
    if (!lgt->maptrack &&
        !(lgt->maptrack = xzalloc_array(struct grant_mapping, GNTTAB_MAPTRACK_MAX)))
        return -1;
    for (int h = 0; h < GNTTAB_MAPTRACK_MAX; h++)
        if (!lgt->maptrack[h].used)
            return h;
    return -1;
}

/* Check the grant and take the frame (general + writable type refs). */
static int16_t take_grant(struct domain *rd, const struct gnttab_map_grant_ref *op,
                          domid_t ld, unsigned long *frame)
{
    struct grant_table *gt = rd->grant_table;
    bool ro = op->flags & GNTMAP_readonly;
    struct grant_entry_v1 e;
    struct page_info *pg;

    if (op->ref >= gt->nr_frames * GNTTAB_ENTRIES_PER_FRAME)
        return GNTST_bad_gntref;
    e = *entry_of(gt, op->ref);
    if ((e.flags & GTF_type_mask) != GTF_permit_access || e.domid != ld ||
        (!ro && (e.flags & GTF_readonly)))
        return GNTST_permission_denied;
    if (!mfn_valid(e.frame) || !get_page(pg = mfn_to_page(e.frame), rd->domain_id))
        return GNTST_bad_page;
    if (!ro && get_page_type(pg, PGT_writable_page, false)) {
        put_page(pg);
        return GNTST_bad_page;
    }
    *frame = e.frame;
    return GNTST_okay;
}

static uint64_t grant_pte(unsigned long frame, uint32_t flags)
{
    uint64_t pte = ((uint64_t)frame << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED |
                   _PAGE_DIRTY | pte_nx() |
                   ((uint64_t)((flags >> _GNTMAP_guest_avail0) & GNTMAP_AVAIL_BITS)
                    << PTE_AVAIL_SHIFT);

    if (!(flags & GNTMAP_readonly))
        pte |= _PAGE_RW;
    if (flags & GNTMAP_application_map)
        pte |= _PAGE_USER;
    return adjust_guest_entry(pte, 1);
}

static int16_t map_one(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
    struct domain *ld = v->domain, *rd;
    struct grant_table *lgt = ld->grant_table;
    unsigned long frame, f;
    struct page_info *l1;
    unsigned int slot;
    int16_t st;
    uint64_t old;
    int h;

    if (!(op->flags & GNTMAP_host_map) || (op->flags & GNTMAP_contains_pte))
        return GNTST_general_error;
    if (!(l1 = hold_l1(v, op->host_addr, &slot)))
        return GNTST_bad_virt_addr;
    if (!(rd = get_domain_by_id(op->dom == DOMID_SELF ? ld->domain_id : op->dom))) {
        put_page_and_type(l1);
        return GNTST_bad_domain;
    }
    f = spin_lock_irqsave(&rd->grant_table->lock);
    st = take_grant(rd, op, ld->domain_id, &frame);
    if (st == GNTST_okay) {
        spin_lock(&lgt->maptrack_lock);
        if ((h = new_handle(lgt)) < 0) {
            st = GNTST_no_space;
            put_page_from_l1e(grant_pte(frame, op->flags), ld->domain_id);
        } else {
            lgt->maptrack[h] = (struct grant_mapping){ true, rd->domain_id, op->ref,
                op->flags & GNTMAP_readonly, frame, op->host_addr };
            account(rd->grant_table, op->ref, op->flags & GNTMAP_readonly, 1);
            op->handle = h;
            op->dev_bus_addr = op->flags & GNTMAP_device_map ? (uint64_t)frame << PAGE_SHIFT : 0;
        }
        spin_unlock(&lgt->maptrack_lock);
    }
    spin_unlock_irqrestore(&rd->grant_table->lock, f);
    put_domain(rd);
    if (st == GNTST_okay) {
        /* The entry takes the references take_grant took; the old one's go. */
        old = __atomic_exchange_n(pt_map_frame(page_to_mfn(l1)) + slot,
                                  grant_pte(frame, op->flags), __ATOMIC_SEQ_CST);
        put_page_from_l1e(old, ld->domain_id);
        pv_tlb_flush(1ULL << smp_processor_id(), op->host_addr, true);
    }
    put_page_and_type(l1);
    return st;
}

static int16_t unmap_one(struct vcpu *v, const struct gnttab_unmap_grant_ref *op)
{
    struct domain *ld = v->domain, *rd;
    struct grant_table *lgt = ld->grant_table;
    struct grant_mapping m;
    struct page_info *l1;
    unsigned int slot;
    uint64_t *p, e;
    unsigned long f;

    if (op->handle >= GNTTAB_MAPTRACK_MAX || !lgt->maptrack || !lgt->maptrack[op->handle].used)
        return GNTST_bad_handle;
    m = lgt->maptrack[op->handle];
    if (op->host_addr && op->host_addr != m.host_addr)
        return GNTST_general_error;
    if (!(l1 = hold_l1(v, m.host_addr, &slot)))
        return GNTST_bad_virt_addr;
    p = pt_map_frame(page_to_mfn(l1)) + slot;
    e = __atomic_load_n(p, __ATOMIC_SEQ_CST);
    /* Only the mapping the handle made goes: the same frame, still there. */
    if (!(e & _PAGE_PRESENT) || pte_mfn(e) != m.frame ||
        !__atomic_compare_exchange_n(p, &e, 0, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        put_page_and_type(l1);
        return GNTST_general_error;
    }
    put_page_from_l1e(e, ld->domain_id);
    pv_tlb_flush(1ULL << smp_processor_id(), m.host_addr, true);
    put_page_and_type(l1);
    f = spin_lock_irqsave(&lgt->maptrack_lock);
    lgt->maptrack[op->handle].used = false;
    spin_unlock_irqrestore(&lgt->maptrack_lock, f);
    if ((rd = get_domain_by_id(m.dom))) {
        f = spin_lock_irqsave(&rd->grant_table->lock);
        account(rd->grant_table, m.ref, m.readonly, -1);
        spin_unlock_irqrestore(&rd->grant_table->lock, f);
        put_domain(rd);
    }
    return GNTST_okay;
}

long gnttab_map(unsigned long uops, unsigned int count)
{
    for (unsigned int i = 0; i < count; i++) {
        unsigned long va = uops + (unsigned long)i * sizeof(struct gnttab_map_grant_ref);
        struct gnttab_map_grant_ref op;

        if (copy_from_guest_obj(&op, va))
            return -XEN_EFAULT;
        op.status = map_one(current, &op);
        if (copy_to_guest_obj(va, &op))
            return -XEN_EFAULT;
    }
    return 0;
}

long gnttab_unmap(unsigned long uops, unsigned int count)
{
    for (unsigned int i = 0; i < count; i++) {
        unsigned long va = uops + (unsigned long)i * sizeof(struct gnttab_unmap_grant_ref);
        struct gnttab_unmap_grant_ref op;

        if (copy_from_guest_obj(&op, va))
            return -XEN_EFAULT;
        op.status = unmap_one(current, &op);
        if (copy_to_guest(va + offsetof(struct gnttab_unmap_grant_ref, status), &op.status,
                          sizeof(op.status)))
            return -XEN_EFAULT;
    }
    return 0;
}
