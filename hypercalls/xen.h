/*
 * The core of the Xen x86-64 PV ABI as xen-lite speaks it: hypercall
 * numbers, domain ids, the MMU batch formats, and the pages Xen shares
 * with every PV guest (start_info, shared_info, vcpu_info).
 *
 * Numbers and layouts are Xen's (public headers of Xen 4.17, x86-64).
 * Every structure is written with fixed-width types and explicit padding
 * and is pinned by _Static_assert, so the hypervisor, dom0, the guests and
 * host unit tests all agree byte for byte.
 *
 * Include as "xen.h" with hypercalls/ on the include path, or as
 * <hypercalls/xen.h> with the repository root on it.  No file here shares
 * a name with a C library header (hence xen_errno.h, sched_op.h and
 * memory_op.h rather than Xen's errno.h, sched.h and memory.h).
 *
 * Guest pointers inside structures are 64-bit guest virtual addresses
 * (XEN_GUEST_HANDLE); the hypervisor reads them only through its checked
 * copy_from_guest/copy_to_guest accessors.
 */
#ifndef XENLITE_HYPERCALLS_XEN_H
#define XENLITE_HYPERCALLS_XEN_H

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>
#define XEN_MK_ULONG(x)  x##UL
#else
#define XEN_MK_ULONG(x)  x
#endif

/* ---- Hypercall numbers (rax) ------------------------------------------ */
/*
 * Entry: `syscall` from the guest kernel, or `call hypercall_page + nr*32`.
 * Arguments in rdi, rsi, rdx, r10, r8 (r9 for a sixth); result in rax.
 * rcx and r11 are clobbered by syscall; Xen also reserves the right to
 * clobber the argument registers a hypercall uses.
 */
#define __HYPERVISOR_set_trap_table                 0
#define __HYPERVISOR_mmu_update                     1
#define __HYPERVISOR_set_gdt                        2
#define __HYPERVISOR_stack_switch                   3
#define __HYPERVISOR_set_callbacks                  4
#define __HYPERVISOR_fpu_taskswitch                 5
#define __HYPERVISOR_sched_op_compat                6
#define __HYPERVISOR_platform_op                    7
#define __HYPERVISOR_set_debugreg                   8
#define __HYPERVISOR_get_debugreg                   9
#define __HYPERVISOR_update_descriptor             10
#define __HYPERVISOR_memory_op                     12
#define __HYPERVISOR_multicall                     13
#define __HYPERVISOR_update_va_mapping             14
#define __HYPERVISOR_set_timer_op                  15
#define __HYPERVISOR_event_channel_op_compat       16
#define __HYPERVISOR_xen_version                   17
#define __HYPERVISOR_console_io                    18
#define __HYPERVISOR_physdev_op_compat             19
#define __HYPERVISOR_grant_table_op                20
#define __HYPERVISOR_vm_assist                     21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                          23
#define __HYPERVISOR_vcpu_op                       24
#define __HYPERVISOR_set_segment_base              25
#define __HYPERVISOR_mmuext_op                     26
#define __HYPERVISOR_xsm_op                        27
#define __HYPERVISOR_nmi_op                        28
#define __HYPERVISOR_sched_op                      29
#define __HYPERVISOR_callback_op                   30
#define __HYPERVISOR_xenoprof_op                   31
#define __HYPERVISOR_event_channel_op              32
#define __HYPERVISOR_physdev_op                    33
#define __HYPERVISOR_hvm_op                        34
#define __HYPERVISOR_sysctl                        35
#define __HYPERVISOR_domctl                        36
#define __HYPERVISOR_kexec_op                      37
#define __HYPERVISOR_tmem_op                       38
#define __HYPERVISOR_argo_op                       39
#define __HYPERVISOR_xenpmu_op                     40
#define __HYPERVISOR_dm_op                         41
#define __HYPERVISOR_hypfs_op                      42
#define __HYPERVISOR_arch_0                        48  /* 48..55: per-arch */
#define __HYPERVISOR_arch_7                        55

/* Size of one stub in the hypercall page: stub n is at n * 32. */
#define XEN_HYPERCALL_STUB_SIZE  32
/* The table has room for every number below this (one 4 KiB page). */
#define XEN_HYPERCALL_PAGE_SLOTS 128

/* ---- Virtual interrupts (bound with EVTCHNOP_bind_virq) ------------------ */
/* "per-vCPU" VIRQs are bound once on each vCPU; "global" ones once per
 * domain, on vCPU 0 first (they may be moved with EVTCHNOP_bind_vcpu). */
#define VIRQ_TIMER       0   /* per-vCPU: timer fired / time base update */
#define VIRQ_DEBUG       1   /* per-vCPU: please dump debug state */
#define VIRQ_CONSOLE     2   /* global, dom0: input on the hypervisor console */
#define VIRQ_DOM_EXC     3   /* global, dom0: some domain shut down or died */
#define VIRQ_TBUF        4   /* global, dom0: trace records available */
#define VIRQ_DEBUGGER    6   /* global, dom0: a domain paused for debugging */
#define VIRQ_XENOPROF    7   /* per-vCPU: profiling sample */
#define VIRQ_CON_RING    8   /* global, dom0: hypervisor console ring grew */
#define VIRQ_PCPU_STATE  9   /* global, dom0: physical CPU state change */
#define VIRQ_MEM_EVENT  10   /* global, dom0: memory event */
#define VIRQ_ARGO       11   /* global: Argo message */
#define VIRQ_ENOMEM     12   /* global, dom0: hypervisor heap is low */
#define VIRQ_XENPMU     13   /* per-vCPU: PMU interrupt */
#define VIRQ_ARCH_0     16   /* 16..23: per-arch */
#define VIRQ_ARCH_7     23
#define NR_VIRQS        24

/* ---- mmu_update(reqs, count, done, foreigndom) -------------------------- */
/* The command sits in the low two bits of mmu_update.ptr; the rest of ptr
 * is the machine address of the PTE (or of the frame, for MACHPHYS). */
#define MMU_NORMAL_PT_UPDATE        0  /* validated *ptr = val */
#define MMU_MACHPHYS_UPDATE         1  /* M2P[ptr >> 12] = val */
#define MMU_PT_UPDATE_PRESERVE_AD   2  /* as NORMAL, keeping the old A/D bits */
#define MMU_PT_UPDATE_NO_TRANSLATE  3  /* as NORMAL, val never translated */
#define MMU_UPDATE_CMD_MASK         3
/* foreigndom: bits 15:0 own the mapped frames, bits 31:16 (minus one, 0
 * meaning DOMID_SELF) own the page tables being written. */

/* ---- mmuext_op(ops, count, done, foreigndom) ------------------------------ */
#define MMUEXT_PIN_L1_TABLE         0  /* arg1.mfn */
#define MMUEXT_PIN_L2_TABLE         1
#define MMUEXT_PIN_L3_TABLE         2
#define MMUEXT_PIN_L4_TABLE         3
#define MMUEXT_UNPIN_TABLE          4  /* arg1.mfn */
#define MMUEXT_NEW_BASEPTR          5  /* arg1.mfn: kernel L4 */
#define MMUEXT_TLB_FLUSH_LOCAL      6
#define MMUEXT_INVLPG_LOCAL         7  /* arg1.linear_addr */
#define MMUEXT_TLB_FLUSH_MULTI      8  /* arg2.vcpumask */
#define MMUEXT_INVLPG_MULTI         9  /* arg1.linear_addr, arg2.vcpumask */
#define MMUEXT_TLB_FLUSH_ALL       10
#define MMUEXT_INVLPG_ALL          11  /* arg1.linear_addr */
#define MMUEXT_FLUSH_CACHE         12
#define MMUEXT_SET_LDT             13  /* arg1.linear_addr, arg2.nr_ents */
#define MMUEXT_NEW_USER_BASEPTR    15  /* arg1.mfn: user-mode L4 */
#define MMUEXT_CLEAR_PAGE          16  /* arg1.mfn */
#define MMUEXT_COPY_PAGE           17  /* arg1.mfn <- arg2.src_mfn */
#define MMUEXT_FLUSH_CACHE_GLOBAL  18
#define MMUEXT_MARK_SUPER          19  /* arg1.mfn */
#define MMUEXT_UNMARK_SUPER        20

/* ---- update_va_mapping(va, val, flags) flags ------------------------------ */
/* Low two bits: what to flush.  Next bit: where.  For "multi" the caller
 * ORs in the (8-byte aligned) address of a vCPU bitmap instead. */
#define UVMF_NONE            XEN_MK_ULONG(0)
#define UVMF_TLB_FLUSH       XEN_MK_ULONG(1)
#define UVMF_INVLPG          XEN_MK_ULONG(2)
#define UVMF_FLUSHTYPE_MASK  XEN_MK_ULONG(3)
#define UVMF_MULTI           XEN_MK_ULONG(0)
#define UVMF_LOCAL           XEN_MK_ULONG(0)
#define UVMF_ALL             XEN_MK_ULONG(4)

/* ---- vm_assist(cmd, type) ---------------------------------------------- */
#define VMASST_CMD_enable                 0
#define VMASST_CMD_disable                1
#define VMASST_TYPE_4gb_segments          0  /* 32-bit guests only */
#define VMASST_TYPE_4gb_segments_notify   1  /* 32-bit guests only */
#define VMASST_TYPE_writable_pagetables   2  /* trap-and-emulate L1 writes */
#define VMASST_TYPE_pae_extended_cr3      3  /* 32-bit PAE guests only */
#define VMASST_TYPE_architectural_iopl    4
#define VMASST_TYPE_runstate_update_flag  5
#define VMASST_TYPE_m2p_strict           32  /* keep the M2P out of user L4s */

/* ---- Domain ids ---------------------------------------------------------- */
#define DOMID_FIRST_RESERVED  0x7FF0  /* ids from here up are special */
#define DOMID_SELF            0x7FF0  /* the calling domain */
#define DOMID_IO              0x7FF1  /* foreigndom: I/O mappings only */
#define DOMID_XEN             0x7FF2  /* owner of hypervisor-owned frames */
#define DOMID_COW             0x7FF3  /* owner of shared pages */
#define DOMID_INVALID         0x7FF4  /* "no domain" */
#define DOMID_IDLE            0x7FFF
#define DOMID_MASK            0x7FFF

/* ---- Limits and start-of-day flags ---------------------------------------- */
#define XEN_LEGACY_MAX_VCPUS  32    /* vcpu_info slots in shared_info */
#define EVTCHN_2L_NR_CHANNELS 4096  /* 64 words x 64 bits */
#define NR_EVENT_CHANNELS     EVTCHN_2L_NR_CHANNELS
#define MAX_GUEST_CMDLINE     1024

#define SIF_PRIVILEGED       (1 << 0)  /* domain may use privileged calls */
#define SIF_INITDOMAIN       (1 << 1)  /* this is the initial domain (dom0) */
#define SIF_MULTIBOOT_MOD    (1 << 2)  /* module is a multiboot module list */
#define SIF_MOD_START_PFN    (1 << 3)  /* mod_start is a PFN, not a VA */
#define SIF_VIRT_P2M_4TOOLS  (1 << 4)  /* tools understand the linear p2m */
#define SIF_PM_MASK          (0xFF << 8)

/* vcpu_time_info.flags */
#define XEN_PVCLOCK_TSC_STABLE_BIT  (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED   (1 << 1)

/* Address-space split, selectors and the x86-64 CPU context. */
#include "arch_x86.h"

#ifndef __ASSEMBLY__

/* A guest virtual address, with the pointee type kept for the reader. */
#define XEN_GUEST_HANDLE(type)     uint64_t
#define XEN_GUEST_HANDLE_64(type)  uint64_t
#define xen_guest_handle(ptr)      ((uint64_t)(uintptr_t)(ptr))

typedef uint16_t domid_t;
typedef uint64_t xen_pfn_t;
typedef uint64_t xen_ulong_t;
typedef uint8_t  xen_domain_handle_t[16];  /* a UUID */

/* mmu_update: one (ptr, val) pair. */
struct mmu_update {
    uint64_t ptr;   /* machine address of the PTE | MMU_* command */
    uint64_t val;   /* new PTE contents (machine frame + flags) */
};
_Static_assert(sizeof(struct mmu_update) == 16, "mmu_update");

struct mmuext_op {
    uint32_t cmd;                   /* MMUEXT_* */
    uint32_t _pad0;
    union {
        xen_pfn_t mfn;
        uint64_t  linear_addr;
    } arg1;
    union {
        uint32_t  nr_ents;
        XEN_GUEST_HANDLE(const void) vcpumask;
        xen_pfn_t src_mfn;
    } arg2;
};
_Static_assert(sizeof(struct mmuext_op) == 24, "mmuext_op");
_Static_assert(offsetof(struct mmuext_op, arg1) == 8, "mmuext_op.arg1");
_Static_assert(offsetof(struct mmuext_op, arg2) == 16, "mmuext_op.arg2");

/* multicall(entries, nr): each entry is one hypercall, run in order; its
 * return value lands in result.  A failing entry does not stop the rest;
 * the multicall itself fails only if the list cannot be read or written.
 * (Contrast mmu_update / mmuext_op, which stop at the first bad element.) */
struct multicall_entry {
    xen_ulong_t op;
    xen_ulong_t result;
    xen_ulong_t args[6];
};
_Static_assert(sizeof(struct multicall_entry) == 64, "multicall_entry");

/*
 * Per-vCPU time base.  Xen bumps `version` to odd before an update and to
 * even after; readers retry while it is odd or changed.  Now, in ns:
 *   system_time + ((((tsc - tsc_timestamp) << tsc_shift) * mul) >> 32)
 * with a negative tsc_shift meaning a right shift.
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;       /* TSC at the last update */
    uint64_t system_time;         /* ns since boot at tsc_timestamp */
    uint32_t tsc_to_system_mul;   /* 32.32 fixed-point ns per TSC tick */
    int8_t   tsc_shift;
    uint8_t  flags;               /* XEN_PVCLOCK_* */
    uint8_t  pad1[2];
};
_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info");
_Static_assert(offsetof(struct vcpu_time_info, tsc_to_system_mul) == 24,
               "vcpu_time_info.tsc_to_system_mul");

struct arch_vcpu_info {
    uint64_t cr2;   /* faulting address of the last bounced #PF */
    uint64_t pad;
};
_Static_assert(sizeof(struct arch_vcpu_info) == 16, "arch_vcpu_info");

/*
 * Per-vCPU event state.  Xen sets upcall_pending; the guest clears it
 * before scanning.  A non-zero upcall_mask stops upcalls (the PV "cli").
 * Bit n of pending_sel means word n of shared_info.evtchn_pending may
 * have pending, unmasked ports.
 */
struct vcpu_info {
    uint8_t  evtchn_upcall_pending;
    uint8_t  evtchn_upcall_mask;
    uint8_t  _pad0[6];
    xen_ulong_t evtchn_pending_sel;
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info");
_Static_assert(offsetof(struct vcpu_info, evtchn_pending_sel) == 8,
               "vcpu_info.evtchn_pending_sel");
_Static_assert(offsetof(struct vcpu_info, arch) == 16, "vcpu_info.arch");
_Static_assert(offsetof(struct vcpu_info, time) == 32, "vcpu_info.time");

struct arch_shared_info {
    xen_ulong_t max_pfn;                     /* entries in the p2m */
    xen_pfn_t   pfn_to_mfn_frame_list_list;  /* 3-level p2m tree root */
    xen_ulong_t nmi_reason;
    xen_ulong_t p2m_cr3;                     /* linear p2m: its address space */
    xen_ulong_t p2m_vaddr;                   /* linear p2m: its address */
    xen_ulong_t p2m_generation;              /* odd while being changed */
};
_Static_assert(sizeof(struct arch_shared_info) == 48, "arch_shared_info");

/* The shared info page: one per domain, frame given in start_info. */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[64];   /* bit per port; guest clears */
    xen_ulong_t evtchn_mask[64];      /* bit per port; guest sets */
    uint32_t wc_version;              /* wall clock, same protocol as time */
    uint32_t wc_sec;                  /* seconds since 1970 at boot, low */
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;               /* seconds, high 32 bits */
    struct arch_shared_info arch;
};
_Static_assert(sizeof(struct shared_info) == 3136, "shared_info");
_Static_assert(offsetof(struct shared_info, evtchn_pending) == 2048,
               "shared_info.evtchn_pending");
_Static_assert(offsetof(struct shared_info, evtchn_mask) == 2560,
               "shared_info.evtchn_mask");
_Static_assert(offsetof(struct shared_info, wc_version) == 3072,
               "shared_info.wc_version");
_Static_assert(offsetof(struct shared_info, arch) == 3088,
               "shared_info.arch");

/*
 * start_info: handed to a PV guest in rsi at entry.  Page frames are
 * machine frames (PV guests see machine addresses); pointers are guest
 * virtual addresses inside the initial mapping.
 */
struct start_info {
    char     magic[32];          /* "xen-<major>.<minor>-x86_64" */
    uint64_t nr_pages;           /* pages allocated to the domain */
    uint64_t shared_info;        /* machine address of shared_info */
    uint32_t flags;              /* SIF_* */
    uint32_t _pad0;
    xen_pfn_t store_mfn;         /* xenstore ring page */
    uint32_t store_evtchn;
    uint32_t _pad1;
    union {
        struct {
            xen_pfn_t mfn;       /* console ring page */
            uint32_t  evtchn;
            uint32_t  _pad;
        } domU;
        struct {
            uint32_t info_off;   /* offset of the VGA console info */
            uint32_t info_size;
        } dom0;
    } console;
    /* Filled only at first boot, not on resume. */
    uint64_t pt_base;            /* VA of the initial L4 */
    uint64_t nr_pt_frames;       /* frames of the initial page tables */
    uint64_t mfn_list;           /* VA of the p2m array (nr_pages entries) */
    uint64_t mod_start;          /* VA (or PFN, see SIF_) of the module */
    uint64_t mod_len;            /* module size in bytes */
    int8_t   cmd_line[MAX_GUEST_CMDLINE];
    uint64_t first_p2m_pfn;      /* p2m placed by XEN_ELFNOTE_INIT_P2M */
    uint64_t nr_p2m_frames;
};
_Static_assert(sizeof(struct start_info) == 1168, "start_info");
_Static_assert(offsetof(struct start_info, flags) == 48, "start_info.flags");
_Static_assert(offsetof(struct start_info, store_mfn) == 56,
               "start_info.store_mfn");
_Static_assert(offsetof(struct start_info, console) == 72,
               "start_info.console");
_Static_assert(offsetof(struct start_info, pt_base) == 88,
               "start_info.pt_base");
_Static_assert(offsetof(struct start_info, cmd_line) == 128,
               "start_info.cmd_line");
_Static_assert(offsetof(struct start_info, first_p2m_pfn) == 1152,
               "start_info.first_p2m_pfn");

#endif /* !__ASSEMBLY__ */

#endif /* XENLITE_HYPERCALLS_XEN_H */
