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
    s_time_t start;                     /* when its running was last counted */
    s_time_t run_start;                 /* when it was last switched in */
    s_time_t last_ran;                  /* when it was last switched out */
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

#define CREDITS_PER_MS      10
/* The pool's parameters at boot, as Xen's credit1. */
#define CREDIT_TSLICE_MS    30
#define CREDIT_RATELIMIT_US 1000

/* The pool's parameters now (xl sched-credit -s). */
struct csched_params {
    unsigned int tslice_ms;             /* slice and accounting period */
    unsigned int ratelimit_us;          /* least run before preemption */
    unsigned int migr_delay_us;         /* cache-hot: not stolen sooner */
};
extern struct csched_params csched_params;
struct xen_sysctl_scheduler_op;
long csched_sysctl(struct xen_sysctl_scheduler_op *op);

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
