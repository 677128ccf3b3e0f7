/*
 * The one page-table walker: x86-64 4-level tables, reached through a
 * caller-supplied frame mapper, used by the PV MMU (update_va_mapping,
 * fault checks) and later by shadow paging, NPT and EPT.
 */
#ifndef XEN_PT_WALK_H
#define XEN_PT_WALK_H

#include "asm/page.h"
#include "xen/types.h"

struct pt_walk {
    unsigned int level;                 /* level of the final entry (1..4) */
    unsigned long table_mfn;            /* table holding that entry */
    unsigned int slot;                  /* its index there */
    uint64_t entry;                     /* its value */
    uint64_t flags_and;                 /* AND of the permission bits on the path */
};

#define PT_WALK_STOP_AT_L1  0           /* walk to the L1 entry */

/*
 * Walk from the L4 at root_mfn towards va down to the entry of stop_level
 * (which may be empty), stopping early at a large page.  Returns false if
 * an entry above stop_level is not present.  Inline, so that each caller
 * gets a walk specialised to its mapper and level (update_va_mapping runs
 * one per call).
 */
static inline bool pt_walk(unsigned long root_mfn, unsigned long va, unsigned int stop_level,
                           uint64_t *(*map)(unsigned long mfn), struct pt_walk *w)
{
    unsigned long mfn = root_mfn;

    if (stop_level < 1)
        stop_level = 1;
    w->flags_and = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER;
    for (unsigned int level = 4; ; level--) {
        uint64_t *t = map(mfn);
        unsigned int slot = pt_index(va, level);

        w->level = level;
        w->table_mfn = mfn;
        w->slot = slot;
        w->entry = t[slot];
        w->flags_and &= w->entry | _PAGE_NX;
        if (level == stop_level)
            return true;                /* the entry itself may be empty */
        if (!(w->entry & _PAGE_PRESENT))
            return false;
        if (level > 1 && level < 4 && (w->entry & _PAGE_PSE))
            return true;                /* a large page above stop_level */
        mfn = pte_mfn(w->entry);
    }
}

#endif
