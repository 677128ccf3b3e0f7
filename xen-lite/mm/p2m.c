/*
 * The p2m (xen/p2m.h): setting and looking up a translated domain's
 * guest-physical ranges, with the largest entries alignment allows,
 * splitting and merging large entries, types in software bits, and the
 * flush-before-free rule for tables and frames that go away.
 */
#include "xen/lib.h"
#include "xen/p2m.h"
#include "xen/pv_mm.h"
#include "xen_errno.h"

/* AMD nested tables (APM vol. 2 §15.25.5): user and writable at every level. */
const struct p2m_format p2m_format_npt = {
    .pt = &pt_format_x86,
    .ram = PT_X86_P | PT_X86_RW | PT_X86_US | PT_X86_A | PT_X86_D,
    .table = PT_X86_P | PT_X86_RW | PT_X86_US | PT_X86_A,
};

/* EPT (Intel SDM vol. 3 §28.3.2): read/write/execute, write-back (type 6). */
#define EPT_MT_WB           (6ULL << 3)
const struct p2m_format p2m_format_ept = {
    .pt = &pt_format_ept,
    .ram = PT_EPT_R | PT_EPT_W | PT_EPT_X | EPT_MT_WB,
    .table = PT_EPT_R | PT_EPT_W | PT_EPT_X,
};

static uint64_t *map_table(const struct pt_ctx *c, unsigned long mfn)
{
    return pt_map_frame(mfn);
}

static unsigned long alloc_table(const struct pt_ctx *c)
{
    struct p2m_domain *p = c->priv;
    unsigned long mfn;

    if (p->use_reserve && p->nr_reserve) {
        mfn = p->reserve[--p->nr_reserve];
        memset(pt_map_frame(mfn), 0, PT_ENTRIES * sizeof(uint64_t));
    } else {
        mfn = p2m_alloc_table(p);
    }
    if (mfn)
        p->nr_tables++;
    return mfn;
}

/*
 * Some updates must not fail for want of memory once they have begun.
 * Unmapping an aligned range splits at most the one leaf larger than it
 * (1 GiB -> 2 MiB -> 4 KiB: two tables).  Undoing a failed mapping splits
 * at most the large entries merges made from its pieces and their
 * neighbours -- in the first and the last table of the range, at two
 * levels each.  So four tables, kept ready before anything changes,
 * always suffice for both.
 */
static bool fill_reserve(struct p2m_domain *p)
{
    while (p->nr_reserve < P2M_RESERVE) {
        unsigned long mfn = p2m_alloc_table(p);
        if (!mfn)
            return false;
        p->reserve[p->nr_reserve++] = mfn;
    }
    return true;
}

int p2m_init(struct p2m_domain *p, const struct p2m_format *fmt, unsigned int max_order)
{
    memset(p, 0, sizeof(*p));
    spin_lock_init(&p->lock);
    p->fmt = fmt;
    p->max_order = max_order >= 18 ? 18 : max_order >= 9 ? 9 : 0;
    p->ctx = (struct pt_ctx){ .fmt = fmt->pt, .map = map_table, .alloc = alloc_table,
                              .table_flags = fmt->table, .priv = p };
    p->root = alloc_table(&p->ctx);
    return p->root ? 0 : -XEN_ENOMEM;
}

static void free_now(struct p2m_domain *p, unsigned long mfn)
{
    p2m_free_table(p, mfn);
    p->nr_tables--;
}

void p2m_sync(struct p2m_domain *p)
{
    if (p->need_flush && p->flush)
        p->flush(p);
    p->need_flush = false;
    while (p->nr_pending)
        free_now(p, p->pending[--p->nr_pending]);
}

/* A table unlinked from the tree: freed once no pCPU can still cache it. */
static void free_later(struct p2m_domain *p, unsigned long mfn)
{
    if (p->nr_pending == P2M_PENDING_MAX)
        p2m_sync(p);
    p->pending[p->nr_pending++] = mfn;
    p->need_flush = true;
}

/* Free a table of `level` and every table below it. */
static void free_subtree(struct p2m_domain *p, unsigned long mfn, unsigned int level)
{
    const struct pt_format *f = p->fmt->pt;

    for (unsigned int i = 0; level > 1 && i < PT_ENTRIES; i++) {
        uint64_t e = pt_map_frame(mfn)[i];
        if (pt_present(f, e) && !pt_is_leaf(f, e, level))
            free_subtree(p, pt_frame(f, e), level - 1);
    }
    free_later(p, mfn);
}

static uint64_t leaf(const struct p2m_domain *p, unsigned long mfn, unsigned int level,
                     enum p2m_type t)
{
    uint64_t type = (uint64_t)t << P2M_TYPE_SHIFT;

    if (t != p2m_ram_rw && t != p2m_xen_page)
        return t == p2m_invalid ? 0 : type;     /* not present: accesses exit */
    return ((uint64_t)mfn << PT_FRAME_SHIFT) | p->fmt->ram | type |
           (level > 1 ? p->fmt->pt->large : 0);
}

/* The largest level whose entry fits at gfn/mfn within n frames. */
static unsigned int fit_level(const struct p2m_domain *p, unsigned long gfn,
                              unsigned long mfn, unsigned long n, bool has_mfn)
{
    unsigned int level = p->max_order / 9 + 1;

    for (; level > 1; level--) {
        unsigned long frames = pt_level_frames(level);
        if (n >= frames && !(gfn & (frames - 1)) && (!has_mfn || !(mfn & (frames - 1))))
            break;
    }
    return level;
}

/*
 * After a leaf of `level` changed: if its table now holds 512 entries
 * that map one contiguous, aligned run of RAM of one type, replace the
 * table by one entry of level + 1; if it holds nothing (ballooned out),
 * by an empty entry.  Returns true if it merged.
 */
static bool try_merge(struct p2m_domain *p, unsigned long gfn, unsigned int level)
{
    const struct pt_format *f = p->fmt->pt;
    uint64_t step = (uint64_t)pt_level_frames(level) << PT_FRAME_SHIFT, *t, e0;
    struct pt_walk w;

    bool fits = level + 1 <= p->max_order / 9 + 1;  /* a leaf of level + 1 */

    if (level + 1 > PT_LEVELS ||
        !pt_walk(&p->ctx, p->root, (uint64_t)gfn << PT_FRAME_SHIFT, level + 1, &w) ||
        !pt_present(f, w.entry) || pt_is_leaf(f, w.entry, level + 1))
        return false;
    t = pt_map_frame(pt_frame(f, w.entry));
    e0 = t[0];
    if (!pt_present(f, e0)) {
        if (e0)                         /* typed (MMIO): kept page by page */
            return false;
        step = 0;                       /* empty: at any level */
    } else if (!fits || (pt_frame(f, e0) & (pt_level_frames(level + 1) - 1))) {
        return false;
    }
    if (t[PT_ENTRIES - 1] != e0 + (PT_ENTRIES - 1) * step)
        return false;                   /* the cheap test first: both ends */
    for (unsigned int i = 1; i < PT_ENTRIES - 1; i++)
        if (t[i] != e0 + i * step)
            return false;
    __atomic_store_n(&pt_map_frame(w.table)[w.slot], step ? e0 | f->large : e0,
                     __ATOMIC_RELEASE);
    free_later(p, pt_frame(f, w.entry));
    return true;
}

/* One entry of `level` at gfn: write it, and drop what it replaced. */
static int set_one(struct p2m_domain *p, unsigned long gfn, unsigned long mfn,
                   unsigned int level, enum p2m_type t)
{
    const struct pt_format *f = p->fmt->pt;
    uint64_t *e = pt_walk_make(&p->ctx, p->root, (uint64_t)gfn << PT_FRAME_SHIFT, level);
    uint64_t old;

    if (!e)
        return -XEN_ENOMEM;
    old = *e;
    __atomic_store_n(e, leaf(p, mfn, level, t), __ATOMIC_RELEASE);
    if (pt_present(f, old)) {
        p->need_flush = true;           /* a translation changed or went away */
        if (!pt_is_leaf(f, old, level))
            free_subtree(p, pt_frame(f, old), level - 1);
    }
    while (level < PT_LEVELS && try_merge(p, gfn, level))
        level++;
    return 0;
}

/* The pieces of a range: the largest entries that fit, in order. */
static int set_range(struct p2m_domain *p, unsigned long gfn, unsigned long mfn,
                     unsigned long n, bool has_mfn, enum p2m_type t, unsigned long *done)
{
    int rc = 0;

    for (*done = 0; *done < n; ) {
        unsigned int level = fit_level(p, gfn + *done, mfn + *done, n - *done, has_mfn);
        if ((rc = set_one(p, gfn + *done, mfn + *done, level, t)))
            break;
        *done += pt_level_frames(level);
    }
    return rc;
}

int p2m_set(struct p2m_domain *p, unsigned long gfn, unsigned long mfn,
            unsigned int order, enum p2m_type t)
{
    bool has_mfn = t == p2m_ram_rw || t == p2m_xen_page;
    unsigned long n = 1UL << order, done, undone;
    int rc;

    if (order > 18 || t >= p2m_nr_types || (gfn & (n - 1)) || gfn + n - 1 > P2M_MAX_GFN ||
        (has_mfn && (mfn & (n - 1))))
        return -XEN_EINVAL;
    spin_lock(&p->lock);
    if (!p->root || !fill_reserve(p)) {
        spin_unlock(&p->lock);
        return p->root ? -XEN_ENOMEM : -XEN_ESRCH;
    }
    p->use_reserve = !has_mfn;
    rc = set_range(p, gfn, mfn, n, has_mfn, t, &done);
    if (rc) {
        /* Unmap the pieces done, by the same pieces: tables from the reserve. */
        p->use_reserve = true;
        if (set_range(p, gfn, mfn, done, has_mfn, p2m_invalid, &undone))
            panic("p2m: undoing a failed update ran out of tables");
    } else if (has_mfn && gfn + n - 1 > p->max_gfn) {
        p->max_gfn = gfn + n - 1;
    }
    p->use_reserve = false;
    spin_unlock(&p->lock);
    return rc;
}

unsigned long p2m_get(struct p2m_domain *p, unsigned long gfn, enum p2m_type *t,
                      unsigned int *order)
{
    const struct pt_format *f = p->fmt->pt;
    unsigned long mfn = P2M_INVALID_MFN;
    struct pt_walk w;

    *t = p2m_invalid;
    *order = 0;
    if (gfn > P2M_MAX_GFN)
        return mfn;
    spin_lock(&p->lock);
    if (p->root && pt_walk(&p->ctx, p->root, (uint64_t)gfn << PT_FRAME_SHIFT, 1, &w)) {
        *t = (w.entry & P2M_TYPE_MASK) >> P2M_TYPE_SHIFT;
        *order = 9 * (w.level - 1);
        if (pt_present(f, w.entry))
            mfn = pt_frame(f, w.entry) + (gfn & (pt_level_frames(w.level) - 1));
    }
    spin_unlock(&p->lock);
    return mfn;
}

static void count(struct p2m_domain *p, unsigned long mfn, unsigned int level,
                  struct p2m_stats *s)
{
    const struct pt_format *f = p->fmt->pt;

    s->tables++;
    for (unsigned int i = 0; i < PT_ENTRIES; i++) {
        uint64_t e = pt_map_frame(mfn)[i];
        unsigned int t = (e & P2M_TYPE_MASK) >> P2M_TYPE_SHIFT;

        if (pt_present(f, e) && !pt_is_leaf(f, e, level)) {
            count(p, pt_frame(f, e), level - 1, s);
        } else if (t < p2m_nr_types && t != p2m_invalid) {
            s->pages[t] += pt_level_frames(level);
            if (pt_present(f, e))
                s->entries[level - 1]++;
        }
    }
}

void p2m_stats(struct p2m_domain *p, struct p2m_stats *s)
{
    memset(s, 0, sizeof(*s));
    spin_lock(&p->lock);
    if (p->root)
        count(p, p->root, PT_LEVELS, s);
    spin_unlock(&p->lock);
}

static void teardown(struct p2m_domain *p, unsigned long mfn, unsigned int level)
{
    const struct pt_format *f = p->fmt->pt;

    for (unsigned int i = 0; level > 1 && i < PT_ENTRIES; i++) {
        uint64_t e = pt_map_frame(mfn)[i];
        if (pt_present(f, e) && !pt_is_leaf(f, e, level))
            teardown(p, pt_frame(f, e), level - 1);
    }
    free_now(p, mfn);
}

void p2m_teardown(struct p2m_domain *p)
{
    spin_lock(&p->lock);
    if (!p->root) {
        spin_unlock(&p->lock);
        return;
    }
    p2m_sync(p);
    teardown(p, p->root, PT_LEVELS);
    while (p->nr_reserve)
        p2m_free_table(p, p->reserve[--p->nr_reserve]);
    p->root = 0;
    spin_unlock(&p->lock);
}
