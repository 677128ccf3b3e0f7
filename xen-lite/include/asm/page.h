/*
 * x86-64 4-level paging: entry bits (Intel SDM vol. 3 §4.5, AMD APM vol. 2
 * §5.3) and conversions between the direct map and machine addresses.
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include "asm/config.h"
#include "xen/pt_walk.h"
#include "xen/types.h"

#define _PAGE_PRESENT   PT_X86_P
#define _PAGE_RW        PT_X86_RW
#define _PAGE_USER      PT_X86_US
#define _PAGE_PWT       (1UL << 3)
#define _PAGE_PCD       (1UL << 4)
#define _PAGE_ACCESSED  PT_X86_A
#define _PAGE_DIRTY     PT_X86_D
#define _PAGE_PSE       PT_X86_PS       /* L2/L3: large page */
#define _PAGE_PAT       (1UL << 7)      /* L1: PAT index bit */
#define _PAGE_GLOBAL    (1UL << 8)
#define _PAGE_AVAIL     (7UL << 9)
#define _PAGE_NX        PT_X86_NX

#define PADDR_BITS      52
#define PADDR_MASK      ((1UL << PADDR_BITS) - 1)
#define PTE_ADDR_MASK   (PADDR_MASK & PAGE_MASK)
#define PTE_FLAGS_MASK  (~PTE_ADDR_MASK)

#define PAGETABLE_ENTRIES   512
#define L1_SHIFT        12
#define L2_SHIFT        21
#define L3_SHIFT        30
#define L4_SHIFT        39

typedef uint64_t pte_t;

/* Index of va in the table of level lvl (1..4). */
static inline unsigned int pt_index(unsigned long va, int lvl)
{
    return (va >> (L1_SHIFT + 9 * (lvl - 1))) & (PAGETABLE_ENTRIES - 1);
}

static inline paddr_t pte_addr(pte_t e)     { return e & PTE_ADDR_MASK; }
static inline mfn_t pte_mfn(pte_t e)        { return pte_addr(e) >> PAGE_SHIFT; }
static inline bool pte_present(pte_t e)     { return e & _PAGE_PRESENT; }

#ifndef UNIT_TEST
/* Every machine address is mapped in the direct map. */
static inline void *maddr_to_virt(paddr_t ma)
{
    return (void *)(DIRECTMAP_VIRT_START + ma);
}
static inline paddr_t virt_to_maddr(const void *va)
{
    unsigned long v = (unsigned long)va;
    if (v >= XEN_VIRT_START && v < XEN_VIRT_START + (1UL << 30))
        return v - XEN_VIRT_START;
    return v - DIRECTMAP_VIRT_START;
}
static inline void *mfn_to_virt(mfn_t mfn) { return maddr_to_virt(mfn << PAGE_SHIFT); }
static inline mfn_t virt_to_mfn(const void *va) { return virt_to_maddr(va) >> PAGE_SHIFT; }
#endif

#endif
