/*
 * The CPUID a 64-bit PV guest sees (arch/x86/pv/cpuid_policy.c): pure,
 * from the host's answer and a few facts about the host.
 */
#ifndef ASM_CPUID_POLICY_H
#define ASM_CPUID_POLICY_H

#include "asm/processor.h"              /* struct cpuid_regs */

struct cpuid_host {
    uint32_t max_basic, max_ext;        /* the host's highest leaves */
    bool amd;                           /* AMD repeats leaf 1 EDX in 0x80000001 */
    struct cpuid_regs leaf1;            /* the host's leaf 1 */
};

/* r holds the host's answer for leaf/sub; it becomes the guest's. */
void pv_cpuid_policy(uint32_t leaf, uint32_t sub, const struct cpuid_host *host,
                     struct cpuid_regs *r);

#endif
