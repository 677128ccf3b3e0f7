/*
 * RDMSR/WRMSR from an HVM guest: EFER and PAT (checked), the TSC (through
 * the offset), IA32_APIC_BASE and the x2APIC registers (hvm/vlapic.c), and
 * Xen's hypercall-page MSR, which fills the page the guest names.  The
 * state VMLOAD/VMSAVE carry (FS/GS bases, syscall MSRs) never exits.
 * Every other MSR is #GP, as on a CPU that lacks it.
 */
#include "asm/msr.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "xen/lib.h"
#include "xen/physmap.h"
#include "xen/sched.h"

#include "hvm/hvm.h"

#define X2APIC_FIRST    0x800
#define X2APIC_LAST     0x8ff

/* Each PAT entry must be a memory type that exists (SDM vol. 3 §11.12.2). */
static bool pat_ok(uint64_t pat)
{
    for (unsigned int i = 0; i < 8; i++) {
        unsigned int t = (pat >> (8 * i)) & 0xff;
        if (t != 0 && t != 1 && t != 4 && t != 5 && t != 6 && t != 7)
            return false;
    }
    return true;
}

/* The hypercall page: written into the guest frame at gpa (page aligned). */
static bool hypercall_page(struct vcpu *v, uint64_t gpa)
{
    static uint8_t page[PAGE_SIZE];     /* under the domain's MSR write only */
    static DEFINE_SPINLOCK(lock);
    bool ok;

    if (gpa & (PAGE_SIZE - 1))
        return false;                   /* page index bits: only page 0 exists */
    spin_lock(&lock);
    hvm_write_hypercall_page(page);
    ok = !hvm_copy_to_gpa(v->domain, gpa, page, PAGE_SIZE);
    spin_unlock(&lock);
    return ok;
}

static bool rdmsr_one(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    switch (msr) {
    case MSR_EFER:          *val = hvm_get_reg(v, HVM_REG_EFER); return true;
    case MSR_IA32_PAT:      *val = hvm_get_reg(v, HVM_REG_PAT); return true;
    case MSR_IA32_TSC:      *val = rdtsc() + hvm_get_reg(v, HVM_REG_TSC_OFFSET); return true;
    case MSR_IA32_APIC_BASE: *val = vlapic_get_base(v); return true;
    }
    if (msr >= X2APIC_FIRST && msr <= X2APIC_LAST)
        return vlapic_rdmsr(v, msr, val);
    return false;
}

static bool wrmsr_one(struct vcpu *v, uint32_t msr, uint64_t val)
{
    switch (msr) {
    case MSR_EFER:
        return hvm_set_efer(v, val);
    case MSR_IA32_PAT:
        if (!pat_ok(val))
            return false;
        hvm_backend->set_reg(v, HVM_REG_PAT, val);
        return true;
    case MSR_IA32_TSC:
        hvm_backend->set_reg(v, HVM_REG_TSC_OFFSET, val - rdtsc());
        return true;
    case MSR_IA32_APIC_BASE:
        return vlapic_set_base(v, val);
    case XEN_CPUID_HYPERCALL_MSR:
        return hypercall_page(v, val);
    }
    if (msr >= X2APIC_FIRST && msr <= X2APIC_LAST)
        return vlapic_wrmsr(v, msr, val);
    return false;
}

void hvm_msr_access(struct vcpu *v, struct cpu_user_regs *regs, bool write)
{
    uint32_t msr = regs->rcx;
    uint64_t val = (regs->rdx << 32) | (uint32_t)regs->rax;
    bool ok = write ? wrmsr_one(v, msr, val) : rdmsr_one(v, msr, &val);

    if (!ok) {
        printk(XENLOG_DEBUG "d%uv%u: %s of MSR %#x: #GP\n", v->domain->domain_id,
               v->vcpu_id, write ? "write" : "read", msr);
        hvm_inject_gp(v);
        return;
    }
    if (!write) {
        regs->rax = (uint32_t)val;
        regs->rdx = val >> 32;
    }
    hvm_advance_rip(v);
}
