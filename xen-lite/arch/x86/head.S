/*
 * Entry from GRUB (Multiboot2 specification §3.3): 32-bit protected mode,
 * paging off, EAX = magic, EBX = physical address of the boot information.
 * We clear the BSS, switch to long mode on static boot page tables and jump
 * to the linked (high) address.  The boot page tables map:
 *   - the first 4 GiB 1:1 (only for the switch; dropped later),
 *   - the first 4 GiB at DIRECTMAP_VIRT_START,
 *   - the first 1 GiB at XEN_VIRT_START (the image),
 * all with 2 MiB pages, which every x86-64 CPU has.
 */
#include "asm/config.h"
#include "asm/asm-offsets.h"

#define MB2_HEADER_MAGIC    0xe85250d6
#define MB2_BOOT_MAGIC      0x36d76289
#define MB2_ARCH_I386       0
#define MB2_TAG_END         0
#define MB2_TAG_ENTRY       3
#define MB2_TAG_CONSOLE     4
#define MB2_TAG_FRAMEBUFFER 5
#define MB2_TAG_OPTIONAL    1
#define MB2_CONSOLE_EGA     2           /* EGA text is fine with us */

#define PHYS(x)             ((x) - XEN_VIRT_START)

#define PTE_P               0x001
#define PTE_RW              0x002
#define PTE_PSE             0x080
#define CR0_PE              0x00000001
#define CR0_MP              0x00000002
#define CR0_NE              0x00000020
#define CR0_WP              0x00010000
#define CR0_PG              0x80000000
#define CR4_PAE             0x00000020
#define MSR_EFER            0xc0000080
#define EFER_LME            0x00000100
#define EFER_NXE            0x00000800

        .section .text.head, "ax", @progbits
        .code32

        .balign 8
mb2_header:
        .long   MB2_HEADER_MAGIC
        .long   MB2_ARCH_I386
        .long   mb2_header_end - mb2_header
        .long   -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
        .balign 8
        .short  MB2_TAG_ENTRY, 0
        .long   12
        .long   PHYS(start)
        /* The screen console (console=vga) draws on what it gets: EGA
         * text under a BIOS, a linear framebuffer under UEFI, where GRUB
         * sets a video mode only if asked. */
        .balign 8
        .short  MB2_TAG_CONSOLE, MB2_TAG_OPTIONAL
        .long   12
        .long   MB2_CONSOLE_EGA
        .balign 8
        .short  MB2_TAG_FRAMEBUFFER, MB2_TAG_OPTIONAL
        .long   20
        .long   0, 0, 0                     /* any width, height, depth */
        .balign 8
        .short  MB2_TAG_END, 0
        .long   8
mb2_header_end:

        .globl  start
start:
        cli
        cld
        mov     %eax, %ebp                  /* Multiboot2 magic */
        mov     %ebx, %esi                  /* boot information */

        /* Zero the BSS before anything lives there. */
        mov     $PHYS(__bss_start), %edi
        mov     $PHYS(__bss_end), %ecx
        sub     %edi, %ecx
        xor     %eax, %eax
        rep stosb

        mov     %ebp, PHYS(multiboot_magic)
        mov     %esi, PHYS(multiboot_info)
        mov     $PHYS(cpu0_stack) + STACK_SIZE - CPUINFO_sizeof, %esp

        /* Long mode is required (CPUID 0x80000001 EDX bit 29). */
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jb      no_long_mode
        mov     $0x80000001, %eax
        cpuid
        bt      $29, %edx
        jnc     no_long_mode
        mov     %edx, %ebx                  /* NX is bit 20 */

        mov     $PHYS(boot_l4), %eax
        mov     %eax, %cr3
        mov     %cr4, %eax
        or      $CR4_PAE, %eax
        mov     %eax, %cr4
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_LME, %eax
        bt      $20, %ebx
        jnc     1f
        or      $EFER_NXE, %eax
1:      wrmsr
        mov     $(CR0_PG | CR0_WP | CR0_NE | CR0_MP | CR0_PE), %eax
        mov     %eax, %cr0

        lgdt    PHYS(boot_gdtr)
        ljmp    $0x08, $PHYS(start64)

no_long_mode:
        /* Nothing else works yet: say so on COM1 and stop. */
        mov     $PHYS(no_lm_msg), %esi
2:      lodsb
        test    %al, %al
        jz      3f
        mov     $0x3f8, %dx
        out     %al, %dx
        jmp     2b
3:      hlt
        jmp     3b

        .code64
start64:
        movabs  $high_start, %rax
        jmp     *%rax

        .text
high_start:
        xor     %eax, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs
        movabs  $cpu0_stack + STACK_SIZE - CPUINFO_sizeof, %rsp
        xor     %ebp, %ebp
        mov     multiboot_magic(%rip), %edi
        mov     multiboot_info(%rip), %esi
        call    __start_xen
        ud2

        .section .rodata
no_lm_msg:
        .asciz  "xen-lite: this CPU has no long mode\r\n"

        .data
        .balign 4
        .globl  multiboot_magic, multiboot_info
multiboot_magic: .long 0
multiboot_info:  .long 0

        .balign 8
boot_gdt:
        .quad   0
        .quad   0x00af9a000000ffff          /* 0x08: 64-bit ring-0 code */
        .quad   0x00cf92000000ffff          /* 0x10: ring-0 data */
boot_gdt_end:
boot_gdtr:
        .short  boot_gdt_end - boot_gdt - 1
        .long   PHYS(boot_gdt)

        .section .data.page_aligned, "aw", @progbits
        .balign PAGE_SIZE
        .globl  idle_pg_table, boot_l3_directmap, boot_l2_directmap
idle_pg_table:
boot_l4:
        .quad   PHYS(boot_l3_directmap) + (PTE_P | PTE_RW)      /* 1:1 */
        .fill   XEN_L4_FIRST_SLOT + 5 - 1, 8, 0
        .quad   PHYS(boot_l3_xen) + (PTE_P | PTE_RW)            /* slot 261 */
        .quad   PHYS(boot_l3_directmap) + (PTE_P | PTE_RW)      /* slot 262 */
        .fill   PAGETABLE_ENTRIES_ - XEN_L4_FIRST_SLOT - 7, 8, 0
boot_l3_directmap:
        .quad   PHYS(boot_l2_directmap) + 0 * PAGE_SIZE + (PTE_P | PTE_RW)
        .quad   PHYS(boot_l2_directmap) + 1 * PAGE_SIZE + (PTE_P | PTE_RW)
        .quad   PHYS(boot_l2_directmap) + 2 * PAGE_SIZE + (PTE_P | PTE_RW)
        .quad   PHYS(boot_l2_directmap) + 3 * PAGE_SIZE + (PTE_P | PTE_RW)
        .fill   PAGETABLE_ENTRIES_ - 4, 8, 0
boot_l3_xen:
        .fill   (XEN_VIRT_START >> 30) & 511, 8, 0
        .quad   PHYS(boot_l2_directmap) + (PTE_P | PTE_RW)
        .fill   PAGETABLE_ENTRIES_ - 1 - ((XEN_VIRT_START >> 30) & 511), 8, 0
boot_l2_directmap:
        .set    pfn2m, 0
        .rept   4 * PAGETABLE_ENTRIES_
        .quad   (pfn2m << 21) + (PTE_P | PTE_RW | PTE_PSE)
        .set    pfn2m, pfn2m + 1
        .endr

        .section .bss.stack_aligned, "aw", @nobits
        .balign STACK_SIZE
        .globl  cpu0_stack
cpu0_stack:
        .skip   STACK_SIZE
