/*
 * Between the halves of the balloon manager: its table of domains and
 * rebalancing (balloon.c) and the xl commands on it (balloon_cmd.c).
 * Not for other users: they have balloon.h.
 */
#ifndef DOM0_BALLOON_INT_H
#define DOM0_BALLOON_INT_H

#include "balloon.h"
#include "balloon_policy.h"

#define PAGES_PER_MIB 256u
#define KIB_PER_PAGE  4u

struct bm_dom {
    bool used;
    domid_t domid;
    uint64_t static_max;                /* pages (maxmem, xl mem-max) */
    uint64_t cfg_min, cfg_max;          /* its dynamic range, in pages */
    bool ranged;                        /* the range was given */
    bool admin;                         /* xl mem-set chose its target */
    uint64_t target, actual, free;      /* free: BP_NO_FREE if unknown */
    enum bp_state state;
    struct bp_watch watch;
};

/* The manager's settings (xl balloon-policy). */
struct bm_policy {
    uint64_t reserve, headroom;         /* pages */
    bool shift_idle, manage_all;
};

/* What the rounds did (bm_rebalance), for balloon-status and its waits. */
struct bm_rounds {
    uint64_t count;                     /* rounds so far */
    uint64_t last_shift;                /* the last one that shifted, or 0 */
    uint64_t shifted;                   /* pages the last round shifted */
};

extern struct bm_dom bm_doms[];         /* DOM_MAX of them */
extern struct bm_policy bm_policy;
extern struct bm_rounds bm_rounds;

static inline uint64_t bm_mib(uint64_t pages)
{
    return pages / PAGES_PER_MIB;
}

struct bm_dom *bm_find(domid_t domid);
/* Whether the manager moves d's target. */
bool bm_managed(const struct bm_dom *d);
/* Refresh what d holds; false if it has gone. */
bool bm_sample(struct bm_dom *d);
/* A new target: memory/target, and dom0's own driver for Domain-0. */
void bm_set_target(struct bm_dom *d, uint64_t pages);
/* Write memory/<key> (KiB) of domid. */
void bm_write_node(domid_t domid, const char *key, uint64_t pages);
/* Rebalance at the next chance, or now. */
void bm_kick(void);
void bm_rebalance(void);

#endif /* DOM0_BALLOON_INT_H */
