/*
 * The shadow cache: shadows found by their guest frame and kind (one hash
 * chain per gfn bucket holds every kind, so "is this gfn a page table?"
 * is one chain walk), the count of shadowed page tables per 2 MiB region
 * (a region holding one is never mapped by a 2 MiB shadow entry), and the
 * pinned top levels in least-recently-used order, which reclaim drops
 * first.
 */
#include "xen/lib.h"

#include "private.h"

static uint32_t gfn_bucket(const struct shadow_domain *sd, unsigned long gfn)
{
    return (uint32_t)(gfn * 0x9e3779b97f4a7c15ULL >> 32) & sd->gfn_mask;
}

uint32_t sh_lookup(struct shadow_domain *sd, unsigned long gfn, unsigned int type)
{
    uint32_t idx = sd->gfn_hash[gfn_bucket(sd, gfn)];

    while (idx != SH_NIL && (sd->pages[idx].gfn != gfn || sd->pages[idx].type != type))
        idx = sd->pages[idx].next;
    return idx;
}

bool sh_gfn_is_table(struct shadow_domain *sd, unsigned long gfn)
{
    for (uint32_t idx = sd->gfn_hash[gfn_bucket(sd, gfn)]; idx != SH_NIL;
         idx = sd->pages[idx].next)
        if (sd->pages[idx].gfn == gfn && sh_is_table(sd->pages[idx].type))
            return true;
    return false;
}

void sh_hash_insert(struct shadow_domain *sd, uint32_t idx)
{
    struct sh_page *pg = &sd->pages[idx];
    uint32_t b = gfn_bucket(sd, pg->gfn);

    if (sh_is_table(pg->type) && !sh_gfn_is_table(sd, pg->gfn))
        sh_region_adjust(sd, pg->gfn, +1);
    pg->next = sd->gfn_hash[b];
    sd->gfn_hash[b] = idx;
}

void sh_hash_remove(struct shadow_domain *sd, uint32_t idx)
{
    struct sh_page *pg = &sd->pages[idx];
    uint32_t *link = &sd->gfn_hash[gfn_bucket(sd, pg->gfn)];

    while (*link != SH_NIL && *link != idx)
        link = &sd->pages[*link].next;
    if (*link != idx)
        return;                         /* never inserted */
    *link = pg->next;
    pg->next = SH_NIL;
    if (sh_is_table(pg->type) && !sh_gfn_is_table(sd, pg->gfn))
        sh_region_adjust(sd, pg->gfn, -1);
}

/* ---- page tables per 2 MiB region (open addressing, backward shift) ---- */

static uint32_t region_slot(const struct shadow_domain *sd, unsigned long key)
{
    return (uint32_t)(key * 0x9e3779b97f4a7c15ULL >> 32) & sd->region_mask;
}

static struct sh_region *region_find(struct shadow_domain *sd, unsigned long key)
{
    for (uint32_t s = region_slot(sd, key);; s = (s + 1) & sd->region_mask) {
        struct sh_region *r = &sd->regions[s];
        if (!r->key || r->key == key)
            return r;
    }
}

bool sh_region_has_table(struct shadow_domain *sd, unsigned long gfn)
{
    return region_find(sd, (gfn >> SH_LARGE_ORDER) + 1)->key != 0;
}

/* Remove slot s and move later entries of its run back into the hole. */
static void region_delete(struct shadow_domain *sd, uint32_t s)
{
    uint32_t hole = s;

    for (uint32_t n = (s + 1) & sd->region_mask; sd->regions[n].key;
         n = (n + 1) & sd->region_mask) {
        uint32_t home = region_slot(sd, sd->regions[n].key);
        /* n may fill the hole if its home is not in (hole, n]. */
        if (((n - home) & sd->region_mask) >= ((n - hole) & sd->region_mask)) {
            sd->regions[hole] = sd->regions[n];
            hole = n;
        }
    }
    sd->regions[hole] = (struct sh_region){ 0, 0 };
    sd->nr_regions--;
}

void sh_region_adjust(struct shadow_domain *sd, unsigned long gfn, int delta)
{
    unsigned long key = (gfn >> SH_LARGE_ORDER) + 1;
    struct sh_region *r = region_find(sd, key);

    if (!r->key) {
        BUG_ON(delta < 0);
        *r = (struct sh_region){ key, 0 };
        sd->nr_regions++;
    }
    r->count += delta;
    if (!r->count)
        region_delete(sd, r - sd->regions);
}

/* ---- pinned top levels ---- */

static void lru_unlink(struct shadow_domain *sd, uint32_t idx)
{
    struct sh_page *pg = &sd->pages[idx];

    if (pg->lru_prev != SH_NIL)
        sd->pages[pg->lru_prev].lru_next = pg->lru_next;
    else
        sd->lru_head = pg->lru_next;
    if (pg->lru_next != SH_NIL)
        sd->pages[pg->lru_next].lru_prev = pg->lru_prev;
    else
        sd->lru_tail = pg->lru_prev;
    pg->lru_prev = pg->lru_next = SH_NIL;
}

static void lru_append(struct shadow_domain *sd, uint32_t idx)
{
    struct sh_page *pg = &sd->pages[idx];

    pg->lru_prev = sd->lru_tail;
    pg->lru_next = SH_NIL;
    if (sd->lru_tail != SH_NIL)
        sd->pages[sd->lru_tail].lru_next = idx;
    else
        sd->lru_head = idx;
    sd->lru_tail = idx;
}

void sh_pin(struct shadow_domain *sd, uint32_t idx)
{
    if (sd->pages[idx].pinned)
        return;
    sd->pages[idx].pinned = true;
    sd->nr_pinned++;
    sh_get_ref(sd, idx);
    lru_append(sd, idx);
}

void sh_unpin(struct shadow_domain *sd, uint32_t idx)
{
    if (!sd->pages[idx].pinned)
        return;
    lru_unlink(sd, idx);
    sd->pages[idx].pinned = false;
    sd->nr_pinned--;
    sh_put_ref(sd, idx);
}

void sh_lru_touch(struct shadow_domain *sd, uint32_t idx)
{
    if (!sd->pages[idx].pinned)
        return;
    lru_unlink(sd, idx);
    lru_append(sd, idx);
}

/* Drop the least recently used top level no vCPU runs on. */
bool sh_evict_one(struct shadow_domain *sd)
{
    for (uint32_t idx = sd->lru_head; idx != SH_NIL; idx = sd->pages[idx].lru_next)
        if (sd->pages[idx].refs == 1) {
            sh_unpin(sd, idx);
            return true;
        }
    return false;
}

/*
 * Drop every shadow: top levels no vCPU runs on go; those in use stay
 * (their frames are in the vCPUs' CR3s) but are emptied, to be filled
 * again by faults.  The unpaged map keeps its four PDPTEs, which the CPU
 * may hold in registers, and loses what is below them.
 */
void sh_blow_all(struct shadow_domain *sd)
{
    uint32_t idx = sd->lru_head;

    while (idx != SH_NIL) {
        uint32_t next = sd->pages[idx].lru_next;
        struct sh_page *pg = &sd->pages[idx];

        if (pg->refs == 1)
            sh_unpin(sd, idx);
        else if (pg->type == SH_PAE_ROOT)
            for (unsigned int s = 0; s < SH_PAE_ROOT_ENTRIES; s++)
                sh_clear_table(sd, sh_index_of(sd, pt_frame(&pt_format_x86, sh_map(sd, idx)[s])));
        else
            sh_clear_table(sd, idx);
        idx = next;
    }
}
