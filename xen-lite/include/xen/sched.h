/*
 * Domains and vCPUs: the objects everything else hangs off.
 */
#ifndef XEN_SCHED_H
#define XEN_SCHED_H

#include "asm/atomic.h"
#include "asm/current.h"
#include "asm/domain.h"
#include "xen/mm.h"
#include "xen/nospec.h"
#include "xen/spinlock.h"
#include "xen/timer.h"
#include "xen/types.h"
#include "memory_op.h"
#include "vcpu.h"
#include "xen.h"
#include "xenlite.h"
#include "xen_errno.h"

#define MAX_VIRT_CPUS       XEN_LEGACY_MAX_VCPUS    /* vcpu_info slots */
#define DOMAIN_NAME_MAX     64
#define DOMAIN_CONSOLE_LINE 200         /* a domU's console_io line buffer */
#define EVTCHNS_PER_BUCKET  64
#define NR_EVTCHN_BUCKETS   (NR_EVENT_CHANNELS / EVTCHNS_PER_BUCKET)

struct evtchn;
struct evtchn_fifo;
struct sched_vcpu;
struct sched_domain;

/* vcpu.pause_flags: reasons a vCPU cannot run that the vCPU itself owns. */
#define _VPF_blocked        0       /* SCHEDOP_block, waiting for an event */
#define _VPF_down           1       /* not brought up, or VCPUOP_down */
#define _VPF_blocked_in_xen 2       /* SCHEDOP_poll */
#define VPF_blocked         (1UL << _VPF_blocked)
#define VPF_down            (1UL << _VPF_down)
#define VPF_blocked_in_xen  (1UL << _VPF_blocked_in_xen)

struct vcpu {
    unsigned int vcpu_id;
    struct domain *domain;
    unsigned int processor;             /* pCPU it runs on or is queued for */
    uint64_t affinity;                  /* pCPUs it may run on (bit mask) */
    uint64_t soft_affinity;             /* ... and would rather run on */

    volatile unsigned long pause_flags; /* VPF_* */
    int pause_count;                    /* vcpu_pause() nesting */
    volatile bool is_running;           /* loaded on a pCPU right now */
    volatile bool context_saved;        /* false while being switched out */
    bool is_initialised;                /* has a context (VCPUOP_initialise) */

    struct vcpu_info *vcpu_info;        /* in shared_info or registered */
    unsigned long vcpu_info_mfn;        /* registered page, or 0 */
    uint16_t virq_to_evtchn[NR_VIRQS];

    struct timer singleshot_timer;      /* set_timer_op, VCPUOP_singleshot */
    struct timer periodic_timer;
    s_time_t periodic_period;
    s_time_t periodic_last;
    struct timer poll_timer;            /* SCHEDOP_poll timeout */
    bool timers_ready;                  /* initialised and counted */
    uint32_t poll_ports[8];             /* ports polled, if few */
    unsigned int poll_nr;

    /* Runstate accounting (VCPUOP_get_runstate_info, xl vcpu-list). */
    int runstate;
    s_time_t runstate_entry;
    s_time_t runstate_time[4];

    struct sched_vcpu *sched;           /* the scheduler's per-vCPU data */
    struct xenlite_domain_stats stats;  /* its hypercalls, ptwr emulations */
    struct arch_vcpu arch;              /* the guest's CPU state */
};

enum domain_state {
    DOMSTATE_alive,
    DOMSTATE_dying,                     /* being torn down */
    DOMSTATE_dead,                      /* resources gone; waiting for refs */
};

#define DOMAIN_E820_MAX 8              /* a PV guest's map needs one entry */

struct domain {
    domid_t domain_id;
    char name[DOMAIN_NAME_MAX];
    uint8_t handle[16];                 /* UUID */
    int refcnt;                         /* get_domain()/put_domain() */
    enum domain_state state;
    bool is_privileged;                 /* dom0: SIF_PRIVILEGED */
    bool is_shutting_down;              /* SCHEDOP_shutdown seen */
    bool is_shut_down;                  /* ... and every vCPU has stopped */
    uint8_t shutdown_code;              /* SHUTDOWN_* reason */
    int exit_status;                    /* SCHEDOP_xenlite_exit_status */
    int controller_pause_count;         /* domctl pause (xl pause) */
    int pause_count_internal;           /* domain_pause() nesting */
    s_time_t create_time;
    spinlock_t domain_lock;             /* vCPU contexts (VCPUOP_initialise) */

    /* console_io output of a domU, rate-limited (common/console_io.c). */
    s_time_t console_stamp;             /* when the budget was last filled */
    uint32_t console_budget;            /* bytes it may write now */
    uint64_t console_dropped;           /* bytes dropped, not yet reported */
    unsigned int console_len;           /* bytes in console_line */
    char console_line[DOMAIN_CONSOLE_LINE];    /* a line being written */

    /* Memory: every frame the domain owns is on page_list. */
    spinlock_t page_alloc_lock;
    struct page_list page_list;
    unsigned long tot_pages;
    unsigned long max_pages;
    unsigned long xenheap_pages;        /* shared hypervisor pages */
    uint64_t dirty_cpumask;             /* pCPUs that may cache its TLB entries */
    unsigned int nr_e820;               /* XENMEM_set_memory_map; 0: none */
    struct xen_e820_entry e820[DOMAIN_E820_MAX];

    unsigned int max_vcpus;
    struct vcpu **vcpu;                 /* [max_vcpus] */
    struct shared_info *shared_info;

    spinlock_t event_lock;
    struct evtchn *evtchn[NR_EVTCHN_BUCKETS];
    unsigned int valid_evtchns;         /* ports below this have a bucket */
    struct evtchn_fifo *evtchn_fifo;    /* the FIFO ABI's state, or NULL: 2-level */
    unsigned long poll_mask;            /* vCPUs blocked in SCHEDOP_poll */

    unsigned long vm_assist;            /* VMASST_TYPE_* bits enabled */
    struct sched_domain *sched;
    struct arch_domain arch;
    struct domain *next_in_list;
    struct grant_table *grant_table;    /* common/grant_table.c */
};

extern struct domain *domain_list;      /* sorted by domain_id */
extern spinlock_t domlist_lock;
extern struct domain *dom0;
extern struct domain *idle_domain;

#define for_each_domain(d) \
    for (struct domain *d = domain_list; d; d = d->next_in_list)
#define for_each_vcpu(d, v)                                             \
    for (unsigned int _i = 0; _i < (d)->max_vcpus; _i++)               \
        for (struct vcpu *v = (d)->vcpu[_i]; v; v = NULL)

/* d's vCPU id, or NULL; a guest-chosen id is bounded under speculation. */
static inline struct vcpu *domain_vcpu(const struct domain *d, unsigned int id)
{
    return id < d->max_vcpus ? d->vcpu[array_index_nospec(id, d->max_vcpus)] : NULL;
}

static inline bool is_idle_vcpu(const struct vcpu *v)
{
    return v->domain == idle_domain;
}
static inline bool is_idle_domain(const struct domain *d)
{
    return d == idle_domain;
}
static inline bool is_pv_domain(const struct domain *d)
{
    return d->arch.type == GUEST_PV;
}
static inline bool is_hvm_domain(const struct domain *d)
{
    return d->arch.type == GUEST_HVM;
}
static inline bool is_pv_vcpu(const struct vcpu *v)
{
    return is_pv_domain(v->domain);
}
static inline bool is_hvm_vcpu(const struct vcpu *v)
{
    return is_hvm_domain(v->domain);
}

/* The running vCPU's frame while it is loaded on this pCPU. */
static inline struct cpu_user_regs *guest_cpu_user_regs(void)
{
    return &get_cpu_info()->guest_regs;
}

/* ---- grant_table.c ---- */
int grant_table_init(struct domain *d);
void grant_table_destroy(struct domain *d);

/* ---- domain.c ---- */
#define DOMCRF_privileged   (1U << 0)   /* dom0: SIF_PRIVILEGED */
#define DOMCRF_hvm          (1U << 1)   /* an HVM (PVH) domain ... */
#define DOMCRF_hap          (1U << 2)   /* ... on nested paging */
struct domain *domain_create(domid_t domid, unsigned int max_vcpus,
                             unsigned int flags, int *err);
struct vcpu *vcpu_create(struct domain *d, unsigned int vcpu_id);
int domain_kill(struct domain *d);
void domain_shutdown(struct domain *d, uint8_t reason);
void domain_crash(struct domain *d, const char *why);
struct domain *get_domain_by_id(domid_t domid);  /* takes a reference */
/* The domain that owns frame pg, or NULL (no reference taken). */
struct domain *get_domain_of_page(const struct page_info *pg);
struct domain *domain_from_id_noref(domid_t domid);
bool get_domain(struct domain *d);
void put_domain(struct domain *d);
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
int domain_pause_by_controller(struct domain *d);
int domain_unpause_by_controller(struct domain *d);
void vcpu_pause(struct vcpu *v);
void vcpu_unpause(struct vcpu *v);
void vcpu_pause_nosync(struct vcpu *v);
void domain_init(void);
domid_t domid_alloc(void);
bool domain_is_paused(const struct domain *d);
void vcpu_mark_down(struct vcpu *v);

/* ---- vcpu_op.c ---- */
int vcpu_timers_init(struct vcpu *v);
void vcpu_timers_follow(struct vcpu *v, unsigned int cpu);
void vcpu_timers_kill(struct vcpu *v);
void vcpu_timers_destroy(struct vcpu *v);

/* ---- schedule.c ---- */
void scheduler_init(void);
int sched_init_vcpu(struct vcpu *v, unsigned int processor);
void sched_destroy_vcpu(struct vcpu *v);
int sched_init_domain(struct domain *d);
void sched_destroy_domain(struct domain *d);
void vcpu_wake(struct vcpu *v);
void vcpu_sleep_nosync(struct vcpu *v);
void vcpu_sleep_sync(struct vcpu *v);
void vcpu_block(void);
void vcpu_yield(void);
bool vcpu_runnable(const struct vcpu *v);
void vcpu_force_reschedule(struct vcpu *v);
int vcpu_set_affinity(struct vcpu *v, uint64_t mask);
void vcpu_runstate_change(struct vcpu *v, int state, s_time_t now);
s_time_t vcpu_cpu_time(const struct vcpu *v);
__attribute__((noreturn)) void start_scheduling(void);

/* ---- arch: context switch (arch/x86/domain.c) ---- */
__attribute__((noreturn)) void context_switch(struct vcpu *prev, struct vcpu *next);
void context_saved(struct vcpu *prev);
int arch_vcpu_create(struct vcpu *v);
void arch_vcpu_destroy(struct vcpu *v);
int arch_domain_create(struct domain *d, unsigned int flags);
void arch_domain_relinquish(struct domain *d);
void arch_domain_destroy(struct domain *d);
void vcpu_kick(struct vcpu *v);

/* The vCPU a pCPU is running (or its idle vCPU). */
#define current_vcpu()  (current)

#endif
