/*
 * The hypervisor's virtual address layout (x86-64).
 *
 * xen-lite lives in the part of the address space Xen reserves for itself,
 * L4 slots 256-271 (0xffff800000000000-0xffff87ffffffffff), so that a 64-bit
 * PV guest owns every other slot.  Within it we keep Xen's landmarks:
 *
 *   slot 256  0xffff800000000000  read-only machine-to-phys table (guests)
 *   slot 260  0xffff820000000000  per-CPU GDT windows (64 KiB each), then
 *             0xffff820000400000  per-CPU LDT windows (64 KiB each)
 *   slot 261  0xffff828000000000  read-write machine-to-phys table
 *             0xffff82c000000000  vmap area (AP stubs and the like)
 *             0xffff82d080000000  hypervisor image (text, data, bss)
 *   slot 262+ 0xffff830000000000  direct map of all RAM (5 TiB)
 */
#ifndef ASM_CONFIG_H
#define ASM_CONFIG_H

#ifdef __ASSEMBLY__
#define _AC(x, sfx)         x
#else
#define _AC(x, sfx)         x##sfx
#endif

#define PAGE_SHIFT          12
#define PAGE_SIZE           (_AC(1, UL) << PAGE_SHIFT)
#define PAGE_MASK           (~(PAGE_SIZE - 1))
#define L2_PAGE_SHIFT       21
#define L2_PAGE_SIZE        (_AC(1, UL) << L2_PAGE_SHIFT)
#define L3_PAGE_SHIFT       30

#define HYPERVISOR_VIRT_START_  0xffff800000000000
#define HYPERVISOR_VIRT_END_    0xffff880000000000
#define RO_MPT_VIRT_START       0xffff800000000000
#define RO_MPT_VIRT_END         0xffff804000000000
#define GDT_VIRT_START          0xffff820000000000
#define LDT_VIRT_START          0xffff820000400000  /* after NR_CPUS GDT windows */
#define RDWR_MPT_VIRT_START     0xffff828000000000
#define RDWR_MPT_VIRT_END       0xffff82c000000000
#define VMAP_VIRT_START         0xffff82c000000000
#define XEN_VIRT_START          0xffff82d080000000
#define DIRECTMAP_VIRT_START    0xffff830000000000
/* head.S maps the first 4 GiB into the direct map (RAM, firmware tables,
 * devices); what lies above is mapped by mm_init, RAM only. */
#define BOOT_DIRECTMAP_END      (_AC(1, UL) << 32)
#define DIRECTMAP_VIRT_END      0xffff880000000000

#define XEN_L4_FIRST_SLOT   256
#define XEN_L4_LAST_SLOT    271
#define DIRECTMAP_L4_SLOT   262

/* The image is linked at XEN_VIRT_START + its physical load address. */
#define XEN_LOAD_ADDR       0x200000

/* Per-CPU stacks: 8 pages, aligned, struct cpu_info at the top. */
#define STACK_ORDER         3
#define STACK_SIZE          (PAGE_SIZE << STACK_ORDER)
/* IST stacks sit in the low pages of the block, the primary stack above. */
#define IST_DF_PAGE         1
#define IST_NMI_PAGE        2
#define IST_MCE_PAGE        3

#define NR_CPUS             64
#define PAGETABLE_ENTRIES_  512

#ifndef __ASSEMBLY__
#define sym_phys(sym)       ((unsigned long)(sym) - XEN_VIRT_START)
#endif

#endif
