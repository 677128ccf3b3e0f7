/*
 * Start of day of a 64-bit PV guest kernel: the Xen ELF notes that tell
 * the domain builder how to load us, the entry point, the boot stack and
 * the hypercall page.
 *
 * Entry state (Xen's PV ABI): 64-bit mode, ring 3, rsi = start_info (a VA
 * in the initial mapping), rsp = top of a one-page stack that the builder
 * placed last in the bootstrap region, events masked.
 */
#include "xen.h"
#include "elfnote.h"
#include "version.h"

#define VIRT_BASE 0xffffffff80000000

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

        .section .note.xen, "a", @note
        XEN_NOTE XEN_ELFNOTE_GUEST_OS,       .asciz "xen-lite-guest"
        XEN_NOTE XEN_ELFNOTE_GUEST_VERSION,  .asciz "1"
        XEN_NOTE XEN_ELFNOTE_XEN_VERSION,    .asciz "xen-3.0"
        XEN_NOTE XEN_ELFNOTE_LOADER,         .asciz "generic"
        XEN_NOTE XEN_ELFNOTE_VIRT_BASE,      .quad VIRT_BASE
        /* The linker script sets p_paddr = p_vaddr, so the physical
         * offset equals the virtual base: the image loads at its link VA. */
        XEN_NOTE XEN_ELFNOTE_PADDR_OFFSET,   .quad VIRT_BASE
        XEN_NOTE XEN_ELFNOTE_ENTRY,          .quad g_start
        XEN_NOTE XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page
        /* No required features; "dom0" says we can be the initial domain
         * (Xen refuses a dom0 whose SUPPORTED_FEATURES lacks it). */
        XEN_NOTE XEN_ELFNOTE_FEATURES,       .asciz "dom0"
        XEN_NOTE XEN_ELFNOTE_SUPPORTED_FEATURES, .long (1 << XENFEAT_dom0)

        .section .text.head, "ax"
        .code64
        .globl g_start
g_start:
        cld
        mov     %rsi, %r12              /* start_info */
        mov     %rsp, %r13              /* top of the builder's boot stack */
        lea     __bss_start(%rip), %rdi
        lea     __bss_end(%rip), %rcx
        sub     %rdi, %rcx
        xor     %eax, %eax
        rep stosb
        lea     g_boot_stack_top(%rip), %rsp
        xor     %ebp, %ebp
        mov     %r12, %rdi
        mov     %r13, %rsi
        call    g_c_start
1:      hlt                             /* not reached: g_c_start exits */
        jmp     1b

/* Filled with one 32-byte stub per hypercall by the domain builder. */
        .section .text.hypercall_page, "ax"
        .balign 4096
        .globl hypercall_page
hypercall_page:
        .fill 4096, 1, 0xcc

        .section .bss.stack, "aw", @nobits
        .balign 16
g_boot_stack:
        .skip 16384
        .globl g_boot_stack_top
g_boot_stack_top:

        .section .note.GNU-stack, "", @progbits
