/*
 * domctl sub-operations on vCPUs and scheduling: vCPU information and
 * affinity, credit weight and cap, and the hypercall page for a new guest.
 */
#include "asm/guest_access.h"
#include "asm/page.h"
#include "xen/domctl_int.h"
#include "xen/lib.h"
#include "xen/percpu.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen/sched_if.h"
#include "xen/smp.h"
#include "xen_errno.h"

long domctl_vcpuinfo(struct domain *d, struct xen_domctl_getvcpuinfo *vi)
{
    struct vcpu *v;

    if (!(v = domain_vcpu(d, vi->vcpu)))
        return -XEN_ESRCH;
    vi->online = !test_bit(_VPF_down, &v->pause_flags);
    vi->blocked = test_bit(_VPF_blocked, &v->pause_flags);
    vi->running = v->is_running;
    vi->cpu_time = vcpu_cpu_time(v);
    vi->cpu = v->processor;
    return 0;
}

/* The guest's bitmap <-> our 64-bit pCPU mask. */
static int bitmap_in(const struct xenctl_bitmap *b, uint64_t *mask)
{
    uint8_t bytes[8] = { 0 };
    unsigned int n = MIN((b->nr_bits + 7) / 8, 8U);

    if (n && copy_from_guest(bytes, b->bitmap, n))
        return -XEN_EFAULT;
    memcpy(mask, bytes, 8);
    if (b->nr_bits < 64)
        *mask &= (1ULL << b->nr_bits) - 1;
    return 0;
}

static int bitmap_out(const struct xenctl_bitmap *b, uint64_t mask)
{
    unsigned int n = (b->nr_bits + 7) / 8;
    uint8_t bytes[64] = { 0 };

    if (n > sizeof(bytes))
        n = sizeof(bytes);
    memcpy(bytes, &mask, MIN(n, 8U));
    return n && copy_to_guest(b->bitmap, bytes, n) ? -XEN_EFAULT : 0;
}

long domctl_affinity(struct domain *d, struct xen_domctl_vcpuaffinity *a, bool set)
{
    struct vcpu *v;
    uint64_t hard = 0, soft = 0;
    int rc;

    if (!(v = domain_vcpu(d, a->vcpu)))
        return -XEN_ESRCH;
    if (!set)
        return bitmap_out(&a->cpumap_hard, v->affinity) ?:
               bitmap_out(&a->cpumap_soft, v->soft_affinity &
                                           cpu_online_mask());
    /* Read both before changing either. */
    if ((a->flags & XEN_VCPUAFFINITY_HARD) &&
        (rc = bitmap_in(&a->cpumap_hard, &hard)))
        return rc;
    if ((a->flags & XEN_VCPUAFFINITY_SOFT) &&
        (rc = bitmap_in(&a->cpumap_soft, &soft)))
        return rc;
    if ((a->flags & XEN_VCPUAFFINITY_SOFT) && !(soft & cpu_online_mask()))
        return -XEN_EINVAL;
    if ((a->flags & XEN_VCPUAFFINITY_HARD) &&
        (rc = vcpu_set_affinity(v, hard)))
        return rc;
    if (a->flags & XEN_VCPUAFFINITY_SOFT)
        v->soft_affinity = soft;        /* a preference: see sched_cpu_for */
    return 0;
}

long domctl_sched(struct domain *d, struct xen_domctl_scheduler_op *s)
{
    if (s->sched_id != XEN_SCHEDULER_CREDIT)
        return -XEN_EINVAL;
    switch (s->cmd) {
    case XEN_DOMCTL_SCHEDOP_getinfo:
        s->u.credit.weight = d->sched->weight;
        s->u.credit.cap = d->sched->cap;
        return 0;
    case XEN_DOMCTL_SCHEDOP_putinfo:
        /* 0 means "leave as it is", as in Xen's credit scheduler. */
        if (s->u.credit.cap > 100 * d->max_vcpus)
            return -XEN_EINVAL;
        if (s->u.credit.weight)
            d->sched->weight = s->u.credit.weight;
        d->sched->cap = s->u.credit.cap;
        return 0;
    }
    return -XEN_EINVAL;
}

long domctl_hypercall_init(struct domain *d, uint64_t gmfn)
{
    struct page_info *pg;

    if (!mfn_valid(gmfn))
        return -XEN_EINVAL;
    pg = mfn_to_page(gmfn);
    if (get_page_and_type(pg, d->domain_id, PGT_writable_page, false))
        return -XEN_EINVAL;
    write_hypercall_page(mfn_to_virt(gmfn));
    put_page_and_type(pg);
    return 0;
}
