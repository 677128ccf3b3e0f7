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
#include <guest/asm.h>

#define VIRT_BASE 0xffffffff80000000

        .section .note.xen, "a", @note
        XEN_NOTES_GUEST_ID
        XEN_NOTE XEN_ELFNOTE_VIRT_BASE,      .quad VIRT_BASE
        /* The linker script sets p_paddr = p_vaddr, so the physical
         * offset equals the virtual base: the image loads at its link VA. */
        XEN_NOTE XEN_ELFNOTE_PADDR_OFFSET,   .quad VIRT_BASE
        XEN_NOTE XEN_ELFNOTE_ENTRY,          .quad g_start
        XEN_NOTE XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page
        XEN_NOTES_FEATURES

        .section .text.head, "ax"
        .code64
        .globl g_start
g_start:
        cld
        mov     %rsi, %r12              /* start_info */
        mov     %rsp, %r13              /* top of the builder's boot stack */
        CLEAR_BSS
        lea     g_boot_stack_top(%rip), %rsp
        xor     %ebp, %ebp
        mov     %r12, %rdi
        mov     %r13, %rsi
        call    g_c_start
1:      hlt                             /* not reached: g_c_start exits */
        jmp     1b

        HYPERCALL_PAGE_AND_BOOT_STACK

        .section .note.GNU-stack, "", @progbits
