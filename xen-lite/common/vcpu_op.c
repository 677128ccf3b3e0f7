/*
 * vcpu_op: bringing vCPUs up and down, their timers (periodic and one-shot
 * VIRQ_TIMER), runstate information, and moving vcpu_info into a page of
 * the guest's choosing.
 */
#include "asm/guest_access.h"
#include "asm/page.h"
#include "asm/time.h"
#include "xen/event.h"
#include "xen/hypercall.h"
#include "xen/lib.h"
#include "xen/physmap.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen/softirq.h"
#include "vcpu.h"
#include "xen_errno.h"

static void singleshot_fired(void *data)
{
    send_guest_vcpu_virq(data, VIRQ_TIMER);
}

static void periodic_fired(void *data)
{
    struct vcpu *v = data;
    s_time_t now = NOW();

    send_guest_vcpu_virq(v, VIRQ_TIMER);
    do
        v->periodic_last += v->periodic_period;
    while (v->periodic_last + v->periodic_period <= now);
    set_timer(&v->periodic_timer, v->periodic_last + v->periodic_period);
}

static void poll_timed_out(void *data)
{
    vcpu_kick(data);
}

/* Its three timers, counted in every CPU's queue first (timer_reserve). */
int vcpu_timers_init(struct vcpu *v)
{
    int rc = timer_reserve(3);

    if (rc)
        return rc;
    init_timer(&v->singleshot_timer, singleshot_fired, v, v->processor);
    init_timer(&v->periodic_timer, periodic_fired, v, v->processor);
    init_timer(&v->poll_timer, poll_timed_out, v, v->processor);
    v->timers_ready = true;
    return 0;
}

/* The vCPU is going: its timers never fire again (domain_kill). */
void vcpu_timers_kill(struct vcpu *v)
{
    if (!v->timers_ready)
        return;
    kill_timer(&v->singleshot_timer);
    kill_timer(&v->periodic_timer);
    kill_timer(&v->poll_timer);
}

/* ... and when it is freed, they are no longer counted. */
void vcpu_timers_destroy(struct vcpu *v)
{
    if (!v->timers_ready)
        return;
    vcpu_timers_kill(v);
    timer_reserve(-3);
    v->timers_ready = false;
}

/* Keep a vCPU's timers on the pCPU it runs on. */
void vcpu_timers_follow(struct vcpu *v, unsigned int cpu)
{
    if (v->singleshot_timer.cpu != cpu) {
        migrate_timer(&v->singleshot_timer, cpu);
        migrate_timer(&v->periodic_timer, cpu);
        migrate_timer(&v->poll_timer, cpu);
    }
}

static long register_vcpu_info(struct vcpu *v, unsigned long arg)
{
    struct vcpu_register_vcpu_info info;
    struct page_info *pg;
    struct vcpu_info *new;
    unsigned long f;

    if (copy_from_guest_obj(&info, arg))
        return -XEN_EFAULT;
    if (info.rsvd || info.offset > PAGE_SIZE - sizeof(struct vcpu_info) ||
        (info.offset & 7))
        return -XEN_EINVAL;
    if (v->vcpu_info_mfn)
        return -XEN_EINVAL;             /* only once */
    if (is_hvm_vcpu(v)) {               /* an HVM guest names a gfn */
        enum p2m_type t;
        info.mfn = guest_physmap_lookup(v->domain, info.mfn, &t);
        if (t != p2m_ram_rw)
            return -XEN_EINVAL;
    }
    if (!mfn_valid(info.mfn))
        return -XEN_EINVAL;
    pg = mfn_to_page(info.mfn);
    if (get_page_and_type(pg, v->domain->domain_id, PGT_writable_page, false))
        return -XEN_EINVAL;
    /* Once, even when two vCPUs ask at the same time (the loser's page
     * reference would otherwise be kept for ever). */
    f = spin_lock_irqsave(&v->domain->domain_lock);
    if (v->vcpu_info_mfn) {
        spin_unlock_irqrestore(&v->domain->domain_lock, f);
        put_page_and_type(pg);
        return -XEN_EINVAL;
    }
    new = (struct vcpu_info *)((char *)mfn_to_virt(info.mfn) + info.offset);
    *new = *v->vcpu_info;
    v->vcpu_info = new;
    v->vcpu_info_mfn = info.mfn;
    /* Re-assert any pending events in the new place, and wake the vCPU if
     * it blocked on the old one: nothing else would. */
    new->evtchn_upcall_pending = 1;
    new->evtchn_pending_sel = ~0UL;
    spin_unlock_irqrestore(&v->domain->domain_lock, f);
    update_vcpu_system_time(v);
    vcpu_kick(v);
    return 0;
}

static long set_periodic(struct vcpu *v, unsigned long arg)
{
    struct vcpu_set_periodic_timer t;

    if (copy_from_guest_obj(&t, arg))
        return -XEN_EFAULT;
    if (t.period_ns < (uint64_t)MILLISECS(1) || t.period_ns > (uint64_t)SECONDS(3600))
        return -XEN_EINVAL;
    v->periodic_period = t.period_ns;
    v->periodic_last = NOW();
    set_timer(&v->periodic_timer, v->periodic_last + v->periodic_period);
    return 0;
}

static long set_singleshot(struct vcpu *v, unsigned long arg)
{
    struct vcpu_set_singleshot_timer t;

    if (v != current)
        return -XEN_EINVAL;
    if (copy_from_guest_obj(&t, arg))
        return -XEN_EFAULT;
    if ((t.flags & VCPU_SSHOTTMR_future) && (int64_t)t.timeout_abs_ns < NOW())
        return -XEN_ETIME;
    if ((int64_t)t.timeout_abs_ns <= NOW())
        send_guest_vcpu_virq(v, VIRQ_TIMER);
    else
        set_timer(&v->singleshot_timer, t.timeout_abs_ns);
    return 0;
}

static long initialise(struct vcpu *v, unsigned long arg)
{
    if (v->domain->arch.ops->is_initialised(v))
        return -XEN_EEXIST;
    return v->domain->arch.ops->initialise(v, arg);
}

static long runstate_info(struct vcpu *v, unsigned long arg)
{
    struct vcpu_runstate_info r = { .state = v->runstate,
                                    .state_entry_time = v->runstate_entry };

    for (int i = 0; i < 4; i++)
        r.time[i] = v->runstate_time[i] +
                    (i == v->runstate ? NOW() - v->runstate_entry : 0);
    return copy_to_guest_obj(arg, &r) ? -XEN_EFAULT : 0;
}

long do_vcpu_op(int cmd, unsigned int vcpuid, unsigned long arg)
{
    struct domain *d = current->domain;
    struct vcpu *v;

    if (!(v = domain_vcpu(d, vcpuid)))
        return -XEN_ENOENT;
    switch (cmd) {
    case VCPUOP_initialise:
        return initialise(v, arg);
    case VCPUOP_up:
        if (!v->domain->arch.ops->is_initialised(v))
            return -XEN_EINVAL;
        if (test_and_clear_bit(_VPF_down, &v->pause_flags))
            vcpu_wake(v);
        return 0;
    case VCPUOP_down:
        if (!test_and_set_bit(_VPF_down, &v->pause_flags))
            vcpu_sleep_nosync(v);
        return 0;
    case VCPUOP_is_up:
        return !test_bit(_VPF_down, &v->pause_flags);
    case VCPUOP_get_runstate_info:
        return runstate_info(v, arg);
    case VCPUOP_set_periodic_timer:
        return set_periodic(v, arg);
    case VCPUOP_stop_periodic_timer:
        stop_timer(&v->periodic_timer);
        return 0;
    case VCPUOP_set_singleshot_timer:
        return set_singleshot(v, arg);
    case VCPUOP_stop_singleshot_timer:
        if (v != current)
            return -XEN_EINVAL;
        stop_timer(&v->singleshot_timer);
        return 0;
    case VCPUOP_register_runstate_memory_area:
        return pv_register_runstate_area(v, arg);
    case VCPUOP_register_vcpu_time_memory_area:
        return pv_register_time_area(v, arg);
    case VCPUOP_register_vcpu_info:
        return register_vcpu_info(v, arg);
    }
    return -XEN_ENOSYS;
}
