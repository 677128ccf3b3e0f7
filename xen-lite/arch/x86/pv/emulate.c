/*
 * Instructions a PV kernel may use although ring 3 cannot execute them:
 * control-register moves (CR3 reads and writes in Xen's cr3 format), clts,
 * the FS/GS base MSRs, and the forced-emulation prefix
 * (`ud2; .ascii "xen"; cpuid`) that shows the guest Xen's CPUID leaves.
 */
#include "asm/guest_access.h"
#include "asm/msr.h"
#include "asm/processor.h"
#include "xen/hypercall.h"
#include "xen/lib.h"
#include "xen/sched.h"
#include "xen/version.h"
#include "xen.h"

#define XEN_CPUID_BASE          0x40000000
#define XEN_CPUID_MAX_LEAF      (XEN_CPUID_BASE + 2)
#define XEN_HYPERCALL_MSR       0x40000000

static const uint8_t forced_prefix[] = { 0x0f, 0x0b, 'x', 'e', 'n' };

void pv_cpuid(uint32_t leaf, uint32_t sub, struct cpu_user_regs *regs)
{
    struct cpuid_regs r = { 0, 0, 0, 0 };

    switch (leaf) {
    case XEN_CPUID_BASE:
        r.eax = XEN_CPUID_MAX_LEAF;
        memcpy(&r.ebx, "XenV", 4);
        memcpy(&r.ecx, "MMXe", 4);
        memcpy(&r.edx, "nVMM", 4);
        break;
    case XEN_CPUID_BASE + 1:
        r.eax = (XEN_LITE_ABI_MAJOR << 16) | XEN_LITE_ABI_MINOR;
        break;
    case XEN_CPUID_BASE + 2:
        r.eax = 1;                      /* hypercall pages */
        r.ebx = XEN_HYPERCALL_MSR;
        break;
    default:
        if (leaf >= XEN_CPUID_BASE && leaf < XEN_CPUID_BASE + 0x10000)
            break;
        r = cpuid_count(leaf, sub);
        if (leaf == 1) {
            r.ecx |= CPUID1_ECX_HYPERVISOR;
            r.ecx &= ~((1U << 3) | (1U << 5) | CPUID1_ECX_X2APIC);  /* monitor, VMX */
        } else if (leaf == 0x80000001) {
            r.ecx &= ~(1U << 2);        /* SVM */
        }
    }
    regs->rax = r.eax;
    regs->rbx = r.ebx;
    regs->rcx = r.ecx;
    regs->rdx = r.edx;
}

bool pv_emulate_forced(struct cpu_user_regs *regs)
{
    uint8_t insn[sizeof(forced_prefix) + 2];

    if (copy_from_guest(insn, regs->rip, sizeof(insn)) ||
        memcmp(insn, forced_prefix, sizeof(forced_prefix)) ||
        insn[5] != 0x0f || insn[6] != 0xa2)
        return false;
    pv_cpuid(regs->rax, regs->rcx, regs);
    regs->rip += sizeof(insn);
    return true;
}

/* The general register a ModRM rm/reg field (with REX bit) names. */
static uint64_t *gpr(struct cpu_user_regs *regs, unsigned int n)
{
    switch (n) {
    case 0: return &regs->rax;  case 1: return &regs->rcx;
    case 2: return &regs->rdx;  case 3: return &regs->rbx;
    case 4: return &regs->rsp;  case 5: return &regs->rbp;
    case 6: return &regs->rsi;  case 7: return &regs->rdi;
    case 8: return &regs->r8;   case 9: return &regs->r9;
    case 10: return &regs->r10; case 11: return &regs->r11;
    case 12: return &regs->r12; case 13: return &regs->r13;
    case 14: return &regs->r14; default: return &regs->r15;
    }
}

static bool read_cr(struct vcpu *v, unsigned int cr, uint64_t *val)
{
    switch (cr) {
    case 0:
        *val = (read_cr0() & ~X86_CR0_TS) | (v->arch.pv.fpu_dirty_ts ? X86_CR0_TS : 0);
        return true;
    case 2:
        *val = v->vcpu_info->arch.cr2;
        return true;
    case 3:
        *val = xen_pfn_to_cr3(pv_guest_cr3(v));
        return true;
    case 4:
        *val = read_cr4();
        return true;
    }
    return false;
}

static bool write_cr(struct vcpu *v, unsigned int cr, uint64_t val)
{
    switch (cr) {
    case 0:
        /* Only TS may change, as fpu_taskswitch. */
        do_fpu_taskswitch(!!(val & X86_CR0_TS));
        return true;
    case 3:
        return v->arch.pv.kernel_mode && pv_new_guest_cr3(xen_cr3_to_pfn(val)) == 0;
    }
    return false;
}

static bool msr_access(struct vcpu *v, bool write, struct cpu_user_regs *regs)
{
    uint32_t msr = regs->rcx;
    uint64_t val = (regs->rdx << 32) | (uint32_t)regs->rax;

    switch (msr) {
    case MSR_FS_BASE:
    case MSR_GS_BASE:
    case MSR_SHADOW_GS_BASE:
        if (write) {
            if ((long)(val << 16) >> 16 != (long)val)
                return false;
            wrmsr(msr, val);
            return true;
        }
        val = rdmsr(msr);
        break;
    case 0x10:                          /* TSC */
        if (write)
            return false;
        val = rdtsc();
        break;
    default:
        return false;
    }
    regs->rax = (uint32_t)val;
    regs->rdx = val >> 32;
    return true;
}

bool pv_emulate_privileged(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    uint8_t b[16];
    unsigned int i = 0, rex = 0;

    if (!v->arch.pv.kernel_mode || copy_from_guest(b, regs->rip, sizeof(b)))
        return false;
    while (i < 4 && ((b[i] & 0xf0) == 0x40 || b[i] == 0x66 || b[i] == 0x67))
        rex = (b[i] & 0xf0) == 0x40 ? b[i++] : (i++, rex);
    if (b[i] != 0x0f)
        return false;
    switch (b[i + 1]) {
    case 0x20: case 0x22: {             /* mov cr, reg / mov reg, cr */
        uint8_t modrm = b[i + 2];
        unsigned int cr = ((modrm >> 3) & 7) | ((rex & 4) << 1);
        uint64_t *r = gpr(regs, (modrm & 7) | ((rex & 1) << 3));
        bool ok = (modrm >> 6) == 3 &&
                  (b[i + 1] == 0x20 ? read_cr(v, cr, r) : write_cr(v, cr, *r));
        if (!ok)
            return false;
        regs->rip += i + 3;
        return true;
    }
    case 0x06:                          /* clts */
        do_fpu_taskswitch(0);
        regs->rip += i + 2;
        return true;
    case 0x30: case 0x32:               /* wrmsr, rdmsr */
        if (!msr_access(v, b[i + 1] == 0x30, regs))
            return false;
        regs->rip += i + 2;
        return true;
    }
    return false;
}
