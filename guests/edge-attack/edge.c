/*
 * The last page of the lower half, EDGE_PAGE .. 2^47: code placed at its
 * very end runs into the first non-canonical address.  It is mapped once,
 * through tables of our own hooked into L4 slot 255.
 */
#include "edge.h"

static struct g_pt_queue q;

static uint64_t link(uint64_t mfn)
{
    return (mfn << G_PAGE_SHIFT) | G_PTE_TABLE;
}

/* The table of `level` on the way to va, made (and hooked into its parent
 * of level + 1) if there is none yet. */
static uint64_t table_for(uint64_t va, int level)
{
    uint64_t parent = level == 3 ? g_pt_current_l4() : table_for(va, level + 1);
    uint64_t have = g_pt_table_of(0, va, level), mfn;

    if (have || !parent)
        return have;
    if (!(mfn = g_pt_alloc_table()))
        return 0;
    g_pt_pin(&q, (unsigned int)level, mfn);
    g_pt_set(&q, parent, g_pt_index(va, level + 1), link(mfn));
    if (g_pt_flush(&q) < 0) {
        g_pt_print_error(&q, "edge-attack: mapping the edge page");
        g_pt_clear_error(&q);
        return 0;
    }
    return mfn;
}

uint8_t *edge_page(void)
{
    static uint8_t *page;
    uint8_t *p;

    if (page)
        return page;
    if (!table_for(EDGE_PAGE, 1) || !(p = g_page_alloc_mapped()))
        return NULL;
    if (g_map_page(EDGE_PAGE, g_virt_to_mfn(p), G_PTE_KERNEL_RW) < 0) {
        g_page_free_mapped(p);
        return NULL;
    }
    page = p;
    return page;
}
