/*
 * The register frame saved on every entry to the hypervisor is Xen's public
 * x86-64 struct cpu_user_regs (hypercalls/arch_x86.h), so a guest vCPU's
 * frame converts to and from the guest ABI as one block.  From rip to ss it
 * is exactly what the CPU pushes on an interrupt.
 */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include "arch_x86.h"

#ifndef __ASSEMBLY__
/* Ring of the interrupted context (the RPL of the saved CS). */
static inline unsigned int regs_ring(const struct cpu_user_regs *r)
{
    return r->cs & 3;
}
#endif

#endif
