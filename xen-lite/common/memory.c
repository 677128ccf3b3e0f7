/*
 * memory_op: what a PV guest may ask about memory.  The reservation
 * operations (increase/decrease/populate) belong to the ballooning work and
 * answer -ENOSYS until then.
 */
#include "asm/guest_access.h"
#include "xen/hypercall.h"
#include "xen/lib.h"
#include "xen/m2p.h"
#include "xen/sched.h"
#include "memory_op.h"
#include "xen_errno.h"

static long target_domain_pages(unsigned long arg, bool max)
{
    domid_t domid;
    struct domain *d;
    long rc;

    if (copy_from_guest(&domid, arg, sizeof(domid)))
        return -XEN_EFAULT;
    if (domid == DOMID_SELF || domid == current->domain->domain_id)
        return max ? (long)current->domain->max_pages : (long)current->domain->tot_pages;
    if (!current->domain->is_privileged)
        return -XEN_EPERM;
    if (!(d = get_domain_by_id(domid)))
        return -XEN_ESRCH;
    rc = max ? (long)d->max_pages : (long)d->tot_pages;
    put_domain(d);
    return rc;
}

static long machphys_mfn_list(unsigned long arg)
{
    struct xen_machphys_mfn_list l;
    unsigned int n;

    if (copy_from_guest_obj(&l, arg))
        return -XEN_EFAULT;
    /* One entry per 2 MiB of the table, as Xen reports it. */
    n = MIN(l.max_extents, DIV_ROUND_UP(m2p_nr_frames(), 512U));
    for (unsigned int i = 0; i < n; i++) {
        xen_pfn_t mfn = m2p_frame_mfn(i * 512);
        if (copy_to_guest(l.extent_start + i * sizeof(mfn), &mfn, sizeof(mfn)))
            return -XEN_EFAULT;
    }
    l.nr_extents = n;
    return copy_to_guest_obj(arg, &l) ? -XEN_EFAULT : 0;
}

long do_memory_op(unsigned long cmd, unsigned long arg)
{
    switch (cmd & 0xf) {
    case XENMEM_maximum_ram_page:
        return max_page - 1;
    case XENMEM_current_reservation:
        return target_domain_pages(arg, false);
    case XENMEM_maximum_reservation:
        return target_domain_pages(arg, true);
    case XENMEM_machphys_mfn_list:
        return machphys_mfn_list(arg);
    }
    return -XEN_ENOSYS;
}
