/*
 * Segment descriptors, the TSS and the IDT (Intel SDM vol. 3 ch. 3, 6, 7).
 * The hypervisor's descriptors sit where Xen puts them, at GDT entry 0x1c00
 * (selector 0xe000) and up, so the selectors 64-bit PV guests use are Xen's:
 * the first 14 pages of the GDT belong to the guest (set_gdt).
 */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#include "arch_x86.h"                   /* FLAT_RING3_*, FIRST_RESERVED_GDT_* */

#define GDT_PAGES                   16
#define GDT_LIMIT                   (GDT_PAGES * 4096 - 1)

#define __HYPERVISOR_CS     0xe008      /* ring 0, 64-bit */
#define __HYPERVISOR_DS     0xe010
#define TSS_SELECTOR        0xe040
#define LDT_SELECTOR        0xe050

/* Vectors for our own interrupts (priority class 0xf, above devices). */
#define LAPIC_TIMER_VECTOR  0xf0
#define EVENT_CHECK_VECTOR  0xf1        /* IPI: something to do, check softirqs */
#define CALL_FUNC_VECTOR    0xf2        /* IPI: run a function */
#define INVALIDATE_VECTOR   0xf3        /* IPI: flush the TLB */
#define HALT_VECTOR         0xf4        /* IPI: stop (panic, power-off) */
#define ERROR_APIC_VECTOR   0xfe
#define SPURIOUS_VECTOR     0xff

/* Exception vectors (Intel SDM vol. 3 §6.3.1). */
#define TRAP_divide_error   0
#define TRAP_debug          1
#define TRAP_nmi            2
#define TRAP_int3           3
#define TRAP_overflow       4
#define TRAP_bounds         5
#define TRAP_invalid_op     6
#define TRAP_no_device      7
#define TRAP_double_fault   8
#define TRAP_invalid_tss    10
#define TRAP_no_segment     11
#define TRAP_stack_error    12
#define TRAP_gp_fault       13
#define TRAP_page_fault     14
#define TRAP_copro_error    16
#define TRAP_alignment_check 17
#define TRAP_machine_check  18
#define TRAP_simd_error     19
#define TRAP_virtualisation 20
#define TRAP_control_prot   21

/* Page-fault error code bits (Intel SDM vol. 3 §4.7). */
#define PFEC_page_present   (1U << 0)
#define PFEC_write_access   (1U << 1)
#define PFEC_user_mode      (1U << 2)
#define PFEC_reserved_bit   (1U << 3)
#define PFEC_insn_fetch     (1U << 4)

/*
 * Fields of an 8-byte segment descriptor, as bits of the whole quadword
 * (SDM vol. 3 §3.4.5, §3.5; system types in table 3-2).
 */
#define SEG_DESC_TYPE_SHIFT 40
#define SEG_DESC_TYPE_MASK  (0xfULL << SEG_DESC_TYPE_SHIFT)
#define SEG_DESC_S          (1ULL << 44)    /* code or data (else system) */
#define SEG_DESC_DPL_SHIFT  45
#define SEG_DESC_DPL_MASK   (3ULL << SEG_DESC_DPL_SHIFT)
#define SEG_DESC_P          (1ULL << 47)    /* present */
#define SEG_DESC_L          (1ULL << 53)    /* 64-bit code */
#define SEG_DESC_DB         (1ULL << 54)    /* default operation size 32 */
#define SEG_DESC_G          (1ULL << 55)    /* limit in 4 KiB units */
/* Type field: code/data (S set), then the system types used here. */
#define SEG_TYPE_ACCESSED   0x1
#define SEG_TYPE_WRITABLE   0x2             /* data */
#define SEG_TYPE_READABLE   0x2             /* code */
#define SEG_TYPE_CODE       0x8
#define SEG_TYPE_LDT        0x2             /* system, 16 bytes in long mode */
#define SEG_TYPE_TSS_AVAIL  0x9

/* Selector fields (SDM vol. 3 §3.4.2). */
#define SEL_RPL_MASK        3
#define SEL_TI              4               /* in the LDT */
#define SEL_INDEX_SHIFT     3

/* Descriptors per 4 KiB page; an LDT has at most 8192 (64 KiB). */
#define DESCS_PER_PAGE      512
#define LDT_MAX_ENTRIES     8192
#define LDT_PAGES           (LDT_MAX_ENTRIES / DESCS_PER_PAGE)

#ifndef __ASSEMBLY__
#include "xen/types.h"

struct tss64 {
    uint32_t _rsvd0;
    uint64_t rsp0, rsp1, rsp2;
    uint64_t _rsvd1;
    uint64_t ist[7];                    /* ist[0] is IST1 */
    uint64_t _rsvd2;
    uint16_t _rsvd3;
    uint16_t iomap_base;
} __packed;
_Static_assert(sizeof(struct tss64) == 104, "TSS is 104 bytes");

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __packed;

struct idt_entry {
    uint16_t offset_lo, selector;
    uint8_t ist, type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi, _rsvd;
};

#define IST_DF  1
#define IST_NMI 2
#define IST_MCE 3

/*
 * A guest descriptor (GDT or LDT entry) as a 64-bit PV guest may have it
 * (arch/x86/pv/desc_check.c, pure): true if acceptable, with its DPL raised
 * to 3 in place -- the guest kernel runs in ring 3 -- as Xen does.
 */
bool pv_check_descriptor(uint64_t *desc);
/* Every descriptor of a page that is to become a GDT/LDT page: 0 or -EINVAL. */
int pv_validate_descriptor_page(uint64_t *descs);

void percpu_traps_init(unsigned int cpu);
/* The L1 entry of a GDT/LDT window page that holds nothing of a guest's. */
uint64_t desc_window_empty_pte(void);
void trap_init(void);
void load_gdt_and_tss(unsigned int cpu);
void set_idt_gate_dpl(unsigned int vec, unsigned int dpl);
#endif

#endif
