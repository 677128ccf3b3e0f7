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

static struct timer acct_timer;

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

/* Take a better vCPU from another pCPU's queue (never wait on its lock). */
static struct sched_vcpu *steal(unsigned int cpu, int better_than)
{
    for_each_online_cpu(c) {
        struct sched_pcpu *other = sched_pcpu_of(c);
        struct sched_vcpu *sv;

        if (c == cpu || !other->nr_runnable || !spin_trylock(&other->lock))
            continue;
        sv = first_runnable(other, cpu);
        if (sv && sv->pri > better_than) {
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

/* Every 30 ms: hand out credit by weight and cap to active domains. */
static void account(void *unused)
{
    unsigned int total_weight = 0;
    long credit_total = (long)CREDIT_MAX * nr_cpus_online;
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
            share = MIN(share, (long)CREDIT_MAX * d->sched->cap / 100);
        for_each_vcpu(d, v) {
            struct sched_vcpu *sv = v->sched;
            if (!sv->active && !vcpu_runnable(v))
                continue;
            sv->credit = MIN(sv->credit + share / active, (long)CREDIT_MAX);
            if (sv->pri != PRI_BOOST)
                sv->pri = sv->credit > 0 ? PRI_UNDER : PRI_OVER;
            sv->active = false;
        }
    }
    spin_unlock_irqrestore(&domlist_lock, f);
    set_timer(&acct_timer, NOW() + MILLISECS(CREDIT_TSLICE_MS));
}

void csched_init(void)
{
    init_timer(&acct_timer, account, NULL, 0);
    set_timer(&acct_timer, NOW() + MILLISECS(CREDIT_TSLICE_MS));
}
