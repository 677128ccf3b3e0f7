/*
 * VM entry and VM exit (Intel SDM vol. 3C ch. 26, 27).  vmx_enter saves the
 * host's callee-saved registers and the guest frame's address on this
 * stack, points HOST_RSP at them, loads the guest's general registers and
 * executes VMLAUNCH or VMRESUME.  A VM exit arrives at vmx_exit_entry
 * (HOST_RIP) on that stack with the guest's registers still live: they go
 * into the frame and vmx_enter returns 0 to its caller.  An entry that
 * fails as an instruction falls through: vmx_enter returns 1 (VMfailInvalid,
 * CF) or 2 (VMfailValid, ZF).  RSP and RIP of the guest live in the VMCS.
 */
#include "asm/asm-offsets.h"

        .text
        .globl  vmx_enter
vmx_enter:                              /* (regs: rdi, resume: sil) */
        push    %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        push    %rdi                        /* the frame, for the exit */
        mov     $VMCS_HOST_RSP, %eax
        vmwrite %rsp, %rax
        jbe     .Lfail                      /* CF or ZF: no usable VMCS */
        cmpb    $0, %sil                    /* flags kept until the jump */
        mov     UREGS_rax(%rdi), %rax
        mov     UREGS_rbx(%rdi), %rbx
        mov     UREGS_rcx(%rdi), %rcx
        mov     UREGS_rdx(%rdi), %rdx
        mov     UREGS_rsi(%rdi), %rsi
        mov     UREGS_rbp(%rdi), %rbp
        mov     UREGS_r8(%rdi), %r8
        mov     UREGS_r9(%rdi), %r9
        mov     UREGS_r10(%rdi), %r10
        mov     UREGS_r11(%rdi), %r11
        mov     UREGS_r12(%rdi), %r12
        mov     UREGS_r13(%rdi), %r13
        mov     UREGS_r14(%rdi), %r14
        mov     UREGS_r15(%rdi), %r15
        mov     UREGS_rdi(%rdi), %rdi
        jne     .Lresume
        vmlaunch
        jmp     .Lfail
.Lresume:
        vmresume
.Lfail:
        mov     $2, %eax                    /* mov keeps the flags */
        jz      .Lout                       /* ZF: VMfailValid */
        mov     $1, %eax                    /* CF: VMfailInvalid */
.Lout:
        pop     %rdi
        jmp     .Lrestore

        .globl  vmx_exit_entry
vmx_exit_entry:                         /* HOST_RIP: rsp as vmx_enter left it */
        push    %rdi
        mov     8(%rsp), %rdi               /* the frame */
        mov     %rax, UREGS_rax(%rdi)
        mov     %rbx, UREGS_rbx(%rdi)
        mov     %rcx, UREGS_rcx(%rdi)
        mov     %rdx, UREGS_rdx(%rdi)
        mov     %rsi, UREGS_rsi(%rdi)
        mov     %rbp, UREGS_rbp(%rdi)
        mov     %r8, UREGS_r8(%rdi)
        mov     %r9, UREGS_r9(%rdi)
        mov     %r10, UREGS_r10(%rdi)
        mov     %r11, UREGS_r11(%rdi)
        mov     %r12, UREGS_r12(%rdi)
        mov     %r13, UREGS_r13(%rdi)
        mov     %r14, UREGS_r14(%rdi)
        mov     %r15, UREGS_r15(%rdi)
        popq    UREGS_rdi(%rdi)             /* the guest's rdi */
        pop     %rdi
        xor     %eax, %eax
.Lrestore:
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
