/*
 * The balloon manager: dom0's side of ballooning.
 *
 * Every domain dom0 builds has a static maximum (xl.cfg maxmem, changed by
 * `xl mem-max`) and a dynamic range [memory_min, memory_dynamic_max]; its
 * target starts at `memory`.  Once a second (and after each change) the
 * manager samples what every domain holds and the memory it reports free
 * (memory/free-kb), follows which domains move toward their targets
 * (stuck after 5 s without progress, uncooperative after 20 s), and
 * splits the host's free memory, less a reserve, in proportion over the
 * ranges of the others (dom0/balloon_policy.h), writing each new target
 * to the domain's memory/target in xenstore (KiB, as Xen's toolstack).
 *
 * `xl mem-set` pins a domain's target (within [memory_min, maxmem]) until
 * the next mem-set; the policy moves only the others.  Before `xl create`
 * the manager makes room: it asks the others to give memory back (never
 * below their memory_min), waits for it, and says how much is missing if
 * that cannot work.  Domain-0 is not managed.
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

/* A domain was built from cfg (its target is cfg->memory), or is gone. */
void balloon_add(domid_t domid, const struct xlcfg *cfg);
void balloon_remove(domid_t domid);

/* Sample and rebalance if a period has passed (dom0's background work);
 * balloon_due() says when that is (0: no domain to balloon). */
void balloon_background(void);
uint64_t balloon_due(void);

/*
 * Before building a domain of `pages`: 0 once the host has them free
 * (after asking others to give memory back and waiting up to
 * BALLOON_RECLAIM_NS), else -1 after a message saying how much is
 * missing.  Until balloon_room_done() the manager raises nobody's target.
 */
int balloon_make_room(uint64_t pages, const char *name, FILE *err);
void balloon_room_done(void);

/* xl mem-set / mem-max; 0, or -1 after a message. */
int balloon_mem_set(domid_t domid, uint64_t kb, FILE *err);
int balloon_mem_max(domid_t domid, uint64_t kb, FILE *err);

/*
 * xl balloon-policy: change what is given (NULL: keep it) -- the host
 * reserve, and whether memory moves from guests reporting more than
 * headroom free toward guests reporting less (off at start) -- and print
 * the settings.  0, or -1 after a message (a reserve above the host's
 * memory).
 */
int balloon_policy(const uint64_t *reserve_kb, const bool *shift,
                   const uint64_t *headroom_kb, FILE *out, FILE *err);

/* xl balloon-status: a row per domain and the host's free memory. */
void balloon_print_status(FILE *out);
/* Rebalance now and wait until every domain not excluded holds its
 * target within 1 MiB: the ns that took, or -1 after timeout_ns. */
int64_t balloon_wait(uint64_t timeout_ns);

#endif /* DOM0_BALLOON_H */
