/*
 * Shadow paging's inside: the kinds of shadow page, their bookkeeping and
 * the helpers the files of hvm/shadow/ share (see xen/shadow.h).
 *
 * A shadow page is one 4 KiB frame of the pool holding 512 entries the
 * MMU walks.  It shadows one guest table (L1..L4, keyed by the table's
 * gfn and kind -- a guest frame reached at two levels, as through a
 * recursive slot, has a shadow of each kind), or one guest large page
 * (FL1: a 2 MiB page as 512 4 KiB entries; FL2: a 1 GiB page as 512
 * 2 MiB entries; keyed by the page's first gfn), or is the root of the
 * unpaged map.  Every shadow page that can hold leaves has a companion
 * page of reverse-map links (SH_LINKS), one link pair per entry.
 *
 * refs counts the shadow entries pointing at a page, plus one for a pin
 * (top levels stay cached) and one per vCPU running on it; at zero the
 * page is emptied and freed.  Freed frames wait on the pending list until
 * every vCPU's TLB has been flushed, since a paging-structure cache may
 * still point at them.
 */
#ifndef HVM_SHADOW_PRIVATE_H
#define HVM_SHADOW_PRIVATE_H

#include "asm/page.h"
#include "xen/pv_mm.h"
#include "xen/shadow.h"
#include "xen_errno.h"

enum sh_type {
    SH_FREE,
    SH_L1,
    SH_FL1,                             /* a guest 2 MiB page, split */
    SH_L2,
    SH_FL2,                             /* a guest 1 GiB page, in 2 MiB parts */
    SH_L3,
    SH_L4,
    SH_PAE_ROOT,                        /* unpaged map: 4 PDPTEs, FL2 children */
    SH_LINKS,                           /* reverse-map links of a leaf holder */
    SH_NR_TYPES
};

struct sh_page {
    unsigned long mfn;
    unsigned long gfn;                  /* the guest table, or a large page's first */
    unsigned long gmfn;                 /* table shadows: the guest table's frame */
    uint32_t next;                      /* gfn-hash chain, or free/pending list */
    uint32_t lru_prev, lru_next;        /* pinned top levels */
    uint32_t refs;
    uint32_t links;                     /* leaf holders: links page; SH_LINKS: owner */
    uint8_t type;
    bool pinned;
    bool low;                           /* below 4 GiB: may be a PAE root */
};

/* One 2 MiB guest-physical region holding shadowed page tables. */
struct sh_region {
    unsigned long key;                  /* gfn >> 9, plus one (0: empty slot) */
    uint32_t count;
};

/* A reverse-map position: pool index and entry slot. */
#define SH_POS(idx, slot)   (((uint32_t)(idx) << 9) | (slot))
#define SH_POS_IDX(pos)     ((pos) >> 9)
#define SH_POS_SLOT(pos)    ((pos) & 511)

/* The flags a shadow entry copies from the guest's (SDM vol. 3 §4.5). */
#define SH_TABLE_FLAGS      (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX)
#define SH_LEAF_FLAGS       (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_PWT | _PAGE_PCD | _PAGE_NX)
#define SH_L1_PAT           (1UL << 7)
#define SH_LARGE_PAT        (1UL << 12)
/* What a split large page's entries grant: the guest's entry restricts above. */
#define SH_FL_FLAGS         (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
/* A PAE page-directory-pointer entry has nothing but P (APM vol. 2 §5.3.3). */
#define SH_PDPTE_FLAGS      _PAGE_PRESENT
#define SH_PAE_ROOT_ENTRIES 4

#define SH_LARGE_ORDER      9
/* A PAE root is reached by a 32-bit CR3 (SDM vol. 3 §4.4.1): below 4 GiB. */
#define SH_LOW_MFN_LIMIT    (1UL << (32 - PAGE_SHIFT))
#define SH_MAX_GFN          ((1UL << 40) - 1)   /* guest-physical bits the walk accepts */

static inline struct sh_page *sh_pg(struct shadow_domain *sd, uint32_t idx)
{
    return &sd->pages[idx];
}

static inline uint64_t *sh_map(struct shadow_domain *sd, uint32_t idx)
{
    return pt_map_frame(sd->pages[idx].mfn);
}

/* The level of the entries a shadow holds (PAE root: 3). */
static inline unsigned int sh_level(unsigned int type)
{
    static const uint8_t level[SH_NR_TYPES] = {
        [SH_L1] = 1, [SH_FL1] = 1, [SH_L2] = 2, [SH_FL2] = 2, [SH_L3] = 3,
        [SH_L4] = 4, [SH_PAE_ROOT] = 3,
    };
    return level[type];
}

/* Shadows of guest tables, which make their guest frame write-protected. */
static inline bool sh_is_table(unsigned int type)
{
    return type == SH_L1 || type == SH_L2 || type == SH_L3 || type == SH_L4;
}

/* Shadows whose entries may be leaves, so have reverse-map links. */
static inline bool sh_holds_leaves(unsigned int type)
{
    return type == SH_L1 || type == SH_FL1 || type == SH_L2 || type == SH_FL2;
}

static inline bool sh_is_top(unsigned int type)
{
    return type == SH_L4 || type == SH_PAE_ROOT;
}

/* Is entry e, at the level of a shadow of `type`, a leaf? */
static inline bool sh_entry_is_leaf(unsigned int type, uint64_t e)
{
    return sh_level(type) == 1 || (sh_level(type) == 2 && (e & _PAGE_PSE));
}

/* pool.c */
uint32_t sh_alloc(struct shadow_domain *sd, unsigned int type, unsigned long gfn);
void sh_release(struct shadow_domain *sd, uint32_t idx);
uint32_t sh_index_of(struct shadow_domain *sd, unsigned long mfn);
/* Make sure n pages can be allocated without reclaiming in between. */
int sh_prealloc(struct shadow_domain *sd, unsigned int n, uint32_t keep);
void sh_flush_if_needed(struct shadow_domain *sd);

/* cache.c */
uint32_t sh_lookup(struct shadow_domain *sd, unsigned long gfn, unsigned int type);
void sh_hash_insert(struct shadow_domain *sd, uint32_t idx);
void sh_hash_remove(struct shadow_domain *sd, uint32_t idx);
bool sh_gfn_is_table(struct shadow_domain *sd, unsigned long gfn);
bool sh_region_has_table(struct shadow_domain *sd, unsigned long gfn);
void sh_region_adjust(struct shadow_domain *sd, unsigned long gfn, int delta);
void sh_pin(struct shadow_domain *sd, uint32_t idx);
void sh_unpin(struct shadow_domain *sd, uint32_t idx);
void sh_lru_touch(struct shadow_domain *sd, uint32_t idx);
bool sh_evict_one(struct shadow_domain *sd);
void sh_blow_all(struct shadow_domain *sd);

/* rmap.c */
void sh_rmap_add(struct shadow_domain *sd, uint32_t idx, unsigned int slot, uint64_t e);
void sh_rmap_del(struct shadow_domain *sd, uint32_t idx, unsigned int slot, uint64_t e);
/* Call fn on every shadow leaf mapping mfn (4 KiB, or 2 MiB around it). */
void sh_rmap_each(struct shadow_domain *sd, unsigned long mfn,
                  void (*fn)(struct shadow_domain *sd, uint32_t idx, unsigned int slot,
                             void *arg), void *arg);

/* table.c */
uint32_t sh_get_shadow(struct shadow_domain *sd, unsigned long gfn, unsigned int type);
void sh_set_entry(struct shadow_domain *sd, uint32_t idx, unsigned int slot, uint64_t e);
void sh_clear_entry(struct shadow_domain *sd, uint32_t idx, unsigned int slot);
void sh_clear_table(struct shadow_domain *sd, uint32_t idx);
void sh_get_ref(struct shadow_domain *sd, uint32_t idx);
void sh_put_ref(struct shadow_domain *sd, uint32_t idx);
void sh_unshadow(struct shadow_domain *sd, unsigned long gfn);
bool sh_gfn_is_loaded_root(struct shadow_domain *sd, unsigned long gfn);

/* walk.c: the guest's translation of va for an access (PFEC_* bits). */
struct sh_gwalk {
    unsigned long gfn;                  /* SH_FIXED: the frame va is in */
    bool guest_rw;                      /* the guest's entries allow writes */
    uint32_t pfec;                      /* SH_GUEST: the error code */
    unsigned long bad_gfn;              /* SH_BAD_GFN: a frame that is not RAM */
};
enum shadow_fault sh_walk(struct shadow_domain *sd, const struct shadow_vcpu *sv, uint64_t va,
                          uint32_t access, bool ac, bool set_ad, struct sh_gwalk *gw);

/* fill.c */
/* The guest entry behind a shadow's slot (made up for split large pages). */
uint64_t sh_guest_entry(struct shadow_domain *sd, uint32_t idx, unsigned int slot);
/*
 * The shadow entry for guest entry ge at a shadow's slot: 0 if the guest's
 * entry maps nothing yet (not present, not accessed, reserved bits, not
 * RAM -- *bad_gfn then names it).  Tables it links are made if `create`,
 * else only found in the cache.
 */
uint64_t sh_derive(struct shadow_domain *sd, uint32_t idx, uint64_t ge, bool create,
                   unsigned long *bad_gfn);
/* Fill a new shadow from its guest entries, making no tables. */
void sh_fill_table(struct shadow_domain *sd, uint32_t idx);
/* Reserved bits set in a present guest entry of `level` (SDM vol. 3 §4.5)? */
bool sh_guest_rsvd(const struct shadow_domain *sd, uint64_t ge, unsigned int level, bool nxe);

#endif
