/*
 * Timers: per-CPU queues of callbacks due at an absolute system time (ns
 * since boot), run from TIMER_SOFTIRQ; the LAPIC one-shot is always set for
 * the earliest.
 */
#ifndef XEN_TIMER_H
#define XEN_TIMER_H

#include "xen/types.h"

typedef int64_t s_time_t;
#define MILLISECS(ms)   ((s_time_t)(ms) * 1000000LL)
#define MICROSECS(us)   ((s_time_t)(us) * 1000LL)
#define SECONDS(s)      ((s_time_t)(s) * 1000000000LL)
#define STIME_MAX       INT64_MAX

struct timer {
    s_time_t expires;
    void (*fn)(void *data);
    void *data;
    unsigned int cpu;
    int heap_pos;                       /* -1 when not queued */
    bool killed;                        /* kill_timer: never queued again */
};

/*
 * A CPU's queue starts with room for TIMER_HEAP_MAX timers in base[] (a
 * zeroed queue is a valid empty one) and grows into a heap array of cap
 * entries as vCPUs are created (timer_reserve), so that set_timer always
 * finds room: every timer that can be queued at once was counted first.
 */
#define TIMER_HEAP_MAX  256
struct timer_queue {
    struct timer *running;              /* whose callback runs right now */
    unsigned int nr;
    unsigned int cap;                   /* 0: base[] is the heap */
    struct timer **heap;
    struct timer *base[TIMER_HEAP_MAX];
};

void init_timer(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu);
void set_timer(struct timer *t, s_time_t expires);
void stop_timer(struct timer *t);
/* Stop t for good: set_timer ignores it from now on, and its callback is
 * not running anywhere when this returns (the timer's owner may go). */
void kill_timer(struct timer *t);
void migrate_timer(struct timer *t, unsigned int cpu);
bool timer_is_active(const struct timer *t);
void timer_softirq_init(void);

/*
 * Count n more (or, negative, fewer) timers that may be queued at once;
 * every CPU's queue grows to hold them all.  0 or -XEN_ENOMEM.
 */
int timer_reserve(int n);
int timer_cpu_init(unsigned int cpu);       /* a CPU comes up */

/* Pure heap operations (unit-tested): */
bool timer_heap_add(struct timer_queue *q, struct timer *t);
/* Move q's timers into heap[cap] (cap >= q->nr); returns the array they
 * were in if it was an allocated one (to be freed), else NULL. */
struct timer **timer_heap_resize(struct timer_queue *q, struct timer **heap,
                                 unsigned int cap);
void timer_heap_remove(struct timer_queue *q, struct timer *t);
struct timer *timer_heap_top(const struct timer_queue *q);

/* System time (arch/x86/time.c). */
s_time_t NOW(void);
uint64_t tsc_khz_get(void);
void time_init(void);
void time_init_secondary(void);
uint64_t ns_to_tsc(s_time_t ns);
s_time_t tsc_to_ns(uint64_t tsc);

#endif
