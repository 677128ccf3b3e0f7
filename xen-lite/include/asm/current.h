/*
 * Per-CPU state found from the stack pointer.  Each CPU has one STACK_SIZE
 * block (aligned to its size); struct cpu_info sits at its top, and on entry
 * from a guest the CPU writes the guest's frame into cpu_info.guest_regs,
 * because TSS.RSP0 points just past its hardware part.
 */
#ifndef ASM_CURRENT_H
#define ASM_CURRENT_H

#include "asm/config.h"
#include "asm/regs.h"

#ifndef __ASSEMBLY__
struct vcpu;
struct percpu;

struct cpu_info {
    struct cpu_user_regs guest_regs;
    unsigned int processor_id;
    uint8_t guest_translated;           /* current is HVM: copies go via its p2m */
    uint8_t _pad0[3];
    struct vcpu *current_vcpu;
    struct percpu *percpu;
    unsigned long syscall_scratch;      /* the syscall stub's spare slot */
    unsigned long preempt_budget;       /* page-table entries before yielding */
    unsigned long _pad1;
};
_Static_assert((sizeof(struct cpu_info) - offsetof(struct cpu_info, guest_regs.es)) % 16 == 0,
               "RSP0 (the guest frame's end) must be 16-byte aligned");

static inline struct cpu_info *get_cpu_info(void)
{
    unsigned long sp;
    __asm__ ("mov %%rsp, %0" : "=r"(sp));
    return (struct cpu_info *)((sp | (STACK_SIZE - 1)) + 1) - 1;
}

static inline struct cpu_info *stack_cpu_info(void *stack_base)
{
    return (struct cpu_info *)((char *)stack_base + STACK_SIZE) - 1;
}

/* Where the CPU starts pushing a guest's interrupt frame (TSS.RSP0). */
static inline unsigned long cpu_info_rsp0(struct cpu_info *ci)
{
    return (unsigned long)&ci->guest_regs.es;
}

#define smp_processor_id()  (get_cpu_info()->processor_id)
#define this_cpu()          (get_cpu_info()->percpu)
#define current             (get_cpu_info()->current_vcpu)
#endif

#endif
