/*
 * domctl: the privileged interface dom0's toolstack builds and manages
 * domains with (Xen 4.17's numbers and layouts).  Every entry checks that
 * the caller is privileged, the interface version, that the target exists
 * and is in the right state -- before it changes anything.
 */
#include "asm/guest_access.h"
#include "asm/page.h"
#include "xen/event.h"
#include "xen/hypercall.h"
#include "xen/lib.h"
#include "xen/percpu.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen/sched_if.h"
#include "xen/domctl_int.h"
#include "hvm/hvm.h"
#include "domctl.h"
#include "xenlite.h"
#include "xen_errno.h"

static uint32_t domain_flags(const struct domain *d)
{
    uint32_t f = 0;
    bool any_running = false, all_blocked = true;

    for_each_vcpu(d, v) {
        any_running |= v->is_running;
        if (!test_bit(_VPF_blocked, &v->pause_flags) && !test_bit(_VPF_down, &v->pause_flags))
            all_blocked = false;
    }
    if (d->state != DOMSTATE_alive)
        f |= XEN_DOMINF_dying;
    if (is_hvm_domain(d))
        f |= XEN_DOMINF_hvm_guest | (d->arch.paging == PAGING_HAP ? XEN_DOMINF_hap : 0);
    if (d->is_shut_down)
        f |= XEN_DOMINF_shutdown | ((uint32_t)d->shutdown_code << XEN_DOMINF_shutdownshift);
    if (d->controller_pause_count)
        f |= XEN_DOMINF_paused;
    if (all_blocked)
        f |= XEN_DOMINF_blocked;
    if (any_running)
        f |= XEN_DOMINF_running;
    return f;
}

void getdomaininfo(const struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    uint32_t online = 0, max_id = 0;
    uint64_t cpu_time = 0;

    memset(info, 0, sizeof(*info));
    for_each_vcpu(d, v) {
        online += !test_bit(_VPF_down, &v->pause_flags);
        max_id = v->vcpu_id;
        cpu_time += vcpu_cpu_time(v);
    }
    info->domain = d->domain_id;
    info->flags = domain_flags(d);
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
    info->shared_info_frame = virt_to_mfn(d->shared_info);
    info->cpu_time = cpu_time;
    info->nr_online_vcpus = online;
    info->max_vcpu_id = max_id;
    info->gpaddr_bits = 52;
    memcpy(info->handle, d->handle, sizeof(info->handle));
}

static long createdomain(struct xen_domctl *op)
{
    struct xen_domctl_createdomain *c = &op->u.createdomain;
    domid_t domid = op->domain;
    struct domain *d;
    int rc;

    unsigned int flags = (c->flags & XEN_DOMCTL_CDF_hvm ? DOMCRF_hvm : 0) |
                         (c->flags & XEN_DOMCTL_CDF_hap ? DOMCRF_hap : 0);

    if (c->flags & ~(XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap))
        return -XEN_EOPNOTSUPP;
    if ((c->flags & XEN_DOMCTL_CDF_hvm) && !hvm_available())
        return -XEN_EOPNOTSUPP;         /* no SVM on this CPU */
    if (!c->max_vcpus || c->max_vcpus > MAX_VIRT_CPUS)
        return -XEN_EINVAL;
    if (domid == 0 || domid >= DOMID_FIRST_RESERVED)
        domid = domid_alloc();
    else if (domain_from_id_noref(domid))
        return -XEN_EEXIST;
    if (domid == DOMID_INVALID)
        return -XEN_ENOSPC;
    if (!(d = domain_create(domid, c->max_vcpus, flags, &rc)))
        return rc;
    memcpy(d->handle, c->handle, sizeof(d->handle));
    /* A new domain starts paused, as under Xen, until unpausedomain. */
    d->controller_pause_count = 1;
    for (unsigned int i = 0; i < c->max_vcpus; i++)
        if (!vcpu_create(d, i)) {
            domain_kill(d);
            return -XEN_ENOMEM;
        }
    op->domain = domid;
    printk(XENLOG_DEBUG "Domain %u created (%u vCPUs)\n", domid, c->max_vcpus);
    return 0;
}

static long vcpu_context(struct domain *d, struct xen_domctl *op, bool set)
{
    struct xen_domctl_vcpucontext *vc = &op->u.vcpucontext;
    struct vcpu_guest_context *ctx;
    struct vcpu *v;
    long rc = 0;

    if (!(v = domain_vcpu(d, vc->vcpu)))
        return -XEN_ESRCH;
    if (is_hvm_domain(d))
        return -XEN_EOPNOTSUPP;         /* a PV context: XEN_DOMCTL_xenlite_hvm_context */
    if (set && (d == current->domain || !domain_is_paused(d)))
        return -XEN_EBUSY;              /* the vCPU must not be running */
    if (!(ctx = xmalloc(struct vcpu_guest_context)))
        return -XEN_ENOMEM;
    if (set) {
        if (copy_from_guest_obj(ctx, vc->ctxt))
            rc = -XEN_EFAULT;
        else if (d->arch.ops->is_initialised(v))
            rc = -XEN_EEXIST;
        else if (!(rc = pv_vcpu_set_context(v, ctx)) && (ctx->flags & VGCF_online))
            clear_bit(_VPF_down, &v->pause_flags);
    } else {
        pv_vcpu_get_context(v, ctx);
        rc = copy_to_guest_obj(vc->ctxt, ctx) ? -XEN_EFAULT : 0;
    }
    xfree(ctx);
    return rc;
}

/* A paused HVM domain's vCPU starts from a vcpu_hvm_context, and is up. */
static long hvm_vcpu_context(struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_xenlite_hvm_vcpu_context a;
    struct vcpu_hvm_context ctx;
    struct vcpu *v;
    long rc;

    memcpy(&a, op->u.pad, sizeof(a));
    if (!is_hvm_domain(d))
        return -XEN_EINVAL;
    if (a.vcpu >= d->max_vcpus || !(v = d->vcpu[a.vcpu]))
        return -XEN_ESRCH;
    if (d == current->domain || !domain_is_paused(d))
        return -XEN_EBUSY;
    if (copy_from_guest_obj(&ctx, a.ctxt))
        return -XEN_EFAULT;
    if ((rc = hvm_set_vcpu_context(v, &ctx)))
        return rc;
    clear_bit(_VPF_down, &v->pause_flags);
    return 0;
}

/*
 * Any limit is accepted, as on Xen: one above the host's memory only means
 * the host runs out first; one below the current allocation means the
 * guest cannot grow again until it has shrunk below it.
 */
static long max_mem(struct domain *d, uint64_t max_kb)
{
    uint64_t pages = max_kb >> (PAGE_SHIFT - 10);
    unsigned long f = spin_lock_irqsave(&d->page_alloc_lock);

    d->max_pages = MIN(pages, (uint64_t)UINT32_MAX);
    spin_unlock_irqrestore(&d->page_alloc_lock, f);
    return 0;
}

static long domctl_on(struct domain *d, struct xen_domctl *op, bool *copyback)
{
    switch (op->cmd) {
    case XEN_DOMCTL_destroydomain:
        return domain_kill(d);
    case XEN_DOMCTL_pausedomain:
        return domain_pause_by_controller(d);
    case XEN_DOMCTL_unpausedomain:
        return domain_unpause_by_controller(d);
    case XEN_DOMCTL_getdomaininfo:
        getdomaininfo(d, &op->u.getdomaininfo);
        *copyback = true;
        return 0;
    case XEN_DOMCTL_max_mem:
        return max_mem(d, op->u.max_mem.max_memkb);
    case XEN_DOMCTL_setvcpucontext:
        return vcpu_context(d, op, true);
    case XEN_DOMCTL_getvcpucontext:
        return vcpu_context(d, op, false);
    case XEN_DOMCTL_max_vcpus:
        return op->u.max_vcpus.max == d->max_vcpus ? 0 : -XEN_EINVAL;
    case XEN_DOMCTL_setdomainhandle:
        memcpy(d->handle, op->u.pad, sizeof(d->handle));
        return 0;
    case XEN_DOMCTL_getvcpuinfo:
        *copyback = true;
        return domctl_vcpuinfo(d, &op->u.getvcpuinfo);
    case XEN_DOMCTL_setvcpuaffinity:
    case XEN_DOMCTL_getvcpuaffinity:
        *copyback = op->cmd == XEN_DOMCTL_getvcpuaffinity;
        return domctl_affinity(d, &op->u.vcpuaffinity, op->cmd == XEN_DOMCTL_setvcpuaffinity);
    case XEN_DOMCTL_scheduler_op:
        *copyback = true;
        return domctl_sched(d, &op->u.scheduler_op);
    case XEN_DOMCTL_xenlite_hvm_vcpu_context:
        return hvm_vcpu_context(d, op);
    case XEN_DOMCTL_get_paging_mempool_size:
    case XEN_DOMCTL_set_paging_mempool_size:
        *copyback = op->cmd == XEN_DOMCTL_get_paging_mempool_size;
        return hvm_paging_mempool(d, &op->u.paging_mempool.size, !*copyback);
    case XEN_DOMCTL_hypercall_init:
        if (is_hvm_domain(d))
            return -XEN_EINVAL;         /* an HVM guest asks through the MSR */
        return domctl_hypercall_init(d, *(uint64_t *)op->u.pad);
    }
    return -XEN_ENOSYS;
}

long do_domctl(unsigned long arg)
{
    struct xen_domctl op;
    struct domain *d;
    bool copyback = false;
    long rc;

    if (!current->domain->is_privileged)
        return -XEN_EPERM;
    if (copy_from_guest_obj(&op, arg))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -XEN_EACCES;
    if (op.cmd == XEN_DOMCTL_createdomain) {
        if ((rc = createdomain(&op)) == 0 && copy_to_guest_obj(arg, &op))
            rc = -XEN_EFAULT;
        return rc;
    }
    if (!(d = get_domain_by_id(op.domain)))
        return -XEN_ESRCH;
    rc = domctl_on(d, &op, &copyback);
    put_domain(d);
    if (rc == 0 && copyback && copy_to_guest_obj(arg, &op))
        rc = -XEN_EFAULT;
    return rc;
}
