/* Model-specific registers (Intel SDM vol. 4, AMD APM vol. 2 appendix A). */
#ifndef ASM_MSR_H
#define ASM_MSR_H

#include "asm/traps.h"
#include "xen/types.h"

#define MSR_IA32_APIC_BASE      0x0000001b
#define  APIC_BASE_BSP          (1UL << 8)
#define  APIC_BASE_X2APIC       (1UL << 10)
#define  APIC_BASE_ENABLE       (1UL << 11)
#define MSR_IA32_TSC            0x00000010
#define MSR_IA32_SYSENTER_CS    0x00000174
#define MSR_IA32_SYSENTER_ESP   0x00000175
#define MSR_IA32_SYSENTER_EIP   0x00000176
#define MSR_IA32_TSC_DEADLINE   0x000006e0
#define MSR_IA32_PAT            0x00000277
#define MSR_X2APIC_BASE         0x00000800

#define MSR_EFER                0xc0000080
#define  EFER_SCE               (1UL << 0)
#define  EFER_LME               (1UL << 8)
#define  EFER_LMA               (1UL << 10)
#define  EFER_NXE               (1UL << 11)
#define  EFER_SVME              (1UL << 12)
#define MSR_STAR                0xc0000081
#define MSR_LSTAR               0xc0000082
#define MSR_CSTAR               0xc0000083
#define MSR_SFMASK              0xc0000084
#define MSR_FS_BASE             0xc0000100
#define MSR_GS_BASE             0xc0000101
#define MSR_SHADOW_GS_BASE      0xc0000102

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

/* RDMSR of an MSR the CPU may lack: false (and *v = 0) if it faulted. */
static inline bool rdmsr_safe(uint32_t msr, uint64_t *v)
{
    uint32_t lo = 0, hi = 0;
    bool ok = true;

    __asm__ __volatile__("1: rdmsr\n"
                         "   jmp 3f\n"
                         "2: movb $0, %[ok]\n"
                         "3:\n"
                         _ASM_EXTABLE(1b, 2b)
                         : "+a"(lo), "+d"(hi), [ok] "+qm"(ok) : "c"(msr));
    *v = ((uint64_t)hi << 32) | lo;
    return ok;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ __volatile__("wrmsr" :: "c"(msr), "a"((uint32_t)v),
                         "d"((uint32_t)(v >> 32)) : "memory");
}

#endif
