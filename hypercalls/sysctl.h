/*
 * sysctl(struct xen_sysctl *): host-wide queries and controls for the
 * privileged toolstack -- read the hypervisor console, physical host
 * facts, the list of domains, the scheduler in use.
 *
 * Numbers and layouts are Xen 4.17's (XEN_SYSCTL_INTERFACE_VERSION 0x15).
 * A call whose interface_version differs fails with -XEN_EACCES.
 * Structures are defined for the operations xen-lite implements; the
 * other numbers are listed so they are never reused.  xen-lite's own
 * sysctls are in xenlite.h.
 */
#ifndef XENLITE_HYPERCALLS_SYSCTL_H
#define XENLITE_HYPERCALLS_SYSCTL_H

#include "xen.h"
#include "domctl.h"

#define XEN_SYSCTL_INTERFACE_VERSION  0x00000015

#define XEN_SYSCTL_readconsole              1
#define XEN_SYSCTL_tbuf_op                  2
#define XEN_SYSCTL_physinfo                 3
#define XEN_SYSCTL_sched_id                 4
#define XEN_SYSCTL_perfc_op                 5
#define XEN_SYSCTL_getdomaininfolist        6
#define XEN_SYSCTL_debug_keys               7
#define XEN_SYSCTL_getcpuinfo               8
#define XEN_SYSCTL_availheap                9
#define XEN_SYSCTL_get_pmstat              10
#define XEN_SYSCTL_cpu_hotplug             11
#define XEN_SYSCTL_pm_op                   12
#define XEN_SYSCTL_page_offline_op         14
#define XEN_SYSCTL_lockprof_op             15
#define XEN_SYSCTL_cputopoinfo             16
#define XEN_SYSCTL_numainfo                17
#define XEN_SYSCTL_cpupool_op              18
#define XEN_SYSCTL_scheduler_op            19
#define XEN_SYSCTL_coverage_op             20
#define XEN_SYSCTL_psr_cmt_op              21
#define XEN_SYSCTL_pcitopoinfo             22
#define XEN_SYSCTL_psr_alloc               23
#define XEN_SYSCTL_get_cpu_levelling_caps  25
#define XEN_SYSCTL_get_cpu_featureset      26
#define XEN_SYSCTL_livepatch_op            27
#define XEN_SYSCTL_get_cpu_policy          29

/* xen_sysctl_physinfo.capabilities */
#define XEN_SYSCTL_PHYSCAP_hvm                 (1u << 0)
#define XEN_SYSCTL_PHYSCAP_pv                  (1u << 1)
#define XEN_SYSCTL_PHYSCAP_directio            (1u << 2)
#define XEN_SYSCTL_PHYSCAP_hap                 (1u << 3)
#define XEN_SYSCTL_PHYSCAP_shadow              (1u << 4)
#define XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share  (1u << 5)
#define XEN_SYSCTL_PHYSCAP_vmtrace             (1u << 6)
#define XEN_SYSCTL_PHYSCAP_vpmu                (1u << 7)
#define XEN_SYSCTL_PHYSCAP_gnttab_v1           (1u << 8)
#define XEN_SYSCTL_PHYSCAP_gnttab_v2           (1u << 9)
#define XEN_SYSCTL_PHYSCAP_MAX                 XEN_SYSCTL_PHYSCAP_gnttab_v2

#ifndef __ASSEMBLY__

/*
 * Copy text out of the hypervisor's console ring (xl dmesg).  With
 * `incremental`, start at `index` and return the index to continue from;
 * `clear` empties the ring after reading.
 */
struct xen_sysctl_readconsole {
    uint8_t  clear;                 /* IN */
    uint8_t  incremental;           /* IN */
    uint8_t  pad0, pad1;
    uint32_t index;                 /* IN/OUT */
    XEN_GUEST_HANDLE_64(char) buffer;
    uint32_t count;                 /* IN: buffer size; OUT: bytes copied */
    uint32_t _pad2;
};
_Static_assert(sizeof(struct xen_sysctl_readconsole) == 24,
               "xen_sysctl_readconsole");
_Static_assert(offsetof(struct xen_sysctl_readconsole, buffer) == 8,
               "xen_sysctl_readconsole.buffer");

/* xl info */
struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;               /* online */
    uint32_t max_cpu_id;
    uint32_t nr_nodes;
    uint32_t max_node_id;
    uint32_t cpu_khz;
    uint32_t capabilities;          /* XEN_SYSCTL_PHYSCAP_* */
    uint32_t arch_capabilities;     /* no bits defined in 4.17: 0 */
    uint32_t pad;
    uint64_t total_pages;
    uint64_t free_pages;
    uint64_t scrub_pages;           /* free, not yet zeroed */
    uint64_t outstanding_pages;
    uint64_t max_mfn;
    uint32_t hw_cap[8];             /* CPUID feature words */
};
_Static_assert(sizeof(struct xen_sysctl_physinfo) == 112,
               "xen_sysctl_physinfo");
_Static_assert(offsetof(struct xen_sysctl_physinfo, total_pages) == 40,
               "xen_sysctl_physinfo.total_pages");
_Static_assert(offsetof(struct xen_sysctl_physinfo, hw_cap) == 80,
               "xen_sysctl_physinfo.hw_cap");

struct xen_sysctl_sched_id {
    uint32_t sched_id;              /* OUT: XEN_SCHEDULER_* */
};
_Static_assert(sizeof(struct xen_sysctl_sched_id) == 4, "xen_sysctl_sched_id");

/* Domains with id >= first_domain, in id order (xl list). */
struct xen_sysctl_getdomaininfolist {
    domid_t  first_domain;          /* IN */
    uint16_t _pad0;
    uint32_t max_domains;           /* IN: room in buffer */
    XEN_GUEST_HANDLE_64(struct xen_domctl_getdomaininfo) buffer;
    uint32_t num_domains;           /* OUT: entries written */
    uint32_t _pad1;
};
_Static_assert(sizeof(struct xen_sysctl_getdomaininfolist) == 24,
               "xen_sysctl_getdomaininfolist");
_Static_assert(offsetof(struct xen_sysctl_getdomaininfolist, buffer) == 8,
               "xen_sysctl_getdomaininfolist.buffer");

/*
 * XEN_SYSCTL_scheduler_op: a cpupool's scheduler parameters (xl
 * sched-credit -s).  sched_id must be the pool's scheduler, else
 * -XEN_EINVAL.  Credit's limits are Xen's.
 */
#define XEN_SYSCTL_SCHEDOP_putinfo  0
#define XEN_SYSCTL_SCHEDOP_getinfo  1

#define XEN_SYSCTL_SCHED_RATELIMIT_MAX    500000    /* us; 0 turns it off */
#define XEN_SYSCTL_SCHED_RATELIMIT_MIN    100
#define XEN_SYSCTL_CSCHED_TSLICE_MAX      1000      /* ms */
#define XEN_SYSCTL_CSCHED_TSLICE_MIN      1
#define XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US  (100 * 1000)

struct xen_sysctl_credit_schedule {
    uint32_t tslice_ms;
    uint32_t ratelimit_us;
    uint32_t vcpu_migr_delay_us;    /* cache-hot: not stolen sooner */
};
_Static_assert(sizeof(struct xen_sysctl_credit_schedule) == 12,
               "xen_sysctl_credit_schedule");

struct xen_sysctl_credit2_schedule {
    uint32_t ratelimit_us;
};

struct xen_sysctl_scheduler_op {
    uint32_t cpupool_id;            /* IN: 0, the only pool */
    uint32_t sched_id;              /* IN: XEN_SCHEDULER_* */
    uint32_t cmd;                   /* IN: XEN_SYSCTL_SCHEDOP_* */
    uint32_t _pad;
    union {
        uint64_t arinc653_schedule; /* a handle: sizes the union as Xen's */
        struct xen_sysctl_credit_schedule sched_credit;
        struct xen_sysctl_credit2_schedule sched_credit2;
    } u;
};
_Static_assert(sizeof(struct xen_sysctl_scheduler_op) == 32,
               "xen_sysctl_scheduler_op");
_Static_assert(offsetof(struct xen_sysctl_scheduler_op, u) == 16,
               "xen_sysctl_scheduler_op.u");

struct xen_sysctl {
    uint32_t cmd;                   /* XEN_SYSCTL_* */
    uint32_t interface_version;     /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_readconsole       readconsole;
        struct xen_sysctl_physinfo          physinfo;
        struct xen_sysctl_sched_id          sched_id;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        struct xen_sysctl_scheduler_op      scheduler_op;
        uint8_t pad[128];
    } u;
};
_Static_assert(sizeof(struct xen_sysctl) == 136, "xen_sysctl");
_Static_assert(offsetof(struct xen_sysctl, u) == 8, "xen_sysctl.u");

#endif /* !__ASSEMBLY__ */

#endif /* XENLITE_HYPERCALLS_SYSCTL_H */
