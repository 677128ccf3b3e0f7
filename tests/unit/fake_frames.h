/*
 * A fake machine for the page-type tests (mm/page_type.c, mm/audit.c): a
 * frame table with 4 KiB of memory behind every frame, two domains (d0 may
 * map I/O and foreign frames, d1 may not), the pt_* hooks with knobs and
 * counters, builders for page-table trees, snapshots of the whole state,
 * and the auditor run over it with the references tests hold outside the
 * frame table.
 */
#ifndef FAKE_FRAMES_H
#define FAKE_FRAMES_H

#include "asm/page.h"
#include "xen/audit.h"
#include "xen/lib.h"
#include "xen/pv_mm.h"
#include "xen_errno.h"

#include "unit.h"

#define FAKE_FRAMES     4096UL
#define FAKE_FIRST      16UL            /* frames below are the hypervisor's */
#define D0              0               /* privileged */
#define D1              1

/* Entries as a guest writes them (user bit set, so validation keeps them). */
#define E_RO    (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define E_RW    (E_RO | _PAGE_RW)

static inline uint64_t pte(unsigned long mfn, uint64_t flags)
{
    return ((uint64_t)mfn << PAGE_SHIFT) | flags;
}

/* The type of a level-n page table (PGT_l1_page_table ...). */
static inline unsigned long ltype(unsigned int level)
{
    return (unsigned long)level << PGT_type_shift;
}

/* What the hooks saw, and how they behave. */
struct fake_hooks {
    unsigned int preempt_every;         /* pt_preempt_check: every Nth call; 0 never */
    unsigned long preempt_calls;
    unsigned long flushes;              /* pt_type_change_flush calls */
    unsigned long freed;                /* pt_page_freed calls */
    unsigned long l4_fills;
    /*
     * Run once at the next pt_domain_io_privileged() call: what another CPU
     * does while mod_pt_entry is between reading an entry and writing it.
     */
    void (*other_cpu)(void);
};
extern struct fake_hooks fake;

/* Frames the tree builders made, by level (0: data frames). */
#define FAKE_BUILT_MAX  2048
struct fake_built {
    unsigned int nr[5];
    unsigned long mfn[5][FAKE_BUILT_MAX];
};
extern struct fake_built built;

/* A fresh machine: every domain frame free, counters and holders cleared. */
void fake_reset(void);
/* Give a zeroed frame to d as the hypervisor does (allocation ref, no type). */
unsigned long fake_alloc(domid_t d);
/* An MMIO frame inside the frame table (owner DOMID_IO). */
unsigned long fake_alloc_io(void);
/* Drop the allocation reference (the guest gives the frame back). */
void fake_release(unsigned long mfn);
bool fake_was_freed(unsigned long mfn);
unsigned long fake_frames_in_use(void);

uint64_t *fake_mem(unsigned long mfn);
/* The frame that entry `slot` of table t maps. */
static inline unsigned long child(unsigned long t, unsigned int slot)
{
    return pte_mfn(fake_mem(t)[slot]);
}
uint64_t fake_xen_l4e(unsigned int slot);  /* what the hypervisor's slots hold */

/* Counts and type of a frame. */
unsigned long gen(unsigned long mfn);
unsigned long tcount(unsigned long mfn);
unsigned long ttype(unsigned long mfn);
bool tflag(unsigned long mfn, unsigned long flag);

/*
 * Trees: a table of `level` owned by d whose first fan[level] slots map
 * subtrees (L1: fresh data frames with leaf flags).  An L4's hypervisor
 * slots are pre-filled, as the domain builder would.
 */
unsigned long fake_tree(domid_t d, unsigned int level, const unsigned int *fan,
                        uint64_t leaf);
/* An empty table of `level` (L4: hypervisor slots filled). */
unsigned long fake_table(domid_t d, unsigned int level);

/* References held outside the frame table (pins, CR3s, deferred puts). */
void fake_hold(unsigned long mfn, bool type);
void fake_unhold(unsigned long mfn, bool type);
int fake_pin(unsigned long mfn, unsigned int level);       /* a pin's type ref */
void fake_unpin(unsigned long mfn);                         /* put_page_and_type */
/* Repeat a preemptible put of a partial frame we hold a ref on until done. */
unsigned int fake_finish(unsigned long mfn);

/* A validated table of `level` and fan-out fan (FAN(l1, l2, ...)), pinned. */
#define FAN(...)    ((const unsigned int[]){ 0, __VA_ARGS__ })
unsigned long fake_pinned_tree(domid_t d, unsigned int level, const unsigned int *fan);
/* Every frame the builders made at `level`: n type refs of type, g general. */
void fake_check_level(unsigned int level, unsigned long type, unsigned long n,
                      unsigned long g);
/* get_page_type with preemption until done; returns the restarts. */
unsigned int fake_validate(unsigned long mfn, unsigned int level, int *rc);
/* A preemptible put of our type and general refs, finished as callers do. */
unsigned int fake_devalidate(unsigned long mfn);

/* The auditor over the fake machine; the first problem is kept. */
struct fake_audit {
    unsigned long problems, mfn;
    const char *what;
};
unsigned long fake_audit(struct fake_audit *out);

#define AUDIT_CLEAN()                                                       \
    do {                                                                    \
        struct fake_audit a_;                                               \
        CHECK(1);                                                           \
        if (fake_audit(&a_))                                                \
            unit_fail(__FILE__, __LINE__, "audit: %lu problems, mfn %#lx: %s", \
                      a_.problems, a_.mfn, a_.what);                        \
    } while (0)

/* ... while a ref on mfn is held outside the frame table (a deferred put). */
#define AUDIT_CLEAN_HOLDING(mfn)                                            \
    do {                                                                    \
        fake_hold(mfn, false);                                              \
        AUDIT_CLEAN();                                                      \
        fake_unhold(mfn, false);                                            \
    } while (0)

/* A frame's general and type counts. */
#define COUNTS(mfn, g, t)                                                   \
    do {                                                                    \
        CHECK_EQ(gen(mfn), g);                                              \
        CHECK_EQ(tcount(mfn), t);                                           \
    } while (0)

/* Whole-state snapshots: counts, types, owners and every frame's memory. */
struct fake_snap {
    unsigned long nr;
    struct { uint64_t count_info, type_info; uint16_t owner; } *pi;
    uint64_t *mem;
};
void fake_snap_take(struct fake_snap *s);
/* -1 if nothing changed, else the first frame that differs. */
long fake_snap_diff(const struct fake_snap *s);
#define SAME_AS(s)  CHECK_EQ(fake_snap_diff(&(s)), -1)

#endif
