/*
 * Hypercalls by number, bypassing the hypercall page: any rax, including
 * numbers above the page's 128 stubs and values with high bits set.
 */
#include "xen.h"

        .text

/* long fuzz_syscall(uint64_t nr, const uint64_t arg[6])
 * syscall clobbers rcx and r11; the hypervisor may clobber the argument
 * registers, all of them caller-saved.  A continuation re-executes the
 * syscall with the registers the hypervisor left. */
        .globl  fuzz_syscall
fuzz_syscall:
        mov     %rdi, %rax
        mov     %rsi, %r11
        mov     0(%r11), %rdi
        mov     8(%r11), %rsi
        mov     16(%r11), %rdx
        mov     24(%r11), %r10
        mov     32(%r11), %r8
        mov     40(%r11), %r9
        syscall
        ret

/* long fuzz_iret(const struct iret_context *frame)
 * The iret hypercall with this frame on the stack.  A frame whose rip is
 * fuzz_iret_back and whose rsp is fuzz_iret_rsp comes back here (rax is
 * the frame's); any other frame goes wherever it says, or crashes us. */
        .globl  fuzz_iret, fuzz_iret_back, fuzz_iret_rsp
fuzz_iret:
        push    %rbx
        push    %rbp
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        mov     %rsp, fuzz_iret_rsp(%rip)
        sub     $72, %rsp                       /* struct iret_context */
        mov     %rdi, %rsi
        mov     %rsp, %rdi
        mov     $9, %ecx
        cld
        rep movsq
        mov     $__HYPERVISOR_iret, %eax
        syscall
fuzz_iret_back:
        mov     fuzz_iret_rsp(%rip), %rsp
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbp
        pop     %rbx
        ret

/* A second vCPU given a context by the calls starts here.  It polls for
 * ever with events masked, touching neither its stack nor its segments,
 * so whatever else that context says is the hypervisor's business alone
 * (and it is switched in and out with it). */
        .globl  fuzz_victim_entry
fuzz_victim_entry:
        mov     $__HYPERVISOR_sched_op, %eax
        mov     $3, %edi                        /* SCHEDOP_poll */
        lea     victim_poll(%rip), %rsi
        syscall
        jmp     fuzz_victim_entry

        .data
        .balign 8
fuzz_iret_rsp:
        .quad   0
victim_poll:                                    /* struct sched_poll */
        .quad   0, 0, 0                         /* no ports, no timeout */

        .section .note.GNU-stack, "", @progbits
