/* Inside the VMX back end (hvm/vmx/). */
#ifndef HVM_VMX_VMX_H
#define HVM_VMX_VMX_H

#include "asm/vmcs.h"
#include "asm/vmcs_ops.h"
#include "asm/vmx_caps.h"
#include "hvm/hvm.h"

/*
 * The guest's syscall MSRs, which VM entries and exits do not switch (SDM
 * vol. 3C 24.4, 24.5): they stay in the CPU from the vCPU's first entry
 * on this pCPU until it is switched out (vmx_vcpu_put).
 */
enum vmx_lazy_msr { LAZY_STAR, LAZY_LSTAR, LAZY_CSTAR, LAZY_SFMASK,
                    LAZY_KERNEL_GS_BASE, NR_LAZY_MSRS };

struct vmx_vcpu {
    void *vmcs;
    int active_cpu;                     /* where it is current; -1: clear */
    bool launched;                      /* VMRESUME (else VMLAUNCH) */
    uint16_t vpid;                      /* 0: none yet */
    uint32_t vpid_generation;
    unsigned int vpid_cpu;              /* the pCPU the VPID belongs to */
    volatile bool flush;                /* the guest TLB is stale: new VPID */
    bool msrs_loaded;                   /* lazy[] are in the CPU */
    uint64_t lazy[NR_LAZY_MSRS];
    uint64_t cr2;                       /* VMX keeps no CR2 (SDM 27.3.1) */
    uint64_t dr[4], dr6, dr7;           /* the guest's, never in the CPU */
    uint64_t eptp;                      /* 0: nested paging off */
    /* Without nested paging the VMCS holds the paging mode's CR0, CR3, CR4
     * and EFER; the guest's own are these and the CR0/CR4 read shadows. */
    bool own_view;
    uint64_t cr3, efer;
    struct vmx_entry_failure fail;      /* the last failed entry, for dump */
};

struct vmx_domain {
    volatile uint64_t ept_stale;        /* pCPUs that must INVEPT before entry */
};

/* Per pCPU: the VPID space (SDM 28.1) and the host's syscall MSRs. */
struct vmx_cpu {
    uint32_t next_vpid, generation;
    uint64_t host_lazy[NR_LAZY_MSRS];
};

extern struct vmx_cpu vmx_cpus[];
extern uint64_t vmx_msr_bitmap_pa, vmx_io_bitmap_pa[2];

static inline struct vmx_vcpu *vmx(struct vcpu *v)
{
    return v->arch.hvm.hw;
}

/* vmx.c: v's VMCS current on this pCPU while its fields are used. */
struct vmx_vcpu *vmx_use(struct vcpu *v);
void vmx_release(struct vcpu *v);

/* vmx_exit.c */
void vmx_decode_exit(struct vcpu *v, struct cpu_user_regs *regs);

/* vmx_tlb.c: VPIDs, INVEPT on p2m changes */
void vmx_tlb_before_entry(struct vcpu *v, unsigned int cpu);
void vmx_p2m_flush(struct domain *d);
void vmx_flush_guest_tlb(struct vcpu *v);
void vmx_invlpg(struct vcpu *v, unsigned long va);

/* vmx_regs.c: state the common layer reads and writes */
uint64_t vmx_get_reg(struct vcpu *v, enum hvm_reg r);
void vmx_set_reg(struct vcpu *v, enum hvm_reg r, uint64_t val);
void vmx_get_seg(struct vcpu *v, enum hvm_seg s, struct hvm_segment *seg);
void vmx_set_seg(struct vcpu *v, enum hvm_seg s, const struct hvm_segment *seg);
unsigned int vmx_cpl(struct vcpu *v);
void vmx_set_paging(struct vcpu *v, const struct hvm_hw_paging *hw);

/* vmx_events.c: injection and interrupt windows */
void vmx_inject_event(struct vcpu *v, const struct hvm_event *e);
bool vmx_event_pending(struct vcpu *v);
enum hvm_intblk vmx_interrupt_blocked(struct vcpu *v);
void vmx_set_intr_window(struct vcpu *v, bool on);
void vmx_advance_rip(struct vcpu *v, unsigned int len);
void vmx_reinject_after_exit(void);

/* vmx_dump.c */
void vmx_dump(struct vcpu *v);

#endif
