/*
 * The balloon manager's xl commands (see balloon.h): mem-set, mem-max,
 * balloon-policy, balloon-status and its wait.
 */
#include <string.h>

#include <guest/guest.h>
#include <guest/time.h>

#include "balloon_int.h"
#include "dom.h"
#include "xc.h"
#include "xen_errno.h"

#define WAIT_STEP_NS  (10ull * 1000 * 1000)

/* The domain's entry, or NULL after xl's message. */
static struct bm_dom *followed(domid_t domid, const char *cmd, FILE *err)
{
    struct bm_dom *d = bm_find(domid);

    if (!d)
        fprintf(err, "xl %s: domain %u is not followed by the balloon "
                "manager\n", cmd, domid);
    return d;
}

/* Domain-0's ceiling: what it booted with (a lower mem-max can be raised
 * back to it; it has no physmap to grow into beyond). */
static uint64_t dom0_booted(void)
{
    struct balloon_dom0 r;

    balloon_dom0_range(&r);
    return r.booted;
}

/* xl mem-set DOM auto: back to the manager, if it has a range to use. */
static int mem_auto(struct bm_dom *d, FILE *err)
{
    d->admin = false;
    if (!bm_managed(d)) {
        fprintf(err, "xl mem-set: domain %u has no dynamic range "
                "(memory_min / memory_dynamic_max in its xl.cfg%s): its "
                "target stays at %llu MiB\n", d->domid,
                d->domid ? ", or xl balloon-policy -a on" : "; dom0_mem=min:,max: for Domain-0",
                (unsigned long long)bm_mib(d->target));
        return 0;
    }
    bm_kick();
    bm_rebalance();
    return 0;
}

int balloon_mem_set(domid_t domid, uint64_t kb, FILE *err)
{
    struct bm_dom *d = followed(domid, "mem-set", err);
    uint64_t pages = kb / KIB_PER_PAGE;

    if (!d)
        return -1;
    if (kb == BALLOON_AUTO)
        return mem_auto(d, err);
    if (pages > d->static_max) {
        fprintf(err, "xl mem-set: %llu MiB is above the domain's maxmem "
                "(%llu MiB): memory_dynamic_max must be less than or equal "
                "to memory_static_max\n",
                (unsigned long long)bp_pages_to_mib_up(pages),
                (unsigned long long)bm_mib(d->static_max));
        return -1;
    }
    if (domid == 0 && pages < BALLOON_DOM0_MIN_MIB * PAGES_PER_MIB) {
        fprintf(err, "xl mem-set: new target %llu MiB for dom0 is below the "
                "minimum threshold (%u MiB)\n",
                (unsigned long long)bm_mib(pages), BALLOON_DOM0_MIN_MIB);
        return -1;
    }
    d->admin = true;
    bm_set_target(d, pages);
    bm_kick();
    bm_rebalance();
    return 0;
}

int balloon_mem_max(domid_t domid, uint64_t kb, FILE *err)
{
    struct bm_dom *d = followed(domid, "mem-max", err);
    uint64_t pages = kb / KIB_PER_PAGE;
    int rc;

    if (!d)
        return -1;
    if (pages < d->target) {
        fprintf(err, "xl mem-max: %llu MiB is below the domain's target "
                "(%llu MiB): memory_static_max must be greater than or "
                "equal to memory_dynamic_max\n",
                (unsigned long long)bm_mib(pages),
                (unsigned long long)bm_mib(d->target));
        return -1;
    }
    if (domid == 0 && pages > dom0_booted()) {
        fprintf(err, "xl mem-max: Domain-0 cannot grow beyond the %llu MiB "
                "it booted with\n", (unsigned long long)bm_mib(dom0_booted()));
        return -1;
    }
    if (domid && (rc = xc_domain_max_mem(domid, kb + BALLOON_MAXMEM_SLACK_KB))) {
        fprintf(err, "xl mem-max: cannot set the limit: %s\n",
                xc_strerror(rc));
        return -1;
    }
    d->static_max = pages;
    bm_write_node(domid, "static-max", pages);
    bm_kick();
    bm_rebalance();
    return 0;
}

int balloon_policy(const struct balloon_settings *s, FILE *out, FILE *err)
{
    struct xen_sysctl_physinfo pi;
    struct bm_policy *p = &bm_policy;

    if (s->reserve_kb && !xc_physinfo(&pi) &&
        *s->reserve_kb / KIB_PER_PAGE > pi.total_pages) {
        fprintf(err, "xl balloon-policy: a reserve of %llu MiB is more than "
                "the host has (%llu MiB)\n",
                (unsigned long long)(*s->reserve_kb / 1024),
                (unsigned long long)bm_mib(pi.total_pages));
        return -1;
    }
    if (s->reserve_kb)
        p->reserve = *s->reserve_kb / KIB_PER_PAGE;
    if (s->shift)
        p->shift_idle = *s->shift;
    if (s->headroom_kb)
        p->headroom = *s->headroom_kb / KIB_PER_PAGE;
    if (s->manage_all)
        p->manage_all = *s->manage_all;
    bm_kick();
    fprintf(out, "reserve: %llu MiB\nshift idle memory: %s (headroom %llu "
            "MiB)\nmanage every domain: %s\n",
            (unsigned long long)bm_mib(p->reserve),
            p->shift_idle ? "on" : "off", (unsigned long long)bm_mib(p->headroom),
            p->manage_all ? "on" : "off");
    return 0;
}

/* ---- xl balloon-status --------------------------------------------------- */

static uint64_t gap(const struct bm_dom *d)
{
    return d->actual > d->target ? d->actual - d->target
                                 : d->target - d->actual;
}

static bool reached(const struct bm_dom *d)
{
    return gap(d) <= bp_default_timeouts.tolerance;
}

/* What status shows of d's following: its watch's state, or "short" for
 * one that is below its target while the host has not the memory. */
static const char *state_of(const struct bm_dom *d, uint64_t host_free)
{
    if (!reached(d) && d->target > d->actual &&
        host_free < d->target - d->actual && d->state == BP_OK)
        return "host-short";
    return bp_state_name(d->state);
}

static const char *set_by(const struct bm_dom *d)
{
    return d->admin ? "mem-set" : bm_managed(d) ? "policy" : "xl.cfg";
}

static void status_row(FILE *out, const struct bm_dom *d, uint64_t host_free)
{
    const struct dom *dd = dom_find(d->domid);
    struct bp_dom r = { .static_max = d->static_max, .dyn_min = d->cfg_min,
                        .dyn_max = d->cfg_max };
    uint64_t lo, hi;

    bp_range(&r, &lo, &hi);
    fprintf(out, "%-32s %5u %8llu %8llu %8llu %8llu %8llu  %-13s %s\n",
            dd ? dd->name : "?", d->domid, (unsigned long long)bm_mib(d->target),
            (unsigned long long)bm_mib(d->actual),
            (unsigned long long)bm_mib(lo), (unsigned long long)bm_mib(hi),
            (unsigned long long)bm_mib(d->static_max), state_of(d, host_free),
            d->domid || d->admin || bm_managed(d) ? set_by(d) : "boot");
}

void balloon_print_status(FILE *out)
{
    uint64_t host_free = xc_free_pages();
    size_t n = 0, excluded = 0;

    fprintf(out, "%-32s %5s %8s %8s %8s %8s %8s  %-13s %s\n", "Name", "ID",
            "Target", "Actual", "Dyn-min", "Dyn-max", "Maxmem", "State",
            "Set by");
    for (unsigned int i = 0; i < DOM_MAX; i++) {
        struct bm_dom *d = &bm_doms[i];

        if (!d->used || !bm_sample(d))
            continue;
        status_row(out, d, host_free);
        excluded += d->state != BP_OK;
        n++;
    }
    fprintf(out, "Host free memory: %llu MiB (reserve %llu MiB); %zu of %zu "
            "domain(s) excluded as stuck or uncooperative\n",
            (unsigned long long)bm_mib(host_free),
            (unsigned long long)bm_mib(bm_policy.reserve), excluded, n);
    if (bm_policy.shift_idle)
        fprintf(out, "Idle memory shifted to busy guests: %llu MiB\n",
                (unsigned long long)bm_mib(bm_rounds.shifted));
}

/* Whether d counts as settled: it holds its target, or is in the state
 * the wait excuses. */
static bool settled(const struct bm_dom *d, unsigned int until,
                    uint64_t host_free)
{
    if ((until & BALLOON_UNTIL_STUCK) && d->state == BP_STUCK)
        return true;
    if ((until & BALLOON_UNTIL_UNCOOP) && d->state == BP_UNCOOPERATIVE)
        return true;
    if ((until & BALLOON_UNTIL_HOST_SHORT) &&
        !strcmp(state_of(d, host_free), "host-short"))
        return true;
    return reached(d);
}

/* Whether every domain is settled; if not and err is given, a line
 * naming each that is not. */
static bool all_settled(unsigned int until, FILE *err,
                        uint64_t timeout_ns)
{
    uint64_t host_free = xc_free_pages();
    bool all = true;

    for (unsigned int i = 0; i < DOM_MAX; i++) {
        struct bm_dom *d = &bm_doms[i];
        const struct dom *dd;

        if (!d->used || !bm_sample(d) || settled(d, until, host_free))
            continue;
        if (err && all)
            fprintf(err, "Targets not reached after %llu s:\n",
                    (unsigned long long)(timeout_ns / G_NS_PER_SEC));
        all = false;
        if (!err)
            return false;
        dd = dom_find(d->domid);
        fprintf(err, "  %s (%u): holds %llu MiB, target %llu MiB (%s)\n",
                dd ? dd->name : "?", d->domid,
                (unsigned long long)bm_mib(d->actual),
                (unsigned long long)bm_mib(d->target), state_of(d, host_free));
    }
    return all;
}

/* Whether a round after round `since` shifted idle memory, if asked. */
static bool shifted_since(unsigned int until, uint64_t since)
{
    return !(until & BALLOON_UNTIL_SHIFTED) || bm_rounds.last_shift > since;
}

int balloon_wait(uint64_t timeout_ns, unsigned int until,
                 uint64_t *took, FILE *err)
{
    uint64_t start = g_now_ns(), deadline = start + timeout_ns;
    uint64_t since = bm_rounds.count;

    bm_kick();
    bm_rebalance();
    while (!(shifted_since(until, since) && all_settled(until, NULL, 0)) &&
           g_now_ns() < deadline)
        dom0_idle(g_now_ns() + WAIT_STEP_NS);
    *took = g_now_ns() - start;
    if (!shifted_since(until, since)) {
        fprintf(err, "No idle memory shifted to a busy guest in %llu s\n",
                (unsigned long long)(timeout_ns / G_NS_PER_SEC));
        return -1;
    }
    return all_settled(until, err, timeout_ns) ? 0 : -1;
}
