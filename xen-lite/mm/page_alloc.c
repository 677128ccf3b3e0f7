/*
 * The buddy allocator over the frame table.  Free blocks of 2^order frames
 * sit on per-zone, per-order lists; a block never spans a zone boundary
 * (1 MiB, 4 GiB), so callers can ask for low memory.  Every frame of a free
 * block is marked PGC_state_free; only the first carries the order.
 *
 * Scrubbing: a frame a domain freed keeps PGC_need_scrub until it is
 * zeroed.  A free block that had any such frame when it was freed is
 * "dirty" (PGC_dirty_block on its first frame, a hint) and sits at the
 * tail of its list, clean blocks at the head, so allocations take clean
 * memory first.  Whoever hands a frame to a domain zeroes it if the idle
 * scrubber has not got there yet (mm/domain_pages.c).  The scrubber walks
 * the frame table with a cursor, a few frames per hold of the lock, and
 * knows from a count when nothing is left to zero: a search of the free
 * lists for dirty frames went through gigabytes of clean ones each time,
 * with the lock held, while a CPU freeing a domain's memory waited.
 *
 * Pure logic apart from the lock: the unit tests run it on a fake frame
 * table.
 */
#include "xen/lib.h"
#include "xen/mm.h"
#include "xen/spinlock.h"

#define ORDER_NONE      0xff
#define SCRUB_LOOK      512             /* frames looked at per lock hold */
#define SCRUB_ZERO      4               /* frames zeroed per lock hold */

struct page_info *frame_table;
unsigned long max_page;

static struct page_list free_lists[NR_ZONES][MAX_ORDER + 1];
static unsigned long zone_free[NR_ZONES];
static unsigned long dirty_free;        /* free frames with PGC_need_scrub */
static unsigned long scrub_cursor;      /* the next frame the scrubber checks */
static DEFINE_SPINLOCK(heap_lock);

void page_list_init(struct page_list *l)
{
    l->head = l->tail = PAGE_LIST_NULL;
    l->count = 0;
}

void page_list_add_tail(struct page_list *l, struct page_info *pg)
{
    uint32_t mfn = page_to_mfn(pg);

    pg->next = PAGE_LIST_NULL;
    pg->prev = l->tail;
    if (l->tail == PAGE_LIST_NULL)
        l->head = mfn;
    else
        mfn_to_page(l->tail)->next = mfn;
    l->tail = mfn;
    l->count++;
}

/* n consecutive frames from pg, in order, at the tail of l: one splice. */
void page_list_add_run(struct page_list *l, struct page_info *pg,
                       unsigned long n)
{
    uint32_t first = page_to_mfn(pg);

    if (!n)
        return;
    for (unsigned long i = 0; i < n; i++) {
        pg[i].prev = first + i - 1;
        pg[i].next = first + i + 1;
    }
    pg[0].prev = l->tail;
    pg[n - 1].next = PAGE_LIST_NULL;
    if (l->tail == PAGE_LIST_NULL)
        l->head = first;
    else
        mfn_to_page(l->tail)->next = first;
    l->tail = first + (uint32_t)(n - 1);
    l->count += n;
}

static void page_list_add_head(struct page_list *l, struct page_info *pg)
{
    uint32_t mfn = page_to_mfn(pg);

    pg->prev = PAGE_LIST_NULL;
    pg->next = l->head;
    if (l->head == PAGE_LIST_NULL)
        l->tail = mfn;
    else
        mfn_to_page(l->head)->prev = mfn;
    l->head = mfn;
    l->count++;
}

void page_list_del(struct page_list *l, struct page_info *pg)
{
    if (pg->prev == PAGE_LIST_NULL)
        l->head = pg->next;
    else
        mfn_to_page(pg->prev)->next = pg->next;
    if (pg->next == PAGE_LIST_NULL)
        l->tail = pg->prev;
    else
        mfn_to_page(pg->next)->prev = pg->prev;
    pg->next = pg->prev = PAGE_LIST_NULL;
    l->count--;
}

struct page_info *page_list_remove_head(struct page_list *l)
{
    struct page_info *pg = page_list_first(l);

    if (pg)
        page_list_del(l, pg);
    return pg;
}

static unsigned int zone_of(unsigned long mfn)
{
    if (mfn < (1UL << (20 - PAGE_SHIFT)))
        return 0;
    if (mfn < (1UL << (32 - PAGE_SHIFT)))
        return 1;
    return 2;
}

void heap_init(struct page_info *ft, unsigned long nr_frames)
{
    frame_table = ft;
    max_page = nr_frames;
    for (unsigned int z = 0; z < NR_ZONES; z++) {
        zone_free[z] = 0;
        for (unsigned int o = 0; o <= MAX_ORDER; o++)
            page_list_init(&free_lists[z][o]);
    }
}

/* Mark frames free or in use; a frame's need-scrub flag stays with it.
 * Returns how many have it. */
static unsigned long mark_block(struct page_info *pg, unsigned int order, uint64_t state)
{
    unsigned long dirty = 0;

    for (unsigned long i = 0; i < (1UL << order); i++) {
        dirty += !!(pg[i].count_info & PGC_need_scrub);
        pg[i].count_info = state | (pg[i].count_info & PGC_need_scrub);
        page_order(&pg[i]) = ORDER_NONE;
    }
    return dirty;
}

static bool block_dirty(const struct page_info *pg)
{
    return pg->count_info & PGC_dirty_block;
}

/* Queue a free block: clean ones first, dirty ones last. */
static void list_block(unsigned int zone, unsigned int order, struct page_info *pg, bool dirty)
{
    page_order(pg) = order;
    if (dirty) {
        pg->count_info |= PGC_dirty_block;
        page_list_add_tail(&free_lists[zone][order], pg);
    } else {
        pg->count_info &= ~PGC_dirty_block;
        page_list_add_head(&free_lists[zone][order], pg);
    }
}

/* Put a block on its free list, merging with free buddies.  Lock held. */
static void free_block(unsigned long mfn, unsigned int order)
{
    unsigned int zone = zone_of(mfn);
    unsigned long nr_dirty = mark_block(mfn_to_page(mfn), order, PGC_state_free);
    bool dirty = nr_dirty;

    zone_free[zone] += 1UL << order;
    dirty_free += nr_dirty;
    while (order < MAX_ORDER) {
        unsigned long buddy = mfn ^ (1UL << order);
        unsigned long first = MIN(mfn, buddy);
        struct page_info *b = mfn_to_page(buddy);

        if (!mfn_valid(buddy) || zone_of(buddy) != zone ||
            zone_of(first + (2UL << order) - 1) != zone ||
            (b->count_info & PGC_state_mask) != PGC_state_free ||
            page_order(b) != order)
            break;
        page_list_del(&free_lists[zone][order], b);
        dirty |= block_dirty(b);
        b->count_info &= ~PGC_dirty_block;
        page_order(b) = ORDER_NONE;
        page_order(mfn_to_page(mfn)) = ORDER_NONE;
        mfn = first;
        order++;
    }
    list_block(zone, order, mfn_to_page(mfn), dirty);
}

void heap_add_range(unsigned long mfn, unsigned long nr)
{
    unsigned long f = spin_lock_irqsave(&heap_lock);

    while (nr) {
        unsigned int order = mfn ? __builtin_ctzl(mfn) : MAX_ORDER;

        order = MIN(order, (unsigned int)MAX_ORDER);
        while ((1UL << order) > nr)
            order--;
        /* Never let one block straddle a zone boundary. */
        while (zone_of(mfn) != zone_of(mfn + (1UL << order) - 1))
            order--;
        free_block(mfn, order);
        mfn += 1UL << order;
        nr -= 1UL << order;
    }
    spin_unlock_irqrestore(&heap_lock, f);
}

/* Take a block of exactly `order` from zone z, splitting a bigger one. */
static struct page_info *take_block(unsigned int z, unsigned int order)
{
    unsigned int o;
    struct page_info *pg;

    for (o = order; o <= MAX_ORDER && !free_lists[z][o].count; o++)
        ;
    if (o > MAX_ORDER)
        return NULL;
    pg = page_list_remove_head(&free_lists[z][o]);
    while (o > order) {
        /* The unused halves stay as dirty as the block was (a hint). */
        o--;
        list_block(z, o, pg + (1UL << o), block_dirty(pg));
    }
    zone_free[z] -= 1UL << order;
    dirty_free -= mark_block(pg, order, PGC_state_inuse);
    for (unsigned long i = 0; i < (1UL << order); i++)
        pg[i].type_info = 0;
    return pg;
}

struct page_info *alloc_pages(unsigned int order, unsigned int memflags)
{
    unsigned int top = (memflags & MEMF_below_1M) ? 0 :
                       (memflags & MEMF_below_4G) ? 1 : NR_ZONES - 1;
    struct page_info *pg = NULL;
    unsigned long f;

    if (order > MAX_ORDER)
        return NULL;
    f = spin_lock_irqsave(&heap_lock);
    /* Prefer high memory; keep the low zones for those who need them. */
    for (int z = top; z >= 0 && !pg; z--)
        pg = take_block(z, order);
    spin_unlock_irqrestore(&heap_lock, f);
    return pg;
}

void free_pages(struct page_info *pg, unsigned int order)
{
    unsigned long f = spin_lock_irqsave(&heap_lock);

    free_block(page_to_mfn(pg), order);
    spin_unlock_irqrestore(&heap_lock, f);
}

/*
 * Look at up to SCRUB_LOOK frames from the cursor and zero the free ones
 * that need it, at most SCRUB_ZERO and *budget of them.  Lock held: the
 * frames stay free and where they are.
 */
static void scrub_step(unsigned int *budget)
{
    unsigned int zeroed = 0;

    for (unsigned int n = 0; n < SCRUB_LOOK && zeroed < SCRUB_ZERO && *budget; n++) {
        unsigned long mfn = scrub_cursor;
        struct page_info *pg = mfn_to_page(mfn);

        scrub_cursor = mfn + 1 < max_page ? mfn + 1 : 0;
        if ((pg->count_info & (PGC_state_mask | PGC_need_scrub)) !=
            (PGC_state_free | PGC_need_scrub))
            continue;
        clear_frame(mfn);
        pg->count_info &= ~PGC_need_scrub;
        dirty_free--;
        zeroed++;
        (*budget)--;
    }
}

/*
 * Zero up to `budget` free frames that need it, a few per hold of the
 * lock.  The scrubber never queues for the lock: a CPU that allocates or
 * frees must not wait behind an idle one (under an emulator or another
 * hypervisor, that vCPU may not even be running).  Returns false once no
 * free memory needs zeroing.
 */
bool scrub_free_pages(unsigned int budget)
{
    while (budget && __atomic_load_n(&dirty_free, __ATOMIC_RELAXED)) {
        unsigned long f = local_irq_save();

        if (!spin_trylock(&heap_lock)) {
            local_irq_restore(f);
            break;                      /* busy: try again when idle */
        }
        scrub_step(&budget);
        spin_unlock(&heap_lock);
        local_irq_restore(f);
    }
    return __atomic_load_n(&dirty_free, __ATOMIC_RELAXED) != 0;
}

unsigned long heap_free_pages_zone(unsigned int zone)
{
    return zone_free[zone];
}

unsigned long heap_dirty_pages(void)
{
    return __atomic_load_n(&dirty_free, __ATOMIC_RELAXED);
}

unsigned long heap_free_pages(void)
{
    unsigned long n = 0;

    for (unsigned int z = 0; z < NR_ZONES; z++)
        n += zone_free[z];
    return n;
}

/* The checks themselves, lock held. */
static const char *check_lists(void)
{
    unsigned long dirty = 0;

    for (unsigned int z = 0; z < NR_ZONES; z++) {
        unsigned long total = 0;

        for (unsigned int o = 0; o <= MAX_ORDER; o++) {
            unsigned long n = 0;
            bool seen_dirty = false;

            for (struct page_info *pg = page_list_first(&free_lists[z][o]); pg;
                 pg = page_list_next(pg), n++) {
                unsigned long mfn = page_to_mfn(pg);
                if (page_order(pg) != o)
                    return "free block with the wrong order";
                if (mfn & ((1UL << o) - 1))
                    return "free block misaligned";
                if (zone_of(mfn) != z || zone_of(mfn + (1UL << o) - 1) != z)
                    return "free block outside its zone";
                for (unsigned long i = 0; i < (1UL << o); i++)
                    if ((pg[i].count_info & PGC_state_mask) != PGC_state_free)
                        return "frame in a free block not marked free";
                for (unsigned long i = 0; i < (1UL << o); i++) {
                    if ((pg[i].count_info & PGC_need_scrub) && !block_dirty(pg))
                        return "frame needing scrub in a block marked clean";
                    dirty += !!(pg[i].count_info & PGC_need_scrub);
                }
                if (seen_dirty && !block_dirty(pg))
                    return "clean free block after a dirty one";
                seen_dirty |= block_dirty(pg);
            }
            if (n != free_lists[z][o].count)
                return "free list count wrong";
            total += n << o;
        }
        if (total != zone_free[z])
            return "zone free count wrong";
    }
    return dirty == dirty_free ? NULL : "count of free frames needing scrub wrong";
}

const char *heap_check(void)
{
    unsigned long f = spin_lock_irqsave(&heap_lock);
    const char *bad = check_lists();

    spin_unlock_irqrestore(&heap_lock, f);
    return bad;
}
