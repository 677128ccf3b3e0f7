/*
 * Grant tables, version 1 (Xen's public grant_table.h): a domain's table
 * is a set of frames the hypervisor shares with it (each a hypervisor
 * page the domain may map, like shared_info), handed out by
 * GNTTABOP_setup_table; query_size, set_version and get_version answer
 * as Xen does for a version-1 table, and GNTTABOP_copy copies between
 * granted frames and the caller's own; mapping grants is grant_map.c.
 */
#include "asm/guest_access.h"
#include "asm/page.h"
#include "xen/gnttab.h"
#include "xen/hypercall.h"
#include "xen/lib.h"
#include "xen/preempt.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "grant_table.h"
#include "xen_errno.h"

#define ENTRIES_PER_FRAME       GNTTAB_ENTRIES_PER_FRAME
#define COPY_BATCH_CHECK        8       /* preemption check every so many */
_Static_assert(ENTRIES_PER_FRAME == PAGE_SIZE / sizeof(struct grant_entry_v1), "v1 entries");

int grant_table_init(struct domain *d)
{
    if (!(d->grant_table = xzalloc(struct grant_table)))
        return -XEN_ENOMEM;
    spin_lock_init(&d->grant_table->lock);
    spin_lock_init(&d->grant_table->maptrack_lock);
    return 0;
}

void grant_table_destroy(struct domain *d)
{
    struct grant_table *gt = d->grant_table;

    if (!gt)
        return;
    for (unsigned int i = 0; i < gt->nr_frames; i++) {
        free_shared_page(d, gt->frames[i]);
        xfree(gt->active[i]);
    }
    xfree(gt->maptrack);
    xfree(gt);
    d->grant_table = NULL;
}

/* The domain an op names (DOMID_SELF or its own id; any for dom0), referenced. */
static struct domain *op_domain(domid_t dom, int16_t *status)
{
    struct domain *cd = current->domain, *d;

    if (dom == DOMID_SELF || dom == cd->domain_id)
        dom = cd->domain_id;
    else if (!cd->is_privileged) {
        *status = GNTST_permission_denied;
        return NULL;
    }
    if (!(d = get_domain_by_id(dom)))
        *status = GNTST_bad_domain;
    return d;
}

/* Grow d's table to nr frames (it never shrinks while the domain lives). */
static int16_t grow(struct domain *d, unsigned int nr)
{
    struct grant_table *gt = d->grant_table;
    int16_t st = GNTST_okay;
    unsigned long f;

    if (nr > GNTTAB_MAX_FRAMES)
        return GNTST_general_error;
    f = spin_lock_irqsave(&gt->lock);
    while (gt->nr_frames < nr) {
        void *p = alloc_shared_page(d);
        struct grant_active *a = xzalloc_array(struct grant_active, ENTRIES_PER_FRAME);
        if (!p || !a) {
            if (p)
                free_shared_page(d, p);
            xfree(a);
            st = GNTST_no_space;
            break;
        }
        clear_frame(virt_to_mfn(p));
        gt->active[gt->nr_frames] = a;
        gt->frames[gt->nr_frames++] = p;
    }
    spin_unlock_irqrestore(&gt->lock, f);
    return st;
}

static long setup_table(unsigned long arg)
{
    struct gnttab_setup_table op;
    struct domain *d;

    if (copy_from_guest_obj(&op, arg))
        return -XEN_EFAULT;
    if ((d = op_domain(op.dom, &op.status))) {
        op.status = grow(d, op.nr_frames);
        for (unsigned int i = 0; op.status == GNTST_okay && i < op.nr_frames; i++) {
            xen_pfn_t mfn = virt_to_mfn(d->grant_table->frames[i]);
            if (copy_to_guest(op.frame_list + i * sizeof(mfn), &mfn, sizeof(mfn)))
                op.status = GNTST_bad_virt_addr;
        }
        put_domain(d);
    }
    return copy_to_guest_obj(arg, &op) ? -XEN_EFAULT : 0;
}

static long query_size(unsigned long arg)
{
    struct gnttab_query_size op;
    struct domain *d;

    if (copy_from_guest_obj(&op, arg))
        return -XEN_EFAULT;
    if ((d = op_domain(op.dom, &op.status))) {
        op.nr_frames = d->grant_table->nr_frames;
        op.max_nr_frames = GNTTAB_MAX_FRAMES;
        op.status = GNTST_okay;
        put_domain(d);
    }
    return copy_to_guest_obj(arg, &op) ? -XEN_EFAULT : 0;
}

static long set_version(unsigned long arg)
{
    struct gnttab_set_version op;

    if (copy_from_guest_obj(&op, arg))
        return -XEN_EFAULT;
    if (op.version != 1)
        return op.version == 2 ? -XEN_EOPNOTSUPP : -XEN_EINVAL;
    return copy_to_guest_obj(arg, &op) ? -XEN_EFAULT : 0;
}

static long get_version(unsigned long arg)
{
    struct gnttab_get_version op;
    int16_t st;
    struct domain *d;

    if (copy_from_guest_obj(&op, arg))
        return -XEN_EFAULT;
    if (!(d = op_domain(op.dom, &st)))
        return st == GNTST_bad_domain ? -XEN_ESRCH : -XEN_EPERM;
    put_domain(d);
    op.version = 1;
    return copy_to_guest_obj(arg, &op) ? -XEN_EFAULT : 0;
}

/*
 * One end of a copy: the frame (general reference held, and a writable
 * type one for a destination) -- a grant of ptr.domid to us, or one of our
 * own frames.
 */
static int16_t copy_end(const struct gnttab_copy_ptr *p, bool gref, bool dest,
                        unsigned long *mfn)
{
    struct domain *cd = current->domain, *d;
    struct page_info *pg;
    int16_t st = GNTST_okay;
    domid_t owner = cd->domain_id;

    if (gref) {
        struct grant_entry_v1 e;
        if (!(d = op_domain(p->domid == DOMID_SELF ? cd->domain_id : p->domid, &st)) &&
            st == GNTST_permission_denied)
            d = get_domain_by_id(p->domid);     /* a grant may come from anyone */
        if (!d)
            return GNTST_bad_domain;
        if (p->u >= (uint64_t)d->grant_table->nr_frames * ENTRIES_PER_FRAME) {
            put_domain(d);
            return GNTST_bad_gntref;
        }
        e = ((volatile struct grant_entry_v1 *)d->grant_table->frames[p->u / ENTRIES_PER_FRAME])
                [p->u % ENTRIES_PER_FRAME];
        owner = d->domain_id;
        put_domain(d);
        if ((e.flags & GTF_type_mask) != GTF_permit_access || e.domid != cd->domain_id ||
            (dest && (e.flags & GTF_readonly)))
            return GNTST_permission_denied;
        *mfn = e.frame;
    } else {
        if (p->domid != DOMID_SELF && p->domid != cd->domain_id)
            return GNTST_permission_denied;
        *mfn = p->u;
    }
    if (!mfn_valid(*mfn) || !get_page(pg = mfn_to_page(*mfn), owner))
        return GNTST_bad_page;
    if (dest && get_page_type(pg, PGT_writable_page, false)) {
        put_page(pg);
        return GNTST_bad_page;          /* a page table, a descriptor page */
    }
    return GNTST_okay;
}

static int16_t copy_one(const struct gnttab_copy *op)
{
    unsigned long src, dst;
    int16_t st;

    if ((unsigned int)op->source.offset + op->len > PAGE_SIZE ||
        (unsigned int)op->dest.offset + op->len > PAGE_SIZE)
        return GNTST_bad_copy_arg;
    if ((st = copy_end(&op->source, op->flags & GNTCOPY_source_gref, false, &src)))
        return st;
    if ((st = copy_end(&op->dest, op->flags & GNTCOPY_dest_gref, true, &dst))) {
        put_page(mfn_to_page(src));
        return st;
    }
    memmove((char *)mfn_to_virt(dst) + op->dest.offset,
            (char *)mfn_to_virt(src) + op->source.offset, op->len);
    put_page_and_type(mfn_to_page(dst));
    put_page(mfn_to_page(src));
    return GNTST_okay;
}

static long copy(unsigned long uops, unsigned int count)
{
    for (unsigned int i = 0; i < count; i++) {
        unsigned long va = uops + (unsigned long)i * sizeof(struct gnttab_copy);
        struct gnttab_copy op;

        if (i && !(i % COPY_BATCH_CHECK) && hypercall_preempt_check())
            return hypercall_create_continuation(__HYPERVISOR_grant_table_op, "ihi",
                                                 GNTTABOP_copy, va, count - i);
        if (copy_from_guest_obj(&op, va))
            return -XEN_EFAULT;
        op.status = copy_one(&op);
        if (copy_to_guest(va + offsetof(struct gnttab_copy, status), &op.status,
                          sizeof(op.status)))
            return -XEN_EFAULT;
    }
    return 0;
}

long do_grant_table_op(unsigned int cmd, unsigned long uop, unsigned int count)
{
    switch (cmd) {
    case GNTTABOP_setup_table:
        return count == 1 ? setup_table(uop) : -XEN_EINVAL;
    case GNTTABOP_query_size:
        return count == 1 ? query_size(uop) : -XEN_EINVAL;
    case GNTTABOP_set_version:
        return count == 1 ? set_version(uop) : -XEN_EINVAL;
    case GNTTABOP_get_version:
        return count == 1 ? get_version(uop) : -XEN_EINVAL;
    case GNTTABOP_copy:
        return copy(uop, count);
    case GNTTABOP_map_grant_ref:
        return gnttab_map(uop, count);
    case GNTTABOP_unmap_grant_ref:
        return gnttab_unmap(uop, count);
    }
    return -XEN_ENOSYS;
}
