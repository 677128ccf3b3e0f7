/*
 * Instructions that fault on purpose, and the user-mode code page.
 *
 * Each probe names its faulting instruction (*_fault) and the place the
 * fault handler resumes (*_resume).  int3 is a trap: the hypervisor
 * reports the address after it, which is also where we resume.
 */
#include "xen.h"
#include <guest/traps.h>
#include "selftest.h"

#define IRET_STUB (hypercall_page + __HYPERVISOR_iret * XEN_HYPERCALL_STUB_SIZE)

.macro GLOBAL name
        .globl  \name
\name:
.endm

        .text

/* uint64_t probe_read(const volatile void *va) */
GLOBAL probe_read
GLOBAL probe_read_fault
        mov     (%rdi), %rax
GLOBAL probe_read_resume
        ret

/* void probe_write(volatile void *va) */
GLOBAL probe_write
GLOBAL probe_write_fault
        movq    $0x5a, (%rdi)
GLOBAL probe_write_resume
        ret

/* uint8_t probe_in61(void): in $0x61, %al (the PC speaker port) */
GLOBAL probe_in61
        xor     %eax, %eax
GLOBAL probe_in61_fault
        inb     $0x61, %al
GLOBAL probe_in61_resume
        ret

GLOBAL probe_ud
GLOBAL probe_ud_fault
        ud2
GLOBAL probe_ud_resume
        ret

GLOBAL probe_div0
        xor     %ecx, %ecx
        mov     $1, %eax
        xor     %edx, %edx
GLOBAL probe_div0_fault
        div     %ecx
GLOBAL probe_div0_resume
        ret

GLOBAL probe_int3
        int3
GLOBAL probe_int3_resume
        ret

/* A load from a non-canonical address: #GP(0). */
GLOBAL probe_noncanonical
        movabs  $0x8000000000000000, %rax
GLOBAL probe_noncanonical_fault
        mov     (%rax), %rax
GLOBAL probe_noncanonical_resume
        ret

/* Load every general register (and CF) with a known value, fault with
 * ud2, and store what the registers hold after the iret back. */
GLOBAL probe_regs
        push    %rbx
        push    %rbp
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        mov     %rsp, probe_regs_rsp(%rip)
        mov     probe_regs_in + 0*8(%rip), %rax
        mov     probe_regs_in + 1*8(%rip), %rbx
        mov     probe_regs_in + 2*8(%rip), %rcx
        mov     probe_regs_in + 3*8(%rip), %rdx
        mov     probe_regs_in + 4*8(%rip), %rsi
        mov     probe_regs_in + 5*8(%rip), %rdi
        mov     probe_regs_in + 6*8(%rip), %rbp
        mov     probe_regs_in + 7*8(%rip), %r8
        mov     probe_regs_in + 8*8(%rip), %r9
        mov     probe_regs_in + 9*8(%rip), %r10
        mov     probe_regs_in + 10*8(%rip), %r11
        mov     probe_regs_in + 11*8(%rip), %r12
        mov     probe_regs_in + 12*8(%rip), %r13
        mov     probe_regs_in + 13*8(%rip), %r14
        mov     probe_regs_in + 14*8(%rip), %r15
        stc
GLOBAL probe_regs_fault
        ud2
GLOBAL probe_regs_resume
        setc    probe_regs_out + 15*8(%rip)
        mov     %rax, probe_regs_out + 0*8(%rip)
        mov     %rbx, probe_regs_out + 1*8(%rip)
        mov     %rcx, probe_regs_out + 2*8(%rip)
        mov     %rdx, probe_regs_out + 3*8(%rip)
        mov     %rsi, probe_regs_out + 4*8(%rip)
        mov     %rdi, probe_regs_out + 5*8(%rip)
        mov     %rbp, probe_regs_out + 6*8(%rip)
        mov     %r8, probe_regs_out + 7*8(%rip)
        mov     %r9, probe_regs_out + 8*8(%rip)
        mov     %r10, probe_regs_out + 9*8(%rip)
        mov     %r11, probe_regs_out + 10*8(%rip)
        mov     %r12, probe_regs_out + 11*8(%rip)
        mov     %r13, probe_regs_out + 12*8(%rip)
        mov     %r14, probe_regs_out + 13*8(%rip)
        mov     %r15, probe_regs_out + 14*8(%rip)
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbp
        pop     %rbx
        ret

/* int user_enter(uint64_t rip, uint64_t rsp, struct user_jmp *jmp,
 *                uint64_t cs, uint64_t ss):
 * save the callee-saved registers and rsp, then iret to user mode (CS
 * with RPL 3 makes the hypervisor switch to the user page tables). */
GLOBAL user_enter
        mov     %rbx, 0*8(%rdx)
        mov     %rbp, 1*8(%rdx)
        mov     %r12, 2*8(%rdx)
        mov     %r13, 3*8(%rdx)
        mov     %r14, 4*8(%rdx)
        mov     %r15, 5*8(%rdx)
        mov     %rsp, 6*8(%rdx)
        push    %r8
        push    %rsi
        push    $(G_RFLAGS_IF | 2)
        push    %rcx
        push    %rdi
        push    $0                      /* iret flags */
        jmp     IRET_STUB

/* void user_leave(struct user_jmp *jmp): back to user_enter's caller,
 * which sees 1. */
GLOBAL user_leave
        mov     0*8(%rdi), %rbx
        mov     1*8(%rdi), %rbp
        mov     2*8(%rdi), %r12
        mov     3*8(%rdi), %r13
        mov     4*8(%rdi), %r14
        mov     5*8(%rdi), %r15
        mov     6*8(%rdi), %rsp
        mov     $1, %eax
        ret

        .section .rodata
        .balign 8
GLOBAL probe_regs_in
        .quad 0x1111111111111111, 0x2222222222222222, 0x3333333333333333
        .quad 0x4444444444444444, 0x5555555555555555, 0x6666666666666666
        .quad 0x7777777777777777, 0x8888888888888888, 0x9999999999999999
        .quad 0xaaaaaaaaaaaaaaaa, 0xbbbbbbbbbbbbbbbb, 0xcccccccccccccccc
        .quad 0xdddddddddddddddd, 0xeeeeeeeeeeeeeeee, 0x0123456789abcdef

        .bss
        .balign 8
GLOBAL probe_regs_out
        .skip (PROBE_NREGS + 1) * 8
GLOBAL probe_regs_rsp
        .skip 8

/* The user-mode code: one page of its own, mapped at a low VA in the user
 * page tables.  Position-independent. */
        .section .text.user, "ax"
        .balign 4096
GLOBAL user_code_page
        mov     %cs, %edx               /* what user mode runs with */
        mov     %ss, %ebx
        mov     $USER_MAGIC_FIRST, %eax
        syscall
GLOBAL user_code_after_first
        cmp     $USER_RETURN_VALUE, %rax
        jne     1f
        mov     $USER_MAGIC_SECOND, %eax
        syscall
1:      mov     $USER_MAGIC_BAD, %eax
        syscall
        jmp     1b
        .balign 4096

        .text
/* uint64_t probe_rep_insl(uint32_t *dst, uint64_t count, uint16_t port):
 * rep insl, with DF as the caller left it; returns rdi after, and leaves
 * rcx in probe_string_rcx. */
GLOBAL probe_rep_insl
        mov     %rsi, %rcx
GLOBAL probe_rep_insl_fault
        rep insl (%dx), %es:(%rdi)
GLOBAL probe_rep_insl_resume
        mov     %rcx, probe_string_rcx(%rip)
        mov     %rdi, %rax
        ret

/* uint64_t probe_rep_outsl(const uint32_t *src, uint64_t count,
 * uint16_t port): rep outsl; returns rsi after. */
GLOBAL probe_rep_outsl
        mov     %rsi, %rcx
        mov     %rdi, %rsi
GLOBAL probe_rep_outsl_fault
        rep outsl (%rsi), (%dx)
GLOBAL probe_rep_outsl_resume
        mov     %rcx, probe_string_rcx(%rip)
        mov     %rsi, %rax
        ret

/* uint64_t probe_rdmsr(uint32_t msr); void probe_wrmsr(uint32_t msr,
 * uint64_t val) */
GLOBAL probe_rdmsr
        mov     %edi, %ecx
GLOBAL probe_rdmsr_fault
        rdmsr
GLOBAL probe_rdmsr_resume
        shl     $32, %rdx
        or      %rdx, %rax
        ret

GLOBAL probe_wrmsr
        mov     %edi, %ecx
        mov     %rsi, %rax
        mov     %rsi, %rdx
        shr     $32, %rdx
GLOBAL probe_wrmsr_fault
        wrmsr
GLOBAL probe_wrmsr_resume
        ret

        .data
GLOBAL probe_string_rcx
        .quad   0

        .text
/* The failsafe callback of desc.c's check: keep Xen's frame [rcx, r11,
 * ds, es, fs, gs, rip, cs, rflags, rsp, ss] in failsafe_frame, count the
 * call, and return to the interrupted context through the iret hypercall
 * (as Linux's xen_failsafe_callback retries its iret). */
GLOBAL failsafe_entry
        push    %rax
        push    %rdx
        push    %rcx
        lea     failsafe_frame(%rip), %rdx
        xor     %ecx, %ecx
1:      mov     24(%rsp,%rcx,8), %rax
        mov     %rax, (%rdx,%rcx,8)
        inc     %ecx
        cmp     $11, %ecx
        jne     1b
        incq    failsafe_hits(%rip)
        pop     %rcx
        pop     %rdx
        pop     %rax
        mov     (%rsp), %rcx
        mov     8(%rsp), %r11
        add     $0x30, %rsp
        push    $0
        jmp     IRET_STUB

        .data
GLOBAL failsafe_frame
        .fill   11, 8, 0
GLOBAL failsafe_hits
        .quad   0

        .section .note.GNU-stack, "", @progbits
