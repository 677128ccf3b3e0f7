/*
 * CPUID for HVM guests: Xen's leaves at 0x40000000-0x40000004 (signature
 * "XenVMMXenVMM", version 4.17, the hypercall-page MSR, TSC facts, HVM
 * features with the vCPU and domain ids), then the CPU's own leaves with
 * what is not virtualized here taken out: hardware virtualization, XSAVE
 * and what needs it (only the FXSAVE image is switched between vCPUs),
 * MONITOR/MWAIT, MTRRs, performance counters, PCID, TSC deadline, the
 * speculation-control MSRs.  The x2APIC is shown (hvm/vlapic.c), with
 * the vCPU's id as its APIC id.
 */
#include "asm/processor.h"
#include "asm/time.h"
#include "xen/lib.h"
#include "xen/sched.h"
#include "xen/timer.h"
#include "xen/version.h"

#include "hvm/hvm.h"

/* Leaf 1 (Intel SDM vol. 2A, CPUID). */
#define L1_ECX_HIDE ((1U << 2) | (1U << 3) | (1U << 4) | (1U << 5) | (1U << 6) | \
                     (1U << 7) | (1U << 8) | (1U << 12) | (1U << 15) | (1U << 17) | \
                     (1U << 18) | (1U << 24) | (1U << 26) | (1U << 27) | (1U << 28) | \
                     (1U << 29))        /* DTES64 MONITOR DS-CPL VMX SMX EST TM2 FMA
                                         * PDCM PCID DCA TSC-deadline XSAVE OSXSAVE
                                         * AVX F16C */
#define L1_EDX_HIDE ((1U << 12) | (1U << 14) | (1U << 21) | (1U << 22) | (1U << 29) | \
                     (1U << 31))        /* MTRR MCA DS ACPI TM PBE */
/* Leaf 7.0 EBX: FSGSBASE BMI1 SMEP BMI2 ERMS RDSEED ADX SMAP CLFLUSHOPT CLWB SHA. */
#define L7_EBX_SHOW ((1U << 0) | (1U << 3) | (1U << 7) | (1U << 8) | (1U << 9) | \
                     (1U << 18) | (1U << 19) | (1U << 20) | (1U << 23) | (1U << 24) | \
                     (1U << 29))
#define L7_EBX_FSGSBASE (1U << 0)
#define L7_EBX_SMEP     (1U << 7)
#define L7_EBX_SMAP     (1U << 20)
/* Leaf 0x80000001 ECX: LAHF ABM SSE4A MISALIGNSSE PREFETCHW; EDX less RDTSCP. */
#define X1_ECX_SHOW ((1U << 0) | (1U << 5) | (1U << 6) | (1U << 7) | (1U << 8))
#define X1_EDX_HIDE (1U << 27)
#define X8_EAX_PHYS_MAX 48              /* the p2m's reach */

#define CR4_BASE    0x7ffUL             /* VME .. OSXMMEXCPT (bits 0-10) */

uint64_t hvm_cr4_allowed(void)
{
    uint32_t ebx = cpuid(0).eax >= 7 ? cpuid_count(7, 0).ebx & L7_EBX_SHOW : 0;

    return CR4_BASE | (ebx & L7_EBX_FSGSBASE ? X86_CR4_FSGSBASE : 0) |
           (ebx & L7_EBX_SMEP ? X86_CR4_SMEP : 0) | (ebx & L7_EBX_SMAP ? X86_CR4_SMAP : 0);
}

static struct cpuid_regs xen_leaf(struct vcpu *v, uint32_t leaf, uint32_t sub)
{
    struct cpuid_regs r = { 0, 0, 0, 0 };
    struct time_scale ts;

    switch (leaf) {
    case XEN_CPUID_FIRST_LEAF:
        r.eax = XEN_CPUID_LEAF_HVM;
        memcpy(&r.ebx, "XenV", 4);
        memcpy(&r.ecx, "MMXe", 4);
        memcpy(&r.edx, "nVMM", 4);
        break;
    case XEN_CPUID_LEAF_VERSION:
        r.eax = (XEN_LITE_ABI_MAJOR << 16) | XEN_LITE_ABI_MINOR;
        break;
    case XEN_CPUID_LEAF_HCALL:
        r.eax = 1;                      /* one hypercall page */
        r.ebx = XEN_CPUID_HYPERCALL_MSR;
        break;
    case XEN_CPUID_LEAF_TIME:           /* the TSC runs natively, unscaled */
        set_time_scale(&ts, tsc_khz_get() * 1000);
        if (sub == 0)
            r.ecx = tsc_khz_get();
        else if (sub == 1)
            r = (struct cpuid_regs){ 0, 0, ts.mul_frac, (uint32_t)ts.shift };
        else if (sub == 2)
            r.eax = tsc_khz_get();
        break;
    case XEN_CPUID_LEAF_HVM:
        r.eax = XEN_HVM_CPUID_X2APIC_VIRT | XEN_HVM_CPUID_VCPU_ID_PRESENT |
                XEN_HVM_CPUID_DOMID_PRESENT | XEN_HVM_CPUID_UPCALL_VECTOR;
        r.ebx = v->vcpu_id;
        r.ecx = v->domain->domain_id;
        break;
    }
    return r;
}

static void filter(struct vcpu *v, uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    switch (leaf) {
    case 1:
        r->ebx = (r->ebx & 0x0000ffff) | (1U << 16) | (v->vcpu_id << 24);
        r->ecx = (r->ecx & ~L1_ECX_HIDE) | CPUID1_ECX_X2APIC | CPUID1_ECX_HYPERVISOR;
        r->edx &= ~L1_EDX_HIDE;
        break;
    case 7:
        *r = (struct cpuid_regs){ 0, sub ? 0 : r->ebx & L7_EBX_SHOW, 0, 0 };
        break;
    case 0xb:                           /* x2APIC topology: one thread per core */
        r->edx = v->vcpu_id;
        break;
    case 0xa: case 0xd:                 /* performance counters, XSAVE */
    case 0x8000000a: case 0x8000001f:   /* SVM, memory encryption */
        *r = (struct cpuid_regs){ 0, 0, 0, 0 };
        break;
    case 0x80000001:
        r->ecx &= X1_ECX_SHOW;
        r->edx &= ~X1_EDX_HIDE;
        break;
    case 0x80000007:
        r->edx &= CPUIDX7_EDX_INVARIANT_TSC;
        r->eax = r->ebx = r->ecx = 0;
        break;
    case 0x80000008:
        if ((r->eax & 0xff) > X8_EAX_PHYS_MAX)
            r->eax = (r->eax & ~0xffU) | X8_EAX_PHYS_MAX;
        r->ebx = r->ecx = r->edx = 0;
        break;
    }
}

void hvm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, struct cpu_user_regs *regs)
{
    struct cpuid_regs r;

    if ((leaf & 0xffff0000) == XEN_CPUID_FIRST_LEAF) {
        r = xen_leaf(v, leaf, sub);
    } else {
        r = cpuid_count(leaf, sub);
        filter(v, leaf, sub, &r);
    }
    regs->rax = r.eax;
    regs->rbx = r.ebx;
    regs->rcx = r.ecx;
    regs->rdx = r.edx;
}
