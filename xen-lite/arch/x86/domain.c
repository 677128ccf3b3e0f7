/*
 * x86 side of vCPUs: switching pCPUs between vCPUs (registers, FPU,
 * segment bases, page tables, time), setting a PV vCPU's initial or
 * guest-supplied context, and the per-CPU syscall entry stubs.
 */
#include "asm/atomic.h"
#include "asm/current.h"
#include "asm/desc.h"
#include "asm/guest_access.h"
#include "asm/msr.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "asm/time.h"
#include "xen/event.h"
#include "xen/lib.h"
#include "xen/percpu.h"
#include "xen/pv_flush.h"
#include "xen/sched.h"
#include "xen/smp.h"
#include "xen.h"
#include "xen_errno.h"

extern const char syscall_enter[], compat_syscall_enter[];
__noreturn void reset_stack_and_resume_guest(struct cpu_user_regs *regs);
__noreturn void reset_stack_and_idle(struct cpu_info *ci);

static uint8_t fpu_init_image[512] __aligned(16);

/* ---- per-CPU syscall entry ---- */

/*
 * LSTAR points at a per-CPU stub that switches to this CPU's stack without
 * touching GS (the guest's GS bases stay live in the hypervisor):
 *   movabs %rax, scratch ; mov %rsp, %rax ; movabs $rsp0, %rsp
 *   push $FLAT_USER_SS   ; push %rax      ; movabs scratch, %rax
 *   jmp syscall_enter
 */
/*
 * Written at boot, in pages of their own inside the text (.stubs, see
 * xen.lds.S), which becomes read-only once every CPU is up.  No data
 * shares their pages: an emulator rechecks its translations of a page on
 * every write to it.
 */
#define STUBS_PER_PAGE (PAGE_SIZE / 64)
static uint8_t syscall_stubs[DIV_ROUND_UP(NR_CPUS, STUBS_PER_PAGE) * STUBS_PER_PAGE][64]
    __attribute__((section(".stubs"), aligned(PAGE_SIZE)));

static uint8_t *emit64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
    return p + 8;
}

void percpu_syscall_init(unsigned int cpu)
{
    struct cpu_info *ci = stack_cpu_info(per_cpu(cpu)->stack);
    uint8_t *p = syscall_stubs[cpu];
    int32_t rel;

    *p++ = 0x48; *p++ = 0xa3; p = emit64(p, (unsigned long)&ci->syscall_scratch);
    *p++ = 0x48; *p++ = 0x89; *p++ = 0xe0;
    *p++ = 0x48; *p++ = 0xbc; p = emit64(p, cpu_info_rsp0(ci));
    *p++ = 0x68; *(uint32_t *)p = FLAT_USER_SS64; p += 4;
    *p++ = 0x50;
    *p++ = 0x48; *p++ = 0xa1; p = emit64(p, (unsigned long)&ci->syscall_scratch);
    *p++ = 0xe9;
    rel = (int32_t)((unsigned long)syscall_enter - (unsigned long)(p + 4));
    memcpy(p, &rel, 4);
    wrmsr(MSR_STAR, ((uint64_t)FLAT_RING3_CS32 << 48) | ((uint64_t)__HYPERVISOR_CS << 32));
    wrmsr(MSR_LSTAR, (unsigned long)syscall_stubs[cpu]);
    wrmsr(MSR_CSTAR, (unsigned long)compat_syscall_enter);
    wrmsr(MSR_SFMASK, X86_EFLAGS_VM | X86_EFLAGS_RF | X86_EFLAGS_NT | X86_EFLAGS_DF |
                      X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_AC);
}

/* ---- context switch ---- */

static void save_guest_state(struct vcpu *v, struct cpu_info *ci)
{
    v->arch.user_regs = ci->guest_regs;
    v->arch.fs_base = rdmsr(MSR_FS_BASE);
    if (v->arch.kernel_mode) {
        v->arch.gs_base_kernel = rdmsr(MSR_GS_BASE);
        v->arch.gs_base_user = rdmsr(MSR_SHADOW_GS_BASE);
    } else {
        v->arch.gs_base_user = rdmsr(MSR_GS_BASE);
        v->arch.gs_base_kernel = rdmsr(MSR_SHADOW_GS_BASE);
    }
    __asm__ __volatile__("fxsave64 %0" : "=m"(v->arch.fpu));
}

static void load_guest_state(struct vcpu *v, struct cpu_info *ci)
{
    ci->guest_regs = v->arch.user_regs;
    __asm__ __volatile__("xor %%eax, %%eax; mov %%eax, %%ds; mov %%eax, %%es; "
                         "mov %%eax, %%fs" ::: "rax");
    wrmsr(MSR_FS_BASE, v->arch.fs_base);
    wrmsr(MSR_GS_BASE, v->arch.kernel_mode ? v->arch.gs_base_kernel : v->arch.gs_base_user);
    wrmsr(MSR_SHADOW_GS_BASE, v->arch.kernel_mode ? v->arch.gs_base_user : v->arch.gs_base_kernel);
    __asm__ __volatile__("fxrstor64 %0" :: "m"(v->arch.fpu));
    write_cr0(v->arch.fpu_dirty_ts ? read_cr0() | X86_CR0_TS : read_cr0() & ~X86_CR0_TS);
    pv_load_cr3(v);
    update_vcpu_system_time(v);
}

__noreturn void context_switch(struct vcpu *prev, struct vcpu *next)
{
    struct cpu_info *ci = get_cpu_info();
    unsigned int cpu = smp_processor_id();

    local_irq_disable();
    if (!is_idle_vcpu(prev))
        save_guest_state(prev, ci);
    ci->current_vcpu = next;
    if (is_idle_vcpu(next)) {
        write_cr3(virt_to_maddr(idle_pg_table));
        tlbflush_note_local();
        write_cr0(read_cr0() & ~X86_CR0_TS);
    } else {
        vcpu_timers_follow(next, cpu);
        load_guest_state(next, ci);
    }
    context_saved(prev);
    if (is_idle_vcpu(next))
        reset_stack_and_idle(ci);
    reset_stack_and_resume_guest(&ci->guest_regs);
}

/* ---- vCPU and domain objects ---- */

int arch_vcpu_create(struct vcpu *v)
{
    static bool fpu_image_ready;

    if (!fpu_image_ready) {
        /* A clean FPU/SSE state: FNINIT defaults, MXCSR 0x1f80. */
        uint32_t mxcsr = 0x1f80;
        __asm__ __volatile__("fninit; ldmxcsr %1; fxsave64 %0"
                             : "=m"(fpu_init_image) : "m"(mxcsr));
        fpu_image_ready = true;
    }
    memcpy(v->arch.fpu, fpu_init_image, sizeof(fpu_init_image));
    v->arch.kernel_mode = true;
    vcpu_timers_init(v);
    return 0;
}

void arch_vcpu_destroy(struct vcpu *v) { }
int arch_domain_create(struct domain *d)
{
    update_domain_wallclock(d);
    return 0;
}
void arch_domain_destroy(struct domain *d) { }

/* Drop the references a vCPU's page-table bases and vcpu_info page hold. */
void pv_vcpu_release_tables(struct vcpu *v)
{
    if (v->arch.deferred.page)
        pt_finish_deferred(&v->arch.deferred, false);
    if (v->arch.guest_table)
        put_page_and_type(mfn_to_page(v->arch.guest_table));
    if (v->arch.guest_table_user)
        put_page_and_type(mfn_to_page(v->arch.guest_table_user));
    v->arch.guest_table = v->arch.guest_table_user = 0;
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
    v->arch.kernel_mode = true;
}

static bool canonical(unsigned long va)
{
    return (long)(va << 16) >> 16 == (long)va;
}

/* VCPUOP_initialise / domctl: check everything, then take it. */
int pv_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
    unsigned long l4 = xen_cr3_to_pfn(c->ctrlreg[3]), l4u = xen_cr3_to_pfn(c->ctrlreg[1]);
    struct domain *d = v->domain;
    int rc;

    if (!canonical(c->user_regs.rip) || !canonical(c->user_regs.rsp) ||
        !canonical(c->kernel_sp) || !canonical(c->event_callback_eip) ||
        !canonical(c->failsafe_callback_eip) || !canonical(c->syscall_callback_eip) ||
        !canonical(c->fs_base) || !canonical(c->gs_base_kernel) ||
        !canonical(c->gs_base_user) || c->gdt_ents || c->ldt_ents)
        return -XEN_EINVAL;
    if (!mfn_valid(l4) || (l4u && !mfn_valid(l4u)))
        return -XEN_EINVAL;
    rc = get_page_and_type(mfn_to_page(l4), d->domain_id, PGT_l4_page_table, false);
    if (rc)
        return rc;
    if (l4u && (rc = get_page_and_type(mfn_to_page(l4u), d->domain_id,
                                       PGT_l4_page_table, false))) {
        put_page_and_type(mfn_to_page(l4));
        return rc;
    }
    v->arch.guest_table = l4;
    v->arch.guest_table_user = l4u;
    v->arch.user_regs = c->user_regs;
    v->arch.user_regs.cs = FLAT_KERNEL_CS;
    v->arch.user_regs.ss = FLAT_KERNEL_SS;
    v->arch.user_regs.rflags = (c->user_regs.rflags & ~X86_EFLAGS_IOPL) | X86_EFLAGS_IF |
                               X86_EFLAGS_MBS;
    memcpy(v->arch.trap_ctxt, c->trap_ctxt, sizeof(v->arch.trap_ctxt));
    for (unsigned int i = 0; i < 256; i++)
        v->arch.trap_ctxt[i].cs = FLAT_KERNEL_CS;
    v->arch.kernel_ss = c->kernel_ss | 3;
    v->arch.kernel_sp = c->kernel_sp;
    v->arch.event_callback = c->event_callback_eip;
    v->arch.failsafe_callback = c->failsafe_callback_eip;
    v->arch.syscall_callback = c->syscall_callback_eip;
    v->arch.fs_base = c->fs_base;
    v->arch.gs_base_kernel = c->gs_base_kernel;
    v->arch.gs_base_user = c->gs_base_user;
    v->arch.kernel_mode = true;
    if (c->flags & VGCF_i387_valid)
        memcpy(v->arch.fpu, c->fpu_ctxt, sizeof(v->arch.fpu));
    d->vm_assist |= c->vm_assist;
    return 0;
}

void pv_vcpu_get_context(struct vcpu *v, struct vcpu_guest_context *c)
{
    memset(c, 0, sizeof(*c));
    memcpy(c->fpu_ctxt, v->arch.fpu, sizeof(c->fpu_ctxt));
    c->flags = VGCF_i387_valid | (v->arch.kernel_mode ? VGCF_in_kernel : 0) |
               (test_bit(_VPF_down, &v->pause_flags) ? 0 : VGCF_online);
    c->user_regs = v == current ? *guest_cpu_user_regs() : v->arch.user_regs;
    memcpy(c->trap_ctxt, v->arch.trap_ctxt, sizeof(c->trap_ctxt));
    c->kernel_ss = v->arch.kernel_ss;
    c->kernel_sp = v->arch.kernel_sp;
    c->ctrlreg[3] = xen_pfn_to_cr3(v->arch.guest_table);
    c->ctrlreg[1] = xen_pfn_to_cr3(v->arch.guest_table_user);
    c->event_callback_eip = v->arch.event_callback;
    c->failsafe_callback_eip = v->arch.failsafe_callback;
    c->syscall_callback_eip = v->arch.syscall_callback;
    c->vm_assist = v->domain->vm_assist;
    c->fs_base = v->arch.fs_base;
    c->gs_base_kernel = v->arch.gs_base_kernel;
    c->gs_base_user = v->arch.gs_base_user;
}

/* ---- TLB flushes for guests ---- */

static uint64_t deferred_flush[NR_CPUS];

uint64_t domain_running_mask(const struct domain *d)
{
    uint64_t mask = 0;

    for_each_vcpu(d, v)
        if (v->is_running)
            mask |= 1ULL << v->processor;
    return mask;
}

void flush_guest_tlb_local(void)
{
    write_cr3(read_cr3());
    tlbflush_note_local();
}

static void flush_cpus(uint64_t mask, unsigned long va, bool one)
{
    uint64_t me = 1ULL << smp_processor_id();

    if (mask & me) {
        if (one)
            invlpg(va);
        else
            flush_guest_tlb_local();
    }
    if (mask & ~me)
        flush_tlb_mask(mask & ~me);
}

void pv_tlb_flush(uint64_t mask, unsigned long va, bool one)
{
    if (in_multicall()) {
        deferred_flush[smp_processor_id()] |= mask;
        return;
    }
    flush_cpus(mask, va, one);
}

void pv_flush_deferred_tlb(void)
{
    uint64_t *m = &deferred_flush[smp_processor_id()];

    if (*m)
        flush_cpus(*m, 0, false);
    *m = 0;
}
