/*
 * domctl(struct xen_domctl *): control of one domain by the privileged
 * toolstack in dom0 -- create, destroy, pause, query, set limits, set vCPU
 * state and scheduling parameters.
 *
 * Numbers and layouts are Xen 4.17's (XEN_DOMCTL_INTERFACE_VERSION 0x15).
 * The hypervisor rejects a call whose interface_version differs with
 * -XEN_EACCES.  Structures are defined for the operations xen-lite
 * implements; the other numbers are listed so they are never reused.
 */
#ifndef XENLITE_HYPERCALLS_DOMCTL_H
#define XENLITE_HYPERCALLS_DOMCTL_H

#include "xen.h"

#define XEN_DOMCTL_INTERFACE_VERSION  0x00000015

#define XEN_DOMCTL_createdomain              1
#define XEN_DOMCTL_destroydomain             2
#define XEN_DOMCTL_pausedomain               3
#define XEN_DOMCTL_unpausedomain             4
#define XEN_DOMCTL_getdomaininfo             5
#define XEN_DOMCTL_setvcpuaffinity           9
#define XEN_DOMCTL_shadow_op                10
#define XEN_DOMCTL_max_mem                  11
#define XEN_DOMCTL_setvcpucontext           12
#define XEN_DOMCTL_getvcpucontext           13
#define XEN_DOMCTL_getvcpuinfo              14
#define XEN_DOMCTL_max_vcpus                15
#define XEN_DOMCTL_scheduler_op             16
#define XEN_DOMCTL_setdomainhandle          17
#define XEN_DOMCTL_setdebugging             18
#define XEN_DOMCTL_irq_permission           19
#define XEN_DOMCTL_iomem_permission         20
#define XEN_DOMCTL_ioport_permission        21
#define XEN_DOMCTL_hypercall_init           22
#define XEN_DOMCTL_settimeoffset            24
#define XEN_DOMCTL_getvcpuaffinity          25
#define XEN_DOMCTL_resumedomain             27
#define XEN_DOMCTL_sendtrigger              28
#define XEN_DOMCTL_subscribe                29
#define XEN_DOMCTL_gethvmcontext            33
#define XEN_DOMCTL_sethvmcontext            34
#define XEN_DOMCTL_set_address_size         35
#define XEN_DOMCTL_get_address_size         36
#define XEN_DOMCTL_assign_device            37
#define XEN_DOMCTL_bind_pt_irq              38
#define XEN_DOMCTL_memory_mapping           39
#define XEN_DOMCTL_ioport_mapping           40
#define XEN_DOMCTL_set_ext_vcpucontext      42
#define XEN_DOMCTL_get_ext_vcpucontext      43
#define XEN_DOMCTL_test_assign_device       45
#define XEN_DOMCTL_set_target               46
#define XEN_DOMCTL_deassign_device          47
#define XEN_DOMCTL_unbind_pt_irq            48
#define XEN_DOMCTL_get_device_group         50
#define XEN_DOMCTL_debug_op                 54
#define XEN_DOMCTL_gethvmcontext_partial    55
#define XEN_DOMCTL_vm_event_op              56
#define XEN_DOMCTL_mem_sharing_op           57
#define XEN_DOMCTL_gettscinfo               59
#define XEN_DOMCTL_settscinfo               60
#define XEN_DOMCTL_getpageframeinfo3        61
#define XEN_DOMCTL_setvcpuextstate          62
#define XEN_DOMCTL_getvcpuextstate          63
#define XEN_DOMCTL_set_access_required      64
#define XEN_DOMCTL_audit_p2m                65
#define XEN_DOMCTL_set_virq_handler         66
#define XEN_DOMCTL_set_broken_page_p2m      67
#define XEN_DOMCTL_setnodeaffinity          68
#define XEN_DOMCTL_getnodeaffinity          69
#define XEN_DOMCTL_cacheflush               71
#define XEN_DOMCTL_get_vcpu_msrs            72
#define XEN_DOMCTL_set_vcpu_msrs            73
#define XEN_DOMCTL_setvnumainfo             74
#define XEN_DOMCTL_psr_cmt_op               75
#define XEN_DOMCTL_monitor_op               77
#define XEN_DOMCTL_psr_alloc                78
#define XEN_DOMCTL_soft_reset               79
#define XEN_DOMCTL_vuart_op                 81
#define XEN_DOMCTL_get_cpu_policy           82
#define XEN_DOMCTL_set_cpu_policy           83
#define XEN_DOMCTL_vmtrace_op               84
#define XEN_DOMCTL_get_paging_mempool_size  85
#define XEN_DOMCTL_set_paging_mempool_size  86
#define XEN_DOMCTL_gdbsx_guestmemio       1000
#define XEN_DOMCTL_gdbsx_pausevcpu        1001
#define XEN_DOMCTL_gdbsx_unpausevcpu      1002
#define XEN_DOMCTL_gdbsx_domstatus        1003

/* xen_domctl_createdomain.flags */
#define XEN_DOMCTL_CDF_hvm          (1U << 0)   /* HVM (or PVH), not PV */
#define XEN_DOMCTL_CDF_hap          (1U << 1)   /* use NPT/EPT if present */
#define XEN_DOMCTL_CDF_s3_integrity (1U << 2)
#define XEN_DOMCTL_CDF_oos_off      (1U << 3)   /* no out-of-sync shadows */
#define XEN_DOMCTL_CDF_xs_domain    (1U << 4)   /* runs xenstored */
#define XEN_DOMCTL_CDF_iommu        (1U << 5)
#define XEN_DOMCTL_CDF_nested_virt  (1U << 6)
#define XEN_DOMCTL_CDF_vpmu         (1U << 7)
#define XEN_DOMCTL_CDF_MAX          XEN_DOMCTL_CDF_vpmu

#define XEN_DOMCTL_IOMMU_no_sharept (1U << 0)

/* xen_domctl_createdomain.grant_opts: max grant table version, low 4 bits */
#define XEN_DOMCTL_GRANT_version_mask  0xf
#define XEN_DOMCTL_GRANT_version(v)    ((v) & XEN_DOMCTL_GRANT_version_mask)

/* xen_arch_domainconfig.emulation_flags: devices emulated for HVM/PVH */
#define XEN_X86_EMU_LAPIC     (1U << 0)
#define XEN_X86_EMU_HPET      (1U << 1)
#define XEN_X86_EMU_PM        (1U << 2)
#define XEN_X86_EMU_RTC       (1U << 3)
#define XEN_X86_EMU_IOAPIC    (1U << 4)
#define XEN_X86_EMU_PIC       (1U << 5)
#define XEN_X86_EMU_VGA       (1U << 6)
#define XEN_X86_EMU_IOMMU     (1U << 7)
#define XEN_X86_EMU_PIT       (1U << 8)
#define XEN_X86_EMU_USE_PIRQ  (1U << 9)
#define XEN_X86_EMU_VPCI      (1U << 10)
/* xen_arch_domainconfig.misc_flags */
#define XEN_X86_MSR_RELAXED   (1U << 0)

/* xen_domctl_getdomaininfo.flags */
#define XEN_DOMINF_dying      (1U << 0)
#define XEN_DOMINF_hvm_guest  (1U << 1)
#define XEN_DOMINF_shutdown   (1U << 2)   /* reason in bits 23:16 */
#define XEN_DOMINF_paused     (1U << 3)
#define XEN_DOMINF_blocked    (1U << 4)   /* all vCPUs blocked */
#define XEN_DOMINF_running    (1U << 5)   /* some vCPU on a CPU */
#define XEN_DOMINF_debugged   (1U << 6)
#define XEN_DOMINF_xs_domain  (1U << 7)
#define XEN_DOMINF_hap        (1U << 8)
#define XEN_DOMINF_shutdownmask   255
#define XEN_DOMINF_shutdownshift  16
#define XEN_INVALID_MAX_VCPU_ID   (~0U)

/* xen_domctl_vcpuaffinity.flags */
#define XEN_VCPUAFFINITY_HARD   (1U << 0)
#define XEN_VCPUAFFINITY_SOFT   (1U << 1)
#define XEN_VCPUAFFINITY_FORCE  (1U << 2)   /* undo SCHEDOP_pin_override */

/* Scheduler ids (also XEN_SYSCTL_sched_id). */
#define XEN_SCHEDULER_CREDIT    5
#define XEN_SCHEDULER_CREDIT2   6
#define XEN_SCHEDULER_ARINC653  7
#define XEN_SCHEDULER_RTDS      8
#define XEN_SCHEDULER_NULL      9

/* xen_domctl_scheduler_op.cmd */
#define XEN_DOMCTL_SCHEDOP_putinfo      0
#define XEN_DOMCTL_SCHEDOP_getinfo      1
#define XEN_DOMCTL_SCHEDOP_putvcpuinfo  2
#define XEN_DOMCTL_SCHEDOP_getvcpuinfo  3

#ifndef __ASSEMBLY__

/* A bitmap in guest memory (CPU or node masks). */
struct xenctl_bitmap {
    XEN_GUEST_HANDLE_64(uint8_t) bitmap;
    uint32_t nr_bits;
    uint32_t _pad0;
};
_Static_assert(sizeof(struct xenctl_bitmap) == 16, "xenctl_bitmap");

struct xen_arch_domainconfig {
    uint32_t emulation_flags;   /* XEN_X86_EMU_*; 0 for PV */
    uint32_t misc_flags;        /* XEN_X86_MSR_RELAXED */
};
_Static_assert(sizeof(struct xen_arch_domainconfig) == 8,
               "xen_arch_domainconfig");

/* xen_domctl.domain is IN/OUT: 0 or a reserved id asks for a free id. */
struct xen_domctl_createdomain {
    uint32_t ssidref;
    xen_domain_handle_t handle;     /* UUID */
    uint32_t flags;                 /* XEN_DOMCTL_CDF_* */
    uint32_t iommu_opts;            /* XEN_DOMCTL_IOMMU_* */
    uint32_t max_vcpus;
    uint32_t max_evtchn_port;
    int32_t  max_grant_frames;      /* < 0: hypervisor default */
    int32_t  max_maptrack_frames;   /* < 0: hypervisor default */
    uint32_t grant_opts;            /* XEN_DOMCTL_GRANT_* */
    uint32_t vmtrace_size;          /* per-vCPU trace buffer, 0 = none */
    uint32_t cpupool_id;
    struct xen_arch_domainconfig arch;
};
_Static_assert(sizeof(struct xen_domctl_createdomain) == 64,
               "xen_domctl_createdomain");
_Static_assert(offsetof(struct xen_domctl_createdomain, flags) == 20,
               "xen_domctl_createdomain.flags");
_Static_assert(offsetof(struct xen_domctl_createdomain, max_vcpus) == 28,
               "xen_domctl_createdomain.max_vcpus");
_Static_assert(offsetof(struct xen_domctl_createdomain, arch) == 56,
               "xen_domctl_createdomain.arch");

/* OUT only (also the element of XEN_SYSCTL_getdomaininfolist). */
struct xen_domctl_getdomaininfo {
    domid_t  domain;
    uint16_t pad1;
    uint32_t flags;                 /* XEN_DOMINF_* */
    uint64_t tot_pages;
    uint64_t max_pages;
    uint64_t outstanding_pages;
    uint64_t shr_pages;
    uint64_t paged_pages;
    uint64_t shared_info_frame;     /* GFN of shared_info */
    uint64_t cpu_time;              /* ns, all vCPUs */
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t cpupool;
    uint8_t  gpaddr_bits;           /* guest physical address width */
    uint8_t  pad2[7];
    struct xen_arch_domainconfig arch_config;
};
_Static_assert(sizeof(struct xen_domctl_getdomaininfo) == 112,
               "xen_domctl_getdomaininfo");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, tot_pages) == 8,
               "xen_domctl_getdomaininfo.tot_pages");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, cpu_time) == 56,
               "xen_domctl_getdomaininfo.cpu_time");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, handle) == 76,
               "xen_domctl_getdomaininfo.handle");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, arch_config) == 104,
               "xen_domctl_getdomaininfo.arch_config");

struct xen_domctl_max_mem {
    uint64_t max_memkb;
};
_Static_assert(sizeof(struct xen_domctl_max_mem) == 8, "xen_domctl_max_mem");

/* setvcpucontext / getvcpucontext */
struct xen_domctl_vcpucontext {
    uint32_t vcpu;
    uint32_t _pad0;
    XEN_GUEST_HANDLE_64(struct vcpu_guest_context) ctxt;
};
_Static_assert(sizeof(struct xen_domctl_vcpucontext) == 16,
               "xen_domctl_vcpucontext");

struct xen_domctl_getvcpuinfo {
    uint32_t vcpu;                  /* IN */
    uint8_t  online;                /* OUT */
    uint8_t  blocked;
    uint8_t  running;
    uint8_t  _pad0;
    uint64_t cpu_time;              /* ns */
    uint32_t cpu;                   /* physical CPU now or last */
    uint32_t _pad1;
};
_Static_assert(sizeof(struct xen_domctl_getvcpuinfo) == 24,
               "xen_domctl_getvcpuinfo");
_Static_assert(offsetof(struct xen_domctl_getvcpuinfo, cpu_time) == 8,
               "xen_domctl_getvcpuinfo.cpu_time");

/* setvcpuaffinity / getvcpuaffinity; the maps are IN/OUT for set. */
struct xen_domctl_vcpuaffinity {
    uint32_t vcpu;
    uint32_t flags;                 /* XEN_VCPUAFFINITY_* */
    struct xenctl_bitmap cpumap_hard;
    struct xenctl_bitmap cpumap_soft;
};
_Static_assert(sizeof(struct xen_domctl_vcpuaffinity) == 40,
               "xen_domctl_vcpuaffinity");

struct xen_domctl_max_vcpus {
    uint32_t max;
};
_Static_assert(sizeof(struct xen_domctl_max_vcpus) == 4,
               "xen_domctl_max_vcpus");

/* credit: weight 1..65535 (default 256); cap in % of one CPU, 0 = none. */
struct xen_domctl_sched_credit {
    uint16_t weight;
    uint16_t cap;
};
struct xen_domctl_sched_credit2 {
    uint16_t weight;
    uint16_t cap;
};
struct xen_domctl_sched_rtds {
    uint32_t period;                /* us */
    uint32_t budget;                /* us */
    uint32_t flags;
};

struct xen_domctl_schedparam_vcpu {
    union {
        struct xen_domctl_sched_credit  credit;
        struct xen_domctl_sched_credit2 credit2;
        struct xen_domctl_sched_rtds    rtds;
    } u;
    uint32_t vcpuid;
};
_Static_assert(sizeof(struct xen_domctl_schedparam_vcpu) == 16,
               "xen_domctl_schedparam_vcpu");

struct xen_domctl_scheduler_op {
    uint32_t sched_id;              /* XEN_SCHEDULER_* */
    uint32_t cmd;                   /* XEN_DOMCTL_SCHEDOP_* */
    union {
        struct xen_domctl_sched_credit  credit;
        struct xen_domctl_sched_credit2 credit2;
        struct xen_domctl_sched_rtds    rtds;
        struct {
            XEN_GUEST_HANDLE_64(struct xen_domctl_schedparam_vcpu) vcpus;
            uint32_t nr_vcpus;      /* IN: entries; OUT: entries done */
            uint32_t padding;
        } v;
    } u;
};
_Static_assert(sizeof(struct xen_domctl_scheduler_op) == 24,
               "xen_domctl_scheduler_op");
_Static_assert(offsetof(struct xen_domctl_scheduler_op, u) == 8,
               "xen_domctl_scheduler_op.u");

/*
 * XEN_DOMCTL_get/set_paging_mempool_size: the frames the domain's paging
 * mode keeps for its tables, in bytes (a multiple of 4096).  xen-lite: only
 * shadow paging has a pool (xl.cfg's shadow_memory); it can be set while
 * no vCPU of the domain runs on a shadow (-XEN_EBUSY), to at least 128
 * pages plus 16 per vCPU (-XEN_EINVAL below); -XEN_EOPNOTSUPP for PV and
 * HAP domains.
 */
struct xen_domctl_paging_mempool {
    uint64_t size;                  /* IN (set) / OUT (get): bytes */
};
_Static_assert(sizeof(struct xen_domctl_paging_mempool) == 8, "xen_domctl_paging_mempool");

struct xen_domctl {
    uint32_t cmd;                   /* XEN_DOMCTL_* */
    uint32_t interface_version;     /* XEN_DOMCTL_INTERFACE_VERSION */
    domid_t  domain;
    uint16_t _pad[3];
    union {
        struct xen_domctl_createdomain  createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_max_mem       max_mem;
        struct xen_domctl_vcpucontext   vcpucontext;
        struct xen_domctl_getvcpuinfo   getvcpuinfo;
        struct xen_domctl_vcpuaffinity  vcpuaffinity;
        struct xen_domctl_max_vcpus     max_vcpus;
        struct xen_domctl_scheduler_op  scheduler_op;
        struct xen_domctl_paging_mempool paging_mempool;
        uint8_t pad[128];
    } u;
};
_Static_assert(sizeof(struct xen_domctl) == 144, "xen_domctl");
_Static_assert(offsetof(struct xen_domctl, domain) == 8, "xen_domctl.domain");
_Static_assert(offsetof(struct xen_domctl, u) == 16, "xen_domctl.u");

#endif /* !__ASSEMBLY__ */

#endif /* XENLITE_HYPERCALLS_DOMCTL_H */
