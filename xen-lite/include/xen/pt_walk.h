/*
 * The one page-table walker: 4-level radix tables of 512 eight-byte
 * entries, described by an entry format (struct pt_format) and reached
 * through a context (struct pt_ctx) that says how a table's frame number
 * becomes memory the hypervisor can read -- a machine frame through the
 * direct map, a guest-physical frame through the domain's p2m, a frame of
 * a domain being built through a window.  It serves PV validation
 * (update_va_mapping), the hypervisor's own tables, the p2m (and so NPT,
 * EPT and shadow, which read it), guest walks of HVM guests' tables, and
 * dom0's domain builder.
 *
 * Everything here is inline and needs only the C headers: each caller
 * gets a walk specialised to its format and mapper (update_va_mapping runs
 * one per call), and dom0 compiles the same code.
 */
#ifndef XEN_PT_WALK_H
#define XEN_PT_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PT_LEVELS           4
#define PT_ENTRIES          512
#define PT_FRAME_SHIFT      12

/*
 * What an entry of a given kind looks like.  An entry is present when any
 * bit of `present` is set; above level 1 it is a leaf when `large` is set
 * and large leaves are allowed at that level (bit n of large_levels:
 * level n); its frame is (e & addr) >> 12.  A walk ANDs the `perm` bits of
 * every entry on the path (a right every level must grant) and ORs the
 * `deny` bits (a restriction any level may impose).
 */
struct pt_format {
    const char *name;
    uint64_t present;
    uint64_t large;
    uint64_t addr;
    uint64_t perm;
    uint64_t deny;
    uint8_t large_levels;
};

/*
 * x86-64 4-level paging (Intel SDM vol. 3 §4.5, AMD APM vol. 2 §5.3):
 * guest and hypervisor tables and AMD's nested tables (APM vol. 2
 * §15.25.5) alike.  P is bit 0, R/W bit 1, U/S bit 2, accessed 5, dirty
 * 6, PS bit 7, XD bit 63.
 */
#define PT_X86_P            (1ULL << 0)
#define PT_X86_RW           (1ULL << 1)
#define PT_X86_US           (1ULL << 2)
#define PT_X86_A            (1ULL << 5)
#define PT_X86_D            (1ULL << 6)
#define PT_X86_PS           (1ULL << 7)
#define PT_X86_NX           (1ULL << 63)
#define PT_ADDR_MASK        0x000ffffffffff000ULL
static const struct pt_format pt_format_x86 __attribute__((unused)) = {
    .name = "x86-64", .present = PT_X86_P, .large = PT_X86_PS,
    .addr = PT_ADDR_MASK, .perm = PT_X86_P | PT_X86_RW | PT_X86_US,
    .deny = PT_X86_NX, .large_levels = (1 << 2) | (1 << 3),
};

/*
 * Intel EPT (SDM vol. 3 §28.3.2): no present bit -- an entry with none of
 * read (bit 0), write (1), execute (2) maps nothing; bit 7 makes a 2 MiB or
 * 1 GiB leaf; bits 5:3 of a leaf are the memory type.
 */
#define PT_EPT_R            (1ULL << 0)
#define PT_EPT_W            (1ULL << 1)
#define PT_EPT_X            (1ULL << 2)
#define PT_EPT_LARGE        (1ULL << 7)
static const struct pt_format pt_format_ept __attribute__((unused)) = {
    .name = "EPT", .present = PT_EPT_R | PT_EPT_W | PT_EPT_X, .large = PT_EPT_LARGE,
    .addr = PT_ADDR_MASK, .perm = PT_EPT_R | PT_EPT_W | PT_EPT_X,
    .deny = 0, .large_levels = (1 << 2) | (1 << 3),
};

struct pt_ctx;
/* The table (512 entries) at frame number `frame`; NULL if unreachable. */
typedef uint64_t *(*pt_map_fn)(const struct pt_ctx *c, unsigned long frame);

struct pt_ctx {
    const struct pt_format *fmt;
    pt_map_fn map;
    /* For pt_walk_make: a new zeroed table's frame (0: none left), and the
     * flags of an entry that points at a table. */
    unsigned long (*alloc)(const struct pt_ctx *c);
    uint64_t table_flags;
    void *priv;                         /* the owner's: a p2m, a builder */
};

struct pt_walk {
    unsigned int level;                 /* level of the final entry (1..4) */
    unsigned long table;                /* frame of the table holding it */
    unsigned int slot;                  /* its index there */
    uint64_t entry;                     /* its value */
    uint64_t perm;                      /* AND of `perm` bits on the path */
    uint64_t deny;                      /* OR of `deny` bits on the path */
};

static inline unsigned int pt_slot(uint64_t va, unsigned int level)
{
    return (va >> (PT_FRAME_SHIFT + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

/* The number of 4 KiB frames one entry of `level` covers (1, 512, 512^2). */
static inline unsigned long pt_level_frames(unsigned int level)
{
    return 1UL << (9 * (level - 1));
}

static inline bool pt_present(const struct pt_format *f, uint64_t e)
{
    return e & f->present;
}

/* Does a present entry of `level` map memory (rather than a table)? */
static inline bool pt_is_leaf(const struct pt_format *f, uint64_t e, unsigned int level)
{
    return level == 1 || ((f->large_levels & (1U << level)) && (e & f->large));
}

static inline unsigned long pt_frame(const struct pt_format *f, uint64_t e)
{
    return (e & f->addr) >> PT_FRAME_SHIFT;
}

/*
 * Walk from the table at `root` towards va, down to the entry of
 * stop_level (which may be empty), stopping early at a leaf.  Returns false
 * if an entry above stop_level is not present, or a table cannot be
 * mapped; w then describes the last entry read.
 */
static inline __attribute__((always_inline))
bool pt_walk(const struct pt_ctx *c, unsigned long root, uint64_t va,
             unsigned int stop_level, struct pt_walk *w)
{
    const struct pt_format *f = c->fmt;
    unsigned long frame = root;

    if (stop_level < 1)
        stop_level = 1;
    w->perm = f->perm;
    w->deny = 0;
#pragma GCC unroll 4
    for (unsigned int level = PT_LEVELS; level >= stop_level; level--) {
        uint64_t *t = c->map(c, frame);
        unsigned int slot = pt_slot(va, level);

        w->level = level;
        w->table = frame;
        w->slot = slot;
        if (!t) {
            w->entry = 0;
            return false;
        }
        w->entry = t[slot];
        w->perm &= w->entry;
        w->deny |= w->entry & f->deny;
        if (level == stop_level)
            break;                      /* the entry itself may be empty */
        if (!pt_present(f, w->entry))
            return false;
        if (pt_is_leaf(f, w->entry, level))
            break;                      /* a large leaf above stop_level */
        frame = pt_frame(f, w->entry);
    }
    return true;
}

/*
 * Split the large leaf e of `level` into the table at `frame`: 512
 * entries of level - 1 covering the same memory with the same flags
 * (still large above level 2).
 */
static inline void pt_split_leaf(const struct pt_ctx *c, uint64_t e, unsigned int level,
                                 unsigned long frame)
{
    const struct pt_format *f = c->fmt;
    uint64_t *t = c->map(c, frame);
    uint64_t step = (uint64_t)pt_level_frames(level - 1) << PT_FRAME_SHIFT;
    uint64_t child = level - 1 == 1 ? e & ~f->large : e;

    for (unsigned int i = 0; i < PT_ENTRIES; i++)
        t[i] = child + i * step;
}

/*
 * The entry of `level` for va, for writing: missing tables on the way are
 * made (c->alloc, entries with c->table_flags), larger leaves split, and
 * c->table_flags added to the table entries passed.
 * Returns NULL if a table could not be made.  The pointer is good until
 * the next c->map call.
 */
static inline uint64_t *pt_walk_make(const struct pt_ctx *c, unsigned long root,
                                     uint64_t va, unsigned int level)
{
    const struct pt_format *f = c->fmt;
    unsigned long frame = root;

    for (unsigned int l = PT_LEVELS; l > level; l--) {
        unsigned int slot = pt_slot(va, l);
        uint64_t e = c->map(c, frame)[slot];
        unsigned long next;

        if (pt_present(f, e) && !pt_is_leaf(f, e, l)) {
            if ((e & c->table_flags) != c->table_flags)   /* e.g. a user mapping below */
                c->map(c, frame)[slot] = e | c->table_flags;
            frame = pt_frame(f, e);
            continue;
        }
        if (!(next = c->alloc(c)))
            return NULL;
        if (pt_present(f, e))
            pt_split_leaf(c, e, l, next);
        /* alloc and the split may reuse the caller's one window: map again. */
        c->map(c, frame)[slot] = ((uint64_t)next << PT_FRAME_SHIFT) | c->table_flags;
        frame = next;
    }
    return c->map(c, frame) + pt_slot(va, level);
}

#endif
