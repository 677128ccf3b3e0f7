/*
 * Timers.  Each CPU keeps a binary min-heap of pending timers; the LAPIC
 * one-shot is programmed for the earliest.  The interrupt only raises
 * TIMER_SOFTIRQ; expired callbacks run from the softirq with interrupts on.
 */
#include "asm/apic.h"
#include "asm/desc.h"
#include "asm/processor.h"
#include "asm/traps.h"
#include "xen/lib.h"
#include "xen/mm.h"
#include "xen/percpu.h"
#include "xen/softirq.h"
#include "xen/spinlock.h"
#include "xen/timer.h"
#include "xen_errno.h"

/* ---- the heap (pure) ---- */

static struct timer **slots(struct timer_queue *q)
{
    return q->cap ? q->heap : q->base;
}

static unsigned int capacity(const struct timer_queue *q)
{
    return q->cap ? q->cap : TIMER_HEAP_MAX;
}

static void heap_swap(struct timer_queue *q, unsigned int a, unsigned int b)
{
    struct timer **h = slots(q), *t = h[a];

    h[a] = h[b];
    h[b] = t;
    h[a]->heap_pos = a;
    h[b]->heap_pos = b;
}

static void sift_up(struct timer_queue *q, unsigned int i)
{
    struct timer **h = slots(q);

    while (i && h[(i - 1) / 2]->expires > h[i]->expires) {
        heap_swap(q, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void sift_down(struct timer_queue *q, unsigned int i)
{
    struct timer **h = slots(q);

    for (;;) {
        unsigned int l = 2 * i + 1, r = l + 1, m = i;
        if (l < q->nr && h[l]->expires < h[m]->expires)
            m = l;
        if (r < q->nr && h[r]->expires < h[m]->expires)
            m = r;
        if (m == i)
            return;
        heap_swap(q, i, m);
        i = m;
    }
}

bool timer_heap_add(struct timer_queue *q, struct timer *t)
{
    if (q->nr == capacity(q))
        return false;
    slots(q)[q->nr] = t;
    t->heap_pos = q->nr++;
    sift_up(q, t->heap_pos);
    return true;
}

void timer_heap_remove(struct timer_queue *q, struct timer *t)
{
    unsigned int i = t->heap_pos;
    struct timer **h = slots(q);

    t->heap_pos = -1;
    if (i == --q->nr)
        return;
    h[i] = h[q->nr];
    h[i]->heap_pos = i;
    sift_down(q, i);
    sift_up(q, i);
}

struct timer *timer_heap_top(const struct timer_queue *q)
{
    return q->nr ? (q->cap ? q->heap : q->base)[0] : NULL;
}

struct timer **timer_heap_resize(struct timer_queue *q, struct timer **heap,
                                 unsigned int cap)
{
    struct timer **old = q->cap ? q->heap : NULL;

    memcpy(heap, slots(q), q->nr * sizeof(*heap));
    q->heap = heap;
    q->cap = cap;
    return old;
}

#ifndef UNIT_TEST
/* ---- per-CPU queues ---- */

static spinlock_t timer_locks[NR_CPUS];

static void reprogram(struct percpu *pc)
{
    struct timer *t = timer_heap_top(&pc->timers);

    if (!t) {
        pc->lapic_timer_deadline = STIME_MAX;
        apic_timer_stop();
        return;
    }
    pc->lapic_timer_deadline = t->expires;
    apic_timer_set(t->expires - NOW());
}

void init_timer(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu)
{
    *t = (struct timer){ .fn = fn, .data = data, .cpu = cpu, .heap_pos = -1 };
}

bool timer_is_active(const struct timer *t)
{
    return t->heap_pos >= 0;
}

/* Lock the queue the timer is on; it may move while we wait. */
static unsigned long lock_timer(struct timer *t, unsigned int *cpu)
{
    for (;;) {
        unsigned int c = READ_ONCE(t->cpu);
        unsigned long f = spin_lock_irqsave(&timer_locks[c]);
        if (c == t->cpu) {
            *cpu = c;
            return f;
        }
        spin_unlock_irqrestore(&timer_locks[c], f);
    }
}

static void kick(unsigned int cpu)
{
    if (cpu == smp_processor_id())
        reprogram(per_cpu(cpu));
    else
        cpu_raise_softirq(cpu, TIMER_SOFTIRQ);
}

void set_timer(struct timer *t, s_time_t expires)
{
    unsigned int cpu;
    unsigned long f = lock_timer(t, &cpu);
    struct percpu *pc = per_cpu(cpu);

    if (timer_is_active(t))
        timer_heap_remove(&pc->timers, t);
    if (unlikely(t->killed)) {
        spin_unlock_irqrestore(&timer_locks[cpu], f);
        return;
    }
    t->expires = expires;
    /* Never full: timer_reserve counted every timer that can be queued. */
    if (unlikely(!timer_heap_add(&pc->timers, t)))
        BUG();
    if (expires < pc->lapic_timer_deadline)
        kick(cpu);
    spin_unlock_irqrestore(&timer_locks[cpu], f);
}

void stop_timer(struct timer *t)
{
    unsigned int cpu;
    unsigned long f = lock_timer(t, &cpu);

    if (timer_is_active(t))
        timer_heap_remove(&per_cpu(cpu)->timers, t);
    spin_unlock_irqrestore(&timer_locks[cpu], f);
}

void kill_timer(struct timer *t)
{
    unsigned int cpu;
    unsigned long f = lock_timer(t, &cpu);

    if (timer_is_active(t))
        timer_heap_remove(&per_cpu(cpu)->timers, t);
    t->killed = true;
    spin_unlock_irqrestore(&timer_locks[cpu], f);
    /* Its callback may have been taken off a queue just before. */
    for_each_online_cpu(c)
        while (READ_ONCE(per_cpu(c)->timers.running) == t)
            cpu_relax();
}

void migrate_timer(struct timer *t, unsigned int new_cpu)
{
    unsigned int cpu;
    unsigned long f = lock_timer(t, &cpu);
    bool active = timer_is_active(t);

    if (active)
        timer_heap_remove(&per_cpu(cpu)->timers, t);
    t->cpu = new_cpu;
    spin_unlock_irqrestore(&timer_locks[cpu], f);
    if (active)
        set_timer(t, t->expires);
}

/*
 * Timers that may be queued at once: the hypervisor's own (a few per CPU,
 * each on its CPU's queue) plus every vCPU's three, which may all follow
 * their vCPUs onto one CPU.
 */
#define STATIC_TIMERS_PER_CPU   16
static DEFINE_SPINLOCK(reserve_lock);
static unsigned int reserved;

static unsigned int queue_cap_needed(void)
{
    return STATIC_TIMERS_PER_CPU + reserved;
}

/* Grow cpu's queue to hold cap timers.  Reserve lock held. */
static int grow_queue(unsigned int cpu, unsigned int cap)
{
    struct timer **heap, **old;
    struct percpu *pc = per_cpu(cpu);
    unsigned long f;

    if (cap <= capacity(&pc->timers))
        return 0;
    cap = MAX(cap, 2 * capacity(&pc->timers));
    if (!(heap = xmalloc_bytes(cap * sizeof(*heap))))
        return -XEN_ENOMEM;
    f = spin_lock_irqsave(&timer_locks[cpu]);
    old = timer_heap_resize(&pc->timers, heap, cap);
    spin_unlock_irqrestore(&timer_locks[cpu], f);
    xfree(old);
    return 0;
}

int timer_reserve(int n)
{
    unsigned long f = spin_lock_irqsave(&reserve_lock);
    int rc = 0;

    if (n > 0)
        for_each_online_cpu(c)
            if ((rc = grow_queue(c, queue_cap_needed() + n)))
                break;
    if (!rc)
        reserved += n;
    spin_unlock_irqrestore(&reserve_lock, f);
    return rc;
}

/* A CPU coming up gets a queue as large as the others'. */
int timer_cpu_init(unsigned int cpu)
{
    unsigned long f = spin_lock_irqsave(&reserve_lock);
    int rc = grow_queue(cpu, queue_cap_needed());

    spin_unlock_irqrestore(&reserve_lock, f);
    return rc;
}

static void timer_softirq(void)
{
    unsigned int cpu = smp_processor_id();
    struct percpu *pc = this_cpu();
    unsigned long f = spin_lock_irqsave(&timer_locks[cpu]);
    struct timer *t;

    while ((t = timer_heap_top(&pc->timers)) && t->expires <= NOW()) {
        timer_heap_remove(&pc->timers, t);
        WRITE_ONCE(pc->timers.running, t);
        spin_unlock_irqrestore(&timer_locks[cpu], f);
        t->fn(t->data);
        f = spin_lock_irqsave(&timer_locks[cpu]);
        WRITE_ONCE(pc->timers.running, NULL);
    }
    reprogram(pc);
    spin_unlock_irqrestore(&timer_locks[cpu], f);
}

static void timer_interrupt(struct cpu_user_regs *regs)
{
    apic_eoi();
    this_cpu()->lapic_timer_deadline = STIME_MAX;
    raise_softirq(TIMER_SOFTIRQ);
}

void timer_softirq_init(void)
{
    for (unsigned int i = 0; i < NR_CPUS; i++)
        spin_lock_init(&timer_locks[i]);
    open_softirq(TIMER_SOFTIRQ, timer_softirq);
    set_irq_handler(LAPIC_TIMER_VECTOR, timer_interrupt);
}
#endif
