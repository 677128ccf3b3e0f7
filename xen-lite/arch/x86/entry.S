/*
 * Interrupt and exception entry.  Every vector has a stub that makes the
 * frame uniform (a zero error code where the CPU pushes none, the vector in
 * the upper half of that slot, as Xen's entry_vector), then the common path
 * saves the general registers in struct cpu_user_regs order and calls
 * handle_trap(regs) in C.
 */
#include "asm/config.h"
#include "asm/asm-offsets.h"

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
        SAVE_ALL
        mov     %rsp, %rdi
        call    handle_trap
        /* Fall through: the frame may have been edited (fix-ups, guests). */
        .globl  restore_all
restore_all:
        RESTORE_ALL
        add     $8, %rsp                    /* error code and vector */
        iretq

/*
 * Resume the frame regs (an argument in %rdi) on the current stack: used to
 * start a CPU's first context.  Never returns.
 */
        .globl  reset_stack_and_resume
reset_stack_and_resume:
        mov     %rdi, %rsp
        jmp     restore_all
