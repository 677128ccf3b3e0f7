/*
 * Between the generic scheduler (schedule.c) and the credit policy
 * (sched_credit.c): the per-pCPU run queue and the policy's entry points.
 */
#ifndef XEN_SCHED_IF_H
#define XEN_SCHED_IF_H

#include "xen/spinlock.h"
#include "xen/timer.h"
#include "xen/types.h"

struct vcpu;
struct domain;

/* Credit priorities, highest first (Xen's credit1). */
#define PRI_BOOST       0               /* just woke with credit left */
#define PRI_UNDER       (-1)            /* has credit */
#define PRI_OVER        (-2)            /* spent its credit */
#define PRI_IDLE        (-64)

struct sched_vcpu {
    struct vcpu *v;
    struct sched_vcpu *prev, *next;     /* run-queue links */
    bool on_runq;
    int pri;
    int credit;
    bool active;                        /* ran or wanted to since accounting */
    bool yielding;
    s_time_t start;                     /* when it last started running */
    s_time_t cpu_time;                  /* total time run */
};

struct sched_domain {
    unsigned int weight;                /* Xen default 256 */
    unsigned int cap;                   /* % of one pCPU, 0 = none */
};

struct sched_pcpu {
    spinlock_t lock;
    struct sched_vcpu runq;             /* list head (sentinel) */
    struct vcpu *idle;
    struct vcpu *curr;
    struct timer slice_timer;
    unsigned int nr_runnable;
};

#define CREDIT_TSLICE_MS    30
#define CREDIT_TICK_MS      10
#define CREDITS_PER_MS      10
#define CREDIT_MAX          (CREDITS_PER_MS * CREDIT_TSLICE_MS)
#define RATELIMIT_US        1000

/* Policy (sched_credit.c); run-queue locks held where noted. */
void csched_insert(struct sched_pcpu *sp, struct sched_vcpu *sv);  /* locked */
void csched_remove(struct sched_pcpu *sp, struct sched_vcpu *sv);  /* locked */
struct sched_vcpu *csched_pick(unsigned int cpu, struct sched_pcpu *sp);  /* locked */
void csched_burn(struct sched_vcpu *sv, s_time_t now);
void csched_wake_boost(struct sched_vcpu *sv);
bool csched_may_run(const struct sched_vcpu *sv);
void csched_init(void);
int csched_pri_of(const struct vcpu *v);

struct sched_pcpu *sched_pcpu_of(unsigned int cpu);
unsigned int sched_cpu_for(struct vcpu *v);

#endif
