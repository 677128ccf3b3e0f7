/*
 * The arena: pages of ours that hold the structures a call's arguments
 * point at.  Reset before each top-level call; a multicall's entries
 * share it.  The hypervisor may write anywhere in it (results, or a
 * hostile pointer's worth of bytes), so nothing else lives there.
 *
 * Lists whose count may say more than was built (batches, extents, trap
 * tables) come from the tail, which ends at an unmapped page: reading on
 * past what was built reads other lists of this call, all of them made
 * harmless, and then faults -- never the stale data of older calls.
 */
#include "fuzz.h"

#define ARENA_PAGES 24

static uint8_t arena[ARENA_PAGES + 1][G_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
static size_t used, tail;

void arena_reset(void)
{
    used = 0;
    tail = ARENA_PAGES * G_PAGE_SIZE;
}

void *arena_alloc(size_t size)
{
    uint8_t *p;

    size = G_ALIGN_UP(size, 16);
    if (used + size > tail)
        used = 0;                       /* an entry's worth is enough */
    p = &arena[0][0] + used;
    used += size;
    memset(p, 0, size);
    return p;
}

void *arena_guard(void)
{
    return arena[ARENA_PAGES];
}

void *arena_tail(size_t size)
{
    size = G_ALIGN_UP(size, 16);
    if (size > tail - used)
        arena_reset();
    tail -= size;
    memset(&arena[0][0] + tail, 0, size);
    return &arena[0][0] + tail;
}
