/*
 * The local APIC of an HVM vCPU, in x2APIC mode (Intel SDM vol. 3 §10.12:
 * registers as MSRs 0x800-0x8ff): ID, version, TPR/PPR, EOI, LDR, SVR,
 * ISR/TMR/IRR, ESR, ICR for fixed IPIs between the domain's vCPUs and to
 * itself, the LVT, and the timer in one-shot and periodic modes, counting
 * a 1 GHz bus clock through its divider.
 */
#ifndef HVM_VLAPIC_H
#define HVM_VLAPIC_H

#include "xen/spinlock.h"
#include "xen/timer.h"
#include "xen/types.h"

struct vcpu;

#define VLAPIC_LVT_NR   7               /* CMCI, timer, thermal, perf, LINT0/1, error */

struct vlapic {
    spinlock_t lock;                    /* IRR and the timer: other pCPUs touch them */
    uint64_t apic_base;                 /* IA32_APIC_BASE as the guest sees it */
    uint32_t tpr, svr, esr;
    uint32_t lvt[VLAPIC_LVT_NR];
    uint32_t tmict, tdcr;
    s_time_t timer_start;               /* when the count was (re)loaded */
    s_time_t timer_period;              /* ns for the whole count */
    uint32_t irr[8], isr[8], tmr[8];    /* 256 vectors each */
    struct timer timer;
};

void vlapic_init(struct vcpu *v);
void vlapic_destroy(struct vcpu *v);
/* x2APIC MSR access; false: #GP (reserved register, bad value, wrong mode). */
bool vlapic_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val);
bool vlapic_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val);
/* IA32_APIC_BASE. */
uint64_t vlapic_get_base(struct vcpu *v);
bool vlapic_set_base(struct vcpu *v, uint64_t val);
/* Raise a fixed interrupt; the vCPU is kicked. */
void vlapic_set_irq(struct vcpu *v, uint8_t vector);
/* The vector the APIC would deliver now (-1: none), and its delivery. */
int vlapic_pending(struct vcpu *v);
void vlapic_ack(struct vcpu *v, uint8_t vector);
/* Keep the timer on the pCPU the vCPU runs on. */
void vlapic_follow(struct vcpu *v, unsigned int cpu);

#endif
