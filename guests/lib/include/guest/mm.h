/*
 * Memory of a PV guest.
 *
 * A PV guest sees machine frames (MFNs).  Its own contiguous view is the
 * pseudo-physical frame number (PFN); start_info.mfn_list is the PFN->MFN
 * table (the p2m) and the read-only table at MACH2PHYS_VIRT_START the
 * MFN->PFN one (the M2P).  At start of day the first PFNs are mapped 1:1
 * from VIRT_BASE (the "bootstrap region": image, modules, p2m, start_info,
 * page tables, boot stack, at least 512 KiB of padding), so for them
 * va = VIRT_BASE + pfn * 4096.  The page allocator hands out the PFNs after
 * the boot stack.
 *
 * PTEs are written only through hypercalls: update_va_mapping for one
 * page here.  Batched page-table building (mmu_update / mmuext_op /
 * multicall helpers, pinning, new address spaces) is in pt.c.
 *
 * PFNs above the 1:1 region have no VA unless the guest builds the
 * physmap (guest/physmap.h): then every PFN has one at
 * G_PHYSMAP_BASE + pfn * 4096, and g_pfn_to_virt() returns it.
 *
 * Ballooning (guest/balloon.h) changes the p2m: a PFN whose frame went
 * back to the hypervisor has the entry G_INVALID_MFN.  The PFN space can
 * grow past start_info's nr_pages (g_p2m_grow, which needs the physmap)
 * up to the domain's maximum reservation.
 */
#ifndef GUEST_MM_H
#define GUEST_MM_H

#include <stdbool.h>
#include <stdint.h>

#define G_PAGE_SHIFT  12
#define G_PAGE_SIZE   4096ull
#define G_PAGE_MASK   (~(G_PAGE_SIZE - 1))
#define G_VIRT_BASE   0xffffffff80000000ull
#define G_PHYSMAP_BASE 0xffff880000000000ull  /* L4 slot 272, as Linux */
#define G_INVALID_PFN (~0ull)
#define G_INVALID_MFN (~0ull)                 /* Xen's INVALID_P2M_ENTRY */
/* Enough for 4 GiB of pseudo-physical memory; PFNs above stay unused. */
#define G_MAX_PFNS    (1ull << 20)

/* PTE bits (Intel SDM vol. 3A, 4.5, table 4-19). */
#define G_PTE_P    (1ull << 0)    /* present */
#define G_PTE_RW   (1ull << 1)    /* writable */
#define G_PTE_US   (1ull << 2)    /* user */
#define G_PTE_PWT  (1ull << 3)
#define G_PTE_PCD  (1ull << 4)
#define G_PTE_A    (1ull << 5)    /* accessed */
#define G_PTE_D    (1ull << 6)    /* dirty */
#define G_PTE_PS   (1ull << 7)    /* large page (L2/L3) */
#define G_PTE_G    (1ull << 8)    /* global */
#define G_PTE_NX   (1ull << 63)
#define G_PTE_ADDR 0x000ffffffffff000ull

/* Typical flags for a kernel data page and for a page-table link. */
#define G_PTE_KERNEL_RW (G_PTE_P | G_PTE_RW | G_PTE_A | G_PTE_D)
#define G_PTE_KERNEL_RO (G_PTE_P | G_PTE_A)
#define G_PTE_TABLE     (G_PTE_P | G_PTE_RW | G_PTE_US | G_PTE_A)

/* Index of va in a page table of the given level (1..4). */
static inline unsigned int g_pt_index(uint64_t va, int level)
{
    return (unsigned int)(va >> (G_PAGE_SHIFT + 9 * (level - 1))) & 511;
}

/* p2m / M2P */
uint64_t g_nr_pages(void);
uint64_t g_pfn_to_mfn(uint64_t pfn);       /* G_INVALID_MFN if none */
uint64_t g_mfn_to_pfn(uint64_t mfn);
uint64_t g_max_pfn(void);                  /* PFNs with a p2m entry */
int g_p2m_set(uint64_t pfn, uint64_t mfn); /* -XEN_EINVAL past g_max_pfn */
/* n entries from pfn: mfn, mfn + 1, ... (or all G_INVALID_MFN). */
int g_p2m_set_range(uint64_t pfn, uint64_t mfn, uint64_t n);
/* Whether n PFNs from pfn all have p2m entries and no frame. */
bool g_p2m_range_missing(uint64_t pfn, uint64_t n);
/* Give PFNs up to new_max a p2m entry (invalid until populated) and a
 * place in the allocator; needs the physmap to cover them. */
int g_p2m_grow(uint64_t new_max);

/* VA <-> PFN in the 1:1 region, and in the physmap if there is one;
 * g_pfn_to_virt is NULL outside them. */
void *g_pfn_to_virt(uint64_t pfn);
uint64_t g_virt_to_pfn(const void *va);
uint64_t g_virt_to_mfn(const void *va);
uint64_t g_mapped_pfns(void);      /* PFNs [0, n) are mapped 1:1 */

/* The PTE now mapping va in the kernel page tables (0 if none); reads the
 * tables through the 1:1 region, so only for tables that lie in it. */
uint64_t g_lookup_pte(uint64_t va);

/* Page allocator over the PFNs after the bootstrap region. */
uint64_t g_page_alloc(void);           /* a PFN, or G_INVALID_PFN */
uint64_t g_page_alloc_above(uint64_t floor);    /* the lowest >= floor */
uint64_t g_page_alloc_highest(uint64_t floor);  /* the highest >= floor */
bool g_page_is_free(uint64_t pfn);
void g_page_free(uint64_t pfn);
/* Free n pages from pfn (a populated extent) at once. */
void g_page_free_range(uint64_t pfn, uint64_t n);
/* Take 2^order free pages, 2^order-aligned, the highest such run above
 * floor (order 6 or more: whole words of the map); its first PFN, or
 * G_INVALID_PFN. */
uint64_t g_page_alloc_run_highest(uint64_t floor, unsigned int order);
uint64_t g_pages_free(void);
/* A zeroed page from the 1:1 region (so it has a VA), or NULL. */
void *g_page_alloc_mapped(void);
void g_page_free_mapped(void *va);

/* One page, by update_va_mapping (invalidates va on this vCPU). */
int g_map_page(uint64_t va, uint64_t mfn, uint64_t flags);
int g_unmap_page(uint64_t va);
/* Remap a 1:1-region page read-only (before it becomes a page table) or
 * writable again. */
int g_set_page_writable(void *va, bool writable);

/* Temporary mappings of any machine frame, in a small window of VAs. */
void *g_kmap(uint64_t mfn);
void g_kunmap(void *va);

#endif /* GUEST_MM_H */
