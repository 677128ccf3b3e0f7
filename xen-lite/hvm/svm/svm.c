/*
 * The AMD SVM back end (AMD APM vol. 2 ch. 15): detection, enabling SVM on
 * each pCPU, a VMCB per vCPU, the world switch, event injection and the
 * guest state the common HVM layer reads and writes through
 * struct hvm_backend (hvm/backend.h).
 */
#include "asm/desc.h"
#include "asm/msr.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "xen/lib.h"
#include "xen/p2m.h"
#include "xen/percpu.h"
#include "xen/sched.h"
#include "xen_errno.h"

#include "svm.h"

bool svm_has_nrips;
uint32_t svm_max_asid;
struct svm_cpu svm_cpus[NR_CPUS];

/* §15.4: SVM present, not disabled by firmware; nested paging (§15.25). */
static const char *svm_init(void)
{
    struct cpuid_regs a;

    if (!(cpuid(0x80000001).ecx & CPUIDX1_ECX_SVM))
        return "this CPU has no SVM";
    uint64_t vm_cr;

    /* Bochs has no VM_CR: without one, nothing can have disabled SVM. */
    if (rdmsr_safe(MSR_VM_CR, &vm_cr) && (vm_cr & VM_CR_SVMDIS))
        return "SVM is disabled by the firmware (VM_CR.SVMDIS)";
    a = cpuid(CPUID_SVM_LEAF);
    svm_max_asid = a.ebx - 1;
    svm_has_nrips = a.edx & SVM_FEATURE_NRIPS;
    if (!svm_max_asid)
        return "SVM offers no guest ASID";
    if (svm_bitmaps_init())
        return "no memory for the I/O and MSR permission maps";
    if (a.edx & SVM_FEATURE_NPT)
        svm_backend.hap_max_order = cpu_has_page1gb ? 18 : 9;
    printk("SVM: %u guest ASIDs, %s\n", svm_max_asid,
           svm_has_nrips ? "NRIP save" : "no NRIP save (instruction lengths decoded)");
    return NULL;
}

/* §15.4: EFER.SVME, and the host save area VMRUN writes to. */
static int svm_cpu_up(unsigned int cpu)
{
    struct svm_cpu *c = &svm_cpus[cpu];
    void *host = alloc_xenheap_pages(0, 0);

    c->hsave = alloc_xenheap_pages(0, 0);
    if (!c->hsave || !host)
        return -XEN_ENOMEM;
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, virt_to_maddr(c->hsave));
    c->host_vmcb_pa = virt_to_maddr(host);
    /* The host's FS, GS, TR, LDTR and syscall MSRs: restored after each exit. */
    __asm__ __volatile__("vmsave %%rax" :: "a"(c->host_vmcb_pa) : "memory");
    c->next_asid = 1;
    c->generation = 1;
    return 0;
}

static int svm_domain_create(struct domain *d) { return 0; }
static void svm_domain_destroy(struct domain *d) { }

static int svm_vcpu_create(struct vcpu *v)
{
    struct svm_vcpu *s = xzalloc(struct svm_vcpu);

    if (!s || !(s->vmcb = alloc_xenheap_pages(0, 0))) {
        xfree(s);
        return -XEN_ENOMEM;
    }
    s->vmcb_pa = virt_to_maddr(s->vmcb);
    v->arch.hvm.hw = s;
    return svm_vmcb_init(v);
}

static void svm_vcpu_destroy(struct vcpu *v)
{
    struct svm_vcpu *s = svm(v);

    if (s) {
        free_xenheap_pages(s->vmcb, 0);
        xfree(s);
        v->arch.hvm.hw = NULL;
    }
}

static void svm_vcpu_load(struct vcpu *v) { }
static void svm_vcpu_put(struct vcpu *v) { }

/*
 * The world switch.  An event cut short by the last exit (EXITINTINFO)
 * is delivered again first (§15.7.2).
 */
static void svm_run(struct vcpu *v)
{
    struct svm_vcpu *s = svm(v);
    struct vmcb *vmcb = s->vmcb;
    struct cpu_user_regs *regs = guest_cpu_user_regs();
    unsigned int cpu = smp_processor_id();

    svm_asid_assign(v, cpu);
    vmcb->rip = regs->rip;
    vmcb->rsp = regs->rsp;
    vmcb->rflags = regs->rflags;
    vmcb->rax = regs->rax;
    svm_vmrun(s->vmcb_pa, svm_cpus[cpu].host_vmcb_pa, regs);
    regs->rip = vmcb->rip;
    regs->rsp = vmcb->rsp;
    regs->rflags = vmcb->rflags;
    regs->rax = vmcb->rax;
    if ((vmcb->exitintinfo & VMCB_EVENT_VALID) && !(vmcb->eventinj & VMCB_EVENT_VALID))
        vmcb->eventinj = vmcb->exitintinfo;
    vmcb->tlb_control = VMCB_TLB_NOTHING;
    svm_decode_exit(v, regs);
}

static void svm_inject_event(struct vcpu *v, const struct hvm_event *e)
{
    static const uint64_t type[] = {
        [HVM_EVENT_EXT_INTR] = VMCB_EVENT_TYPE_INTR,
        [HVM_EVENT_NMI] = VMCB_EVENT_TYPE_NMI,
        [HVM_EVENT_EXCEPTION] = VMCB_EVENT_TYPE_EXCEPT,
    };
    uint64_t ev = VMCB_EVENT_VALID | type[e->type] | e->vector;

    if (e->has_error)
        ev |= VMCB_EVENT_ERR_VALID | ((uint64_t)e->error << VMCB_EVENT_ERR_SHIFT);
    svm(v)->vmcb->eventinj = ev;
}

static bool svm_event_pending(struct vcpu *v)
{
    return svm(v)->vmcb->eventinj & VMCB_EVENT_VALID;
}

static enum hvm_intblk svm_interrupt_blocked(struct vcpu *v)
{
    struct vmcb *vmcb = svm(v)->vmcb;

    if (!(guest_cpu_user_regs()->rflags & X86_EFLAGS_IF) || (vmcb->eventinj & VMCB_EVENT_VALID))
        return HVM_INTBLK_OTHER;
    return vmcb->interrupt_shadow & 1 ? HVM_INTBLK_SHADOW : HVM_INTBLK_NONE;
}

/* §15.21.4: a virtual interrupt the guest takes as soon as it can: VINTR. */
static void svm_set_intr_window(struct vcpu *v, bool on)
{
    struct vmcb *vmcb = svm(v)->vmcb;

    if (on) {
        vmcb->intercepts1 |= VMCB_I1_VINTR;
        vmcb->vintr |= VMCB_VINTR_IRQ | VMCB_VINTR_IGN_TPR;
    } else {
        vmcb->intercepts1 &= ~VMCB_I1_VINTR;
        vmcb->vintr &= ~(VMCB_VINTR_IRQ | VMCB_VINTR_IGN_TPR);
    }
}

static void svm_advance_rip(struct vcpu *v, unsigned int len)
{
    guest_cpu_user_regs()->rip += len;
    svm(v)->vmcb->interrupt_shadow = 0;
}

/* The guest's own CR0, CR3, CR4, EFER while the paging mode runs others. */
static uint64_t *own_value(struct svm_vcpu *s, enum hvm_reg r)
{
    if (!s->own_view)
        return NULL;
    switch (r) {
    case HVM_REG_CR0:   return &s->cr0;
    case HVM_REG_CR3:   return &s->cr3;
    case HVM_REG_CR4:   return &s->cr4;
    case HVM_REG_EFER:  return &s->efer;
    default:            return NULL;
    }
}

static uint64_t svm_get_reg(struct vcpu *v, enum hvm_reg r)
{
    struct vmcb *vmcb = svm(v)->vmcb;
    uint64_t *own = own_value(svm(v), r);

    if (own)
        return *own;
    switch (r) {
    case HVM_REG_CR0:   return vmcb->cr0;
    case HVM_REG_CR2:   return vmcb->cr2;
    case HVM_REG_CR3:   return vmcb->cr3;
    case HVM_REG_CR4:   return vmcb->cr4;
    case HVM_REG_EFER:  return vmcb->efer & ~EFER_SVME;
    case HVM_REG_PAT:   return vmcb->g_pat;
    case HVM_REG_TSC_OFFSET: return vmcb->tsc_offset;
    default:            return 0;
    }
}

/*
 * §15.5.1: the guest's EFER must keep SVME set; the guest never sees it.
 * Under the paging mode's own values the guest's are only recorded: the
 * mode's update_paging, which follows every change, sets the VMCB's.
 */
static void svm_set_reg(struct vcpu *v, enum hvm_reg r, uint64_t val)
{
    struct vmcb *vmcb = svm(v)->vmcb;
    uint64_t *own = own_value(svm(v), r);

    if (own) {
        *own = val;
        return;
    }
    switch (r) {
    case HVM_REG_CR0:   vmcb->cr0 = val; break;
    case HVM_REG_CR2:   vmcb->cr2 = val; break;
    case HVM_REG_CR3:   vmcb->cr3 = val; break;
    case HVM_REG_CR4:   vmcb->cr4 = val; break;
    case HVM_REG_EFER:  vmcb->efer = val | EFER_SVME; break;
    case HVM_REG_PAT:   vmcb->g_pat = val; break;
    case HVM_REG_TSC_OFFSET: vmcb->tsc_offset = val; break;
    default:            break;
    }
}

static struct vmcb_seg *seg_of(struct vmcb *vmcb, enum hvm_seg s)
{
    struct vmcb_seg *segs[HVM_NR_SEGS] = {
        [HVM_SEG_ES] = &vmcb->es, [HVM_SEG_CS] = &vmcb->cs, [HVM_SEG_SS] = &vmcb->ss,
        [HVM_SEG_DS] = &vmcb->ds, [HVM_SEG_FS] = &vmcb->fs, [HVM_SEG_GS] = &vmcb->gs,
        [HVM_SEG_TR] = &vmcb->tr, [HVM_SEG_LDTR] = &vmcb->ldtr,
        [HVM_SEG_GDTR] = &vmcb->gdtr, [HVM_SEG_IDTR] = &vmcb->idtr };

    return segs[s];
}

static void svm_get_seg(struct vcpu *v, enum hvm_seg s, struct hvm_segment *seg)
{
    const struct vmcb_seg *vs = seg_of(svm(v)->vmcb, s);

    *seg = (struct hvm_segment){ vs->sel, svm_attr_to_ar(vs->attrib), vs->limit, vs->base };
}

/* The CPL follows SS.DPL (§15.5.1: VMRUN takes CPL from the VMCB). */
static void svm_set_seg(struct vcpu *v, enum hvm_seg s, const struct hvm_segment *seg)
{
    struct vmcb *vmcb = svm(v)->vmcb;

    *seg_of(vmcb, s) = (struct vmcb_seg){ seg->sel, svm_ar_to_attr(seg->ar), seg->limit,
                                          seg->base };
    if (s == HVM_SEG_SS)
        vmcb->cpl = (seg->ar >> 5) & 3;
}

static unsigned int svm_cpl(struct vcpu *v)
{
    return svm(v)->vmcb->cpl;
}

static void svm_flush_guest_tlb(struct vcpu *v)
{
    svm(v)->flush = true;
}

/* §15.16.2: INVLPGA drops one translation of one ASID (this pCPU only). */
static void svm_invlpg(struct vcpu *v, unsigned long va)
{
    struct svm_vcpu *s = svm(v);

    if (v == current && s->asid_cpu == smp_processor_id())
        __asm__ __volatile__("invlpga %%rax, %%ecx" :: "a"(va), "c"(s->asid) : "memory");
    else
        s->flush = true;
}

/* Every CR0, CR3 and CR4 access exits while the guest has values of its own. */
#define OWN_VIEW_CR_INTERCEPTS  (VMCB_CR_READ(0) | VMCB_CR_WRITE(0) | VMCB_CR_READ(3) | \
                                 VMCB_CR_WRITE(3) | VMCB_CR_READ(4) | VMCB_CR_WRITE(4))

/* Keep the guest's values aside, the first time the mode runs its own. */
static void take_own_view(struct svm_vcpu *s)
{
    if (s->own_view)
        return;
    s->cr0 = s->vmcb->cr0;
    s->cr3 = s->vmcb->cr3;
    s->cr4 = s->vmcb->cr4;
    s->efer = s->vmcb->efer & ~EFER_SVME;
    s->own_view = true;
}

/*
 * §15.25: nested paging walks the p2m; without it the CR3 given is used,
 * with the CR0, CR4 and EFER the paging mode chose.
 */
static void svm_set_paging(struct vcpu *v, const struct hvm_hw_paging *hw)
{
    struct svm_vcpu *s = svm(v);
    struct vmcb *vmcb = s->vmcb;

    vmcb->np_enable = hw->nested;
    vmcb->n_cr3 = hw->nested ? hw->nested_root : 0;
    if (!hw->nested) {
        take_own_view(s);
        vmcb->cr3 = hw->hw_cr3;
        vmcb->cr0 = hw->hw_cr0;
        vmcb->cr4 = hw->hw_cr4;
        vmcb->efer = hw->hw_efer | EFER_SVME;
        vmcb->cr_intercepts |= OWN_VIEW_CR_INTERCEPTS;
    } else {
        /* CR0 and CR4 writes stay intercepted (vmcb.c): they are checked. */
        vmcb->cr_intercepts = (vmcb->cr_intercepts & ~(VMCB_CR_READ(3) | VMCB_CR_WRITE(3))) |
                              (hw->intercept_cr3 ? VMCB_CR_READ(3) | VMCB_CR_WRITE(3) : 0);
    }
    vmcb->exception_intercepts = hw->intercept_pf
        ? vmcb->exception_intercepts | (1U << TRAP_page_fault)
        : vmcb->exception_intercepts & ~(1U << TRAP_page_fault);
    vmcb->intercepts1 = hw->intercept_invlpg ? vmcb->intercepts1 | VMCB_I1_INVLPG
                                             : vmcb->intercepts1 & ~VMCB_I1_INVLPG;
    s->flush = true;
}

/* Not const: init() fills in what this CPU's nested paging can do. */
struct hvm_backend svm_backend = {
    .name = "SVM",
    .hap_max_order = HVM_NO_HAP,
    .shadow = true,
    .p2m_format = &p2m_format_npt,
    .hypercall_insn = { 0x0f, 0x01, 0xd9 },     /* VMMCALL */
    .init = svm_init,
    .cpu_up = svm_cpu_up,
    .domain_create = svm_domain_create,
    .domain_destroy = svm_domain_destroy,
    .vcpu_create = svm_vcpu_create,
    .vcpu_destroy = svm_vcpu_destroy,
    .vcpu_load = svm_vcpu_load,
    .vcpu_put = svm_vcpu_put,
    .run = svm_run,
    .inject_event = svm_inject_event,
    .event_pending = svm_event_pending,
    .interrupt_blocked = svm_interrupt_blocked,
    .set_intr_window = svm_set_intr_window,
    .advance_rip = svm_advance_rip,
    .get_reg = svm_get_reg,
    .set_reg = svm_set_reg,
    .get_seg = svm_get_seg,
    .set_seg = svm_set_seg,
    .cpl = svm_cpl,
    .flush_guest_tlb = svm_flush_guest_tlb,
    .invlpg = svm_invlpg,
    .p2m_flush = svm_p2m_flush,
    .set_paging = svm_set_paging,
    .dump = svm_vmcb_dump,
};
