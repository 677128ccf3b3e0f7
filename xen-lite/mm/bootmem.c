/*
 * The boot-time allocator: a sorted list of free physical ranges, built from
 * the firmware's RAM map minus everything that must survive (the image, the
 * boot information, the modules).  It hands out the frame table and early
 * page tables; what is left goes to the buddy allocator.  Pure logic.
 */
#include "xen/bootinfo.h"
#include "xen/lib.h"
#include "xen/mm.h"

struct boot_ranges boot_free;

static void remove_at(struct boot_ranges *br, unsigned int i)
{
    memmove(&br->r[i], &br->r[i + 1], (br->nr - i - 1) * sizeof(br->r[0]));
    br->nr--;
}

static bool insert_at(struct boot_ranges *br, unsigned int i, paddr_t s, paddr_t e)
{
    if (br->nr == MAX_BOOT_RANGES)
        return false;
    memmove(&br->r[i + 1], &br->r[i], (br->nr - i) * sizeof(br->r[0]));
    br->r[i].start = s;
    br->r[i].end = e;
    br->nr++;
    return true;
}

/* Add [start, end) rounded inwards to whole pages, merging neighbours. */
void bootmem_add_ram(struct boot_ranges *br, paddr_t start, paddr_t end)
{
    unsigned int i;

    start = ROUNDUP(start, PAGE_SIZE);
    end = ROUNDDOWN(end, PAGE_SIZE);
    if (start >= end)
        return;
    for (i = 0; i < br->nr && br->r[i].end < start; i++)
        ;
    if (i < br->nr && br->r[i].start <= end) {
        /* Overlaps or touches range i: grow it and absorb what follows. */
        br->r[i].start = MIN(br->r[i].start, start);
        br->r[i].end = MAX(br->r[i].end, end);
        while (i + 1 < br->nr && br->r[i + 1].start <= br->r[i].end) {
            br->r[i].end = MAX(br->r[i].end, br->r[i + 1].end);
            remove_at(br, i + 1);
        }
        return;
    }
    insert_at(br, i, start, end);
}

/* Take [start, end), rounded outwards to whole pages, out of the free list. */
void bootmem_reserve(struct boot_ranges *br, paddr_t start, paddr_t end)
{
    start = ROUNDDOWN(start, PAGE_SIZE);
    end = ROUNDUP(end, PAGE_SIZE);
    for (unsigned int i = 0; i < br->nr && start < end; ) {
        paddr_t s = br->r[i].start, e = br->r[i].end;

        if (e <= start || s >= end) {
            i++;
        } else if (s >= start && e <= end) {
            remove_at(br, i);
        } else if (s < start && e > end) {
            br->r[i].end = start;
            insert_at(br, i + 1, end, e);
            return;
        } else if (s < start) {
            br->r[i].end = start;
            i++;
        } else {
            br->r[i].start = end;
            i++;
        }
    }
}

/*
 * The firmware's map: its RAM ranges, less every range of any other type
 * (firmware that lists a reserved range inside a RAM range means it:
 * reserved wins, whatever the order).  Returns the end of the highest RAM.
 */
paddr_t bootmem_add_map(struct boot_ranges *br, const struct memmap_entry *m,
                        unsigned int n)
{
    paddr_t top = 0;

    for (unsigned int i = 0; i < n; i++)
        if (m[i].type == MEM_RAM)
            bootmem_add_ram(br, m[i].addr, m[i].addr + m[i].len);
    for (unsigned int i = 0; i < n; i++)
        if (m[i].type != MEM_RAM)
            bootmem_reserve(br, m[i].addr, m[i].addr + m[i].len);
    for (unsigned int i = 0; i < br->nr; i++)
        top = MAX(top, br->r[i].end);
    return top;
}

paddr_t bootmem_alloc(struct boot_ranges *br, size_t size, size_t align,
                      paddr_t limit)
{
    size = ROUNDUP(size, PAGE_SIZE);
    for (unsigned int i = br->nr; i-- > 0; ) {
        paddr_t end = MIN(br->r[i].end, limit), at;

        if (end < size)
            continue;
        at = ROUNDDOWN(end - size, align);
        if (at >= br->r[i].start && at + size <= end && at != 0) {
            bootmem_reserve(br, at, at + size);
            return at;
        }
    }
    return 0;
}
