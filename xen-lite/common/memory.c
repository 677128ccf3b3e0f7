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
#include "xen/physmap.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "memory_op.h"
#include "xen_errno.h"

#define MAX_EXTENT_ORDER    9           /* 2 MiB */
#define MAX_EXTENT_ORDER_CTL 18         /* 1 GiB: dom0 populating a guest */

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

/* An extent's guest frame, for a translated domain: aligned, in range, free. */
static int check_gpfn(struct domain *d, xen_pfn_t gpfn, unsigned int order)
{
    enum p2m_type t;

    if ((gpfn & ((1UL << order) - 1)) || gpfn + (1UL << order) - 1 > P2M_MAX_GFN)
        return -XEN_EINVAL;
    for (unsigned long j = 0; j < (1UL << order); j++)
        if (guest_physmap_lookup(d, gpfn + j, &t) != P2M_INVALID_MFN ||
            t != p2m_invalid)
            return -XEN_EBUSY;          /* populated already: refused, unchanged */
    return 0;
}

/*
 * One extent of populate_physmap (or increase_reservation, which maps
 * nothing).  A PV guest names the gpfn for the M2P and gets the machine
 * frame written back; a translated guest's gpfn is where the p2m maps it,
 * and machine frames are never shown to it.
 */
static int populate_one(struct domain *d, const struct xen_memory_reservation *r,
                        unsigned long i, bool increase)
{
    unsigned long slot = r->extent_start + i * sizeof(xen_pfn_t), n = 1UL << r->extent_order;
    bool translated = paging_mode_translate(d);
    struct page_info *pg;
    xen_pfn_t gpfn = 0, mfn;
    int rc = 0;

    if (!increase && copy_from_guest(&gpfn, slot, sizeof(gpfn)))
        return -XEN_EFAULT;
    if (!increase && translated && (rc = check_gpfn(d, gpfn, r->extent_order)))
        return rc;
    if (!(pg = alloc_domain_pages(d, r->extent_order, 0)))
        return -XEN_ENOMEM;
    mfn = page_to_mfn(pg);
    if (increase)
        for (unsigned long j = 0; j < n; j++)
            set_gpfn_from_mfn(mfn + j, INVALID_M2P_ENTRY);
    else
        rc = guest_physmap_add_page(d, gpfn, mfn, r->extent_order);
    if (!rc && !translated && r->extent_start && copy_to_guest(slot, &mfn, sizeof(mfn))) {
        guest_physmap_remove_page(d, gpfn, mfn, r->extent_order);
        rc = -XEN_EFAULT;
    }
    if (rc)
        for (unsigned long j = 0; j < n; j++)
            put_allocation_ref(pg + j);
    return rc;
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

/* A PV guest gives back an extent of 2^order frames at mfn: all of it or none. */
static int release_extent(struct domain *d, xen_pfn_t mfn, unsigned int order)
{
    unsigned long n = 1UL << order;
    int rc;

    if (mfn & (n - 1))
        return -XEN_EINVAL;
    for (unsigned long j = 0; j < n; j++)
        if ((rc = releasable(d, mfn + j)))
            return rc;
    guest_physmap_remove_page(d, 0, mfn, order);    /* no p2m: cannot fail */
    release_domain_pages(d, mfn_to_page(mfn), order);
    return 0;
}

/*
 * Frames a translated guest unmapped, held until every pCPU that may
 * cache their translations has flushed (guest_physmap_sync).
 */
#define RELEASE_MAX     512             /* one extent of MAX_EXTENT_ORDER */
#define RELEASE_KEEP    (1UL << 63)     /* a hypervisor page: unmapped only */
struct release {
    unsigned int n, max;
    unsigned long *mfn;
};

static void release_flush(struct domain *d, struct release *rl)
{
    guest_physmap_sync(d);
    for (unsigned int i = 0; i < rl->n; i++)
        if (!(rl->mfn[i] & RELEASE_KEEP))
            put_allocation_ref(mfn_to_page(rl->mfn[i]));
    rl->n = 0;
}

/* A translated guest gives back [gpfn, +2^order): RAM it owns, or nothing. */
static int unmap_extent(struct domain *d, xen_pfn_t gpfn, unsigned int order,
                        struct release *rl)
{
    unsigned long n = 1UL << order, first = rl->n;
    enum p2m_type t;
    int rc;

    if ((gpfn & (n - 1)) || gpfn + n - 1 > P2M_MAX_GFN || n > rl->max)
        return -XEN_EINVAL;
    if (rl->n + n > rl->max)
        release_flush(d, rl);
    for (unsigned long j = 0; j < n; j++) {
        unsigned long mfn = guest_physmap_lookup(d, gpfn + j, &t);
        if (t != p2m_ram_rw && t != p2m_xen_page) {
            rl->n = first;
            return -XEN_EINVAL;         /* a hole or emulated MMIO */
        }
        rl->mfn[rl->n++] = mfn | (t == p2m_xen_page ? RELEASE_KEEP : 0);
    }
    if ((rc = p2m_set(d->arch.p2m, gpfn, 0, order, p2m_invalid))) {
        rl->n = first;
        return rc;
    }
    for (unsigned long j = first; j < rl->n; j++) {
        guest_physmap_changed(d, gpfn + j - first, rl->mfn[j] & ~RELEASE_KEEP, 0);
        if (!(rl->mfn[j] & RELEASE_KEEP))
            set_gpfn_from_mfn(rl->mfn[j], INVALID_M2P_ENTRY);
    }
    return 0;
}

static inline int decrease_one(struct domain *d, const struct xen_memory_reservation *r,
                        unsigned long i, struct release *rl)
{
    xen_pfn_t frame;

    if (copy_from_guest(&frame, r->extent_start + i * sizeof(frame), sizeof(frame)))
        return -XEN_EFAULT;
    if (paging_mode_translate(d))
        return unmap_extent(d, frame, r->extent_order, rl);
    return release_extent(d, frame, r->extent_order);
}

static long reservation(unsigned int op, unsigned long start, unsigned long arg)
{
    struct xen_memory_reservation r;
    struct release store = { 0, RELEASE_MAX, NULL }, *rl = NULL;
    bool preempted = false;
    struct domain *d;
    unsigned long i;
    int rc = 0;

    if (copy_from_guest_obj(&r, arg))
        return -XEN_EFAULT;
    if (r.extent_order > (current->domain->is_privileged ? MAX_EXTENT_ORDER_CTL
                                                         : MAX_EXTENT_ORDER) ||
        start > r.nr_extents)
        return -XEN_EINVAL;
    if (!(d = reservation_domain(r.domid, &rc)))
        return rc;
    if (op == XENMEM_decrease_reservation && paging_mode_translate(d)) {
        if (!(store.mfn = xmalloc_bytes(RELEASE_MAX * sizeof(*store.mfn)))) {
            put_domain(d);
            return -XEN_ENOMEM;
        }
        rl = &store;
    }
    for (i = start; i < r.nr_extents; i++) {
        if (i > start && (preempted = hypercall_preempt_check()))
            break;
        if (op == XENMEM_decrease_reservation ? decrease_one(d, &r, i, rl)
                                              : populate_one(d, &r, i, op == XENMEM_increase_reservation))
            break;
    }
    if (rl) {
        release_flush(d, rl);
        xfree(rl->mfn);
    }
    put_domain(d);
    if (preempted)
        return hypercall_create_continuation(__HYPERVISOR_memory_op, "lh",
                                             op | (i << MEMOP_EXTENT_SHIFT), arg);
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
        if (paging_mode_translate(d))
            rc = d->arch.p2m->max_gfn;
        else
            rc = (d->shared_info->arch.max_pfn ? d->shared_info->arch.max_pfn : 1) - 1;
        break;
    }
    put_domain(d);
    return rc;
}

/*
 * Map the shared_info page at gpfn of a translated guest, where it stays
 * until moved: RAM that was there goes back to the allocator (as on Xen).
 */
static int map_shared_info(struct domain *d, xen_pfn_t gpfn)
{
    unsigned long mfn = virt_to_mfn(d->shared_info), old, prev = get_gpfn_from_mfn(mfn);
    unsigned long frames[2];
    struct release rl = { 0, 2, frames };
    enum p2m_type t;
    int rc;

    if (gpfn > P2M_MAX_GFN)
        return -XEN_EINVAL;
    old = guest_physmap_lookup(d, gpfn, &t);
    if (old == mfn)
        return 0;
    rc = prev != INVALID_M2P_ENTRY ? unmap_extent(d, prev, 0, &rl) : 0;
    if (!rc && t == p2m_ram_rw)
        rc = unmap_extent(d, gpfn, 0, &rl);
    if (!rc && !(rc = p2m_set(d->arch.p2m, gpfn, mfn, 0, p2m_xen_page)))
        set_gpfn_from_mfn(mfn, gpfn);
    release_flush(d, &rl);
    return rc;
}

/*
 * Map a special page into a translated guest's physical space.  A PV
 * guest's own page tables name machine frames: Xen refuses it -EACCES.
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
    if (!paging_mode_translate(d))
        rc = -XEN_EACCES;
    else if (x.space == XENMAPSPACE_shared_info)
        rc = x.idx ? -XEN_EINVAL : map_shared_info(d, x.gpfn);
    else
        rc = -XEN_EOPNOTSUPP;           /* grant tables, moving gmfns: not here */
    put_domain(d);
    return rc;
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
