/*
 * x86 side of vCPUs and domains: switching a pCPU between vCPUs (the
 * register frame and FPU image every guest has, the rest through the
 * domain's vcpu_type_ops), the architecture's part of creating them, and
 * TLB flushes on behalf of guests.
 */
#include "asm/current.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "asm/time.h"
#include "asm/traps.h"
#include "xen/lib.h"
#include "xen/percpu.h"
#include "xen/physmap.h"
#include "xen/pv_flush.h"
#include "xen/sched.h"
#include "xen/smp.h"
#include "hvm/hvm.h"

__noreturn void reset_stack_and_idle(struct cpu_info *ci);

static uint8_t fpu_init_image[512] __aligned(16);

/* MXCSR in an FXSAVE image (SDM vol. 1 §10.5.1, table 10-2). */
#define FXSAVE_MXCSR        24
#define FXSAVE_MXCSR_MASK   28
/* The mask to assume when FXSAVE stores 0 there (SDM vol. 1 §11.6.6). */
#define MXCSR_MASK_DEFAULT  0x0000ffbf

static uint32_t mxcsr_mask = MXCSR_MASK_DEFAULT;

static uint32_t fxsave_mxcsr(const uint8_t *image)
{
    uint32_t m;

    memcpy(&m, image + FXSAVE_MXCSR, sizeof(m));
    return m;
}

/* FXRSTOR raises #GP for an MXCSR with reserved bits set. */
bool fpu_image_ok(const uint8_t *image)
{
    return !(fxsave_mxcsr(image) & ~mxcsr_mask);
}

static void fpu_init(void)
{
    uint32_t mxcsr = 0x1f80, mask;

    /* A clean FPU/SSE state: FNINIT defaults, MXCSR 0x1f80. */
    __asm__ __volatile__("fninit; ldmxcsr %1; fxsave64 %0"
                         : "=m"(fpu_init_image) : "m"(mxcsr));
    memcpy(&mask, fpu_init_image + FXSAVE_MXCSR_MASK, sizeof(mask));
    mxcsr_mask = mask ? mask : MXCSR_MASK_DEFAULT;
}

/*
 * Load v's FPU image.  It was checked when the guest handed it over; if
 * FXRSTOR would still fault (the check above, or the CPU itself, says so),
 * v gets a clean image and its domain is crashed once the switch is done:
 * a fault here is in ring 0.  False in that case.
 */
static bool fpu_restore(struct vcpu *v)
{
    int bad = !fpu_image_ok(v->arch.fpu);

    if (!bad)
        __asm__ __volatile__(
            "1: fxrstor64 %1\n"
            "2:\n"
            ".section .fixup.text, \"ax\"\n"
            "3: movl $1, %0\n"
            "   jmp 2b\n"
            ".previous\n"
            _ASM_EXTABLE(1b, 3b)
            : "+r"(bad) : "m"(v->arch.fpu));
    if (likely(!bad))
        return true;
    memcpy(v->arch.fpu, fpu_init_image, sizeof(fpu_init_image));
    __asm__ __volatile__("fxrstor64 %0" :: "m"(v->arch.fpu));
    return false;
}


/* ---- context switch ---- */

static void save_guest_state(struct vcpu *v, struct cpu_info *ci)
{
    v->arch.user_regs = ci->guest_regs;
    v->domain->arch.ops->ctxt_switch_from(v);
    /* A guest's virtual TS may be set in CR0: fxsave would fault on it. */
    __asm__ __volatile__("clts; fxsave64 %0" : "=m"(v->arch.fpu));
}

/*
 * CR0.TS is clear here: save_guest_state and the idle vCPU leave it so.
 * False if v's FPU image could not be loaded (see fpu_restore).
 */
static bool load_guest_state(struct vcpu *v, struct cpu_info *ci)
{
    bool fpu_ok;

    ci->guest_regs = v->arch.user_regs;
    fpu_ok = fpu_restore(v);
    v->domain->arch.ops->ctxt_switch_to(v);
    update_vcpu_system_time(v);
    return fpu_ok;
}

__noreturn void context_switch(struct vcpu *prev, struct vcpu *next)
{
    struct cpu_info *ci = get_cpu_info();
    unsigned int cpu = smp_processor_id();
    bool fpu_ok = true;

    local_irq_disable();
    if (!is_idle_vcpu(prev))
        save_guest_state(prev, ci);
    ci->current_vcpu = next;
    ci->guest_translated = !is_idle_vcpu(next) && is_hvm_vcpu(next);
    if (is_idle_vcpu(next)) {
        write_cr3(virt_to_maddr(idle_pg_table));
        tlbflush_note_local();
        write_cr0(read_cr0() & ~X86_CR0_TS);
    } else {
        vcpu_timers_follow(next, cpu);
        fpu_ok = load_guest_state(next, ci);
    }
    context_saved(prev);
    if (unlikely(!fpu_ok))              /* no scheduler lock is held here */
        ring0_hazard(next, "its FPU image would fault in FXRSTOR");
    if (is_idle_vcpu(next))
        reset_stack_and_idle(ci);
    next->domain->arch.ops->resume(next);
}

/* ---- vCPU and domain objects ---- */

int arch_vcpu_create(struct vcpu *v)
{
    static bool fpu_image_ready;
    int rc;

    if (!fpu_image_ready) {
        fpu_init();
        fpu_image_ready = true;
    }
    memcpy(v->arch.fpu, fpu_init_image, sizeof(fpu_init_image));
    if ((rc = vcpu_timers_init(v)))
        return rc;
    if (is_idle_vcpu(v))
        return 0;
    return v->domain->arch.ops->vcpu_create(v);
}

void arch_vcpu_destroy(struct vcpu *v)
{
    if (!is_idle_vcpu(v))
        v->domain->arch.ops->vcpu_destroy(v);
}

int arch_domain_create(struct domain *d, unsigned int flags)
{
    int rc;

    d->arch.type = GUEST_PV;
    d->arch.paging = PAGING_PV;
    d->arch.ops = &pv_vcpu_ops;
    if ((flags & DOMCRF_hvm) && (rc = hvm_domain_init(d, flags & DOMCRF_hap)))
        return rc;
    update_domain_wallclock(d);
    return 0;
}

/* Domain death, its vCPUs stopped: what the type holds beyond its frames. */
void arch_domain_relinquish(struct domain *d)
{
    if (is_hvm_domain(d))
        hvm_domain_relinquish(d);
}

void arch_domain_destroy(struct domain *d)
{
    if (is_hvm_domain(d))
        hvm_domain_destroy(d);
    physmap_free(d);
}

/* ---- TLB flushes for guests ---- */

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
