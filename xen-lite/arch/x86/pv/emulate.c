/*
 * Instructions a PV kernel may use although ring 3 cannot execute them,
 * emulated as Xen 4.17 emulates them for a PV guest: control-register
 * moves (CR3 in Xen's cr3 format; CR4 kept per vCPU, only the bits that
 * are the guest's to choose reaching the CPU), clts, rdmsr/wrmsr (msr.c),
 * in/out and ins/outs (io.c), cli/sti (no-ops when the vCPU's I/O
 * privilege allows them), rdtsc under CR4.TSD, wbinvd (ignored), and the forced-emulation
 * prefix (`ud2; .ascii "xen"; cpuid`) that shows the guest its CPUID
 * policy (cpuid_policy.c) and Xen's leaves.
 */
#include "asm/cpuid_policy.h"
#include "asm/guest_access.h"
#include "asm/msr.h"
#include "asm/processor.h"
#include "asm/ptwr.h"
#include "xen/hypercall.h"
#include "xen/lib.h"
#include "xen/sched.h"
#include "xen/version.h"
#include "xen.h"

#define XEN_CPUID_BASE          0x40000000
#define XEN_CPUID_MAX_LEAF      (XEN_CPUID_BASE + 2)
#define XEN_HYPERCALL_MSR       0x40000000

static const uint8_t forced_prefix[] = { 0x0f, 0x0b, 'x', 'e', 'n' };

/* What the host is, for the CPUID policy (read once). */
static const struct cpuid_host *host_cpuid(void)
{
    static struct cpuid_host h;

    if (!h.max_basic) {
        struct cpuid_regs v = cpuid(0);

        h.amd = !memcmp(&v.ebx, "Auth", 4) || !memcmp(&v.ebx, "Hygo", 4);
        h.max_ext = cpuid(0x80000000).eax;
        h.leaf1 = cpuid(1);
        h.max_basic = v.eax;
    }
    return &h;
}

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
        pv_cpuid_policy(leaf, sub, host_cpuid(), &r);
    }
    regs->rax = r.eax;
    regs->rbx = r.ebx;
    regs->rcx = r.ecx;
    regs->rdx = r.edx;
}

/* ---- CR4 ---- */

/* Bits a PV guest chooses (if its CPUID shows the feature) and bits it sees. */
#define PV_CR4_GUEST_MASK       (X86_CR4_TSD | X86_CR4_DE | X86_CR4_FSGSBASE)
#define PV_CR4_GUEST_VISIBLE    (X86_CR4_PAE | X86_CR4_MCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)

/* A guest's CR4 write as it will read back (Xen's pv_fixup_guest_cr4). */
unsigned long pv_fixup_guest_cr4(unsigned long cr4)
{
    struct cpu_user_regs r;
    unsigned long allowed = X86_CR4_TSD | X86_CR4_DE;

    pv_cpuid(7, 0, &r);
    if (r.rbx & CPUID7_EBX_FSGSBASE)
        allowed |= X86_CR4_FSGSBASE;
    return (cr4 & allowed) | (read_cr4() & PV_CR4_GUEST_VISIBLE);
}

/* The CPU's CR4 for v: the hypervisor's, with the guest's own bits. */
void pv_load_cr4(const struct vcpu *v)
{
    unsigned long cr4 = read_cr4();
    unsigned long want = (cr4 & ~PV_CR4_GUEST_MASK) | (v->arch.pv.ctrlreg4 & PV_CR4_GUEST_MASK);

    if (want != cr4)
        write_cr4(want);
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
        *val = v->arch.pv.ctrlreg4;
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
    case 4:
        v->arch.pv.ctrlreg4 = pv_fixup_guest_cr4(val);
        pv_load_cr4(v);
        return true;
    }
    return false;
}

static bool msr_access(struct vcpu *v, bool write, struct cpu_user_regs *regs)
{
    uint32_t msr = regs->rcx;
    uint64_t val = (regs->rdx << 32) | (uint32_t)regs->rax;

    if (write)
        return pv_wrmsr(v, msr, val);
    if (!pv_rdmsr(v, msr, &val))
        return false;
    regs->rax = (uint32_t)val;
    regs->rdx = val >> 32;
    return true;
}

/* Two-byte opcodes (0f xx): prefixes end at i, ModRM (if any) at i + 2. */
static bool two_byte(struct vcpu *v, struct cpu_user_regs *regs, const uint8_t *b,
                     unsigned int i, unsigned int rex)
{
    switch (b[i + 1]) {
    case 0x20: case 0x22: {             /* mov cr, reg / mov reg, cr */
        uint8_t modrm = b[i + 2];
        unsigned int cr = ((modrm >> 3) & 7) | ((rex & 4) << 1);
        uint64_t *r = ptwr_gpr(regs, (modrm & 7) | ((rex & 1) << 3));
        bool ok = (modrm >> 6) == 3 &&
                  (b[i + 1] == 0x20 ? read_cr(v, cr, r) : write_cr(v, cr, *r));
        if (!ok)
            return false;
        regs->rip += i + 3;
        return true;
    }
    case 0x06:                          /* clts */
        do_fpu_taskswitch(0);
        break;
    case 0x09:                          /* wbinvd: nothing of ours to flush */
        break;
    case 0x30: case 0x32:               /* wrmsr, rdmsr */
        if (!msr_access(v, b[i + 1] == 0x30, regs))
            return false;
        break;
    case 0x31: {                        /* rdtsc with the guest's CR4.TSD set */
        uint64_t t = rdtsc();
        regs->rax = (uint32_t)t;
        regs->rdx = t >> 32;
        break;
    }
    default:
        return false;
    }
    regs->rip += i + 2;
    return true;
}

/* The legacy prefixes seen before the opcode. */
struct prefixes {
    bool opsize, addr32, rep, fs_gs;
    unsigned int rex;
};

/* in/out (immediate port or dx), ins/outs, cli/sti: one-byte opcodes. */
static bool one_byte(struct vcpu *v, struct cpu_user_regs *regs, const uint8_t *b,
                     unsigned int i, const struct prefixes *p)
{
    uint8_t op = b[i];
    unsigned int bytes = (op & 1) ? (p->opsize ? 2 : 4) : 1, len = 1, port;

    switch (op) {
    case 0x6c: case 0x6d: case 0x6e: case 0x6f:     /* ins, outs (dx) */
        /* An FS or GS base on the source is not emulated: #GP. */
        if (p->fs_gs && op >= 0x6e)
            return false;
        return pv_emulate_string_io(regs, op < 0x6e, bytes, p->rep, p->addr32, i + 1);
    case 0xe4: case 0xe5: case 0xe6: case 0xe7:     /* in/out al/eax, imm8 */
        port = b[i + 1];
        len = 2;
        break;
    case 0xec: case 0xed: case 0xee: case 0xef:     /* in/out al/eax, dx */
        port = regs->rdx & 0xffff;
        break;
    case 0xfa: case 0xfb:               /* cli, sti: no-ops allowed by IOPL */
        if (!pv_iopl_ok(v))
            return false;
        regs->rip += i + 1;
        return true;
    default:
        return false;
    }
    if (!pv_emulate_io(regs, !(op & 2), port, bytes))
        return false;
    regs->rip += i + len;
    return true;
}

bool pv_emulate_privileged(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    uint8_t b[16];
    unsigned int i = 0;
    struct prefixes p = { 0 };

    if (copy_from_guest(b, regs->rip, sizeof(b)))
        return false;
    for (; i < 8; i++) {
        switch (b[i]) {
        case 0x66: p.opsize = true; continue;
        case 0x67: p.addr32 = true; continue;
        case 0xf2: case 0xf3: p.rep = true; continue;
        case 0x64: case 0x65: p.fs_gs = true; continue;
        case 0x26: case 0x2e: case 0x36: case 0x3e: continue;  /* no base in long mode */
        }
        if ((b[i] & 0xf0) != 0x40)
            break;
        p.rex = b[i];
    }
    if (b[i] != 0x0f)
        return one_byte(v, regs, b, i, &p);
    /* The rest are the kernel's alone (rdtsc only under its CR4.TSD). */
    if (!v->arch.pv.kernel_mode)
        return false;
    return two_byte(v, regs, b, i, p.rex);
}
