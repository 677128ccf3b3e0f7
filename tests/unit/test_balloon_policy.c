/*
 * The balloon manager's arithmetic (dom0/balloon_policy.c): the
 * proportional split and its rounding, the reserve, ranges and excluded
 * domains, moving memory from idle guests to busy ones, stuck and
 * uncooperative guests over simulated time, reclaim plans before
 * `xl create`, and hostile inputs.
 */
#include <stdint.h>

#include "../../dom0/balloon_policy.h"
#include "xen_errno.h"

#include "unit.h"

#define MIB(x)  ((uint64_t)(x) * 256)           /* pages */
#define SEC(x)  ((uint64_t)(x) * 1000000000ull)

static struct bp_dom dom(uint32_t id, uint64_t min, uint64_t max,
                         uint64_t actual)
{
    return (struct bp_dom){ .domid = id, .static_max = max, .dyn_min = min,
                            .dyn_max = max, .target = actual,
                            .actual = actual, .free = BP_NO_FREE };
}

static struct bp_params params(uint64_t host_free, uint64_t reserve)
{
    return (struct bp_params){ .host_free = host_free, .reserve = reserve };
}

static uint64_t sum_targets(const struct bp_dom *d, size_t n)
{
    uint64_t s = 0;

    for (size_t i = 0; i < n; i++)
        s += d[i].new_target;
    return s;
}

/* ---- The proportional split --------------------------------------------- */

TEST(split_gives_every_domain_the_same_fraction_of_its_range)
{
    struct bp_dom d[3] = {
        dom(1, MIB(64), MIB(576), MIB(100)),    /* range 512 MiB */
        dom(2, MIB(128), MIB(384), MIB(200)),   /* range 256 MiB */
        dom(3, MIB(32), MIB(32 + 1024), MIB(300)),
    };
    struct bp_params p = params(MIB(1000), MIB(64));
    struct bp_summary s;

    /* P = 1000 - 64 + 600 = 1536 MiB; min 224, range 1792: 1312/1792. */
    CHECK_EQ(bp_compute(d, 3, &p, &s), 0);
    CHECK_EQ(s.pool, MIB(1536));
    CHECK_EQ(s.sum_min, MIB(224));
    CHECK_EQ(s.sum_range, MIB(1792));
    CHECK_EQ(s.missing, 0);
    CHECK_EQ(s.fraction_ppm, 732142);           /* 1312 / 1792 */
    CHECK_EQ(d[0].new_target, MIB(64) + MIB(512) * 1312 / 1792);
    CHECK_EQ(d[1].new_target, MIB(128) + MIB(256) * 1312 / 1792);
    CHECK_EQ(d[2].new_target, MIB(32) + MIB(1024) * 1312 / 1792);
    CHECK(sum_targets(d, 3) <= s.pool);
    CHECK_EQ(s.assigned, sum_targets(d, 3));
}

TEST(rounding_never_gives_out_more_than_the_pool)
{
    /* Ranges of 3 pages shared 2:3: every target rounds down. */
    struct bp_dom d[7];
    struct bp_params p = params(11, 0);
    struct bp_summary s;

    for (unsigned int i = 0; i < 7; i++)
        d[i] = dom(i + 1, 0, 3, 0);
    CHECK_EQ(bp_compute(d, 7, &p, &s), 0);
    CHECK_EQ(s.pool, 11);
    for (unsigned int i = 0; i < 7; i++)
        CHECK_EQ(d[i].new_target, 1);           /* 3 * 11 / 21 */
    CHECK(sum_targets(d, 7) <= 11);
}

TEST(plenty_of_memory_gives_everyone_dynamic_max)
{
    struct bp_dom d[2] = { dom(1, MIB(64), MIB(256), MIB(64)),
                           dom(2, MIB(32), MIB(128), MIB(128)) };
    struct bp_params p = params(MIB(8192), MIB(64));
    struct bp_summary s;

    CHECK_EQ(bp_compute(d, 2, &p, &s), 0);
    CHECK_EQ(d[0].new_target, MIB(256));
    CHECK_EQ(d[1].new_target, MIB(128));
    CHECK_EQ(s.fraction_ppm, 1000000);
}

TEST(the_reserve_stays_free_once_targets_are_reached)
{
    struct bp_dom d[2] = { dom(1, MIB(64), MIB(1024), MIB(512)),
                           dom(2, MIB(64), MIB(1024), MIB(512)) };
    uint64_t host_free = MIB(100), reserve = MIB(64);
    struct bp_params p = params(host_free, reserve);

    CHECK_EQ(bp_compute(d, 2, &p, NULL), 0);
    /* Free afterwards = F + sum(actual) - sum(targets) >= R. */
    CHECK(host_free + MIB(1024) - sum_targets(d, 2) >= reserve);
    CHECK_EQ(d[0].new_target, d[1].new_target);
}

TEST(host_below_its_reserve_squeezes_the_domains)
{
    struct bp_dom d[1] = { dom(1, MIB(64), MIB(512), MIB(512)) };
    struct bp_params p = params(MIB(16), MIB(64));

    CHECK_EQ(bp_compute(d, 1, &p, NULL), 0);
    CHECK_EQ(d[0].new_target, MIB(512 + 16 - 64));
}

TEST(too_little_memory_puts_everyone_at_dynamic_min_and_says_so)
{
    struct bp_dom d[2] = { dom(1, MIB(256), MIB(512), MIB(256)),
                           dom(2, MIB(256), MIB(512), MIB(256)) };
    struct bp_params p = params(MIB(10), MIB(64));
    struct bp_summary s;

    CHECK_EQ(bp_compute(d, 2, &p, &s), 0);
    CHECK_EQ(d[0].new_target, MIB(256));
    CHECK_EQ(d[1].new_target, MIB(256));
    CHECK_EQ(s.missing, MIB(54));
    CHECK_EQ(s.fraction_ppm, 0);
}

TEST(targets_stay_within_dynamic_and_static_max)
{
    struct bp_dom d[1] = { dom(1, MIB(64), MIB(2048), MIB(100)) };
    struct bp_params p = params(MIB(8192), 0);

    d[0].static_max = MIB(512);                 /* dyn_max above maxmem */
    CHECK_EQ(bp_compute(d, 1, &p, NULL), 0);
    CHECK_EQ(d[0].new_target, MIB(512));
}

TEST(dynamic_min_above_max_is_held_to_the_max)
{
    uint64_t lo, hi;
    struct bp_dom d[1] = { dom(1, MIB(300), MIB(200), MIB(100)) };
    struct bp_params p = params(0, 0);

    bp_range(&d[0], &lo, &hi);
    CHECK_EQ(lo, MIB(200));
    CHECK_EQ(hi, MIB(200));
    CHECK_EQ(bp_compute(d, 1, &p, NULL), 0);
    CHECK_EQ(d[0].new_target, MIB(200));
}

TEST(zero_ranges_and_zero_domains_are_fine)
{
    struct bp_dom d[2] = { dom(1, MIB(128), MIB(128), MIB(128)),
                           dom(2, 0, 0, 0) };
    struct bp_params p = params(MIB(1), 0);
    struct bp_summary s;

    CHECK_EQ(bp_compute(d, 2, &p, &s), 0);
    CHECK_EQ(d[0].new_target, MIB(128));
    CHECK_EQ(d[1].new_target, 0);
    CHECK_EQ(s.sum_range, 0);
    CHECK_EQ(s.fraction_ppm, 1000000);
    CHECK_EQ(bp_compute(NULL, 0, &p, &s), 0);
    CHECK_EQ(s.pool, MIB(1));
    CHECK_EQ(s.assigned, 0);
}

TEST(too_many_domains_are_refused_untouched)
{
    static struct bp_dom d[BP_MAX_DOMAINS + 1];
    struct bp_params p = params(MIB(1), 0);

    d[0].new_target = 12345;
    CHECK_EQ(bp_compute(d, BP_MAX_DOMAINS + 1, &p, NULL), -XEN_EINVAL);
    CHECK_EQ(d[0].new_target, 12345);
    CHECK_EQ(bp_plan_reclaim(d, BP_MAX_DOMAINS + 1, 0, 0, 77), 77);
    CHECK_EQ(bp_compute(d, BP_MAX_DOMAINS, &p, NULL), 0);
}

TEST(huge_numbers_neither_overflow_nor_escape_the_cap)
{
    struct bp_dom d[3] = {
        dom(1, 0, UINT64_MAX, UINT64_MAX),
        dom(2, UINT64_MAX - 1, UINT64_MAX, UINT64_MAX / 2),
        dom(3, 5, UINT64_MAX, 7),
    };
    struct bp_params p = params(UINT64_MAX, UINT64_MAX - 3);
    struct bp_summary s;

    d[2].free = UINT64_MAX - 1;
    p.shift_idle = true;
    p.headroom = UINT64_MAX;
    CHECK_EQ(bp_compute(d, 3, &p, &s), 0);
    for (unsigned int i = 0; i < 3; i++) {
        CHECK(d[i].new_target <= BP_MAX_PAGES);
        CHECK(d[i].new_target >= (i == 1 ? BP_MAX_PAGES : i == 2 ? 5 : 0));
    }
    CHECK(s.assigned <= s.pool || s.missing);
    CHECK_EQ(bp_plan_reclaim(d, 3, UINT64_MAX, UINT64_MAX, UINT64_MAX), 0);
    CHECK(bp_plan_reclaim(d, 3, 0, UINT64_MAX, UINT64_MAX) > 0);
}

/* Pseudo-random configurations: the invariants hold for all of them. */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(uint64_t bound)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return bound ? rnd_state % bound : 0;
}

static void random_doms(struct bp_dom *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        d[i] = dom((uint32_t)i + 1, rnd(MIB(512)), rnd(MIB(2048)),
                   rnd(MIB(2048)));
        d[i].static_max = rnd(MIB(2048));
        d[i].target = rnd(MIB(2048));
        d[i].excluded = rnd(5) == 0;
        d[i].free = rnd(3) ? rnd(MIB(512)) : BP_NO_FREE;
    }
}

static void check_invariants(const struct bp_dom *d, size_t n,
                             const struct bp_summary *s)
{
    uint64_t active = 0;

    for (size_t i = 0; i < n; i++) {
        uint64_t lo, hi;

        bp_range(&d[i], &lo, &hi);
        CHECK(d[i].new_target >= lo);
        CHECK(d[i].new_target <= hi);
        if (d[i].excluded)
            CHECK(d[i].new_target <= d[i].actual || d[i].new_target == lo);
        else
            active += d[i].new_target;
    }
    if (!s->missing)
        CHECK(active <= s->pool);
    else
        CHECK_EQ(active, s->sum_min);
}

TEST(random_configurations_keep_every_invariant)
{
    struct bp_dom d[9];

    for (unsigned int round = 0; round < 4000; round++) {
        size_t n = (size_t)rnd(10);
        struct bp_params p = params(rnd(MIB(4096)), rnd(MIB(128)));
        struct bp_summary s;

        p.shift_idle = rnd(2);
        p.headroom = rnd(MIB(64));
        random_doms(d, n);
        CHECK_EQ(bp_compute(d, n, &p, &s), 0);
        check_invariants(d, n, &s);
    }
}

/* ---- Excluded domains --------------------------------------------------- */

TEST(excluded_domains_keep_what_they_hold_and_are_not_counted)
{
    struct bp_dom d[2] = { dom(1, MIB(64), MIB(1024), MIB(300)),
                           dom(2, MIB(64), MIB(1024), MIB(500)) };
    struct bp_params p = params(MIB(200), MIB(0));
    struct bp_summary s;

    d[1].excluded = true;
    d[1].target = MIB(800);                     /* asked to grow, did not */
    CHECK_EQ(bp_compute(d, 2, &p, &s), 0);
    CHECK_EQ(d[1].new_target, MIB(500));        /* never above its actual */
    CHECK_EQ(s.pool, MIB(500));                 /* 200 free + domain 1's */
    CHECK_EQ(d[0].new_target, MIB(500));

    d[1].target = MIB(100);                     /* asked to shrink: still */
    CHECK_EQ(bp_compute(d, 2, &p, &s), 0);
    CHECK_EQ(d[1].new_target, MIB(100));
    CHECK_EQ(s.pool, MIB(500));                 /* nothing counted on it */
}

TEST(an_excluded_domain_below_its_minimum_has_its_growth_reserved)
{
    struct bp_dom d[2] = { dom(1, 0, MIB(1024), MIB(300)),
                           dom(2, MIB(128), MIB(1024), MIB(100)) };
    struct bp_params p = params(MIB(200), 0);
    struct bp_summary s;

    d[1].excluded = true;
    CHECK_EQ(bp_compute(d, 2, &p, &s), 0);
    CHECK_EQ(d[1].new_target, MIB(128));
    CHECK_EQ(s.pool, MIB(200 + 300 - 28));
    CHECK_EQ(d[0].new_target, MIB(472));
}

/* ---- Idle memory toward busy guests ------------------------------------- */

TEST(idle_memory_moves_to_a_busy_guest_without_growing_the_total)
{
    struct bp_dom d[3] = { dom(1, MIB(64), MIB(1024), MIB(512)),
                           dom(2, MIB(64), MIB(1024), MIB(512)),
                           dom(3, MIB(64), MIB(1024), MIB(512)) };
    struct bp_params p = params(MIB(64), MIB(64));
    struct bp_summary plain, shifted;

    d[0].free = MIB(400);                       /* idle: uses 112 MiB */
    d[1].free = MIB(4);                         /* busy */
    /* d[2] reports nothing: left alone. */
    CHECK_EQ(bp_compute(d, 3, &p, &plain), 0);
    CHECK_EQ(d[0].new_target, MIB(512));
    p.shift_idle = true;
    p.headroom = MIB(32);
    CHECK_EQ(bp_compute(d, 3, &p, &shifted), 0);
    CHECK_EQ(d[0].new_target, MIB(512) - shifted.shifted);
    CHECK_EQ(d[1].new_target, MIB(512) + shifted.shifted);
    CHECK_EQ(d[2].new_target, MIB(512));
    /* Busy wants 508 + 32 = 540 MiB; idle could give 512 - 144. */
    CHECK_EQ(shifted.shifted, MIB(28));
    CHECK(sum_targets(d, 3) <= shifted.pool);
}

TEST(idle_memory_stays_put_when_nobody_is_busy)
{
    struct bp_dom d[2] = { dom(1, MIB(64), MIB(1024), MIB(512)),
                           dom(2, MIB(64), MIB(1024), MIB(512)) };
    struct bp_params p = params(MIB(64), MIB(64));
    struct bp_summary s;

    d[0].free = MIB(400);
    d[1].free = MIB(300);
    p.shift_idle = true;
    p.headroom = MIB(32);
    CHECK_EQ(bp_compute(d, 2, &p, &s), 0);
    CHECK_EQ(s.shifted, 0);
    CHECK_EQ(d[0].new_target, MIB(512));
}

TEST(a_giver_is_never_squeezed_below_dynamic_min)
{
    struct bp_dom d[2] = { dom(1, MIB(256), MIB(1024), MIB(1024)),
                           dom(2, MIB(64), MIB(1024), MIB(1000)) };
    struct bp_params p = params(0, MIB(1000));
    struct bp_summary s;
    uint64_t busy;

    d[0].free = MIB(1024);                      /* uses nothing at all */
    d[1].free = 0;                              /* wants 1016 MiB */
    CHECK_EQ(bp_compute(d, 2, &p, &s), 0);
    busy = d[1].new_target;
    CHECK(d[0].new_target > MIB(256));
    p.shift_idle = true;
    p.headroom = MIB(16);
    CHECK_EQ(bp_compute(d, 2, &p, &s), 0);
    CHECK_EQ(d[0].new_target, MIB(256));
    CHECK_EQ(d[1].new_target, busy + s.shifted);
    CHECK(d[0].new_target + d[1].new_target <= s.pool);
}

/* ---- Stuck and uncooperative guests ------------------------------------- */

/* Sample every second from t0 for `secs` seconds; the last state. */
static enum bp_state run(struct bp_watch *w, uint64_t *now, unsigned int secs,
                         uint64_t target, uint64_t actual, int64_t step)
{
    enum bp_state st = BP_OK;

    for (unsigned int i = 0; i < secs; i++) {
        *now += SEC(1);
        st = bp_watch_sample(w, &bp_default_timeouts, *now, target, actual);
        actual = (uint64_t)((int64_t)actual + step);
    }
    return st;
}

TEST(a_guest_at_its_target_is_ok)
{
    struct bp_watch w = { 0 };
    uint64_t now = 0;

    CHECK_EQ(run(&w, &now, 60, MIB(128), MIB(128) + 100, 0), BP_OK);
}

TEST(no_progress_is_stuck_after_5_s_and_uncooperative_after_20_s)
{
    struct bp_watch w = { 0 };
    uint64_t now = 0;

    CHECK_EQ(run(&w, &now, 5, MIB(64), MIB(128), 0), BP_OK);
    CHECK_EQ(run(&w, &now, 1, MIB(64), MIB(128), 0), BP_STUCK);
    CHECK_EQ(run(&w, &now, 14, MIB(64), MIB(128), 0), BP_STUCK);
    CHECK_EQ(run(&w, &now, 1, MIB(64), MIB(128), 0), BP_UNCOOPERATIVE);
    CHECK_EQ(run(&w, &now, 100, MIB(64), MIB(128), 0), BP_UNCOOPERATIVE);
    CHECK_STR(bp_state_name(BP_UNCOOPERATIVE), "uncooperative");
    CHECK_STR(bp_state_name(BP_STUCK), "stuck");
    CHECK_STR(bp_state_name(BP_OK), "ok");
}

TEST(steady_progress_is_ok_however_long_it_takes)
{
    struct bp_watch w = { 0 };
    uint64_t now = 0;

    /* 1 MiB a second down from 128 MiB toward 64 MiB, and up again. */
    CHECK_EQ(run(&w, &now, 60, MIB(64), MIB(128), -(int64_t)MIB(1)), BP_OK);
    CHECK_EQ(run(&w, &now, 30, MIB(100), MIB(68), MIB(1)), BP_OK);
}

TEST(moving_away_from_the_target_is_no_progress)
{
    struct bp_watch w = { 0 };
    uint64_t now = 0;

    CHECK_EQ(run(&w, &now, 7, MIB(64), MIB(128), MIB(1)), BP_STUCK);
}

TEST(a_stuck_guest_that_moves_again_recovers)
{
    struct bp_watch w = { 0 };
    uint64_t now = 0;

    CHECK_EQ(run(&w, &now, 25, MIB(64), MIB(128), 0), BP_UNCOOPERATIVE);
    CHECK_EQ(run(&w, &now, 1, MIB(64), MIB(120), 0), BP_OK);
    /* The clock starts again from its last progress. */
    CHECK_EQ(run(&w, &now, 4, MIB(64), MIB(120), 0), BP_OK);
    CHECK_EQ(run(&w, &now, 1, MIB(64), MIB(120), 0), BP_STUCK);
}

TEST(a_target_moved_onto_a_stuck_guest_does_not_clear_it)
{
    struct bp_watch w = { 0 };
    uint64_t now = 0;

    CHECK_EQ(run(&w, &now, 8, MIB(256), MIB(128), 0), BP_STUCK);
    /* The manager gives up and sets its target to what it holds. */
    CHECK_EQ(run(&w, &now, 3, MIB(128), MIB(128), 0), BP_STUCK);
    CHECK_EQ(run(&w, &now, 20, MIB(128), MIB(128), 0), BP_UNCOOPERATIVE);
    /* Asked to shrink, it does: ok again. */
    CHECK_EQ(run(&w, &now, 1, MIB(100), MIB(127), 0), BP_OK);
}

TEST(the_clock_going_back_does_not_make_a_guest_stuck)
{
    struct bp_watch w = { 0 };

    CHECK_EQ(bp_watch_sample(&w, &bp_default_timeouts, SEC(100), 10, 9000),
             BP_OK);
    CHECK_EQ(bp_watch_sample(&w, &bp_default_timeouts, SEC(1), 10, 9000),
             BP_OK);
    CHECK_EQ(bp_watch_sample(&w, &bp_default_timeouts, UINT64_MAX, 10, 9000),
             BP_UNCOOPERATIVE);
}

TEST(a_guest_waiting_for_the_host_is_not_stuck)
{
    struct bp_watch w = { 0 };
    uint64_t now = 0;

    /* Below its target for a minute while the host has nothing free. */
    for (unsigned int i = 0; i < 60; i++)
        CHECK_EQ(bp_watch_wait(&w, now += SEC(1), MIB(128)), BP_OK);
    /* Memory comes free: its clock starts from the last wait. */
    CHECK_EQ(run(&w, &now, 4, MIB(256), MIB(128), 0), BP_OK);
    CHECK_EQ(run(&w, &now, 1, MIB(256), MIB(128), 0), BP_STUCK);
    /* A stuck guest stays stuck while it waits: waiting proves nothing. */
    CHECK_EQ(bp_watch_wait(&w, now += SEC(30), MIB(128)), BP_STUCK);
}

/* ---- Reclaim before xl create ------------------------------------------- */

TEST(no_reclaim_when_the_new_domain_fits)
{
    struct bp_dom d[1] = { dom(1, MIB(64), MIB(512), MIB(512)) };

    d[0].target = MIB(400);
    CHECK_EQ(bp_plan_reclaim(d, 1, MIB(300), MIB(64), MIB(128)), 0);
    CHECK_EQ(d[0].new_target, MIB(400));
}

TEST(reclaim_takes_enough_in_proportion_never_below_minimum)
{
    struct bp_dom d[3] = { dom(1, MIB(64), MIB(1024), MIB(512)),
                           dom(2, MIB(256), MIB(512), MIB(512)),
                           dom(3, MIB(32), MIB(64), MIB(40)) };
    uint64_t free = MIB(100), reserve = MIB(64), need = MIB(512), given = 0;

    CHECK_EQ(bp_plan_reclaim(d, 3, free, reserve, need), 0);
    for (unsigned int i = 0; i < 3; i++) {
        uint64_t lo, hi;

        bp_range(&d[i], &lo, &hi);
        CHECK(d[i].new_target >= lo);
        CHECK(d[i].new_target <= d[i].actual);  /* nobody asked to grow */
        given += d[i].actual - d[i].new_target;
    }
    CHECK(free + given >= need + reserve);
    /* Proportional: both big ranges gave. */
    CHECK(d[0].new_target < MIB(512));
    CHECK(d[1].new_target < MIB(512));
}

TEST(reclaim_that_cannot_succeed_says_how_much_is_missing)
{
    struct bp_dom d[2] = { dom(1, MIB(256), MIB(512), MIB(512)),
                           dom(2, MIB(64), MIB(512), MIB(300)) };

    d[1].excluded = true;
    d[1].target = MIB(200);
    d[0].target = MIB(450);
    /* 100 free + 256 from domain 1 (domain 2 gives nothing) = 356;
     * 512 + 64 wanted: 220 MiB missing. */
    CHECK_EQ(bp_plan_reclaim(d, 2, MIB(100), MIB(64), MIB(512)), MIB(220));
    CHECK_EQ(d[0].new_target, MIB(450));        /* nobody disturbed */
    CHECK_EQ(d[1].new_target, MIB(200));
    CHECK_EQ(bp_pages_to_mib_up(MIB(220)), 220);
    CHECK_EQ(bp_pages_to_mib_up(MIB(220) + 1), 221);
    CHECK_EQ(bp_pages_to_mib_up(0), 0);
}

TEST(reclaim_with_exactly_enough_takes_everyone_to_minimum)
{
    struct bp_dom d[2] = { dom(1, MIB(128), MIB(512), MIB(512)),
                           dom(2, MIB(64), MIB(512), MIB(256)) };

    CHECK_EQ(bp_plan_reclaim(d, 2, MIB(64), MIB(64), MIB(576)), 0);
    CHECK_EQ(d[0].new_target, MIB(128));
    CHECK_EQ(d[1].new_target, MIB(64));
    CHECK_EQ(bp_plan_reclaim(d, 2, MIB(64), MIB(64), MIB(576) + 1), 1);
}

TEST(reclaim_counts_what_growing_domains_will_still_take)
{
    struct bp_dom d[1] = { dom(1, MIB(64), MIB(512), MIB(256)) };

    d[0].target = MIB(512);                     /* 256 MiB still to come */
    CHECK_EQ(bp_plan_reclaim(d, 1, MIB(300), MIB(64), MIB(128)), 0);
    CHECK(d[0].new_target <= MIB(256));         /* its growth is called off */
    CHECK(MIB(300) + MIB(256) - d[0].new_target >= MIB(128 + 64));
}

TEST(reclaim_brings_a_domain_below_its_minimum_up_to_it)
{
    struct bp_dom d[2] = { dom(1, MIB(128), MIB(512), MIB(100)),
                           dom(2, MIB(64), MIB(512), MIB(512)) };

    CHECK_EQ(bp_plan_reclaim(d, 2, 0, 0, MIB(300)), 0);
    CHECK_EQ(d[0].new_target, MIB(128));
    CHECK(d[1].new_target <= MIB(512 - 300 - 28));
    CHECK(d[1].new_target >= MIB(64));
    /* 448 above domain 2's minimum, 28 owed to domain 1's: 420 at most. */
    CHECK_EQ(bp_plan_reclaim(d, 2, 0, 0, MIB(420)), 0);
    CHECK_EQ(bp_plan_reclaim(d, 2, 0, 0, MIB(421)), MIB(1));
}

TEST(random_reclaim_plans_free_what_they_promise)
{
    struct bp_dom d[9];

    for (unsigned int round = 0; round < 4000; round++) {
        size_t n = (size_t)rnd(10);
        uint64_t free = rnd(MIB(1024)), reserve = rnd(MIB(128));
        uint64_t need = rnd(MIB(2048)), missing;
        int64_t after = (int64_t)free;

        random_doms(d, n);
        missing = bp_plan_reclaim(d, n, free, reserve, need);
        for (size_t i = 0; i < n; i++) {
            uint64_t lo, hi;

            bp_range(&d[i], &lo, &hi);
            CHECK(d[i].new_target >= lo);
            CHECK(d[i].new_target <= hi);
            if (d[i].excluded)
                CHECK(d[i].new_target <= d[i].actual ||
                      d[i].new_target == lo);
            after += (int64_t)d[i].actual - (int64_t)d[i].new_target;
        }
        /* Once every domain has reached its new target, the new domain
         * and the reserve fit. */
        if (!missing)
            CHECK(after >= (int64_t)(need + reserve));
    }
}
