/*
 * The common HVM layer: choosing the back end at boot, HVM domains and
 * vCPUs (struct vcpu_type_ops for them), the run loop -- softirqs, then
 * interrupts to deliver, then the world switch, then the exit -- and the
 * helpers every exit handler uses: injecting exceptions, skipping the
 * exiting instruction, checked control-register writes, crashing the
 * domain with one line that says why.
 */
#include "asm/guest_access.h"
#include "asm/msr.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "asm/time.h"
#include "asm/vmx.h"
#include "xen/event.h"
#include "xen/lib.h"
#include "xen/param.h"
#include "xen/physmap.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen/softirq.h"
#include "xen_errno.h"

#include "hvm/hvm.h"

const struct hvm_backend *hvm_backend;
static bool opt_hvm = true;
boolean_param("hvm", opt_hvm);
/* hap=0: every HVM domain on shadow paging, as Xen's option. */
static bool opt_hap = true;
boolean_param("hap", opt_hap);

void hvm_init(void)
{
    /* Intel's CPUs have VMX, AMD's SVM. */
    struct hvm_backend *b = cpuid(1).ecx & CPUID1_ECX_VMX ? &vmx_backend : &svm_backend;
    const char *why = opt_hvm ? b->init() : "disabled (hvm=0)";

    if (why) {
        printk("HVM: %s: PV guests only\n", why);
        return;
    }
    hvm_backend = b;
    if (!hvm_hap_available() && !b->shadow)
        printk("HVM: %s%s, and no shadow paging: HVM guests refused\n", b->name,
               opt_hap ? " without nested paging" : ", nested paging off (hap=0)");
    else if (hvm_backend->hap_max_order == HVM_NO_HAP)
        printk("HVM: %s without nested paging: shadow paging\n", hvm_backend->name);
    else if (!opt_hap)
        printk("HVM: %s, nested paging off (hap=0): shadow paging\n", hvm_backend->name);
    else
        printk("HVM: %s with nested paging, p2m entries up to %s\n", hvm_backend->name,
               hvm_backend->hap_max_order >= 18 ? "1 GiB" :
               hvm_backend->hap_max_order >= 9 ? "2 MiB" : "4 KiB");
}

void hvm_cpu_up(unsigned int cpu)
{
    if (hvm_backend && hvm_backend->cpu_up(cpu))
        panic("CPU%u: cannot enable %s", cpu, hvm_backend->name);
}

bool hvm_available(void)     { return hvm_backend; }
bool hvm_shadow_available(void) { return hvm_backend && hvm_backend->shadow; }
bool hvm_hap_available(void)
{
    return hvm_backend && opt_hap && hvm_backend->hap_max_order != HVM_NO_HAP;
}

/* HAP where asked for and the CPU has it; shadow paging otherwise. */
int hvm_domain_init(struct domain *d, bool hap)
{
    int rc;

    if (!hvm_backend)
        return -XEN_EOPNOTSUPP;
    hap = hap && hvm_hap_available();
    if (!hap && !hvm_backend->shadow)
        return -XEN_EOPNOTSUPP;         /* a back end without shadow paging */
    /* A domain whose creation fails stays PV to domain_free: neither
     * back end sees a destroy without its create. */
    d->arch.hvm.paging = hap ? &hap_paging : &shadow_paging;
    if ((rc = d->arch.hvm.paging->domain_init(d)))
        return rc;
    if ((rc = hvm_backend->domain_create(d))) {
        d->arch.hvm.paging->domain_destroy(d);
        return rc;
    }
    d->arch.type = GUEST_HVM;
    d->arch.paging = hap ? PAGING_HAP : PAGING_SHADOW;
    d->arch.ops = &hvm_vcpu_ops;
    return 0;
}

/* Domain death: the p2m's tables go back to the heap at once. */
void hvm_domain_relinquish(struct domain *d)
{
    hvm_console_flush(d);
    d->arch.hvm.paging->domain_destroy(d);
}

/*
 * XEN_DOMCTL_{get,set}_paging_mempool_size: the frames the domain's paging
 * mode keeps for its own tables.  Only shadow paging has such a pool (HAP's
 * p2m tables come from the heap as the p2m grows); a PV domain has none.
 */
long hvm_paging_mempool(struct domain *d, uint64_t *bytes, bool set)
{
    const struct hvm_paging *pg = d->arch.type == GUEST_HVM ? d->arch.hvm.paging : NULL;

    if (!pg || !pg->get_pool)
        return -XEN_EOPNOTSUPP;
    if (!set) {
        *bytes = pg->get_pool(d);
        return 0;
    }
    if (d == current->domain)
        return -XEN_EBUSY;              /* its vCPUs run on the pool */
    return pg->set_pool(d, *bytes);
}

/* The paging modes' own checks of every HVM domain: problems found. */
unsigned long hvm_paging_audit_all(void)
{
    unsigned long problems = 0;

    for_each_domain(d)
        if (d->arch.type == GUEST_HVM && d->arch.hvm.paging && d->arch.hvm.paging->audit)
            problems += d->arch.hvm.paging->audit(d);
    return problems;
}

void hvm_domain_destroy(struct domain *d)
{
    hvm_backend->domain_destroy(d);
}

/* ---- vCPUs ---- */

static int hvm_vcpu_create(struct vcpu *v)
{
    int rc;

    if ((rc = hvm_backend->vcpu_create(v)))
        return rc;
    vlapic_init(v);
    if ((rc = v->domain->arch.hvm.paging->vcpu_init(v))) {
        hvm_backend->vcpu_destroy(v);
        return rc;
    }
    v->arch.user_regs.rflags = X86_EFLAGS_MBS;
    return 0;
}

static void hvm_vcpu_destroy(struct vcpu *v)
{
    vlapic_destroy(v);
    v->domain->arch.hvm.paging->vcpu_destroy(v);
    hvm_backend->vcpu_destroy(v);
}

static void hvm_ctxt_switch_from(struct vcpu *v)
{
    hvm_backend->vcpu_put(v);
}

/* The hypervisor's own page tables while an HVM vCPU is current. */
static void hvm_ctxt_switch_to(struct vcpu *v)
{
    write_cr3(virt_to_maddr(idle_pg_table));
    tlbflush_note_local();
    vlapic_follow(v, smp_processor_id());
    hvm_backend->vcpu_load(v);
}

/* The page a registered vcpu_info lives in (its reference is typed). */
static void hvm_relinquish(struct vcpu *v)
{
    if (v->vcpu_info_mfn) {
        v->vcpu_info = &v->domain->shared_info->vcpu_info[v->vcpu_id];
        put_page_and_type(mfn_to_page(v->vcpu_info_mfn));
        v->vcpu_info_mfn = 0;
    }
}

static bool hvm_is_initialised(const struct vcpu *v)
{
    return v->arch.hvm.initialised;
}

static long hvm_initialise(struct vcpu *v, unsigned long arg)
{
    struct vcpu_hvm_context ctx;

    if (copy_from_guest_obj(&ctx, arg))
        return -XEN_EFAULT;
    return hvm_set_vcpu_context(v, &ctx);
}

/* ---- interrupts ---- */

/* The vector to deliver now, and whether the local APIC delivers it. */
static int pending_vector(struct vcpu *v, bool *lapic)
{
    uint8_t cb = v->domain->arch.hvm.callback_vector;

    *lapic = false;
    if (cb && !v->arch.hvm.upcall_vector && v->vcpu_info->evtchn_upcall_pending)
        return cb;                      /* Xen's callback: injected directly, no EOI */
    *lapic = true;
    return vlapic_pending(v);
}

bool hvm_local_events_need_delivery(struct vcpu *v)
{
    bool lapic;

    return pending_vector(v, &lapic) >= 0;
}

void hvm_assert_evtchn_irq(struct vcpu *v)
{
    if (v->arch.hvm.upcall_vector)
        vlapic_set_irq(v, v->arch.hvm.upcall_vector);
    else
        vcpu_kick(v);
}

/* Before each entry: inject what is due, or ask to exit when it can be. */
static void deliver_interrupts(struct vcpu *v)
{
    const struct hvm_backend *b = hvm_backend;
    bool lapic;
    int vec = pending_vector(v, &lapic);

    if (vec < 0) {
        b->set_intr_window(v, false);
        return;
    }
    if (b->interrupt_blocked(v) != HVM_INTBLK_NONE) {
        b->set_intr_window(v, true);
        return;
    }
    /* The callback vector needs no EOI, so no exit follows its handler:
     * an APIC interrupt due behind it asks for the next window itself. */
    b->set_intr_window(v, !lapic && vlapic_pending(v) >= 0);
    if (lapic)
        vlapic_ack(v, vec);
    b->inject_event(v, &(struct hvm_event){ .type = HVM_EVENT_EXT_INTR, .vector = vec });
}

void hvm_inject_exception(struct vcpu *v, uint8_t vector, int error)
{
    hvm_backend->inject_event(v, &(struct hvm_event){
        .type = HVM_EVENT_EXCEPTION, .vector = vector, .has_error = error >= 0,
        .error = error >= 0 ? (uint32_t)error : 0 });
}

void hvm_advance_rip(struct vcpu *v)
{
    hvm_backend->advance_rip(v, v->arch.hvm.exit.insn_len);
}

void hvm_crash(struct vcpu *v, const char *fmt, ...)
{
    char why[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    domain_crash(v->domain, why);
}

/* Where the vCPU was, for a crash report (the frame holds its registers). */
void hvm_show_state(struct vcpu *v)
{
    const struct cpu_user_regs *r = guest_cpu_user_regs();

    printk("d%uv%u: rip %016lx rsp %016lx rflags %08lx cr0 %08lx cr3 %016lx cr4 %08lx\n",
           v->domain->domain_id, v->vcpu_id, (unsigned long)r->rip, (unsigned long)r->rsp,
           (unsigned long)r->rflags, (unsigned long)hvm_get_reg(v, HVM_REG_CR0),
           (unsigned long)hvm_get_reg(v, HVM_REG_CR3), (unsigned long)hvm_get_reg(v, HVM_REG_CR4));
}

/* ---- the run loop ---- */

static __noreturn void hvm_run_loop(void)
{
    for (;;) {
        struct vcpu *v = current;

        local_irq_disable();
        if (softirq_pending(smp_processor_id())) {
            local_irq_enable();
            do_softirq();               /* may switch to another vCPU for good */
            continue;
        }
        deliver_interrupts(v);
        hvm_backend->run(v);
        local_irq_enable();             /* the interrupt that made it exit, if one */
        hvm_handle_exit(v, guest_cpu_user_regs());
    }
}

/* Enter the loop on a fresh stack: nothing below cpu_info survives. */
static __noreturn void hvm_resume(struct vcpu *v)
{
    __asm__ __volatile__("mov %0, %%rsp; xor %%ebp, %%ebp; call *%1; ud2"
                         :: "r"(get_cpu_info()), "r"(hvm_run_loop) : "memory");
    __builtin_unreachable();
}

/*
 * A hypercall that continues: its argument registers change, RIP stays on
 * the VMMCALL so the guest issues it again (hvm/hypercall.c).
 */
static void hvm_continuation(struct cpu_user_regs *regs, const unsigned long *args,
                             unsigned int n)
{
    unsigned long *reg[6] = { &regs->rdi, &regs->rsi, &regs->rdx,
                              &regs->r10, &regs->r8, &regs->r9 };

    current->arch.hvm.hcall_preempted = true;
    for (unsigned int i = 0; i < n; i++)
        *reg[i] = args[i];
}

const struct vcpu_type_ops hvm_vcpu_ops = {
    .name = "HVM",
    .vcpu_create = hvm_vcpu_create,
    .vcpu_destroy = hvm_vcpu_destroy,
    .ctxt_switch_from = hvm_ctxt_switch_from,
    .ctxt_switch_to = hvm_ctxt_switch_to,
    .resume = hvm_resume,
    .relinquish = hvm_relinquish,
    .is_initialised = hvm_is_initialised,
    .initialise = hvm_initialise,
    .continuation = hvm_continuation,
};
