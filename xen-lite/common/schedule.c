/*
 * The generic scheduler: per-pCPU run queues, waking and sleeping vCPUs,
 * schedule() (run from SCHEDULE_SOFTIRQ), and the vCPU's own timers.  The
 * choice of who runs next is the credit policy's (sched_credit.c).
 *
 * Locking: a vCPU that is queued or running belongs to the run queue of
 * v->processor, whose lock protects it; "is it running" is sp->curr == v
 * under that lock, so a wake-up racing with a deschedule is never lost.
 */
#include "asm/processor.h"
#include "xen/event.h"
#include "xen/lib.h"
#include "xen/percpu.h"
#include "xen/sched.h"
#include "xen/sched_if.h"
#include "xen/smp.h"
#include "xen/softirq.h"

static struct sched_pcpu sched_pcpus[NR_CPUS];

struct sched_pcpu *sched_pcpu_of(unsigned int cpu)
{
    return &sched_pcpus[cpu];
}

/* Lock the run queue v is on; v->processor may change while we wait. */
static struct sched_pcpu *lock_vcpu(struct vcpu *v, unsigned long *f)
{
    for (;;) {
        unsigned int cpu = READ_ONCE(v->processor);
        struct sched_pcpu *sp = &sched_pcpus[cpu];
        *f = spin_lock_irqsave(&sp->lock);
        if (cpu == v->processor)
            return sp;
        spin_unlock_irqrestore(&sp->lock, *f);
    }
}

void vcpu_runstate_change(struct vcpu *v, int state, s_time_t now)
{
    if (v->runstate == state)
        return;
    v->runstate_time[v->runstate] += now - v->runstate_entry;
    v->runstate = state;
    v->runstate_entry = now;
}

s_time_t vcpu_cpu_time(const struct vcpu *v)
{
    s_time_t t = v->runstate_time[RUNSTATE_running];

    if (v->runstate == RUNSTATE_running)
        t += NOW() - v->runstate_entry;
    return t;
}

/* Ask cpu to reconsider what it runs, if v should run there now. */
static void tickle(unsigned int cpu, struct sched_vcpu *sv)
{
    struct sched_pcpu *sp = &sched_pcpus[cpu];

    if (!sp->curr || is_idle_vcpu(sp->curr) || sv->pri > csched_pri_of(sp->curr)) {
        cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
        return;
    }
    /* Busy: let an idle pCPU that may run v come and take it. */
    for_each_online_cpu(c)
        if ((sv->v->affinity & (1ULL << c)) && sched_pcpus[c].curr &&
            is_idle_vcpu(sched_pcpus[c].curr)) {
            cpu_raise_softirq(c, SCHEDULE_SOFTIRQ);
            return;
        }
}

void vcpu_wake(struct vcpu *v)
{
    unsigned long f;
    struct sched_pcpu *sp;

    if (is_idle_vcpu(v))
        return;
    sp = lock_vcpu(v, &f);
    if (vcpu_runnable(v) && !v->sched->on_runq && sp->curr != v) {
        unsigned int cpu = sched_cpu_for(v);
        if (cpu != v->processor) {
            /* Move it to a better pCPU's queue (we hold the old lock). */
            spin_unlock(&sp->lock);
            sp = &sched_pcpus[cpu];
            spin_lock(&sp->lock);
            v->processor = cpu;
        }
        if (v->runstate != RUNSTATE_runnable)
            vcpu_runstate_change(v, RUNSTATE_runnable, NOW());
        csched_wake_boost(v->sched);
        csched_insert(sp, v->sched);
        tickle(v->processor, v->sched);
    }
    spin_unlock_irqrestore(&sp->lock, f);
}

void vcpu_sleep_nosync(struct vcpu *v)
{
    unsigned long f;
    struct sched_pcpu *sp = lock_vcpu(v, &f);

    if (v->sched->on_runq)
        csched_remove(sp, v->sched);
    if (sp->curr == v)
        cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
    else if (!vcpu_runnable(v))
        vcpu_runstate_change(v, test_bit(_VPF_blocked, &v->pause_flags)
                             ? RUNSTATE_blocked : RUNSTATE_offline, NOW());
    spin_unlock_irqrestore(&sp->lock, f);
}

void vcpu_sleep_sync(struct vcpu *v)
{
    vcpu_sleep_nosync(v);
    while (READ_ONCE(v->is_running) || !READ_ONCE(v->context_saved))
        cpu_relax();
}

/* SCHEDOP_block: wait for an event, with event delivery enabled. */
void vcpu_block(void)
{
    struct vcpu *v = current;

    set_bit(_VPF_blocked, &v->pause_flags);
    v->vcpu_info->evtchn_upcall_mask = 0;
    /* Check after blocking so that a racing event is not missed. */
    if (local_events_need_delivery(v))
        clear_bit(_VPF_blocked, &v->pause_flags);
    else
        raise_softirq(SCHEDULE_SOFTIRQ);
}

void vcpu_yield(void)
{
    current->sched->yielding = true;
    raise_softirq(SCHEDULE_SOFTIRQ);
}

/* An event arrived for v: unblock it, or make its pCPU notice. */
void vcpu_kick(struct vcpu *v)
{
    bool running = v->is_running;
    unsigned long blocked = (1UL << _VPF_blocked) | (1UL << _VPF_blocked_in_xen);

    /* A plain look first: a running vCPU (the usual case) needs no atomics. */
    if ((__atomic_load_n(&v->pause_flags, __ATOMIC_SEQ_CST) & blocked) &&
        (test_and_clear_bit(_VPF_blocked, &v->pause_flags) |
         test_and_clear_bit(_VPF_blocked_in_xen, &v->pause_flags))) {
        clear_bit(v->vcpu_id, &v->domain->poll_mask);
        stop_timer(&v->poll_timer);
        vcpu_wake(v);
    }
    if (running && v->processor != smp_processor_id())
        cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
}

void vcpu_force_reschedule(struct vcpu *v)
{
    unsigned long f;
    struct sched_pcpu *sp = lock_vcpu(v, &f);

    if (sp->curr == v)
        cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
    spin_unlock_irqrestore(&sp->lock, f);
}

int vcpu_set_affinity(struct vcpu *v, uint64_t mask)
{
    mask &= cpu_online_mask();
    if (!mask)
        return -XEN_EINVAL;
    v->affinity = mask;
    if (!(mask & (1ULL << v->processor))) {
        vcpu_sleep_nosync(v);           /* requeued where it may run */
        vcpu_wake(v);
        vcpu_force_reschedule(v);
    }
    return 0;
}

/* An idle pCPU of mask with nothing queued, or -1. */
static int idle_cpu_in(uint64_t mask)
{
    for_each_online_cpu(c)
        if ((mask & (1ULL << c)) && sched_pcpus[c].curr &&
            is_idle_vcpu(sched_pcpus[c].curr) && !sched_pcpus[c].nr_runnable)
            return (int)c;
    return -1;
}

/* Pick the pCPU for a waking vCPU: its last one unless an idle one fits,
 * an idle one of its soft affinity first. */
unsigned int sched_cpu_for(struct vcpu *v)
{
    unsigned int cur = v->processor;
    uint64_t soft = v->affinity & v->soft_affinity;
    int idle;

    if ((soft & (1ULL << cur)) && per_cpu(cur) && per_cpu(cur)->online &&
        sched_pcpus[cur].curr && is_idle_vcpu(sched_pcpus[cur].curr))
        return cur;
    if ((idle = idle_cpu_in(soft)) >= 0 ||
        (idle = idle_cpu_in(v->affinity)) >= 0)
        return (unsigned int)idle;
    if ((v->affinity & (1ULL << cur)) && per_cpu(cur) && per_cpu(cur)->online)
        return cur;
    for_each_online_cpu(c)
        if (v->affinity & (1ULL << c))
            return c;
    return 0;
}

static void slice_expired(void *data)
{
    raise_softirq(SCHEDULE_SOFTIRQ);
}

/* Keep prev running a little longer: it has run less than the pool's
 * rate limit since it was switched in, and may go on running here. */
static bool rate_limited(struct vcpu *prev, unsigned int cpu, s_time_t ran)
{
    return csched_params.ratelimit_us &&
           ran < MICROSECS(csched_params.ratelimit_us) &&
           vcpu_runnable(prev) && !prev->sched->yielding &&
           !prev->sched->on_runq && csched_may_run(prev->sched) &&
           (prev->affinity & (1ULL << cpu));
}

static void schedule(void)
{
    unsigned int cpu = smp_processor_id();
    struct sched_pcpu *sp = &sched_pcpus[cpu];
    struct vcpu *prev = current, *next;
    struct sched_vcpu *nsv;
    s_time_t now = NOW();
    unsigned long f;

    if (!sp->idle)
        return;                         /* this pCPU has not started scheduling */
    f = spin_lock_irqsave(&sp->lock);
    if (!is_idle_vcpu(prev)) {
        s_time_t ran = now - prev->sched->run_start;

        csched_burn(prev->sched, now);
        if (rate_limited(prev, cpu, ran)) {
            set_timer(&sp->slice_timer,
                      now + MICROSECS(csched_params.ratelimit_us) - ran);
            spin_unlock_irqrestore(&sp->lock, f);
            return;
        }
        if (vcpu_runnable(prev) && !prev->sched->on_runq)
            csched_insert(sp, prev->sched);
    }
    nsv = csched_pick(cpu, sp);
    next = nsv ? nsv->v : sp->idle;
    if (!is_idle_vcpu(next))
        set_timer(&sp->slice_timer, now + MILLISECS(csched_params.tslice_ms));
    if (next == prev) {
        spin_unlock_irqrestore(&sp->lock, f);
        return;
    }
    while (!READ_ONCE(next->context_saved))
        cpu_relax();                    /* still being saved elsewhere */
    next->context_saved = false;
    next->is_running = true;
    next->processor = cpu;
    next->sched->start = next->sched->run_start = now;
    vcpu_runstate_change(next, RUNSTATE_running, now);
    if (!is_idle_vcpu(prev)) {
        prev->sched->last_ran = now;
        vcpu_runstate_change(prev, vcpu_runnable(prev) ? RUNSTATE_runnable :
                             test_bit(_VPF_blocked, &prev->pause_flags) ?
                             RUNSTATE_blocked : RUNSTATE_offline, now);
    }
    sp->curr = next;
    spin_unlock(&sp->lock);
    context_switch(prev, next);         /* interrupts stay off; never returns */
}

/* Called by context_switch once prev's state is in memory. */
void context_saved(struct vcpu *prev)
{
    __atomic_store_n(&prev->is_running, false, __ATOMIC_RELEASE);
    __atomic_store_n(&prev->context_saved, true, __ATOMIC_RELEASE);
}

int sched_init_vcpu(struct vcpu *v, unsigned int processor)
{
    v->sched = xzalloc(struct sched_vcpu);
    if (!v->sched)
        return -XEN_ENOMEM;
    v->sched->v = v;
    v->sched->pri = is_idle_vcpu(v) ? PRI_IDLE : PRI_UNDER;
    v->processor = processor;
    v->runstate = RUNSTATE_offline;
    v->runstate_entry = NOW();
    return 0;
}

void sched_destroy_vcpu(struct vcpu *v)
{
    if (v->sched) {
        unsigned long f;
        struct sched_pcpu *sp = lock_vcpu(v, &f);
        if (v->sched->on_runq)
            csched_remove(sp, v->sched);
        spin_unlock_irqrestore(&sp->lock, f);
    }
    vcpu_timers_destroy(v);
    xfree(v->sched);
    v->sched = NULL;
}

int sched_init_domain(struct domain *d)
{
    d->sched = xzalloc(struct sched_domain);
    if (!d->sched)
        return -XEN_ENOMEM;
    d->sched->weight = 256;
    d->sched->cap = 0;
    return 0;
}

void sched_destroy_domain(struct domain *d)
{
    xfree(d->sched);
}

void scheduler_init(void)
{
    for (unsigned int c = 0; c < NR_CPUS; c++) {
        spin_lock_init(&sched_pcpus[c].lock);
        sched_pcpus[c].runq.next = sched_pcpus[c].runq.prev = &sched_pcpus[c].runq;
    }
    open_softirq(SCHEDULE_SOFTIRQ, schedule);
    csched_init();
}

/* Each pCPU enters here at the end of boot, as its idle vCPU. */
__noreturn void start_scheduling(void)
{
    unsigned int cpu = smp_processor_id();
    struct sched_pcpu *sp = &sched_pcpus[cpu];
    struct vcpu *idle = vcpu_create(idle_domain, cpu);

    if (!idle)
        panic("CPU%u: cannot create its idle vCPU", cpu);
    sp->idle = sp->curr = idle;
    idle->processor = cpu;
    idle->is_running = true;
    idle->context_saved = false;
    init_timer(&sp->slice_timer, slice_expired, NULL, cpu);
    get_cpu_info()->current_vcpu = idle;
    /* dom0's first vCPU was built before the boot CPU could take it. */
    if (cpu == 0 && dom0)
        vcpu_wake(dom0->vcpu[0]);
    raise_softirq(SCHEDULE_SOFTIRQ);
    cpu_idle_loop();
}
