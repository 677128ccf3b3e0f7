/*
 * VMX exits into the common layer's terms (hvm/backend.h): one table entry
 * per basic exit reason (Intel SDM vol. 3C appendix C), each saying what the
 * exit is, whether the VMCS holds the exiting instruction's length (27.2.5)
 * and how its qualification is decoded.  What the common layer does not
 * model is finished here: CR8 (the local APIC's TPR, without a TPR shadow)
 * and the debug registers, which VM entry and exit do not switch.  NMIs
 * that arrive while the guest runs are the host's: they go to its handler.
 */
#include "asm/desc.h"
#include "asm/vmx.h"
#include "asm/vmx_cpu.h"
#include "asm/vmx_exit.h"
#include "xen/lib.h"
#include "xen/sched.h"

#include "hvm/vlapic.h"
#include "vmx.h"

#define MSR_X2APIC_TPR          0x808
#define CR8_TPR_SHIFT           4       /* CR8 is TPR[7:4] (SDM vol. 3A 10.8.6.1) */
#define DR7_INIT                0x400UL
#define INSN_INFO_ADDR_SIZE(i)  (((i) >> 7) & 7)    /* table 27-8: 0 16, 1 32, 2 64 */
#define VMX_MISC_SAVES_LMA      (1UL << 5)          /* A.6 */

typedef void (*decode_fn)(struct vcpu *v, struct hvm_exit *e, struct cpu_user_regs *regs);

static void exception_or_nmi(struct vcpu *v, struct hvm_exit *e, struct cpu_user_regs *regs)
{
    uint32_t info = vmread(VM_EXIT_INTR_INFO);

    if (((info >> INTR_INFO_TYPE_SHIFT) & 7) == INTR_TYPE_NMI) {
        __asm__ __volatile__("int $2");             /* the host's NMI */
        return;
    }
    e->reason = HVM_EXIT_EXCEPTION;
    e->u.exn.vector = info & INTR_INFO_VECTOR_MASK;
    e->u.exn.has_error = info & INTR_INFO_DELIVER_CODE;
    e->u.exn.error = e->u.exn.has_error ? vmread(VM_EXIT_INTR_ERROR_CODE) : 0;
    e->u.exn.cr2 = vmread(EXIT_QUALIFICATION);
}

/* RDPMC is not offered: #GP, as with CR4.PCE clear. */
static void gp_fault(struct vcpu *v, struct hvm_exit *e, struct cpu_user_regs *regs)
{
    e->u.exn.vector = TRAP_gp_fault;
    e->u.exn.has_error = true;
    e->insn_len = 0;
}

static void invlpg_exit(struct vcpu *v, struct hvm_exit *e, struct cpu_user_regs *regs)
{
    e->u.invlpg.va = vmread(EXIT_QUALIFICATION);
}

/* CR8 reads and writes the APIC's TPR; the rest is the common layer's. */
static void cr_access(struct vcpu *v, struct hvm_exit *e, struct cpu_user_regs *regs)
{
    struct vmx_cr_qual q;
    uint64_t *r, tpr = 0;

    vmx_decode_cr(vmread(EXIT_QUALIFICATION), &q);
    if (q.cr != 8) {
        e->u.cr.cr = q.cr;
        e->u.cr.write = q.type != CR_MOV_FROM;
        return;
    }
    r = vmx_gpr(regs, q.gpr);
    if (q.type == CR_MOV_TO)
        vlapic_wrmsr(v, MSR_X2APIC_TPR, (*r & 0xf) << CR8_TPR_SHIFT);
    else if (vlapic_rdmsr(v, MSR_X2APIC_TPR, &tpr))
        *r = tpr >> CR8_TPR_SHIFT;
    e->reason = HVM_EXIT_SKIP;
}

/*
 * The guest's debug registers are kept here, not in the CPU: its DR7 never
 * reaches the hardware, so its breakpoints do not fire, but neither do
 * another context's (DR0-3 and DR6 are not switched: SDM 27.3.1).
 */
static void dr_access(struct vcpu *v, struct hvm_exit *e, struct cpu_user_regs *regs)
{
    struct vmx_vcpu *s = vmx(v);
    struct vmx_dr_qual q;
    uint64_t *r, *dr;

    vmx_decode_dr(vmread(EXIT_QUALIFICATION), &q);
    r = vmx_gpr(regs, q.gpr);
    dr = q.dr < 4 ? &s->dr[q.dr] : (q.dr & 1) ? &s->dr7 : &s->dr6;  /* 4, 5 alias 6, 7 */
    if (q.from_dr)
        *r = *dr;
    else
        *dr = *r;
}

static void io(struct vcpu *v, struct hvm_exit *e, struct cpu_user_regs *regs)
{
    static const uint8_t addr_sizes[] = { 2, 4, 8 };
    struct vmx_io_qual q;

    vmx_decode_io(vmread(EXIT_QUALIFICATION), &q);
    e->u.io.port = q.port;
    e->u.io.size = q.size;
    e->u.io.in = q.in;
    e->u.io.str = q.string;
    e->u.io.rep = q.rep;
    if (q.string) {
        unsigned int a = INSN_INFO_ADDR_SIZE(vmread(VMX_INSTRUCTION_INFO));
        e->u.io.addr_size = a < ARRAY_SIZE(addr_sizes) ? addr_sizes[a] : 8;
    }
}

static void msr(struct vcpu *v, struct hvm_exit *e, struct cpu_user_regs *regs)
{
    e->u.msr.index = regs->rcx;
}

/* An EPT violation as a page-fault error code (table 27-7). */
static void ept_violation(struct vcpu *v, struct hvm_exit *e, struct cpu_user_regs *regs)
{
    struct vmx_ept_qual q;

    vmx_decode_ept(vmread(EXIT_QUALIFICATION), &q);
    e->u.npf.gpa = vmread(GUEST_PHYSICAL_ADDRESS);
    e->u.npf.access = (q.write ? HVM_NPF_WRITE : 0) | (q.fetch ? HVM_NPF_FETCH : 0) |
                      (q.readable || q.writable || q.executable ? HVM_NPF_PRESENT : 0);
}

/* A malformed p2m entry: the hypervisor's bug, reported before the crash. */
static void ept_misconfig(struct vcpu *v, struct hvm_exit *e, struct cpu_user_regs *regs)
{
    printk(XENLOG_ERR "d%uv%u: EPT misconfiguration at guest-physical %#lx\n",
           v->domain->domain_id, v->vcpu_id, (unsigned long)vmread(GUEST_PHYSICAL_ADDRESS));
}

struct exit_kind {
    bool known;                         /* a reason this table handles */
    uint8_t reason;                     /* enum hvm_exit_reason */
    bool insn;                          /* VM_EXIT_INSTRUCTION_LEN is valid */
    decode_fn decode;
};

#define KIND(reason, insn, decode)  { true, reason, insn, decode }
#define VIRT_INSN                   KIND(HVM_EXIT_VIRT_INSN, true, NULL)
static const struct exit_kind kinds[EXIT_REASON_MAX + 1] = {
    [EXIT_REASON_EXCEPTION_NMI]      = KIND(HVM_EXIT_NONE, false, exception_or_nmi),
    [EXIT_REASON_EXTERNAL_INTERRUPT] = KIND(HVM_EXIT_NONE, false, NULL),
    [EXIT_REASON_TRIPLE_FAULT]       = KIND(HVM_EXIT_TRIPLE_FAULT, false, NULL),
    [EXIT_REASON_INIT]               = KIND(HVM_EXIT_NONE, false, NULL),
    [EXIT_REASON_SIPI]               = KIND(HVM_EXIT_NONE, false, NULL),
    [EXIT_REASON_INTERRUPT_WINDOW]   = KIND(HVM_EXIT_INTR_WINDOW, false, NULL),
    [EXIT_REASON_NMI_WINDOW]         = KIND(HVM_EXIT_NONE, false, NULL),
    [EXIT_REASON_CPUID]              = KIND(HVM_EXIT_CPUID, true, NULL),
    [EXIT_REASON_HLT]                = KIND(HVM_EXIT_HLT, true, NULL),
    [EXIT_REASON_INVD]               = KIND(HVM_EXIT_SKIP, true, NULL),
    [EXIT_REASON_INVLPG]             = KIND(HVM_EXIT_INVLPG, true, invlpg_exit),
    [EXIT_REASON_RDPMC]              = KIND(HVM_EXIT_EXCEPTION, true, gp_fault),
    [EXIT_REASON_VMCALL]             = KIND(HVM_EXIT_HYPERCALL, true, NULL),
    [EXIT_REASON_VMCLEAR]            = VIRT_INSN,
    [EXIT_REASON_VMLAUNCH]           = VIRT_INSN,
    [EXIT_REASON_VMPTRLD]            = VIRT_INSN,
    [EXIT_REASON_VMPTRST]            = VIRT_INSN,
    [EXIT_REASON_VMREAD]             = VIRT_INSN,
    [EXIT_REASON_VMRESUME]           = VIRT_INSN,
    [EXIT_REASON_VMWRITE]            = VIRT_INSN,
    [EXIT_REASON_VMXOFF]             = VIRT_INSN,
    [EXIT_REASON_VMXON]              = VIRT_INSN,
    [EXIT_REASON_CR_ACCESS]          = KIND(HVM_EXIT_CR_ACCESS, true, cr_access),
    [EXIT_REASON_DR_ACCESS]          = KIND(HVM_EXIT_SKIP, true, dr_access),
    [EXIT_REASON_IO_INSTRUCTION]     = KIND(HVM_EXIT_IO, true, io),
    [EXIT_REASON_MSR_READ]           = KIND(HVM_EXIT_MSR_READ, true, msr),
    [EXIT_REASON_MSR_WRITE]          = KIND(HVM_EXIT_MSR_WRITE, true, msr),
    [EXIT_REASON_MWAIT]              = VIRT_INSN,
    [EXIT_REASON_MONITOR]            = VIRT_INSN,
    [EXIT_REASON_EPT_VIOLATION]      = KIND(HVM_EXIT_NPF, false, ept_violation),
    [EXIT_REASON_EPT_MISCONFIG]      = KIND(HVM_EXIT_UNHANDLED, false, ept_misconfig),
    [EXIT_REASON_INVEPT]             = VIRT_INSN,
    [EXIT_REASON_INVVPID]            = VIRT_INSN,
    [EXIT_REASON_VMFUNC]             = VIRT_INSN,
    [EXIT_REASON_XSETBV]             = KIND(HVM_EXIT_XSETBV, true, NULL),
};

void vmx_decode_exit(struct vcpu *v, struct cpu_user_regs *regs)
{
    struct hvm_exit *e = &v->arch.hvm.exit;
    uint32_t code = EXIT_REASON_BASIC(vmread(VM_EXIT_REASON));
    const struct exit_kind *k = code <= EXIT_REASON_MAX ? &kinds[code] : NULL;

    *e = (struct hvm_exit){ .code = code, .reason = HVM_EXIT_UNHANDLED };
    /* Without VMX_MISC[5] the IA-32e mode entry control is ours to follow
     * (an unrestricted guest changes EFER.LMA itself; under shadow paging
     * only vmx_set_paging does). */
    if (!vmx(v)->own_view && !(vmx_msrs()->misc & VMX_MISC_SAVES_LMA))
        vmx_set_reg(v, HVM_REG_EFER, vmread(GUEST_IA32_EFER));
    if (!k || !k->known)
        return;
    e->reason = k->reason;
    if (k->insn)
        e->insn_len = vmread(VM_EXIT_INSTRUCTION_LEN);
    if (k->decode)
        k->decode(v, e, regs);
}
