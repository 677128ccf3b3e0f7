/*
 * From a guest entry to a shadow entry.  A leaf maps the p2m's frame with
 * the guest's permissions, except write access, which it gets only when
 * the guest's dirty bit is set (so the first write faults and sets it, as
 * the hardware would), the p2m lets the guest write, and the frame is not
 * a guest page table.  A guest 2 MiB page becomes one 2 MiB shadow entry
 * where the p2m maps it with one 2 MiB entry and no page table lies in
 * it; otherwise it is split (FL1).  A guest 1 GiB page is split into
 * 2 MiB parts (FL2) treated the same way.  Table entries link the shadow
 * of the guest table they point at, carrying the guest's permission
 * bits, which the MMU combines along the walk as it would the guest's.
 */
#include "xen/lib.h"

#include "private.h"

#define L2_LARGE_ADDR       0x000fffffffe00000ULL   /* bits 51:21 */
#define L3_LARGE_ADDR       0x000fffffc0000000ULL   /* bits 51:30 */
#define L2_LARGE_RSVD       0x00000000001fe000ULL   /* bits 20:13 (SDM table 4-17) */
#define L3_LARGE_RSVD       0x000000003fffe000ULL   /* bits 29:13 (SDM table 4-15) */
#define ADDR_BITS_MASK      0x000ffffffffff000ULL   /* bits 51:12 */
#define GFNS_PER_L3_ENTRY   (1UL << 18)

bool sh_guest_rsvd(const struct shadow_domain *sd, uint64_t ge, unsigned int level, bool nxe)
{
    uint64_t rsvd = ADDR_BITS_MASK & ~((1ULL << sd->paddr_bits) - 1);

    if (!nxe)
        rsvd |= _PAGE_NX;
    if (level == 4)
        rsvd |= _PAGE_PSE;
    else if (level == 3 && (ge & _PAGE_PSE))
        rsvd |= L3_LARGE_RSVD;
    else if (level == 2 && (ge & _PAGE_PSE))
        rsvd |= L2_LARGE_RSVD;
    return ge & rsvd;
}

uint64_t sh_guest_entry(struct shadow_domain *sd, uint32_t idx, unsigned int slot)
{
    const struct sh_page *pg = &sd->pages[idx];

    switch (pg->type) {
    case SH_FL1:
        return ((uint64_t)(pg->gfn + slot) << PAGE_SHIFT) | SH_FL_FLAGS;
    case SH_FL2:
        return ((uint64_t)(pg->gfn + ((unsigned long)slot << SH_LARGE_ORDER)) << PAGE_SHIFT) |
               SH_FL_FLAGS | _PAGE_PSE;
    case SH_PAE_ROOT:
        if (slot >= SH_PAE_ROOT_ENTRIES)
            return 0;
        return ((uint64_t)slot * GFNS_PER_L3_ENTRY << PAGE_SHIFT) | SH_FL_FLAGS | _PAGE_PSE;
    default:
        if (pg->gmfn == SH_INVALID_MFN)
            return 0;                   /* orphaned: its frame left the p2m */
        return pt_map_frame(pg->gmfn)[slot];
    }
}

/* May the guest's entry give write access to gfn? */
static bool may_write(struct shadow_domain *sd, uint64_t ge, unsigned long gfn, bool writable)
{
    return (ge & _PAGE_RW) && (ge & _PAGE_DIRTY) && writable && !sh_gfn_is_table(sd, gfn);
}

static uint64_t leaf_4k(struct shadow_domain *sd, uint64_t ge, unsigned long gfn,
                        uint64_t guest_pat, unsigned long *bad_gfn)
{
    unsigned int order;
    bool writable;
    unsigned long mfn = shadow_p2m_lookup(sd, gfn, &order, &writable);
    uint64_t flags = (ge & SH_LEAF_FLAGS & ~_PAGE_RW) | _PAGE_ACCESSED;

    if (mfn == SH_INVALID_MFN) {
        *bad_gfn = gfn;
        return 0;
    }
    if (ge & guest_pat)
        flags |= SH_L1_PAT;
    if (may_write(sd, ge, gfn, writable))
        flags |= _PAGE_RW | _PAGE_DIRTY;
    return ((uint64_t)mfn << PAGE_SHIFT) | flags;
}

/* The entry linking the shadow `type` of gfn, which carries ge's permissions. */
static uint64_t link(struct shadow_domain *sd, uint64_t ge, unsigned long gfn,
                     unsigned int type, bool create, unsigned long *bad_gfn)
{
    uint32_t child = sh_lookup(sd, gfn, type);
    uint64_t flags = ge & SH_TABLE_FLAGS;
    unsigned int order;
    bool writable;

    if (child == SH_NIL) {
        if (!create)
            return 0;
        if (sh_is_table(type) &&
            shadow_p2m_lookup(sd, gfn, &order, &writable) == SH_INVALID_MFN) {
            *bad_gfn = gfn;
            return 0;
        }
        if ((child = sh_get_shadow(sd, gfn, type)) == SH_NIL)
            return 0;                   /* no room: the fault comes again */
    }
    if ((type == SH_FL1 || type == SH_FL2) && !(ge & _PAGE_DIRTY))
        flags &= ~_PAGE_RW;             /* a split page's dirty bit is the guest entry's */
    return ((uint64_t)sd->pages[child].mfn << PAGE_SHIFT) | flags;
}

static uint64_t large_2m(struct shadow_domain *sd, uint64_t ge, bool create,
                         unsigned long *bad_gfn)
{
    unsigned long base = (ge & L2_LARGE_ADDR) >> PAGE_SHIFT, mfn;
    unsigned int order;
    bool writable;
    uint64_t flags;

    mfn = shadow_p2m_lookup(sd, base, &order, &writable);
    if (mfn == SH_INVALID_MFN || order < SH_LARGE_ORDER || sh_region_has_table(sd, base))
        return link(sd, ge, base, SH_FL1, create, bad_gfn);
    flags = (ge & (SH_LEAF_FLAGS | SH_LARGE_PAT) & ~_PAGE_RW) | _PAGE_ACCESSED | _PAGE_PSE;
    if ((ge & _PAGE_RW) && (ge & _PAGE_DIRTY) && writable)
        flags |= _PAGE_RW | _PAGE_DIRTY;
    return ((uint64_t)mfn << PAGE_SHIFT) | flags;
}

uint64_t sh_derive(struct shadow_domain *sd, uint32_t idx, uint64_t ge, bool create,
                   unsigned long *bad_gfn)
{
    unsigned int type = sd->pages[idx].type, level = sh_level(type);
    unsigned long gfn = pte_mfn(ge);
    uint64_t se;

    if (!pte_present(ge) || !(ge & _PAGE_ACCESSED) || sh_guest_rsvd(sd, ge, level, true))
        return 0;
    switch (level) {
    case 1:
        return leaf_4k(sd, ge, gfn, type == SH_FL1 ? 0 : SH_L1_PAT, bad_gfn);
    case 2:
        if (ge & _PAGE_PSE)
            return large_2m(sd, ge, create, bad_gfn);
        return link(sd, ge, gfn, SH_L1, create, bad_gfn);
    case 3:
        if (!(ge & _PAGE_PSE))
            return link(sd, ge, gfn, SH_L2, create, bad_gfn);
        se = link(sd, ge, (ge & L3_LARGE_ADDR) >> PAGE_SHIFT, SH_FL2, create, bad_gfn);
        if (type == SH_PAE_ROOT && se)
            se = (se & PTE_ADDR_MASK) | SH_PDPTE_FLAGS;
        return se;
    default:
        return link(sd, ge, gfn, SH_L3, create, bad_gfn);
    }
}

/*
 * A new shadow takes what it can without making tables: leaves, and links
 * to shadows already cached (an address space switched back to finds its
 * subtrees).  The unpaged map's four PDPTEs are made at once, since the
 * CPU may load them with CR3.
 */
void sh_fill_table(struct shadow_domain *sd, uint32_t idx)
{
    bool create = sd->pages[idx].type == SH_PAE_ROOT;

    for (unsigned int s = 0; s < PT_ENTRIES; s++) {
        uint64_t ge = sh_guest_entry(sd, idx, s), se;
        unsigned long bad = SH_INVALID_MFN;

        if (pte_present(ge) && (se = sh_derive(sd, idx, ge, create, &bad)))
            sh_set_entry(sd, idx, s, se);
    }
}
