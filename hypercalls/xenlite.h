/*
 * xen-lite's own extensions to the Xen ABI.
 *
 * Rule: an extension is a sub-command of an existing Xen hypercall, with a
 * number from 0x100 up in that hypercall's command space -- far above
 * anything Xen has assigned -- so real Xen answers it with -XEN_ENOSYS (or
 * -XEN_EINVAL) and a guest using it still runs there.  No new hypercall
 * numbers are taken.  Each extension is listed in ABI.md.
 */
#ifndef XENLITE_HYPERCALLS_XENLITE_H
#define XENLITE_HYPERCALLS_XENLITE_H

#include "xen.h"
#include "sched_op.h"
#include "sysctl.h"

#define XENLITE_OP_BASE  0x100

/*
 * sched_op(SCHEDOP_xenlite_exit_status, struct sched_xenlite_exit_status *)
 *
 * Record a numeric exit status for the calling domain; the last value
 * recorded is reported when the domain shuts down with SHUTDOWN_poweroff
 * (for dom0: as the exit status of the whole machine, which the boot
 * runner returns).  The call itself does not shut anything down; follow
 * it with SCHEDOP_shutdown.  Returns 0.  Status 0 means success; a domain
 * that never calls it reports 0.
 */
#define SCHEDOP_xenlite_exit_status  (XENLITE_OP_BASE + 0)

/*
 * xen_version(XENVER_xenlite_hazards, NULL): the number of states the
 * hypervisor caught since boot that would have faulted in ring 0 on real
 * hardware (a return to a non-canonical rip or a bad selector, an FPU
 * image FXRSTOR refuses, a page-table base losing its type while loaded);
 * each crashed the guest that caused it instead of the host.  Any domain
 * may ask: a fuzzer counts them around its run.  0 on a sound hypervisor.
 */
#define XENVER_xenlite_hazards       (XENLITE_OP_BASE + 0)

/*
 * sysctl(XEN_SYSCTL_xenlite_audit_page_types): reserved for the page-type
 * auditor (checks every frame's owner, type and counts against the page
 * tables that reference it).  Its argument layout is defined when it is
 * implemented; until then the number is only reserved.
 */
#define XEN_SYSCTL_xenlite_audit_page_types  (XENLITE_OP_BASE + 0)

#ifndef __ASSEMBLY__

/*
 * sysctl(XEN_SYSCTL_xenlite_domain_stats): a domain's counters since it
 * was created -- hypercalls by number, made directly and as multicall
 * entries, writes to its own page tables emulated (by the writable
 * page-table assist of a PV guest, by shadow paging for an HVM one), and
 * an HVM guest's VM exits.  dom0 only (-XEN_EPERM); -XEN_ESRCH for no such
 * domain.  xl hypercall-stats prints them.
 */
#define XEN_SYSCTL_xenlite_domain_stats  (XENLITE_OP_BASE + 1)
#define XENLITE_STATS_HYPERCALLS         64

struct xenlite_domain_stats {
    uint64_t hypercalls[XENLITE_STATS_HYPERCALLS];
    uint64_t multicall_entries[XENLITE_STATS_HYPERCALLS];
    uint64_t ptwr_emulations;
    uint64_t vm_exits;
};
_Static_assert(sizeof(struct xenlite_domain_stats) == 1040, "xenlite_domain_stats");

struct xen_sysctl_xenlite_domain_stats {
    uint16_t domid;                     /* IN */
    uint16_t _pad[3];
    uint64_t buffer;                    /* IN: XEN_GUEST_HANDLE(xenlite_domain_stats) */
};
_Static_assert(sizeof(struct xen_sysctl_xenlite_domain_stats) == 16,
               "xen_sysctl_xenlite_domain_stats");

/*
 * sysctl(XEN_SYSCTL_xenlite_p2m_info): the shape of a translated (HVM)
 * domain's p2m -- its entries by size and its memory by type.  dom0 only
 * (-XEN_EPERM); -XEN_ESRCH for no such domain, -XEN_EINVAL for a PV
 * domain (it has no p2m).  xl p2m-info prints it.
 */
#define XEN_SYSCTL_xenlite_p2m_info      (XENLITE_OP_BASE + 2)

struct xen_sysctl_xenlite_p2m_info {
    uint16_t domid;                     /* IN */
    uint16_t _pad[3];
    uint64_t entries_4k, entries_2m, entries_1g;    /* OUT: present leaves */
    uint64_t ram_pages, mmio_pages, xen_pages;      /* OUT: 4 KiB frames by type */
    uint64_t tables;                    /* OUT: table frames */
    uint64_t max_gfn;                   /* OUT: highest gfn mapped */
};
_Static_assert(sizeof(struct xen_sysctl_xenlite_p2m_info) == 72,
               "xen_sysctl_xenlite_p2m_info");

/*
 * domctl(XEN_DOMCTL_xenlite_hvm_vcpu_context): start vCPU `vcpu` of a
 * paused HVM domain from the struct vcpu_hvm_context at `ctxt` (the
 * layout VCPUOP_initialise takes, hypercalls/hvm_op.h) and bring it
 * online -- what Xen's toolstack does with XEN_DOMCTL_sethvmcontext's
 * save records.  -XEN_EINVAL for a context a CPU would refuse or a PV
 * domain, -XEN_EEXIST if the vCPU has one, -XEN_EBUSY if the domain runs.
 */
#define XEN_DOMCTL_xenlite_hvm_vcpu_context  (XENLITE_OP_BASE + 0)

struct xen_domctl_xenlite_hvm_vcpu_context {
    uint32_t vcpu;
    uint32_t _pad;
    uint64_t ctxt;                      /* XEN_GUEST_HANDLE(vcpu_hvm_context) */
};
_Static_assert(sizeof(struct xen_domctl_xenlite_hvm_vcpu_context) == 16,
               "xen_domctl_xenlite_hvm_vcpu_context");

struct sched_xenlite_exit_status {
    int32_t status;
};
_Static_assert(sizeof(struct sched_xenlite_exit_status) == 4,
               "sched_xenlite_exit_status");

#endif /* !__ASSEMBLY__ */

#endif /* XENLITE_HYPERCALLS_XENLITE_H */
