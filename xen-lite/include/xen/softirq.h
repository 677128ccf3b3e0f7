/*
 * Softirqs: deferred work raised from interrupt context (or another CPU)
 * and run with interrupts enabled before returning to a guest or while
 * idle, as in Xen.
 */
#ifndef XEN_SOFTIRQ_H
#define XEN_SOFTIRQ_H

#include "xen/percpu.h"

enum {
    TIMER_SOFTIRQ,
    SCHEDULE_SOFTIRQ,
    CALL_FUNC_SOFTIRQ,
    NR_SOFTIRQS
};

typedef void (*softirq_handler)(void);

void open_softirq(int nr, softirq_handler h);
void raise_softirq(int nr);                     /* this CPU */
void cpu_raise_softirq(unsigned int cpu, int nr);   /* any CPU, IPI if remote */
void do_softirq(void);
/* Anything to run on cpu?  (The return-to-guest path's first question.) */
#define softirq_pending(cpu)    (per_cpu(cpu)->softirq_pending != 0)

#endif
