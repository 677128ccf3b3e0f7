/*
 * What the CPU caches for a guest (Intel SDM vol. 3C 28.3): linear
 * translations tagged with the vCPU's VPID, and guest-physical ones tagged
 * with the EPT pointer.
 *
 * VPIDs (28.1) are handed out per pCPU in generations, as SVM's ASIDs: a
 * vCPU keeps its VPID while it stays on the pCPU and nothing made its TLB
 * stale; flushing it is a fresh VPID at the next entry.  When a pCPU runs
 * out, a new generation starts with INVVPID of every context.  Without
 * VPIDs, every entry and exit flushes linear translations anyway.
 *
 * The p2m's translations outlive the vCPU on every pCPU that ran the
 * domain, so a p2m change marks them all stale: each does INVEPT
 * (single-context where offered) before it next enters the domain, and
 * the ones running it now are made to exit at once, so that nothing the
 * change freed is reached again.  Under shadow paging the same call is
 * the shadows' flush (they changed, or the p2m under them did): every
 * vCPU takes a fresh VPID at its next entry.
 */
#include "asm/vmx.h"
#include "asm/vmx_cpu.h"
#include "asm/vmx_insn.h"
#include "xen/lib.h"
#include "xen/percpu.h"
#include "xen/sched.h"
#include "xen/smp.h"

#include "vmx.h"

#define VPID_MAX    0xffff

static void assign_vpid(struct vmx_vcpu *s, unsigned int cpu)
{
    struct vmx_cpu *c = &vmx_cpus[cpu];

    if (s->vpid && s->vpid_cpu == cpu && s->vpid_generation == c->generation && !s->flush)
        return;
    s->flush = false;
    if (c->next_vpid > VPID_MAX) {
        c->generation++;
        c->next_vpid = 1;
        invvpid(INVVPID_ALL_CONTEXT, 0, 0);
    }
    s->vpid = c->next_vpid++;
    s->vpid_generation = c->generation;
    s->vpid_cpu = cpu;
    vmwrite(VIRTUAL_PROCESSOR_ID, s->vpid);
}

static void invept_domain(uint64_t eptp)
{
    const struct vmx_config *cfg = vmx_config();

    if (cfg->invept_single)
        invept(INVEPT_SINGLE_CONTEXT, eptp);
    else
        invept(INVEPT_ALL_CONTEXT, 0);
}

/* Interrupts off, v's VMCS current: make the caches right for v. */
void vmx_tlb_before_entry(struct vcpu *v, unsigned int cpu)
{
    struct vmx_vcpu *s = vmx(v);
    struct vmx_domain *x = v->domain->arch.hvm.hw;

    if (vmx_config()->vpid)
        assign_vpid(s, cpu);
    if (s->eptp && (x->ept_stale & (1ULL << cpu))) {
        __atomic_and_fetch(&x->ept_stale, ~(1ULL << cpu), __ATOMIC_SEQ_CST);
        invept_domain(s->eptp);
    }
}

/* Runs on each pCPU running the domain: the IPI made its guest exit. */
static void exited(void *unused) { }

void vmx_p2m_flush(struct domain *d)
{
    struct vmx_domain *x = d->arch.hvm.hw;
    uint64_t running = 0;

    __atomic_store_n(&x->ept_stale, ~0ULL, __ATOMIC_SEQ_CST);
    for_each_vcpu(d, v) {
        if (vmx(v))
            vmx(v)->flush = true;       /* shadow paging: linear translations */
        if (v->is_running)
            running |= 1ULL << v->processor;
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    running &= ~(1ULL << smp_processor_id());
    if (running)
        on_selected_cpus(running, exited, NULL);
}

void vmx_flush_guest_tlb(struct vcpu *v)
{
    vmx(v)->flush = true;
}

/* INVVPID of one address where the CPU offers it; else a fresh VPID. */
void vmx_invlpg(struct vcpu *v, unsigned long va)
{
    struct vmx_vcpu *s = vmx(v);
    const struct vmx_config *cfg = vmx_config();

    if (cfg->vpid && cfg->invvpid_addr && v == current && s->vpid &&
        s->vpid_cpu == smp_processor_id())
        invvpid(INVVPID_INDIVIDUAL_ADDR, s->vpid, va);
    else
        s->flush = true;
}
