/*
 * The buddy allocator (mm/page_alloc.c) on a fake frame table that spans
 * both zone boundaries (1 MiB = mfn 0x100, 4 GiB = mfn 0x100000): free
 * counts, zones, alignment, memflags, merging, and long random sequences
 * checked against a map of who owns which frame.
 */
#include <stdlib.h>

#include "xen/lib.h"
#include "xen/mm.h"

#include "unit.h"

#define NR_FRAMES   0x110000UL
#define MFN_1M      0x100UL
#define MFN_4G      0x100000UL

static struct page_info *ft;

/* A fresh, empty heap over NR_FRAMES frames. */
static void setup(void)
{
    if (!ft)
        ft = calloc(NR_FRAMES, sizeof(*ft));
    memset(ft, 0, NR_FRAMES * sizeof(*ft));
    heap_init(ft, NR_FRAMES);
}

static unsigned int zone(unsigned long mfn)
{
    return mfn < MFN_1M ? 0 : mfn < MFN_4G ? 1 : 2;
}

static unsigned long alloc_mfn(unsigned int order, unsigned int flags)
{
    struct page_info *pg = alloc_pages(order, flags);

    return pg ? page_to_mfn(pg) : ~0UL;
}

/* A block of 2^order frames at mfn is aligned and inside one zone. */
static void check_block(unsigned long mfn, unsigned int order)
{
    CHECK(mfn < NR_FRAMES);
    CHECK_EQ(mfn & ((1UL << order) - 1), 0);
    CHECK_EQ(zone(mfn), zone(mfn + (1UL << order) - 1));
    for (unsigned long i = 0; i < (1UL << order); i++)
        CHECK((ft[mfn + i].count_info & PGC_state_mask) == PGC_state_inuse);
}

/* ---- page lists ---- */

TEST(page_list_add_walk_and_delete)
{
    struct page_list l;

    setup();
    page_list_init(&l);
    CHECK(page_list_first(&l) == NULL);
    page_list_add_tail(&l, &ft[10]);
    page_list_add_tail(&l, &ft[20]);
    page_list_add_tail(&l, &ft[30]);
    CHECK_EQ(l.count, 3);
    CHECK(page_list_first(&l) == &ft[10]);
    CHECK(page_list_next(&ft[10]) == &ft[20]);
    CHECK(page_list_next(&ft[20]) == &ft[30]);
    CHECK(page_list_next(&ft[30]) == NULL);
    page_list_del(&l, &ft[20]);             /* middle */
    CHECK(page_list_next(&ft[10]) == &ft[30]);
    CHECK_EQ(ft[30].prev, 10);
    page_list_del(&l, &ft[30]);             /* tail */
    CHECK_EQ(l.tail, 10);
    CHECK(page_list_next(&ft[10]) == NULL);
    page_list_del(&l, &ft[10]);             /* head, last one */
    CHECK(page_list_first(&l) == NULL);
    CHECK_EQ(l.count, 0);
    CHECK_EQ(l.tail, PAGE_LIST_NULL);
}

TEST(page_list_add_run_splices_in_order)
{
    struct page_list l;

    setup();
    page_list_init(&l);
    page_list_add_run(&l, &ft[40], 0);      /* nothing */
    CHECK(page_list_first(&l) == NULL);
    page_list_add_run(&l, &ft[40], 3);      /* into an empty list */
    CHECK_EQ(l.count, 3);
    CHECK_EQ(l.head, 40);
    CHECK_EQ(l.tail, 42);
    CHECK_EQ(ft[40].prev, PAGE_LIST_NULL);
    page_list_add_tail(&l, &ft[7]);
    page_list_add_run(&l, &ft[50], 2);      /* after a lone entry */
    CHECK_EQ(l.count, 6);
    unsigned long want[] = { 40, 41, 42, 7, 50, 51 };
    struct page_info *pg = page_list_first(&l);
    for (unsigned i = 0; i < 6; i++) {
        CHECK(pg == &ft[want[i]]);
        pg = page_list_next(pg);
    }
    CHECK(pg == NULL);
    CHECK_EQ(ft[50].prev, 7);
    page_list_del(&l, &ft[41]);             /* links usable as any other */
    CHECK(page_list_next(&ft[40]) == &ft[42]);
    CHECK_EQ(ft[42].prev, 40);
    for (unsigned i = 0; i < 5; i++)
        CHECK(page_list_remove_head(&l) != NULL);
    CHECK(page_list_first(&l) == NULL);
    CHECK_EQ(l.tail, PAGE_LIST_NULL);
}

TEST(page_list_remove_head_in_order_then_null)
{
    struct page_list l;

    setup();
    page_list_init(&l);
    CHECK(page_list_remove_head(&l) == NULL);
    for (unsigned long m = 5; m < 9; m++)
        page_list_add_tail(&l, &ft[m]);
    for (unsigned long m = 5; m < 9; m++)
        CHECK(page_list_remove_head(&l) == &ft[m]);
    CHECK(page_list_remove_head(&l) == NULL);
    CHECK_EQ(l.count, 0);
    page_list_add_tail(&l, &ft[0]);         /* frame 0 is a valid entry */
    CHECK(page_list_first(&l) == &ft[0]);
}

/* ---- adding memory ---- */

TEST(heap_add_everything_counts_per_zone)
{
    setup();
    heap_add_range(0, NR_FRAMES);
    CHECK_EQ(heap_free_pages_zone(0), MFN_1M);
    CHECK_EQ(heap_free_pages_zone(1), MFN_4G - MFN_1M);
    CHECK_EQ(heap_free_pages_zone(2), NR_FRAMES - MFN_4G);
    CHECK_EQ(heap_free_pages(), NR_FRAMES);
    CHECK_STR(heap_check(), NULL);
}

TEST(heap_add_unaligned_range_counts_per_zone)
{
    setup();
    heap_add_range(3, 997);                 /* [3, 1000) */
    CHECK_EQ(heap_free_pages_zone(0), MFN_1M - 3);
    CHECK_EQ(heap_free_pages_zone(1), 1000 - MFN_1M);
    CHECK_EQ(heap_free_pages_zone(2), 0);
    heap_add_range(MFN_4G - 5, 10);
    CHECK_EQ(heap_free_pages_zone(1), 1000 - MFN_1M + 5);
    CHECK_EQ(heap_free_pages_zone(2), 5);
    heap_add_range(2000, 0);
    CHECK_EQ(heap_free_pages(), 1007);
    CHECK_STR(heap_check(), NULL);
}

TEST(heap_empty_allocates_nothing)
{
    setup();
    CHECK_EQ(heap_free_pages(), 0);
    CHECK(alloc_pages(0, 0) == NULL);
    CHECK_STR(heap_check(), NULL);
}

TEST(heap_adjacent_ranges_merge)
{
    setup();
    heap_add_range(0x1000, 4);
    heap_add_range(0x1004, 4);
    CHECK_EQ(alloc_mfn(3, 0), 0x1000);
    CHECK_EQ(heap_free_pages(), 0);
}

/* ---- zones ---- */

TEST(heap_buddies_in_different_zones_do_not_merge)
{
    setup();
    heap_add_range(0, 2 * MFN_1M);          /* buddies 0 and 0x100 at order 8 */
    CHECK(alloc_pages(9, 0) == NULL);
    CHECK_EQ(alloc_mfn(8, 0), MFN_1M);
    CHECK_EQ(alloc_mfn(8, 0), 0);
    CHECK_STR(heap_check(), NULL);
}

TEST(heap_blocks_never_straddle_zones)
{
    static const unsigned int orders[] = { 0, 3, 7, 8, 9, 12, 16, 18 };

    for (size_t i = 0; i < ARRAY_SIZE(orders); i++) {
        unsigned int o = orders[i];
        unsigned long mfn, n = 0;

        setup();
        heap_add_range(MFN_1M / 2, MFN_4G + 0x9000 - MFN_1M / 2);
        while ((mfn = alloc_mfn(o, 0)) != ~0UL) {
            check_block(mfn, o);
            CHECK(mfn >= MFN_1M / 2 && mfn + (1UL << o) <= MFN_4G + 0x9000);
            n++;
        }
        CHECK(n > 0);
        CHECK_STR(heap_check(), NULL);
    }
}

TEST(heap_prefers_high_memory)
{
    setup();
    heap_add_range(0, NR_FRAMES);
    CHECK(alloc_mfn(0, 0) >= MFN_4G);
    CHECK(alloc_mfn(16, 0) < MFN_4G);       /* zone 2 can't fit 2^16 now */
    CHECK(alloc_mfn(4, 0) >= MFN_4G);
}

TEST(heap_falls_back_to_lower_zones_in_order)
{
    setup();
    heap_add_range(0x40, 0x40);             /* zone 0 */
    heap_add_range(0x1000, 0x40);           /* zone 1 */
    heap_add_range(MFN_4G, 0x40);           /* zone 2 */
    CHECK_EQ(zone(alloc_mfn(6, 0)), 2);
    CHECK_EQ(zone(alloc_mfn(6, 0)), 1);
    CHECK_EQ(zone(alloc_mfn(6, 0)), 0);
    CHECK(alloc_pages(0, 0) == NULL);
}

TEST(heap_below_1m_respected_and_fails_cleanly)
{
    setup();
    heap_add_range(0, NR_FRAMES);
    for (unsigned long i = 0; i < MFN_1M; i++)
        CHECK(alloc_mfn(0, MEMF_below_1M) < MFN_1M);
    CHECK(alloc_pages(0, MEMF_below_1M) == NULL);
    CHECK(alloc_pages(0, MEMF_below_1M | MEMF_below_4G) == NULL);
    CHECK_EQ(heap_free_pages_zone(0), 0);
    CHECK_EQ(heap_free_pages(), NR_FRAMES - MFN_1M);
    CHECK(alloc_pages(0, MEMF_below_4G) != NULL);
    CHECK_STR(heap_check(), NULL);
}

TEST(heap_below_4g_respected_and_fails_cleanly)
{
    setup();
    heap_add_range(MFN_4G, NR_FRAMES - MFN_4G);
    CHECK(alloc_pages(0, MEMF_below_4G) == NULL);
    CHECK(alloc_pages(0, MEMF_below_1M) == NULL);
    CHECK_EQ(heap_free_pages(), NR_FRAMES - MFN_4G);
    heap_add_range(0x2000, 1);
    CHECK_EQ(alloc_mfn(0, MEMF_below_4G), 0x2000);
    CHECK(alloc_pages(0, MEMF_below_4G) == NULL);
    CHECK(alloc_mfn(0, 0) >= MFN_4G);
    CHECK_STR(heap_check(), NULL);
}

TEST(heap_below_4g_may_use_low_1m)
{
    setup();
    heap_add_range(0x10, 1);
    heap_add_range(MFN_4G, 16);
    CHECK_EQ(alloc_mfn(0, MEMF_below_4G), 0x10);
}

/* ---- orders, exhaustion ---- */

TEST(heap_order_above_max_returns_null)
{
    unsigned long mfn;

    setup();
    heap_add_range(0, NR_FRAMES);
    CHECK(alloc_pages(MAX_ORDER + 1, 0) == NULL);
    CHECK(alloc_pages(64, 0) == NULL);
    CHECK(alloc_pages(~0U, 0) == NULL);
    CHECK_EQ(heap_free_pages(), NR_FRAMES);
    mfn = alloc_mfn(MAX_ORDER, 0);                  /* 1 GiB: zone 1 only */
    check_block(mfn, MAX_ORDER);
    CHECK(mfn >= MFN_1M && mfn < MFN_4G);
}

TEST(heap_exhaustion_returns_null)
{
    setup();
    heap_add_range(0x1000, 16);
    CHECK(alloc_pages(5, 0) == NULL);
    for (int i = 0; i < 16; i++)
        CHECK(alloc_pages(0, 0) != NULL);
    CHECK(alloc_pages(0, 0) == NULL);
    CHECK_EQ(heap_free_pages(), 0);
    CHECK_STR(heap_check(), NULL);
}

TEST(heap_fragmented_memory_fails_big_orders_only)
{
    unsigned long mfn[8];

    setup();
    heap_add_range(0x1000, 8);
    for (int i = 0; i < 8; i++)
        mfn[i] = alloc_mfn(0, 0);
    for (int i = 0; i < 8; i += 2)
        free_pages(&ft[mfn[i]], 0);
    CHECK_EQ(heap_free_pages(), 4);
    CHECK(alloc_pages(1, 0) == NULL);
    CHECK(alloc_pages(0, 0) != NULL);
    CHECK_STR(heap_check(), NULL);
}

TEST(heap_split_then_free_restores_counts)
{
    unsigned long m;

    setup();
    heap_add_range(0x2000, 0x400);
    m = alloc_mfn(0, 0);
    check_block(m, 0);
    CHECK_EQ(heap_free_pages_zone(1), 0x3ff);
    free_pages(&ft[m], 0);
    CHECK_EQ(heap_free_pages_zone(1), 0x400);
    CHECK_EQ(alloc_mfn(10, 0), 0x2000);
}

/* ---- merging ---- */

/* A small seeded PRNG (xorshift64), the same sequence on every host. */
static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

TEST(heap_free_in_random_order_merges_back_to_max_order)
{
    const unsigned long base = 0x40000, n = 1UL << MAX_ORDER;
    unsigned long *mfn = malloc(n * sizeof(*mfn));

    setup();
    heap_add_range(base, n);
    CHECK_EQ(alloc_mfn(MAX_ORDER, 0), base);
    free_pages(&ft[base], MAX_ORDER);
    for (unsigned long i = 0; i < n; i++)
        mfn[i] = alloc_mfn(0, 0);
    CHECK(alloc_pages(0, 0) == NULL);
    rng_state = 0x9e3779b97f4a7c15ULL;
    for (unsigned long i = n - 1; i > 0; i--) {     /* Fisher-Yates */
        unsigned long j = rng() % (i + 1), t = mfn[i];
        mfn[i] = mfn[j];
        mfn[j] = t;
    }
    for (unsigned long i = 0; i < n; i++)
        free_pages(&ft[mfn[i]], 0);
    free(mfn);
    CHECK_STR(heap_check(), NULL);
    CHECK_EQ(heap_free_pages(), n);
    CHECK_EQ(alloc_mfn(MAX_ORDER, 0), base);
}

/* ---- random sequences ---- */

#define MAX_OWNED 4096
static struct { unsigned long mfn; unsigned int order; } owned[MAX_OWNED];
static unsigned int nr_owned;
static uint8_t *frame_owned;                /* 1 while a block holds it */
static uint8_t *frame_ram;                  /* 1 if ever given to the heap */
static uint8_t *frame_dirty;                /* 1 if freed unscrubbed */
static unsigned long frames_cleared;

/* The scrubber zeroes only free frames that need it. */
void clear_frame(unsigned long mfn)
{
    CHECK(mfn < NR_FRAMES);
    CHECK((ft[mfn].count_info & PGC_state_mask) == PGC_state_free);
    CHECK(ft[mfn].count_info & PGC_need_scrub);
    if (frame_dirty)
        frame_dirty[mfn] = 0;
    frames_cleared++;
}

static void add_ram(unsigned long mfn, unsigned long nr)
{
    heap_add_range(mfn, nr);
    memset(frame_ram + mfn, 1, nr);
}

static void random_alloc(void)
{
    unsigned int order = rng() % 11;
    unsigned int flags = (unsigned int[]){ 0, 0, MEMF_below_4G,
                                           MEMF_below_1M }[rng() % 4];
    unsigned long mfn = alloc_mfn(order, flags);

    if (mfn == ~0UL)
        return;
    check_block(mfn, order);
    if (flags & MEMF_below_1M)
        CHECK(mfn + (1UL << order) <= MFN_1M);
    if (flags & MEMF_below_4G)
        CHECK(mfn + (1UL << order) <= MFN_4G);
    for (unsigned long i = 0; i < (1UL << order); i++) {
        CHECK(frame_ram[mfn + i]);
        CHECK(!frame_owned[mfn + i]);       /* no two blocks overlap */
        frame_owned[mfn + i] = 1;
        /* Unscrubbed frames still say so; the new owner zeroes them. */
        CHECK_EQ(!!(ft[mfn + i].count_info & PGC_need_scrub), frame_dirty[mfn + i]);
        ft[mfn + i].count_info &= ~PGC_need_scrub;
        frame_dirty[mfn + i] = 0;
    }
    owned[nr_owned].mfn = mfn;
    owned[nr_owned++].order = order;
}

static void random_free(void)
{
    unsigned int k = rng() % nr_owned;

    for (unsigned long i = 0; i < (1UL << owned[k].order); i++)
        if (rng() % 2) {                    /* a domain used this frame */
            ft[owned[k].mfn + i].count_info |= PGC_need_scrub;
            frame_dirty[owned[k].mfn + i] = 1;
        }
    free_pages(&ft[owned[k].mfn], owned[k].order);
    memset(frame_owned + owned[k].mfn, 0, 1UL << owned[k].order);
    owned[k] = owned[--nr_owned];
}

static unsigned long owned_frames(void)
{
    unsigned long n = 0;

    for (unsigned int i = 0; i < nr_owned; i++)
        n += 1UL << owned[i].order;
    return n;
}

/* steps random allocations and frees over ranges of RAM with holes. */
static void random_run(uint64_t seed, unsigned int steps)
{
    unsigned long total;

    setup();
    frame_owned = calloc(NR_FRAMES, 1);
    frame_ram = calloc(NR_FRAMES, 1);
    frame_dirty = calloc(NR_FRAMES, 1);
    nr_owned = 0;
    rng_state = seed;
    add_ram(0x10, 0x9f - 0x10);             /* low memory, odd bounds */
    add_ram(0x100, 0x3f00);
    add_ram(0xfe123, MFN_4G - 0xfe123);
    add_ram(MFN_4G, 0x2345);
    total = heap_free_pages();
    for (unsigned int s = 0; s < steps; s++) {
        unsigned int r = rng() % 100;

        if (r < 5)
            scrub_free_pages(rng() % 64);
        else if (nr_owned < MAX_OWNED && (!nr_owned || r < 55))
            random_alloc();
        else
            random_free();
        if (s % 1000 == 0) {
            CHECK_STR(heap_check(), NULL);
            CHECK_EQ(heap_free_pages() + owned_frames(), total);
        }
    }
    while (nr_owned)
        random_free();
    CHECK_STR(heap_check(), NULL);
    CHECK_EQ(heap_free_pages(), total);
    while (scrub_free_pages(1000))          /* the idle scrubber finishes */
        CHECK_STR(heap_check(), NULL);
    for (unsigned long m = 0; m < NR_FRAMES; m++)
        CHECK_EQ(frame_dirty[m] | !!(ft[m].count_info & PGC_need_scrub), 0);
    free(frame_owned);
    free(frame_ram);
    free(frame_dirty);
    frame_dirty = NULL;
}

TEST(heap_random_sequence_seed_1)
{
    random_run(1, 20000);
}

TEST(heap_random_sequence_seed_2)
{
    random_run(0xdeadbeefcafeULL, 20000);
}

TEST(heap_random_sequence_seed_3_long)
{
    random_run(0x0123456789abcdefULL, 60000);
}

/* ---- scrubbing ---- */

TEST(heap_hands_out_clean_blocks_before_dirty_ones)
{
    unsigned long m[4];

    setup();
    heap_add_range(0x1000, 4);
    for (int i = 0; i < 4; i++)
        m[i] = alloc_mfn(0, 0);
    ft[m[0]].count_info |= PGC_need_scrub;
    free_pages(&ft[m[0]], 0);               /* dirty, its buddy in use */
    free_pages(&ft[m[2]], 0);               /* clean, freed later */
    CHECK_STR(heap_check(), NULL);
    CHECK_EQ(alloc_mfn(0, 0), m[2]);        /* clean first */
    CHECK(!(ft[m[2]].count_info & PGC_need_scrub));
    CHECK_EQ(alloc_mfn(0, 0), m[0]);        /* then the dirty one, still marked */
    CHECK(ft[m[0]].count_info & PGC_need_scrub);
}

TEST(scrub_zeroes_each_dirty_frame_once_then_reports_done)
{
    setup();
    heap_add_range(0x2000, 512);
    unsigned long m = alloc_mfn(9, 0);
    for (unsigned long i = 0; i < 512; i += 3)
        ft[m + i].count_info |= PGC_need_scrub;
    free_pages(&ft[m], 9);
    frames_cleared = 0;
    CHECK(scrub_free_pages(100));           /* partial: the block stays dirty */
    CHECK_EQ(frames_cleared, 100);
    CHECK_STR(heap_check(), NULL);
    while (scrub_free_pages(100))
        CHECK_STR(heap_check(), NULL);
    CHECK_EQ(frames_cleared, 171);          /* 0, 3, ..., 510 */
    CHECK(!scrub_free_pages(100));
    CHECK_EQ(heap_free_pages(), 512);
    for (unsigned long i = 0; i < 512; i++)
        CHECK(!(ft[m + i].count_info & PGC_need_scrub));
}

TEST(scrub_leaves_allocated_frames_to_their_owner_and_reports_done)
{
    setup();
    heap_add_range(0x3000, 64);
    unsigned long m = alloc_mfn(6, 0);
    for (unsigned long i = 0; i < 64; i++)
        ft[m + i].count_info |= PGC_need_scrub;
    free_pages(&ft[m], 6);
    unsigned long a = alloc_mfn(4, 0);      /* 16 of them, still marked */
    CHECK_STR(heap_check(), NULL);
    frames_cleared = 0;
    while (scrub_free_pages(7))
        CHECK_STR(heap_check(), NULL);
    CHECK_EQ(frames_cleared, 48);
    for (unsigned long i = 0; i < 16; i++)
        CHECK(ft[a + i].count_info & PGC_need_scrub);   /* the owner zeroes */
    CHECK(!scrub_free_pages(7));
}

TEST(scrub_finds_dirty_frames_in_split_and_merged_blocks)
{
    setup();
    heap_add_range(0x4000, 1024);
    unsigned long one = alloc_mfn(0, 0);    /* splits the 1024 */
    ft[one].count_info |= PGC_need_scrub;
    free_pages(&ft[one], 0);                /* merges back, dirty */
    CHECK_STR(heap_check(), NULL);
    unsigned long big = alloc_mfn(9, 0);    /* a half: marked dirty as a hint */
    CHECK_STR(heap_check(), NULL);
    free_pages(&ft[big], 9);
    frames_cleared = 0;
    while (scrub_free_pages(8))
        CHECK_STR(heap_check(), NULL);
    CHECK_EQ(frames_cleared, 1);
}

/* ---- heap_check itself ---- */

TEST(heap_check_notices_a_corrupted_free_block)
{
    setup();
    heap_add_range(0x1000, 8);
    CHECK_STR(heap_check(), NULL);
    ft[0x1003].count_info = PGC_state_inuse;
    CHECK(heap_check() != NULL);
}
