/*
 * The balloon manager's arithmetic, in the spirit of XAPI's squeezed:
 * who gets how much memory, which guests do not follow their targets,
 * and what to take from whom before `xl create`.
 *
 * Every figure is in pages (4 KiB).  Each domain has a static maximum
 * (maxmem, the hypervisor's max_pages) and a dynamic range
 * [dyn_min, dyn_max] within it; its target always stays in that range.
 *
 * The proportional policy: with host free memory F and a reserve R, the
 * memory the participating ("active") domains may hold between them is
 *
 *     P = F - R + sum(actual of the active domains)
 *
 * and each gets dyn_min plus the same fraction of its (dyn_max - dyn_min)
 * range that P allows, rounded down, so the targets never add up to more
 * than P: once everybody has reached its target the host still has R
 * free.  Excluded domains (stuck or uncooperative) are left out of the
 * split: their memory counts as used, and their target is never raised
 * above what they hold, so they cannot later eat into the others' share.
 *
 * Pure: no hypercalls, no global state (unit-tested on the host).
 */
#ifndef DOM0_BALLOON_POLICY_H
#define DOM0_BALLOON_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Inputs beyond this are clamped (4 PiB of 4 KiB pages). */
#define BP_MAX_PAGES   (1ull << 40)
#define BP_MAX_DOMAINS 4096u
#define BP_NO_FREE     UINT64_MAX      /* the guest reports no free memory */

struct bp_dom {
    /* In. */
    uint32_t domid;
    uint64_t static_max;
    uint64_t dyn_min, dyn_max;
    uint64_t target;            /* the target it has now */
    uint64_t actual;            /* pages it holds now */
    uint64_t free;              /* idle pages it reports, or BP_NO_FREE */
    bool excluded;              /* stuck or uncooperative */
    /* Out. */
    uint64_t new_target;
};

/* The range a domain's targets stay in, made consistent: dyn_max at most
 * static_max, dyn_min at most dyn_max (so a bad min > max can never give
 * a target above the hypervisor's limit). */
void bp_range(const struct bp_dom *d, uint64_t *min, uint64_t *max);

struct bp_params {
    uint64_t host_free;         /* F */
    uint64_t reserve;           /* R */
    /* Shift memory from guests reporting more than `headroom` free pages
     * toward guests reporting less (0: plain proportional split). */
    bool shift_idle;
    uint64_t headroom;
};

struct bp_summary {
    uint64_t pool;              /* P (0 if negative) */
    uint64_t sum_min, sum_range;
    uint64_t assigned;          /* sum of the active domains' targets */
    uint64_t missing;           /* P short of sum_min (targets at dyn_min) */
    uint32_t fraction_ppm;      /* the share of each range given, 0..1e6 */
    uint64_t shifted;           /* pages moved from idle to busy guests */
};

/*
 * New targets (d[i].new_target) for n domains.  Returns 0, or -XEN_EINVAL
 * if n is above BP_MAX_DOMAINS (nothing is written then).  s may be NULL.
 */
int bp_compute(struct bp_dom *d, size_t n, const struct bp_params *p,
               struct bp_summary *s);

/* ---- Following a guest over time ---------------------------------------- */

enum bp_state { BP_OK, BP_STUCK, BP_UNCOOPERATIVE };

struct bp_timeouts {
    uint64_t stuck_ns;          /* no progress this long: stuck */
    uint64_t uncoop_ns;         /* ... and this long: uncooperative */
    uint64_t tolerance;         /* within this many pages is "reached" */
};

/* Defaults: stuck after 5 s, uncooperative after 20 s, 1 MiB tolerance. */
extern const struct bp_timeouts bp_default_timeouts;

struct bp_watch {
    bool started;
    enum bp_state state;
    uint64_t last_actual;
    uint64_t since_ns;          /* last time at target or moving toward it */
};

/*
 * One sample of a domain: its target and actual pages at time now_ns.
 * A guest makes progress when its actual moved toward its target since
 * the previous sample; one at its target (within tolerance) is fine.  A
 * guest that neither reaches nor moves becomes stuck after stuck_ns and
 * uncooperative after uncoop_ns; progress makes it ok again.  A stuck or
 * uncooperative guest whose target was moved onto what it holds stays as
 * it is until it moves: reaching a target nobody asked it to move to
 * proves nothing.  Returns the new state.
 */
enum bp_state bp_watch_sample(struct bp_watch *w, const struct bp_timeouts *t,
                              uint64_t now_ns, uint64_t target,
                              uint64_t actual);
/*
 * A sample taken while the guest is below its target and the host has
 * no free memory to give it (at most tolerance pages): it waits for the
 * host, which is not its fault, so its clock does not run and its state
 * stays as it was.  Returns that state.
 */
enum bp_state bp_watch_wait(struct bp_watch *w, uint64_t now_ns,
                            uint64_t actual);
const char *bp_state_name(enum bp_state s);      /* "ok", "stuck", ... */

/* ---- Making room for a new domain --------------------------------------- */

/*
 * Before creating a domain of `need` pages: the targets (new_target) that
 * leave need + reserve free once reached.  If the host has that free
 * already, counting the pages domains are still growing into, targets
 * stay as they are.  Otherwise the active domains give in proportion, as
 * bp_compute would split what is left, but nobody is asked to grow
 * (beyond dyn_min, if below it) nor to go below dyn_min.  Returns how many
 * pages would still be missing with everybody at dyn_min (0: the plan
 * works); with a shortfall every target stays as it is, so a create that
 * cannot succeed disturbs nobody.  Excluded domains give nothing.  With
 * more than BP_MAX_DOMAINS domains nothing is planned and all of `need`
 * is reported missing.
 */
uint64_t bp_plan_reclaim(struct bp_dom *d, size_t n, uint64_t host_free,
                         uint64_t reserve, uint64_t need);

/* Pages -> MiB, rounded up (for "N MiB missing"). */
static inline uint64_t bp_pages_to_mib_up(uint64_t pages)
{
    return pages / 256 + (pages % 256 != 0);
}

#endif /* DOM0_BALLOON_POLICY_H */
