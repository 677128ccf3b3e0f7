/*
 * The balloon manager (see balloon.h): per-domain ranges, sampling,
 * targets in xenstore, room for new domains, xl mem-set / mem-max /
 * balloon-status.  The arithmetic is balloon_policy.c's.
 */
#include <stdlib.h>
#include <string.h>

#include <guest/pt.h>
#include <guest/time.h>

#include "balloon.h"
#include "balloon_policy.h"
#include "dom.h"
#include "xc.h"
#include "xsd.h"
#include "xen_errno.h"

#define PAGES_PER_MIB 256u
#define KIB_PER_PAGE  4u
#define WAIT_STEP_NS  (10ull * 1000 * 1000)

struct bm_dom {
    bool used;
    domid_t domid;
    uint64_t static_max;                /* pages (maxmem, xl mem-max) */
    uint64_t cfg_min, cfg_max;          /* memory_min, memory_dynamic_max */
    uint64_t pinned;                    /* xl mem-set's target; 0: none */
    uint64_t target, actual, free;      /* free: BP_NO_FREE if unknown */
    enum bp_state state;
    struct bp_watch watch;
};

static struct bm_dom doms[DOM_MAX];
static uint64_t reserve = BALLOON_RESERVE_MIB * PAGES_PER_MIB;
static bool shift_idle;
static uint64_t headroom = BALLOON_HEADROOM_MIB * PAGES_PER_MIB;
static uint64_t next_round_ns;
static bool hold;                       /* making room: raise nobody */

static struct bm_dom *find(domid_t domid)
{
    for (unsigned int i = 0; i < DOM_MAX; i++)
        if (doms[i].used && doms[i].domid == domid)
            return &doms[i];
    return NULL;
}

static uint64_t mib(uint64_t pages)
{
    return pages / PAGES_PER_MIB;
}

/* ---- xenstore ----------------------------------------------------------- */

static void write_node(domid_t domid, const char *key, uint64_t pages)
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

static void set_target(struct bm_dom *d, uint64_t pages)
{
    if (pages == d->target)
        return;
    d->target = pages;
    write_node(d->domid, "target", pages);
}

/* ---- Domains ------------------------------------------------------------ */

void balloon_add(domid_t domid, const struct xlcfg *cfg)
{
    struct bm_dom *d = find(domid);

    for (unsigned int i = 0; !d && i < DOM_MAX; i++)
        if (!doms[i].used)
            d = &doms[i];
    if (!d || !cfg)
        return;
    *d = (struct bm_dom){
        .used = true, .domid = domid,
        .static_max = cfg->maxmem_mb * PAGES_PER_MIB,
        .cfg_min = cfg->memory_min_mb * PAGES_PER_MIB,
        .cfg_max = cfg->memory_dynamic_max_mb * PAGES_PER_MIB,
        .target = cfg->memory_mb * PAGES_PER_MIB,
        .actual = cfg->memory_mb * PAGES_PER_MIB, .free = BP_NO_FREE,
    };
    next_round_ns = 0;                  /* rebalance at the next chance */
}

void balloon_remove(domid_t domid)
{
    struct bm_dom *d = find(domid);

    if (d)
        d->used = false;
    next_round_ns = 0;
}

/* Refresh what d holds; false if the domain has gone. */
static bool sample(struct bm_dom *d)
{
    xc_dominfo_t info;

    if (xc_domain_info(d->domid, &info) || info.domain != d->domid ||
        (info.flags & XEN_DOMINF_dying)) {
        d->used = false;
        return false;
    }
    d->actual = info.tot_pages;
    d->free = read_free(d->domid);
    return true;
}

/* The policy's view of d: a pinned target is a range of one value. */
static struct bp_dom policy_view(const struct bm_dom *d)
{
    struct bp_dom p = {
        .domid = d->domid, .static_max = d->static_max,
        .dyn_min = d->pinned ? d->pinned : d->cfg_min,
        .dyn_max = d->pinned ? d->pinned : d->cfg_max,
        .target = d->target, .actual = d->actual, .free = d->free,
        .excluded = d->state != BP_OK,
    };
    return p;
}

/* The managed domains, sampled, into v[] (their entries into ds[]). */
static size_t gather(struct bp_dom *v, struct bm_dom **ds, bool watch)
{
    uint64_t now = g_now_ns();
    size_t n = 0;

    for (unsigned int i = 0; i < DOM_MAX; i++) {
        struct bm_dom *d = &doms[i];

        if (!d->used || !sample(d))
            continue;
        if (watch)
            d->state = bp_watch_sample(&d->watch, &bp_default_timeouts, now,
                                       d->target, d->actual);
        ds[n] = d;
        v[n++] = policy_view(d);
    }
    return n;
}

static struct bp_dom view[DOM_MAX];
static struct bm_dom *owner[DOM_MAX];

static void rebalance(void)
{
    struct bp_params p = { .reserve = reserve, .shift_idle = shift_idle,
                           .headroom = headroom };
    size_t n = gather(view, owner, true);

    if (!n)
        return;
    p.host_free = xc_free_pages();
    if (bp_compute(view, n, &p, NULL))
        return;
    for (size_t i = 0; i < n; i++) {
        uint64_t t = view[i].new_target;

        if (hold && t > owner[i]->target)
            t = owner[i]->target;
        set_target(owner[i], t);
    }
}

uint64_t balloon_due(void)
{
    for (unsigned int i = 0; i < DOM_MAX; i++)
        if (doms[i].used)
            return next_round_ns ? next_round_ns : 1;
    return 0;
}

void balloon_background(void)
{
    uint64_t now = g_now_ns();

    if (now < next_round_ns)
        return;
    next_round_ns = now + BALLOON_PERIOD_NS;
    rebalance();
}

/* ---- Room for a new domain ---------------------------------------------- */

static uint64_t plan(uint64_t free, uint64_t pages, size_t *n)
{
    uint64_t missing;

    *n = gather(view, owner, false);
    missing = bp_plan_reclaim(view, *n, free, reserve, pages);
    if (missing)                        /* enough for the domain alone? */
        missing = bp_plan_reclaim(view, *n, free, 0, pages);
    return missing;
}

int balloon_make_room(uint64_t pages, const char *name, FILE *err)
{
    uint64_t free = xc_free_pages(), missing, deadline;
    size_t n;

    if (free >= pages)
        return 0;
    hold = true;
    if ((missing = plan(free, pages, &n))) {
        uint64_t can = pages - free - missing;

        fprintf(err, "not enough memory for domain \"%s\": memory = %llu MiB, "
                "the host has %llu MiB free", name,
                (unsigned long long)bp_pages_to_mib_up(pages),
                (unsigned long long)mib(free));
        if (can)
            fprintf(err, " and the other domains can give back %llu MiB",
                    (unsigned long long)mib(can));
        fprintf(err, " (%llu MiB missing)\n",
                (unsigned long long)bp_pages_to_mib_up(missing));
        hold = false;
        return -1;
    }
    fprintf(err, "asking other domains to give back %llu MiB for \"%s\"\n",
            (unsigned long long)bp_pages_to_mib_up(pages - free), name);
    for (size_t i = 0; i < n; i++)
        set_target(owner[i], view[i].new_target);
    deadline = g_now_ns() + BALLOON_RECLAIM_NS;
    while ((free = xc_free_pages()) < pages && g_now_ns() < deadline)
        dom0_idle(g_now_ns() + WAIT_STEP_NS);
    if (free >= pages)
        return 0;
    fprintf(err, "not enough memory for domain \"%s\": the other domains did "
            "not give back enough within %llu s (%llu MiB missing)\n", name,
            (unsigned long long)(BALLOON_RECLAIM_NS / 1000000000ull),
            (unsigned long long)bp_pages_to_mib_up(pages - free));
    hold = false;
    next_round_ns = 0;
    return -1;
}

void balloon_room_done(void)
{
    hold = false;
    next_round_ns = 0;
}

/* ---- xl mem-set / mem-max ------------------------------------------------ */

static struct bm_dom *managed(domid_t domid, const char *cmd, FILE *err)
{
    struct bm_dom *d = find(domid);

    if (!d)
        fprintf(err, "xl %s: domain %u is not ballooned by dom0\n", cmd,
                domid);
    return d;
}

/* Would pinning d at pages leave the others room?  Pages missing if not. */
static uint64_t pin_missing(struct bm_dom *d, uint64_t pages)
{
    uint64_t old = d->pinned, missing = 0;
    struct bp_params p = { .reserve = reserve };
    struct bp_summary s;
    size_t n;

    d->pinned = pages;
    n = gather(view, owner, false);
    p.host_free = xc_free_pages();
    if (bp_compute(view, n, &p, &s) == 0)
        missing = s.missing;
    d->pinned = old;
    return missing;
}

int balloon_mem_set(domid_t domid, uint64_t kb, FILE *err)
{
    struct bm_dom *d = managed(domid, "mem-set", err);
    uint64_t pages = kb / KIB_PER_PAGE, missing;

    if (!d)
        return -1;
    if (pages < d->cfg_min) {
        fprintf(err, "xl mem-set: %llu MiB is below the domain's memory_min "
                "(%llu MiB)\n", (unsigned long long)mib(pages),
                (unsigned long long)mib(d->cfg_min));
        return -1;
    }
    if (pages > d->static_max) {
        fprintf(err, "xl mem-set: %llu MiB is above the domain's maxmem "
                "(%llu MiB)\n", (unsigned long long)bp_pages_to_mib_up(pages),
                (unsigned long long)mib(d->static_max));
        return -1;
    }
    if (pages > d->actual && (missing = pin_missing(d, pages))) {
        fprintf(err, "xl mem-set: not enough free memory for %llu MiB "
                "(%llu MiB missing)\n", (unsigned long long)mib(pages),
                (unsigned long long)bp_pages_to_mib_up(missing));
        return -1;
    }
    d->pinned = pages;
    next_round_ns = 0;
    rebalance();
    return 0;
}

int balloon_mem_max(domid_t domid, uint64_t kb, FILE *err)
{
    struct bm_dom *d = managed(domid, "mem-max", err);
    uint64_t pages = kb / KIB_PER_PAGE;
    int rc;

    if (!d)
        return -1;
    if (pages < d->cfg_min) {
        fprintf(err, "xl mem-max: %llu MiB is below the domain's memory_min "
                "(%llu MiB)\n", (unsigned long long)mib(pages),
                (unsigned long long)mib(d->cfg_min));
        return -1;
    }
    if ((rc = xc_domain_max_mem(domid, kb))) {
        fprintf(err, "xl mem-max: cannot set the limit: %s\n",
                g_errno_name(rc) ? g_errno_name(rc) : "error");
        return -1;
    }
    d->static_max = pages;
    if (d->pinned > pages)
        d->pinned = pages;
    write_node(domid, "static-max", pages);
    next_round_ns = 0;
    rebalance();
    return 0;
}

/* ---- xl balloon-policy --------------------------------------------------- */

int balloon_policy(const uint64_t *reserve_kb, const bool *shift,
                   const uint64_t *headroom_kb, FILE *out, FILE *err)
{
    struct xen_sysctl_physinfo pi;

    if (reserve_kb && !xc_physinfo(&pi) &&
        *reserve_kb / KIB_PER_PAGE > pi.total_pages) {
        fprintf(err, "xl balloon-policy: a reserve of %llu MiB is more than "
                "the host has (%llu MiB)\n",
                (unsigned long long)(*reserve_kb / 1024),
                (unsigned long long)mib(pi.total_pages));
        return -1;
    }
    if (reserve_kb)
        reserve = *reserve_kb / KIB_PER_PAGE;
    if (shift)
        shift_idle = *shift;
    if (headroom_kb)
        headroom = *headroom_kb / KIB_PER_PAGE;
    next_round_ns = 0;
    fprintf(out, "reserve: %llu MiB\nshift idle memory: %s (headroom %llu "
            "MiB)\n", (unsigned long long)mib(reserve),
            shift_idle ? "on" : "off", (unsigned long long)mib(headroom));
    return 0;
}

/* ---- xl balloon-status --------------------------------------------------- */

/* Every domain still followed holds its target, within the tolerance. */
static bool converged(void)
{
    size_t n = gather(view, owner, false);

    for (size_t i = 0; i < n; i++) {
        const struct bm_dom *d = owner[i];
        uint64_t gap = d->actual > d->target ? d->actual - d->target
                                             : d->target - d->actual;

        if (d->state == BP_OK && gap > bp_default_timeouts.tolerance)
            return false;
    }
    return true;
}

int64_t balloon_wait(uint64_t timeout_ns)
{
    uint64_t start = g_now_ns(), deadline = start + timeout_ns;

    next_round_ns = 0;
    rebalance();
    next_round_ns = start + BALLOON_PERIOD_NS;
    while (!converged()) {
        if (g_now_ns() >= deadline)
            return -1;
        dom0_idle(g_now_ns() + WAIT_STEP_NS);
    }
    return (int64_t)(g_now_ns() - start);
}

void balloon_print_status(FILE *out)
{
    size_t n = gather(view, owner, false), excluded = 0;

    fprintf(out, "%-32s %5s %8s %8s %8s %8s %8s  %-13s %s\n", "Name", "ID",
            "Target", "Actual", "Dyn-min", "Dyn-max", "Maxmem", "State",
            "Set by");
    for (size_t i = 0; i < n; i++) {
        const struct bm_dom *d = owner[i];
        const struct dom *dd = dom_find(d->domid);
        struct bp_dom cfg = view[i];
        uint64_t lo, hi;

        cfg.dyn_min = d->cfg_min;       /* the configured range, pinned or not */
        cfg.dyn_max = d->cfg_max;
        bp_range(&cfg, &lo, &hi);
        excluded += d->state != BP_OK;
        fprintf(out, "%-32s %5u %8llu %8llu %8llu %8llu %8llu  %-13s %s\n",
                dd ? dd->name : "?", d->domid,
                (unsigned long long)mib(d->target),
                (unsigned long long)mib(d->actual),
                (unsigned long long)mib(lo), (unsigned long long)mib(hi),
                (unsigned long long)mib(d->static_max),
                bp_state_name(d->state), d->pinned ? "mem-set" : "policy");
    }
    fprintf(out, "Host free memory: %llu MiB (reserve %llu MiB); %zu of %zu "
            "domain(s) excluded as stuck or uncooperative\n",
            (unsigned long long)mib(xc_free_pages()),
            (unsigned long long)mib(reserve), excluded, n);
}
