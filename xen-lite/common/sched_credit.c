/*
 * The credit policy, after Xen's credit1: every 30 ms each domain with
 * runnable vCPUs receives credit in proportion to its weight (default 256),
 * limited by its cap (% of one pCPU, 0 = none), shared among those vCPUs;
 * running burns credit.  vCPUs with credit run before those without
 * (UNDER before OVER); a vCPU waking with credit left is boosted ahead of
 * both, for latency.  An idle pCPU steals runnable work from busy ones.
 */
#include "xen/lib.h"
#include "xen/percpu.h"
#include "xen/sched.h"
#include "xen/sched_if.h"
#include "xen/smp.h"
#include "xen/softirq.h"
#include "sysctl.h"
#include "xen_errno.h"

static struct timer acct_timer;

struct csched_params csched_params = {
    .tslice_ms = CREDIT_TSLICE_MS, .ratelimit_us = CREDIT_RATELIMIT_US,
};

/* Credit a vCPU may bank: one slice's worth. */
static long credit_max(void)
{
    return (long)CREDITS_PER_MS * csched_params.tslice_ms;
}

int csched_pri_of(const struct vcpu *v)
{
    return is_idle_vcpu(v) ? PRI_IDLE : v->sched->pri;
}

/* Insert after every vCPU of at least its priority (one more if yielding). */
void csched_insert(struct sched_pcpu *sp, struct sched_vcpu *sv)
{
    struct sched_vcpu *pos = sp->runq.next;

    while (pos != &sp->runq && pos->pri >= sv->pri)
        pos = pos->next;
    if (sv->yielding && pos != &sp->runq)
        pos = pos->next;
    sv->yielding = false;
    sv->next = pos;
    sv->prev = pos->prev;
    pos->prev->next = sv;
    pos->prev = sv;
    sv->on_runq = true;
    sv->active = true;
    sp->nr_runnable++;
}

void csched_remove(struct sched_pcpu *sp, struct sched_vcpu *sv)
{
    sv->prev->next = sv->next;
    sv->next->prev = sv->prev;
    sv->next = sv->prev = NULL;
    sv->on_runq = false;
    sp->nr_runnable--;
}

bool csched_may_run(const struct sched_vcpu *sv)
{
    /* A capped domain that spent its allowance waits for the next period. */
    return !sv->v->domain->sched->cap || sv->credit > 0;
}

void csched_burn(struct sched_vcpu *sv, s_time_t now)
{
    s_time_t ran = now - sv->start;

    if (ran <= 0)
        return;
    sv->cpu_time += ran;
    sv->credit -= ran * CREDITS_PER_MS / MILLISECS(1);
    sv->start = now;
    sv->pri = sv->credit > 0 ? PRI_UNDER : PRI_OVER;
}

void csched_wake_boost(struct sched_vcpu *sv)
{
    if (sv->pri == PRI_UNDER)
        sv->pri = PRI_BOOST;
}

/* The first vCPU of sp's queue allowed to run, or NULL. */
static struct sched_vcpu *first_runnable(struct sched_pcpu *sp, unsigned int cpu)
{
    for (struct sched_vcpu *sv = sp->runq.next; sv != &sp->runq; sv = sv->next)
        if (csched_may_run(sv) && (sv->v->affinity & (1ULL << cpu)))
            return sv;
    return NULL;
}

/* Ran on its pCPU so recently that its cache is still warm there. */
static bool cache_hot(const struct sched_vcpu *sv, s_time_t now)
{
    return now - sv->last_ran < MICROSECS(csched_params.migr_delay_us);
}

/* Take a better vCPU from another pCPU's queue (never wait on its lock). */
static struct sched_vcpu *steal(unsigned int cpu, int better_than)
{
    s_time_t now = NOW();

    for_each_online_cpu(c) {
        struct sched_pcpu *other = sched_pcpu_of(c);
        struct sched_vcpu *sv;

        if (c == cpu || !other->nr_runnable || !spin_trylock(&other->lock))
            continue;
        sv = first_runnable(other, cpu);
        if (sv && sv->pri > better_than && !cache_hot(sv, now)) {
            csched_remove(other, sv);
            sv->v->processor = cpu;
            spin_unlock(&other->lock);
            return sv;
        }
        spin_unlock(&other->lock);
    }
    return NULL;
}

struct sched_vcpu *csched_pick(unsigned int cpu, struct sched_pcpu *sp)
{
    struct sched_vcpu *sv = first_runnable(sp, cpu), *stolen;

    if (!sv || sv->pri == PRI_OVER) {
        stolen = steal(cpu, sv ? sv->pri : PRI_IDLE);
        if (stolen)
            return stolen;
    }
    if (sv)
        csched_remove(sp, sv);
    return sv;
}

/* Every slice (30 ms at boot): hand out credit by weight and cap to
 * active domains. */
static void account(void *unused)
{
    unsigned int total_weight = 0;
    long credit_total = credit_max() * nr_cpus_online;
    unsigned long f = spin_lock_irqsave(&domlist_lock);

    for_each_domain(d) {
        for_each_vcpu(d, v)
            if (v->sched->active || vcpu_runnable(v)) {
                total_weight += d->sched->weight;
                break;
            }
    }
    for_each_domain(d) {
        unsigned int active = 0;
        long share;

        for_each_vcpu(d, v)
            active += v->sched->active || vcpu_runnable(v);
        if (!active || !total_weight)
            continue;
        share = credit_total * d->sched->weight / total_weight;
        if (d->sched->cap)
            share = MIN(share, credit_max() * d->sched->cap / 100);
        for_each_vcpu(d, v) {
            struct sched_vcpu *sv = v->sched;
            if (!sv->active && !vcpu_runnable(v))
                continue;
            sv->credit = MIN(sv->credit + share / active, credit_max());
            if (sv->pri != PRI_BOOST)
                sv->pri = sv->credit > 0 ? PRI_UNDER : PRI_OVER;
            sv->active = false;
        }
    }
    spin_unlock_irqrestore(&domlist_lock, f);
    set_timer(&acct_timer, NOW() + MILLISECS(csched_params.tslice_ms));
}

void csched_init(void)
{
    init_timer(&acct_timer, account, NULL, 0);
    set_timer(&acct_timer, NOW() + MILLISECS(csched_params.tslice_ms));
}

/* Xen's limits on a pool's parameters (sched_credit.c's putinfo). */
static bool params_ok(const struct xen_sysctl_credit_schedule *p)
{
    return p->tslice_ms >= XEN_SYSCTL_CSCHED_TSLICE_MIN &&
           p->tslice_ms <= XEN_SYSCTL_CSCHED_TSLICE_MAX &&
           (!p->ratelimit_us ||
            (p->ratelimit_us >= XEN_SYSCTL_SCHED_RATELIMIT_MIN &&
             p->ratelimit_us <= XEN_SYSCTL_SCHED_RATELIMIT_MAX)) &&
           MICROSECS(p->ratelimit_us) <= MILLISECS(p->tslice_ms) &&
           p->vcpu_migr_delay_us <= XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US;
}

long csched_sysctl(struct xen_sysctl_scheduler_op *op)
{
    struct xen_sysctl_credit_schedule *p = &op->u.sched_credit;

    if (op->cpupool_id != 0)
        return -XEN_ESRCH;
    if (op->sched_id != XEN_SCHEDULER_CREDIT)
        return -XEN_EINVAL;
    switch (op->cmd) {
    case XEN_SYSCTL_SCHEDOP_getinfo:
        *p = (struct xen_sysctl_credit_schedule){
            csched_params.tslice_ms, csched_params.ratelimit_us,
            csched_params.migr_delay_us };
        return 0;
    case XEN_SYSCTL_SCHEDOP_putinfo:
        if (!params_ok(p))
            return -XEN_EINVAL;
        csched_params = (struct csched_params){
            p->tslice_ms, p->ratelimit_us, p->vcpu_migr_delay_us };
        return 0;
    }
    return -XEN_EINVAL;
}
