/*
 * The one page-table walker: x86-64 4-level tables, reached through a
 * caller-supplied frame mapper, used by the PV MMU (update_va_mapping,
 * fault checks) and later by shadow paging, NPT and EPT.
 */
#ifndef XEN_PT_WALK_H
#define XEN_PT_WALK_H

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
 * an entry above stop_level is not present.
 */
bool pt_walk(unsigned long root_mfn, unsigned long va, unsigned int stop_level,
             uint64_t *(*map)(unsigned long mfn), struct pt_walk *w);

#endif
