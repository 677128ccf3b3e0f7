/*
 * An HVM guest's control registers and EFER, changed only as the hardware
 * would allow (Intel SDM vol. 3 §2.5, AMD APM vol. 2 §3.1): a value with
 * reserved bits, or a combination the CPU refuses (paging without
 * protection, long mode without PAE), is #GP for the guest and changes
 * nothing.  Also the decoding of the instructions an intercepted CR access
 * comes from (MOV to/from CRn, CLTS), which the back ends leave to us
 * when the CPU does not decode them.
 */
#include "asm/msr.h"
#include "asm/processor.h"
#include "xen/lib.h"
#include "xen/sched.h"

#include "hvm/hvm.h"

#define CR0_VALID   (X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | X86_CR0_TS | X86_CR0_ET | \
                     X86_CR0_NE | X86_CR0_WP | X86_CR0_AM | X86_CR0_NW | X86_CR0_CD | \
                     X86_CR0_PG)
#define EFER_VALID  (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

uint64_t hvm_get_reg(struct vcpu *v, enum hvm_reg r)
{
    return hvm_backend->get_reg(v, r);
}

void hvm_update_paging(struct vcpu *v)
{
    v->domain->arch.hvm.paging->update_paging(v);
}

static bool long_mode(struct vcpu *v)
{
    return hvm_get_reg(v, HVM_REG_EFER) & EFER_LMA;
}

static bool cr0_ok(struct vcpu *v, uint64_t val)
{
    uint64_t efer = hvm_get_reg(v, HVM_REG_EFER);

    if ((val & ~CR0_VALID) || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
        ((val & X86_CR0_NW) && !(val & X86_CR0_CD)))
        return false;
    /* Turning paging on in long mode needs PAE; off while in it is refused. */
    if ((val & X86_CR0_PG) && (efer & EFER_LME) &&
        !(hvm_get_reg(v, HVM_REG_CR4) & X86_CR4_PAE))
        return false;
    return !(!(val & X86_CR0_PG) && (efer & EFER_LMA));
}

bool hvm_set_cr(struct vcpu *v, unsigned int cr, uint64_t val)
{
    const struct hvm_backend *b = hvm_backend;
    uint64_t efer = hvm_get_reg(v, HVM_REG_EFER);

    switch (cr) {
    case 0:
        if (!cr0_ok(v, val))
            return false;
        if ((val & X86_CR0_PG) && (efer & EFER_LME))
            b->set_reg(v, HVM_REG_EFER, efer | EFER_LMA);
        b->set_reg(v, HVM_REG_CR0, val | X86_CR0_ET);
        break;
    case 3:
        if (long_mode(v) && (val >> paddr_bits) && !(val & (1ULL << 63)))
            return false;
        b->set_reg(v, HVM_REG_CR3, long_mode(v) ? val & ~(1ULL << 63) : (uint32_t)val);
        break;
    case 4:
        if ((val & ~hvm_cr4_allowed()) || (long_mode(v) && !(val & X86_CR4_PAE)))
            return false;
        b->set_reg(v, HVM_REG_CR4, val);
        break;
    default:
        return false;
    }
    hvm_update_paging(v);
    return true;
}

bool hvm_set_efer(struct vcpu *v, uint64_t val)
{
    uint64_t old = hvm_get_reg(v, HVM_REG_EFER);

    if ((val & ~EFER_VALID) || ((val & EFER_NXE) && !cpu_has_nx))
        return false;
    /* LME may not change while paging is on; LMA is the CPU's to set. */
    if (((val ^ old) & EFER_LME) && (hvm_get_reg(v, HVM_REG_CR0) & X86_CR0_PG))
        return false;
    hvm_backend->set_reg(v, HVM_REG_EFER, (val & ~EFER_LMA) | (old & EFER_LMA));
    hvm_update_paging(v);
    return true;
}

/* ---- decoding intercepted CR accesses ---- */

/* The general register a ModRM field names (with REX.B/R). */
static uint64_t *gpr(struct cpu_user_regs *regs, unsigned int n)
{
    uint64_t *r[16] = { &regs->rax, &regs->rcx, &regs->rdx, &regs->rbx,
                        &regs->rsp, &regs->rbp, &regs->rsi, &regs->rdi,
                        &regs->r8, &regs->r9, &regs->r10, &regs->r11,
                        &regs->r12, &regs->r13, &regs->r14, &regs->r15 };

    return r[n & 15];
}

/*
 * MOV CRn <-> reg (0F 20/22 /r), CLTS (0F 06) and LMSW from a register
 * (0F 01 /6); false: not one of them (LMSW from memory included).
 */
bool hvm_emulate_cr_access(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint8_t b[15];
    unsigned int i = 0, rex = 0, cr;
    uint64_t *r;

    if (hvm_fetch_insn(b, sizeof(b)))
        return false;
    while (i < 4 && (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xf2 || b[i] == 0xf3))
        i++;
    if (long_mode(v) && (b[i] & 0xf0) == 0x40)
        rex = b[i++];
    if (b[i] != 0x0f)
        return false;
    if (b[i + 1] == 0x06) {             /* clts */
        v->arch.hvm.exit.insn_len = i + 2;
        if (!hvm_set_cr(v, 0, hvm_get_reg(v, HVM_REG_CR0) & ~X86_CR0_TS))
            return false;
        hvm_advance_rip(v);
        return true;
    }
    if (b[i + 1] == 0x01 && (b[i + 2] & 0xf8) == 0xf0) {   /* lmsw reg: CR0[3:0], PE stays */
        uint64_t cr0 = hvm_get_reg(v, HVM_REG_CR0);
        uint64_t msw = *gpr(regs, (b[i + 2] & 7) | ((rex & 1) << 3));

        v->arch.hvm.exit.insn_len = i + 3;
        if (!hvm_set_cr(v, 0, (cr0 & ~0xeULL) | (msw & 0xf)))
            hvm_inject_gp(v);
        else
            hvm_advance_rip(v);
        return true;
    }
    if ((b[i + 1] != 0x20 && b[i + 1] != 0x22) || (b[i + 2] >> 6) != 3)
        return false;
    cr = ((b[i + 2] >> 3) & 7) | ((rex & 4) << 1);
    r = gpr(regs, (b[i + 2] & 7) | ((rex & 1) << 3));
    v->arch.hvm.exit.insn_len = i + 3;
    if (b[i + 1] == 0x20) {
        *r = cr == 8 ? 0 : hvm_get_reg(v, cr == 0 ? HVM_REG_CR0 : cr == 2 ? HVM_REG_CR2 :
                                          cr == 3 ? HVM_REG_CR3 : HVM_REG_CR4);
        if (!long_mode(v))
            *r = (uint32_t)*r;
    } else if (!hvm_set_cr(v, cr, long_mode(v) ? *r : (uint32_t)*r)) {
        hvm_inject_gp(v);
        return true;
    }
    hvm_advance_rip(v);
    return true;
}
