/*
 * The p2m: a translated domain's guest-physical -> machine map, the one
 * source of truth that nested paging (AMD NPT, Intel EPT) walks in
 * hardware and shadow paging reads in software.  A 4-level table in the
 * back end's entry format (an x86-64 table for NPT and shadow, EPT's for
 * VMX), whose leaves map 4 KiB, 2 MiB or 1 GiB and carry a type in
 * software bits 52-55, which both formats leave to software.
 *
 * Ranges are mapped with the largest entries their alignment and the
 * p2m's max_order allow; a change inside a large entry splits it, and a
 * table whose 512 entries become one contiguous run of RAM is merged back
 * into one large entry.  A change that removes or replaces a translation
 * marks the p2m for a flush: p2m_sync() then has the owner drop every
 * cached translation (p2m->flush: each pCPU running the domain), and only
 * after that are tables freed -- and only then may the caller free frames
 * it unmapped.
 *
 * mm/p2m.c is pure (unit-tested in tests/unit/test_p2m.c); it allocates
 * and frees table frames through p2m_alloc_table()/p2m_free_table() and
 * reads them through pt_map_frame().
 */
#ifndef XEN_P2M_H
#define XEN_P2M_H

#include "xen/pt_walk.h"
#include "xen/spinlock.h"
#include "xen/types.h"

enum p2m_type {
    p2m_invalid = 0,                    /* unpopulated: nothing there */
    p2m_ram_rw = 1,                     /* the domain's RAM */
    p2m_mmio_dm = 2,                    /* emulated MMIO: every access exits */
    p2m_xen_page = 3,                   /* a hypervisor page it may use (shared_info) */
    p2m_nr_types
};

#define P2M_TYPE_SHIFT      52
#define P2M_TYPE_MASK       (0xfULL << P2M_TYPE_SHIFT)
#define P2M_MAX_GFN         ((1UL << 36) - 1)   /* 48-bit guest-physical */
#define P2M_INVALID_MFN     (~0UL)
#define P2M_PENDING_MAX     16
#define P2M_RESERVE         4           /* tables an undo may need (see p2m.c) */

/* A p2m's entries: the table format and the flags it uses. */
struct p2m_format {
    const struct pt_format *pt;
    uint64_t ram;                       /* a leaf mapping memory, all access */
    uint64_t table;                     /* an entry pointing at a table */
};
extern const struct p2m_format p2m_format_npt, p2m_format_ept;

struct p2m_domain {
    spinlock_t lock;                    /* taken with interrupts on (flushes IPI) */
    const struct p2m_format *fmt;
    struct pt_ctx ctx;
    unsigned long root;                 /* the top table's frame */
    unsigned int max_order;             /* largest entry: 0, 9 (2 MiB) or 18 (1 GiB) */
    unsigned long max_gfn;              /* highest gfn ever mapped */
    unsigned long nr_tables;
    bool need_flush;
    unsigned int nr_pending;
    unsigned long pending[P2M_PENDING_MAX];     /* tables to free after the flush */
    unsigned int nr_reserve;
    unsigned long reserve[P2M_RESERVE];         /* for updates that must finish */
    bool use_reserve;
    /* The owner's: every pCPU drops cached translations of this p2m. */
    void (*flush)(struct p2m_domain *p);
    /*
     * The owner's, optional: gfn no longer maps mfn (called by memory_op
     * after the change, without the p2m's lock, before mfn may be freed):
     * shadow paging drops every shadow entry that maps it.
     */
    void (*changed)(struct p2m_domain *p, unsigned long gfn, unsigned long mfn,
                    unsigned int order);
    void *owner;
};

/* Counts of present leaves by size, for xl p2m-info. */
struct p2m_stats {
    unsigned long entries[3];           /* 4 KiB, 2 MiB, 1 GiB */
    unsigned long pages[p2m_nr_types];  /* 4 KiB frames by type */
    unsigned long tables;
};

int p2m_init(struct p2m_domain *p, const struct p2m_format *fmt, unsigned int max_order);
/*
 * Free every table (the domain no longer runs); mapped frames are the
 * caller's.  The p2m is then empty for good: p2m_get finds nothing,
 * p2m_set fails with -XEN_ESRCH, so users racing with the domain's death
 * (another domain's memory_op, xl p2m-info) see no frames, not freed ones.
 */
void p2m_teardown(struct p2m_domain *p);

/*
 * Map [gfn, gfn + 2^order) to [mfn, ...) with type t (mfn is ignored for
 * p2m_invalid and p2m_mmio_dm).  gfn and mfn must be aligned to 2^order.
 * -XEN_EINVAL for a bad range, -XEN_ESRCH after p2m_teardown,
 * -XEN_ENOMEM if a table could not be made:
 * the range is then left as it was (unmapping: untouched) or unmapped
 * (mapping).  Call p2m_sync() before freeing anything the old entries
 * mapped.
 */
int p2m_set(struct p2m_domain *p, unsigned long gfn, unsigned long mfn,
            unsigned int order, enum p2m_type t);
/* The frame at gfn (P2M_INVALID_MFN if none), its type and entry order. */
unsigned long p2m_get(struct p2m_domain *p, unsigned long gfn, enum p2m_type *t,
                      unsigned int *order);
/* Flush if a translation went away, then free the tables waiting for it. */
void p2m_sync(struct p2m_domain *p);
void p2m_stats(struct p2m_domain *p, struct p2m_stats *s);

/* Supplied by the hypervisor (mm/physmap.c) or the tests. */
unsigned long p2m_alloc_table(struct p2m_domain *p);   /* zeroed; 0 if none */
void p2m_free_table(struct p2m_domain *p, unsigned long mfn);

#endif
