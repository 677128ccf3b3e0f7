/*
 * The CPUID a 64-bit PV guest sees (Xen 4.17's PV policy, as its
 * cpufeatureset.h marks features "A": available to all guests by default),
 * computed from the host's answer.  Pure, so the host unit tests check it.
 *
 * Hidden, because a PV guest must not or cannot use them: paging features
 * that belong to the hypervisor (PSE, PSE36, PGE, 1 GiB pages, PCID), the
 * MTRRs, virtual-8086 extensions, MONITOR/MWAIT, VMX/SVM, the x2APIC,
 * machine checks (MCE/MCA: no virtual machine-check MSRs here), XSAVE and
 * everything built on it (the hypervisor keeps only the FXSAVE state of a
 * vCPU), performance counters, thermal and topology leaves.  Feature bits
 * are named by the CPUID leaf and register they live in (Intel SDM vol. 2A,
 * CPUID; AMD APM vol. 3, appendix E).
 */
#include "asm/cpuid_policy.h"

#define BIT(n)  (1u << (n))

/* CPUID.1:EDX */
#define F1D_FPU BIT(0)
#define F1D_DE BIT(2)
#define F1D_TSC BIT(4)
#define F1D_MSR BIT(5)
#define F1D_PAE BIT(6)
#define F1D_CX8 BIT(8)
#define F1D_APIC BIT(9)
#define F1D_SEP BIT(11)
#define F1D_CMOV BIT(15)
#define F1D_PAT BIT(16)
#define F1D_CLFLUSH BIT(19)
#define F1D_ACPI BIT(22)
#define F1D_MMX BIT(23)
#define F1D_FXSR BIT(24)
#define F1D_SSE BIT(25)
#define F1D_SSE2 BIT(26)
#define F1D_SS BIT(27)
#define F1D_HTT BIT(28)
/* CPUID.1:ECX */
#define F1C_SSE3 BIT(0)
#define F1C_PCLMULQDQ BIT(1)
#define F1C_SSSE3 BIT(9)
#define F1C_CX16 BIT(13)
#define F1C_SSE41 BIT(19)
#define F1C_SSE42 BIT(20)
#define F1C_MOVBE BIT(22)
#define F1C_POPCNT BIT(23)
#define F1C_AESNI BIT(25)
#define F1C_RDRAND BIT(30)
#define F1C_HYPERVISOR BIT(31)
/* CPUID.80000001:EDX */
#define E1D_SYSCALL BIT(11)
#define E1D_NX BIT(20)
#define E1D_MMXEXT BIT(22)
#define E1D_FFXSR BIT(25)
#define E1D_RDTSCP BIT(27)
#define E1D_LM BIT(29)
#define E1D_3DNOWEXT BIT(30)
#define E1D_3DNOW BIT(31)
/* The bits AMD repeats from CPUID.1:EDX in CPUID.80000001:EDX. */
#define E1D_COMMON_WITH_1D 0x0183f3ffu
/* CPUID.80000001:ECX */
#define E1C_LAHF_LM BIT(0)
#define E1C_CMP_LEGACY BIT(1)
#define E1C_ABM BIT(5)
#define E1C_SSE4A BIT(6)
#define E1C_MISALIGNSSE BIT(7)
#define E1C_3DNOWPREFETCH BIT(8)
#define E1C_TBM BIT(21)
#define E1C_DBEXT BIT(26)
/* CPUID.7.0:EBX */
#define F7B_FSGSBASE BIT(0)
#define F7B_BMI1 BIT(3)
#define F7B_BMI2 BIT(8)
#define F7B_ERMS BIT(9)
#define F7B_RTM BIT(11)
#define F7B_RDSEED BIT(18)
#define F7B_ADX BIT(19)
#define F7B_CLFLUSHOPT BIT(23)
#define F7B_CLWB BIT(24)
#define F7B_SHA BIT(29)
/* CPUID.7.0:ECX */
#define F7C_PREFETCHWT1 BIT(0)
#define F7C_GFNI BIT(8)
#define F7C_RDPID BIT(22)
#define F7C_CLDEMOTE BIT(25)
/* CPUID.7.0:EDX */
#define F7D_FSRM BIT(4)
#define F7D_MD_CLEAR BIT(10)
#define F7D_SERIALIZE BIT(14)
#define F7D_IBRSB BIT(26)
#define F7D_STIBP BIT(27)
#define F7D_SSBD BIT(31)
/* CPUID.80000008:EBX */
#define E8B_CLZERO BIT(0)
#define E8B_RSTR_FP_ERR_PTRS BIT(2)
#define E8B_IBPB BIT(12)
#define E8B_SSB_NO BIT(26)
#define E8B_BTC_NO BIT(29)
#define E8B_IBPB_RET BIT(30)

static const uint32_t pv_1d = F1D_FPU | F1D_DE | F1D_TSC | F1D_MSR | F1D_PAE | F1D_CX8 |
    F1D_APIC | F1D_SEP | F1D_CMOV | F1D_PAT | F1D_CLFLUSH | F1D_ACPI | F1D_MMX | F1D_FXSR |
    F1D_SSE | F1D_SSE2 | F1D_SS | F1D_HTT;
static const uint32_t pv_1c = F1C_SSE3 | F1C_PCLMULQDQ | F1C_SSSE3 | F1C_CX16 | F1C_SSE41 |
    F1C_SSE42 | F1C_MOVBE | F1C_POPCNT | F1C_AESNI | F1C_RDRAND;
static const uint32_t pv_e1d = E1D_SYSCALL | E1D_NX | E1D_MMXEXT | E1D_FFXSR | E1D_RDTSCP |
    E1D_LM | E1D_3DNOWEXT | E1D_3DNOW;
static const uint32_t pv_e1c = E1C_LAHF_LM | E1C_CMP_LEGACY | E1C_ABM | E1C_SSE4A |
    E1C_MISALIGNSSE | E1C_3DNOWPREFETCH | E1C_TBM | E1C_DBEXT;
static const uint32_t pv_7b = F7B_FSGSBASE | F7B_BMI1 | F7B_BMI2 | F7B_ERMS | F7B_RTM |
    F7B_RDSEED | F7B_ADX | F7B_CLFLUSHOPT | F7B_CLWB | F7B_SHA;
static const uint32_t pv_7c = F7C_PREFETCHWT1 | F7C_GFNI | F7C_RDPID | F7C_CLDEMOTE;
static const uint32_t pv_7d = F7D_FSRM | F7D_MD_CLEAR | F7D_SERIALIZE | F7D_IBRSB |
    F7D_STIBP | F7D_SSBD;
static const uint32_t pv_e8b = E8B_CLZERO | E8B_RSTR_FP_ERR_PTRS | E8B_IBPB | E8B_SSB_NO |
    E8B_BTC_NO | E8B_IBPB_RET;

#define PV_MAX_BASIC_LEAF   0xd
#define PV_MAX_EXT_LEAF     0x80000008u
#define FMS_TYPE_BITS       0xf000f000u /* processor type, reserved bits */
#define LEAF1_APIC_ID_MASK  0x00ffffffu /* EBX[31:24]: the APIC ID */

static void empty(struct cpuid_regs *r)
{
    r->eax = r->ebx = r->ecx = r->edx = 0;
}

static void basic_leaf(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    switch (leaf) {
    case 0x0:
        if (r->eax > PV_MAX_BASIC_LEAF)
            r->eax = PV_MAX_BASIC_LEAF;
        return;
    case 0x1:
        r->eax &= ~FMS_TYPE_BITS;
        r->ebx &= LEAF1_APIC_ID_MASK;
        r->ecx = (r->ecx & pv_1c) | F1C_HYPERVISOR;
        r->edx &= pv_1d;
        return;
    case 0x2:                           /* cache descriptors */
    case 0x4:                           /* deterministic cache parameters */
        return;
    case 0x7:
        if (sub != 0) {
            empty(r);
            return;
        }
        r->eax = 0;                     /* no further subleaf */
        r->ebx &= pv_7b;
        r->ecx &= pv_7c;
        r->edx &= pv_7d;
        return;
    default:                            /* MONITOR, power, PMU, topology, XSAVE... */
        empty(r);
    }
}

static void extended_leaf(uint32_t leaf, const struct cpuid_regs *leaf1,
                          bool amd, struct cpuid_regs *r)
{
    switch (leaf) {
    case 0x80000000:
        if (r->eax > PV_MAX_EXT_LEAF)
            r->eax = PV_MAX_EXT_LEAF;
        return;
    case 0x80000001:
        r->ecx &= pv_e1c;
        r->edx &= pv_e1d;
        if (amd)
            r->edx |= leaf1->edx & E1D_COMMON_WITH_1D;
        return;
    case 0x80000002: case 0x80000003: case 0x80000004:     /* brand string */
    case 0x80000005: case 0x80000006:                      /* caches */
        return;
    case 0x80000008:
        r->ebx &= pv_e8b;
        r->edx = 0;
        return;
    default:                            /* power management, and beyond */
        empty(r);
    }
}

void pv_cpuid_policy(uint32_t leaf, uint32_t sub, const struct cpuid_host *host,
                     struct cpuid_regs *r)
{
    if (leaf < 0x80000000u) {
        if (leaf > host->max_basic || leaf > PV_MAX_BASIC_LEAF)
            empty(r);
        else
            basic_leaf(leaf, sub, r);
    } else if (leaf > host->max_ext || leaf > PV_MAX_EXT_LEAF) {
        empty(r);
    } else {
        struct cpuid_regs l1 = host->leaf1;

        basic_leaf(1, 0, &l1);
        extended_leaf(leaf, &l1, host->amd, r);
    }
}
