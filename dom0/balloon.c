/*
 * The balloon manager (see balloon.h): the domains it follows, sampling,
 * targets in xenstore, rebalancing, and room for new domains.  The xl
 * commands are balloon_cmd.c's, the arithmetic balloon_policy.c's.
 */
#include <stdlib.h>
#include <string.h>

#include <guest/pt.h>
#include <guest/time.h>

#include "balloon_int.h"
#include "dom.h"
#include "xc.h"
#include "xsd.h"
#include "xen_errno.h"

#define WAIT_STEP_NS  (10ull * 1000 * 1000)

struct bm_dom bm_doms[DOM_MAX];
struct bm_policy bm_policy = {
    .reserve = BALLOON_RESERVE_MIB * PAGES_PER_MIB,
    .headroom = BALLOON_HEADROOM_MIB * PAGES_PER_MIB,
};
struct bm_rounds bm_rounds;
static uint64_t next_round_ns;
static uint64_t dom0_next_ns;           /* dom0's own driver: 0 = idle */
static bool hold;                       /* making room: raise nobody */

struct bm_dom *bm_find(domid_t domid)
{
    for (unsigned int i = 0; i < DOM_MAX; i++)
        if (bm_doms[i].used && bm_doms[i].domid == domid)
            return &bm_doms[i];
    return NULL;
}

bool bm_managed(const struct bm_dom *d)
{
    return !d->admin && (d->ranged || (bm_policy.manage_all && d->domid));
}

void bm_kick(void)
{
    next_round_ns = 0;
}

/* ---- xenstore ----------------------------------------------------------- */

void bm_write_node(domid_t domid, const char *key, uint64_t pages)
{
    char path[64];

    snprintf(path, sizeof(path), "/local/domain/%u/memory/%s", domid, key);
    xsd_printf(path, "%llu", (unsigned long long)(pages * KIB_PER_PAGE));
}

/* memory/free-kb as pages, or BP_NO_FREE. */
static uint64_t read_free(domid_t domid)
{
    char path[64], buf[32], *end;
    unsigned long long kb;

    snprintf(path, sizeof(path), "/local/domain/%u/memory/free-kb", domid);
    if (xsd_read(path, buf, sizeof(buf)) <= 0)
        return BP_NO_FREE;
    kb = strtoull(buf, &end, 10);
    return *end ? BP_NO_FREE : kb / KIB_PER_PAGE;
}

void bm_set_target(struct bm_dom *d, uint64_t pages)
{
    if (pages == d->target)
        return;
    d->target = pages;
    if (d->domid == 0)
        bm_write_node(0, "static-max", d->static_max);
    bm_write_node(d->domid, "target", pages);
    if (d->domid == 0 && balloon_dom0_target(pages) == 0)
        dom0_next_ns = 1;               /* dom0 moves it from now on */
}

/* ---- Domains ------------------------------------------------------------ */

static struct bm_dom *new_entry(domid_t domid)
{
    struct bm_dom *d = bm_find(domid);

    for (unsigned int i = 0; !d && i < DOM_MAX; i++)
        if (!bm_doms[i].used)
            d = &bm_doms[i];
    return d;
}

void balloon_manager_init(void)
{
    struct bm_dom *d = new_entry(0);
    struct balloon_dom0 r;
    uint64_t floor = BALLOON_DOM0_MIN_MIB * PAGES_PER_MIB;

    balloon_dom0_range(&r);
    *d = (struct bm_dom){
        .used = true, .domid = 0, .static_max = r.booted,
        .cfg_min = r.min > floor ? r.min : floor, .cfg_max = r.max,
        .ranged = r.ranged, .target = r.booted, .actual = r.booted,
        .free = BP_NO_FREE,
    };
    /* Its memory/ nodes appear with its first target, as libxl writes
     * them on dom0's first mem-set. */
}

void balloon_add(domid_t domid, const struct xlcfg *cfg)
{
    struct bm_dom *d = new_entry(domid);

    if (!d || !cfg)
        return;
    *d = (struct bm_dom){
        .used = true, .domid = domid,
        .static_max = cfg->maxmem_mb * PAGES_PER_MIB,
        .cfg_min = cfg->memory_min_mb * PAGES_PER_MIB,
        .cfg_max = cfg->memory_dynamic_max_mb * PAGES_PER_MIB,
        .ranged = cfg->dynamic_range,
        .target = cfg->memory_mb * PAGES_PER_MIB,
        .actual = cfg->memory_mb * PAGES_PER_MIB, .free = BP_NO_FREE,
    };
    bm_kick();
}

void balloon_remove(domid_t domid)
{
    struct bm_dom *d = bm_find(domid);

    if (d && domid)
        d->used = false;
    bm_kick();
}

bool bm_sample(struct bm_dom *d)
{
    xc_dominfo_t info;

    if (xc_domain_info(d->domid, &info) || info.domain != d->domid ||
        (info.flags & XEN_DOMINF_dying)) {
        d->used = d->domid == 0;
        return d->used;
    }
    d->actual = info.tot_pages;
    d->free = d->domid ? read_free(d->domid) : BP_NO_FREE;
    return true;
}

/* The policy's view of d: the range it may be moved in, or its target
 * alone for a domain the manager leaves as it is. */
static struct bp_dom policy_view(const struct bm_dom *d)
{
    bool managed = bm_managed(d);
    struct bp_dom p = {
        .domid = d->domid, .static_max = d->static_max,
        .dyn_min = managed ? d->cfg_min : d->target,
        .dyn_max = managed ? d->cfg_max : d->target,
        .target = d->target, .actual = d->actual, .free = d->free,
        .excluded = d->state != BP_OK,
    };
    return p;
}

/* Follow d over time; one below its target while the host has nothing
 * free waits for the host (it is not stuck). */
static void watch_sample(struct bm_dom *d, uint64_t now, uint64_t host_free)
{
    const struct bp_timeouts *t = &bp_default_timeouts;

    if (d->target > d->actual + t->tolerance && host_free <= t->tolerance)
        d->state = bp_watch_wait(&d->watch, now, d->actual);
    else
        d->state = bp_watch_sample(&d->watch, t, now, d->target, d->actual);
}

/* The domains, sampled, into v[] (their entries into ds[]). */
static size_t gather(struct bp_dom *v, struct bm_dom **ds, bool watch)
{
    uint64_t now = g_now_ns(), host_free = watch ? xc_free_pages() : 0;
    size_t n = 0;

    for (unsigned int i = 0; i < DOM_MAX; i++) {
        struct bm_dom *d = &bm_doms[i];

        if (!d->used || !bm_sample(d))
            continue;
        if (watch)
            watch_sample(d, now, host_free);
        ds[n] = d;
        v[n++] = policy_view(d);
    }
    return n;
}

static struct bp_dom view[DOM_MAX];
static struct bm_dom *owner[DOM_MAX];

void bm_rebalance(void)
{
    struct bp_params p = { .reserve = bm_policy.reserve,
                           .shift_idle = bm_policy.shift_idle,
                           .headroom = bm_policy.headroom };
    struct bp_summary sum;
    size_t n = gather(view, owner, true);

    p.host_free = xc_free_pages();
    if (!n || bp_compute(view, n, &p, &sum))
        return;
    bm_rounds.count++;
    bm_rounds.shifted = sum.shifted;
    if (sum.shifted)
        bm_rounds.last_shift = bm_rounds.count;
    for (size_t i = 0; i < n; i++) {
        uint64_t t = view[i].new_target;

        if (!bm_managed(owner[i]))
            continue;                   /* its target is someone's word */
        if (hold && t > owner[i]->target)
            t = owner[i]->target;
        bm_set_target(owner[i], t);
    }
}

/* Anything to follow: a domain besides dom0, or dom0 under the policy. */
static bool following(void)
{
    for (unsigned int i = 0; i < DOM_MAX; i++)
        if (bm_doms[i].used && (bm_doms[i].domid || bm_managed(&bm_doms[i])))
            return true;
    return false;
}

uint64_t balloon_due(void)
{
    uint64_t round = !following() ? 0 : next_round_ns ? next_round_ns : 1;

    if (dom0_next_ns && (!round || dom0_next_ns < round))
        return dom0_next_ns;
    return round;
}

void balloon_background(void)
{
    uint64_t now = g_now_ns();

    if (dom0_next_ns && now >= dom0_next_ns)
        dom0_next_ns = balloon_dom0_work();
    if (now < next_round_ns || !following())
        return;
    next_round_ns = now + BALLOON_PERIOD_NS;
    bm_rebalance();
}

/* ---- Room for a new domain ---------------------------------------------- */

static uint64_t plan(uint64_t free, uint64_t pages, size_t *n)
{
    uint64_t missing;

    *n = gather(view, owner, false);
    missing = bp_plan_reclaim(view, *n, free, bm_policy.reserve, pages);
    if (missing)                        /* enough for the domain alone? */
        missing = bp_plan_reclaim(view, *n, free, 0, pages);
    return missing;
}

static void say_missing(uint64_t pages, uint64_t free, uint64_t missing,
                        const char *name, FILE *err)
{
    uint64_t can = pages - free - missing;

    fprintf(err, "not enough memory for domain \"%s\": memory = %llu MiB, "
            "the host has %llu MiB free", name,
            (unsigned long long)bp_pages_to_mib_up(pages),
            (unsigned long long)bm_mib(free));
    if (can)
        fprintf(err, " and the other domains can give back %llu MiB",
                (unsigned long long)bm_mib(can));
    fprintf(err, " (%llu MiB missing)\n",
            (unsigned long long)bp_pages_to_mib_up(missing));
}

int balloon_make_room(uint64_t pages, const char *name, FILE *err)
{
    uint64_t free = xc_free_pages(), missing, deadline, best;
    size_t n;

    if (free >= pages)
        return 0;
    hold = true;
    if ((missing = plan(free, pages, &n))) {
        say_missing(pages, free, missing, name, err);
        hold = false;
        return -1;
    }
    fprintf(err, "asking other domains to give back %llu MiB for \"%s\"\n",
            (unsigned long long)bp_pages_to_mib_up(pages - free), name);
    for (size_t i = 0; i < n; i++)
        if (bm_managed(owner[i]))
            bm_set_target(owner[i], view[i].new_target);
    best = free;
    deadline = g_now_ns() + BALLOON_RECLAIM_NS;
    while ((free = xc_free_pages()) < pages && g_now_ns() < deadline) {
        if (free > best) {              /* still coming: wait on */
            best = free;
            deadline = g_now_ns() + BALLOON_RECLAIM_NS;
        }
        dom0_idle(g_now_ns() + WAIT_STEP_NS);
    }
    if (free >= pages)
        return 0;
    fprintf(err, "not enough memory for domain \"%s\": the other domains "
            "gave nothing back for %llu s (%llu MiB missing)\n", name,
            (unsigned long long)(BALLOON_RECLAIM_NS / 1000000000ull),
            (unsigned long long)bp_pages_to_mib_up(pages - free));
    hold = false;
    bm_kick();
    return -1;
}

void balloon_room_done(void)
{
    hold = false;
    bm_kick();
}
