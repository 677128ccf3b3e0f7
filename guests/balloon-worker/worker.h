/*
 * balloon-worker: a guest that keeps a working set of its memory filled
 * with a known pattern while it balloons, and checks that nothing it
 * holds changes and that every page it is given reads zero.
 *
 * The working set grows, holds (is rewritten) and shrinks in phases; each
 * page holds words derived from its PFN and the generation it was written
 * in.  After every balloon change the worker checks every page of the
 * working set, and every free page it has not written since it was
 * populated (initial memory and pages the balloon took back) must read
 * zero: no guest may see what another left behind.
 */
#ifndef BALLOON_WORKER_H
#define BALLOON_WORKER_H

#include <guest/guest.h>
#include <guest/balloon.h>
#include <guest/physmap.h>

#define WS_MAX_PAGES  (128u * 1024)     /* 512 MiB of working set at most */
#define MIB_PAGES     256u
#define WS_MARGIN     (2u * MIB_PAGES)  /* free pages growth leaves */

enum zerocheck { ZERO_OFF, ZERO_POPULATED, ZERO_ALL };

struct options {
    uint64_t targets[32];               /* selftest=: MiB */
    unsigned int nr_targets;
    uint64_t ws_pages;                  /* ws=: the working set's top */
    uint64_t limit_pages;               /* limit=: PFNs to prepare */
    bool uncooperative;
    bool fill;                          /* every phase grows */
    enum zerocheck zerocheck;
};

/* main.c */
extern unsigned int failures;
void fail(const char *fmt, ...) G_PRINTF(1, 2);

/* follow.c: follow (or ignore) dom0's targets until shut down. */
G_NORETURN void follow(const struct options *o);

/* pattern.c: the working set, its pattern and the zero checks. */
void ws_init(enum zerocheck z);
/* Call fn every so often in the long walks over the working set, as a
 * kernel lets its balloon driver run while user space is busy (NULL:
 * never). */
void ws_set_yield(void (*fn)(void));
uint64_t ws_pages(void);
/* Grow to n pages (fewer if free memory falls to WS_MARGIN); returns
 * the size. */
uint64_t ws_grow(uint64_t n);
/* Rewrite every other page in a new generation. */
void ws_rewrite(void);
/* Give back the newest half. */
void ws_shrink(void);
/* Every page still holds its pattern; returns the pages checked. */
uint64_t ws_check(void);
/* After a balloon change: forget PFNs that left; free pages not written
 * since they came must read zero.  Returns the pages checked. */
uint64_t ws_check_fresh(void);

#endif /* BALLOON_WORKER_H */
