/*
 * A hypercall chosen at run time, through the hypercall page (PV and PVH
 * alike: the page holds the stubs either way).
 */
#include "xen.h"
#include "xen_errno.h"

        .text

/* long g_hypercall_raw(unsigned nr, a1, a2, a3, a4, a5): C arguments in
 * edi, rsi, rdx, rcx, r8, r9; hypercall arguments in rdi, rsi, rdx, r10,
 * r8. */
        .globl  g_hypercall_raw
g_hypercall_raw:
        cmp     $XEN_HYPERCALL_PAGE_SLOTS, %edi
        jae     1f
        mov     %edi, %eax
        shl     $5, %rax                /* * XEN_HYPERCALL_STUB_SIZE */
        lea     hypercall_page(%rip), %r11
        add     %r11, %rax
        mov     %rsi, %rdi
        mov     %rdx, %rsi
        mov     %rcx, %rdx
        mov     %r8, %r10
        mov     %r9, %r8
        jmp     *%rax                   /* the stub returns to our caller */
1:      mov     $-XEN_ENOSYS, %rax
        ret

        .section .note.GNU-stack, "", @progbits
