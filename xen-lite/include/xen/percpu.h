/* Per-CPU state, reached through get_cpu_info()->percpu (this_cpu()). */
#ifndef XEN_PERCPU_H
#define XEN_PERCPU_H

#include "asm/config.h"
#include "asm/current.h"
#include "asm/desc.h"
#include "xen/timer.h"
#include "xen/types.h"

struct percpu {
    unsigned int cpu;
    uint32_t apic_id;
    bool online;
    void *stack;                        /* STACK_SIZE block, cpu_info at top */
    struct tss64 tss;
    uint64_t *gdt_page;                 /* the hypervisor's descriptors */
    unsigned long gdt_va;               /* where this CPU's GDT is mapped */
    uint64_t *gdt_l1e;                  /* its window's 16 L1 entries */
    uint64_t *ldt_l1e;                  /* the LDT window's 16 L1 entries */
    volatile unsigned long softirq_pending;
    struct timer_queue timers;
    s_time_t lapic_timer_deadline;      /* ns of the programmed one-shot */
    unsigned long irq_count;            /* interrupts taken, for self-tests */
    unsigned long ipi_count;
    struct sched_pcpu *sched;           /* the scheduler's per-pCPU data */
};

extern struct percpu *percpu_area[NR_CPUS];
extern unsigned int nr_cpus_online;
extern unsigned int nr_cpu_ids;         /* CPUs found in the MADT (capped) */

static inline struct percpu *per_cpu(unsigned int cpu)
{
    return percpu_area[cpu];
}

/* The cpu_info (and so the running vCPU) of any CPU. */
static inline struct cpu_info *get_cpu_info_of(unsigned int cpu)
{
    return stack_cpu_info(per_cpu(cpu)->stack);
}

#define for_each_online_cpu(c) \
    for (unsigned int c = 0; c < nr_cpu_ids; c++) if (percpu_area[c] && percpu_area[c]->online)

#endif
