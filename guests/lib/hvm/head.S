/*
 * Start of day of a PVH guest (Xen's PVH boot ABI): the ELF notes, the
 * 32-bit entry at XEN_ELFNOTE_PHYS32_ENTRY -- protected mode, paging off,
 * flat segments, %ebx = the hvm_start_info's physical address -- the
 * switch to long mode with our own page tables, the IDT stubs, the entry
 * of secondary vCPUs, and the hypercall page (filled through Xen's MSR).
 *
 * A Multiboot2 header and entry let a Multiboot2 loader (GRUB) start the
 * same image with no hypervisor: its entry keeps the boot information's
 * address for multiboot2.c and joins the PVH entry with %ebx = 0.
 *
 * The image is linked at G_VIRT_BASE + 1 MiB and loaded at 1 MiB
 * (hvm.lds): a symbol's physical address is its address - G_VIRT_BASE.
 * The boot tables map the first 4 GiB twice: 1:1 (the direct map, where
 * physical memory is reached) and at G_VIRT_BASE (the image), with 2 MiB
 * pages; start.c extends the 1:1 map over all RAM.
 */
#include "xen.h"
#include "elfnote.h"
#include "version.h"
#include <guest/asm.h>
#include <guest/traps.h>

#define VIRT_BASE       0xffffffff80000000
#define PHYS(sym)       ((sym) - VIRT_BASE)
#define CR0_PE          (1 << 0)
#define CR0_ET          (1 << 4)
#define CR0_NE          (1 << 5)
#define CR0_WP          (1 << 16)
#define CR0_PG          (1 << 31)
#define CR4_PAE         (1 << 5)
#define CR4_OSFXSR      (1 << 9)
#define CR4_OSXMMEXCPT  (1 << 10)
#define MSR_EFER        0xc0000080
#define EFER_SCE        (1 << 0)
#define EFER_LME        (1 << 8)
#define EFER_NXE        (1 << 11)
#define PTE_TABLE       0x003           /* present, writable */
#define PTE_2M          0x083           /* present, writable, large */
#define MB2_HEADER_MAGIC 0xe85250d6     /* Multiboot2 specification §3.1 */
#define MB2_BOOT_MAGIC  0x36d76289      /* in %eax at the entry (§3.2) */
#define MB2_ARCH_I386   0
#define MB2_TAG_END     0
#define MB2_TAG_ENTRY   3
#define SEL_CODE64      0x08
#define SEL_DATA        0x10

        .section .note.xen, "a", @note
        XEN_NOTES_GUEST_ID
        XEN_NOTE XEN_ELFNOTE_PHYS32_ENTRY,   .long PHYS(g_entry32)
        XEN_NOTES_FEATURES

/* ---- Multiboot2: the header (in the file's first 32 KiB) and entry ---- */
        .section .text.multiboot2, "ax"
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
        .long   PHYS(g_entry_multiboot2)
        .balign 8
        .short  MB2_TAG_END, 0
        .long   8
mb2_header_end:

g_entry_multiboot2:
        cmp     $MB2_BOOT_MAGIC, %eax
        jne     1f
        mov     %ebx, PHYS(g_multiboot2_info)
        xor     %ebx, %ebx
        jmp     g_entry32
1:      hlt
        jmp     1b

/* ---- 32-bit entry: build the boot tables, enter long mode ---- */
        .section .text.head, "ax"
        .code32
        .globl  g_entry32
g_entry32:
        cld
        mov     %ebx, %esi                  /* hvm_start_info (physical) */
        /* L4[0] and L4[511] -> the two L3s; L3s -> the four 1 GiB L2s. */
        lea     PHYS(boot_l3_low) + PTE_TABLE, %eax
        mov     %eax, PHYS(boot_l4)
        lea     PHYS(boot_l3_high) + PTE_TABLE, %eax
        mov     %eax, PHYS(boot_l4) + 511 * 8
        xor     %ecx, %ecx
1:      mov     %ecx, %eax
        shl     $12, %eax
        add     $PHYS(boot_l2) + PTE_TABLE, %eax
        mov     %eax, PHYS(boot_l3_low)(, %ecx, 8)
        cmp     $2, %ecx
        jae     2f
        mov     %eax, PHYS(boot_l3_high) + 510 * 8(, %ecx, 8)
2:      inc     %ecx
        cmp     $4, %ecx
        jb      1b
        /* 2048 L2 entries of 2 MiB: the first 4 GiB. */
        xor     %ecx, %ecx
3:      mov     %ecx, %eax
        shl     $21, %eax
        or      $PTE_2M, %eax
        mov     %eax, PHYS(boot_l2)(, %ecx, 8)
        inc     %ecx
        cmp     $2048, %ecx
        jb      3b
        /* PAE + long mode + paging (SDM vol. 3 §9.8.5). */
        mov     %cr4, %eax
        or      $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
        mov     %eax, %cr4
        lea     PHYS(boot_l4), %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $(EFER_LME | EFER_SCE | EFER_NXE), %eax  /* NX: every x86-64 CPU here has it */
        wrmsr
        mov     %cr0, %eax
        or      $(CR0_PG | CR0_WP | CR0_NE | CR0_PE), %eax
        mov     %eax, %cr0
        lgdt    PHYS(gdt_ptr32)
        ljmp    $SEL_CODE64, $PHYS(entry64_low)

        .code64
entry64_low:                                /* still at the 1:1 address */
        movabs  $entry64, %rax
        jmp     *%rax
entry64:
        lgdt    gdt_ptr(%rip)
        mov     $SEL_DATA, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        mov     %esi, %r12d                 /* (upper halves are undefined) */
        CLEAR_BSS                           /* the stack too; the tables are in .data */
        lea     g_boot_stack_top(%rip), %rsp
        mov     %r12, %rdi                  /* hvm_start_info */
        xor     %ebp, %ebp
        call    g_hvm_start
1:      hlt
        jmp     1b

/*
 * A secondary vCPU (VCPUOP_initialise, 64-bit mode): flat segments with
 * null selectors, our CR3, rdi = its id, rsp = its stack.  Load our GDT
 * and selectors (an interrupt would reload CS from the IDT) and go to C.
 */
        .globl  g_hvm_ap_entry
g_hvm_ap_entry:
        lgdt    gdt_ptr(%rip)
        mov     $SEL_DATA, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        pushq   $SEL_CODE64
        lea     1f(%rip), %rax
        push    %rax
        lretq
1:      xor     %ebp, %ebp
        call    g_hvm_ap_start
2:      hlt
        jmp     2b

/* ---- Interrupt and exception stubs: a uniform struct g_frame ---- */
        .balign 16
        .globl  g_hvm_vectors
g_hvm_vectors:
        .set    vec, 0
        .rept   256
        .balign 16
        .if     vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30
        .else
        push    $0
        .endif
        push    $vec
        jmp     vector_common
        .set    vec, vec + 1
        .endr

vector_common:
        cld
        SAVE_GPRS
        CALL_WITH_FRAME g_hvm_vector
        RESTORE_GPRS
        add     $16, %rsp                   /* vector, error code */
        iretq

/* ---- Data ---- */
        .data
        .balign 4
        .globl  g_multiboot2_info
g_multiboot2_info:                          /* set before the BSS is cleared */
        .long   0
        .balign 16
gdt:
        .quad   0
        .quad   0x00af9b000000ffff          /* 0x08: 64-bit code, DPL 0 */
        .quad   0x00cf93000000ffff          /* 0x10: data */
gdt_end:
gdt_ptr32:
        .word   gdt_end - gdt - 1
        .long   PHYS(gdt)
        .balign 8
gdt_ptr:
        .word   gdt_end - gdt - 1
        .quad   gdt

        .section .data.page_aligned, "aw"
        .balign 4096
        .globl  g_hvm_boot_l4
g_hvm_boot_l4:
boot_l4:        .fill 512, 8, 0
boot_l3_low:    .fill 512, 8, 0
boot_l3_high:   .fill 512, 8, 0
boot_l2:        .fill 2048, 8, 0

/* The hypercall page is filled through XEN_CPUID_HYPERCALL_MSR (start.c). */
        HYPERCALL_PAGE_AND_BOOT_STACK

        .section .note.GNU-stack, "", @progbits
