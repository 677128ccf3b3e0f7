/*
 * The VMCB of a vCPU: the intercepts xen-lite runs guests with, the I/O
 * and MSR permission maps every guest shares, segment attributes, and --
 * when VMRUN refuses a VMCB -- which of the consistency checks of AMD APM
 * vol. 2 §15.5.1 it fails, with the fields involved.
 */
#include "asm/msr.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "xen/lib.h"
#include "xen/sched.h"
#include "xen_errno.h"

#include "svm.h"

uint64_t svm_iopm_pa, svm_msrpm_pa;

/* MSRs the guest reaches directly: the state VMLOAD/VMSAVE carry. */
static const uint32_t passthrough_msrs[] = {
    MSR_FS_BASE, MSR_GS_BASE, MSR_SHADOW_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
    MSR_SFMASK, MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

/* §15.11: two bits per MSR (read, write) in three 2 KiB ranges. */
static void msrpm_allow(uint8_t *pm, uint32_t msr)
{
    static const uint32_t base[] = { 0x00000000, 0xc0000000, 0xc0010000 };

    for (unsigned int r = 0; r < ARRAY_SIZE(base); r++)
        if (msr >= base[r] && msr < base[r] + 0x2000) {
            unsigned int bit = (msr - base[r]) * 2;
            pm[r * 0x800 + bit / 8] &= ~(3U << (bit % 8));
        }
}

int svm_bitmaps_init(void)
{
    uint8_t *iopm = alloc_xenheap_pages(SVM_IOPM_ORDER, 0);
    uint8_t *msrpm = alloc_xenheap_pages(SVM_MSRPM_ORDER, 0);

    if (!iopm || !msrpm)
        return -XEN_ENOMEM;
    /* Every port and every other MSR exits. */
    memset(iopm, 0xff, PAGE_SIZE << SVM_IOPM_ORDER);
    memset(msrpm, 0xff, PAGE_SIZE << SVM_MSRPM_ORDER);
    for (unsigned int i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
        msrpm_allow(msrpm, passthrough_msrs[i]);
    svm_iopm_pa = virt_to_maddr(iopm);
    svm_msrpm_pa = virt_to_maddr(msrpm);
    return 0;
}

/* The VMCB's attributes are a descriptor's bits 47:40 and 55:52, as the
 * vcpu_hvm_context format: the same 12 bits. */
uint16_t svm_attr_to_ar(uint16_t attrib) { return attrib & 0xfff; }
uint16_t svm_ar_to_attr(uint16_t ar)     { return ar & 0xfff; }

#define INTERCEPTS1 (VMCB_I1_INTR | VMCB_I1_NMI | VMCB_I1_SMI | VMCB_I1_INIT | \
                     VMCB_I1_CPUID | VMCB_I1_INVD | VMCB_I1_HLT | VMCB_I1_INVLPGA | \
                     VMCB_I1_IOIO | VMCB_I1_MSR | VMCB_I1_TASK_SWITCH | VMCB_I1_SHUTDOWN)
#define INTERCEPTS2 (VMCB_I2_VMRUN | VMCB_I2_VMMCALL | VMCB_I2_VMLOAD | VMCB_I2_VMSAVE | \
                     VMCB_I2_STGI | VMCB_I2_CLGI | VMCB_I2_SKINIT | VMCB_I2_MONITOR | \
                     VMCB_I2_MWAIT | VMCB_I2_MWAIT_ARMED | VMCB_I2_XSETBV)
#define DEFAULT_PAT 0x0007040600070406ULL       /* the reset value (SDM §11.12.4) */

int svm_vmcb_init(struct vcpu *v)
{
    struct vmcb *vmcb = svm(v)->vmcb;

    memset(vmcb, 0, sizeof(*vmcb));
    /* CR0 and CR4 writes are checked: values a CPU refuses get #GP (an
     * emulator may take them, and VMRUN would then fail), CR4 features
     * the guest is not shown too. */
    vmcb->cr_intercepts = VMCB_CR_WRITE(0) | VMCB_CR_WRITE(4);
    vmcb->intercepts1 = INTERCEPTS1;
    vmcb->intercepts2 = INTERCEPTS2;
    vmcb->iopm_base_pa = svm_iopm_pa;
    vmcb->msrpm_base_pa = svm_msrpm_pa;
    /* The guest's IF masks only virtual interrupts (§15.21.1). */
    vmcb->vintr = VMCB_VINTR_MASKING;
    vmcb->efer = EFER_SVME;
    vmcb->cr0 = X86_CR0_ET;
    vmcb->dr6 = 0xffff0ff0;             /* architectural reset values */
    vmcb->dr7 = 0x400;
    vmcb->rflags = X86_EFLAGS_MBS;
    vmcb->g_pat = DEFAULT_PAT;
    return 0;
}

/* §15.5.1 "Canonicalization and consistency checks": the first that fails. */
static const char *vmcb_check(const struct vmcb *vmcb)
{
    bool lme_pg = (vmcb->efer & EFER_LME) && (vmcb->cr0 & X86_CR0_PG);

    if (!(vmcb->efer & EFER_SVME))
        return "EFER.SVME is clear";
    if (!(vmcb->cr0 & X86_CR0_CD) && (vmcb->cr0 & X86_CR0_NW))
        return "CR0.CD is clear and CR0.NW set";
    if (vmcb->cr0 >> 32)
        return "CR0[63:32] are not zero";
    if (vmcb->dr6 >> 32 || vmcb->dr7 >> 32)
        return "DR6[63:32] or DR7[63:32] are not zero";
    if (lme_pg && !(vmcb->cr4 & X86_CR4_PAE))
        return "EFER.LME and CR0.PG are set, CR4.PAE is clear";
    if (lme_pg && !(vmcb->cr0 & X86_CR0_PE))
        return "EFER.LME and CR0.PG are set, CR0.PE is clear";
    if (lme_pg && (vmcb->cs.attrib & (1U << 9)) && (vmcb->cs.attrib & (1U << 10)))
        return "long mode with both CS.L and CS.D set";
    if (!(vmcb->intercepts2 & VMCB_I2_VMRUN))
        return "the VMRUN intercept is clear";
    if (!vmcb->asid)
        return "the ASID is zero";
    if ((vmcb->eventinj & VMCB_EVENT_VALID) &&
        ((vmcb->eventinj >> 8 & 7) == 1 || (vmcb->eventinj >> 8 & 7) > 4))
        return "the event to inject has an invalid type";
    return "none of the checks xen-lite knows (see the fields)";
}

static void dump_seg(const char *name, const struct vmcb_seg *s)
{
    printk("  %-4s sel %04x attr %03x limit %08x base %016lx\n", name, s->sel, s->attrib,
           s->limit, (unsigned long)s->base);
}

void svm_vmcb_dump(struct vcpu *v)
{
    const struct vmcb *vmcb = svm(v)->vmcb;

    printk("d%uv%u VMCB: exitcode %#lx exitinfo1 %#lx exitinfo2 %#lx\n", v->domain->domain_id,
           v->vcpu_id, (unsigned long)vmcb->exitcode, (unsigned long)vmcb->exitinfo1,
           (unsigned long)vmcb->exitinfo2);
    if (vmcb->exitcode == VMEXIT_INVALID || vmcb->exitcode == (uint32_t)VMEXIT_INVALID)
        printk("  VMRUN refused the VMCB: %s\n", vmcb_check(vmcb));
    printk("  cr0 %016lx cr3 %016lx cr4 %016lx efer %016lx\n", (unsigned long)vmcb->cr0,
           (unsigned long)vmcb->cr3, (unsigned long)vmcb->cr4, (unsigned long)vmcb->efer);
    printk("  rip %016lx rsp %016lx rflags %08lx cpl %u dr6 %lx dr7 %lx\n",
           (unsigned long)vmcb->rip, (unsigned long)vmcb->rsp, (unsigned long)vmcb->rflags,
           vmcb->cpl, (unsigned long)vmcb->dr6, (unsigned long)vmcb->dr7);
    dump_seg("cs", &vmcb->cs);
    dump_seg("ss", &vmcb->ss);
    dump_seg("ds", &vmcb->ds);
    dump_seg("tr", &vmcb->tr);
    printk("  asid %u np %lu n_cr3 %016lx eventinj %016lx exitintinfo %016lx\n", vmcb->asid,
           (unsigned long)vmcb->np_enable, (unsigned long)vmcb->n_cr3,
           (unsigned long)vmcb->eventinj, (unsigned long)vmcb->exitintinfo);
    printk("  intercepts cr %08x exc %08x 1 %08x 2 %08x vintr %016lx pat %016lx\n",
           vmcb->cr_intercepts, vmcb->exception_intercepts, vmcb->intercepts1,
           vmcb->intercepts2, (unsigned long)vmcb->vintr, (unsigned long)vmcb->g_pat);
}
