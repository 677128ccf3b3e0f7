/*
 * Page types and reference counts: the rules that keep a PV guest's page
 * tables safe (see xen/pv_mm.h for the model).
 *
 * Partial state.  A table whose (de)validation was preempted, or failed
 * part-way, carries PGT_partial with a type count of 1 that belongs to no
 * one in particular, plus a general reference held by that state.  Its
 * nr_validated_ptes says how far it got: entries [0, n) hold references;
 * with PTF_partial_set, entry n also holds a general reference on a child
 * that is itself partial.  Whoever next takes a type reference on a partial
 * table claims the floating count and carries validation on from n; a
 * partial put carries devalidation on downwards from n.  Both directions
 * therefore share one representation, and work stops cleanly at any entry.
 */
#include "asm/desc.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "xen/lib.h"
#include "xen/pv_mm.h"
#include "xen_errno.h"

#define NR_PTE_MASK     0x3ff

static inline bool cas64(uint64_t *p, uint64_t *old, uint64_t new)
{
    return __atomic_compare_exchange_n(p, old, new, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}

/* ---- general references ---- */

void get_page_light(struct page_info *pg)
{
    uint64_t old = __atomic_fetch_add(&pg->count_info, 1, __ATOMIC_SEQ_CST);

    BUG_ON(!(old & PGC_count_mask));
}

/* ---- entries ---- */


/*
 * L1TF (Intel's "L1 Terminal Fault", Xen's XSA-273): on a not-present entry
 * some CPUs still read the L1 data cache at the address it holds, so an
 * entry a guest can write must not point a not-present address at RAM.
 * As Xen's PV rule: zero address bits, or an address at or above 3/4 of
 * the physical address space (where RAM never is; Linux's inverted
 * not-present PTEs land there), are safe; anything else is refused.
 */
static inline bool l1tf_unsafe(uint64_t e)
{
    uint64_t mask, safe;

    /* Present, or no address bits at all (most entries): nothing to ask. */
    if ((e & _PAGE_PRESENT) || !(e & PTE_ADDR_MASK))
        return false;
    mask = ((1UL << paddr_bits) - 1) & PTE_ADDR_MASK;
    safe = 3UL << (paddr_bits - 2);
    return (e & mask) && (e & mask) < safe;
}

/* The page of a RAM frame that is not I/O memory, else NULL (no reference
 * counting for I/O); one bounds check, one masked index. */
static struct page_info *ram_page(unsigned long mfn)
{
    struct page_info *pg;

    if (!mfn_valid(mfn))
        return NULL;
    pg = mfn_to_page(mfn);
    return pg->owner == DOMID_IO_ ? NULL : pg;
}

int get_page_from_l1e(uint64_t l1e, domid_t l1e_owner, domid_t pg_owner)
{
    unsigned long mfn = pte_mfn(l1e);
    struct page_info *pg;

    if (!(l1e & _PAGE_PRESENT))
        return 0;
    if (l1e & ~PTE_ADDR_MASK & ~pte_l1_allowed(l1e_owner))
        return -XEN_EINVAL;
    if (!(pg = ram_page(mfn)))
        /*
         * No reference counting for I/O memory; dom0 only, and only below
         * the CPU's physical address width: above it the entry would have
         * reserved bits set, which some CPUs speculate through (L1TF).
         */
        return pt_domain_io_privileged(l1e_owner) && !(mfn >> (paddr_bits - PAGE_SHIFT))
               ? 0 : -XEN_EPERM;
    if (pg_owner != l1e_owner && !pt_domain_may_map_foreign(l1e_owner, pg_owner))
        return -XEN_EPERM;
    if (!get_page(pg, pg_owner))
        return -XEN_EBUSY;
    if ((l1e & _PAGE_RW) && get_page_type(pg, PGT_writable_page, false)) {
        put_page(pg);
        return -XEN_EBUSY;
    }
    return 0;
}

void put_page_from_l1e(uint64_t l1e, domid_t l1e_owner)
{
    unsigned long mfn = pte_mfn(l1e);

    if (!(l1e & _PAGE_PRESENT) || !mfn_valid(mfn) || mfn_to_page(mfn)->owner == DOMID_IO_)
        return;
    if (l1e & _PAGE_RW)
        put_page_and_type(mfn_to_page(mfn));
    else
        put_page(mfn_to_page(mfn));
}

static unsigned long level_type(unsigned int level)
{
    return (unsigned long)level << PGT_type_shift;
}

/* Disallowed flags in an L2-L4 entry: anything not in PTE_ALLOWED (so PSE). */
static bool bad_upper_flags(uint64_t e)
{
    return e & ~PTE_ADDR_MASK & ~PTE_ALLOWED;
}

/*
 * Take the references an L2-L4 entry needs: a general one and a type one
 * on the next level down.  With `partial` the general reference is already
 * held (from an earlier, interrupted attempt).  On failure *left_partial
 * says the child was left partial with our general reference kept.
 */
static int get_child(uint64_t e, unsigned int level, domid_t d, bool partial,
                     bool preemptible, bool *left_partial)
{
    unsigned long mfn = pte_mfn(e);
    struct page_info *child;
    int rc;

    *left_partial = false;
    if (bad_upper_flags(e))
        return -XEN_EINVAL;
    if (!mfn_valid(mfn))
        return -XEN_EINVAL;
    child = mfn_to_page(mfn);
    if (!partial && !get_page(child, d))
        return -XEN_EINVAL;
    rc = get_page_type(child, level_type(level - 1), preemptible && level > 2);
    if (rc == 0)
        return 0;
    if (rc != -XEN_ERESTART && (child->type_info & PGT_partial) &&
        PGT_level(child->type_info) == level - 1) {
        *left_partial = true;           /* keep our ref: entry is partial */
        return rc;
    }
    if (rc == -XEN_ERESTART) {
        *left_partial = true;
        return rc;
    }
    put_page(child);
    return rc;
}

static int put_partial_type(struct page_info *pg, bool preemptible);

/* Drop an L2-L4 entry's references; -ERESTART leaves our general ref. */
static int put_child(struct page_info *child, bool partial, bool preemptible)
{
    int rc;

    if (partial) {
        /* Only finish a partial state if it is still there. */
        rc = put_partial_type(child, preemptible);
    } else {
        rc = put_page_type(child, preemptible);
    }
    if (rc == 0)
        put_page(child);
    return rc;
}

/* ---- whole tables ---- */

static void save_progress(struct page_info *pg, unsigned int i, bool partial)
{
    pg->nr_validated_ptes = i | (partial ? PTF_partial_set : 0);
}

static int promote_l1(struct page_info *pg)
{
    unsigned long mfn = page_to_mfn(pg);
    uint64_t *t = pt_map_frame(mfn);
    domid_t d = pg->owner;
    int rc = 0;
    unsigned int i;

    for (i = 0; i < PAGETABLE_ENTRIES; i++) {
        if (!(t[i] & _PAGE_PRESENT)) {
            if (l1tf_unsafe(t[i]) && (rc = -XEN_EINVAL))
                break;
            continue;
        }
        if ((rc = get_page_from_l1e(t[i], d, d)))
            break;
        t[i] = adjust_guest_entry(t[i], 1);
    }
    if (rc)
        while (i-- > 0)
            put_page_from_l1e(t[i], d);
    return rc;
}

static int promote_upper(struct page_info *pg, unsigned int level, bool preemptible)
{
    uint64_t *t = pt_map_frame(page_to_mfn(pg));
    unsigned int start = pg->nr_validated_ptes & NR_PTE_MASK;
    bool partial = pg->nr_validated_ptes & PTF_partial_set;
    domid_t d = pg->owner;

    for (unsigned int i = start; i < PAGETABLE_ENTRIES; i++, partial = false) {
        bool left_partial;
        int rc;

        if (level == 4 && !is_guest_l4_slot(i))
            continue;
        if (i > start && preemptible && pt_preempt_check()) {
            save_progress(pg, i, false);
            return -XEN_ERESTART;
        }
        if (!(t[i] & _PAGE_PRESENT)) {
            if (l1tf_unsafe(t[i])) {
                save_progress(pg, i, false);
                return -XEN_EINVAL;
            }
            continue;
        }
        rc = get_child(t[i], level, d, partial, preemptible, &left_partial);
        if (rc) {
            save_progress(pg, i, left_partial);
            return rc;
        }
        t[i] = adjust_guest_entry(t[i], level);
    }
    if (level == 4)
        pt_fill_xen_l4_slots(t);
    return 0;
}

static void demote_l1(struct page_info *pg)
{
    uint64_t *t = pt_map_frame(page_to_mfn(pg));

    for (unsigned int i = 0; i < PAGETABLE_ENTRIES; i++)
        put_page_from_l1e(t[i], pg->owner);
}

/* Entries [0, n) hold references, entry n a partial one if flagged. */
static int demote_upper(struct page_info *pg, unsigned int level, bool preemptible)
{
    uint64_t *t = pt_map_frame(page_to_mfn(pg));
    unsigned int n = pg->nr_validated_ptes & NR_PTE_MASK;
    int rc;

    if (pg->nr_validated_ptes & PTF_partial_set) {
        if ((rc = put_child(mfn_to_page(pte_mfn(t[n])), true, preemptible)))
            return rc;                  /* progress unchanged */
        save_progress(pg, n, false);
    }
    for (unsigned int i = n; i-- > 0; ) {
        if (i + 1 < n && preemptible && pt_preempt_check()) {
            save_progress(pg, i + 1, false);
            return -XEN_ERESTART;
        }
        if ((level == 4 && !is_guest_l4_slot(i)) || !(t[i] & _PAGE_PRESENT))
            continue;
        if ((rc = put_child(mfn_to_page(pte_mfn(t[i])), false, preemptible))) {
            save_progress(pg, i, true);
            return rc;
        }
    }
    return 0;
}

/*
 * Validate a frame that just took its first reference of a table type (or
 * carry on a partial validation).  Returns 0, -ERESTART (left partial), or
 * an error: the frame is then reset if nothing was taken, else left
 * partial holding what it took.
 */
static int validate_page(struct page_info *pg, unsigned long type, bool preemptible)
{
    unsigned int level = PGT_level(type);
    int rc;

    if (level == 1)
        rc = promote_l1(pg);
    else if (level >= 2 && level <= 4)
        rc = promote_upper(pg, level, preemptible);
    else if (type == PGT_seg_desc_page)
        rc = pv_validate_descriptor_page(pt_map_frame(page_to_mfn(pg)));
    else
        rc = -XEN_EINVAL;

    if (rc == 0) {
        __atomic_or_fetch(&pg->type_info, PGT_validated, __ATOMIC_SEQ_CST);
    } else if (rc != -XEN_ERESTART && pg->nr_validated_ptes == 0) {
        __atomic_store_n(&pg->type_info, 0, __ATOMIC_SEQ_CST);
    } else {
        get_page_light(pg);
        __atomic_or_fetch(&pg->type_info, PGT_partial, __ATOMIC_SEQ_CST);
    }
    return rc;
}

int get_page_type(struct page_info *pg, unsigned long type, bool preemptible)
{
    uint64_t x = __atomic_load_n(&pg->type_info, __ATOMIC_SEQ_CST), nx;
    int rc = 0;

    for (;;) {
        nx = x + 1;
        if (!(nx & PGT_count_mask))
            return -XEN_EINVAL;                         /* overflow */
        if (!(x & PGT_count_mask)) {
            if ((x & PGT_type_mask) != type) {
                /* No CPU may keep a stale mapping across a type change. */
                pt_type_change_flush(pg);
                nx = (nx & ~(PGT_type_mask | PGT_validated)) | type;
                if (!PGT_is_pagetable(type) && type != PGT_seg_desc_page)
                    nx |= PGT_validated;
            }
        } else if ((x & PGT_type_mask) != type) {
            return -XEN_EINVAL;                         /* in use as another type */
        } else if (!(x & PGT_validated)) {
            if (!(x & PGT_partial)) {
                /* Another CPU is (de)validating it: wait. */
                if (preemptible && pt_preempt_check())
                    return -XEN_ERESTART;
                cpu_relax();
                x = __atomic_load_n(&pg->type_info, __ATOMIC_SEQ_CST);
                continue;
            }
            nx = x & ~PGT_partial;                      /* claim the floating count */
        }
        if (cas64(&pg->type_info, &x, nx))
            break;
    }
    if (!(nx & PGT_validated)) {
        if (!(x & PGT_partial))
            pg->nr_validated_ptes = 0;
        rc = validate_page(pg, type, preemptible);
    }
    if (x & PGT_partial)
        put_page(pg);                                   /* the old partial state's ref */
    return rc;
}

/* The last type reference of a table goes: undo its validation. */
static int put_final_table(struct page_info *pg, uint64_t x, bool preemptible)
{
    unsigned int level = PGT_level(x);
    int rc = 0;

    if (!(x & PGT_partial))
        pg->nr_validated_ptes = PAGETABLE_ENTRIES;
    pt_table_demoting(pg, level);
    if (level == 1)
        demote_l1(pg);
    else
        rc = demote_upper(pg, level, preemptible);
    if (rc == 0) {
        pg->tlbflush_timestamp = pt_tlbflush_clock();
        __atomic_sub_fetch(&pg->type_info, 1, __ATOMIC_SEQ_CST);
    } else {
        get_page_light(pg);
        __atomic_or_fetch(&pg->type_info, PGT_partial, __ATOMIC_SEQ_CST);
    }
    if (x & PGT_partial)
        put_page(pg);
    return rc;
}

int put_page_type(struct page_info *pg, bool preemptible)
{
    uint64_t x = __atomic_load_n(&pg->type_info, __ATOMIC_SEQ_CST), nx;

    for (;;) {
        BUG_ON(!(x & PGT_count_mask));
        nx = x - 1;
        if (!(nx & PGT_count_mask) && PGT_is_pagetable(x) &&
            (x & (PGT_validated | PGT_partial))) {
            /* Keep the count at 1 while devalidating: others will wait. */
            nx = x & ~(PGT_validated | PGT_partial);
            if (!cas64(&pg->type_info, &x, nx))
                continue;
            return put_final_table(pg, x, preemptible);
        }
        if (!(nx & PGT_count_mask))
            pg->tlbflush_timestamp = pt_tlbflush_clock();
        if (cas64(&pg->type_info, &x, nx))
            return 0;
    }
}

/*
 * Drop a partial table's floating count, unless someone claimed it first:
 * checking PGT_partial and then putting would let another CPU's claim slip
 * in between, and the put would then take the claimant's count.
 */
static int put_partial_type(struct page_info *pg, bool preemptible)
{
    uint64_t x = __atomic_load_n(&pg->type_info, __ATOMIC_SEQ_CST);

    do {
        if (!(x & PGT_partial))
            return 0;
    } while (!cas64(&pg->type_info, &x, x & ~(PGT_validated | PGT_partial)));
    return put_final_table(pg, x, preemptible);
}

/*
 * A type reference on a table that is already validated, or nothing: never
 * starts a validation.  Held across an entry update, it keeps the table
 * from being devalidated under the writer (Xen locks the page for that).
 */
bool get_page_type_validated(struct page_info *pg, unsigned long type)
{
    uint64_t x = __atomic_load_n(&pg->type_info, __ATOMIC_SEQ_CST);

    do {
        if ((x & PGT_type_mask) != type || !(x & PGT_validated) ||
            (x & PGT_partial) || !(x & PGT_count_mask) ||
            !((x + 1) & PGT_count_mask))
            return false;
    } while (!cas64(&pg->type_info, &x, x + 1));
    return true;
}

int get_page_and_type(struct page_info *pg, domid_t owner, unsigned long type,
                      bool preemptible)
{
    int rc;

    if (!get_page(pg, owner))
        return -XEN_EINVAL;
    rc = get_page_type(pg, type, preemptible);
    if (rc)
        put_page(pg);
    return rc;
}

void put_page_and_type(struct page_info *pg)
{
    put_page_type(pg, false);
    put_page(pg);
}

int put_page_and_type_preemptible(struct page_info *pg)
{
    int rc = put_page_type(pg, true);

    if (rc == 0)
        put_page(pg);
    return rc;
}

int pt_finish_deferred(struct pt_deferred *defer, bool preemptible)
{
    struct page_info *pg = defer->page;
    int rc;

    if (!pg)
        return 0;
    rc = put_child(pg, defer->partial, preemptible);
    if (rc == -XEN_ERESTART) {
        defer->partial = true;
        return rc;
    }
    defer->page = NULL;
    return 0;
}

/* ---- single-entry updates ---- */

/* Write e into *p, keeping the A/D bits the CPU set if asked; returns old. */
static uint64_t write_entry(uint64_t *p, uint64_t e, bool preserve_ad)
{
    uint64_t old = __atomic_load_n(p, __ATOMIC_SEQ_CST);

    if (!preserve_ad)
        return __atomic_exchange_n(p, e, __ATOMIC_SEQ_CST);
    while (!cas64(p, &old, e | (old & (_PAGE_ACCESSED | _PAGE_DIRTY))))
        ;
    return old;
}

static bool flags_ok(uint64_t e, unsigned int level, domid_t d)
{
    uint64_t allowed = level == 1 ? pte_l1_allowed(d) : PTE_ALLOWED;

    return !(e & ~PTE_ADDR_MASK & ~allowed);
}

/* Take what a new entry needs; *defer gets a partial child on failure. */
static int get_new_entry(uint64_t e, unsigned int level, domid_t pt_owner,
                         domid_t pg_owner, struct pt_deferred *defer)
{
    bool left_partial;
    int rc;

    if (level == 1)
        return get_page_from_l1e(e, pt_owner, pg_owner);
    rc = get_child(e, level, pt_owner, false, true, &left_partial);
    if (rc && left_partial) {
        struct page_info *child = mfn_to_page(pte_mfn(e));
        if (rc == -XEN_ERESTART) {
            put_page(child);            /* the retry takes its own */
        } else {
            defer->page = child;        /* tear the partial child down later */
            defer->partial = true;
        }
    }
    return rc;
}

int mod_pt_entry(unsigned long table_mfn, unsigned int slot, uint64_t nval,
                 unsigned int level, domid_t pt_owner, domid_t pg_owner,
                 bool preserve_ad, struct pt_deferred *defer)
{
    uint64_t *t = pt_map_frame(table_mfn), old = t[slot];
    int rc;

    if (level == 4 && !is_guest_l4_slot(slot))
        return -XEN_EINVAL;
    if (l1tf_unsafe(nval))
        return -XEN_EINVAL;
    if (nval & _PAGE_PRESENT) {
        if (!flags_ok(nval, level, pt_owner))
            return -XEN_EINVAL;
        /*
         * Same frame, only harmless flags differ: no references move.  Write
         * only over the entry checked; if another CPU changed it, look again.
         */
        while ((old & _PAGE_PRESENT) && pte_mfn(old) == pte_mfn(nval) &&
               !((old ^ nval) & ~PTE_FASTPATH_FLAGS & ~PTE_ADDR_MASK & ~_PAGE_PRESENT)) {
            uint64_t e = adjust_guest_entry(nval, level);
            if (preserve_ad)
                e |= old & (_PAGE_ACCESSED | _PAGE_DIRTY);
            if (cas64(&t[slot], &old, e))
                return 0;
        }
        if ((rc = get_new_entry(nval, level, pt_owner, pg_owner, defer)))
            return rc;
    }
    old = write_entry(&t[slot], adjust_guest_entry(nval, level), preserve_ad);
    if (!(old & _PAGE_PRESENT))
        return 0;
    if (level == 1) {
        put_page_from_l1e(old, pt_owner);
        return 0;
    }
    rc = put_child(mfn_to_page(pte_mfn(old)), false, true);
    if (rc == -XEN_ERESTART) {
        /* The update is done; its clean-up continues later. */
        defer->page = mfn_to_page(pte_mfn(old));
        defer->partial = true;
    }
    return 0;
}

/*
 * The writable page-table assist's update (arch/x86/pv/ptwr.c): entry slot
 * of L1 table_mfn goes from old to nval if it still holds old, nval being
 * checked and referenced exactly as mod_pt_entry would.  Returns 0,
 * -XEN_EAGAIN if the entry changed meanwhile (nothing done), or the
 * validation error.
 */
int cmpxchg_l1_entry(unsigned long table_mfn, unsigned int slot, uint64_t old,
                     uint64_t nval, domid_t owner)
{
    uint64_t *p = pt_map_frame(table_mfn) + slot;
    int rc;

    if (l1tf_unsafe(nval))
        return -XEN_EINVAL;
    if (nval & _PAGE_PRESENT) {
        if (!flags_ok(nval, 1, owner))
            return -XEN_EINVAL;
        if ((rc = get_page_from_l1e(nval, owner, owner)))
            return rc;
    }
    if (!cas64(p, &old, adjust_guest_entry(nval, 1))) {
        put_page_from_l1e(nval, owner);
        return -XEN_EAGAIN;
    }
    put_page_from_l1e(old, owner);
    return 0;
}
