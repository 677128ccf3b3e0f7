/*
 * sysctl: machine-wide queries and controls for dom0 (Xen 4.17's numbers
 * and layouts): physical information, the domain list, the hypervisor
 * console ring (xl dmesg), the scheduler's id, and our page-type audit.
 */
#include "asm/guest_access.h"
#include "asm/processor.h"
#include "xen/audit.h"
#include "xen/console.h"
#include "xen/domctl_int.h"
#include "xen/hypercall.h"
#include "xen/lib.h"
#include "xen/percpu.h"
#include "xen/physmap.h"
#include "xen/sched.h"
#include "hvm/hvm.h"
#include "xen/sched_if.h"
#include "xen/timer.h"
#include "sysctl.h"
#include "xenlite.h"
#include "xen_errno.h"

static void physinfo(struct xen_sysctl_physinfo *pi)
{
    memset(pi, 0, sizeof(*pi));
    pi->threads_per_core = 1;
    pi->cores_per_socket = nr_cpus_online;
    pi->nr_cpus = nr_cpus_online;
    pi->max_cpu_id = nr_cpu_ids - 1;
    pi->nr_nodes = 1;
    pi->cpu_khz = tsc_khz_get();
    /* hvm: an HVM guest can be created (hvm_domain_init); hap and shadow:
     * the ways its memory can be translated. */
    pi->capabilities = XEN_SYSCTL_PHYSCAP_pv |
                       (hvm_hap_available() || hvm_shadow_available() ?
                        XEN_SYSCTL_PHYSCAP_hvm : 0) |
                       (hvm_shadow_available() ? XEN_SYSCTL_PHYSCAP_shadow : 0) |
                       (hvm_hap_available() ? XEN_SYSCTL_PHYSCAP_hap : 0);
    pi->total_pages = total_pages;
    pi->free_pages = heap_free_pages();
    pi->scrub_pages = heap_dirty_pages();
    pi->max_mfn = max_page - 1;
    pi->hw_cap[0] = cpuid(1).edx;
    pi->hw_cap[1] = cpuid(0x80000001).edx;
    pi->hw_cap[4] = cpuid(1).ecx;
    pi->hw_cap[6] = cpuid(0x80000001).ecx;
}

static long domaininfolist(struct xen_sysctl_getdomaininfolist *l)
{
    struct xen_domctl_getdomaininfo info;
    unsigned int n = 0;
    unsigned long f = spin_lock_irqsave(&domlist_lock);

    for_each_domain(d) {
        if (d->domain_id < l->first_domain)
            continue;
        if (n == l->max_domains)
            break;
        getdomaininfo(d, &info);
        if (copy_to_guest(l->buffer + n * sizeof(info), &info, sizeof(info))) {
            spin_unlock_irqrestore(&domlist_lock, f);
            return -XEN_EFAULT;
        }
        n++;
    }
    spin_unlock_irqrestore(&domlist_lock, f);
    l->num_domains = n;
    return 0;
}

/* Copy the console ring out: all of it, or what is new since index. */
static long readconsole(struct xen_sysctl_readconsole *rc)
{
    size_t pos = rc->incremental ? rc->index : 0, copied = 0;
    char buf[256];

    while (copied < rc->count) {
        size_t n = console_ring_read(buf, MIN(sizeof(buf), rc->count - copied), &pos);
        if (!n)
            break;
        if (copy_to_guest(rc->buffer + copied, buf, n))
            return -XEN_EFAULT;
        copied += n;
    }
    rc->count = copied;
    rc->index = pos;
    if (rc->clear)
        console_clear_ring();
    return 0;
}

/* XEN_SYSCTL_xenlite_domain_stats: the sum of a domain's vCPU counters. */
static long domain_stats(const struct xen_sysctl *op)
{
    struct xen_sysctl_xenlite_domain_stats q;
    struct xenlite_domain_stats *sum;
    struct domain *d;
    long rc;

    memcpy(&q, op->u.pad, sizeof(q));
    if (!(d = get_domain_by_id(q.domid)))
        return -XEN_ESRCH;
    if (!(sum = xzalloc(struct xenlite_domain_stats))) {
        put_domain(d);
        return -XEN_ENOMEM;
    }
    for_each_vcpu(d, v) {
        for (unsigned int i = 0; i < XENLITE_STATS_HYPERCALLS; i++) {
            sum->hypercalls[i] += v->stats.hypercalls[i];
            sum->multicall_entries[i] += v->stats.multicall_entries[i];
        }
        sum->ptwr_emulations += v->stats.ptwr_emulations;
        sum->vm_exits += v->stats.vm_exits;
    }
    put_domain(d);
    rc = copy_to_guest_obj(q.buffer, sum) ? -XEN_EFAULT : 0;
    xfree(sum);
    return rc;
}

/* XEN_SYSCTL_xenlite_p2m_info: a translated domain's p2m by entry size. */
static long p2m_info(struct xen_sysctl *op)
{
    struct xen_sysctl_xenlite_p2m_info q;
    struct p2m_stats st;
    struct domain *d;

    memcpy(&q, op->u.pad, sizeof(q));
    if (!(d = get_domain_by_id(q.domid)))
        return -XEN_ESRCH;
    if (!paging_mode_translate(d) || !d->arch.p2m) {
        put_domain(d);
        return -XEN_EINVAL;
    }
    p2m_stats(d->arch.p2m, &st);
    q.max_gfn = d->arch.p2m->max_gfn;
    put_domain(d);
    q.entries_4k = st.entries[0];
    q.entries_2m = st.entries[1];
    q.entries_1g = st.entries[2];
    q.ram_pages = st.pages[p2m_ram_rw];
    q.mmio_pages = st.pages[p2m_mmio_dm];
    q.xen_pages = st.pages[p2m_xen_page];
    q.tables = st.tables;
    memcpy(op->u.pad, &q, sizeof(q));
    return 0;
}

long do_sysctl(unsigned long arg)
{
    struct xen_sysctl op;
    long rc = 0;

    if (!current->domain->is_privileged)
        return -XEN_EPERM;
    if (copy_from_guest_obj(&op, arg))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -XEN_EACCES;
    switch (op.cmd) {
    case XEN_SYSCTL_physinfo:
        physinfo(&op.u.physinfo);
        break;
    case XEN_SYSCTL_sched_id:
        op.u.sched_id.sched_id = XEN_SCHEDULER_CREDIT;
        break;
    case XEN_SYSCTL_scheduler_op:
        rc = csched_sysctl(&op.u.scheduler_op);
        break;
    case XEN_SYSCTL_getdomaininfolist:
        rc = domaininfolist(&op.u.getdomaininfolist);
        break;
    case XEN_SYSCTL_readconsole:
        rc = readconsole(&op.u.readconsole);
        break;
    case XEN_SYSCTL_xenlite_audit_page_types:
        return audit_all_domains();
    case XEN_SYSCTL_xenlite_domain_stats:
        return domain_stats(&op);
    case XEN_SYSCTL_xenlite_p2m_info:
        rc = p2m_info(&op);
        break;
    default:
        return -XEN_ENOSYS;
    }
    if (rc == 0 && copy_to_guest_obj(arg, &op))
        rc = -XEN_EFAULT;
    return rc;
}
