/*
 * dom0's hypercall layer for the toolstack (see xc.h).  Every call fills in
 * the interface version and returns the hypervisor's -XEN_E* unchanged.
 */
#include <stdio.h>
#include <string.h>

#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/mm.h>
#include <guest/pt.h>

#include "event_channel.h"
#include "memory_op.h"
#include "sched_op.h"
#include "xc.h"
#include "xenlite.h"
#include "xen_errno.h"

#define FOREIGN_WINDOWS 64

static long hc_domctl(struct xen_domctl *op)
{
    return g_hypercall_raw(__HYPERVISOR_domctl, (uint64_t)op, 0, 0, 0, 0);
}

static long hc_sysctl(struct xen_sysctl *op)
{
    return g_hypercall_raw(__HYPERVISOR_sysctl, (uint64_t)op, 0, 0, 0, 0);
}

static long hc_update_va_mapping_otherdomain(uint64_t va, uint64_t pte,
                                             uint64_t flags, domid_t domid)
{
    return g_hypercall_raw(__HYPERVISOR_update_va_mapping_otherdomain, va, pte,
                           flags, domid, 0);
}

int xc_domctl(struct xen_domctl *op)
{
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    return (int)hc_domctl(op);
}

int xc_paging_mempool_set(domid_t domid, uint64_t bytes)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_set_paging_mempool_size, .domain = domid };

    op.u.paging_mempool.size = bytes;
    return xc_domctl(&op);
}

const char *xc_strerror(int rc)
{
    static char buf[24];
    const char *name = g_errno_name(rc);

    if (name)
        return name;
    snprintf(buf, sizeof(buf), "error %d", rc);
    return buf;
}

int xc_sysctl(struct xen_sysctl *op)
{
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return (int)hc_sysctl(op);
}

static int simple_domctl(uint32_t cmd, domid_t domid)
{
    struct xen_domctl op = { .cmd = cmd, .domain = domid };

    return xc_domctl(&op);
}

int xc_domain_create(uint32_t max_vcpus, const uint8_t handle[16], uint32_t flags,
                     domid_t *domid)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_createdomain, .domain = 0 };
    int rc;

    op.u.createdomain.max_vcpus = max_vcpus;
    op.u.createdomain.flags = flags;
    op.u.createdomain.max_grant_frames = -1;
    op.u.createdomain.max_maptrack_frames = -1;
    if (handle)
        memcpy(op.u.createdomain.handle, handle, 16);
    if ((rc = xc_domctl(&op)) == 0)
        *domid = op.domain;
    return rc;
}

int xc_domain_destroy(domid_t d) { return simple_domctl(XEN_DOMCTL_destroydomain, d); }
int xc_domain_pause(domid_t d)   { return simple_domctl(XEN_DOMCTL_pausedomain, d); }
int xc_domain_unpause(domid_t d) { return simple_domctl(XEN_DOMCTL_unpausedomain, d); }

int xc_domain_shutdown(domid_t domid, unsigned int reason)
{
    struct sched_remote_shutdown rs = { .domain_id = domid, .reason = reason };

    return (int)hc_sched_op(SCHEDOP_remote_shutdown, &rs);
}

int xc_domain_info(domid_t domid, xc_dominfo_t *info)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_getdomaininfo, .domain = domid };
    int rc = xc_domctl(&op);

    if (rc == 0)
        *info = op.u.getdomaininfo;
    return rc;
}

int xc_domain_list(domid_t first, xc_dominfo_t *buf, unsigned int max)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_getdomaininfolist };
    int rc;

    op.u.getdomaininfolist.first_domain = first;
    op.u.getdomaininfolist.max_domains = max;
    op.u.getdomaininfolist.buffer = (uint64_t)buf;
    rc = xc_sysctl(&op);
    return rc < 0 ? rc : (int)op.u.getdomaininfolist.num_domains;
}

int xc_domain_max_mem(domid_t domid, uint64_t max_kb)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_max_mem, .domain = domid };

    op.u.max_mem.max_memkb = max_kb;
    return xc_domctl(&op);
}

/* The guest's memory map (XENMEM_memory_map): one RAM range up to max_kb. */
int xc_domain_set_memmap_limit(domid_t domid, uint64_t max_kb)
{
    struct xen_e820_entry e = { .addr = 0, .size = max_kb << 10, .type = E820_RAM };
    struct xen_foreign_memory_map fm = { .domid = domid,
                                         .map = { .nr_entries = 1,
                                                  .buffer = xen_guest_handle(&e) } };

    return (int)hc_memory_op(XENMEM_set_memory_map, &fm);
}

int xc_domain_hypercall_init(domid_t domid, uint64_t mfn)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_hypercall_init, .domain = domid };

    memcpy(op.u.pad, &mfn, sizeof(mfn));
    return xc_domctl(&op);
}

int xc_vcpu_setcontext(domid_t domid, uint32_t vcpu, struct vcpu_guest_context *ctx)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_setvcpucontext, .domain = domid };

    op.u.vcpucontext.vcpu = vcpu;
    op.u.vcpucontext.ctxt = (uint64_t)ctx;
    return xc_domctl(&op);
}

int xc_vcpu_info(domid_t domid, uint32_t vcpu, struct xen_domctl_getvcpuinfo *info)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_getvcpuinfo, .domain = domid };
    int rc;

    op.u.getvcpuinfo.vcpu = vcpu;
    if ((rc = xc_domctl(&op)) == 0)
        *info = op.u.getvcpuinfo;
    return rc;
}

static int vcpu_affinity(uint32_t cmd, domid_t domid, uint32_t vcpu,
                         uint32_t flags, uint64_t *hard, uint64_t *soft)
{
    struct xen_domctl op = { .cmd = cmd, .domain = domid };

    op.u.vcpuaffinity.vcpu = vcpu;
    op.u.vcpuaffinity.flags = flags;
    op.u.vcpuaffinity.cpumap_hard.bitmap = (uint64_t)hard;
    op.u.vcpuaffinity.cpumap_hard.nr_bits = 64;
    op.u.vcpuaffinity.cpumap_soft.bitmap = (uint64_t)soft;
    op.u.vcpuaffinity.cpumap_soft.nr_bits = 64;
    return xc_domctl(&op);
}

int xc_vcpu_set_affinity(domid_t domid, uint32_t vcpu, const uint64_t *hard,
                         const uint64_t *soft)
{
    uint64_t h = hard ? *hard : 0, s = soft ? *soft : 0;
    uint32_t flags = (hard ? XEN_VCPUAFFINITY_HARD : 0) |
                     (soft ? XEN_VCPUAFFINITY_SOFT : 0);

    return vcpu_affinity(XEN_DOMCTL_setvcpuaffinity, domid, vcpu, flags, &h,
                         &s);
}

int xc_vcpu_get_affinity(domid_t domid, uint32_t vcpu, uint64_t *hard,
                         uint64_t *soft)
{
    *hard = *soft = 0;
    return vcpu_affinity(XEN_DOMCTL_getvcpuaffinity, domid, vcpu,
                         XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT, hard,
                         soft);
}

static int sched_credit(domid_t domid, uint32_t cmd, unsigned int *weight,
                        unsigned int *cap)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_scheduler_op, .domain = domid };
    int rc;

    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    op.u.scheduler_op.cmd = cmd;
    op.u.scheduler_op.u.credit.weight = *weight;
    op.u.scheduler_op.u.credit.cap = *cap;
    if ((rc = xc_domctl(&op)) == 0) {
        *weight = op.u.scheduler_op.u.credit.weight;
        *cap = op.u.scheduler_op.u.credit.cap;
    }
    return rc;
}

int xc_sched_credit_get(domid_t domid, unsigned int *weight, unsigned int *cap)
{
    *weight = *cap = 0;
    return sched_credit(domid, XEN_DOMCTL_SCHEDOP_getinfo, weight, cap);
}

int xc_sched_credit_set(domid_t domid, unsigned int weight, unsigned int cap)
{
    return sched_credit(domid, XEN_DOMCTL_SCHEDOP_putinfo, &weight, &cap);
}

int xc_sched_pool_params(uint32_t sched_id, uint32_t cmd, void *params,
                         size_t size)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_scheduler_op };
    int rc;

    op.u.scheduler_op.cpupool_id = 0;
    op.u.scheduler_op.sched_id = sched_id;
    op.u.scheduler_op.cmd = cmd;
    memcpy(&op.u.scheduler_op.u, params, size);
    rc = xc_sysctl(&op);
    if (rc == 0)
        memcpy(params, &op.u.scheduler_op.u, size);
    return rc;
}

int xc_sched_id(void)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_sched_id };
    int rc = xc_sysctl(&op);

    return rc ? rc : (int)op.u.sched_id.sched_id;
}

int xc_physinfo(struct xen_sysctl_physinfo *info)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_physinfo };
    int rc = xc_sysctl(&op);

    if (rc == 0)
        *info = op.u.physinfo;
    return rc;
}

uint64_t xc_free_pages(void)
{
    struct xen_sysctl_physinfo pi;

    return xc_physinfo(&pi) ? 0 : pi.free_pages;
}

int xc_readconsole(char *buf, uint32_t *len, bool clear)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_readconsole };
    int rc;

    op.u.readconsole.clear = clear;
    op.u.readconsole.buffer = (uint64_t)buf;
    op.u.readconsole.count = *len;
    if ((rc = xc_sysctl(&op)) == 0)
        *len = op.u.readconsole.count;
    return rc;
}

int xc_domain_stats(domid_t domid, struct xenlite_domain_stats *out)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_xenlite_domain_stats };
    struct xen_sysctl_xenlite_domain_stats q = { .domid = domid, .buffer = (uint64_t)out };

    memcpy(op.u.pad, &q, sizeof(q));
    return xc_sysctl(&op);
}

int xc_audit(void)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_xenlite_audit_page_types };

    return xc_sysctl(&op);
}

int xc_populate(domid_t domid, uint64_t nr_pages, uint64_t *mfns)
{
    bool big = true;                    /* 2 MiB blocks may be left */

    for (uint64_t done = 0; done < nr_pages; ) {
        /* 2 MiB extents while whole ones remain, then single pages. */
        unsigned int order = big && nr_pages - done >= 512 && !(done & 511)
                                 ? 9 : 0;
        uint64_t gpfn = done, mfn;
        struct xen_memory_reservation r = {
            .extent_start = (uint64_t)&mfn, .nr_extents = 1,
            .extent_order = order, .domid = domid };
        long rc;

        mfn = gpfn;
        rc = hc_memory_op(XENMEM_populate_physmap, &r);
        if (rc != 1) {
            if (order) {
                big = false;            /* no 2 MiB block: never again */
                continue;
            }
            return rc < 0 ? (int)rc : -XEN_ENOMEM;
        }
        for (unsigned int i = 0; i < (1u << order); i++)
            mfns[done + i] = mfn + i;
        done += 1u << order;
    }
    return 0;
}

int xc_evtchn_alloc_unbound(domid_t domid, domid_t remote, uint32_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = domid, .remote_dom = remote };
    int rc = (int)hc_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    if (rc == 0)
        *port = a.port;
    return rc;
}

int xc_evtchn_bind_interdomain(domid_t remote, uint32_t remote_port, uint32_t *local)
{
    struct evtchn_bind_interdomain b = { .remote_dom = remote, .remote_port = remote_port };
    int rc = (int)hc_event_channel_op(EVTCHNOP_bind_interdomain, &b);

    if (rc == 0)
        *local = b.local_port;
    return rc;
}

int xc_evtchn_close(uint32_t port)
{
    struct evtchn_close c = { .port = port };

    return (int)hc_event_channel_op(EVTCHNOP_close, &c);
}

int xc_pin_table(domid_t domid, unsigned int level, uint64_t mfn)
{
    struct mmuext_op op = { .cmd = MMUEXT_PIN_L1_TABLE + level - 1 };

    op.arg1.mfn = mfn;
    return (int)hc_mmuext_op(&op, 1, NULL, domid);
}

/* ---- foreign mappings ---- */

static uint8_t windows[FOREIGN_WINDOWS][G_PAGE_SIZE] __attribute__((aligned(4096)));
static uint64_t windows_used;

void *xc_map_foreign(domid_t domid, uint64_t mfn)
{
    for (unsigned int i = 0; i < FOREIGN_WINDOWS; i++) {
        uint64_t bit = 1ull << i, va = (uint64_t)windows[i];

        if (windows_used & bit)
            continue;
        if (hc_update_va_mapping_otherdomain(va, (mfn << G_PAGE_SHIFT) | G_PTE_KERNEL_RW,
                                             UVMF_INVLPG, domid) < 0)
            return NULL;
        windows_used |= bit;
        return windows[i];
    }
    return NULL;
}

/* Point a window xc_map_foreign gave at another frame (one hypercall);
 * NULL, the window freed, if that frame cannot be mapped. */
void *xc_remap_foreign(void *va, domid_t domid, uint64_t mfn)
{
    unsigned int i = (unsigned int)(((uint8_t *)va - windows[0]) / G_PAGE_SIZE);

    if (i >= FOREIGN_WINDOWS || !(windows_used & (1ull << i)))
        return NULL;
    if (hc_update_va_mapping_otherdomain((uint64_t)va, (mfn << G_PAGE_SHIFT) | G_PTE_KERNEL_RW,
                                         UVMF_INVLPG, domid) < 0) {
        xc_unmap_foreign(va);
        return NULL;
    }
    return va;
}

void xc_unmap_foreign(void *va)
{
    unsigned int i = (unsigned int)(((uint8_t *)va - windows[0]) / G_PAGE_SIZE);

    if (i >= FOREIGN_WINDOWS || !(windows_used & (1ull << i)))
        return;
    hc_update_va_mapping((uint64_t)windows[i], 0, UVMF_INVLPG);
    windows_used &= ~(1ull << i);
}

/* ---- HVM (PVH) guests ---- */

/*
 * populate_physmap of a translated domain's gfns [gfn, gfn + n): the
 * largest extents their alignment allows (1 GiB, 2 MiB, 4 KiB), a size
 * the host cannot give falling back to the next.
 */
int xc_populate_gfns(domid_t domid, uint64_t gfn, uint64_t n)
{
    static const unsigned int orders[] = { 18, 9, 0 };
    bool refused[3] = { false, false, false };

    while (n) {
        long rc = 0;

        for (unsigned int i = 0; i < 3; i++) {
            uint64_t size = 1ull << orders[i], extent = gfn;
            struct xen_memory_reservation r = {
                .extent_start = (uint64_t)&extent, .nr_extents = 1,
                .extent_order = orders[i], .domid = domid };

            if (refused[i] || n < size || (gfn & (size - 1)))
                continue;
            if ((rc = hc_memory_op(XENMEM_populate_physmap, &r)) == 1) {
                gfn += size;
                n -= size;
                break;
            }
            refused[i] = orders[i] != 0;
        }
        if (rc != 1)
            return rc < 0 ? (int)rc : -XEN_ENOMEM;
    }
    return 0;
}

int xc_hvm_param_set(domid_t domid, uint32_t index, uint64_t value)
{
    struct xen_hvm_param p = { .domid = domid, .index = index, .value = value };

    return (int)G_HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_set_param, &p, 0, 0, 0);
}

int xc_hvm_vcpu_context(domid_t domid, uint32_t vcpu, const struct vcpu_hvm_context *ctx)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_xenlite_hvm_vcpu_context, .domain = domid };
    struct xen_domctl_xenlite_hvm_vcpu_context a = { .vcpu = vcpu, .ctxt = (uint64_t)ctx };

    memcpy(op.u.pad, &a, sizeof(a));
    return xc_domctl(&op);
}

int xc_p2m_info(domid_t domid, struct xen_sysctl_xenlite_p2m_info *out)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_xenlite_p2m_info };
    int rc;

    memset(out, 0, sizeof(*out));
    out->domid = domid;
    memcpy(op.u.pad, out, sizeof(*out));
    if ((rc = xc_sysctl(&op)) == 0)
        memcpy(out, op.u.pad, sizeof(*out));
    return rc;
}
