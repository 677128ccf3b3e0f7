/*
 * SVM exits into the common layer's terms (hvm/backend.h): one table
 * entry per exit code (AMD APM vol. 2 appendix C), each turning EXITINFO1
 * and EXITINFO2 into struct hvm_exit.  Without NRIP save (QEMU's TCG has
 * none) the length of the exiting instruction comes from its opcode, or
 * for I/O from EXITINFO2, which holds the next RIP (§15.10.2).
 */
#include "asm/desc.h"
#include "xen/lib.h"
#include "xen/sched.h"

#include "svm.h"

typedef void (*decode_fn)(struct hvm_exit *e, const struct vmcb *vmcb,
                          const struct cpu_user_regs *regs);

static void decode_io(struct hvm_exit *e, const struct vmcb *vmcb, const struct cpu_user_regs *regs)
{
    uint64_t info = vmcb->exitinfo1;

    e->u.io.port = info >> IOIO_PORT_SHIFT;
    e->u.io.in = info & IOIO_TYPE_IN;
    e->u.io.str = info & IOIO_STR;
    e->u.io.rep = info & IOIO_REP;
    e->u.io.size = (info >> IOIO_SIZE_SHIFT) & 1 ? 1 : (info >> IOIO_SIZE_SHIFT) & 2 ? 2 : 4;
    e->u.io.addr_size = (info >> IOIO_ADDR_SHIFT) & 1 ? 2 : (info >> IOIO_ADDR_SHIFT) & 2 ? 4 : 8;
    e->insn_len = vmcb->exitinfo2 - regs->rip;
}

static void decode_msr(struct hvm_exit *e, const struct vmcb *vmcb, const struct cpu_user_regs *regs)
{
    e->reason = vmcb->exitinfo1 ? HVM_EXIT_MSR_WRITE : HVM_EXIT_MSR_READ;
    e->u.msr.index = regs->rcx;
}

/* EXITINFO1 is a page-fault error code, EXITINFO2 the guest-physical address. */
static void decode_npf(struct hvm_exit *e, const struct vmcb *vmcb, const struct cpu_user_regs *regs)
{
    e->u.npf.gpa = vmcb->exitinfo2;
    e->u.npf.access = vmcb->exitinfo1 & (HVM_NPF_PRESENT | HVM_NPF_WRITE | HVM_NPF_USER |
                                         HVM_NPF_FETCH);
}

static void decode_cr(struct hvm_exit *e, const struct vmcb *vmcb, const struct cpu_user_regs *regs)
{
    e->u.cr.cr = vmcb->exitcode & 0xf;
    e->u.cr.write = vmcb->exitcode >= VMEXIT_CR0_WRITE;
}

static void decode_exception(struct hvm_exit *e, const struct vmcb *vmcb,
                      const struct cpu_user_regs *regs)
{
    e->u.exn.vector = vmcb->exitcode - VMEXIT_EXCEPTION_BASE;
    e->u.exn.has_error = e->u.exn.vector == TRAP_page_fault;
    e->u.exn.error = vmcb->exitinfo1;
    e->u.exn.cr2 = vmcb->exitinfo2;
}

static void decode_invlpg(struct hvm_exit *e, const struct vmcb *vmcb, const struct cpu_user_regs *regs)
{
    e->u.invlpg.va = vmcb->exitinfo1;
}

struct exit_kind {
    enum hvm_exit_reason reason;
    uint8_t len;                        /* opcode length (no NRIP save) */
    decode_fn decode;
};

static const struct exit_kind kinds[] = {
    [VMEXIT_INTR]        = { HVM_EXIT_NONE, 0, NULL },
    [VMEXIT_NMI]         = { HVM_EXIT_NONE, 0, NULL },
    [VMEXIT_SMI]         = { HVM_EXIT_NONE, 0, NULL },
    [VMEXIT_INIT]        = { HVM_EXIT_NONE, 0, NULL },
    [VMEXIT_VINTR]       = { HVM_EXIT_INTR_WINDOW, 0, NULL },
    [VMEXIT_CPUID]       = { HVM_EXIT_CPUID, SVM_LEN_CPUID, NULL },
    [VMEXIT_INVD]        = { HVM_EXIT_SKIP, SVM_LEN_INVD, NULL },
    [VMEXIT_HLT]         = { HVM_EXIT_HLT, SVM_LEN_HLT, NULL },
    [VMEXIT_INVLPG]      = { HVM_EXIT_INVLPG, 0, decode_invlpg },
    [VMEXIT_IOIO]        = { HVM_EXIT_IO, 0, decode_io },
    [VMEXIT_MSR]         = { HVM_EXIT_MSR_READ, SVM_LEN_RDMSR, decode_msr },
    [VMEXIT_SHUTDOWN]    = { HVM_EXIT_TRIPLE_FAULT, 0, NULL },
    [VMEXIT_VMRUN]       = { HVM_EXIT_VIRT_INSN, 0, NULL },
    [VMEXIT_VMMCALL]     = { HVM_EXIT_HYPERCALL, SVM_LEN_VMMCALL, NULL },
    [VMEXIT_VMLOAD]      = { HVM_EXIT_VIRT_INSN, 0, NULL },
    [VMEXIT_VMSAVE]      = { HVM_EXIT_VIRT_INSN, 0, NULL },
    [VMEXIT_STGI]        = { HVM_EXIT_VIRT_INSN, 0, NULL },
    [VMEXIT_CLGI]        = { HVM_EXIT_VIRT_INSN, 0, NULL },
    [VMEXIT_SKINIT]      = { HVM_EXIT_VIRT_INSN, 0, NULL },
    [VMEXIT_INVLPGA]     = { HVM_EXIT_VIRT_INSN, 0, NULL },
    [VMEXIT_MONITOR]     = { HVM_EXIT_VIRT_INSN, 0, NULL },
    [VMEXIT_MWAIT]       = { HVM_EXIT_VIRT_INSN, 0, NULL },
    [VMEXIT_MWAIT_ARMED] = { HVM_EXIT_VIRT_INSN, 0, NULL },
    [VMEXIT_XSETBV]      = { HVM_EXIT_XSETBV, SVM_LEN_XSETBV, NULL },
};

void svm_decode_exit(struct vcpu *v, struct cpu_user_regs *regs)
{
    const struct vmcb *vmcb = svm(v)->vmcb;
    struct hvm_exit *e = &v->arch.hvm.exit;
    uint64_t code = vmcb->exitcode;
    const struct exit_kind *k = code < ARRAY_SIZE(kinds) ? &kinds[code] : NULL;

    *e = (struct hvm_exit){ .code = code, .reason = HVM_EXIT_UNHANDLED };
    if (code == VMEXIT_INVALID || code == (uint32_t)VMEXIT_INVALID) {   /* QEMU: 32 bits */
        e->reason = HVM_EXIT_BAD_ENTRY;
        return;
    }
    if (code == VMEXIT_NPF) {
        e->reason = HVM_EXIT_NPF;
        decode_npf(e, vmcb, regs);
        return;
    }
    if (code < VMEXIT_EXCEPTION_BASE) {
        e->reason = HVM_EXIT_CR_ACCESS;
        decode_cr(e, vmcb, regs);
    } else if (code < VMEXIT_INTR) {
        e->reason = HVM_EXIT_EXCEPTION;
        decode_exception(e, vmcb, regs);
    } else if (k && (k->reason != HVM_EXIT_NONE || code == VMEXIT_INTR ||
                     code == VMEXIT_NMI || code == VMEXIT_SMI || code == VMEXIT_INIT)) {
        e->reason = k->reason;
        e->insn_len = k->len;
        if (k->decode)
            k->decode(e, vmcb, regs);
    }
    if (svm_has_nrips && vmcb->nrip > regs->rip && vmcb->nrip - regs->rip <= 15)
        e->insn_len = vmcb->nrip - regs->rip;
}
