/*
 * Hypercall dispatch by table (Xen's numbers), continuations for long
 * operations, and multicall.
 *
 * Continuation: the syscall instruction is 2 bytes, so rewinding the
 * guest's rip by 2 with rax = the hypercall number (and the argument
 * registers updated) makes the guest issue the same hypercall again when it
 * next runs -- after the hypervisor has had a chance to do other work.
 */
#include "asm/guest_access.h"
#include "xen/event.h"
#include "xen/hypercall.h"
#include "xen/preempt.h"
#include "xen/lib.h"
#include "xen/percpu.h"
#include "xen/pv_flush.h"
#include "xen/sched.h"
#include "xen/softirq.h"
#include "xen.h"
#include "xen_errno.h"

/* Handlers take their own argument types; the cast goes through a neutral type. */
#define HC(nr, fn)  [__HYPERVISOR_##nr] = (hypercall_fn_t)(void (*)(void))(fn)
const hypercall_fn_t hypercall_table[NR_HYPERCALLS] = {
    HC(set_trap_table, do_set_trap_table),
    HC(mmu_update, do_mmu_update),
    HC(set_gdt, do_set_gdt),
    HC(stack_switch, do_stack_switch),
    HC(set_callbacks, do_set_callbacks),
    HC(fpu_taskswitch, do_fpu_taskswitch),
    HC(update_descriptor, do_update_descriptor),
    HC(memory_op, do_memory_op),
    HC(multicall, do_multicall),
    HC(update_va_mapping, do_update_va_mapping),
    HC(set_timer_op, do_set_timer_op),
    HC(xen_version, do_xen_version),
    HC(console_io, do_console_io),
    HC(grant_table_op, do_grant_table_op),
    HC(vm_assist, do_vm_assist),
    HC(update_va_mapping_otherdomain, do_update_va_mapping_otherdomain),
    HC(iret, do_iret),
    HC(vcpu_op, do_vcpu_op),
    HC(set_segment_base, do_set_segment_base),
    HC(mmuext_op, do_mmuext_op),
    HC(sched_op, do_sched_op),
    HC(callback_op, do_callback_op),
    HC(event_channel_op, do_event_channel_op),
    HC(physdev_op, do_physdev_op),
    HC(sysctl, do_sysctl),
    HC(domctl, do_domctl),
};

/* Per-CPU multicall state: the entry being run, if any. */
struct mc_state {
    bool active;
    bool preempted;
    unsigned long args[6];
};
static struct mc_state mc_state[NR_CPUS];

void hypercall_budget_reset(void)
{
    get_cpu_info()->preempt_budget = HYPERCALL_BUDGET;
}

static long call(unsigned long nr, const unsigned long a[6])
{
    if (nr >= NR_HYPERCALLS || !hypercall_table[nr])
        return -XEN_ENOSYS;
    return hypercall_table[nr](a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* The hot path: straight from the syscall entry, arguments from the frame. */
void pv_hypercall(struct cpu_user_regs *regs)
{
    unsigned long nr = regs->rax;

    get_cpu_info()->preempt_budget = HYPERCALL_BUDGET;
    if (likely(nr < NR_HYPERCALLS && hypercall_table[nr]))
        regs->rax = hypercall_table[nr](regs->rdi, regs->rsi, regs->rdx, regs->r10,
                                        regs->r8, regs->r9);
    else
        regs->rax = -XEN_ENOSYS;
}

long hypercall_create_continuation(unsigned int op, const char *fmt, ...)
{
    struct mc_state *mc = &mc_state[smp_processor_id()];
    unsigned long args[6] = { 0 };
    va_list ap;
    unsigned int n;

    va_start(ap, fmt);
    for (n = 0; fmt[n] && n < 6; n++)
        args[n] = fmt[n] == 'i' ? (unsigned long)va_arg(ap, unsigned int)
                                : va_arg(ap, unsigned long);
    va_end(ap);
    /* Only the hypercall's own argument registers change (Xen's contract). */
    if (mc->active) {
        /* The multicall rewrites its entry and continues itself. */
        memcpy(mc->args, args, n * sizeof(args[0]));
        mc->preempted = true;
    } else {
        struct cpu_user_regs *regs = guest_cpu_user_regs();
        unsigned long *reg[6] = { &regs->rdi, &regs->rsi, &regs->rdx,
                                  &regs->r10, &regs->r8, &regs->r9 };

        regs->rip -= 2;                 /* back onto the syscall */
        for (unsigned int i = 0; i < n; i++)
            *reg[i] = args[i];
    }
    return op;
}

/*
 * multicall: each entry is one hypercall run in order; its result goes to
 * the entry.  A failing entry does not stop the others (Xen's semantics);
 * only an unreadable or unwritable list fails the whole call.
 */
bool in_multicall(void)
{
    return mc_state[smp_processor_id()].active;
}

static long run_multicall(unsigned long call_list, unsigned int nr_calls)
{
    struct mc_state *mc = &mc_state[smp_processor_id()];
    struct multicall_entry e;

    for (unsigned int i = 0; i < nr_calls; i++) {
        unsigned long entry = call_list + (unsigned long)i * sizeof(e);

        if (i && hypercall_preempt_check())
            return hypercall_create_continuation(__HYPERVISOR_multicall, "hi",
                                                 entry, nr_calls - i);
        if (copy_from_guest_obj(&e, entry))
            return -XEN_EFAULT;
        if (e.op == __HYPERVISOR_multicall || e.op == __HYPERVISOR_iret) {
            e.result = -XEN_EINVAL;
        } else {
            mc->active = true;
            mc->preempted = false;
            memcpy(mc->args, e.args, sizeof(mc->args));
            e.result = call(e.op, (const unsigned long *)e.args);
            mc->active = false;
            if (mc->preempted) {
                /* The entry continues: save its new arguments, resume here. */
                memcpy(e.args, mc->args, sizeof(e.args));
                if (copy_to_guest_obj(entry, &e))
                    return -XEN_EFAULT;
                return hypercall_create_continuation(__HYPERVISOR_multicall, "hi",
                                                     entry, nr_calls - i);
            }
        }
        if (copy_to_guest(entry + offsetof(struct multicall_entry, result),
                          &e.result, sizeof(e.result)))
            return -XEN_EFAULT;
        hypercall_budget_reset();
    }
    return 0;
}

long do_multicall(unsigned long call_list, unsigned int nr_calls)
{
    long rc;

    if (in_multicall())
        return -XEN_EINVAL;             /* no nesting */
    rc = run_multicall(call_list, nr_calls);
    /* The entries' TLB flushes were gathered: do them once, now. */
    pv_flush_deferred_tlb();
    return rc;
}
