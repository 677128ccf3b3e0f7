/*
 * Exit dispatch: one handler per reason the back ends decode exits into
 * (hvm/backend.h).  Whatever a guest makes the CPU do that the handlers
 * cannot honour ends in #GP/#UD for the guest or, when continuing would
 * make no sense (a triple fault, memory it does not have), the domain's
 * crash with one line that says why.
 */
#include "asm/desc.h"
#include "xen/lib.h"
#include "xen/physmap.h"
#include "xen/sched.h"
#include "xen/softirq.h"
#include "sched_op.h"

#include "hvm/hvm.h"

#define HLT_OPCODE      0xf4            /* SDM vol. 2A, HLT */

typedef void (*exit_fn)(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e);

static void ignore(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e) { }

static void skip(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e)
{
    hvm_advance_rip(v);
}

static void cpuid_exit(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e)
{
    hvm_cpuid(v, regs->rax, regs->rcx, regs);
    hvm_advance_rip(v);
}

static void msr_read(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e)
{
    hvm_msr_access(v, regs, false);
}

static void msr_write(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e)
{
    hvm_msr_access(v, regs, true);
}

static void io_exit(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e)
{
    hvm_io(v, regs);
}

/*
 * HLT: sleep until an interrupt can be delivered.  With interrupts off
 * only NMI or INIT could wake it, which nothing sends: the vCPU goes down
 * (as on Xen), and the domain powers off when none is left.
 */
static void hlt_exit(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e)
{
    hvm_advance_rip(v);
    if (!(regs->rflags & X86_EFLAGS_IF)) {
        bool any = false;

        printk(XENLOG_WARNING "d%uv%u: HLT with interrupts off: vCPU down\n",
               v->domain->domain_id, v->vcpu_id);
        vcpu_mark_down(v);
        for_each_vcpu(v->domain, o)
            any |= !test_bit(_VPF_down, &o->pause_flags);
        if (!any)
            domain_shutdown(v->domain, SHUTDOWN_poweroff);
        return;
    }
    set_bit(_VPF_blocked, &v->pause_flags);
    if (hvm_local_events_need_delivery(v))
        clear_bit(_VPF_blocked, &v->pause_flags);
    else
        raise_softirq(SCHEDULE_SOFTIRQ);
}

/*
 * `sti; hlt` cut between the two by an exit that finished no instruction
 * (a physical interrupt, a nested or shadow page fault on the fetch): an
 * interrupt is recognised only once the HLT has begun (SDM vol. 2B, STI),
 * so one due now must wake the vCPU behind the HLT.  Entry does not
 * always keep the STI shadow -- QEMU's VMRUN ignores the VMCB's -- and an
 * interrupt window would then let the interrupt in before the HLT: its
 * handler returns to the HLT, which sleeps through the wake-up.  So the
 * HLT is run here, as the guest's next instruction, before it re-enters.
 */
static void finish_sti_hlt(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint8_t op;

    if (hvm_backend->interrupt_blocked(v) != HVM_INTBLK_SHADOW ||
        hvm_fetch_insn(&op, 1) || op != HLT_OPCODE)
        return;
    v->arch.hvm.exit.insn_len = 1;
    hlt_exit(v, regs, &v->arch.hvm.exit);
}

/* A physical interrupt (or NMI, SMI, INIT) made the guest exit. */
static void external(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e)
{
    finish_sti_hlt(v, regs);
}

static void hypercall_exit(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e)
{
    hvm_hypercall(v, regs);
}

static const char *access_name(uint32_t access)
{
    return access & HVM_NPF_FETCH ? "execute" : access & HVM_NPF_WRITE ? "write" : "read";
}

/*
 * A guest-physical address the p2m does not map for this access: nothing
 * is emulated there (no MMIO device), so it is the guest's mistake --
 * unless ballooning just put the page back, when it runs on.
 */
static void npf_exit(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e)
{
    unsigned long gfn = e->u.npf.gpa >> PAGE_SHIFT;
    enum p2m_type t;

    if (guest_physmap_lookup(v->domain, gfn, &t) != P2M_INVALID_MFN && t == p2m_ram_rw) {
        finish_sti_hlt(v, regs);
        return;
    }
    hvm_crash(v, "%s access to %s gfn %#lx (address %#lx) at rip %#lx",
              access_name(e->u.npf.access),
              t == p2m_mmio_dm ? "emulated-MMIO" : "unpopulated", gfn,
              (unsigned long)e->u.npf.gpa, (unsigned long)regs->rip);
}

static void cr_exit(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e)
{
    if (!hvm_emulate_cr_access(v, regs))
        hvm_crash(v, "CR%u access at rip %#lx that cannot be decoded", e->u.cr.cr,
                  (unsigned long)regs->rip);
}

/* Exceptions are intercepted only for the paging mode (shadow's #PF). */
static void exception_exit(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e)
{
    const struct hvm_paging *pg = v->domain->arch.hvm.paging;

    if (e->u.exn.vector == TRAP_page_fault && pg->page_fault &&
        pg->page_fault(v, e->u.exn.cr2, e->u.exn.error)) {
        finish_sti_hlt(v, regs);
        return;
    }
    if (e->u.exn.vector == TRAP_page_fault)
        hvm_backend->set_reg(v, HVM_REG_CR2, e->u.exn.cr2);
    hvm_inject_exception(v, e->u.exn.vector, e->u.exn.has_error ? (int)e->u.exn.error : -1);
}

static void invlpg_exit(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e)
{
    const struct hvm_paging *pg = v->domain->arch.hvm.paging;

    if (pg->invlpg)
        pg->invlpg(v, e->u.invlpg.va);
    hvm_advance_rip(v);
}

static void triple_fault(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e)
{
    hvm_crash(v, "triple fault at rip %#lx", (unsigned long)regs->rip);
}

static void virt_insn(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e)
{
    hvm_inject_ud(v);
}

static void bad_entry(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e)
{
    hvm_backend->dump(v);
    hvm_crash(v, "%s refused to enter the guest (its state is above)", hvm_backend->name);
}

static void unhandled(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e)
{
    hvm_crash(v, "unhandled %s exit %#lx at rip %#lx", hvm_backend->name,
              (unsigned long)e->code, (unsigned long)regs->rip);
}

static const exit_fn handlers[HVM_NR_EXIT_REASONS] = {
    [HVM_EXIT_NONE] = external,
    [HVM_EXIT_SKIP] = skip,
    [HVM_EXIT_CPUID] = cpuid_exit,
    [HVM_EXIT_MSR_READ] = msr_read,
    [HVM_EXIT_MSR_WRITE] = msr_write,
    [HVM_EXIT_IO] = io_exit,
    [HVM_EXIT_HLT] = hlt_exit,
    [HVM_EXIT_HYPERCALL] = hypercall_exit,
    [HVM_EXIT_NPF] = npf_exit,
    [HVM_EXIT_CR_ACCESS] = cr_exit,
    [HVM_EXIT_EXCEPTION] = exception_exit,
    [HVM_EXIT_INVLPG] = invlpg_exit,
    [HVM_EXIT_INTR_WINDOW] = ignore,    /* the next entry injects */
    [HVM_EXIT_TRIPLE_FAULT] = triple_fault,
    [HVM_EXIT_VIRT_INSN] = virt_insn,
    [HVM_EXIT_XSETBV] = virt_insn,      /* XSAVE is not offered: #UD, as without it */
    [HVM_EXIT_BAD_ENTRY] = bad_entry,
    [HVM_EXIT_UNHANDLED] = unhandled,
};

void hvm_handle_exit(struct vcpu *v, struct cpu_user_regs *regs)
{
    const struct hvm_exit *e = &v->arch.hvm.exit;

    v->stats.vm_exits++;
    handlers[e->reason < HVM_NR_EXIT_REASONS ? e->reason : HVM_EXIT_UNHANDLED](v, regs, e);
}
