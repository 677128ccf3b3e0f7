/*
 * 64-bit PV guests in ring 3: exceptions and events are "bounced" into the
 * guest kernel on its own stack with Xen's frame (RCX, R11, [error code],
 * RIP, CS, RFLAGS, RSP, SS from low to high addresses; CS's RPL is 0 when
 * the guest kernel was interrupted, 3 for its user mode).  The virtual IF is
 * vcpu_info.evtchn_upcall_mask; the real IF is always on in the guest.
 */
#include "asm/desc.h"
#include "asm/guest_access.h"
#include "asm/msr.h"
#include "asm/processor.h"
#include "asm/ptwr.h"
#include "asm/traps.h"
#include "xen/event.h"
#include "xen/hypercall.h"
#include "xen/lib.h"
#include "xen/percpu.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen/softirq.h"
#include "xen.h"

/* Vectors for which the CPU pushes an error code. */
static bool has_error_code(unsigned int vec)
{
    return vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21;
}

unsigned long pv_guest_cr3(const struct vcpu *v)
{
    if (!v->arch.pv.kernel_mode && v->arch.pv.guest_table_user)
        return v->arch.pv.guest_table_user;
    return v->arch.pv.guest_table;
}

void pv_load_cr3(struct vcpu *v)
{
    write_cr3(pv_guest_cr3(v) << PAGE_SHIFT);
    tlbflush_note_local();
}

/* Kernel <-> user: page tables and the two GS bases swap (Xen's model). */
void pv_toggle_guest_mode(struct vcpu *v)
{
    v->arch.pv.kernel_mode = !v->arch.pv.kernel_mode;
    __asm__ __volatile__("swapgs" ::: "memory");
    pv_load_cr3(v);
    if (v->arch.pv.kernel_mode && unlikely(v->arch.pv.areas_due))
        pv_areas_kernel_entry(v);
}

void pv_inject_exception(struct vcpu *v, unsigned int vector, int error_code)
{
    const struct trap_info *ti = &v->arch.pv.trap_ctxt[vector];
    struct trap_bounce *tb = &v->arch.pv.trap_bounce;

    if (!ti->address) {
        char why[64];
        snprintf(why, sizeof(why), "unhandled exception %u (error %#x)", vector,
                 error_code);
        domain_crash(v->domain, why);
        return;
    }
    tb->flags = TBF_EXCEPTION | (error_code >= 0 ? TBF_EXCEPTION_ERRCODE : 0) |
                (TI_GET_IF(ti) ? TBF_INTERRUPT : 0);
    tb->error_code = error_code;
    tb->cs = ti->cs;
    tb->eip = ti->address;
}

void pv_inject_page_fault(struct vcpu *v, unsigned long cr2, uint32_t error_code)
{
    v->vcpu_info->arch.cr2 = cr2;
    pv_inject_exception(v, TRAP_page_fault, error_code);
}

/* The guest kernel stack a frame goes on, switching v to kernel mode;
 * *cs is the interrupted CS as the frame tells it (RPL 0: kernel). */
static inline __attribute__((always_inline)) uint64_t frame_stack(struct vcpu *v,
                                                                 const struct cpu_user_regs *regs,
                                                                 uint64_t *cs)
{
    *cs = regs->cs;
    if (!v->arch.pv.kernel_mode) {
        pv_toggle_guest_mode(v);
        return v->arch.pv.kernel_sp;
    }
    *cs &= ~3UL;
    return regs->rsp;
}

/* RFLAGS as a frame shows it: IF from the upcall mask, the virtual IOPL. */
static inline uint64_t frame_rflags(const struct vcpu *v, const struct cpu_user_regs *regs,
                                    uint8_t mask)
{
    uint64_t iopl = 0;

    if (v->domain->vm_assist & (1UL << VMASST_TYPE_architectural_iopl))
        iopl = (uint64_t)v->arch.pv.iopl << 12;
    return (regs->rflags & ~(X86_EFLAGS_IF | X86_EFLAGS_IOPL)) |
           (mask ? 0 : X86_EFLAGS_IF) | iopl;
}

/* Run the kernel's handler at rip on the stack at sp. */
static inline void enter_handler(struct cpu_user_regs *regs, uint64_t sp, uint64_t rip)
{
    regs->rflags = (regs->rflags & ~(X86_EFLAGS_AC | X86_EFLAGS_VM | X86_EFLAGS_RF |
                                     X86_EFLAGS_NT | X86_EFLAGS_TF | X86_EFLAGS_IOPL)) |
                   X86_EFLAGS_IF;
    regs->ss = FLAT_KERNEL_SS;
    regs->rsp = sp;
    regs->cs = FLAT_KERNEL_CS;
    regs->rip = rip;
}

/*
 * Write the bounce frame for v->arch.pv.trap_bounce on the guest kernel stack
 * and point regs at the handler.  -EFAULT if that stack is unusable.
 */
static inline __attribute__((always_inline)) int bounce_frame(struct vcpu *v,
                                                             struct cpu_user_regs *regs)
{
    struct trap_bounce *tb = &v->arch.pv.trap_bounce;
    uint8_t *mask = &v->vcpu_info->evtchn_upcall_mask;
    uint64_t frame[8], cs, sp;
    bool errcode = tb->flags & TBF_EXCEPTION_ERRCODE;
    uint8_t saved_mask = *mask;

    sp = frame_stack(v, regs, &cs);
    /* [rcx, r11, (error code,) rip, cs, rflags, rsp, ss]: filled from the top. */
    frame[3] = regs->rip;
    frame[4] = cs | ((uint64_t)saved_mask << 32);
    frame[5] = frame_rflags(v, regs, saved_mask);
    frame[6] = regs->rsp;
    frame[7] = regs->ss;
    frame[2] = errcode ? tb->error_code : regs->r11;
    frame[1] = errcode ? regs->r11 : regs->rcx;
    frame[0] = regs->rcx;
    sp = (sp & ~15UL) - (errcode ? 8 : 7) * 8;
    if (copy_words_to_guest(sp, errcode ? frame : frame + 1, errcode ? 8 : 7))
        return -XEN_EFAULT;
    if (tb->flags & TBF_INTERRUPT)
        *mask = 1;
    enter_handler(regs, sp, tb->eip);
    tb->flags = 0;
    return 0;
}

int pv_create_bounce_frame(struct vcpu *v, struct cpu_user_regs *regs)
{
    return bounce_frame(v, regs);
}

/*
 * A data segment selector the vCPU had loaded no longer loads (the guest
 * removed its descriptor; it is null now): Xen's failsafe callback, with
 * Xen's frame on the guest kernel stack -- [rcx, r11, ds, es, fs, gs, rip,
 * cs (upcall mask in bits 32-39), rflags, rsp, ss], the selectors the ones
 * the vCPU had.  A vCPU without a failsafe callback keeps the null
 * selectors (Xen would send it to address 0).
 */
void pv_failsafe_callback(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint8_t *mask = &v->vcpu_info->evtchn_upcall_mask;
    uint64_t frame[11], cs, sp;

    if (!v->arch.pv.failsafe_callback)
        return;
    sp = frame_stack(v, regs, &cs);
    frame[0] = regs->rcx;
    frame[1] = regs->r11;
    frame[2] = regs->ds;
    frame[3] = regs->es;
    frame[4] = regs->fs;
    frame[5] = regs->gs;
    frame[6] = regs->rip;
    frame[7] = cs | ((uint64_t)*mask << 32);
    frame[8] = frame_rflags(v, regs, *mask);
    frame[9] = regs->rsp;
    frame[10] = regs->ss;
    sp = (sp & ~15UL) - sizeof(frame);
    if (copy_words_to_guest(sp, frame, 11)) {
        domain_crash(v->domain, "cannot write the failsafe frame on the guest kernel stack");
        return;
    }
    if (v->arch.pv.failsafe_disables_events)
        *mask = 1;
    enter_handler(regs, sp, v->arch.pv.failsafe_callback);
}

/*
 * ret_to_guest's event path, in assembly's place: no softirq pending, no
 * exception to bounce, and an upcall the guest would take now.  Interrupts
 * are off, and stay off unless the guest has to be crashed.
 */
void pv_deliver_upcall(struct cpu_user_regs *regs);
void pv_deliver_upcall(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;

    if (!v->arch.pv.event_callback)
        return;
    v->arch.pv.trap_bounce = (struct trap_bounce){ .flags = TBF_INTERRUPT,
                                                .cs = FLAT_KERNEL_CS,
                                                .eip = v->arch.pv.event_callback };
    if (bounce_frame(v, regs)) {
        v->arch.pv.trap_bounce.flags = 0;
        local_irq_enable();
        domain_crash(v->domain, "cannot write a bounce frame on the guest kernel stack");
        pv_return_to_guest(regs);       /* schedules it away */
    }
}

/*
 * Last stop before a guest runs again (interrupts off on return): run
 * softirqs (which may switch vCPUs and never come back), then deliver a
 * pending exception bounce or event upcall.
 */
void pv_return_to_guest(struct cpu_user_regs *regs)
{
    for (;;) {
        struct vcpu *v;

        local_irq_disable();
        if (softirq_pending(smp_processor_id())) {
            local_irq_enable();
            do_softirq();
            continue;
        }
        v = current;
        if (!v->arch.pv.trap_bounce.flags && vcpu_event_delivery_pending(v) &&
            v->arch.pv.event_callback) {
            v->arch.pv.trap_bounce.flags = TBF_INTERRUPT;
            v->arch.pv.trap_bounce.eip = v->arch.pv.event_callback;
            v->arch.pv.trap_bounce.cs = FLAT_KERNEL_CS;
        }
        if (!v->arch.pv.trap_bounce.flags)
            return;
        if (pv_create_bounce_frame(v, regs)) {
            v->arch.pv.trap_bounce.flags = 0;
            local_irq_enable();
            domain_crash(v->domain, "cannot write a bounce frame on the guest kernel stack");
        }
    }
}

/* A syscall instruction from guest user mode goes to the syscall callback. */
static void syscall_from_user(struct vcpu *v, struct cpu_user_regs *regs)
{
    struct trap_bounce *tb = &v->arch.pv.trap_bounce;

    if (!v->arch.pv.syscall_callback) {
        pv_inject_exception(v, TRAP_invalid_op, -1);
        return;
    }
    tb->flags = v->arch.pv.syscall_disables_events ? TBF_INTERRUPT : 0;
    tb->eip = v->arch.pv.syscall_callback;
    tb->cs = FLAT_KERNEL_CS;
    /* The frame's CS/SS are the user's; rcx/r11 hold rip/rflags. */
    regs->cs = FLAT_USER_CS64;
    regs->ss = FLAT_USER_SS64;
}

/* A syscall from guest user mode (entry.S handles the kernel's hypercalls). */
void pv_syscall_from_user(struct cpu_user_regs *regs);
void pv_syscall_from_user(struct cpu_user_regs *regs)
{
    syscall_from_user(current, regs);
}

/* A software interrupt `int $n` that reached us as #GP: the guest's gate? */
static bool soft_interrupt(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint8_t insn[2];
    const struct trap_info *ti;
    unsigned int dpl_needed = v->arch.pv.kernel_mode ? 1 : 3;

    /* QEMU's TCG reports the vector wrongly in the error code: decode. */
    if (!(regs->error_code & 2) || copy_from_guest(insn, regs->rip, 2) || insn[0] != 0xcd)
        return false;
    ti = &v->arch.pv.trap_ctxt[insn[1]];
    if (!ti->address || TI_GET_DPL(ti) < dpl_needed)
        return false;
    regs->rip += 2;
    v->arch.pv.trap_bounce = (struct trap_bounce){
        .flags = TBF_EXCEPTION | (TI_GET_IF(ti) ? TBF_INTERRUPT : 0),
        .cs = ti->cs, .eip = ti->address };
    return true;
}

/* Exceptions taken while a PV guest ran (handle_trap's guest hook). */
static void guest_trap(struct cpu_user_regs *regs, unsigned int vec)
{
    struct vcpu *v = current;

    if (vec >= 32) {
        printk(XENLOG_WARNING "d%uv%u: stray interrupt vector %#x\n",
               v->domain->domain_id, v->vcpu_id, vec);
        return;
    }
    switch (vec) {
    case TRAP_page_fault:
        if (pv_ptwr_fault(regs, read_cr2()))
            return;                     /* a write to its own L1 table, done */
        /* The guest kernel runs in ring 3; it must not see "user" faults. */
        pv_inject_page_fault(v, read_cr2(), v->arch.pv.kernel_mode
                             ? regs->error_code & ~PFEC_user_mode : regs->error_code);
        return;
    case TRAP_gp_fault:
        if (pv_emulate_privileged(regs) || soft_interrupt(v, regs))
            return;
        break;
    case TRAP_invalid_op:
        if (pv_emulate_forced(regs))
            return;
        break;
    case TRAP_no_device:
        if (v->arch.pv.fpu_dirty_ts) {
            /* The guest set its virtual TS: clear ours and tell it. */
            write_cr0(read_cr0() & ~X86_CR0_TS);
            v->arch.pv.fpu_dirty_ts = false;
        }
        break;
    case TRAP_debug:
        pv_debug_trap(v);
        break;
    case TRAP_nmi:
    case TRAP_machine_check:
        return;                         /* platform events, not the guest's */
    case TRAP_double_fault:
        domain_crash(v->domain, "double fault");
        return;
    }
    pv_inject_exception(v, vec, has_error_code(vec) ? (int)regs->error_code : -1);
}

void pv_trap_init(void)
{
    guest_trap_hook = guest_trap;
}
