/*
 * memory_op: reservations (populate, increase, decrease), queries, the
 * machine-to-phys frame list.  dom0 may act on other domains.  For a PV
 * guest a "gpfn" names the M2P entry to set, and the machine frames
 * allocated are written back into the caller's list, as Xen does.
 */
#include "asm/guest_access.h"
#include "xen/hypercall.h"
#include "xen/preempt.h"
#include "xen/lib.h"
#include "xen/m2p.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "memory_op.h"
#include "xen_errno.h"

#define MAX_EXTENT_ORDER    9           /* 2 MiB */

static struct domain *reservation_domain(domid_t domid, int *err)
{
    struct domain *d;

    if (domid == DOMID_SELF || domid == current->domain->domain_id) {
        get_domain(current->domain);
        return current->domain;
    }
    if (!current->domain->is_privileged) {
        *err = -XEN_EPERM;
        return NULL;
    }
    if (!(d = get_domain_by_id(domid)))
        *err = -XEN_ESRCH;
    return d;
}

static int populate_one(struct domain *d, const struct xen_memory_reservation *r,
                        unsigned long i, bool increase)
{
    unsigned long slot = r->extent_start + i * sizeof(xen_pfn_t);
    struct page_info *pg;
    xen_pfn_t gpfn = 0, mfn;

    if (!increase && copy_from_guest(&gpfn, slot, sizeof(gpfn)))
        return -XEN_EFAULT;
    if (!(pg = alloc_domain_pages(d, r->extent_order, 0)))
        return -XEN_ENOMEM;
    mfn = page_to_mfn(pg);
    for (unsigned long j = 0; j < (1UL << r->extent_order); j++)
        set_gpfn_from_mfn(mfn + j, increase ? INVALID_M2P_ENTRY : gpfn + j);
    if (r->extent_start && copy_to_guest(slot, &mfn, sizeof(mfn))) {
        for (unsigned long j = 0; j < (1UL << r->extent_order); j++)
            put_allocation_ref(pg + j);
        return -XEN_EFAULT;
    }
    return 0;
}

/* May d give back this frame: its own, unmapped and untyped? */
static int releasable(struct domain *d, xen_pfn_t mfn)
{
    struct page_info *pg;
    uint64_t x;

    if (!mfn_valid(mfn))
        return -XEN_EINVAL;
    pg = mfn_to_page(mfn);
    if (pg->owner != d->domain_id || (pg->count_info & PGC_xen_heap))
        return -XEN_EINVAL;
    x = __atomic_load_n(&pg->count_info, __ATOMIC_SEQ_CST);
    if ((x & PGC_count_mask) != 1 || !(x & PGC_allocated) || (pg->type_info & PGT_count_mask))
        return -XEN_EBUSY;              /* still mapped, pinned or typed */
    return 0;
}

/* Give back an extent of 2^order frames at mfn: all of it or none. */
static int release_extent(struct domain *d, xen_pfn_t mfn, unsigned int order)
{
    unsigned long n = 1UL << order;
    int rc;

    if (mfn & (n - 1))
        return -XEN_EINVAL;
    for (unsigned long j = 0; j < n; j++)
        if ((rc = releasable(d, mfn + j)))
            return rc;
    for (unsigned long j = 0; j < n; j++)
        put_allocation_ref(mfn_to_page(mfn + j));
    return 0;
}

static long reservation(unsigned int op, unsigned long start, unsigned long arg)
{
    struct xen_memory_reservation r;
    struct domain *d;
    unsigned long i;
    int rc = 0;

    if (copy_from_guest_obj(&r, arg))
        return -XEN_EFAULT;
    if (r.extent_order > MAX_EXTENT_ORDER || start > r.nr_extents)
        return -XEN_EINVAL;
    if (!(d = reservation_domain(r.domid, &rc)))
        return rc;
    for (i = start; i < r.nr_extents; i++) {
        if (i > start && hypercall_preempt_check()) {
            put_domain(d);
            return hypercall_create_continuation(__HYPERVISOR_memory_op, "lh",
                                                 op | (i << MEMOP_EXTENT_SHIFT), arg);
        }
        if (op == XENMEM_decrease_reservation) {
            xen_pfn_t mfn;
            if (copy_from_guest(&mfn, r.extent_start + i * sizeof(mfn), sizeof(mfn)) ||
                release_extent(d, mfn, r.extent_order))
                break;
        } else if (populate_one(d, &r, i, op == XENMEM_increase_reservation)) {
            break;
        }
    }
    put_domain(d);
    return i;                           /* extents done, as Xen reports */
}

static long domain_pages(unsigned long arg, int which)
{
    domid_t domid;
    struct domain *d;
    long rc = 0;
    int err = 0;

    if (copy_from_guest(&domid, arg, sizeof(domid)))
        return -XEN_EFAULT;
    if (!(d = reservation_domain(domid, &err)))
        return err;
    switch (which) {
    case XENMEM_current_reservation: rc = d->tot_pages; break;
    case XENMEM_maximum_reservation: rc = d->max_pages; break;
    case XENMEM_maximum_gpfn:           /* a PV guest says how big its p2m is */
        rc = (d->shared_info->arch.max_pfn ? d->shared_info->arch.max_pfn : 1) - 1;
        break;
    }
    put_domain(d);
    return rc;
}

/*
 * Map a special page into a translated guest's physical space.  Every
 * domain is PV for now (its own page tables name machine frames), which Xen
 * refuses with -EACCES; HVM guests will plug their p2m in here.
 */
static long add_to_physmap(unsigned long arg)
{
    struct xen_add_to_physmap x;
    struct domain *d;
    int rc = 0;

    if (copy_from_guest_obj(&x, arg))
        return -XEN_EFAULT;
    if (x.space == XENMAPSPACE_gmfn_foreign)
        return -XEN_ENOSYS;             /* only through the batch form */
    if (!(d = reservation_domain(x.domid, &rc)))
        return rc;
    put_domain(d);
    return -XEN_EACCES;
}

long do_memory_op(unsigned long cmd, unsigned long arg)
{
    unsigned int op = cmd & MEMOP_CMD_MASK;
    unsigned long start = cmd >> MEMOP_EXTENT_SHIFT;

    switch (op) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation(op, start, arg);
    case XENMEM_maximum_ram_page:
        return max_page;                /* one past the last frame, as Xen */
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        return domain_pages(arg, op);
    case XENMEM_add_to_physmap:
        return add_to_physmap(arg);
    }
    return arch_memory_op(op, arg);
}
