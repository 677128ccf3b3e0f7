/*
 * mmuext_op: pinning and unpinning page tables, switching page-table bases,
 * TLB and cache flushes, LDT, and clearing/copying pages -- Xen's commands
 * and error codes.
 */
#include "asm/guest_access.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "xen/hypercall.h"
#include "xen/lib.h"
#include "xen/pv_flush.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen/smp.h"
#include "xen.h"
#include "xen_errno.h"
#include "pv_mmu.h"


static struct page_info *owned_frame(unsigned long mfn, struct domain *d)
{
    struct page_info *pg;

    if (!mfn_valid(mfn))
        return NULL;
    pg = mfn_to_page(mfn);
    return get_page(pg, d->domain_id) ? pg : NULL;
}

static long pin(unsigned long mfn, unsigned int level, struct domain *d)
{
    struct page_info *pg = owned_frame(mfn, d);
    long rc;

    if (!pg)
        return -XEN_EINVAL;
    rc = get_page_type(pg, (unsigned long)level << PGT_type_shift, true);
    if (rc) {
        if (rc != -XEN_ERESTART && (pg->type_info & PGT_partial) &&
            PGT_level(pg->type_info) == level) {
            /* Failed part-way: tear it down before reporting (keeps our ref). */
            current->arch.pv.deferred = (struct pt_deferred){ pg, true };
            return rc;
        }
        put_page(pg);
        return rc;
    }
    if (__atomic_fetch_or(&pg->type_info, PGT_pinned, __ATOMIC_SEQ_CST) & PGT_pinned) {
        put_page_and_type(pg);
        return -XEN_EINVAL;             /* already pinned */
    }
    return 0;
}

static long unpin(unsigned long mfn, struct domain *d)
{
    struct page_info *pg = owned_frame(mfn, d);
    long rc = 0;

    if (!pg)
        return -XEN_EINVAL;
    if (!(__atomic_fetch_and(&pg->type_info, ~PGT_pinned, __ATOMIC_SEQ_CST) & PGT_pinned)) {
        rc = -XEN_EINVAL;               /* not pinned */
    } else if (put_page_type(pg, true) == -XEN_ERESTART) {
        /* Unpinned; the devalidation goes on (the pin's ref is kept for it). */
        current->arch.pv.deferred = (struct pt_deferred){ pg, true };
        put_page(pg);
        return 0;
    } else {
        put_page(pg);                   /* the pin's general reference */
    }
    put_page(pg);
    return rc;
}

/* Take a typed L4 reference for a page-table base (0 = none, user only). */
static long new_base(unsigned long mfn, bool user)
{
    struct vcpu *v = current;
    unsigned long *slot = user ? &v->arch.pv.guest_table_user : &v->arch.pv.guest_table;
    unsigned long old = *slot;
    long rc;

    if (mfn == old)
        goto load;
    if (mfn || !user) {
        struct page_info *pg = owned_frame(mfn, v->domain);
        if (!pg)
            return -XEN_EINVAL;
        if ((rc = get_page_type(pg, PGT_l4_page_table, true))) {
            put_page(pg);
            return rc;
        }
    }
    *slot = mfn;
    /* CR3 leaves the old table before its reference goes: dropping the
     * last one devalidates it, and the guest may then write it. */
    if (v->arch.pv.kernel_mode != user)
        pv_load_cr3(v);
    if (old && put_page_and_type_preemptible(mfn_to_page(old)) == -XEN_ERESTART)
        v->arch.pv.deferred = (struct pt_deferred){ mfn_to_page(old), true };
    return 0;
load:
    if (v->arch.pv.kernel_mode != user)
        pv_load_cr3(v);
    return 0;
}

long pv_new_guest_cr3(unsigned long mfn)
{
    return new_base(mfn, false);
}

static long clear_or_copy(unsigned long dst_mfn, unsigned long src_mfn, bool copy,
                          struct domain *d)
{
    struct page_info *dst = owned_frame(dst_mfn, d), *src = NULL;
    long rc = -XEN_EINVAL;

    if (!dst)
        return -XEN_EINVAL;
    if (copy && !(src = owned_frame(src_mfn, d)))
        goto out;
    if (get_page_type(dst, PGT_writable_page, false))
        goto out;                       /* e.g. a page table */
    if (copy)
        memcpy(mfn_to_virt(dst_mfn), mfn_to_virt(src_mfn), PAGE_SIZE);
    else
        clear_frame(dst_mfn);
    put_page_type(dst, false);
    rc = 0;
out:
    if (src)
        put_page(src);
    put_page(dst);
    return rc;
}

static long flush_op(const struct mmuext_op *op, struct domain *d)
{
    uint64_t mask = 0, vmask;
    bool one = op->cmd == MMUEXT_INVLPG_LOCAL || op->cmd == MMUEXT_INVLPG_MULTI ||
               op->cmd == MMUEXT_INVLPG_ALL;

    switch (op->cmd) {
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_INVLPG_LOCAL:
        mask = 1ULL << smp_processor_id();
        break;
    case MMUEXT_TLB_FLUSH_ALL:
    case MMUEXT_INVLPG_ALL:
        mask = domain_running_mask(d) | (1ULL << smp_processor_id());
        break;
    default:                            /* the _MULTI forms: a vCPU bitmap */
        if (get_guest_u64(&vmask, op->arg2.vcpumask))
            return -XEN_EINVAL;         /* Xen's answer for an unreadable mask */
        for (unsigned int i = 0; i < d->max_vcpus && i < 64; i++)
            if ((vmask & (1ULL << i)) && d->vcpu[i] && d->vcpu[i]->is_running)
                mask |= 1ULL << d->vcpu[i]->processor;
    }
    pv_tlb_flush(mask, op->arg1.linear_addr, one);
    return 0;
}

static long one_op(const struct mmuext_op *op, const struct mmu_owners *o)
{
    struct domain *cd = current->domain;

    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        return pin(op->arg1.mfn, op->cmd - MMUEXT_PIN_L1_TABLE + 1, o->pg_d);
    case MMUEXT_UNPIN_TABLE:
        return unpin(op->arg1.mfn, o->pg_d);
    case MMUEXT_NEW_BASEPTR:
    case MMUEXT_NEW_USER_BASEPTR:
        if (o->pg_d != cd)
            return -XEN_EPERM;
        return new_base(op->arg1.mfn, op->cmd == MMUEXT_NEW_USER_BASEPTR);
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
    case MMUEXT_INVLPG_ALL:
        return flush_op(op, cd);
    case MMUEXT_FLUSH_CACHE:
    case MMUEXT_FLUSH_CACHE_GLOBAL:
        if (!cd->is_privileged)
            return -XEN_EACCES;
        __asm__ __volatile__("wbinvd" ::: "memory");
        return 0;
    case MMUEXT_SET_LDT:
        if (o->pg_d != cd)
            return -XEN_EPERM;
        return pv_set_ldt(op->arg1.linear_addr, op->arg2.nr_ents);
    case MMUEXT_CLEAR_PAGE:
        return clear_or_copy(op->arg1.mfn, 0, false, o->pg_d);
    case MMUEXT_COPY_PAGE:
        return clear_or_copy(op->arg1.mfn, op->arg2.src_mfn, true, o->pg_d);
    case MMUEXT_MARK_SUPER:
    case MMUEXT_UNMARK_SUPER:
        return -XEN_EOPNOTSUPP;
    }
    return -XEN_ENOSYS;
}

/* The operations of a batch whose owners batch_enter took. */
static long mmuext_batch(struct batch *b)
{
    unsigned int count = b->count;
    struct mmuext_op op;
    long rc;

    _Static_assert(sizeof(op) % 8 == 0, "mmuext_op is whole words");
    for (unsigned int i = 0; i < count; i++) {
        unsigned long va = b->list + (unsigned long)i * sizeof(op);

        /* PV only (not in the HVM table): no translated copy to consider. */
        if (!guest_range_ok(va, sizeof(op)) ||
            copy_words_guarded(&op, (const void *)va, sizeof(op) / 8))
            return batch_fail(b, i, -XEN_EFAULT);
        rc = one_op(&op, &b->o);
        if (rc == -XEN_ERESTART)
            return batch_continuation(b->op, b->list, b->elem, i, count, b->pdone,
                                      b->done + i, b->foreigndom);
        if (rc)
            return batch_fail(b, i, rc);
        if ((rc = batch_between(b, i)))
            return rc;
    }
    return batch_finish(b);
}

long do_mmuext_op(unsigned long uops, unsigned int count, unsigned long pdone,
                  unsigned int foreigndom)
{
    struct batch b = { .op = __HYPERVISOR_mmuext_op, .list = uops,
                       .elem = sizeof(struct mmuext_op), .count = count,
                       .pdone = pdone, .foreigndom = foreigndom };
    long rc;

    if (!batch_enter(&b, &rc))
        return rc;
    rc = mmuext_batch(&b);
    put_owners(&b.o);
    return rc;
}
