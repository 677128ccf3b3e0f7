/*
 * The per-CPU timer queue's binary min-heap (common/timer.c): ordering,
 * heap_pos bookkeeping, removal of arbitrary timers, a full queue, and
 * long random sequences checked against a plain reference list.
 */
#include "xen/lib.h"
#include "xen/timer.h"

#include "unit.h"

static struct timer_queue q;
static struct timer t[TIMER_HEAP_MAX + 16];
static struct timer *grown[2 * TIMER_HEAP_MAX];

/* The heap's slots: base[] until the queue grew into an array. */
static struct timer **slot(void)
{
    return q.cap ? q.heap : q.base;
}

static void reset(void)
{
    memset(&q, 0, sizeof(q));
    for (unsigned int i = 0; i < ARRAY_SIZE(t); i++)
        t[i] = (struct timer){ .heap_pos = -1 };
}

static bool add(struct timer *tm, s_time_t expires)
{
    tm->expires = expires;
    return timer_heap_add(&q, tm);
}

/* Every slot knows its position and no child expires before its parent. */
static void check_heap(void)
{
    CHECK(q.nr <= (q.cap ? q.cap : TIMER_HEAP_MAX));
    for (unsigned int i = 0; i < q.nr; i++) {
        CHECK_EQ(slot()[i]->heap_pos, i);
        if (i)
            CHECK(slot()[(i - 1) / 2]->expires <= slot()[i]->expires);
    }
}

/* Remove the top until empty; the times come out sorted. */
static void check_drains_sorted(unsigned int expect_n)
{
    s_time_t last = INT64_MIN;
    unsigned int n = 0;
    struct timer *top;

    while ((top = timer_heap_top(&q))) {
        CHECK(top->expires >= last);
        last = top->expires;
        timer_heap_remove(&q, top);
        CHECK_EQ(top->heap_pos, -1);
        check_heap();
        n++;
    }
    CHECK_EQ(n, expect_n);
    CHECK_EQ(q.nr, 0);
}

TEST(timer_heap_empty_has_no_top)
{
    reset();
    CHECK(timer_heap_top(&q) == NULL);
}

TEST(timer_heap_single_timer)
{
    reset();
    CHECK(add(&t[0], 100));
    CHECK(timer_heap_top(&q) == &t[0]);
    CHECK_EQ(t[0].heap_pos, 0);
    CHECK_EQ(q.nr, 1);
    timer_heap_remove(&q, &t[0]);
    CHECK_EQ(t[0].heap_pos, -1);
    CHECK(timer_heap_top(&q) == NULL);
}

TEST(timer_heap_top_is_earliest_in_descending_inserts)
{
    reset();
    for (int i = 0; i < 50; i++) {
        CHECK(add(&t[i], 1000 - i));
        CHECK(timer_heap_top(&q) == &t[i]);
        check_heap();
    }
}

TEST(timer_heap_top_stays_earliest_in_ascending_inserts)
{
    reset();
    for (int i = 0; i < 50; i++) {
        CHECK(add(&t[i], i));
        CHECK(timer_heap_top(&q) == &t[0]);
    }
    check_heap();
}

TEST(timer_heap_drains_in_order_with_duplicates)
{
    static const s_time_t times[] = { 5, 3, 9, 3, 0, -7, 9, 1, 5, STIME_MAX,
                                      INT64_MIN, 2 };

    reset();
    for (unsigned int i = 0; i < ARRAY_SIZE(times); i++)
        CHECK(add(&t[i], times[i]));
    check_heap();
    check_drains_sorted(ARRAY_SIZE(times));
}

TEST(timer_heap_remove_last_slot)
{
    reset();
    for (int i = 0; i < 7; i++)
        add(&t[i], i * 10);
    CHECK(slot()[6] == &t[6]);
    timer_heap_remove(&q, &t[6]);
    CHECK_EQ(q.nr, 6);
    CHECK_EQ(t[6].heap_pos, -1);
    check_heap();
    check_drains_sorted(6);
}

TEST(timer_heap_remove_top_promotes_next)
{
    reset();
    add(&t[0], 30);
    add(&t[1], 10);
    add(&t[2], 20);
    timer_heap_remove(&q, &t[1]);
    CHECK(timer_heap_top(&q) == &t[2]);
    check_heap();
}

TEST(timer_heap_remove_inner_node_may_sift_down)
{
    reset();
    for (int i = 0; i < 15; i++)
        add(&t[i], i);                  /* heap array is 0..14 in order */
    timer_heap_remove(&q, &t[1]);       /* 14 moves into slot 1, sinks */
    check_heap();
    CHECK(timer_heap_top(&q) == &t[0]);
    check_drains_sorted(14);
}

TEST(timer_heap_remove_inner_node_may_sift_up)
{
    /*
     * Heap by slot: 0 | 100 1 | 101 102 2 3.  Removing 101 (slot 3) moves
     * the last timer, 3, into slot 3, under 100: it must rise.
     */
    static const s_time_t times[] = { 0, 100, 1, 101, 102, 2, 3 };

    reset();
    for (unsigned int i = 0; i < ARRAY_SIZE(times); i++)
        add(&t[i], times[i]);
    CHECK(slot()[3] == &t[3]);
    timer_heap_remove(&q, &t[3]);
    check_heap();
    CHECK(slot()[1] == &t[6]);
    check_drains_sorted(6);
}

TEST(timer_heap_readd_with_new_time)
{
    reset();
    add(&t[0], 10);
    add(&t[1], 20);
    add(&t[2], 30);
    timer_heap_remove(&q, &t[2]);
    CHECK(add(&t[2], 5));               /* what set_timer does */
    CHECK(timer_heap_top(&q) == &t[2]);
    timer_heap_remove(&q, &t[0]);
    CHECK(add(&t[0], 50));
    check_heap();
    CHECK_EQ(q.nr, 3);
    check_drains_sorted(3);
}

TEST(timer_heap_full_queue_refuses_more)
{
    reset();
    for (int i = 0; i < TIMER_HEAP_MAX; i++)
        CHECK(add(&t[i], (i * 7919) % 1000));
    CHECK_EQ(q.nr, TIMER_HEAP_MAX);
    CHECK(!add(&t[TIMER_HEAP_MAX], -1));
    CHECK_EQ(t[TIMER_HEAP_MAX].heap_pos, -1);
    CHECK_EQ(q.nr, TIMER_HEAP_MAX);
    CHECK(timer_heap_top(&q)->expires == 0);
    check_heap();
    timer_heap_remove(&q, &t[100]);
    CHECK(add(&t[TIMER_HEAP_MAX], -1));
    CHECK(timer_heap_top(&q) == &t[TIMER_HEAP_MAX]);
    check_drains_sorted(TIMER_HEAP_MAX);
}

TEST(timer_heap_grows_into_a_larger_array_and_keeps_its_order)
{
    reset();
    for (int i = 0; i < TIMER_HEAP_MAX; i++)
        CHECK(add(&t[i], (i * 7919) % 1000));
    CHECK(!add(&t[TIMER_HEAP_MAX], -1));
    /* From base[] into an array of twice the size: nothing to free. */
    CHECK(timer_heap_resize(&q, grown, ARRAY_SIZE(grown)) == NULL);
    CHECK_EQ(q.cap, ARRAY_SIZE(grown));
    check_heap();
    for (int i = TIMER_HEAP_MAX; i < (int)ARRAY_SIZE(t); i++)
        CHECK(add(&t[i], -i));
    check_heap();
    CHECK(timer_heap_top(&q) == &t[ARRAY_SIZE(t) - 1]);
    check_drains_sorted(ARRAY_SIZE(t));
}

/* ---- random sequences against a reference ---- */

static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* The earliest time among the queued timers, by brute force. */
static s_time_t reference_min(void)
{
    s_time_t m = STIME_MAX;
    bool any = false;

    for (unsigned int i = 0; i < ARRAY_SIZE(t); i++) {
        if (t[i].heap_pos >= 0 && (!any || t[i].expires < m)) {
            m = t[i].expires;
            any = true;
        }
    }
    return m;
}

static void random_run(uint64_t seed, unsigned int steps, unsigned int range)
{
    unsigned int queued = 0;

    reset();
    rng_state = seed;
    for (unsigned int s = 0; s < steps; s++) {
        struct timer *tm = &t[rng() % ARRAY_SIZE(t)];

        if (tm->heap_pos >= 0) {
            timer_heap_remove(&q, tm);
            CHECK_EQ(tm->heap_pos, -1);
            queued--;
        } else if (add(tm, (s_time_t)(rng() % range) - range / 4)) {
            queued++;
        } else {
            CHECK_EQ(queued, TIMER_HEAP_MAX);
        }
        CHECK_EQ(q.nr, queued);
        check_heap();
        if (queued)
            CHECK_EQ(timer_heap_top(&q)->expires, reference_min());
        else
            CHECK(timer_heap_top(&q) == NULL);
    }
    check_drains_sorted(queued);
}

TEST(timer_heap_random_wide_times)
{
    random_run(1, 20000, 1000000);
}

TEST(timer_heap_random_many_duplicates)
{
    random_run(0xfeedface, 20000, 8);
}

TEST(timer_heap_random_near_full)
{
    /* Adding is likelier than removing: the queue fills and stays full. */
    unsigned int refused = 0;

    reset();
    rng_state = 42;
    for (unsigned int s = 0; s < 5000; s++) {
        struct timer *tm = &t[rng() % ARRAY_SIZE(t)];

        if (tm->heap_pos >= 0 && rng() % 16 == 0)
            timer_heap_remove(&q, tm);
        else if (tm->heap_pos < 0 && !add(tm, rng() % 100))
            refused++;
        check_heap();
    }
    CHECK(refused > 0);
    CHECK_EQ(timer_heap_top(&q)->expires, reference_min());
    check_drains_sorted(q.nr);
}
