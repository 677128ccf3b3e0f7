/*
 * The way back into a PV guest when it cannot be taken as it is.
 *
 * A return rip that is not canonical is the guest's own doing (a syscall
 * or an emulated instruction ending at 2^47): it takes #GP there, as the
 * next instruction fetch would raise on hardware.
 *
 * Everything else here is a ring-0 hazard: a state in which iretq, sysret
 * or fxrstor would fault in the hypervisor on real hardware.  The checks
 * before them make that impossible; the exit guard (entry.S) and the
 * fix-ups catch whatever still gets through, crash the domain instead of
 * the host, and count the event.  Emulators do not fault on all of these
 * states, so the count is what tests look at: dom0's shutdown reports a
 * non-zero count as a failure (common/domain.c).
 */
#include "asm/desc.h"
#include "asm/processor.h"
#include "asm/traps.h"
#include "xen/lib.h"
#include "xen/sched.h"
#include "xen/softirq.h"

static unsigned long hazards;

unsigned long ring0_hazard_count(void)
{
    return __atomic_load_n(&hazards, __ATOMIC_SEQ_CST);
}

void ring0_hazard(struct vcpu *v, const char *what)
{
    char why[160];

    __atomic_add_fetch(&hazards, 1, __ATOMIC_SEQ_CST);
    snprintf(why, sizeof(why), "ring-0 hazard: %s", what);
    printk(XENLOG_ERR "d%uv%u: %s: crashing the domain, not the host\n",
           v->domain->domain_id, v->vcpu_id, why);
    domain_crash(v->domain, why);
}

/* The vCPU was crashed: leave it for good (the scheduler switches away). */
static __noreturn void abandon(struct cpu_user_regs *regs)
{
    for (;;) {
        raise_softirq(SCHEDULE_SOFTIRQ);
        pv_return_to_guest(regs);
    }
}

void pv_exit_guard(struct cpu_user_regs *regs);
void pv_exit_guard(struct cpu_user_regs *regs)
{
    char what[128];

    local_irq_enable();
    snprintf(what, sizeof(what), "return to rip %#lx cs %#x ss %#x rflags %#lx",
             (unsigned long)regs->rip, regs->cs, regs->ss, (unsigned long)regs->rflags);
    ring0_hazard(current, what);
    abandon(regs);
}

/* iretq faulted; the saved registers below rip were overwritten by it. */
void pv_iret_fault(struct cpu_user_regs *regs);
void pv_iret_fault(struct cpu_user_regs *regs)
{
    const struct fault_info *fi = this_cpu_last_fault();
    char what[96];

    local_irq_enable();
    snprintf(what, sizeof(what), "iretq to the guest faulted (vector %u, error %#x)",
             fi->vector, fi->error_code);
    ring0_hazard(current, what);
    abandon(regs);
}

/*
 * ret_to_guest found a non-canonical rip: #GP(0) for the guest, with that
 * rip in its frame -- unless an exception is already on its way (int $n at
 * the edge), which goes first, as on hardware.  Bounce it now, so that the
 * guest leaves with the handler's rip (canonical: every way of setting a
 * handler checks it).  Interrupts are off on return.
 */
void pv_exit_noncanonical_rip(struct cpu_user_regs *regs);
void pv_exit_noncanonical_rip(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;

    local_irq_enable();
    if (!v->arch.pv.trap_bounce.flags)
        pv_inject_exception(v, TRAP_gp_fault, 0);
    pv_return_to_guest(regs);
}
