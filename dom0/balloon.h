/*
 * The balloon manager: dom0's side of ballooning.
 *
 * Every domain has a static maximum (maxmem, changed by `xl mem-max`) and
 * a target, which starts at `memory` and is written to its memory/target
 * in xenstore (KiB, as Xen's toolstack); the guest's balloon driver
 * follows it.  As with Xen's xl, a target changes only when someone
 * changes it:
 *
 *   - `xl mem-set` is the administrator's word: any target up to maxmem,
 *     kept until the next mem-set, or until `xl mem-set DOM auto` hands
 *     the domain back to the manager;
 *   - the manager moves the targets of the domains it manages: those
 *     whose xl.cfg gives them a dynamic range (memory_min and/or
 *     memory_dynamic_max; the other end defaults to memory or maxmem),
 *     every domain when `xl balloon-policy -a on` says so (its range then
 *     [memory_min, memory_dynamic_max] with their defaults), and Domain-0
 *     when dom0_mem= gives it a min: or max:.
 *
 * Once a second (and after each change) the manager samples what every
 * domain holds and the memory it reports free (memory/free-kb), follows
 * which domains move toward their targets (stuck after 5 s without
 * progress, uncooperative after 20 s), and splits the host's free memory,
 * less a reserve, in proportion over the ranges of the managed domains
 * (dom0/balloon_policy.h); the others keep their targets.  Before `xl
 * create` it makes room: it asks the managed domains to give memory back
 * (never below their memory_min), waits for it while it keeps coming, and
 * says how much is missing if that cannot work.
 *
 * Domain-0 balloons itself (balloon_dom0.c): `xl mem-set 0` sets its
 * target, down to 64 MiB and up to what it booted with.
 */
#ifndef DOM0_BALLOON_H
#define DOM0_BALLOON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "xen.h"
#include "xlcfg.h"

#define BALLOON_PERIOD_NS    (1000ull * 1000 * 1000)
#define BALLOON_RESERVE_MIB  64
#define BALLOON_RECLAIM_NS   (10ull * 1000 * 1000 * 1000)
#define BALLOON_HEADROOM_MIB 32
#define BALLOON_DOM0_MIN_MIB 64         /* dom0's heap needs some room */
/* The hypervisor's limit of a domain is its maxmem and this much more,
 * as libxl sets it (LIBXL_MAXMEM_CONSTANT): xl top's MAXMEM(k) too. */
#define BALLOON_MAXMEM_SLACK_KB 1024

/* Domain-0 is followed from the start; others from when they are built
 * (their target is cfg->memory) until they are gone. */
void balloon_manager_init(void);
void balloon_add(domid_t domid, const struct xlcfg *cfg);
void balloon_remove(domid_t domid);

/* Sample and rebalance if a period has passed, and move dom0's own
 * memory a slice further (dom0's background work); balloon_due() says
 * when that is next due (0: nothing to do). */
void balloon_background(void);
uint64_t balloon_due(void);

/*
 * Before building a domain of `pages`: 0 once the host has them free
 * (after asking managed domains to give memory back and waiting while
 * they do: as libxl, it gives up only after BALLOON_RECLAIM_NS in which
 * the host's free memory did not grow), else -1 after a message saying
 * how much is missing.  Until balloon_room_done() the manager raises nobody's target.
 */
int balloon_make_room(uint64_t pages, const char *name, FILE *err);
void balloon_room_done(void);

/* xl mem-set (kb, or auto with BALLOON_AUTO) / mem-max; 0, or -1 after a
 * message. */
#define BALLOON_AUTO UINT64_MAX
int balloon_mem_set(domid_t domid, uint64_t kb, FILE *err);
int balloon_mem_max(domid_t domid, uint64_t kb, FILE *err);

/* xl balloon-policy: what is given (NULL: keep it). */
struct balloon_settings {
    const uint64_t *reserve_kb;         /* host memory kept free */
    const bool *shift;                  /* idle memory to busy guests */
    const uint64_t *headroom_kb;        /* free memory a guest keeps */
    const bool *manage_all;             /* also domains with no range */
};

/* Change what is given and print the settings; 0, or -1 after a message
 * (a reserve above the host's memory). */
int balloon_policy(const struct balloon_settings *s, FILE *out, FILE *err);

/* xl balloon-status: a row per domain and the host's free memory (and,
 * while idle memory is shifted, how much the last round moved). */
void balloon_print_status(FILE *out);

/* What balloon_wait waits for: every domain holding its target (0), and
 * what these flags add. */
#define BALLOON_UNTIL_STUCK       (1u << 0)     /* or reported stuck */
#define BALLOON_UNTIL_UNCOOP      (1u << 1)     /* or uncooperative */
#define BALLOON_UNTIL_HOST_SHORT  (1u << 2)     /* or short of host memory */
#define BALLOON_UNTIL_SHIFTED     (1u << 3)     /* and a round since has
                                                   shifted idle memory to
                                                   a busy guest */

/* Rebalance now and wait until every domain holds its target within
 * 1 MiB, and what `until` adds: 0 and the ns it took in *took, or -1
 * after timeout_ns with a line on err naming each domain that did not
 * get there.  The manager's rounds, not the clock, decide: a slow host
 * only makes it wait longer. */
int balloon_wait(uint64_t timeout_ns, unsigned int until,
                 uint64_t *took, FILE *err);

/* ---- Domain-0's own memory (balloon_dom0.c) ---- */

struct balloon_dom0 {
    uint64_t booted;                    /* pages it booted with */
    uint64_t min, max;                  /* dom0_mem's range, in pages */
    bool ranged;                        /* min: or max: given */
};

void balloon_dom0_range(struct balloon_dom0 *r);
/* Ask dom0's driver for a target; 0 or -XEN_E*.  balloon_dom0_work()
 * moves a slice toward it and says when to go on (0: reached). */
int balloon_dom0_target(uint64_t pages);
uint64_t balloon_dom0_work(void);

#endif /* DOM0_BALLOON_H */
