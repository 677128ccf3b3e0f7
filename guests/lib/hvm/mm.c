/*
 * Memory of a PVH guest (see guest/mm.h): a PFN is a guest frame number,
 * and the frame is reached at its physical address (the 1:1 map head.S
 * builds for the first 4 GiB).  The "p2m" only records which frames are
 * populated, for the balloon driver: ballooned-out frames stay mapped in
 * our tables, and touching one is the guest's bug (the hypervisor
 * crashes it).  RAM is what hvm_start_info's memory map says, below 4 GiB.
 */
#include <guest/guest.h>
#include <guest/hvm.h>

#define MAX_PFNS    G_MAX_PFNS
#define LOW_RESERVED 0x100                      /* the first MiB */

extern char __image_end[];

#define MAP_MAX     32

static uint64_t populated[MAX_PFNS / 64];       /* bit set: RAM is there */
static uint64_t max_pfn, first_free, nr_pages;
static struct hvm_memmap_table_entry map[MAP_MAX];
static unsigned int nr_map;

bool g_translated(void)        { return true; }
uint64_t g_nr_pages(void)      { return nr_pages; }
uint64_t g_max_pfn(void)       { return max_pfn; }
uint64_t g_mapped_pfns(void)   { return first_free; }   /* the image: never given back */
void g_mm_set_physmap(uint64_t pfns) { }

uint64_t g_pfn_to_mfn(uint64_t pfn)
{
    return pfn < max_pfn && (populated[pfn / 64] >> (pfn % 64) & 1) ? pfn : G_INVALID_MFN;
}

uint64_t g_mfn_to_pfn(uint64_t mfn)
{
    return mfn;
}

int g_p2m_set(uint64_t pfn, uint64_t mfn)
{
    if (pfn >= max_pfn)
        return -XEN_EINVAL;
    if (mfn == G_INVALID_MFN)
        __atomic_fetch_and(&populated[pfn / 64], ~(1ull << (pfn % 64)), __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_or(&populated[pfn / 64], 1ull << (pfn % 64), __ATOMIC_SEQ_CST);
    return 0;
}

int g_p2m_set_range(uint64_t pfn, uint64_t mfn, uint64_t n)
{
    if (pfn > max_pfn || n > max_pfn - pfn)
        return -XEN_EINVAL;
    for (uint64_t i = 0; i < n; i++)
        g_p2m_set(pfn + i, mfn == G_INVALID_MFN ? mfn : mfn + i);
    return 0;
}

bool g_p2m_range_missing(uint64_t pfn, uint64_t n)
{
    if (pfn > max_pfn || n > max_pfn - pfn)
        return false;
    for (uint64_t i = 0; i < n; i++)
        if (populated[(pfn + i) / 64] >> ((pfn + i) % 64) & 1)
            return false;
    return true;
}

/* Every PFN below 4 GiB has a place in the 1:1 map already. */
int g_p2m_grow(uint64_t new_max)
{
    if (new_max > MAX_PFNS)
        return -XEN_EINVAL;
    if (new_max > max_pfn) {
        max_pfn = new_max;
        g_alloc_grow(new_max);
    }
    return 0;
}

void *g_pfn_to_virt(uint64_t pfn)
{
    return pfn < MAX_PFNS ? (void *)(pfn << G_PAGE_SHIFT) : NULL;
}

uint64_t g_virt_to_pfn(const void *va)
{
    uint64_t v = (uint64_t)va;

    return (v >= G_VIRT_BASE ? v - G_VIRT_BASE : v) >> G_PAGE_SHIFT;
}

uint64_t g_virt_to_mfn(const void *va)
{
    return g_virt_to_pfn(va);
}

/*
 * The memory map: hvm_start_info's (version 1), or -- Xen gives its PVH
 * dom0 none there -- XENMEM_memory_map's.
 */
static void read_map(const struct hvm_start_info *h)
{
    const struct hvm_memmap_table_entry *m = (const void *)h->memmap_paddr;
    static struct xen_e820_entry e820[MAP_MAX];
    struct xen_memory_map mm = { .nr_entries = MAP_MAX, .buffer = (uint64_t)e820 };

    if (h->version >= 1 && h->memmap_entries) {
        for (nr_map = 0; nr_map < h->memmap_entries && nr_map < MAP_MAX; nr_map++)
            map[nr_map] = m[nr_map];
        return;
    }
    if (g_hvm_native() || hc_memory_op(XENMEM_memory_map, &mm) < 0)
        return;
    for (nr_map = 0; nr_map < mm.nr_entries && nr_map < MAP_MAX; nr_map++)
        map[nr_map] = (struct hvm_memmap_table_entry){ e820[nr_map].addr, e820[nr_map].size,
                                                       e820[nr_map].type, 0 };
}

/* RAM from the memory map; free above the image and the start info. */
void g_hvm_mm_init(void)
{
    const struct hvm_start_info *h = g_hvm_start_info;
    uint64_t info_end = G_ALIGN_UP((uint64_t)h + sizeof(*h), G_PAGE_SIZE) >> G_PAGE_SHIFT;

    if (h->version >= 1 && h->memmap_entries)
        info_end = G_ALIGN_UP(h->memmap_paddr + h->memmap_entries * sizeof(map[0]),
                              G_PAGE_SIZE) >> G_PAGE_SHIFT;
    first_free = G_ALIGN_UP((uint64_t)__image_end - G_VIRT_BASE, G_PAGE_SIZE) >> G_PAGE_SHIFT;
    first_free = first_free > info_end ? first_free : info_end;
    read_map(h);
    for (unsigned int i = 0; i < nr_map; i++) {
        uint64_t s = G_ALIGN_UP(map[i].addr, G_PAGE_SIZE) >> G_PAGE_SHIFT;
        uint64_t e = (map[i].addr + map[i].size) >> G_PAGE_SHIFT;
        if (map[i].type != XEN_HVM_MEMMAP_TYPE_RAM || s >= MAX_PFNS)
            continue;
        e = e < MAX_PFNS ? e : MAX_PFNS;
        nr_pages += e > s ? e - s : 0;
        max_pfn = e > max_pfn ? e : max_pfn;
        for (uint64_t p = s; p < e; p++)
            populated[p / 64] |= 1ull << (p % 64);
    }
    g_alloc_init(max_pfn);
    for (uint64_t p = first_free > LOW_RESERVED ? first_free : LOW_RESERVED; p < max_pfn; p++)
        if (g_pfn_to_mfn(p) != G_INVALID_MFN)
            g_page_free(p);
}

/* Mappings never change: the 1:1 map is all there is. */
int g_map_page(uint64_t va, uint64_t mfn, uint64_t flags) { return -XEN_ENOSYS; }
int g_unmap_page(uint64_t va)                             { return -XEN_ENOSYS; }
int g_set_page_writable(void *va, bool writable)          { return 0; }
void *g_kmap(uint64_t mfn)                                { return g_pfn_to_virt(mfn); }
void g_kunmap(void *va)                                   { }
uint64_t g_lookup_pte(uint64_t va)                        { return 0; }
