/*
 * Application-processor start-up code, copied to a page below 1 MiB (the
 * SIPI vector names it).  It starts in real mode at CS:0 with CS = page >> 4
 * and is position independent: it finds its own linear base in EBX and
 * patches the two far jumps before taking them.  The BSP fills in the
 * parameter block (CR3, entry point, stack) before each start-up.
 */
#define TRAMP(x)        ((x) - trampoline_start)

        .section .rodata, "a", @progbits
        .balign 16
        .globl  trampoline_start, trampoline_end
        .globl  tramp_cr3, tramp_entry, tramp_stack, tramp_efer
trampoline_start:
        .code16
        cli
        cld
        mov     %cs, %ax
        mov     %ax, %ds
        xor     %ebx, %ebx
        mov     %cs, %bx
        shl     $4, %ebx
        lea     TRAMP(tramp_gdt)(%ebx), %eax
        mov     %eax, TRAMP(tramp_gdt_desc) + 2
        lgdtl   TRAMP(tramp_gdt_desc)
        lea     TRAMP(tramp32)(%ebx), %eax
        mov     %eax, TRAMP(tramp_jmp32) + 2
        mov     %cr0, %eax
        or      $1, %eax
        mov     %eax, %cr0
tramp_jmp32:
        .byte   0x66, 0xea                  /* ljmpl $0x08, $tramp32 */
        .long   0
        .word   0x08

        .code32
tramp32:
        mov     $0x10, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        lea     4096(%ebx), %esp            /* top of the trampoline page */
        mov     %cr4, %eax
        or      $0x20, %eax                 /* PAE */
        mov     %eax, %cr4
        mov     TRAMP(tramp_cr3)(%ebx), %eax
        mov     %eax, %cr3
        mov     $0xc0000080, %ecx           /* EFER */
        rdmsr
        or      TRAMP(tramp_efer)(%ebx), %eax
        wrmsr
        mov     $0x80010023, %eax           /* PG | WP | NE | MP | PE */
        mov     %eax, %cr0
        lea     TRAMP(tramp64)(%ebx), %eax
        push    $0x18
        push    %eax
        lret

        .code64
tramp64:
        mov     %ebx, %ebx                  /* upper half is undefined */
        mov     TRAMP(tramp_stack)(%rbx), %rsp
        mov     TRAMP(tramp_entry)(%rbx), %rax
        jmp     *%rax

        .balign 8
tramp_cr3:      .long 0
tramp_efer:     .long 0
tramp_entry:    .quad 0
tramp_stack:    .quad 0
tramp_gdt:
        .quad   0
        .quad   0x00cf9a000000ffff          /* 0x08: 32-bit code */
        .quad   0x00cf92000000ffff          /* 0x10: data */
        .quad   0x00af9a000000ffff          /* 0x18: 64-bit code */
tramp_gdt_desc:
        .word   4 * 8 - 1
        .long   0
trampoline_end:
