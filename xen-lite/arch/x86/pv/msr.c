/*
 * The model-specific registers a PV kernel may read or write with
 * rdmsr/wrmsr (which fault in ring 3 and are emulated), as Xen 4.17
 * answers a PV guest: the segment bases, the TSC, a virtual APIC base,
 * EFER and MISC_ENABLE as the hypervisor runs them (writes only of the
 * value read), Xen's PAT (so the guest can use write-combining), no
 * performance capabilities, and Xen's hypercall-page MSR (CPUID leaf
 * 0x40000002 names it): it reads as zero, and a write of a frame of the
 * guest's own that may be writable fills that frame with the hypercall
 * page (Xen's guest_wrmsr_xen).  Anything else is a #GP, as on Xen.
 */
#include "asm/msr.h"
#include "asm/processor.h"
#include "xen/domctl_int.h"
#include "xen/lib.h"
#include "xen/sched.h"

#define MSR_IA32_MISC_ENABLE        0x000001a0
#define  MISC_ENABLE_PERF_AVAIL     (1UL << 7)
#define  MISC_ENABLE_BTS_UNAVAIL    (1UL << 11)
#define  MISC_ENABLE_PEBS_UNAVAIL   (1UL << 12)
#define  MISC_ENABLE_MONITOR        (1UL << 18)
#define  MISC_ENABLE_XTPR_DISABLE   (1UL << 23)
#define MSR_IA32_PERF_CAPABILITIES  0x00000345
#define APIC_DEFAULT_BASE           0xfee00000UL
/* The PAT Xen gives PV guests: WB, WT, UC-, UC, WC, WP, UC-, UC (Xen's XEN_MSR_PAT). */
#define XEN_PV_PAT                  0x0000050100070406ULL
#define XEN_HYPERCALL_MSR           0x40000000  /* Xen's CPUID leaf 0x40000002 EBX */
#define EFER_GUEST_VISIBLE          (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

static bool is_canonical(uint64_t va)
{
    return (int64_t)(va << 16) >> 16 == (int64_t)va;
}

static uint64_t guest_efer(void)
{
    return rdmsr(MSR_EFER) & EFER_GUEST_VISIBLE;
}

/* MISC_ENABLE as a guest sees it; false where the CPU has none (AMD). */
static bool guest_misc_enable(uint64_t *val)
{
    struct cpuid_regs v = cpuid(0);

    if (memcmp(&v.ebx, "Genu", 4))
        return false;
    *val = (rdmsr(MSR_IA32_MISC_ENABLE) & ~(MISC_ENABLE_PERF_AVAIL | MISC_ENABLE_MONITOR)) |
           MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL | MISC_ENABLE_XTPR_DISABLE;
    return true;
}

bool pv_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    switch (msr) {
    case MSR_FS_BASE:
    case MSR_GS_BASE:
    case MSR_SHADOW_GS_BASE:
        *val = rdmsr(msr);
        return true;
    case MSR_IA32_TSC:
        *val = rdtsc();
        return true;
    case MSR_IA32_APIC_BASE:
        *val = APIC_BASE_ENABLE | APIC_DEFAULT_BASE | (v->vcpu_id ? 0 : APIC_BASE_BSP);
        return true;
    case MSR_EFER:
        *val = guest_efer();
        return true;
    case MSR_IA32_PAT:
        *val = XEN_PV_PAT;
        return true;
    case MSR_IA32_MISC_ENABLE:
        return guest_misc_enable(val);
    case MSR_IA32_PERF_CAPABILITIES:
    case XEN_HYPERCALL_MSR:
        *val = 0;
        return true;
    }
    return false;
}

bool pv_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    uint64_t cur;

    switch (msr) {
    case MSR_FS_BASE:
    case MSR_GS_BASE:
    case MSR_SHADOW_GS_BASE:
        if (!is_canonical(val))
            return false;
        wrmsr(msr, val);
        return true;
    case MSR_EFER:
        /* Linux writes back what it read; nothing may change. */
        return val == guest_efer();
    case MSR_IA32_MISC_ENABLE:
        return guest_misc_enable(&cur) && val == cur;
    case XEN_HYPERCALL_MSR:
        /* The frame (a PV guest's frame numbers are machine frames); the
         * low bits would pick a page of several: there is only page 0. */
        return !(val & (PAGE_SIZE - 1)) && domctl_hypercall_init(v->domain, val >> PAGE_SHIFT) == 0;
    }
    return false;
}
