/* Exception handling, fix-ups and fatal-error reporting. */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include "asm/regs.h"

/*
 * Exception fix-ups: an instruction that may fault (a guest access) is
 * listed with where to continue if it does.  The handler records what
 * happened in the per-CPU last_fault before resuming at the fix-up.
 */
#define _ASM_EXTABLE(from, to)                          \
    ".pushsection .ex_table, \"a\"\n"                   \
    " .balign 8\n"                                      \
    " .quad " #from ", " #to "\n"                       \
    ".popsection\n"

struct exception_table_entry {
    unsigned long insn, fixup;
};

struct fault_info {
    unsigned int vector;
    unsigned int error_code;
    unsigned long cr2;
};

unsigned long search_exception_table(unsigned long addr);
struct fault_info *this_cpu_last_fault(void);

typedef void (*irq_handler_t)(struct cpu_user_regs *regs);
void set_irq_handler(unsigned int vector, irq_handler_t fn);

/* Print registers and a call trace for a fatal fault. */
void show_registers(const struct cpu_user_regs *regs);
void show_stack_trace(const struct cpu_user_regs *regs);
void show_guest_stack(const struct cpu_user_regs *regs);
const char *symbol_lookup(unsigned long addr, unsigned long *off,
                          unsigned long *size);

void handle_trap(struct cpu_user_regs *regs);
/* NMIs taken while the hypervisor ran on cpu (ignored, not fatal). */
unsigned long hypervisor_nmi_count(unsigned int cpu);
__attribute__((noreturn)) void reset_stack_and_resume(struct cpu_user_regs *regs);

/*
 * A state that faults in ring 0 on hardware (iretq, sysret, fxrstor) was
 * caught before the CPU saw it: v's domain is crashed instead of the host,
 * and the event counted (dom0's shutdown fails on any).  In
 * arch/x86/pv/exit_guard.c.
 */
struct vcpu;
void ring0_hazard(struct vcpu *v, const char *what);
unsigned long ring0_hazard_count(void);

/* Set by the PV layer: exceptions and interrupts taken in guest context. */
extern void (*guest_trap_hook)(struct cpu_user_regs *regs, unsigned int vector);

#endif
