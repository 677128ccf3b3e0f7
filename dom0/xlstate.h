/*
 * What the hypervisor answers, as xl shows it: getdomaininfo's flags and
 * counters become a row of `xl list` / `xl top`, getvcpuinfo and the
 * affinity maps a row of `xl vcpu-list`, and `xl sched-credit -d`'s
 * options the credit parameters to set.
 *
 * Pure: no hypercalls, no global state (unit-tested on the host).
 */
#ifndef DOM0_XLSTATE_H
#define DOM0_XLSTATE_H

#include <stdint.h>

#include "domctl.h"
#include "xlargs.h"
#include "xlfmt.h"

#define XLSTATE_PAGE_KB 4               /* KiB per page */

/*
 * One domain as xl list shows it: Mem is the pages it has (plus any it
 * has claimed), VCPUs those online; the state flags come from
 * XEN_DOMINF_* (running, blocked, paused, shutdown with its reason,
 * dying).  A max_pages of ~0 (32 or 64 bits) is "no limit".  The name is
 * not copied: it must outlive out.
 */
void xlstate_dominfo(const struct xen_domctl_getdomaininfo *in,
                     const char *name, struct xl_dominfo *out);

/* How a domain's memory is virtualized, from getdomaininfo's flags: "pv"
 * (the guest's own tables, validated), "hap" (nested paging: NPT, EPT) or
 * "shadow" (shadow page tables). */
const char *xlstate_paging_mode(uint32_t flags);

/* One vCPU of domain domid as xl vcpu-list shows it; hard and soft are
 * the affinity bitmaps of the first 64 CPUs. */
void xlstate_vcpuinfo(const struct xen_domctl_getvcpuinfo *in,
                      const char *name, uint32_t domid, uint64_t hard,
                      uint64_t soft, struct xl_vcpuinfo *out);

/* A 64-CPU bitmap as an xl_cpumap, and back (CPUs from 64 on are
 * dropped). */
void xlstate_cpumap_from(uint64_t bits, struct xl_cpumap *map);
uint64_t xlstate_cpumap_bits(const struct xl_cpumap *map);

/*
 * xl sched-credit -d DOM [-w W] [-c C]: the weight and cap to set are
 * those given, and for the others the domain's current ones (in *weight
 * and *cap on entry).  Returns whether anything is to be set.
 */
bool xlstate_credit_merge(const struct xl_sched_credit_args *a,
                          unsigned int *weight, unsigned int *cap);

#endif /* DOM0_XLSTATE_H */
