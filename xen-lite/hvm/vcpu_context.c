/*
 * Starting an HVM vCPU from a struct vcpu_hvm_context (Xen's PVH boot
 * protocol, VCPUOP_initialise for application processors, and dom0's
 * builder): 32-bit mode with the segments given, or long mode with flat
 * 64-bit segments.  Everything is checked against what a CPU would accept
 * before any of it is taken; a context it would refuse is -EINVAL, and so
 * is one the domain's paging mode cannot run.
 */
#include "asm/msr.h"
#include "asm/processor.h"
#include "xen/lib.h"
#include "xen/sched.h"
#include "xen_errno.h"

#include "hvm/hvm.h"

/* Attribute bits (vcpu_hvm_context's format, a descriptor's 47:40, 55:52). */
#define AR_TYPE(ar)     ((ar) & 0xf)
#define AR_S            (1U << 4)
#define AR_DPL(ar)      (((ar) >> 5) & 3)
#define AR_P            (1U << 7)
#define AR_L            (1U << 9)
#define AR_DB           (1U << 10)
#define AR_G            (1U << 11)
#define TYPE_CODE       (1U << 3)
#define TYPE_WRITABLE   (1U << 1)       /* data */
#define TYPE_TSS_BUSY   0xb             /* system: 32/64-bit TSS, busy */
#define AR_CODE64       (AR_P | AR_S | AR_L | AR_G | TYPE_CODE | 0x3)
#define AR_DATA         (AR_P | AR_S | AR_DB | AR_G | TYPE_WRITABLE | 0x1)
#define AR_TSS          (AR_P | TYPE_TSS_BUSY)
#define TSS_LIMIT       0x67
#define EFLAGS_VALID    0x3f7fd7U       /* bits that exist (1 must be set) */
#define CR0_START_VALID (X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | X86_CR0_TS | X86_CR0_ET | \
                         X86_CR0_NE | X86_CR0_WP | X86_CR0_AM | X86_CR0_NW | X86_CR0_CD | \
                         X86_CR0_PG)

/* A limit the G bit can express (SDM vol. 3 §3.4.5). */
static bool limit_ok(uint32_t limit, uint16_t ar)
{
    return (ar & AR_G) ? (limit & 0xfff) == 0xfff : limit <= 0xfffff;
}

static bool seg_ok(uint32_t limit, uint16_t ar, bool code, bool stack)
{
    if (ar & 0xf000 || !(ar & AR_P) || !(ar & AR_S) || AR_DPL(ar) || !limit_ok(limit, ar))
        return false;
    if (code)
        return AR_TYPE(ar) & TYPE_CODE;
    return !(AR_TYPE(ar) & TYPE_CODE) && (!stack || (AR_TYPE(ar) & TYPE_WRITABLE));
}

static bool ctrl_ok(uint64_t cr0, uint64_t cr4, uint64_t efer, uint64_t rflags)
{
    bool lma = efer & EFER_LMA;

    if ((cr0 & ~CR0_START_VALID) || ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE)) ||
        ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD)))
        return false;
    if (cr4 & ~hvm_cr4_allowed())
        return false;
    if ((efer & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)) ||
        ((efer & EFER_NXE) && !cpu_has_nx))
        return false;
    if (lma != ((efer & EFER_LME) && (cr0 & X86_CR0_PG)) || (lma && !(cr4 & X86_CR4_PAE)))
        return false;
    return !(rflags & ~EFLAGS_VALID) && (rflags & X86_EFLAGS_MBS);
}

static void set_seg(struct vcpu *v, enum hvm_seg s, uint32_t base, uint32_t limit, uint16_t ar)
{
    hvm_backend->set_seg(v, s, &(struct hvm_segment){ .sel = 0, .ar = ar, .limit = limit,
                                                      .base = base });
}

static int start_32(struct vcpu *v, const struct vcpu_hvm_x86_32 *c)
{
    struct cpu_user_regs *r = &v->arch.user_regs;

    if (!ctrl_ok(c->cr0, c->cr4, c->efer, c->eflags) || (c->efer & EFER_LMA) ||
        !seg_ok(c->cs_limit, c->cs_ar, true, false) ||
        !seg_ok(c->ds_limit, c->ds_ar, false, false) ||
        !seg_ok(c->es_limit, c->es_ar, false, false) ||
        !seg_ok(c->ss_limit, c->ss_ar, false, true) ||
        (c->tr_ar & ~0xfffU) || AR_TYPE(c->tr_ar) != TYPE_TSS_BUSY || !(c->tr_ar & AR_P) ||
        (c->tr_ar & AR_S) || !limit_ok(c->tr_limit, c->tr_ar))
        return -XEN_EINVAL;
    *r = (struct cpu_user_regs){ .rax = c->eax, .rcx = c->ecx, .rdx = c->edx, .rbx = c->ebx,
                                 .rsp = c->esp, .rbp = c->ebp, .rsi = c->esi, .rdi = c->edi,
                                 .rip = c->eip, .rflags = c->eflags };
    set_seg(v, HVM_SEG_CS, c->cs_base, c->cs_limit, c->cs_ar);
    set_seg(v, HVM_SEG_DS, c->ds_base, c->ds_limit, c->ds_ar);
    set_seg(v, HVM_SEG_ES, c->es_base, c->es_limit, c->es_ar);
    set_seg(v, HVM_SEG_FS, c->ds_base, c->ds_limit, c->ds_ar);
    set_seg(v, HVM_SEG_GS, c->ds_base, c->ds_limit, c->ds_ar);
    set_seg(v, HVM_SEG_SS, c->ss_base, c->ss_limit, c->ss_ar);
    set_seg(v, HVM_SEG_TR, c->tr_base, c->tr_limit, c->tr_ar);
    hvm_backend->set_reg(v, HVM_REG_CR3, c->cr3);
    hvm_backend->set_reg(v, HVM_REG_CR4, c->cr4);
    hvm_backend->set_reg(v, HVM_REG_CR0, c->cr0 | X86_CR0_ET);
    hvm_backend->set_reg(v, HVM_REG_EFER, c->efer);
    return 0;
}

static bool canonical(uint64_t va)
{
    return (int64_t)(va << 16) >> 16 == (int64_t)va;
}

static int start_64(struct vcpu *v, const struct vcpu_hvm_x86_64 *c)
{
    struct cpu_user_regs *r = &v->arch.user_regs;

    if (!ctrl_ok(c->cr0, c->cr4, c->efer, c->rflags) || !(c->efer & EFER_LMA) ||
        !canonical(c->rip) || !canonical(c->rsp) || (c->cr3 >> paddr_bits))
        return -XEN_EINVAL;
    *r = (struct cpu_user_regs){ .rax = c->rax, .rcx = c->rcx, .rdx = c->rdx, .rbx = c->rbx,
                                 .rsp = c->rsp, .rbp = c->rbp, .rsi = c->rsi, .rdi = c->rdi,
                                 .rip = c->rip, .rflags = c->rflags };
    set_seg(v, HVM_SEG_CS, 0, 0xffffffff, AR_CODE64);
    set_seg(v, HVM_SEG_DS, 0, 0xffffffff, AR_DATA);
    set_seg(v, HVM_SEG_ES, 0, 0xffffffff, AR_DATA);
    set_seg(v, HVM_SEG_FS, 0, 0xffffffff, AR_DATA);
    set_seg(v, HVM_SEG_GS, 0, 0xffffffff, AR_DATA);
    set_seg(v, HVM_SEG_SS, 0, 0xffffffff, AR_DATA);
    set_seg(v, HVM_SEG_TR, 0, TSS_LIMIT, AR_TSS);
    hvm_backend->set_reg(v, HVM_REG_CR3, c->cr3);
    hvm_backend->set_reg(v, HVM_REG_CR4, c->cr4);
    hvm_backend->set_reg(v, HVM_REG_CR0, c->cr0 | X86_CR0_ET);
    hvm_backend->set_reg(v, HVM_REG_EFER, c->efer);
    return 0;
}

int hvm_set_vcpu_context(struct vcpu *v, const struct vcpu_hvm_context *c)
{
    int rc;

    if (v->arch.hvm.initialised)
        return -XEN_EEXIST;
    if (c->mode == VCPU_HVM_MODE_32B)
        rc = start_32(v, &c->cpu_regs.x86_32);
    else if (c->mode == VCPU_HVM_MODE_64B)
        rc = start_64(v, &c->cpu_regs.x86_64);
    else
        rc = -XEN_EINVAL;
    if (rc)
        return rc;
    hvm_update_paging(v);
    /* A mode the paging mode cannot run (shadow paging: real mode, 32-bit
     * paging) leaves the hardware nothing to walk: the vCPU stays down. */
    if (!v->arch.hvm.paging.nested && !v->arch.hvm.paging.hw_cr3)
        return -XEN_EINVAL;
    v->arch.hvm.initialised = true;
    return 0;
}
