/*
 * Assembler pieces that the PV and the PVH start of day and entry code
 * share (guests/lib/head.S, entry.S, hvm/head.S): the Xen ELF notes, the
 * register frame of struct g_frame (guest/traps.h), clearing .bss, the
 * hypercall page and the boot stack.  For .S files only.
 */
#ifndef GUEST_ASM_H
#define GUEST_ASM_H

#ifdef __ASSEMBLY__

/* One note: name "Xen", a type, and a descriptor given as directives. */
.macro XEN_NOTE type, desc:vararg
        .balign 4
        .long 4                         /* namesz: "Xen\0" */
        .long 2f - 1f                   /* descsz */
        .long \type
        .asciz "Xen"
        .balign 4
1:      \desc
2:      .balign 4
.endm

/* Who we are, for the domain builder's log. */
.macro XEN_NOTES_GUEST_ID
        XEN_NOTE XEN_ELFNOTE_GUEST_OS,       .asciz "xen-lite-guest"
        XEN_NOTE XEN_ELFNOTE_GUEST_VERSION,  .asciz "1"
        XEN_NOTE XEN_ELFNOTE_XEN_VERSION,    .asciz "xen-3.0"
        XEN_NOTE XEN_ELFNOTE_LOADER,         .asciz "generic"
.endm

/* No required features; "dom0" says we can be the initial domain (Xen
 * refuses a dom0 whose SUPPORTED_FEATURES lacks it). */
.macro XEN_NOTES_FEATURES
        XEN_NOTE XEN_ELFNOTE_FEATURES,       .asciz "dom0"
        XEN_NOTE XEN_ELFNOTE_SUPPORTED_FEATURES, .long (1 << XENFEAT_dom0)
.endm

/* struct g_frame's general registers, r15 lowest. */
.macro SAVE_GPRS
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

.macro RESTORE_GPRS
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

/* Call a C function with the frame as argument on a 16-byte aligned stack;
 * rbx (callee-saved) keeps the frame address across the call. */
.macro CALL_WITH_FRAME fn
        mov     %rsp, %rdi
        mov     %rsp, %rbx
        and     $-16, %rsp
        call    \fn
        mov     %rbx, %rsp
.endm

/* Zero .bss (the boot stack with it); clobbers rax, rcx, rdi. */
.macro CLEAR_BSS
        lea     __bss_start(%rip), %rdi
        lea     __bss_end(%rip), %rcx
        sub     %rdi, %rcx
        xor     %eax, %eax
        rep stosb
.endm

/* The hypercall page (filled by the domain builder for a PV guest, by
 * the guest through Xen's MSR for PVH) and the boot stack. */
.macro HYPERCALL_PAGE_AND_BOOT_STACK
        .section .text.hypercall_page, "ax"
        .balign 4096
        .globl hypercall_page
hypercall_page:
        .fill 4096, 1, 0xcc

        .section .bss.stack, "aw", @nobits
        .balign 16
        .skip 16384
        .globl g_boot_stack_top
g_boot_stack_top:
.endm

#endif /* __ASSEMBLY__ */
#endif /* GUEST_ASM_H */
