/*
 * The reverse map: for every machine frame, the shadow entries pointing at
 * it -- leaves mapping a guest frame (a 2 MiB leaf is filed under its
 * first frame) and entries linking a shadow table.  Each chain is doubly
 * linked through the links page of every shadow page (one pair of 32-bit
 * positions per entry), so adding and removing an entry costs O(1), and
 * finding every mapping of a frame costs one or two chain walks.
 *
 * It serves three things: write-protecting a frame when it becomes a
 * guest page table, dropping every mapping of a frame the p2m gives up,
 * and unlinking a shadow table from all its parents (unshadowing).
 */
#include "xen/lib.h"

#include "private.h"

#define LARGE_FRAMES        (1UL << SH_LARGE_ORDER)
#define L2_LARGE_ADDR       0x000fffffffe00000ULL   /* PDE with PS: bits 51:21 */

struct link {
    uint32_t next, prev;
};

static struct link *link_of(struct shadow_domain *sd, uint32_t pos)
{
    uint32_t idx = SH_POS_IDX(pos);

    return (struct link *)sh_map(sd, sd->pages[idx].links) + SH_POS_SLOT(pos);
}

/* The frame an entry is filed under: what it points at, or a 2 MiB leaf's first. */
static unsigned long key_of(uint32_t type, uint64_t e)
{
    if (sh_entry_is_leaf(type, e) && sh_level(type) == 2)
        return (e & L2_LARGE_ADDR) >> PAGE_SHIFT;
    return pte_mfn(e);
}

static uint32_t *head_of(struct shadow_domain *sd, unsigned long key)
{
    return &sd->rmap[(uint32_t)(key * 0x9e3779b97f4a7c15ULL >> 32) & sd->rmap_mask];
}

void sh_rmap_add(struct shadow_domain *sd, uint32_t idx, unsigned int slot, uint64_t e)
{
    uint32_t pos = SH_POS(idx, slot), *head = head_of(sd, key_of(sd->pages[idx].type, e));
    struct link *l = link_of(sd, pos);

    l->next = *head;
    l->prev = SH_NIL;
    if (*head != SH_NIL)
        link_of(sd, *head)->prev = pos;
    *head = pos;
}

void sh_rmap_del(struct shadow_domain *sd, uint32_t idx, unsigned int slot, uint64_t e)
{
    struct link *l = link_of(sd, SH_POS(idx, slot));

    if (l->prev != SH_NIL)
        link_of(sd, l->prev)->next = l->next;
    else
        *head_of(sd, key_of(sd->pages[idx].type, e)) = l->next;
    if (l->next != SH_NIL)
        link_of(sd, l->next)->prev = l->prev;
    l->next = l->prev = SH_NIL;
}

/* Does the entry at pos point at mfn (or map it, as part of a 2 MiB leaf)? */
static bool points_at(struct shadow_domain *sd, uint32_t pos, unsigned long mfn)
{
    uint32_t idx = SH_POS_IDX(pos);
    uint32_t type = sd->pages[idx].type;
    uint64_t e = sh_map(sd, idx)[SH_POS_SLOT(pos)];
    unsigned long key = key_of(type, e);

    if (sh_entry_is_leaf(type, e) && sh_level(type) == 2)
        return mfn >= key && mfn < key + LARGE_FRAMES;
    return key == mfn;
}

static void walk_chain(struct shadow_domain *sd, uint32_t pos, unsigned long mfn,
                       void (*fn)(struct shadow_domain *, uint32_t, unsigned int, void *),
                       void *arg)
{
    while (pos != SH_NIL) {
        uint32_t next = link_of(sd, pos)->next;

        if (points_at(sd, pos, mfn))
            fn(sd, SH_POS_IDX(pos), SH_POS_SLOT(pos), arg);
        pos = next;
    }
}

/*
 * fn may change or clear the entry it is given, but nothing else in the
 * reverse map (it may drop references only to pages that stay alive).
 */
void sh_rmap_each(struct shadow_domain *sd, unsigned long mfn,
                  void (*fn)(struct shadow_domain *sd, uint32_t idx, unsigned int slot,
                             void *arg), void *arg)
{
    uint32_t *small = head_of(sd, mfn), *large = head_of(sd, mfn & ~(LARGE_FRAMES - 1));

    walk_chain(sd, *small, mfn, fn, arg);
    if (large != small)
        walk_chain(sd, *large, mfn, fn, arg);
}

/* ---- p2m changes ---- */

static void drop_mapping(struct shadow_domain *sd, uint32_t idx, unsigned int slot, void *arg)
{
    sh_clear_entry(sd, idx, slot);
    sd->stats.rmap_drops++;
    sd->need_flush = true;
}

void shadow_p2m_changed(struct shadow_domain *sd, unsigned long gfn, unsigned long mfn,
                        unsigned int order)
{
    if (!sd->nr_pages)
        return;
    for (unsigned long i = 0; i < (1UL << order); i++) {
        sh_unshadow(sd, gfn + i);
        if (mfn != SH_INVALID_MFN)
            sh_rmap_each(sd, mfn + i, drop_mapping, NULL);
    }
}
