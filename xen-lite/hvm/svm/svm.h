/* Inside the SVM back end (hvm/svm/). */
#ifndef HVM_SVM_SVM_H
#define HVM_SVM_SVM_H

#include "hvm/hvm.h"
#include "hvm/svm.h"

struct svm_vcpu {
    struct vmcb *vmcb;
    uint64_t vmcb_pa;
    uint32_t asid;                      /* 0: none yet */
    uint32_t asid_generation;
    unsigned int asid_cpu;              /* the pCPU the ASID belongs to */
    volatile bool flush;                /* the guest TLB is stale: new ASID */
    /* Without nested paging: the guest's own values (the VMCB has the mode's). */
    bool own_view;
    uint64_t cr0, cr3, cr4, efer;
};

/* Per pCPU: the host state areas and the ASID space (APM §15.16). */
struct svm_cpu {
    void *hsave;                        /* VM_HSAVE_PA: what VMRUN saves */
    uint64_t host_vmcb_pa;              /* VMSAVE/VMLOAD of the host's FS, GS, TR... */
    uint32_t next_asid, generation;
};

extern bool svm_has_nrips;
extern uint32_t svm_max_asid;
extern struct svm_cpu svm_cpus[];

static inline struct svm_vcpu *svm(struct vcpu *v)
{
    return v->arch.hvm.hw;
}

/* entry.S: load the guest's registers from regs, VMRUN, store them back. */
void svm_vmrun(uint64_t vmcb_pa, uint64_t host_pa, struct cpu_user_regs *regs);

/* vmcb.c */
int svm_vmcb_init(struct vcpu *v);
void svm_vmcb_dump(struct vcpu *v);
uint16_t svm_attr_to_ar(uint16_t attrib);
uint16_t svm_ar_to_attr(uint16_t ar);
int svm_bitmaps_init(void);
extern uint64_t svm_iopm_pa, svm_msrpm_pa;

/* exit.c */
void svm_decode_exit(struct vcpu *v, struct cpu_user_regs *regs);

/* asid.c */
void svm_asid_assign(struct vcpu *v, unsigned int cpu);
void svm_p2m_flush(struct domain *d);

#endif
