/*
 * The physmap (see guest/physmap.h).
 *
 * Its tables are written before they become page tables, through a
 * temporary writable mapping (g_kmap): a frame that is not yet a table is
 * ordinary memory.  One mmu_update then links the L3 into the running L4,
 * and the hypervisor validates the whole new tree in that call.  A frame
 * must not be mapped writable anywhere when that happens, so the tables
 * are taken from above the 1:1 region and unmapped before the link.
 */
#include <guest/guest.h>
#include <guest/physmap.h>
#include <guest/pt.h>

#define ENTRIES     512u
#define MAX_L1      (G_MAX_PFNS / ENTRIES)
#define MAX_L2      (MAX_L1 / ENTRIES)

static uint64_t l1_mfn[MAX_L1];
static uint64_t covered;                /* PFNs, once built */
static uint64_t table_buf[ENTRIES];
static struct g_pt_queue q;

uint64_t g_physmap_pfns(void)
{
    return covered;
}

uint64_t g_physmap_pte_ptr(uint64_t pfn)
{
    if (pfn >= covered)
        return 0;
    return (l1_mfn[pfn / ENTRIES] << G_PAGE_SHIFT) + (pfn % ENTRIES) * 8;
}

/* Copy table_buf into the frame of pfn (not yet a table). */
static int write_table(uint64_t pfn)
{
    void *va = g_kmap(g_pfn_to_mfn(pfn));

    if (!va)
        return -XEN_ENOMEM;
    memcpy(va, table_buf, sizeof(table_buf));
    g_kunmap(va);
    return 0;
}

/* The entry for pfn in a fresh physmap: its frame if it is free above the
 * 1:1 region (and so no table of ours nor anything in use). */
static uint64_t initial_pte(uint64_t pfn)
{
    uint64_t mfn;

    if (pfn < g_mapped_pfns() || pfn >= g_max_pfn() || !g_page_is_free(pfn))
        return 0;
    mfn = g_pfn_to_mfn(pfn);
    return mfn == G_INVALID_MFN ? 0 : g_physmap_pte(mfn);
}

static uint64_t link(uint64_t pfn)
{
    return (g_pfn_to_mfn(pfn) << G_PAGE_SHIFT) | G_PTE_TABLE;
}

static void free_pfns(const uint64_t *pfns, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        g_page_free(pfns[i]);
}

/* Fill the n1 L1s, n2 L2s and the L3 whose PFNs are in pfns[] (in that
 * order). */
static int write_tables(const uint64_t *pfns, unsigned int n1, unsigned int n2)
{
    int rc;

    for (unsigned int i = 0; i < n1; i++) {
        for (unsigned int j = 0; j < ENTRIES; j++)
            table_buf[j] = initial_pte((uint64_t)i * ENTRIES + j);
        if ((rc = write_table(pfns[i])))
            return rc;
    }
    for (unsigned int i = 0; i < n2; i++) {
        for (unsigned int j = 0; j < ENTRIES; j++) {
            unsigned int k = i * ENTRIES + j;
            table_buf[j] = k < n1 ? link(pfns[k]) : 0;
        }
        if ((rc = write_table(pfns[n1 + i])))
            return rc;
    }
    for (unsigned int j = 0; j < ENTRIES; j++)
        table_buf[j] = j < n2 ? link(pfns[n1 + j]) : 0;
    return write_table(pfns[n1 + n2]);
}

int g_physmap_init(uint64_t limit)
{
    static uint64_t pfns[MAX_L1 + MAX_L2 + 1];
    unsigned int n1, n2, n = 0;
    int rc;

    if (covered)
        return -XEN_EEXIST;
    if (limit < g_max_pfn())
        limit = g_max_pfn();
    if (!limit || limit > G_MAX_PFNS)
        return -XEN_EINVAL;
    n1 = (unsigned int)((limit + ENTRIES - 1) / ENTRIES);
    n2 = (n1 + ENTRIES - 1) / ENTRIES;
    for (; n < n1 + n2 + 1; n++) {
        pfns[n] = g_page_alloc_above(g_mapped_pfns());
        if (pfns[n] == G_INVALID_PFN) {
            free_pfns(pfns, n);
            return -XEN_ENOMEM;
        }
    }
    if ((rc = write_tables(pfns, n1, n2)) ||
        (rc = g_pt_set(&q, g_pt_current_l4(), G_PHYSMAP_SLOT,
                       link(pfns[n1 + n2]))) ||
        (rc = g_pt_flush(&q))) {
        g_pt_clear_error(&q);
        free_pfns(pfns, n);
        return rc;
    }
    for (unsigned int i = 0; i < n1; i++)
        l1_mfn[i] = g_pfn_to_mfn(pfns[i]);
    covered = limit;
    g_mm_set_physmap(limit);
    return 0;
}
