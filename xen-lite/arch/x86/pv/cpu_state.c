/*
 * Hypercalls that set a PV vCPU's virtual CPU state: the trap table,
 * kernel stack, segment bases, callbacks, iret, the virtual TS bit and VM
 * assists.  Each checks its arguments before changing anything.
 */
#include "asm/desc.h"
#include "asm/guest_access.h"
#include "asm/msr.h"
#include "asm/processor.h"
#include "asm/traps.h"
#include "xen/hypercall.h"
#include "xen/preempt.h"
#include "xen/lib.h"
#include "xen/sched.h"
#include "callback.h"
#include "xen.h"
#include "xen_errno.h"

static bool is_canonical(unsigned long va)
{
    return (long)(va << 16) >> 16 == (long)va;
}

/* Selectors a 64-bit PV guest's code may name: ours, with RPL 3. */
static uint16_t fixup_cs(uint16_t cs)
{
    return cs == FLAT_RING3_CS32 ? FLAT_RING3_CS32 : FLAT_RING3_CS64;
}

long do_set_trap_table(unsigned long traps)
{
    struct vcpu *v = current;
    struct trap_info cur;

    if (!traps) {
        memset(v->arch.pv.trap_ctxt, 0, sizeof(v->arch.pv.trap_ctxt));
        return 0;
    }
    for (;;) {
        if (copy_from_guest_obj(&cur, traps))
            return -XEN_EFAULT;
        if (!cur.address)
            return 0;
        if (!is_canonical(cur.address))
            return -XEN_EINVAL;
        cur.cs = fixup_cs(cur.cs);
        v->arch.pv.trap_ctxt[cur.vector] = cur;
        traps += sizeof(cur);
        if (hypercall_preempt_check())
            return hypercall_create_continuation(__HYPERVISOR_set_trap_table, "h", traps);
    }
}

long do_stack_switch(unsigned long ss, unsigned long esp)
{
    struct vcpu *v = current;

    v->arch.pv.kernel_ss = ss | 3;
    v->arch.pv.kernel_sp = esp;
    return 0;
}

long do_set_segment_base(unsigned int which, unsigned long base)
{
    struct vcpu *v = current;

    if (which != SEGBASE_GS_USER_SEL && !is_canonical(base))
        return -XEN_EINVAL;
    switch (which) {
    case SEGBASE_FS:
        wrmsr(MSR_FS_BASE, base);
        return 0;
    case SEGBASE_GS_USER:
        /* The inactive GS base while the guest kernel runs. */
        wrmsr(v->arch.pv.kernel_mode ? MSR_SHADOW_GS_BASE : MSR_GS_BASE, base);
        return 0;
    case SEGBASE_GS_KERNEL:
        wrmsr(v->arch.pv.kernel_mode ? MSR_GS_BASE : MSR_SHADOW_GS_BASE, base);
        return 0;
    case SEGBASE_GS_USER_SEL: {
        /* Load the user %gs selector without touching the kernel base. */
        uint16_t sel = base & 0xffff;
        int bad = 0;
        __asm__ __volatile__(
            "swapgs\n"
            "1: mov %w1, %%gs\n"
            "2: swapgs\n"
            ".section .fixup.text, \"ax\"\n"
            "3: xor %%eax, %%eax\n"
            "   mov %%eax, %%gs\n"
            "   movl $1, %0\n"
            "   jmp 2b\n"
            ".previous\n"
            _ASM_EXTABLE(1b, 3b)
            : "+r"(bad) : "r"(sel) : "rax", "memory");
        return bad ? -XEN_EFAULT : 0;
    }
    }
    return -XEN_EINVAL;
}

static long register_callback(const struct callback_register *cb)
{
    struct vcpu *v = current;
    bool mask = cb->flags & CALLBACKF_mask_events;

    if (!is_canonical(cb->address))
        return -XEN_EINVAL;
    switch (cb->type) {
    case CALLBACKTYPE_event:
        v->arch.pv.event_callback = cb->address;
        return 0;
    case CALLBACKTYPE_failsafe:
        v->arch.pv.failsafe_callback = cb->address;
        v->arch.pv.failsafe_disables_events = mask;
        return 0;
    case CALLBACKTYPE_syscall:
        v->arch.pv.syscall_callback = cb->address;
        v->arch.pv.syscall_disables_events = mask;
        return 0;
    case CALLBACKTYPE_syscall32:
    case CALLBACKTYPE_sysenter:
    case CALLBACKTYPE_nmi:
        return 0;                       /* accepted; never delivered */
    }
    return -XEN_EINVAL;
}

long do_callback_op(int cmd, unsigned long arg)
{
    struct callback_register reg;
    struct callback_unregister unreg;

    switch (cmd) {
    case CALLBACKOP_register:
        if (copy_from_guest_obj(&reg, arg))
            return -XEN_EFAULT;
        return register_callback(&reg);
    case CALLBACKOP_unregister:
        if (copy_from_guest_obj(&unreg, arg))
            return -XEN_EFAULT;
        return unreg.type == CALLBACKTYPE_nmi ? 0 : -XEN_EINVAL;
    }
    return -XEN_ENOSYS;
}

long do_set_callbacks(unsigned long event, unsigned long failsafe, unsigned long syscall)
{
    struct vcpu *v = current;

    if (!is_canonical(event) || !is_canonical(failsafe) || !is_canonical(syscall))
        return -XEN_EINVAL;
    v->arch.pv.event_callback = event;
    v->arch.pv.failsafe_callback = failsafe;
    v->arch.pv.syscall_callback = syscall;
    return 0;
}

/*
 * iret: the guest pushed struct iret_context (and the iret stub pushed
 * rcx, r11, rax) and made this hypercall.  Restore that context; CS with
 * RPL 3 means "return to user mode".  A frame we could not return to is a
 * crashed guest, never a hypervisor fault.
 */
long do_iret(void)
{
    struct cpu_user_regs *regs = guest_cpu_user_regs();
    struct vcpu *v = current;
    struct iret_context ic;
    uint16_t cs, ss;

    _Static_assert(sizeof(ic) % 8 == 0, "iret_context is whole words");
    if (copy_words_from_guest((uint64_t *)&ic, regs->rsp, sizeof(ic) / 8)) {
        domain_crash(v->domain, "iret frame not readable");
        return 0;
    }
    /* CS's upper bits carry the saved upcall mask in bounce frames. */
    cs = ic.cs | 3;
    ss = ic.ss | 3;
    if (!is_canonical(ic.rip) || !is_canonical(ic.rsp) ||
        !pv_iret_selector_ok(v, cs, true) || !pv_iret_selector_ok(v, ss, false)) {
        char why[112];
        snprintf(why, sizeof(why), "bad iret frame (rip %#lx cs %#x ss %#x rsp %#lx)",
                 (unsigned long)ic.rip, cs, ss, (unsigned long)ic.rsp);
        domain_crash(v->domain, why);
        return 0;
    }
    if ((ic.cs & 3) == 3) {
        if (!v->arch.pv.guest_table_user) {
            domain_crash(v->domain, "iret to user mode with no user page tables");
            return 0;
        }
        pv_toggle_guest_mode(v);
    }
    regs->rip = ic.rip;
    regs->cs = cs;
    regs->rflags = (ic.rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) | X86_EFLAGS_IF;
    regs->rsp = ic.rsp;
    regs->ss = ss;
    if (!(ic.flags & VGCF_in_syscall)) {
        regs->r11 = ic.r11;
        regs->rcx = ic.rcx;
    }
    v->vcpu_info->evtchn_upcall_mask = !(ic.rflags & X86_EFLAGS_IF);
    return ic.rax;
}

long do_fpu_taskswitch(int set)
{
    struct vcpu *v = current;

    v->arch.pv.fpu_dirty_ts = set;
    write_cr0(set ? read_cr0() | X86_CR0_TS : read_cr0() & ~X86_CR0_TS);
    return 0;
}

long do_vm_assist(unsigned int cmd, unsigned int type)
{
    struct domain *d = current->domain;

    if (type >= 64 || !(VM_ASSIST_VALID & (1UL << type)))
        return -XEN_EINVAL;
    switch (cmd) {
    case VMASST_CMD_enable:
        __atomic_or_fetch(&d->vm_assist, 1UL << type, __ATOMIC_SEQ_CST);
        return 0;
    case VMASST_CMD_disable:
        __atomic_and_fetch(&d->vm_assist, ~(1UL << type), __ATOMIC_SEQ_CST);
        return 0;
    }
    return -XEN_ENOSYS;
}
