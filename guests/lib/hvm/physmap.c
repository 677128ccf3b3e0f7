/*
 * The physmap of a PVH guest: there is none to build -- every frame below
 * 4 GiB is in the 1:1 map from the start (see guest/physmap.h).
 */
#include <guest/guest.h>
#include <guest/physmap.h>

int g_physmap_init(uint64_t limit)
{
    return g_p2m_grow(limit);
}

uint64_t g_physmap_pfns(void)
{
    return 0;
}

uint64_t g_physmap_pte_ptr(uint64_t pfn)
{
    return 0;
}
