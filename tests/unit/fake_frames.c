/*
 * The fake machine of fake_frames.h: what mm/page_type.c and mm/audit.c
 * link against (frame_table, max_page, the heap, the pt_* hooks) plus the
 * helpers the tests share.
 */
#include <stdlib.h>

#include "fake_frames.h"

struct page_info *frame_table;
unsigned long max_page;
unsigned int paddr_bits = 46;
struct fake_hooks fake;
struct fake_built built;

static uint64_t *memory;                /* FAKE_FRAMES pages */
static unsigned long next_fresh;        /* bump allocator ... */
static unsigned long free_stack[FAKE_FRAMES], nr_free;  /* ... then reuse */
static bool freed[FAKE_FRAMES];
static unsigned int preempt_tick;

#define MAX_HOLDS 8192
static struct audit_ref holds[MAX_HOLDS];
static unsigned int nr_holds;

void *xzalloc_bytes(size_t size)
{
    return calloc(1, size);
}

void xfree(void *p)
{
    free(p);
}

/* ---- the hooks ---- */

uint64_t *pt_map_frame(unsigned long mfn)
{
    if (mfn >= max_page)
        panic("pt_map_frame(%#lx) outside the frame table", mfn);
    return memory + mfn * PAGETABLE_ENTRIES;
}

bool pt_domain_io_privileged(domid_t d)
{
    void (*fn)(void) = fake.other_cpu;

    fake.other_cpu = NULL;
    if (fn)
        fn();
    return d == D0;
}

bool pt_domain_may_map_foreign(domid_t d, domid_t owner)
{
    return d == D0 && owner < DOMID_FIRST_RESERVED_;
}

bool pt_preempt_check(void)
{
    fake.preempt_calls++;
    if (!fake.preempt_every)
        return false;
    if (++preempt_tick < fake.preempt_every)
        return false;
    preempt_tick = 0;
    return true;
}

void pt_page_freed(struct page_info *pg)
{
    unsigned long mfn = page_to_mfn(pg);

    fake.freed++;
    freed[mfn] = true;
    pg->owner = DOMID_XEN__;
    pg->type_info = 0;
    pg->count_info = PGC_state_free;
    free_stack[nr_free++] = mfn;
}

void pt_type_change_flush(struct page_info *pg)
{
    fake.flushes++;
}

void pt_table_demoting(struct page_info *pg, unsigned int level)
{
}

uint64_t fake_xen_l4e(unsigned int slot)
{
    return 0x7e0000000000UL + ((uint64_t)slot << PAGE_SHIFT) + 0x63;
}

void pt_fill_xen_l4_slots(uint64_t *l4)
{
    fake.l4_fills++;
    for (unsigned int s = 256; s <= 271; s++)
        l4[s] = fake_xen_l4e(s);
}

uint32_t pt_tlbflush_clock(void)
{
    return 1;
}

/* ---- frames ---- */

void fake_reset(void)
{
    if (!frame_table) {
        frame_table = calloc(FAKE_FRAMES, sizeof(*frame_table));
        memory = aligned_alloc(PAGE_SIZE, FAKE_FRAMES * PAGE_SIZE);
    }
    max_page = FAKE_FRAMES;
    for (unsigned long i = 0; i < FAKE_FRAMES; i++) {
        bool xen = i < FAKE_FIRST;
        frame_table[i] = (struct page_info){
            .next = PAGE_LIST_NULL, .prev = PAGE_LIST_NULL,
            .count_info = xen ? PGC_reserved : PGC_state_free,
            .owner = DOMID_XEN__ };
    }
    memset(memory, 0, FAKE_FRAMES * PAGE_SIZE);
    memset(freed, 0, sizeof(freed));
    memset(&fake, 0, sizeof(fake));
    memset(&built, 0, sizeof(built));
    next_fresh = FAKE_FIRST;
    nr_free = nr_holds = preempt_tick = 0;
}

static unsigned long take_frame(void)
{
    if (nr_free)
        return free_stack[--nr_free];
    if (next_fresh < FAKE_FRAMES)
        return next_fresh++;
    return 0;
}

unsigned long fake_alloc(domid_t d)
{
    unsigned long mfn = take_frame();
    struct page_info *pg = mfn_to_page(mfn);

    if (!mfn)
        return 0;
    memset(fake_mem(mfn), 0, PAGE_SIZE);
    freed[mfn] = false;
    pg->owner = d;
    pg->type_info = 0;
    pg->nr_validated_ptes = 0;
    pg->count_info = PGC_state_inuse | PGC_allocated | 1;
    return mfn;
}

unsigned long fake_alloc_io(void)
{
    unsigned long mfn = take_frame();

    if (mfn)
        *mfn_to_page(mfn) = (struct page_info){ .count_info = PGC_reserved,
                                                .owner = DOMID_IO_ };
    return mfn;
}

void fake_release(unsigned long mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    BUG_ON(!(pg->count_info & PGC_allocated));
    pg->count_info &= ~PGC_allocated;
    put_page(pg);
}

bool fake_was_freed(unsigned long mfn)
{
    return freed[mfn];
}

unsigned long fake_frames_in_use(void)
{
    return next_fresh - FAKE_FIRST - nr_free;
}

uint64_t *fake_mem(unsigned long mfn)
{
    return memory + mfn * PAGETABLE_ENTRIES;
}

unsigned long gen(unsigned long mfn)
{
    return mfn_to_page(mfn)->count_info & PGC_count_mask;
}

unsigned long tcount(unsigned long mfn)
{
    return mfn_to_page(mfn)->type_info & PGT_count_mask;
}

unsigned long ttype(unsigned long mfn)
{
    return mfn_to_page(mfn)->type_info & PGT_type_mask;
}

bool tflag(unsigned long mfn, unsigned long flag)
{
    return mfn_to_page(mfn)->type_info & flag;
}

/* ---- trees ---- */

static void note_built(unsigned int level, unsigned long mfn)
{
    if (built.nr[level] < FAKE_BUILT_MAX)
        built.mfn[level][built.nr[level]++] = mfn;
}

unsigned long fake_table(domid_t d, unsigned int level)
{
    unsigned long mfn = fake_alloc(d);

    if (level == 4)
        for (unsigned int s = 256; s <= 271; s++)
            fake_mem(mfn)[s] = fake_xen_l4e(s);
    note_built(level, mfn);
    return mfn;
}

unsigned long fake_tree(domid_t d, unsigned int level, const unsigned int *fan,
                        uint64_t leaf)
{
    unsigned long t = fake_table(d, level);

    for (unsigned int i = 0; i < fan[level]; i++) {
        unsigned long child;
        if (level == 1) {
            child = fake_alloc(d);
            note_built(0, child);
            fake_mem(t)[i] = pte(child, leaf);
        } else {
            child = fake_tree(d, level - 1, fan, leaf);
            fake_mem(t)[i] = pte(child, E_RW);
        }
    }
    return t;
}

/* ---- references held outside the frame table ---- */

void fake_hold(unsigned long mfn, bool type)
{
    BUG_ON(nr_holds == MAX_HOLDS);
    holds[nr_holds++] = (struct audit_ref){ mfn, type };
}

void fake_unhold(unsigned long mfn, bool type)
{
    for (unsigned int i = nr_holds; i-- > 0; )
        if (holds[i].mfn == mfn && holds[i].type == type) {
            holds[i] = holds[--nr_holds];
            return;
        }
    BUG();
}

/*
 * As MMUEXT_PIN_Ln_TABLE does, without preemption: a table left partial by
 * a failure part-way is torn down before the error is reported.
 */
int fake_pin(unsigned long mfn, unsigned int level)
{
    struct page_info *pg = mfn_to_page(mfn);
    int rc;

    if (!get_page(pg, pg->owner))
        return -XEN_EINVAL;
    rc = get_page_type(pg, ltype(level), false);
    if (!rc)
        fake_hold(mfn, true);
    else if ((pg->type_info & PGT_partial) && PGT_level(pg->type_info) == level)
        fake_finish(mfn);               /* drops our general ref */
    else
        put_page(pg);
    return rc;
}

void fake_unpin(unsigned long mfn)
{
    fake_unhold(mfn, true);
    put_page_and_type(mfn_to_page(mfn));
}

unsigned int fake_finish(unsigned long mfn)
{
    struct pt_deferred d = { mfn_to_page(mfn), true };
    unsigned int restarts = 0;

    while (pt_finish_deferred(&d, true) == -XEN_ERESTART)
        restarts++;
    return restarts;
}

unsigned long fake_pinned_tree(domid_t d, unsigned int level, const unsigned int *fan)
{
    unsigned long t = fake_tree(d, level, fan, E_RW);

    CHECK_EQ(fake_pin(t, level), 0);
    return t;
}

void fake_check_level(unsigned int level, unsigned long type, unsigned long n,
                      unsigned long g)
{
    for (unsigned int i = 0; i < built.nr[level]; i++) {
        unsigned long m = built.mfn[level][i];
        CHECK_EQ(tcount(m), n);
        CHECK_EQ(gen(m), g);
        if (n) {
            CHECK_EQ(ttype(m), type);
            CHECK(tflag(m, PGT_validated));
        }
        CHECK(!tflag(m, PGT_partial));
    }
}

unsigned int fake_validate(unsigned long mfn, unsigned int level, int *rc)
{
    unsigned int restarts = 0;

    while ((*rc = get_page_type(mfn_to_page(mfn), ltype(level), true)) == -XEN_ERESTART)
        restarts++;
    return restarts;
}

unsigned int fake_devalidate(unsigned long mfn)
{
    if (put_page_type(mfn_to_page(mfn), true) != -XEN_ERESTART) {
        put_page(mfn_to_page(mfn));
        return 0;
    }
    return 1 + fake_finish(mfn);
}

/* ---- the auditor ---- */

static void first_problem(unsigned long mfn, const char *what, uint64_t expected,
                          uint64_t actual, void *ctx)
{
    struct fake_audit *a = ctx;

    if (!a->what) {
        a->what = what;
        a->mfn = mfn;
    }
}

unsigned long fake_audit(struct fake_audit *out)
{
    struct fake_audit local = { 0 }, *a = out ? out : &local;
    struct audit_result res;

    *a = (struct fake_audit){ 0 };
    if (audit_frames(holds, nr_holds, first_problem, a, &res))
        panic("audit_frames: no memory");
    a->problems = res.problems;
    return res.problems;
}

/* ---- snapshots ---- */

void fake_snap_take(struct fake_snap *s)
{
    if (!s->pi) {
        s->pi = calloc(FAKE_FRAMES, sizeof(*s->pi));
        s->mem = aligned_alloc(PAGE_SIZE, FAKE_FRAMES * PAGE_SIZE);
    }
    s->nr = next_fresh;
    for (unsigned long i = 0; i < s->nr; i++) {
        struct page_info *pg = mfn_to_page(i);
        s->pi[i].count_info = pg->count_info;
        s->pi[i].type_info = pg->type_info;
        s->pi[i].owner = pg->owner;
    }
    memcpy(s->mem, memory, s->nr * PAGE_SIZE);
}

/*
 * A type without references is not state: the next reference may retype
 * the frame.  A table type must then be revalidated, so PGT_validated on
 * it still counts (as would a stray PGT_pinned).
 */
static uint64_t canon_type(uint64_t t)
{
    if (t & (PGT_count_mask | PGT_partial))
        return t;
    return t & (PGT_pinned | (PGT_is_pagetable(t) ? PGT_validated : 0));
}

/* nr_validated_ptes and the TLB stamp are bookkeeping, not state. */
long fake_snap_diff(const struct fake_snap *s)
{
    if (next_fresh != s->nr)
        return (long)next_fresh;
    for (unsigned long i = 0; i < s->nr; i++) {
        struct page_info *pg = mfn_to_page(i);
        if (pg->count_info != s->pi[i].count_info ||
            canon_type(pg->type_info) != canon_type(s->pi[i].type_info) ||
            pg->owner != s->pi[i].owner ||
            memcmp(fake_mem(i), s->mem + i * PAGETABLE_ENTRIES, PAGE_SIZE))
            return (long)i;
    }
    return -1;
}
