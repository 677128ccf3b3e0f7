/*
 * Shadow tables and their entries: setting an entry keeps the reverse map
 * and the reference counts of linked tables right; a table whose last
 * reference goes is emptied and freed.  A guest frame becomes
 * write-protected when its first table shadow is made, and stops being a
 * table when its shadows are dropped (unshadowing).
 */
#include "xen/lib.h"

#include "private.h"

void sh_get_ref(struct shadow_domain *sd, uint32_t idx)
{
    sd->pages[idx].refs++;
}

void sh_put_ref(struct shadow_domain *sd, uint32_t idx)
{
    struct sh_page *pg = &sd->pages[idx];

    BUG_ON(!pg->refs);
    if (--pg->refs)
        return;
    BUG_ON(pg->pinned);
    sh_clear_table(sd, idx);
    sh_release(sd, idx);
}

static bool links_table(unsigned int type, uint64_t e)
{
    return pte_present(e) && !sh_entry_is_leaf(type, e);
}

/* Do two present entries file under the same frame in the same way? */
static bool same_target(unsigned int type, uint64_t a, uint64_t b)
{
    return sh_entry_is_leaf(type, a) == sh_entry_is_leaf(type, b) &&
           pte_mfn(a) == pte_mfn(b);
}

void sh_set_entry(struct shadow_domain *sd, uint32_t idx, unsigned int slot, uint64_t e)
{
    unsigned int type = sd->pages[idx].type;
    uint64_t *t = sh_map(sd, idx), old = t[slot];

    if (old == e)
        return;
    if (pte_present(old) && pte_present(e) && same_target(type, old, e)) {
        t[slot] = e;                    /* flags only */
        return;
    }
    /* One link pair per slot: the old entry leaves its chain first. */
    if (links_table(type, e))
        sh_get_ref(sd, sh_index_of(sd, pte_mfn(e)));
    if (pte_present(old))
        sh_rmap_del(sd, idx, slot, old);
    if (pte_present(e))
        sh_rmap_add(sd, idx, slot, e);
    if (pte_present(e) && sh_level(type) == 2 && sh_entry_is_leaf(type, e))
        sd->stats.large_leaves++;
    t[slot] = e;
    if (links_table(type, old))
        sh_put_ref(sd, sh_index_of(sd, pte_mfn(old)));
}

void sh_clear_entry(struct shadow_domain *sd, uint32_t idx, unsigned int slot)
{
    sh_set_entry(sd, idx, slot, 0);
}

void sh_clear_table(struct shadow_domain *sd, uint32_t idx)
{
    uint64_t *t = sh_map(sd, idx);

    for (unsigned int s = 0; s < PT_ENTRIES; s++)
        if (t[s])
            sh_clear_entry(sd, idx, s);
}

/* ---- write protection ---- */

static void protect_mapping(struct shadow_domain *sd, uint32_t idx, unsigned int slot, void *arg)
{
    uint64_t e = sh_map(sd, idx)[slot];

    if (sh_level(sd->pages[idx].type) == 2) {
        sh_clear_entry(sd, idx, slot);  /* a 2 MiB leaf: split on the next fault */
        sd->need_flush = true;
    } else if (e & _PAGE_RW) {
        sh_set_entry(sd, idx, slot, e & ~(_PAGE_RW | _PAGE_DIRTY));
        sd->need_flush = true;
    }
}

/*
 * A shadow of guest table gfn (in frame gmfn) of `type`, made if there is
 * none.  A new one write-protects the frame (every vCPU's TLB flushed
 * before its entries are read) and is filled from every guest entry whose
 * target is already shadowed.  SH_NIL if the pool has no room.
 */
uint32_t sh_get_shadow(struct shadow_domain *sd, unsigned long gfn, unsigned int type)
{
    uint32_t idx = sh_lookup(sd, gfn, type);
    bool was_table;
    unsigned int order;
    bool writable;
    unsigned long gmfn = SH_INVALID_MFN;

    if (idx != SH_NIL)
        return idx;
    if (sh_is_table(type) &&
        (gmfn = shadow_p2m_lookup(sd, gfn, &order, &writable)) == SH_INVALID_MFN)
        return SH_NIL;
    if ((idx = sh_alloc(sd, type, gfn)) == SH_NIL)
        return SH_NIL;
    sd->pages[idx].gmfn = gmfn;
    was_table = sh_gfn_is_table(sd, gfn);
    sh_hash_insert(sd, idx);
    if (sh_is_table(type) && !was_table) {
        sh_rmap_each(sd, gmfn, protect_mapping, NULL);
        sh_flush_if_needed(sd);
    }
    if (type == SH_FL1)
        sd->stats.splinters++;
    sh_fill_table(sd, idx);
    return idx;
}

/* ---- unshadowing ---- */

static void unlink_parent(struct shadow_domain *sd, uint32_t idx, unsigned int slot, void *arg)
{
    sh_clear_entry(sd, idx, slot);
}

static bool is_loaded(struct shadow_domain *sd, uint32_t idx)
{
    for (unsigned int i = 0; i < sd->nr_vcpus; i++)
        if (sd->vcpus[i] && sd->vcpus[i]->root == idx)
            return true;
    return false;
}

bool sh_gfn_is_loaded_root(struct shadow_domain *sd, unsigned long gfn)
{
    uint32_t idx = sh_lookup(sd, gfn, SH_L4);

    return idx != SH_NIL && is_loaded(sd, idx);
}

/*
 * gfn stops being a page table: every shadow of it is unlinked from its
 * parents and unpinned, and so freed.  A top level a vCPU runs on cannot
 * be freed: it is emptied and taken out of the cache (orphaned), and the
 * vCPU's next fault finds its CR3 gone (the p2m no longer has the frame).
 */
void sh_unshadow(struct shadow_domain *sd, unsigned long gfn)
{
    for (unsigned int type = SH_L1; type <= SH_L4; type++) {
        uint32_t idx = sh_lookup(sd, gfn, type);

        if (idx == SH_NIL || !sh_is_table(type))
            continue;
        sd->stats.unshadows++;
        sh_get_ref(sd, idx);
        sh_rmap_each(sd, sd->pages[idx].mfn, unlink_parent, NULL);
        sh_unpin(sd, idx);
        if (sd->pages[idx].refs > 1) {
            sh_clear_table(sd, idx);
            sh_hash_remove(sd, idx);
            sd->pages[idx].gmfn = SH_INVALID_MFN;
        }
        sh_put_ref(sd, idx);
    }
}
