/*
 * The HVM (PVH) interface: hvm_op and its parameters, the PVH start of
 * day (hvm_start_info, handed over in %ebx at XEN_ELFNOTE_PHYS32_ENTRY),
 * the register context that starts an HVM vCPU (VCPUOP_initialise for
 * PVH application processors), and the CPUID leaves and MSR a guest finds
 * the hypervisor by.  Numbers and layouts are Xen's (public/hvm/hvm_op.h,
 * params.h, hvm_vcpu.h, arch-x86/hvm/start_info.h, arch-x86/cpuid.h).
 */
#ifndef XENLITE_HYPERCALLS_HVM_OP_H
#define XENLITE_HYPERCALLS_HVM_OP_H

#include "xen.h"

/* ---- hvm_op(cmd, arg) ---- */
#define HVMOP_set_param                 0   /* arg: xen_hvm_param */
#define HVMOP_get_param                 1   /* arg: xen_hvm_param */
#define HVMOP_get_time                 10   /* arg: xen_hvm_get_time */
#define HVMOP_set_evtchn_upcall_vector 23   /* arg: xen_hvm_evtchn_upcall_vector */

/* Parameters (HVMOP_set_param / HVMOP_get_param). */
#define HVM_PARAM_CALLBACK_IRQ          0   /* how events are delivered */
#define HVM_PARAM_STORE_PFN             1   /* xenstore ring page */
#define HVM_PARAM_STORE_EVTCHN          2
#define HVM_PARAM_CONSOLE_PFN          17   /* console ring page */
#define HVM_PARAM_CONSOLE_EVTCHN       18
#define HVM_NR_PARAMS                  39

/* HVM_PARAM_CALLBACK_IRQ: the type in bits 63:56, the value below it. */
#define HVM_PARAM_CALLBACK_TYPE_SHIFT  56
#define HVM_PARAM_CALLBACK_TYPE_GSI     0
#define HVM_PARAM_CALLBACK_TYPE_PCI_INTX 1
#define HVM_PARAM_CALLBACK_TYPE_VECTOR  2   /* bits 7:0: an IDT vector */

#ifndef __ASSEMBLY__

struct xen_hvm_param {
    domid_t  domid;                     /* DOMID_SELF, or dom0 naming another */
    uint16_t pad;
    uint32_t index;                     /* HVM_PARAM_* */
    uint64_t value;                     /* IN (set) / OUT (get) */
};
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param");

struct xen_hvm_get_time {
    uint64_t now;                       /* system time, ns */
};

/* A per-vCPU vector for event upcalls, delivered through the local APIC
 * (the guest EOIs it); preferred to HVM_PARAM_CALLBACK_IRQ's. */
struct xen_hvm_evtchn_upcall_vector {
    uint32_t vcpu;
    uint8_t vector;
    uint8_t pad[3];
};
_Static_assert(sizeof(struct xen_hvm_evtchn_upcall_vector) == 8,
               "xen_hvm_evtchn_upcall_vector");

/* ---- PVH start of day: %ebx points at this (below 4 GiB) ---- */
#define XEN_HVM_START_MAGIC_VALUE   0x336ec578
#define XEN_HVM_MEMMAP_TYPE_RAM      1
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2

struct hvm_start_info {
    uint32_t magic;                     /* XEN_HVM_START_MAGIC_VALUE */
    uint32_t version;                   /* 1: memmap_* present */
    uint32_t flags;                     /* SIF_* */
    uint32_t nr_modules;
    uint64_t modlist_paddr;             /* hvm_modlist_entry[nr_modules] */
    uint64_t cmdline_paddr;             /* NUL-terminated, or 0 */
    uint64_t rsdp_paddr;                /* ACPI RSDP, or 0 */
    uint64_t memmap_paddr;              /* hvm_memmap_table_entry[] */
    uint32_t memmap_entries;
    uint32_t reserved;
};
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info");

struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;
    uint64_t reserved;
};
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry");

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;                      /* XEN_HVM_MEMMAP_TYPE_* */
    uint32_t reserved;
};
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24,
               "hvm_memmap_table_entry");

/*
 * ---- The context an HVM vCPU starts from (VCPUOP_initialise) ----
 * Segment attributes (*_ar): bits 3:0 type, 4 S, 6:5 DPL, 7 P, 8 AVL,
 * 9 L, 10 D/B, 11 G -- a descriptor's bits 47:40 and 55:52.
 */
struct vcpu_hvm_x86_32 {
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi, eip, eflags;
    uint32_t cr0, cr3, cr4;
    uint32_t pad1;
    uint64_t efer;
    uint32_t cs_base, ds_base, ss_base, es_base, tr_base;
    uint32_t cs_limit, ds_limit, ss_limit, es_limit, tr_limit;
    uint16_t cs_ar, ds_ar, ss_ar, es_ar, tr_ar;
    uint16_t pad2[3];
};
_Static_assert(sizeof(struct vcpu_hvm_x86_32) == 120, "vcpu_hvm_x86_32");

/* Long mode with flat 64-bit code and data segments. */
struct vcpu_hvm_x86_64 {
    uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, rip, rflags;
    uint64_t cr0, cr3, cr4, efer;
};
_Static_assert(sizeof(struct vcpu_hvm_x86_64) == 112, "vcpu_hvm_x86_64");

#define VCPU_HVM_MODE_32B 0
#define VCPU_HVM_MODE_64B 1

/* The PVH start state's segments (flat, ring 0) and TSS, as *_ar values. */
#define VCPU_HVM_AR_CODE32      0xc9b   /* P, S, code exec/read accessed, D, G */
#define VCPU_HVM_AR_DATA32      0xc93   /* P, S, data read/write accessed, D, G */
#define VCPU_HVM_AR_TSS32       0x08b   /* P, 32-bit TSS busy */
#define VCPU_HVM_TSS_LIMIT      0x67
struct vcpu_hvm_context {
    uint32_t mode;                      /* VCPU_HVM_MODE_* */
    uint32_t pad;
    union {
        struct vcpu_hvm_x86_32 x86_32;
        struct vcpu_hvm_x86_64 x86_64;
    } cpu_regs;
};
_Static_assert(sizeof(struct vcpu_hvm_context) == 128, "vcpu_hvm_context");

#endif /* !__ASSEMBLY__ */

/* ---- Finding the hypervisor: CPUID leaves and the hypercall-page MSR ---- */
#define XEN_CPUID_FIRST_LEAF        0x40000000  /* eax: last leaf; "XenVMMXenVMM" */
#define XEN_CPUID_LEAF_VERSION      0x40000001  /* eax: major << 16 | minor */
#define XEN_CPUID_LEAF_HCALL        0x40000002  /* eax: pages, ebx: the MSR */
#define XEN_CPUID_LEAF_TIME         0x40000003  /* TSC mode and frequency */
#define XEN_CPUID_LEAF_HVM          0x40000004  /* HVM features, vCPU and domain id */
#define XEN_CPUID_HYPERCALL_MSR     0x40000000  /* write: a gpa, the page is filled */
#define XEN_HVM_CPUID_X2APIC_VIRT      (1U << 1)
#define XEN_HVM_CPUID_VCPU_ID_PRESENT  (1U << 3)   /* ebx: vCPU id */
#define XEN_HVM_CPUID_DOMID_PRESENT    (1U << 4)   /* ecx: domain id */
#define XEN_HVM_CPUID_UPCALL_VECTOR    (1U << 6)   /* HVMOP_set_evtchn_upcall_vector */

#endif /* XENLITE_HYPERCALLS_HVM_OP_H */
