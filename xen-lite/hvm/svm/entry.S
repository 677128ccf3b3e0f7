/*
 * The SVM world switch (AMD APM vol. 2 §15.5, §15.17):
 *
 *   void svm_vmrun(uint64_t vmcb_pa, uint64_t host_pa, struct cpu_user_regs *regs)
 *
 * Called with interrupts off.  GIF is cleared, then IF set, so that a
 * physical interrupt arriving while the guest runs makes it exit (VMRUN
 * saves the host's IF, and the INTR intercept is on) but is only taken
 * once GIF is set again at the end, with IF off.  VMLOAD/VMSAVE carry
 * the guest's FS, GS, TR, LDTR, KernelGsBase and syscall MSRs; the host's
 * are loaded back from host_pa.  RAX, RSP, RIP and RFLAGS travel in the
 * VMCB (the caller copies them); every other general register is loaded
 * from regs before VMRUN and stored there after it.
 */
#include "asm/asm-offsets.h"

        .text
        .globl  svm_vmrun
svm_vmrun:
        push    %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        push    %rdx                        /* 16(%rsp): regs */
        push    %rsi                        /*  8(%rsp): host state */
        push    %rdi                        /*  0(%rsp): the VMCB */
        mov     %rdx, %rax
        mov     UREGS_rbx(%rax), %rbx
        mov     UREGS_rcx(%rax), %rcx
        mov     UREGS_rdx(%rax), %rdx
        mov     UREGS_rsi(%rax), %rsi
        mov     UREGS_rdi(%rax), %rdi
        mov     UREGS_rbp(%rax), %rbp
        mov     UREGS_r8(%rax), %r8
        mov     UREGS_r9(%rax), %r9
        mov     UREGS_r10(%rax), %r10
        mov     UREGS_r11(%rax), %r11
        mov     UREGS_r12(%rax), %r12
        mov     UREGS_r13(%rax), %r13
        mov     UREGS_r14(%rax), %r14
        mov     UREGS_r15(%rax), %r15
        mov     (%rsp), %rax
        clgi
        sti
        vmload  %rax
        vmrun   %rax
        vmsave  %rax                        /* #VMEXIT: RAX is the VMCB again */
        mov     16(%rsp), %rax
        mov     %rbx, UREGS_rbx(%rax)
        mov     %rcx, UREGS_rcx(%rax)
        mov     %rdx, UREGS_rdx(%rax)
        mov     %rsi, UREGS_rsi(%rax)
        mov     %rdi, UREGS_rdi(%rax)
        mov     %rbp, UREGS_rbp(%rax)
        mov     %r8, UREGS_r8(%rax)
        mov     %r9, UREGS_r9(%rax)
        mov     %r10, UREGS_r10(%rax)
        mov     %r11, UREGS_r11(%rax)
        mov     %r12, UREGS_r12(%rax)
        mov     %r13, UREGS_r13(%rax)
        mov     %r14, UREGS_r14(%rax)
        mov     %r15, UREGS_r15(%rax)
        mov     8(%rsp), %rax
        vmload  %rax
        cli
        stgi
        add     $24, %rsp
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret

        .section .note.GNU-stack, "", @progbits
