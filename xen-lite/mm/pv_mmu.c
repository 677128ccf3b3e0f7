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
#include "xen/lib.h"
#include "xen/m2p.h"
#include "xen/pt_walk.h"
#include "xen/pv_flush.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen.h"
#include "xen_errno.h"

#include "pv_mmu.h"

int get_owners(unsigned int foreigndom, struct mmu_owners *o)
{
    struct domain *cd = current->domain;
    domid_t pg = foreigndom & 0xffff, pt = (foreigndom >> 16) ? (foreigndom >> 16) - 1 : DOMID_SELF;

    o->pt_d = o->pg_d = cd;
    if (pg != DOMID_SELF && pg != cd->domain_id) {
        if (!cd->is_privileged)
            return -XEN_EPERM;
        if (!(o->pg_d = domain_from_id_noref(pg)))
            return -XEN_ESRCH;
    }
    if (pt != DOMID_SELF && pt != cd->domain_id) {
        if (!cd->is_privileged)
            return -XEN_EPERM;
        if (!(o->pt_d = domain_from_id_noref(pt)))
            return -XEN_ESRCH;
    }
    return 0;
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
 * element's error now.  Returns 1 to go on, or the value to return.
 */
long batch_enter(struct batch *b)
{
    struct vcpu *v = current;
    long rc;

    b->done = batch_start(&b->count, b->pdone);
    if ((rc = get_owners(b->foreigndom, &b->o)))
        return rc;
    if (pt_finish_deferred(&v->arch.deferred, true) == -XEN_ERESTART)
        return batch_continuation(b->op, b->list, b->elem, 0, b->count, b->pdone,
                                  b->done, b->foreigndom);
    if (v->arch.pending_rc && v->arch.pending_list == b->list) {
        rc = v->arch.pending_rc;
        v->arch.pending_rc = 0;
        if (b->pdone)
            copy_to_guest(b->pdone, &b->done, sizeof(b->done));
        return rc;
    }
    v->arch.pending_rc = 0;
    return 1;
}

/* Element i failed with rc: tear down what it left, then report rc. */
long batch_fail(struct batch *b, unsigned int i, long rc)
{
    struct vcpu *v = current;
    unsigned int total = b->done + i;

    if (v->arch.deferred.page) {
        v->arch.pending_rc = rc;
        v->arch.pending_list = b->list + (unsigned long)i * b->elem;
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

    if (pt_finish_deferred(&v->arch.deferred, true) == -XEN_ERESTART ||
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
    if (put_page_type(pg, true) == -XEN_ERESTART && !v->arch.deferred.page) {
        get_page_light(pg);
        v->arch.deferred = (struct pt_deferred){ pg, true };
    }
}

static int normal_pt_update(uint64_t ptr, uint64_t val, bool preserve_ad,
                            const struct mmu_owners *o, struct vcpu *v)
{
    unsigned long mfn = ptr >> PAGE_SHIFT;
    unsigned int slot = (ptr & (PAGE_SIZE - 1)) >> 3;
    struct page_info *pg;
    unsigned long type;
    int rc;

    if (!mfn_valid(mfn))
        return -XEN_EINVAL;
    pg = mfn_to_page(mfn);
    if (!get_page(pg, o->pt_d->domain_id))
        return -XEN_EINVAL;
    type = pg->type_info & PGT_type_mask;
    if (PGT_is_pagetable(type) && get_page_type_validated(pg, type)) {
        /* Our type reference keeps the table validated while we write. */
        rc = mod_pt_entry(mfn, slot, val, PGT_level(type), o->pt_d->domain_id,
                          o->pg_d->domain_id, preserve_ad, &v->arch.deferred);
        put_table_ref(pg, v);
    } else if (!get_page_type(pg, PGT_writable_page, false)) {
        /* Not a page table: a plain write the guest could do itself. */
        ((uint64_t *)mfn_to_virt(mfn))[slot] = val;
        put_page_type(pg, false);
        rc = 0;
    } else {
        rc = -XEN_EINVAL;
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

long do_mmu_update(unsigned long ureqs, unsigned int count, unsigned long pdone,
                   unsigned int foreigndom)
{
    struct batch b = { .op = __HYPERVISOR_mmu_update, .list = ureqs,
                       .elem = sizeof(struct mmu_update), .count = count,
                       .pdone = pdone, .foreigndom = foreigndom };
    struct mmu_update req;
    long rc = batch_enter(&b);

    if (rc != 1)
        return rc;
    for (unsigned int i = 0; i < b.count; i++) {
        if (copy_from_guest_obj(&req, ureqs + (unsigned long)i * sizeof(req)))
            return batch_fail(&b, i, -XEN_EFAULT);
        /* The command is in the pointer's low 3 bits (entries are 8-aligned). */
        switch (req.ptr & 7) {
        case MMU_NORMAL_PT_UPDATE:
        case MMU_PT_UPDATE_PRESERVE_AD:
        case MMU_PT_UPDATE_NO_TRANSLATE:        /* PV: nothing to translate */
            rc = normal_pt_update(req.ptr & ~7ULL, req.val,
                                  (req.ptr & 7) == MMU_PT_UPDATE_PRESERVE_AD,
                                  &b.o, current);
            break;
        case MMU_MACHPHYS_UPDATE:
            rc = machphys_update(req.ptr, req.val, &b.o);
            break;
        default:
            rc = -XEN_ENOSYS;
        }
        if (rc == -XEN_ERESTART)
            return batch_continuation(b.op, ureqs, b.elem, i, b.count, pdone,
                                      b.done + i, foreigndom);
        if (rc)
            return batch_fail(&b, i, rc);
        if ((rc = batch_between(&b, i)))
            return rc;
    }
    return batch_finish(&b);
}

/* ---- update_va_mapping ---- */

/*
 * The validated L1 table and slot that map va in v's kernel page tables,
 * with a general and a type reference held on the table (put_l1 drops them).
 */
static int get_l1(struct vcpu *v, unsigned long va, unsigned long *l1mfn,
                  unsigned int *slot)
{
    struct pt_walk w;
    struct page_info *pg;

    if (!guest_range_ok(va, 1) || !v->arch.guest_table)
        return -XEN_EINVAL;
    if (!pt_walk(v->arch.guest_table, va, 1, pt_map_frame, &w) || w.level != 1)
        return -XEN_EINVAL;
    pg = mfn_to_page(w.table_mfn);
    if (!get_page(pg, v->domain->domain_id))
        return -XEN_EINVAL;
    if (!get_page_type_validated(pg, PGT_l1_page_table)) {
        put_page(pg);
        return -XEN_EINVAL;
    }
    *l1mfn = w.table_mfn;
    *slot = w.slot;
    return 0;
}

static void put_l1(struct vcpu *v, unsigned long l1mfn)
{
    put_table_ref(mfn_to_page(l1mfn), v);
    put_page(mfn_to_page(l1mfn));
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

static long update_va_mapping(unsigned long va, uint64_t val, unsigned long flags,
                              struct domain *pg_d)
{
    struct vcpu *v = current;
    unsigned long l1mfn;
    unsigned int slot;
    int rc;

    if (pt_finish_deferred(&v->arch.deferred, true) == -XEN_ERESTART)
        return hypercall_create_continuation(
            pg_d == v->domain ? __HYPERVISOR_update_va_mapping
                              : __HYPERVISOR_update_va_mapping_otherdomain,
            "llli", va, val, flags, pg_d->domain_id);
    if ((rc = get_l1(v, va, &l1mfn, &slot)))
        return rc;
    rc = mod_pt_entry(l1mfn, slot, val, 1, v->domain->domain_id, pg_d->domain_id,
                      false, &v->arch.deferred);
    put_l1(v, l1mfn);
    if (rc)
        return rc;
    return uvmf_flush(v->domain, va, flags);
}

long do_update_va_mapping(unsigned long va, uint64_t val, unsigned long flags)
{
    return update_va_mapping(va, val, flags, current->domain);
}

long do_update_va_mapping_otherdomain(unsigned long va, uint64_t val,
                                      unsigned long flags, domid_t domid)
{
    struct domain *pg_d;

    if (!current->domain->is_privileged)
        return -XEN_EPERM;
    if (!(pg_d = domain_from_id_noref(domid)))
        return -XEN_ESRCH;
    return update_va_mapping(va, val, flags, pg_d);
}
