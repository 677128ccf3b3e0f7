/*
 * Hypercall dispatch by table (Xen's numbers), continuations for long
 * operations, and multicall.
 *
 * Continuation: the guest issues the same hypercall again when it next
 * runs -- after the hypervisor has had a chance to do other work -- with
 * its argument registers updated; how a hypercall is restarted depends on
 * the guest type (vcpu_type_ops.continuation).
 */
#include "asm/guest_access.h"
#include "xen/event.h"
#include "xen/hypercall.h"
#include "hvm/hvm.h"
#include "xen/preempt.h"
#include "xen/lib.h"
#include "xen/nospec.h"
#include "xen/percpu.h"
#include "xen/pv_flush.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen/softirq.h"
#include "xen.h"
#include "xen_errno.h"

/* A number with no handler: Xen's answer. */
static long do_ni_hypercall(void)
{
    return -XEN_ENOSYS;
}

/*
 * Handlers take their own argument types; the cast goes through a neutral
 * type.  Every slot holds a handler (do_ni_hypercall unless named below),
 * so entry.S calls through the table without a NULL test: the range
 * initializer is overridden on purpose.
 */
#define HC(nr, fn)  [__HYPERVISOR_##nr] = (hypercall_fn_t)(void (*)(void))(fn)
_Static_assert(NR_HYPERCALLS == XENLITE_STATS_HYPERCALLS, "a counter per hypercall");
_Static_assert((NR_HYPERCALLS & (NR_HYPERCALLS - 1)) == 0,
               "entry.S bounds the number under speculation with a mask");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
const hypercall_fn_t hypercall_table[NR_HYPERCALLS] = {
    [0 ... NR_HYPERCALLS - 1] = (hypercall_fn_t)(void (*)(void))do_ni_hypercall,
    HC(set_trap_table, do_set_trap_table),
    HC(mmu_update, do_mmu_update),
    HC(set_gdt, do_set_gdt),
    HC(stack_switch, do_stack_switch),
    HC(set_callbacks, do_set_callbacks),
    HC(fpu_taskswitch, do_fpu_taskswitch),
    HC(set_debugreg, do_set_debugreg),
    HC(get_debugreg, do_get_debugreg),
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
    HC(hvm_op, do_hvm_op),              /* dom0 builds and inspects HVM guests */
    HC(sysctl, do_sysctl),
    HC(domctl, do_domctl),
};
#pragma GCC diagnostic pop

/* Per-CPU multicall state: the entry being run, if any. */
struct mc_state {
    bool active;
    bool preempted;
    uint64_t *args;                     /* the running entry's arguments */
};
static struct mc_state mc_state[NR_CPUS];


static long call(unsigned long nr, const unsigned long a[6])
{
    if (get_cpu_info()->guest_translated)
        return hvm_hypercall_nr(nr, a);  /* the HVM subset only */
    if (nr >= NR_HYPERCALLS)
        return -XEN_ENOSYS;
    nr = array_index_nospec(nr, NR_HYPERCALLS);
    return hypercall_table[nr](a[0], a[1], a[2], a[3], a[4], a[5]);
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
        mc->preempted = true;           /* the multicall saves the entry */
    } else {
        current->domain->arch.ops->continuation(guest_cpu_user_regs(), args, n);
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

/*
 * Read an entry's op and arguments (not its result).  list_ok: a PV list
 * already checked, read word by word; otherwise through copy_from_guest,
 * which also serves HVM guests.
 */
static int get_entry(struct multicall_entry *e, unsigned long va, bool list_ok)
{
    _Static_assert(offsetof(struct multicall_entry, result) == 8 &&
                   offsetof(struct multicall_entry, args) == 16, "multicall_entry");
    if (!list_ok) {
        if (copy_from_guest(&e->op, va, sizeof(e->op)) ||
            copy_from_guest(e->args, va + offsetof(struct multicall_entry, args),
                            sizeof(e->args)))
            return -XEN_EFAULT;
        return 0;
    }
    _Static_assert(sizeof(*e) == 8 * 8, "multicall_entry: whole words");
    return copy_words_guarded(e, (const void *)va, sizeof(*e) / 8);   /* one SMAP window */
}

/* pv is a constant at each caller: one specialised copy per guest type. */
static inline __attribute__((always_inline))
long run_multicall(unsigned long call_list, unsigned int nr_calls, bool pv)
{
    struct mc_state *mc = &mc_state[smp_processor_id()];
    struct vcpu *v = current;
    struct multicall_entry e;
    bool list_ok = pv && guest_range_ok(call_list, (unsigned long)nr_calls * sizeof(e));

    for (unsigned int i = 0; i < nr_calls; i++) {
        unsigned long entry = call_list + (unsigned long)i * sizeof(e);

        if (i && hypercall_preempt_check())
            return hypercall_create_continuation(__HYPERVISOR_multicall, "hi",
                                                 entry, nr_calls - i);
        if (list_ok) {                  /* update_va_mapping runs: the fast loop */
            unsigned int n = pv_multicall_uvm_run(entry, nr_calls - i);
            if (n) {
                v->stats.multicall_entries[__HYPERVISOR_update_va_mapping] += n;
                i += n - 1;
                hypercall_budget_reset();
                continue;
            }
        }
        if (get_entry(&e, entry, list_ok))
            return -XEN_EFAULT;
        if (pv && e.op != __HYPERVISOR_update_va_mapping)
            pv_release_held_l1(v);      /* kept only between such entries */
        if (e.op == __HYPERVISOR_multicall || e.op == __HYPERVISOR_iret) {
            e.result = -XEN_EINVAL;
        } else {
            if (e.op < NR_HYPERCALLS)
                v->stats.multicall_entries[e.op]++;
            mc->active = true;
            mc->preempted = false;
            mc->args = e.args;
            e.result = call(e.op, (const unsigned long *)e.args);
            mc->active = false;
            if (mc->preempted) {
                /* The entry continues with its new arguments: resume here. */
                if (copy_to_guest_obj(entry, &e))
                    return -XEN_EFAULT;
                return hypercall_create_continuation(__HYPERVISOR_multicall, "hi",
                                                     entry, nr_calls - i);
            }
        }
        if (!list_ok ? copy_to_guest(entry + offsetof(struct multicall_entry, result),
                                     &e.result, sizeof(e.result))
                     : store_guest_u64(entry + offsetof(struct multicall_entry, result), e.result))
            return -XEN_EFAULT;
        hypercall_budget_reset();
    }
    return 0;
}

/* A PV guest's multicall (hvm_multicall is the HVM guest's). */
long do_multicall(unsigned long call_list, unsigned int nr_calls)
{
    struct vcpu *v = current;
    long rc;

    if (in_multicall())
        return -XEN_EINVAL;             /* no nesting */
    rc = run_multicall(call_list, nr_calls, true);
    pv_release_held_l1(v);
    /* The entries' TLB flushes were gathered: do them once, now. */
    pv_flush_deferred_tlb();
    /* Teardown the last release left is finished before the guest goes on. */
    if (!rc && v->arch.pv.deferred.page &&
        pt_finish_deferred(&v->arch.pv.deferred, true) == -XEN_ERESTART)
        rc = hypercall_create_continuation(__HYPERVISOR_multicall, "hi",
                                           call_list + nr_calls * sizeof(struct multicall_entry), 0);
    return rc;
}

/* An HVM guest's: its entries through copy_from_guest, no PV MMU state. */
long hvm_multicall(unsigned long call_list, unsigned int nr_calls)
{
    if (in_multicall())
        return -XEN_EINVAL;
    return run_multicall(call_list, nr_calls, false);
}
