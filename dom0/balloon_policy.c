/*
 * The balloon manager's arithmetic (see balloon_policy.h).
 *
 * Inputs are clamped to BP_MAX_PAGES first, so with at most
 * BP_MAX_DOMAINS domains no sum overflows 64 bits; the one product that
 * could (a range times the spare pool) is taken in 128 bits.
 */
#include "balloon_policy.h"
#include "xen_errno.h"

const struct bp_timeouts bp_default_timeouts = {
    .stuck_ns = 5000000000ull,
    .uncoop_ns = 20000000000ull,
    .tolerance = 256,
};

static uint64_t cap(uint64_t x)
{
    return x > BP_MAX_PAGES ? BP_MAX_PAGES : x;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static uint64_t clamp(uint64_t x, uint64_t lo, uint64_t hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* a * b / c, rounded down; c != 0 and the result fits (a <= c or b <= c). */
static uint64_t muldiv(uint64_t a, uint64_t b, uint64_t c)
{
    return (uint64_t)((unsigned __int128)a * b / c);
}

void bp_range(const struct bp_dom *d, uint64_t *min, uint64_t *max)
{
    *max = min64(cap(d->dyn_max), cap(d->static_max));
    *min = min64(cap(d->dyn_min), *max);
}

/* What an excluded domain is asked for: never more than it holds (so it
 * cannot surprise the others by growing), kept in its range. */
static uint64_t excluded_target(const struct bp_dom *d)
{
    uint64_t lo, hi;

    bp_range(d, &lo, &hi);
    return clamp(min64(cap(d->target), cap(d->actual)), lo, hi);
}

/* Pages an excluded domain may still take: up to dyn_min if below it. */
static uint64_t excluded_growth(const struct bp_dom *d)
{
    uint64_t t = excluded_target(d), a = cap(d->actual);

    return t > a ? t - a : 0;
}

/* ---- The proportional split --------------------------------------------- */

struct totals {
    uint64_t actual, min, range, growth;
};

/* Sums over the active domains; excluded ones get their target here. */
static struct totals add_up(struct bp_dom *d, size_t n)
{
    struct totals t = { 0, 0, 0, 0 };

    for (size_t i = 0; i < n; i++) {
        uint64_t lo, hi;

        bp_range(&d[i], &lo, &hi);
        if (d[i].excluded) {
            d[i].new_target = excluded_target(&d[i]);
            t.growth += excluded_growth(&d[i]);
            continue;
        }
        t.actual += cap(d[i].actual);
        t.min += lo;
        t.range += hi - lo;
    }
    return t;
}

/* Give each active domain min + range * extra / sum_range. */
static void split(struct bp_dom *d, size_t n, const struct totals *t,
                  uint64_t pool, struct bp_summary *s)
{
    uint64_t extra = pool > t->min ? pool - t->min : 0;

    if (extra > t->range)
        extra = t->range;
    s->pool = pool;
    s->sum_min = t->min;
    s->sum_range = t->range;
    s->missing = pool < t->min ? t->min - pool : 0;
    s->fraction_ppm = t->range ? (uint32_t)muldiv(extra, 1000000, t->range)
                               : (pool >= t->min ? 1000000 : 0);
    s->assigned = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t lo, hi;

        if (d[i].excluded)
            continue;
        bp_range(&d[i], &lo, &hi);
        d[i].new_target = lo + (t->range ? muldiv(hi - lo, extra, t->range) : 0);
        s->assigned += d[i].new_target;
    }
}

/* ---- Moving memory from idle guests to busy ones ------------------------ */

/* What an active guest reporting its free memory would like: what it
 * uses plus headroom, within its range.  Others want what they have. */
static uint64_t wanted(const struct bp_dom *d, uint64_t headroom)
{
    uint64_t lo, hi, used, a = cap(d->actual);

    if (d->excluded || d->free == BP_NO_FREE)
        return d->new_target;
    bp_range(d, &lo, &hi);
    used = a > cap(d->free) ? a - cap(d->free) : 0;
    return clamp(used + cap(headroom), lo, hi);
}

static void shift_idle(struct bp_dom *d, size_t n, uint64_t headroom,
                       struct bp_summary *s)
{
    uint64_t give = 0, room = 0, moved, given = 0;

    for (size_t i = 0; i < n; i++) {
        uint64_t w = wanted(&d[i], headroom), t = d[i].new_target;

        give += t > w ? t - w : 0;
        room += w > t ? w - t : 0;
    }
    moved = min64(give, room);
    if (!moved)
        return;
    for (size_t i = 0; i < n; i++) {
        uint64_t w = wanted(&d[i], headroom), t = d[i].new_target;

        if (t > w) {
            uint64_t g = muldiv(t - w, moved, give);

            d[i].new_target -= g;
            given += g;
        }
    }
    /* Only what was actually taken is handed out: the sum never grows. */
    for (size_t i = 0; i < n; i++) {
        uint64_t w = wanted(&d[i], headroom), t = d[i].new_target;

        if (w > t)
            d[i].new_target += muldiv(w - t, given, room);
    }
    s->shifted = given;
}

int bp_compute(struct bp_dom *d, size_t n, const struct bp_params *p,
               struct bp_summary *s)
{
    struct bp_summary local;
    struct totals t;
    uint64_t have, owed;

    if (n > BP_MAX_DOMAINS)
        return -XEN_EINVAL;
    if (!s)
        s = &local;
    *s = (struct bp_summary){ 0 };
    t = add_up(d, n);
    have = cap(p->host_free) + t.actual;
    owed = cap(p->reserve) + t.growth;
    split(d, n, &t, have > owed ? have - owed : 0, s);
    if (p->shift_idle && !s->missing)
        shift_idle(d, n, p->headroom, s);
    return 0;
}

/* ---- Following a guest over time ---------------------------------------- */

static uint64_t distance(uint64_t a, uint64_t b)
{
    return a > b ? a - b : b - a;
}

enum bp_state bp_watch_sample(struct bp_watch *w, const struct bp_timeouts *t,
                              uint64_t now_ns, uint64_t target,
                              uint64_t actual)
{
    uint64_t last = w->last_actual, elapsed;
    bool moved, reached;

    if (!w->started) {
        *w = (struct bp_watch){ .started = true, .state = BP_OK,
                                .last_actual = actual, .since_ns = now_ns };
        return BP_OK;
    }
    /* The guest's own movement, in the direction of its target. */
    moved = (target < last && actual < last) || (target > last && actual > last);
    reached = distance(target, actual) <= t->tolerance;
    w->last_actual = actual;
    if (moved || (reached && w->state == BP_OK)) {
        w->state = BP_OK;
        w->since_ns = now_ns;
        return BP_OK;
    }
    elapsed = now_ns > w->since_ns ? now_ns - w->since_ns : 0;
    if (elapsed >= t->uncoop_ns)
        w->state = BP_UNCOOPERATIVE;
    else if (elapsed >= t->stuck_ns && w->state == BP_OK)
        w->state = BP_STUCK;
    return w->state;
}

enum bp_state bp_watch_wait(struct bp_watch *w, uint64_t now_ns,
                            uint64_t actual)
{
    if (!w->started)
        *w = (struct bp_watch){ .started = true, .state = BP_OK };
    w->last_actual = actual;
    w->since_ns = now_ns;
    return w->state;
}

const char *bp_state_name(enum bp_state s)
{
    switch (s) {
    case BP_OK:            return "ok";
    case BP_STUCK:         return "stuck";
    case BP_UNCOOPERATIVE: return "uncooperative";
    }
    return "?";
}

/* ---- Making room for a new domain --------------------------------------- */

static void keep_targets(struct bp_dom *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t lo, hi;

        bp_range(&d[i], &lo, &hi);
        if (!d[i].excluded)
            d[i].new_target = clamp(cap(d[i].target), lo, hi);
    }
}

/* What the active domains can give (above dyn_min), must take (up to
 * dyn_min) and are still taking (toward targets above what they hold). */
struct flows {
    uint64_t can_give, must_take, pending;
};

static struct flows active_flows(const struct bp_dom *d, size_t n)
{
    struct flows f = { 0, 0, 0 };

    for (size_t i = 0; i < n; i++) {
        uint64_t lo, hi, a = cap(d[i].actual), t;

        if (d[i].excluded)
            continue;
        bp_range(&d[i], &lo, &hi);
        t = clamp(cap(d[i].target), lo, hi);
        f.can_give += a > lo ? a - lo : 0;
        f.must_take += lo > a ? lo - a : 0;
        f.pending += t > a ? t - a : 0;
    }
    return f;
}

uint64_t bp_plan_reclaim(struct bp_dom *d, size_t n, uint64_t host_free,
                         uint64_t reserve, uint64_t need)
{
    uint64_t free = cap(host_free), want, have;
    struct bp_summary s;
    struct totals t;
    struct flows f;

    if (n > BP_MAX_DOMAINS)
        return cap(need) ? cap(need) : 1;      /* cannot plan: all missing */
    t = add_up(d, n);
    f = active_flows(d, n);
    want = cap(need) + cap(reserve) + t.growth;
    if (free >= want + f.pending) {
        keep_targets(d, n);
        return 0;
    }
    if (free + f.can_give < want + f.must_take) {
        keep_targets(d, n);
        return want + f.must_take - free - f.can_give;
    }
    /* The split of what is left once the new domain has its pages; then
     * nobody is asked to grow, except up to its dyn_min. */
    have = free + t.actual;
    split(d, n, &t, have > want ? have - want : 0, &s);
    for (size_t i = 0; i < n; i++) {
        uint64_t lo, hi;

        if (d[i].excluded)
            continue;
        bp_range(&d[i], &lo, &hi);
        d[i].new_target = min64(d[i].new_target,
                                lo > cap(d[i].actual) ? lo : cap(d[i].actual));
    }
    return 0;
}
