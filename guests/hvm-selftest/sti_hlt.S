/*
 * void sti_hlt_after_run(void): called with interrupts off; a long
 * straight run of register adds, then `sti; hlt`.  An emulator translates
 * the run and the STI as one block and looks at pending interrupts only
 * between blocks, so an interrupt raised while the run executes is taken
 * right after the STI -- a VM exit inside the STI shadow, with the HLT
 * still to come (wakeups.c).  One page holds it all: nothing splits the
 * block.
 */
#define RUN_LENGTH      400             /* instructions; 4 bytes each */

        .text
        .balign 4096
        .globl  sti_hlt_after_run
sti_hlt_after_run:
        .rept   RUN_LENGTH
        add     $1, %rax
        .endr
        sti
        hlt
        ret

        .section .note.GNU-stack, "", @progbits
