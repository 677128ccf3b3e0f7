/*
 * Interrupt and exception entry.  Every vector has a stub that makes the
 * frame uniform (a zero error code where the CPU pushes none, the vector in
 * the upper half of that slot, as Xen's entry_vector), then the common path
 * saves the general registers in struct cpu_user_regs order and calls
 * handle_trap(regs) in C.
 */
#include "asm/config.h"
#include "asm/asm-offsets.h"
#include "arch_x86.h"
#include "xen_errno.h"
#include "xen/hypercall_asm.h"
#include "asm/processor.h"
#include "asm/smap.h"

/* Vectors for which the CPU pushes an error code (SDM vol. 3 §6.13). */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

        .macro SAVE_ALL
        push    %rdi
        push    %rsi
        push    %rdx
        push    %rcx
        push    %rax
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %rbx
        push    %rbp
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        .endm

        .macro RESTORE_ALL
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbp
        pop     %rbx
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rax
        pop     %rcx
        pop     %rdx
        pop     %rsi
        pop     %rdi
        .endm

/*
 * Jump to \bad unless \reg holds a canonical address (bits 63:47 all equal,
 * SDM vol. 1 §3.3.7.1): adding 2^47 maps exactly those onto [0, 2^48).
 */
        .macro NONCANONICAL reg, scratch, bad
        movabs  $0x800000000000, \scratch
        add     \reg, \scratch
        shr     $48, \scratch
        jnz     \bad
        .endm

        .text
        .balign 16
        .globl  vector_stubs
vector_stubs:
        .set    vec, 0
        .rept   256
        .balign 16
        .if     HAS_ERRCODE(vec) == 0
        push    $0
        .endif
        movl    $vec, 4(%rsp)
        jmp     common_entry
        .set    vec, vec + 1
        .endr

common_entry:
        cld
        ASM_CLAC                            /* AC survives exception delivery */
        SAVE_ALL
        mov     %rsp, %rdi
        call    handle_trap
        testb   $3, UREGS_cs(%rsp)
        jnz     ret_to_guest                /* interrupted a guest */
        .globl  restore_all
restore_all:
        RESTORE_ALL
        add     $8, %rsp                    /* error code and vector */
        iretq

/*
 * syscall from a PV guest, after the per-CPU stub (arch/x86/domain.c) has
 * moved to this CPU's stack and pushed SS and RSP: complete the frame as
 * an interrupt would have (RFLAGS, CS, RIP, error code/vector) and call C.
 * Interrupts are off (SFMASK clears IF).
 */
#define TRAP_syscall    0x100
        .globl  syscall_enter
syscall_enter:
        push    %r11                        /* rflags */
        push    $FLAT_RING3_CS64
        push    %rcx                        /* rip */
        push    $0
        movl    $TRAP_syscall, 4(%rsp)
        cld
        SAVE_ALL
        /*
         * From the guest kernel it is a hypercall: the arguments are still
         * in rdi, rsi, rdx, r10, r8, r9 (r10 moves to rcx for C), the
         * number in rax.  From guest user mode, C bounces it to the kernel.
         */
        mov     %rsp, %r12
        or      $(STACK_SIZE - 1), %r12
        sub     $(CPUINFO_sizeof - 1), %r12         /* struct cpu_info */
        mov     CPUINFO_current_vcpu(%r12), %rbx
        cmpb    $0, VCPU_kernel_mode(%rbx)
        je      3f
        sti
        movq    $HYPERCALL_BUDGET, CPUINFO_preempt_budget(%r12)
        cmp     $NR_HYPERCALLS, %rax
        jae     4f
        and     $(NR_HYPERCALLS - 1), %rax  /* a power of two: the number stays */
                                            /* bounded under a mispredicted jae */
        incq    VCPU_stats_hypercalls(%rbx, %rax, 8)     /* xl hypercall-stats */
        lea     hypercall_table(%rip), %r11
        mov     %r10, %rcx
        call    *(%r11, %rax, 8)            /* every slot holds a handler */
9:      mov     %rax, UREGS_rax(%rsp)
        cli
        mov     %r12, %rax                  /* cpu_info: r12 survives the call */
        jmp     ret_to_guest_ci
4:      mov     $-XEN_ENOSYS, %rax
        jmp     9b
3:      mov     %rsp, %rdi
        call    pv_syscall_from_user
        /* fall through */

/*
 * Return to the guest whose frame is at %rsp (the top of this stack).  The
 * common case -- no softirq, no exception to bounce, no event to deliver --
 * is decided here; anything else goes through pv_return_to_guest, which
 * returns with interrupts off and nothing left to do.
 *
 * A non-canonical rip (a syscall or an emulated instruction in the last
 * bytes below 2^47) is the guest's fault: it takes #GP there, as the next
 * fetch would raise on hardware -- before any event, whose frame would
 * otherwise carry that rip.  The common case checks it once, in
 * restore_guest; the paths that deliver something check it first.
 */
        .globl  ret_to_guest
ret_to_guest:
        cli
        mov     %rsp, %rax
        or      $(STACK_SIZE - 1), %rax
        sub     $(CPUINFO_sizeof - 1), %rax         /* struct cpu_info */
ret_to_guest_ci:                            /* %rax: cpu_info; interrupts off */
        mov     CPUINFO_percpu(%rax), %rcx
        cmpq    $0, PERCPU_softirq_pending(%rcx)
        jne     1f
        mov     CPUINFO_current_vcpu(%rax), %rcx
        cmpb    $0, VCPU_trap_bounce_flags(%rcx)
        jne     1f
        mov     VCPU_vcpu_info(%rcx), %rdx
        cmpb    $0, VCPUINFO_upcall_pending(%rdx)
        je      restore_guest
        cmpb    $0, VCPUINFO_upcall_mask(%rdx)
        jne     restore_guest
        mov     UREGS_rip(%rsp), %rcx       /* just an upcall to deliver */
        NONCANONICAL %rcx, %rdx, 5f
        mov     %rsp, %rdi
        call    pv_deliver_upcall
        jmp     restore_guest
1:      mov     UREGS_rip(%rsp), %rcx
        NONCANONICAL %rcx, %rdx, 5f
        mov     %rsp, %rdi
        call    pv_return_to_guest
        jmp     restore_guest
5:      mov     %rsp, %rdi
        call    pv_exit_noncanonical_rip            /* bounced: a handler's rip */
        mov     UREGS_rip(%rsp), %rcx
        NONCANONICAL %rcx, %rdx, 6f                 /* cannot be: the guard */
        jmp     8f

/*
 * sysret when it would restore exactly what iret would: a syscall frame
 * whose rcx/r11 still hold its rip/rflags, the flat 64-bit selectors, a
 * canonical rip (sysret to a non-canonical one faults in ring 0 on Intel)
 * and no IOPL.  Everything else leaves by iretq, behind the exit guard.
 */
restore_guest:
        mov     UREGS_rip(%rsp), %rcx
        NONCANONICAL %rcx, %rdx, 5b
8:      cmp     %rcx, UREGS_rcx(%rsp)
        jne     2f
        mov     UREGS_rflags(%rsp), %r11
        cmp     %r11, UREGS_r11(%rsp)
        jne     2f
        cmpw    $FLAT_RING3_CS64, UREGS_cs(%rsp)
        jne     2f
        cmpw    $FLAT_RING3_SS64, UREGS_ss(%rsp)
        jne     2f
        testl   $(X86_EFLAGS_IOPL | X86_EFLAGS_VM), UREGS_rflags(%rsp)
        jnz     6f
        RESTORE_ALL
        mov     UREGS_rsp - UREGS_error_code(%rsp), %rsp
        sysretq

/*
 * The exit guard: iretq faults in ring 0 on a non-canonical rip (checked
 * above) and on a selector that is neither one of the flat ring-3 ones nor
 * a present DPL-3 segment of the right kind in the guest's own GDT or LDT
 * (pv_exit_selectors_ok), and the hypervisor must never hand a guest IOPL or virtual-8086
 * mode.  Nothing may reach here in such a state (emulators do not fault
 * on all of it, so this is where tests see it); if something does, the
 * domain is crashed and the event counted.  A fault of iretq itself lands
 * in pv_iret_fault.
 */
2:      cmpw    $FLAT_RING3_SS64, UREGS_ss(%rsp)
        jne     7f
        cmpw    $FLAT_RING3_CS64, UREGS_cs(%rsp)
        je      3f
        cmpw    $FLAT_RING3_CS32, UREGS_cs(%rsp)
        je      3f
7:      mov     %rsp, %rdi                  /* selectors of the guest's own tables? */
        call    pv_exit_selectors_ok
        test    %al, %al
        jz      6f
3:      testl   $(X86_EFLAGS_IOPL | X86_EFLAGS_VM), UREGS_rflags(%rsp)
        jnz     6f
        RESTORE_ALL
        add     $8, %rsp
        .globl  iret_to_guest
iret_to_guest:
        iretq
        .pushsection .ex_table, "a"
        .balign 8
        .quad   iret_to_guest, iret_to_guest_fault
        .popsection
6:      mov     %rsp, %rdi
        call    pv_exit_guard                       /* does not return */
        ud2

/*
 * iretq faulted (only hardware gets here; the guard above should have
 * made it impossible): the fault's frame overwrote the saved registers
 * below rip, and rsp points at rip again.  The vCPU cannot go on.
 */
iret_to_guest_fault:
        sub     $UREGS_rip, %rsp
        mov     %rsp, %rdi
        call    pv_iret_fault                       /* does not return */
        ud2

/* 32-bit syscall: not for 64-bit PV guests; it lands as #UD on them. */
        .globl  compat_syscall_enter
compat_syscall_enter:
        sysretl

/* Start running the guest frame at regs (the top of this CPU's stack). */
        .globl  reset_stack_and_resume_guest
reset_stack_and_resume_guest:
        mov     %rdi, %rsp
        jmp     ret_to_guest

/* Become this CPU's idle loop, on a reset stack. */
        .globl  reset_stack_and_idle
reset_stack_and_idle:
        mov     %rdi, %rsp
        xor     %ebp, %ebp
        call    cpu_idle_loop
        ud2

/*
 * Resume the frame regs (an argument in %rdi) on the current stack: used to
 * start a CPU's first context.  Never returns.
 */
        .globl  reset_stack_and_resume
reset_stack_and_resume:
        mov     %rdi, %rsp
        jmp     restore_all
