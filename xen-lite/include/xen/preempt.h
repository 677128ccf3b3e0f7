/* Should a long hypercall stop and continue later?  Inline: batches ask per element. */
#ifndef XEN_PREEMPT_H
#define XEN_PREEMPT_H

#include "asm/current.h"
#include "xen/event.h"
#include "xen/hypercall_asm.h"
#include "xen/softirq.h"

/* Time to yield: the work budget is spent, softirqs wait, or events do. */
static inline bool hypercall_preempt_check(void)
{
    struct cpu_info *ci = get_cpu_info();

    return ci->preempt_budget == 0 || softirq_pending(ci->processor_id) ||
           vcpu_event_delivery_pending(ci->current_vcpu);
}

/* Begin a hypercall's work budget (page-table entries before yielding). */
static inline void hypercall_budget_reset(void)
{
    get_cpu_info()->preempt_budget = HYPERCALL_BUDGET;
}

#endif
