/*
 * A domain's grant table (common/grant_table.c, common/grant_map.c): the
 * frames it shares, how often each of its grants is mapped by others, and
 * the mappings it holds of others' grants (its maptrack).
 */
#ifndef XEN_GNTTAB_H
#define XEN_GNTTAB_H

#include "xen/spinlock.h"
#include "xen/types.h"
#include "grant_table.h"

#define GNTTAB_MAX_FRAMES       64      /* Xen 4.17's default max_grant_frames */
#define GNTTAB_ENTRIES_PER_FRAME 512    /* 8-byte v1 entries in a 4 KiB frame */
#define GNTTAB_MAPTRACK_MAX     1024    /* mappings a domain may hold */

struct grant_active {
    uint16_t readers, writers;          /* mappings of this grant */
};

struct grant_mapping {
    bool used;
    uint16_t dom;                       /* the granting domain */
    grant_ref_t ref;
    bool readonly;
    unsigned long frame;
    uint64_t host_addr;
};

struct grant_table {
    spinlock_t lock;
    unsigned int nr_frames;
    void *frames[GNTTAB_MAX_FRAMES];    /* struct grant_entry_v1[512] each */
    struct grant_active *active[GNTTAB_MAX_FRAMES];
    spinlock_t maptrack_lock;           /* a domain may map its own grants */
    struct grant_mapping *maptrack;     /* [GNTTAB_MAPTRACK_MAX], made on first use */
};

struct domain;
long gnttab_map(unsigned long uops, unsigned int count);
long gnttab_unmap(unsigned long uops, unsigned int count);

#endif
