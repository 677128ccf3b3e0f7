/*
 * A PV guest's p2m/M2P, the 1:1 bootstrap region and single-page mappings
 * (see guest/mm.h); the page allocator is alloc.c.
 *
 * The p2m is start_info's list for PFNs below nr_pages; g_p2m_grow()
 * adds pages for the PFNs above, reached through the physmap (one
 * pointer per 512 entries).
 */
#include <guest/guest.h>

#define MAX_PFNS G_MAX_PFNS
#define KMAP_SLOTS 16

static uint64_t mapped_pfns;
static uint64_t physmap_pfns;               /* PFNs the physmap covers */

static uint64_t max_pfn;                    /* p2m entries: nr_pages or more */
static uint64_t *p2m_ext[MAX_PFNS / 512];   /* entries from nr_pages on */

static uint8_t kmap_window[KMAP_SLOTS][G_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
static uint32_t kmap_used;

static const uint64_t *const m2p = (const uint64_t *)MACH2PHYS_VIRT_START;

bool g_translated(void)
{
    return false;
}

uint64_t g_nr_pages(void)
{
    return g_start_info->nr_pages;
}

uint64_t g_max_pfn(void)
{
    return max_pfn;
}

/* The p2m entry of pfn, or NULL if there is none. */
static uint64_t *p2m_entry(uint64_t pfn)
{
    uint64_t nr = g_start_info->nr_pages, *ext;

    if (pfn < nr)
        return (uint64_t *)g_start_info->mfn_list + pfn;
    if (pfn >= max_pfn)
        return NULL;
    ext = p2m_ext[(pfn - nr) / 512];
    return ext ? ext + (pfn - nr) % 512 : NULL;
}

uint64_t g_pfn_to_mfn(uint64_t pfn)
{
    const uint64_t *e = p2m_entry(pfn);

    return e ? __atomic_load_n(e, __ATOMIC_RELAXED) : G_INVALID_MFN;
}

int g_p2m_set(uint64_t pfn, uint64_t mfn)
{
    uint64_t *e = p2m_entry(pfn);

    if (!e)
        return -XEN_EINVAL;
    __atomic_store_n(e, mfn, __ATOMIC_RELAXED);
    return 0;
}

/* The p2m entries from pfn that lie in one page of the p2m (at most n):
 * a pointer to the first, *len how many; NULL if pfn has none. */
static uint64_t *p2m_span(uint64_t pfn, uint64_t n, uint64_t *len)
{
    uint64_t nr = g_start_info->nr_pages, room;
    uint64_t *e = p2m_entry(pfn);

    if (!e)
        return NULL;
    room = pfn < nr ? nr - pfn : 512 - (pfn - nr) % 512;
    if (pfn + room > max_pfn)
        room = max_pfn - pfn;
    *len = n < room ? n : room;
    return e;
}

int g_p2m_set_range(uint64_t pfn, uint64_t mfn, uint64_t n)
{
    for (uint64_t done = 0, len; done < n; done += len) {
        uint64_t *e = p2m_span(pfn + done, n - done, &len);

        if (!e)
            return -XEN_EINVAL;
        for (uint64_t i = 0; i < len; i++)
            __atomic_store_n(&e[i], mfn == G_INVALID_MFN ? mfn : mfn + done + i,
                             __ATOMIC_RELAXED);
    }
    return 0;
}

bool g_p2m_range_missing(uint64_t pfn, uint64_t n)
{
    for (uint64_t done = 0, len; done < n; done += len) {
        const uint64_t *e = p2m_span(pfn + done, n - done, &len);

        if (!e)
            return false;
        for (uint64_t i = 0; i < len; i++)
            if (__atomic_load_n(&e[i], __ATOMIC_RELAXED) != G_INVALID_MFN)
                return false;
    }
    return true;
}

/* New p2m pages come from above the 1:1 region and are reached through
 * the physmap; every entry starts invalid (no frame). */
int g_p2m_grow(uint64_t new_max)
{
    uint64_t nr = g_start_info->nr_pages;

    if (new_max > MAX_PFNS || new_max > physmap_pfns)
        return -XEN_EINVAL;
    for (uint64_t c = 0; nr + c * 512 < new_max; c++) {
        uint64_t pfn;

        if (p2m_ext[c])
            continue;
        pfn = g_page_alloc_above(mapped_pfns);
        if (pfn == G_INVALID_PFN)
            return -XEN_ENOMEM;
        p2m_ext[c] = g_pfn_to_virt(pfn);
        memset(p2m_ext[c], 0xff, G_PAGE_SIZE);
    }
    if (new_max > max_pfn) {
        max_pfn = new_max;
        g_alloc_grow(new_max);
    }
    return 0;
}

uint64_t g_mfn_to_pfn(uint64_t mfn)
{
    return m2p[mfn];
}

uint64_t g_mapped_pfns(void)
{
    return mapped_pfns;
}

void *g_pfn_to_virt(uint64_t pfn)
{
    if (pfn < mapped_pfns)
        return (void *)(G_VIRT_BASE + (pfn << G_PAGE_SHIFT));
    if (pfn < physmap_pfns)
        return (void *)(G_PHYSMAP_BASE + (pfn << G_PAGE_SHIFT));
    return NULL;
}

uint64_t g_virt_to_pfn(const void *va)
{
    uint64_t v = (uint64_t)va;

    if (v >= G_PHYSMAP_BASE && v - G_PHYSMAP_BASE < physmap_pfns << G_PAGE_SHIFT)
        return (v - G_PHYSMAP_BASE) >> G_PAGE_SHIFT;
    return (v - G_VIRT_BASE) >> G_PAGE_SHIFT;
}

void g_mm_set_physmap(uint64_t pfns)
{
    physmap_pfns = pfns;
}

uint64_t g_virt_to_mfn(const void *va)
{
    return g_pfn_to_mfn(g_virt_to_pfn(va));
}

/* The page-table page an entry points to, read through the 1:1 region. */
static const uint64_t *next_table(uint64_t entry)
{
    if (!(entry & G_PTE_P) || (entry & G_PTE_PS))
        return NULL;
    return g_pfn_to_virt(g_mfn_to_pfn((entry & G_PTE_ADDR) >> G_PAGE_SHIFT));
}

uint64_t g_lookup_pte(uint64_t va)
{
    const uint64_t *t = (const uint64_t *)g_start_info->pt_base;
    int level;

    for (level = 4; level > 1; level--) {
        t = next_table(t[g_pt_index(va, level)]);
        if (!t)
            return 0;
    }
    return t[g_pt_index(va, 1)];
}

/* How many PFNs from 0 are mapped 1:1 from VIRT_BASE: the builder maps
 * the bootstrap region so, up to a 4 MiB boundary. */
static uint64_t count_mapped(void)
{
    uint64_t pfn;

    for (pfn = 0; pfn < g_start_info->nr_pages; pfn++) {
        uint64_t pte = g_lookup_pte(G_VIRT_BASE + (pfn << G_PAGE_SHIFT));

        if (!(pte & G_PTE_P) ||
            (pte & G_PTE_ADDR) >> G_PAGE_SHIFT != g_pfn_to_mfn(pfn))
            break;
    }
    return pfn;
}

/* Everything after the boot stack (the builder's last bootstrap element)
 * is free.  Walking the tables needs mapped_pfns, so set it generously
 * first: the tables themselves lie below the boot stack. */
void g_mm_init(uint64_t boot_stack_top)
{
    uint64_t first = g_virt_to_pfn((void *)(G_ALIGN_UP(boot_stack_top,
                                                       G_PAGE_SIZE) - 1)) + 1;
    uint64_t pfn;

    max_pfn = g_start_info->nr_pages;
    mapped_pfns = first;
    mapped_pfns = count_mapped();
    g_alloc_init(g_start_info->nr_pages);
    for (pfn = first; pfn < g_start_info->nr_pages && pfn < MAX_PFNS; pfn++)
        g_page_free(pfn);
}

int g_map_page(uint64_t va, uint64_t mfn, uint64_t flags)
{
    return (int)hc_update_va_mapping(va, (mfn << G_PAGE_SHIFT) | flags,
                                     UVMF_INVLPG | UVMF_LOCAL);
}

int g_unmap_page(uint64_t va)
{
    return (int)hc_update_va_mapping(va, 0, UVMF_INVLPG | UVMF_LOCAL);
}

int g_set_page_writable(void *va, bool writable)
{
    return g_map_page((uint64_t)va, g_virt_to_mfn(va),
                      writable ? G_PTE_KERNEL_RW : G_PTE_KERNEL_RO);
}

void *g_kmap(uint64_t mfn)
{
    unsigned int i;

    for (i = 0; i < KMAP_SLOTS; i++) {
        uint32_t bit = 1u << i;

        if (__atomic_fetch_or(&kmap_used, bit, __ATOMIC_SEQ_CST) & bit)
            continue;
        if (g_map_page((uint64_t)kmap_window[i], mfn, G_PTE_KERNEL_RW) < 0) {
            __atomic_fetch_and(&kmap_used, ~bit, __ATOMIC_SEQ_CST);
            return NULL;
        }
        return kmap_window[i];
    }
    return NULL;
}

void g_kunmap(void *va)
{
    unsigned int i = (unsigned int)(((uint8_t *)va - kmap_window[0]) /
                                    G_PAGE_SIZE);

    if (i >= KMAP_SLOTS)
        return;
    g_unmap_page((uint64_t)kmap_window[i]);
    __atomic_fetch_and(&kmap_used, ~(1u << i), __ATOMIC_SEQ_CST);
}
