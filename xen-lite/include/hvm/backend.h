/*
 * The hardware back ends of HVM, and the paging modes, as the common HVM
 * layer (xen-lite/hvm/) sees them.  Everything a back end does is in one
 * table, struct hvm_backend (AMD SVM: hvm/svm/; Intel VMX: hvm/vmx/); how
 * guest-physical memory is translated is a second, struct hvm_paging
 * (HAP: nested paging over the p2m, hvm/hap.c; shadow paging: hvm/shadow/).
 * A domain uses one back end (the CPU's) and one paging mode (hap=).
 *
 * Division of labour.  The back end owns the hardware structure (VMCB,
 * VMCS) and the world switch; it decodes each exit into struct hvm_exit
 * (reason plus what the handler needs) and the common layer handles it.
 * The guest's general registers, RIP, RSP and RFLAGS are in the vCPU's
 * frame (guest_cpu_user_regs()) between exits: run() loads them from the
 * frame and stores them back.  Control registers, EFER, PAT, segments and
 * event injection stay in the hardware structure and are reached through
 * the operations below.
 *
 * Operations, per back end:
 *
 *   name, hap_max_order, shadow, p2m_format, hypercall_insn
 *                            data (hap_max_order filled by init()): the
 *                            nested table format, the largest p2m entry
 *                            the hardware walks (0, 9 or 18; HVM_NO_HAP),
 *                            whether it can run a guest on shadow paging,
 *                            the hypercall instruction's bytes
 *   init()                   boot CPU: detect, say why not (NULL: fine)
 *   cpu_up(cpu)              every pCPU: enable (EFER.SVME / VMXON)
 *   domain_create/destroy    per-domain hardware state (may be none);
 *                            destroy follows a successful create only,
 *                            when the domain's last reference goes
 *   vcpu_create/destroy      VMCB / VMCS, I/O and MSR bitmaps
 *   vcpu_load(v)             v becomes current on this pCPU (VMPTRLD...)
 *   vcpu_put(v)              v leaves this pCPU (VMCLEAR, the host's
 *                            syscall MSRs back)
 *   run(v)                   interrupts off: enter the guest, return at
 *                            its next exit with v->arch.hvm.exit filled
 *                            (interrupts still off)
 *   inject_event(v, e)       deliver e at the next entry (one at a time;
 *                            event_pending() says one is waiting)
 *   interrupt_blocked(v)     can the guest not take an external
 *                            interrupt now: HVM_INTBLK_SHADOW only for
 *                            the one instruction after STI / MOV SS,
 *                            HVM_INTBLK_OTHER for RFLAGS.IF clear or an
 *                            event waiting
 *   set_intr_window(v, on)   exit as soon as it can take one
 *   advance_rip(v, len)      skip the exiting instruction (and the
 *                            interrupt shadow it leaves)
 *   get_reg/set_reg(v, r)    CR0, CR2, CR3, CR4, EFER, PAT, TSC offset,
 *                            as the guest sees them; set_reg takes values
 *                            the common layer has already checked
 *   get_seg/set_seg(v, s)    segment registers, attributes in the
 *                            vcpu_hvm_context format (hypercalls/hvm.h)
 *   cpl(v)                   the guest's current privilege level
 *   flush_guest_tlb(v)       the guest's TLB (its ASID / VPID) is stale:
 *                            flush before it next runs, on whichever pCPU
 *   invlpg(v, va)            drop one guest-virtual translation
 *   p2m_flush(d)             the p2m lost translations: every pCPU that
 *                            runs d drops what it cached (nested TLB),
 *                            before this returns
 *   set_paging(v, hw)        the paging mode's view of what the hardware
 *                            walks: nested paging on (root) or off (the
 *                            shadow's CR3, CR0, CR4, EFER, with the
 *                            guest's values kept for get_reg), and which
 *                            guest actions to intercept (#PF, CR3, INVLPG)
 *   dump(v)                  print the hardware structure (crashes)
 *
 * This interface is stable: a back end or paging mode that needs more
 * adds an operation here, it never reaches into another's structures.
 */
#ifndef HVM_BACKEND_H
#define HVM_BACKEND_H

#include "xen/types.h"

struct vcpu;
struct domain;
struct p2m_format;

/* Why the guest stopped, as the back end decoded its exit. */
enum hvm_exit_reason {
    HVM_EXIT_NONE,              /* nothing left to do (an interrupt, NMI) */
    HVM_EXIT_SKIP,              /* an instruction with no effect here (INVD) */
    HVM_EXIT_CPUID,
    HVM_EXIT_MSR_READ,          /* u.msr */
    HVM_EXIT_MSR_WRITE,         /* u.msr; the value is edx:eax */
    HVM_EXIT_IO,                /* u.io */
    HVM_EXIT_HLT,
    HVM_EXIT_HYPERCALL,         /* vmmcall / vmcall */
    HVM_EXIT_NPF,               /* u.npf: nested page fault / EPT violation */
    HVM_EXIT_CR_ACCESS,         /* u.cr: decoded by the common layer */
    HVM_EXIT_EXCEPTION,         /* u.exn: an intercepted guest exception */
    HVM_EXIT_INVLPG,            /* u.invlpg (shadow paging) */
    HVM_EXIT_INTR_WINDOW,       /* the guest can take an interrupt now */
    HVM_EXIT_TRIPLE_FAULT,      /* shutdown */
    HVM_EXIT_VIRT_INSN,         /* an SVM/VMX instruction: #UD for the guest */
    HVM_EXIT_XSETBV,
    HVM_EXIT_BAD_ENTRY,         /* entry failed: the back end said why */
    HVM_EXIT_UNHANDLED,         /* anything else: `code` names it */
    HVM_NR_EXIT_REASONS
};

/* Access bits of u.npf.access, as a page-fault error code. */
#define HVM_NPF_PRESENT     (1U << 0)   /* the entry was present */
#define HVM_NPF_WRITE       (1U << 1)
#define HVM_NPF_USER        (1U << 2)
#define HVM_NPF_FETCH       (1U << 4)

struct hvm_exit {
    enum hvm_exit_reason reason;
    unsigned int insn_len;              /* of the exiting instruction; 0: unknown */
    uint64_t code;                      /* the back end's own exit code */
    union {
        struct { uint32_t index; } msr;
        struct {
            uint16_t port;
            uint8_t size;               /* 1, 2 or 4 bytes */
            bool in, str, rep;
            uint8_t addr_size;          /* string forms: 2, 4 or 8 */
        } io;
        struct { uint64_t gpa; uint32_t access; } npf;
        struct { uint8_t cr; bool write; } cr;
        struct { uint8_t vector; bool has_error; uint32_t error; uint64_t cr2; } exn;
        struct { uint64_t va; } invlpg;
    } u;
};

/* An event to deliver on the next entry (Intel SDM vol. 3 §6, APM §15.20). */
enum hvm_event_type {
    HVM_EVENT_EXT_INTR,                 /* an external interrupt */
    HVM_EVENT_NMI,
    HVM_EVENT_EXCEPTION,                /* a fault or trap, maybe with an error code */
};
struct hvm_event {
    enum hvm_event_type type;
    uint8_t vector;
    bool has_error;
    uint32_t error;
};

/* Why an external interrupt cannot be taken now (SDM vol. 3 §6.8.3). */
enum hvm_intblk {
    HVM_INTBLK_NONE,                    /* it can */
    HVM_INTBLK_SHADOW,                  /* not before the instruction after STI / MOV SS */
    HVM_INTBLK_OTHER,                   /* RFLAGS.IF clear, or an event already waiting */
};

/* Registers the back end keeps in its hardware structure. */
enum hvm_reg {
    HVM_REG_CR0, HVM_REG_CR2, HVM_REG_CR3, HVM_REG_CR4,
    HVM_REG_EFER,                       /* the guest's view (no SVME) */
    HVM_REG_PAT,
    HVM_REG_TSC_OFFSET,
    HVM_NR_REGS
};

enum hvm_seg { HVM_SEG_ES, HVM_SEG_CS, HVM_SEG_SS, HVM_SEG_DS, HVM_SEG_FS,
               HVM_SEG_GS, HVM_SEG_TR, HVM_SEG_LDTR, HVM_SEG_GDTR, HVM_SEG_IDTR,
               HVM_NR_SEGS };
struct hvm_segment {
    uint16_t sel;
    uint16_t ar;                        /* vcpu_hvm_context's format */
    uint32_t limit;
    uint64_t base;
};

/*
 * What the paging mode asks the hardware to walk and intercept.  Without
 * nested paging the hardware runs with the paging mode's CR3, CR0, CR4
 * and EFER (shadow paging forces paging, write protection and PAE on),
 * while get_reg and set_reg keep answering with the guest's own values:
 * the back end then intercepts every read and write of CR0, CR3 and CR4.
 */
struct hvm_hw_paging {
    bool nested;                        /* nested paging (NPT / EPT) on */
    uint64_t nested_root;               /* its top table (machine address) */
    uint64_t hw_cr3;                    /* !nested: the CR3 the hardware uses;
                                           0: the mode cannot run the guest's
                                           state (the vCPU must not run) */
    uint64_t hw_cr0, hw_cr4, hw_efer;   /* !nested: what the hardware runs with */
    bool intercept_pf;                  /* guest #PF exits */
    bool intercept_cr3;                 /* CR3 reads and writes exit */
    bool intercept_invlpg;
};

struct hvm_backend {
    const char *name;
    unsigned int hap_max_order;         /* 0, 9, 18; HVM_NO_HAP without */
    bool shadow;                        /* runs guests on shadow paging: it
                                           takes hvm_hw_paging's hw_cr0/4/efer */
    const struct p2m_format *p2m_format;
    uint8_t hypercall_insn[3];          /* VMMCALL / VMCALL, for the hypercall page */
    const char *(*init)(void);
    int (*cpu_up)(unsigned int cpu);
    int (*domain_create)(struct domain *d);
    void (*domain_destroy)(struct domain *d);
    int (*vcpu_create)(struct vcpu *v);
    void (*vcpu_destroy)(struct vcpu *v);
    void (*vcpu_load)(struct vcpu *v);
    void (*vcpu_put)(struct vcpu *v);
    void (*run)(struct vcpu *v);
    void (*inject_event)(struct vcpu *v, const struct hvm_event *e);
    bool (*event_pending)(struct vcpu *v);
    enum hvm_intblk (*interrupt_blocked)(struct vcpu *v);
    void (*set_intr_window)(struct vcpu *v, bool on);
    void (*advance_rip)(struct vcpu *v, unsigned int len);
    uint64_t (*get_reg)(struct vcpu *v, enum hvm_reg r);
    void (*set_reg)(struct vcpu *v, enum hvm_reg r, uint64_t val);
    void (*get_seg)(struct vcpu *v, enum hvm_seg s, struct hvm_segment *seg);
    void (*set_seg)(struct vcpu *v, enum hvm_seg s, const struct hvm_segment *seg);
    unsigned int (*cpl)(struct vcpu *v);
    void (*flush_guest_tlb)(struct vcpu *v);
    void (*invlpg)(struct vcpu *v, unsigned long va);
    void (*p2m_flush)(struct domain *d);
    void (*set_paging)(struct vcpu *v, const struct hvm_hw_paging *hw);
    void (*dump)(struct vcpu *v);
};
#define HVM_NO_HAP  0xffU

/*
 * A paging mode (hvm/hap.c; shadow: hvm/shadow.c over hvm/shadow/).
 * update_paging runs whenever the guest's CR0, CR3, CR4 or EFER changed
 * (and at start); the mode answers with set_paging.  page_fault and
 * invlpg are called only for the intercepts the mode asked for:
 * page_fault returns true if it dealt with the fault (fixed it, emulated,
 * or gave the guest the fault its own tables make), false to give the
 * guest the fault as the hardware reported it.  get_pool/set_pool
 * (optional): the paging pool, in bytes (XEN_DOMCTL_get/
 * set_paging_mempool_size).  audit (optional): check the mode's state
 * against the guest's, print what it found, return the problems.
 * domain_destroy runs when the domain dies (its vCPUs stopped, before its
 * frames are freed, or when its creation fails after domain_init); the
 * struct p2m_domain outlives it, empty (xen/physmap.h).
 */
struct hvm_paging {
    const char *name;
    int (*domain_init)(struct domain *d);
    void (*domain_destroy)(struct domain *d);
    int (*vcpu_init)(struct vcpu *v);
    void (*vcpu_destroy)(struct vcpu *v);
    void (*update_paging)(struct vcpu *v);
    bool (*page_fault)(struct vcpu *v, unsigned long va, uint32_t error);
    void (*invlpg)(struct vcpu *v, unsigned long va);
    uint64_t (*get_pool)(struct domain *d);
    int (*set_pool)(struct domain *d, uint64_t bytes);
    unsigned long (*audit)(struct domain *d);
};

extern const struct hvm_backend *hvm_backend;   /* NULL: no HVM on this CPU */
extern struct hvm_backend svm_backend, vmx_backend;  /* init() completes them */
extern const struct hvm_paging hap_paging, shadow_paging;

#endif
