/*
 * The hypervisor's answers as xl shows them (see xlstate.h).
 */
#include <string.h>

#include "xlstate.h"

void xlstate_dominfo(const struct xen_domctl_getdomaininfo *in,
                     const char *name, struct xl_dominfo *out)
{
    uint32_t f = in->flags;

    memset(out, 0, sizeof(*out));
    out->name = name;
    out->domid = in->domain;
    out->mem_kb = (in->tot_pages + in->outstanding_pages) * XLSTATE_PAGE_KB;
    /* Xen's "no limit" is ~0 pages, in whichever width it was set. */
    if (in->max_pages == UINT64_MAX || in->max_pages == UINT32_MAX)
        out->max_mem_kb = XL_MEM_UNLIMITED;
    else
        out->max_mem_kb = in->max_pages * XLSTATE_PAGE_KB;
    out->vcpus_online = in->nr_online_vcpus;
    out->max_vcpus = in->max_vcpu_id == XEN_INVALID_MAX_VCPU_ID
                         ? 0 : in->max_vcpu_id + 1;
    out->running = f & XEN_DOMINF_running;
    out->blocked = f & XEN_DOMINF_blocked;
    out->paused = f & XEN_DOMINF_paused;
    out->shutdown = f & XEN_DOMINF_shutdown;
    out->dying = f & XEN_DOMINF_dying;
    out->shutdown_reason = out->shutdown
        ? (f >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask : 0;
    out->cpu_time_ns = in->cpu_time;
    memcpy(out->uuid, in->handle, sizeof(out->uuid));
    out->ssidref = in->ssidref;
    out->paging = xlstate_paging_mode(f);
}

const char *xlstate_paging_mode(uint32_t flags)
{
    if (!(flags & XEN_DOMINF_hvm_guest))
        return "pv";
    return flags & XEN_DOMINF_hap ? "hap" : "shadow";
}

void xlstate_cpumap_from(uint64_t bits, struct xl_cpumap *map)
{
    xl_cpumap_clear(map);
    for (unsigned int cpu = 0; cpu < 64; cpu++)
        if (bits & (1ull << cpu))
            xl_cpumap_set(map, cpu);
}

uint64_t xlstate_cpumap_bits(const struct xl_cpumap *map)
{
    uint64_t bits = 0;

    for (unsigned int cpu = 0; cpu < 64; cpu++)
        if (xl_cpumap_test(map, cpu))
            bits |= 1ull << cpu;
    return bits;
}

void xlstate_vcpuinfo(const struct xen_domctl_getvcpuinfo *in,
                      const char *name, uint32_t domid, uint64_t hard,
                      uint64_t soft, struct xl_vcpuinfo *out)
{
    memset(out, 0, sizeof(*out));
    out->name = name;
    out->domid = domid;
    out->vcpu = in->vcpu;
    out->cpu = in->cpu;
    out->online = in->online;
    out->running = in->running;
    out->blocked = in->blocked;
    out->time_ns = in->cpu_time;
    xlstate_cpumap_from(hard, &out->hard);
    xlstate_cpumap_from(soft, &out->soft);
}

bool xlstate_credit_merge(const struct xl_sched_credit_args *a,
                          unsigned int *weight, unsigned int *cap)
{
    if (a->set_weight)
        *weight = (unsigned int)a->weight;
    if (a->set_cap)
        *cap = (unsigned int)a->cap;
    return a->set_weight || a->set_cap;
}
