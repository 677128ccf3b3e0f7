/*
 * The PV MMU hypercalls: mmu_update, mmuext_op, update_va_mapping(_otherdomain),
 * with Xen's numbers and semantics.  Each batch element is decoded and
 * checked before it changes anything; a batch stops at the first failing
 * element and reports how many were done.  Long work yields through
 * continuations; a teardown left by a failure is finished before the error
 * is returned, so a refused request leaves no trace.
 */
#include "asm/guest_access.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "xen/hypercall.h"
#include "xen/preempt.h"
#include "xen/lib.h"
#include "xen/m2p.h"
#include "xen/pt_walk.h"
#include "xen/pv_flush.h"
#include "xen/physmap.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen.h"
#include "xen_errno.h"

#include "pv_mmu.h"

/*
 * The domain foreigndom names for this batch, with a reference held until
 * put_owners (as Xen's rcu_lock_domain_by_id): a destroy on another vCPU
 * must not free it under the batch.  The caller's own domain needs none
 * (it cannot be freed while one of its vCPUs runs this hypercall).
 */
static int get_owner(domid_t id, struct domain *cd, struct mmu_owners *o,
                     struct domain **d)
{
    *d = cd;
    if (id == DOMID_SELF || id == cd->domain_id)
        return 0;
    if (!cd->is_privileged)
        return -XEN_EPERM;
    if (!(*d = get_domain_by_id(id)))
        return -XEN_ESRCH;
    o->foreign = true;
    if (paging_mode_translate(*d)) {
        /* Its frames are gfns: only update_va_mapping_otherdomain maps them. */
        return -XEN_EINVAL;             /* put_foreign_owners drops it */
    }
    return 0;
}

void put_foreign_owners(struct mmu_owners *o)
{
    struct domain *cd = current->domain;

    if (o->pg_d && o->pg_d != cd)
        put_domain(o->pg_d);
    if (o->pt_d && o->pt_d != cd)
        put_domain(o->pt_d);
    o->pg_d = o->pt_d = NULL;
    o->foreign = false;
}

static int __attribute__((noinline)) get_foreign_owners(unsigned int foreigndom,
                                                        struct domain *cd,
                                                        struct mmu_owners *o)
{
    domid_t pg = foreigndom & 0xffff, pt = (foreigndom >> 16) ? (foreigndom >> 16) - 1 : DOMID_SELF;
    int rc;

    o->pt_d = NULL;
    if (!(rc = get_owner(pg, cd, o, &o->pg_d)))
        rc = get_owner(pt, cd, o, &o->pt_d);
    if (rc)
        put_foreign_owners(o);
    return rc;
}

int get_owners(unsigned int foreigndom, struct mmu_owners *o)
{
    struct domain *cd = current->domain;

    o->pg_d = o->pt_d = cd;
    o->foreign = false;
    if (likely(foreigndom == DOMID_SELF))   /* both: the caller's domain */
        return 0;
    return get_foreign_owners(foreigndom, cd, o);
}

/* Continue a batch later, keeping the running total in *pdone. */
long batch_continuation(unsigned int op, unsigned long list, size_t elem,
                               unsigned int i, unsigned int count,
                               unsigned long pdone, unsigned int done,
                               unsigned int foreigndom)
{
    if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
        return -XEN_EFAULT;
    return hypercall_create_continuation(op, "hihi", list + i * elem,
                                         (count - i) | MMU_UPDATE_PREEMPTED,
                                         pdone, foreigndom);
}

static unsigned int batch_start(unsigned int *count, unsigned long pdone)
{
    unsigned int done = 0;

    if (*count & MMU_UPDATE_PREEMPTED) {
        *count &= ~MMU_UPDATE_PREEMPTED;
        if (pdone)
            copy_from_guest(&done, pdone, sizeof(done));
    }
    return done;
}

/*
 * Start of a batch: finish earlier teardown work, and if this call is the
 * continuation that finished the teardown of a failed element, report that
 * element's error now.  True to go on; false with *rc the value to
 * return (a continuation returns the hypercall number: it may be 1).
 */
bool batch_enter(struct batch *b, long *rc)
{
    struct vcpu *v = current;

    b->done = batch_start(&b->count, b->pdone);
    if ((*rc = get_owners(b->foreigndom, &b->o)))
        return false;
    if (pt_finish_deferred(&v->arch.pv.deferred, true) == -XEN_ERESTART) {
        put_owners(&b->o);
        *rc = batch_continuation(b->op, b->list, b->elem, 0, b->count, b->pdone,
                                 b->done, b->foreigndom);
        return false;
    }
    if (v->arch.pv.pending_rc && v->arch.pv.pending_list == b->list) {
        *rc = v->arch.pv.pending_rc;
        v->arch.pv.pending_rc = 0;
        if (b->pdone)
            copy_to_guest(b->pdone, &b->done, sizeof(b->done));
        put_owners(&b->o);
        return false;
    }
    v->arch.pv.pending_rc = 0;
    return true;
}

/* Element i failed with rc: tear down what it left, then report rc. */
long batch_fail(struct batch *b, unsigned int i, long rc)
{
    struct vcpu *v = current;
    unsigned int total = b->done + i;

    if (v->arch.pv.deferred.page) {
        v->arch.pv.pending_rc = rc;
        v->arch.pv.pending_list = b->list + (unsigned long)i * b->elem;
        return batch_continuation(b->op, b->list, b->elem, i, b->count, b->pdone,
                                  total, b->foreigndom);
    }
    if (b->pdone)
        copy_to_guest(b->pdone, &total, sizeof(total));
    return rc;
}

/* Between elements: yield, or finish teardown left by element i. */
long batch_between(struct batch *b, unsigned int i)
{
    struct vcpu *v = current;

    if (pt_finish_deferred(&v->arch.pv.deferred, true) == -XEN_ERESTART ||
        (i + 1 < b->count && hypercall_preempt_check()))
        return batch_continuation(b->op, b->list, b->elem, i + 1, b->count,
                                  b->pdone, b->done + i + 1, b->foreigndom);
    return 0;
}

long batch_finish(struct batch *b)
{
    unsigned int total = b->done + b->count;

    if (b->pdone && copy_to_guest(b->pdone, &total, sizeof(total)))
        return -XEN_EFAULT;
    return 0;
}

/* ---- mmu_update ---- */

/* Drop the type reference an update held on its table (maybe the last). */
static void put_table_ref(struct page_info *pg, struct vcpu *v)
{
    if (put_page_type(pg, true) == -XEN_ERESTART && !v->arch.pv.deferred.page) {
        get_page_light(pg);
        v->arch.pv.deferred = (struct pt_deferred){ pg, true };
    }
}

/*
 * The page table a batch is writing, with a general and a type reference
 * held so that it stays a validated table of its owner.  Consecutive
 * updates of one table (the common case) share the references.
 */
struct held_table {
    struct page_info *pg;               /* NULL: none held */
    unsigned long mfn, type;
};

static void release_table(struct held_table *h, struct vcpu *v)
{
    if (h->pg) {
        put_table_ref(h->pg, v);
        put_page(h->pg);
        h->pg = NULL;
    }
}

/* Hold mfn if it is a validated page table of owner; else fail or say "plain". */
static int hold_table(struct held_table *h, unsigned long mfn, domid_t owner)
{
    struct page_info *pg;
    unsigned long type;

    if (!mfn_valid(mfn))
        return -XEN_EINVAL;
    pg = mfn_to_page(mfn);
    if (!get_page(pg, owner))
        return -XEN_EINVAL;
    type = pg->type_info & PGT_type_mask;
    if (!PGT_is_pagetable(type) || !get_page_type_validated(pg, type)) {
        put_page(pg);
        return 1;                       /* not a table in use */
    }
    *h = (struct held_table){ pg, mfn, type };
    return 0;
}

/* A write to a frame that is not a page table: one the guest could do itself. */
static int plain_write(unsigned long mfn, unsigned int slot, uint64_t val, domid_t owner)
{
    struct page_info *pg = mfn_to_page(mfn);
    int rc = -XEN_EINVAL;

    if (!get_page(pg, owner))
        return -XEN_EINVAL;
    if (!get_page_type(pg, PGT_writable_page, false)) {
        ((uint64_t *)mfn_to_virt(mfn))[slot] = val;
        put_page_type(pg, false);
        rc = 0;
    }
    put_page(pg);
    return rc;
}

static int machphys_update(uint64_t ptr, uint64_t pfn, const struct mmu_owners *o)
{
    unsigned long mfn = ptr >> PAGE_SHIFT;
    struct page_info *pg;

    if (!mfn_valid(mfn))
        return -XEN_EINVAL;
    pg = mfn_to_page(mfn);
    if (!get_page(pg, o->pg_d->domain_id))
        return -XEN_EINVAL;
    set_gpfn_from_mfn(mfn, pfn);
    put_page(pg);
    return 0;
}

/* One element; h holds the table written, if it is one (kept for the next). */
static inline int mmu_update_one(uint64_t ptr, uint64_t val, const struct mmu_owners *o,
                                 struct vcpu *v, struct held_table *h)
{
    /* The command is in the pointer's low 3 bits (entries are 8-aligned). */
    unsigned int cmd = ptr & 7, slot = (ptr & (PAGE_SIZE - 1)) >> 3;
    unsigned long mfn = ptr >> PAGE_SHIFT;
    domid_t pt_owner = o->pt_d->domain_id;
    int rc;

    if (cmd == MMU_MACHPHYS_UPDATE)
        return machphys_update(ptr, val, o);
    if (cmd != MMU_NORMAL_PT_UPDATE && cmd != MMU_PT_UPDATE_PRESERVE_AD &&
        cmd != MMU_PT_UPDATE_NO_TRANSLATE)   /* PV: NO_TRANSLATE is NORMAL */
        return -XEN_ENOSYS;
    if (!h->pg && (rc = hold_table(h, mfn, pt_owner)))
        return rc < 0 ? rc : plain_write(mfn, slot, val, pt_owner);
    if (PGT_level(h->type) == 1 &&
        mod_l1_entry_fast(mfn, slot, val, pt_owner, cmd == MMU_PT_UPDATE_PRESERVE_AD))
        return 0;
    return mod_pt_entry(mfn, slot, val, PGT_level(h->type), pt_owner, o->pg_d->domain_id,
                        cmd == MMU_PT_UPDATE_PRESERVE_AD, &v->arch.pv.deferred);
}

/* The elements of a batch whose owners batch_enter took. */
static long mmu_update_batch(struct batch *b)
{
    unsigned long ureqs = b->list, pdone = b->pdone;
    unsigned int foreigndom = b->foreigndom, count = b->count;
    struct held_table h = { NULL };
    struct vcpu *v = current;
    bool list_ok;
    unsigned int i;
    long rc;

    list_ok = guest_range_ok(ureqs, (unsigned long)count * sizeof(struct mmu_update));
    for (i = 0; i < count; i++) {
        unsigned long va = ureqs + (unsigned long)i * sizeof(struct mmu_update);
        uint64_t req[2], ptr, val;      /* one SMAP window for both words */

        if ((!list_ok && !guest_range_ok(va, sizeof(struct mmu_update))) ||
            copy_words_guarded(req, (const void *)va, 2)) {
            release_table(&h, v);
            return batch_fail(b, i, -XEN_EFAULT);
        }
        ptr = req[0];
        val = req[1];
        if (h.pg && h.mfn != ptr >> PAGE_SHIFT && (ptr & 7) != MMU_MACHPHYS_UPDATE) {
            /* Another table: let go of this one first, which may leave teardown. */
            release_table(&h, v);
            if (v->arch.pv.deferred.page)
                return batch_continuation(b->op, ureqs, b->elem, i, count, pdone,
                                          b->done + i, foreigndom);
        }
        rc = mmu_update_one(ptr, val, &b->o, v, &h);
        if (unlikely(rc)) {
            release_table(&h, v);
            if (rc == -XEN_ERESTART)    /* element i starts again */
                return batch_continuation(b->op, ureqs, b->elem, i, count, pdone,
                                          b->done + i, foreigndom);
            return batch_fail(b, i, rc);
        }
        if (unlikely(v->arch.pv.deferred.page) ||
            ((i & 7) == 7 && i + 1 < count && hypercall_preempt_check())) {
            release_table(&h, v);
            if ((rc = batch_between(b, i)))
                return rc;
        }
    }
    release_table(&h, v);
    if (v->arch.pv.deferred.page && (rc = batch_between(b, count - 1)))
        return rc;                      /* the last release left teardown */
    return batch_finish(b);
}

long do_mmu_update(unsigned long ureqs, unsigned int count, unsigned long pdone,
                   unsigned int foreigndom)
{
    struct batch b = { .op = __HYPERVISOR_mmu_update, .list = ureqs,
                       .elem = sizeof(struct mmu_update), .count = count,
                       .pdone = pdone, .foreigndom = foreigndom };
    long rc;

    if (!batch_enter(&b, &rc))
        return rc;
    rc = mmu_update_batch(&b);
    put_owners(&b.o);
    return rc;
}

/* ---- update_va_mapping ---- */

/*
 * The validated L1 table and slot that map va in v's kernel page tables,
 * with a general and a type reference held on the table in v->arch.pv.held_l1.
 * Inside a multicall the references stay for the next entry, which often
 * updates the same table; pv_release_held_l1() drops them.
 */
static int get_l1(struct vcpu *v, unsigned long va, unsigned long *l1mfn,
                  unsigned int *slot)
{
    struct page_info *pg;
    struct pt_walk w;

    if (!guest_range_ok(va, 1) || !v->arch.pv.guest_table)
        return -XEN_EINVAL;
    if (!pt_walk(&pt_ctx_machine, v->arch.pv.guest_table, va, 1, &w) || w.level != 1)
        return -XEN_EINVAL;
    *l1mfn = w.table;
    *slot = w.slot;
    pg = mfn_to_page(w.table);
    if (v->arch.pv.held_l1 == pg)
        return 0;
    pv_release_held_l1(v);
    if (!get_page(pg, v->domain->domain_id))
        return -XEN_EINVAL;
    if (!get_page_type_validated(pg, PGT_l1_page_table)) {
        put_page(pg);
        return -XEN_EINVAL;
    }
    v->arch.pv.held_l1 = pg;
    return 0;
}

void pv_release_held_l1(struct vcpu *v)
{
    struct page_info *pg = v->arch.pv.held_l1;

    if (pg) {
        v->arch.pv.held_l1 = NULL;
        put_table_ref(pg, v);
        put_page(pg);
    }
}

/* The pCPUs named by a guest vCPU bitmap, or NULL-bitmap: local. */
static int vcpumask_to_pcpus(struct domain *d, unsigned long gmask, uint64_t *pcpus)
{
    uint64_t vmask;

    if (get_guest_u64(&vmask, gmask))
        return -XEN_EFAULT;
    *pcpus = 0;
    for (unsigned int i = 0; i < d->max_vcpus && i < 64; i++)
        if ((vmask & (1ULL << i)) && d->vcpu[i] && d->vcpu[i]->is_running)
            *pcpus |= 1ULL << d->vcpu[i]->processor;
    return 0;
}

static int uvmf_flush(struct domain *d, unsigned long va, unsigned long flags)
{
    unsigned long sel = flags & ~UVMF_FLUSHTYPE_MASK;
    uint64_t mask;
    int rc;

    /* Type 3 is undefined; Xen ignores it, so do we. */
    if ((flags & UVMF_FLUSHTYPE_MASK) == UVMF_NONE || (flags & UVMF_FLUSHTYPE_MASK) == 3)
        return 0;
    if (sel == UVMF_LOCAL)
        mask = 1ULL << smp_processor_id();
    else if (sel == UVMF_ALL)
        mask = domain_running_mask(d) | (1ULL << smp_processor_id());
    else if ((rc = vcpumask_to_pcpus(d, sel, &mask)))
        return rc;
    pv_tlb_flush(mask, va, (flags & UVMF_FLUSHTYPE_MASK) == UVMF_INVLPG);
    return 0;
}

/* One update, with the L1 kept in v->arch.pv.held_l1 for the next. */
static inline int uvm_one(struct vcpu *v, unsigned long va, uint64_t val,
                          unsigned long flags, struct domain *pg_d)
{
    domid_t owner = v->domain->domain_id;
    unsigned long l1mfn;
    unsigned int slot;
    int rc;

    if ((rc = get_l1(v, va, &l1mfn, &slot)))
        return rc;
    if (!mod_l1_entry_fast(l1mfn, slot, val, owner, false) &&
        (rc = mod_pt_entry(l1mfn, slot, val, 1, owner, pg_d->domain_id, false,
                           &v->arch.pv.deferred)))
        return rc;
    return uvmf_flush(v->domain, va, flags);
}

static long update_va_mapping(unsigned long va, uint64_t val, unsigned long flags,
                              struct domain *pg_d)
{
    struct vcpu *v = current;
    long rc;

    if (unlikely(v->arch.pv.deferred.page) &&
        pt_finish_deferred(&v->arch.pv.deferred, true) == -XEN_ERESTART)
        return hypercall_create_continuation(
            pg_d == v->domain ? __HYPERVISOR_update_va_mapping
                              : __HYPERVISOR_update_va_mapping_otherdomain,
            "llli", va, val, flags, pg_d->domain_id);
    rc = uvm_one(v, va, val, flags, pg_d);
    pv_release_held_l1(v);
    return rc;
}

/*
 * A run of update_va_mapping entries in a multicall (the way PV kernels
 * batch single mappings), from entry `list`, in one loop that keeps the L1
 * referenced between entries.  The list is known to be guest memory.
 * Returns how many entries it did; it stops at any other entry, at teardown
 * left to finish, and every 8 entries to let the caller check for
 * preemption -- the caller's general path takes over from there.
 */
unsigned int pv_multicall_uvm_run(unsigned long list, unsigned int n)
{
    struct vcpu *v = current;
    unsigned int i;

    for (i = 0; i < n && i < 8 && !v->arch.pv.deferred.page; i++) {
        unsigned long e = list + (unsigned long)i * sizeof(struct multicall_entry);
        uint64_t w[5];                  /* op, result, args[0..2]: one SMAP window */
        long rc;

        _Static_assert(offsetof(struct multicall_entry, args[2]) == 4 * 8, "multicall_entry");
        if (copy_words_guarded(w, (const void *)e, 5) || w[0] != __HYPERVISOR_update_va_mapping)
            break;
        rc = uvm_one(v, w[2], w[3], w[4], v->domain);
        if (store_guest_u64(e + offsetof(struct multicall_entry, result), rc))
            break;
    }
    return i;
}

long do_update_va_mapping(unsigned long va, uint64_t val, unsigned long flags)
{
    return update_va_mapping(va, val, flags, current->domain);
}

/*
 * A PTE naming a translated (HVM) domain's frame names a gfn, as on Xen;
 * the table gets the machine frame of the RAM there.  The owner check of
 * the update itself keeps a frame that changed hands meanwhile out.
 */
static int translate_foreign(struct domain *pg_d, uint64_t *val)
{
    enum p2m_type t;
    unsigned long mfn;

    if (!(*val & _PAGE_PRESENT))
        return 0;
    mfn = guest_physmap_lookup(pg_d, pte_mfn(*val), &t);
    if (mfn == P2M_INVALID_MFN || t != p2m_ram_rw)
        return -XEN_EINVAL;
    *val = (*val & ~PTE_ADDR_MASK) | ((uint64_t)mfn << PAGE_SHIFT);
    return 0;
}

long do_update_va_mapping_otherdomain(unsigned long va, uint64_t val,
                                      unsigned long flags, domid_t domid)
{
    struct domain *pg_d;
    long rc;

    if (!current->domain->is_privileged)
        return -XEN_EPERM;
    if (!(pg_d = get_domain_by_id(domid)))  /* held: a destroy may run now */
        return -XEN_ESRCH;
    if (paging_mode_translate(pg_d) && (rc = translate_foreign(pg_d, &val))) {
        put_domain(pg_d);
        return rc;
    }
    rc = update_va_mapping(va, val, flags, pg_d);
    put_domain(pg_d);
    return rc;
}
