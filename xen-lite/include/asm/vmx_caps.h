/*
 * What this CPU's VMX offers, and the VM-execution, exit and entry controls
 * xen-lite runs every guest with, computed from the capability MSRs
 * (Intel SDM vol. 3C appendix A, 31.5.1).  Pure logic: the MSR values come
 * in, the controls and features go out, so host unit tests cover CPUs we
 * cannot boot on.
 */
#ifndef ASM_VMX_CAPS_H
#define ASM_VMX_CAPS_H

#include "xen/types.h"

/* The five control fields, in the order of their capability MSRs. */
enum vmx_ctl {
    VMX_CTL_PIN,                /* pin-based VM-execution controls */
    VMX_CTL_PROC,               /* primary processor-based */
    VMX_CTL_PROC2,              /* secondary processor-based */
    VMX_CTL_EXIT,               /* VM-exit controls */
    VMX_CTL_ENTRY,              /* VM-entry controls */
    VMX_NR_CTLS
};

/*
 * The capability MSRs as read.  ctl[] holds allowed-0 settings in bits 31:0
 * (a 1 there: the control must be 1) and allowed-1 settings in bits 63:32
 * (a 0 there: the control must be 0), taken from the TRUE_* MSRs when
 * IA32_VMX_BASIC says they exist; ctl[VMX_CTL_PROC2] and ept_vpid are 0 on
 * a CPU that has no secondary controls (their MSRs do not exist there).
 */
struct vmx_msrs {
    uint64_t basic, misc, ept_vpid;
    uint64_t ctl[VMX_NR_CTLS];
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
};

struct vmx_config {
    bool usable;                /* VMX can run guests (else: why) */
    bool hap;                   /* HVM guests on EPT (else shadow paging) */
    const char *why;            /* why VMX, or (usable) HAP, is off: boot log */
    uint32_t revision;          /* VMCS revision identifier */
    uint32_t region_size;       /* bytes of a VMXON region or VMCS */
    bool below_4g;              /* regions must sit below 4 GiB */
    uint32_t ctl[VMX_NR_CTLS];  /* the control values every VMCS starts with */
    uint32_t on_demand[VMX_NR_CTLS];    /* set while waiting (window exits) */
    /* EPT (SDM 28.2) and VPID (28.1): what the capability MSR allows. */
    bool ept, ept_2m, ept_1g, ept_ad;
    bool invept_single, invept_all;
    bool vpid, invvpid_single, invvpid_all, invvpid_addr;
    bool unrestricted_guest;
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
};

/* Fill c from m; c->usable and c->hap say what the CPU can do. */
void vmx_compute_config(const struct vmx_msrs *m, struct vmx_config *c);

/* A one-line description of c ("revision 0x2b, EPT 4-level WB 2M 1G ..."). */
void vmx_describe(const struct vmx_config *c, char *buf, size_t len);

#endif
