/*
 * The PV side of a vCPU: its operations table (context switch of the
 * segment bases, page-table base and virtual TS; entering it through
 * ret_to_guest; hypercall restart by rewinding onto the syscall), its
 * start-of-day registers, and the vcpu_guest_context of VCPUOP_initialise
 * and the domctls, checked before anything is taken.
 */
#include "asm/guest_access.h"
#include "asm/msr.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "xen/lib.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen.h"
#include "xen_errno.h"

__noreturn void reset_stack_and_resume_guest(struct cpu_user_regs *regs);

static int pv_vcpu_create(struct vcpu *v)
{
    v->arch.pv.kernel_mode = true;
    v->arch.pv.ctrlreg4 = pv_fixup_guest_cr4(0);
    return 0;
}

static void pv_vcpu_destroy(struct vcpu *v) { }

/* The guest's segment bases are live in the MSRs while it runs. */
static void pv_ctxt_switch_from(struct vcpu *v)
{
    pv_save_segments(v);
    v->arch.pv.fs_base = rdmsr(MSR_FS_BASE);
    if (v->arch.pv.kernel_mode) {
        v->arch.pv.gs_base_kernel = rdmsr(MSR_GS_BASE);
        v->arch.pv.gs_base_user = rdmsr(MSR_SHADOW_GS_BASE);
    } else {
        v->arch.pv.gs_base_user = rdmsr(MSR_GS_BASE);
        v->arch.pv.gs_base_kernel = rdmsr(MSR_SHADOW_GS_BASE);
    }
    pv_areas_switched(v);               /* its runstate changed: tell it */
    pv_unload_debugregs(v);             /* its breakpoints leave with it */
}

/* Bases as wrmsr takes them: TCG lets WRFSBASE store non-canonical ones. */
static uint64_t canonical_or_0(uint64_t base)
{
    return (int64_t)(base << 16) >> 16 == (int64_t)base ? base : 0;
}

static void pv_ctxt_switch_to(struct vcpu *v)
{
    struct pv_vcpu *pv = &v->arch.pv;
    bool segs_ok;

    pv_desc_load(v);
    segs_ok = pv_load_segments(v);      /* before the bases: loads set them */
    wrmsr(MSR_FS_BASE, canonical_or_0(pv->fs_base));
    wrmsr(MSR_GS_BASE, canonical_or_0(pv->kernel_mode ? pv->gs_base_kernel : pv->gs_base_user));
    wrmsr(MSR_SHADOW_GS_BASE,
          canonical_or_0(pv->kernel_mode ? pv->gs_base_user : pv->gs_base_kernel));
    if (pv->fpu_dirty_ts)
        write_cr0(read_cr0() | X86_CR0_TS);
    pv_load_cr4(v);
    pv_load_debugregs(v);
    pv_load_cr3(v);
    pv_areas_switched(v);
    if (!segs_ok)                       /* on its kernel stack: tables loaded */
        pv_failsafe_callback(v, &get_cpu_info()->guest_regs);
}

static __noreturn void pv_resume(struct vcpu *v)
{
    reset_stack_and_resume_guest(&get_cpu_info()->guest_regs);
}

/* Published whole, under the domain lock, by pv_vcpu_set_context. */
static bool pv_is_initialised(const struct vcpu *v)
{
    return __atomic_load_n(&v->is_initialised, __ATOMIC_ACQUIRE);
}

static long pv_initialise(struct vcpu *v, unsigned long arg)
{
    struct vcpu_guest_context *ctx;
    long rc;

    if (!(ctx = xmalloc(struct vcpu_guest_context)))
        return -XEN_ENOMEM;
    rc = copy_from_guest_obj(ctx, arg) ? -XEN_EFAULT : pv_vcpu_set_context(v, ctx);
    xfree(ctx);
    return rc;
}

/*
 * The syscall instruction is 2 bytes: rewinding rip by 2 makes the guest
 * issue the same hypercall (rax still holds its number) when it next runs,
 * with the argument registers changed to args.
 */
static void pv_continuation(struct cpu_user_regs *regs, const unsigned long *args,
                            unsigned int n)
{
    unsigned long *reg[6] = { &regs->rdi, &regs->rsi, &regs->rdx,
                              &regs->r10, &regs->r8, &regs->r9 };

    regs->rip -= 2;
    for (unsigned int i = 0; i < n; i++)
        *reg[i] = args[i];
}

const struct vcpu_type_ops pv_vcpu_ops = {
    .name = "PV",
    .vcpu_create = pv_vcpu_create,
    .vcpu_destroy = pv_vcpu_destroy,
    .ctxt_switch_from = pv_ctxt_switch_from,
    .ctxt_switch_to = pv_ctxt_switch_to,
    .resume = pv_resume,
    .relinquish = pv_vcpu_release_tables,
    .is_initialised = pv_is_initialised,
    .initialise = pv_initialise,
    .continuation = pv_continuation,
};

/* Drop the references a vCPU's page-table bases and vcpu_info page hold. */
void pv_vcpu_release_tables(struct vcpu *v)
{
    pv_desc_release(v);
    if (v->arch.pv.deferred.page)
        pt_finish_deferred(&v->arch.pv.deferred, false);
    if (v->arch.pv.guest_table)
        put_page_and_type(mfn_to_page(v->arch.pv.guest_table));
    if (v->arch.pv.guest_table_user)
        put_page_and_type(mfn_to_page(v->arch.pv.guest_table_user));
    v->arch.pv.guest_table = v->arch.pv.guest_table_user = 0;
    if (v->vcpu_info_mfn) {
        v->vcpu_info = &v->domain->shared_info->vcpu_info[v->vcpu_id];
        put_page_and_type(mfn_to_page(v->vcpu_info_mfn));
        v->vcpu_info_mfn = 0;
    }
}

/* Registers for a fresh PV vCPU entering its kernel (Xen's start state). */
void pv_vcpu_init_context(struct vcpu *v, unsigned long entry,
                          unsigned long stack, unsigned long start_info)
{
    struct cpu_user_regs *r = &v->arch.user_regs;

    memset(r, 0, sizeof(*r));
    r->rip = entry;
    r->rsp = stack;
    r->rsi = start_info;
    r->cs = FLAT_KERNEL_CS;
    r->ss = FLAT_KERNEL_SS;
    r->rflags = X86_EFLAGS_IF | X86_EFLAGS_MBS;
    v->arch.pv.kernel_mode = true;
}

static bool canonical(unsigned long va)
{
    return (long)(va << 16) >> 16 == (long)va;
}

/* Every address a context names is canonical; counts and bits are ours. */
static int check_context(const struct vcpu_guest_context *c)
{
    const uint64_t addrs[] = {
        c->user_regs.rip, c->user_regs.rsp, c->kernel_sp, c->event_callback_eip,
        c->failsafe_callback_eip, c->syscall_callback_eip, c->fs_base,
        c->gs_base_kernel, c->gs_base_user,
    };
    unsigned long l4 = xen_cr3_to_pfn(c->ctrlreg[3]), l4u = xen_cr3_to_pfn(c->ctrlreg[1]);

    for (unsigned int i = 0; i < ARRAY_SIZE(addrs); i++)
        if (!canonical(addrs[i]))
            return -XEN_EINVAL;
    /* The handlers, as set_trap_table checks them. */
    for (unsigned int i = 0; i < ARRAY_SIZE(c->trap_ctxt); i++)
        if (!canonical(c->trap_ctxt[i].address))
            return -XEN_EINVAL;
    if ((c->flags & VGCF_i387_valid) && !fpu_image_ok(c->fpu_ctxt))
        return -XEN_EINVAL;
    if (c->vm_assist & ~VM_ASSIST_VALID)
        return -XEN_EINVAL;
    if (c->gdt_ents > FIRST_RESERVED_GDT_ENTRY || c->ldt_ents > LDT_MAX_ENTRIES)
        return -XEN_EINVAL;
    if (!mfn_valid(l4) || (l4u && !mfn_valid(l4u)))
        return -XEN_EINVAL;
    return 0;
}

/* Take a checked context: the caller holds the domain lock. */
static void take_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
    struct cpu_user_regs *r = &v->arch.user_regs;
    struct pv_vcpu *pv = &v->arch.pv;

    *r = c->user_regs;
    /* The context's IOPL is the vCPU's virtual I/O privilege (Xen's). */
    pv->iopl = (r->rflags & X86_EFLAGS_IOPL) >> 12;
    r->cs = FLAT_KERNEL_CS;
    r->ss = FLAT_KERNEL_SS;
    /* No IOPL, virtual-8086 mode or nested task for a PV guest. */
    r->rflags = (r->rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM | X86_EFLAGS_NT |
                               X86_EFLAGS_RF)) | X86_EFLAGS_IF | X86_EFLAGS_MBS;
    memcpy(pv->trap_ctxt, c->trap_ctxt, sizeof(pv->trap_ctxt));
    for (unsigned int i = 0; i < 256; i++)
        pv->trap_ctxt[i].cs = FLAT_KERNEL_CS;
    pv->kernel_ss = c->kernel_ss | 3;
    pv->kernel_sp = c->kernel_sp;
    pv->event_callback = c->event_callback_eip;
    pv->failsafe_callback = c->failsafe_callback_eip;
    pv->syscall_callback = c->syscall_callback_eip;
    pv->failsafe_disables_events = c->flags & VGCF_failsafe_disables_events;
    pv->syscall_disables_events = c->flags & VGCF_syscall_disables_events;
    pv->fs_base = c->fs_base;
    pv->gs_base_kernel = c->gs_base_kernel;
    pv->gs_base_user = c->gs_base_user;
    pv->kernel_mode = true;
    if (c->flags & VGCF_i387_valid)
        memcpy(v->arch.fpu, c->fpu_ctxt, sizeof(v->arch.fpu));
    __atomic_or_fetch(&v->domain->vm_assist, c->vm_assist, __ATOMIC_SEQ_CST);
}

static void put_l4s(unsigned long l4, unsigned long l4u)
{
    put_page_and_type(mfn_to_page(l4));
    if (l4u)
        put_page_and_type(mfn_to_page(l4u));
}

/*
 * VCPUOP_initialise / domctl: check the whole context, take the page-table
 * references, then publish it all at once under the domain lock, so that
 * neither VCPUOP_up nor a second initialise can see half of it.
 */
int pv_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
    unsigned long l4 = xen_cr3_to_pfn(c->ctrlreg[3]), l4u = xen_cr3_to_pfn(c->ctrlreg[1]);
    struct domain *d = v->domain;
    struct pv_desc_tables desc;
    unsigned long f;
    int rc;

    if ((rc = check_context(c)))
        return rc;
    if (pv_is_initialised(v))
        return -XEN_EEXIST;
    rc = get_page_and_type(mfn_to_page(l4), d->domain_id, PGT_l4_page_table, false);
    if (rc)
        return rc;
    if (l4u && (rc = get_page_and_type(mfn_to_page(l4u), d->domain_id,
                                       PGT_l4_page_table, false))) {
        put_page_and_type(mfn_to_page(l4));
        return rc;
    }
    if ((rc = pv_desc_take_context(d, c, l4, &desc))) {
        put_l4s(l4, l4u);
        return rc;
    }
    f = spin_lock_irqsave(&d->domain_lock);
    if (v->is_initialised) {
        spin_unlock_irqrestore(&d->domain_lock, f);
        pv_desc_put(&desc);
        put_l4s(l4, l4u);
        return -XEN_EEXIST;
    }
    v->arch.pv.desc = desc;             /* an uninitialised vCPU had none */
    v->arch.pv.guest_table = l4;
    v->arch.pv.guest_table_user = l4u;
    take_context(v, c);
    __atomic_store_n(&v->is_initialised, true, __ATOMIC_RELEASE);
    spin_unlock_irqrestore(&d->domain_lock, f);
    return 0;
}

void pv_vcpu_get_context(struct vcpu *v, struct vcpu_guest_context *c)
{
    memset(c, 0, sizeof(*c));
    memcpy(c->fpu_ctxt, v->arch.fpu, sizeof(c->fpu_ctxt));
    c->flags = VGCF_i387_valid | (v->arch.pv.kernel_mode ? VGCF_in_kernel : 0) |
               (test_bit(_VPF_down, &v->pause_flags) ? 0 : VGCF_online);
    c->user_regs = v == current ? *guest_cpu_user_regs() : v->arch.user_regs;
    memcpy(c->trap_ctxt, v->arch.pv.trap_ctxt, sizeof(c->trap_ctxt));
    c->kernel_ss = v->arch.pv.kernel_ss;
    c->kernel_sp = v->arch.pv.kernel_sp;
    c->ctrlreg[3] = xen_pfn_to_cr3(v->arch.pv.guest_table);
    c->ctrlreg[1] = xen_pfn_to_cr3(v->arch.pv.guest_table_user);
    c->event_callback_eip = v->arch.pv.event_callback;
    c->failsafe_callback_eip = v->arch.pv.failsafe_callback;
    c->syscall_callback_eip = v->arch.pv.syscall_callback;
    c->vm_assist = v->domain->vm_assist;
    c->fs_base = v->arch.pv.fs_base;
    c->gs_base_kernel = v->arch.pv.gs_base_kernel;
    c->gs_base_user = v->arch.pv.gs_base_user;
    pv_desc_get_context(v, c);
}
