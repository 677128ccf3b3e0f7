/*
 * The physmap: every pseudo-physical page of the guest at
 * G_PHYSMAP_BASE + pfn * 4096 (L4 slot 272, where Linux keeps its direct
 * map), so that a guest can touch all of its memory, not just the 1:1
 * bootstrap region.  Optional: a guest that wants it calls
 * g_physmap_init() early in g_main, and from then on g_pfn_to_virt()
 * answers for every PFN below the limit it gave.
 *
 * What is mapped, writable: every PFN above the 1:1 region that was free
 * in the page allocator at g_physmap_init() (pages a guest allocated
 * above the region before that are not: call it first).  The page tables
 * of the physmap come from the allocator too; they cover up to the limit
 * even where no frame is yet (PFNs the balloon may populate later).
 * Frames that become page tables later are remapped read-only by
 * g_pt_alloc_table(), as in the 1:1 region.
 *
 * The balloon driver (guest/balloon.h) clears and sets the entries of
 * PFNs it gives back and takes in, through batched mmu_update requests
 * on g_physmap_pte_ptr().
 */
#ifndef GUEST_PHYSMAP_H
#define GUEST_PHYSMAP_H

#include <stdint.h>

#include <guest/mm.h>

#define G_PHYSMAP_SLOT 272

/* Build it for PFNs [0, limit) (at least g_max_pfn(), at most
 * G_MAX_PFNS): 0, -XEN_EEXIST if built already, -XEN_EINVAL for a bad
 * limit, -XEN_ENOMEM without frames for its tables, or the error of the
 * mmu_update that installs it (nothing is left behind then). */
int g_physmap_init(uint64_t limit);

/* PFNs it covers (0: no physmap). */
uint64_t g_physmap_pfns(void);

/* The machine address of the L1 entry mapping pfn, for an mmu_update
 * request (add MMU_NORMAL_PT_UPDATE), or 0 if pfn is not covered. */
uint64_t g_physmap_pte_ptr(uint64_t pfn);

/* The entry that maps a data frame there. */
static inline uint64_t g_physmap_pte(uint64_t mfn)
{
    return (mfn << G_PAGE_SHIFT) | G_PTE_KERNEL_RW;
}

#endif /* GUEST_PHYSMAP_H */
