/*
 * The validated PV MMU: Xen's page-type model.
 *
 * Every frame has an owner, a general reference count (count_info) and a
 * type with its own count (type_info): none, L1..L4 page table, segment
 * descriptor page, or writable.  A frame becomes a page table only when
 * every entry has been validated (on the 0->1 type transition, taking type
 * references on the next level down); a page-table frame is never mapped
 * writable, and a writable-mapped frame never becomes a page table.
 *
 * (De)validation of L2-L4 tables is preemptible: a table part-way through
 * carries PGT_partial and the index reached in nr_validated_ptes, and the
 * operation returns -XEN_ERESTART to be continued.  The logic in
 * mm/page_type.c is pure and unit-tested on a fake frame table; the few
 * things it needs from the rest of the hypervisor are the pt_* hooks below.
 */
#ifndef XEN_PV_MM_H
#define XEN_PV_MM_H

#include "asm/page.h"
#include "xen/mm.h"
#include "xen/pt_walk.h"
#include "xen/types.h"

/* type_info: type in bits 63:61, flags below it, count in the low bits. */
#define PGT_type_shift          61
#define PGT_none                (0UL << PGT_type_shift)
#define PGT_l1_page_table       (1UL << PGT_type_shift)
#define PGT_l2_page_table       (2UL << PGT_type_shift)
#define PGT_l3_page_table       (3UL << PGT_type_shift)
#define PGT_l4_page_table       (4UL << PGT_type_shift)
#define PGT_seg_desc_page       (5UL << PGT_type_shift)
#define PGT_writable_page       (7UL << PGT_type_shift)
#define PGT_type_mask           (7UL << PGT_type_shift)
#define PGT_pinned              (1UL << 60)     /* MMUEXT_PIN_* holds a ref */
#define PGT_validated           (1UL << 59)     /* entries all checked */
#define PGT_partial             (1UL << 58)     /* (de)validation under way */
#define PGT_count_mask          ((1UL << 57) - 1)

#define PGT_level(t)            ((unsigned int)(((t) & PGT_type_mask) >> PGT_type_shift))
#define PGT_is_pagetable(t)     (PGT_level(t) >= 1 && PGT_level(t) <= 4)

/* Hypervisor-internal: "preempted, continue me" (Xen's ERESTART). */
#define XEN_ERESTART            85

/*
 * Flags a 64-bit PV guest may set in its page-table entries (Xen's
 * base_disallow_mask is the complement): present, RW, user, accessed,
 * dirty, the software bits 9-11 and 52-62, NX.  L1 entries may also be
 * global; a domain with I/O privilege (dom0) may also use the cache bits
 * PWT/PCD/PAT in L1 entries.  No superpages (PSE) at any level.
 */
#define PTE_AVAIL_HIGH          (0x7ffUL << 52)
#define PTE_GUEST_KERNEL        (1UL << 52)     /* Xen: kernel-mode mapping */
#define PTE_ALLOWED             (0x1UL | 0x2UL | 0x4UL | 0x20UL | 0x40UL | \
                                 (7UL << 9) | PTE_AVAIL_HIGH | (1UL << 63))
#define PTE_CACHE_ATTRS         (0x8UL | 0x10UL | 0x80UL)   /* PWT PCD PAT */
#define PTE_GLOBAL_BIT          0x100UL
/* Flags that may change without revalidating the entry (Xen's fast path). */
#define PTE_FASTPATH_FLAGS      ((1UL << 63) | PTE_AVAIL_HIGH | (7UL << 9) | \
                                 PTE_GLOBAL_BIT | 0x40UL | 0x20UL | 0x4UL)

/* The guest's share of an L4: slots outside Xen's 256..271. */
static inline bool is_guest_l4_slot(unsigned int i)
{
    return i < 256 || i > 271;
}

/*
 * What a (de)validation may need to finish later, per vCPU: a page whose
 * type reference must still be dropped (Xen's old_guest_table).
 */
struct pt_deferred {
    struct page_info *page;
    bool partial;                       /* the ref is a partial one */
};

/* ---- general references (get_page, put_page: inline, below) ---- */
/* A reference on a frame known to be referenced already. */
void get_page_light(struct page_info *pg);

/* ---- type references ---- */
int get_page_type(struct page_info *pg, unsigned long type, bool preemptible);
int put_page_type(struct page_info *pg, bool preemptible);
bool get_page_type_validated(struct page_info *pg, unsigned long type);
int get_page_and_type(struct page_info *pg, domid_t owner, unsigned long type,
                      bool preemptible);
void put_page_and_type(struct page_info *pg);
int put_page_and_type_preemptible(struct page_info *pg);

/* ---- single-entry updates, fully checked (mmu_update, update_va_mapping) ---- */
/*
 * Write entry slot of the table `table` (a frame of type L1..L4 owned by
 * pt_owner) to nval.  pg_owner owns the frame nval maps (foreign mappings
 * by dom0).  The old entry's references are dropped; for L2-L4 that may be
 * left in *defer to finish preemptibly.
 */
int mod_pt_entry(unsigned long table_mfn, unsigned int slot, uint64_t nval,
                 unsigned int level, domid_t pt_owner, domid_t pg_owner,
                 bool preserve_ad, struct pt_deferred *defer);
/* An L1 entry from old to nval by compare-and-exchange, checked (ptwr). */
int cmpxchg_l1_entry(unsigned long table_mfn, unsigned int slot, uint64_t old,
                     uint64_t nval, domid_t owner);
/* Finish a deferred type drop; -XEN_ERESTART if preempted again. */
int pt_finish_deferred(struct pt_deferred *defer, bool preemptible);

/* ---- frames owned by domains (mm/domain_pages.c) ---- */
struct domain;
struct page_info *alloc_domain_page(struct domain *d, unsigned int memflags);
struct page_info *alloc_domain_pages(struct domain *d, unsigned int order,
                                     unsigned int memflags);
void *alloc_shared_page(struct domain *d);
void free_shared_page(struct domain *d, void *va);
void put_allocation_ref(struct page_info *pg);
/* A running domain gives back 2^order frames it holds only by their
 * allocation reference: zeroed, they go back to the heap clean. */
void release_domain_pages(struct domain *d, struct page_info *pg,
                          unsigned int order);
void domain_relinquish_memory(struct domain *d);
void tlbflush_note_local(void);

/* ---- validation of single entries (also used by the auditor) ---- */
int get_page_from_l1e(uint64_t l1e, domid_t l1e_owner, domid_t pg_owner);
void put_page_from_l1e(uint64_t l1e, domid_t l1e_owner);

/* ---- hooks supplied by the hypervisor (mm/pv_mm_glue.c) or the tests ---- */
extern unsigned int paddr_bits;                     /* CPU's physical width */
#ifdef UNIT_TEST
uint64_t *pt_map_frame(unsigned long mfn);          /* a frame's contents */
bool pt_domain_io_privileged(domid_t d);            /* may map I/O frames */
#else
/* On the hot path of every update: inline in the hypervisor. */
static inline uint64_t *pt_map_frame(unsigned long mfn) { return mfn_to_virt(mfn); }
static inline bool pt_domain_io_privileged(domid_t d) { return d == 0; }
#endif
bool pt_domain_may_map_foreign(domid_t d, domid_t owner);

/* Walks of x86-64 tables in machine frames (PV guests', the hypervisor's). */
static inline uint64_t *pt_map_machine(const struct pt_ctx *c, unsigned long mfn)
{
    uint64_t *t = pt_map_frame(mfn);

    if (!t)
        __builtin_unreachable();        /* every frame is in the direct map */
    return t;
}
static const struct pt_ctx pt_ctx_machine __attribute__((unused)) = {
    .fmt = &pt_format_x86, .map = pt_map_machine,
};
bool pt_preempt_check(void);                        /* time to yield? */
void pt_page_freed(struct page_info *pg);           /* count hit zero */
void pt_type_change_flush(struct page_info *pg);    /* before writable->PT */
void pt_table_demoting(struct page_info *pg, unsigned int level); /* last type ref */
void pt_fill_xen_l4_slots(uint64_t *l4);
uint32_t pt_tlbflush_clock(void);

#define DOMID_IO_       0x7FF1
#define DOMID_XEN__     0x7FF2

/* ---- inline helpers for the hot paths ---- */

static inline bool pt_cas64(uint64_t *p, uint64_t *old, uint64_t new)
{
    return __atomic_compare_exchange_n(p, old, new, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}

/* A general reference on a frame owner owns; false if it is not in use by owner. */
static inline bool get_page(struct page_info *pg, domid_t owner)
{
    uint64_t x = __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED);

    do {
        uint64_t c = x & PGC_count_mask;
        if (!c || c >= PGC_count_mask - 1 || (x & PGC_state_mask) != PGC_state_inuse)
            return false;
    } while (!pt_cas64(&pg->count_info, &x, x + 1));
    /* The owner cannot change while we hold a reference. */
    if (likely(pg->owner == owner))
        return true;
    if (!(__atomic_sub_fetch(&pg->count_info, 1, __ATOMIC_SEQ_CST) & PGC_count_mask))
        pt_page_freed(pg);
    return false;
}

static inline void put_page(struct page_info *pg)
{
    if (!(__atomic_sub_fetch(&pg->count_info, 1, __ATOMIC_SEQ_CST) & PGC_count_mask))
        pt_page_freed(pg);
}


/* Flags allowed in a present L1 entry of a table d owns. */
static inline uint64_t pte_l1_allowed(domid_t d)
{
    return PTE_ALLOWED | PTE_GLOBAL_BIT | (pt_domain_io_privileged(d) ? PTE_CACHE_ATTRS : 0);
}

/*
 * A 64-bit PV kernel runs in ring 3, so every present entry needs the user
 * bit; an L1 entry the guest wrote without it is a kernel-only mapping,
 * which Xen marks with its software bit 52.  The global bit is dropped
 * (a deviation from Xen, which keeps it with extra flushing).
 */
static inline uint64_t adjust_guest_entry(uint64_t e, unsigned int level)
{
    if (!(e & _PAGE_PRESENT))
        return e;
    /* Global entries would outlive a switch to another domain. */
    e &= ~PTE_GLOBAL_BIT;
    if (level == 1 && !(e & _PAGE_USER))
        return e | _PAGE_USER | PTE_GUEST_KERNEL;
    return e | _PAGE_USER;
}

/*
 * mod_pt_entry()'s common case, inline for batches: an L1 entry that keeps
 * its frame and changes only flags needing no revalidation, so no
 * reference moves.  Returns true if done; false leaves the entry as it
 * was for the full path.
 */
static inline bool mod_l1_entry_fast(unsigned long table_mfn, unsigned int slot,
                                     uint64_t nval, domid_t pt_owner, bool preserve_ad)
{
    uint64_t *p = pt_map_frame(table_mfn) + slot, old = *p, e;

    if (!(nval & old & _PAGE_PRESENT) ||
        ((old ^ nval) & ~PTE_FASTPATH_FLAGS & ~(uint64_t)_PAGE_PRESENT) ||
        (nval & ~PTE_ADDR_MASK & ~pte_l1_allowed(pt_owner)))
        return false;
    e = adjust_guest_entry(nval, 1);
    if (preserve_ad)
        e |= old & (_PAGE_ACCESSED | _PAGE_DIRTY);
    return __atomic_compare_exchange_n(p, &old, e, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

#endif
