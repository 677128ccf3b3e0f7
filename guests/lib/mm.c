/*
 * p2m/M2P, the 1:1 bootstrap region, a page allocator and single-page
 * mappings (see guest/mm.h).
 */
#include <guest/guest.h>

/* Enough for 4 GiB of pseudo-physical memory; PFNs above stay unused. */
#define MAX_PFNS (1ull << 20)
#define KMAP_SLOTS 16

static uint64_t free_map[MAX_PFNS / 64];    /* bit set = free */
static uint64_t nr_pfns;                    /* min(nr_pages, MAX_PFNS) */
static uint64_t nr_free;
static uint64_t next_hint;
static uint64_t mapped_pfns;

static uint8_t kmap_window[KMAP_SLOTS][G_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
static uint32_t kmap_used;

static const uint64_t *const m2p = (const uint64_t *)MACH2PHYS_VIRT_START;

uint64_t g_nr_pages(void)
{
    return g_start_info->nr_pages;
}

uint64_t g_pfn_to_mfn(uint64_t pfn)
{
    const uint64_t *p2m = (const uint64_t *)g_start_info->mfn_list;

    return pfn < g_start_info->nr_pages ? p2m[pfn] : G_INVALID_PFN;
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
    if (pfn >= mapped_pfns)
        return NULL;
    return (void *)(G_VIRT_BASE + (pfn << G_PAGE_SHIFT));
}

uint64_t g_virt_to_pfn(const void *va)
{
    return ((uint64_t)va - G_VIRT_BASE) >> G_PAGE_SHIFT;
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

    mapped_pfns = first;
    mapped_pfns = count_mapped();
    nr_pfns = g_start_info->nr_pages < MAX_PFNS ? g_start_info->nr_pages
                                                 : MAX_PFNS;
    for (pfn = first; pfn < nr_pfns; pfn++)
        free_map[pfn / 64] |= 1ull << (pfn % 64);
    nr_free = nr_pfns > first ? nr_pfns - first : 0;
    next_hint = first;
}

uint64_t g_page_alloc(void)
{
    uint64_t pfn;

    for (pfn = next_hint; pfn < nr_pfns; pfn++) {
        uint64_t *w = &free_map[pfn / 64];
        uint64_t bit = 1ull << (pfn % 64);

        if (__atomic_fetch_and(w, ~bit, __ATOMIC_SEQ_CST) & bit) {
            __atomic_fetch_sub(&nr_free, 1, __ATOMIC_SEQ_CST);
            next_hint = pfn + 1;
            return pfn;
        }
    }
    return G_INVALID_PFN;
}

void g_page_free(uint64_t pfn)
{
    if (pfn >= nr_pfns)
        return;
    __atomic_fetch_or(&free_map[pfn / 64], 1ull << (pfn % 64),
                      __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&nr_free, 1, __ATOMIC_SEQ_CST);
    if (pfn < next_hint)
        next_hint = pfn;
}

uint64_t g_pages_free(void)
{
    return nr_free;
}

void *g_page_alloc_mapped(void)
{
    uint64_t pfn = g_page_alloc();
    void *va;

    if (pfn == G_INVALID_PFN)
        return NULL;
    va = g_pfn_to_virt(pfn);
    if (!va) {
        g_page_free(pfn);
        return NULL;
    }
    memset(va, 0, G_PAGE_SIZE);
    return va;
}

void g_page_free_mapped(void *va)
{
    g_page_free(g_virt_to_pfn(va));
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
