/*
 * Guest TLB tagging (AMD APM vol. 2 §15.16): each pCPU hands out ASIDs
 * 1..max in order within a generation; when they run out it starts a new
 * generation and flushes every ASID once.  A vCPU keeps its ASID while it
 * stays on the pCPU and nothing made its translations stale; flushing its
 * TLB is giving it a fresh ASID at its next entry, which no entry in any
 * TLB can carry.  The nested (p2m) translations are tagged the same way,
 * so a p2m change flushes by the same means -- on every pCPU running the
 * domain before anything the change freed is reused.
 */
#include "xen/lib.h"
#include "xen/percpu.h"
#include "xen/sched.h"
#include "xen/smp.h"

#include "svm.h"

void svm_asid_assign(struct vcpu *v, unsigned int cpu)
{
    struct svm_vcpu *s = svm(v);
    struct svm_cpu *c = &svm_cpus[cpu];

    if (s->asid && s->asid_cpu == cpu && s->asid_generation == c->generation &&
        !s->flush)
        return;
    s->flush = false;
    if (c->next_asid > svm_max_asid) {
        c->generation++;
        c->next_asid = 1;
        s->vmcb->tlb_control = VMCB_TLB_FLUSH_ALL;
    }
    s->asid = c->next_asid++;
    s->asid_generation = c->generation;
    s->asid_cpu = cpu;
    s->vmcb->asid = s->asid;
}

/* Runs on each pCPU running the domain: the IPI made its guest exit. */
static void exited(void *unused) { }

void svm_p2m_flush(struct domain *d)
{
    uint64_t mask = 0;

    for_each_vcpu(d, v) {
        if (!svm(v))
            continue;
        svm(v)->flush = true;
        if (v->is_running)
            mask |= 1ULL << v->processor;
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    /* Returns once each is out of its guest: the next entry takes a new ASID. */
    mask &= ~(1ULL << smp_processor_id());
    if (mask)
        on_selected_cpus(mask, exited, NULL);
}
