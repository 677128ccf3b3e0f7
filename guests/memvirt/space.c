/*
 * Regions of an address space, built through the platform: an L3 at one
 * L4 slot, L2s below it, and either L1s of 4 KiB leaves or 2 MiB leaves.
 * Tables are written while they are still plain frames and made tables
 * (pinned, for PV) once whole, as a kernel builds a new process.
 */
#include "memvirt.h"

#define ENTRIES             512ULL
#define PAGES_PER_L2        (ENTRIES * ENTRIES)

static uint64_t link(uint64_t frame)
{
    return (frame << 12) | MV_TABLE;
}

static uint64_t leaf(const struct mv_platform *p, uint64_t index, bool large)
{
    return (p->frame(index) << 12) | MV_LEAF | (large ? MV_PTE_PS : 0);
}

/* The L1 for 2 MiB chunk j: up to 512 leaves, then made a table. */
static uint64_t fill_l1(const struct mv_platform *p, uint64_t first, uint64_t j, uint64_t pages)
{
    uint64_t l1 = p->table_alloc();

    if (!l1)
        return 0;
    for (uint64_t k = 0; k < ENTRIES && j * ENTRIES + k < pages; k++)
        p->pte_write(l1, k, leaf(p, first + j * ENTRIES + k, false));
    p->table_ready(l1, 1);
    return l1;
}

int mv_map_region(const struct mv_platform *p, struct mv_region *r, uint64_t l4,
                  unsigned int slot, uint64_t first, uint64_t pages, bool large)
{
    uint64_t chunks = (pages + ENTRIES - 1) / ENTRIES;

    if (pages > 4 * PAGES_PER_L2 || !(r->l3 = p->table_alloc()))
        return -1;
    r->nr_l2 = (pages + PAGES_PER_L2 - 1) / PAGES_PER_L2;
    r->nr_l1 = 0;
    for (unsigned int i = 0; i < r->nr_l2; i++)
        if (!(r->l2[i] = p->table_alloc()))
            return -1;
    for (uint64_t j = 0; j < chunks; j++) {
        uint64_t l2 = r->l2[j / ENTRIES], e;
        if (large) {
            e = leaf(p, first + j * ENTRIES, true);
        } else {
            if (!(r->l1[r->nr_l1] = fill_l1(p, first, j, pages)))
                return -1;
            e = link(r->l1[r->nr_l1++]);
        }
        p->pte_write(l2, j % ENTRIES, e);
    }
    for (unsigned int i = 0; i < r->nr_l2; i++) {
        p->table_ready(r->l2[i], 2);
        p->pte_write(r->l3, i, link(r->l2[i]));
    }
    p->table_ready(r->l3, 3);
    p->pte_write(l4, slot, link(r->l3));
    return p->commit();
}
