/*
 * sched_op and set_timer_op: yield, block, poll, shutdown (and its code),
 * remote shutdown, and our exit-status extension; the one-shot timer that
 * raises VIRQ_TIMER.
 */
#include "asm/guest_access.h"
#include "xen/event.h"
#include "xen/hypercall.h"
#include "xen/lib.h"
#include "xen/sched.h"
#include "xen/softirq.h"
#include "sched_op.h"
#include "xenlite.h"
#include "xen_errno.h"

#define POLL_MAX_PORTS  128

static long sched_poll(unsigned long arg)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    struct sched_poll p;
    uint32_t port;

    if (copy_from_guest_obj(&p, arg))
        return -XEN_EFAULT;
    if (p.nr_ports > POLL_MAX_PORTS)
        return -XEN_EINVAL;
    set_bit(_VPF_blocked_in_xen, &v->pause_flags);
    set_bit(v->vcpu_id, &d->poll_mask);
    /* Check every port after declaring ourselves a poller: no lost wake-up. */
    for (unsigned int i = 0; i < p.nr_ports; i++) {
        if (copy_from_guest(&port, p.ports + i * sizeof(port), sizeof(port))) {
            clear_bit(v->vcpu_id, &d->poll_mask);
            clear_bit(_VPF_blocked_in_xen, &v->pause_flags);
            return -XEN_EFAULT;
        }
        if (port >= NR_EVENT_CHANNELS) {
            clear_bit(v->vcpu_id, &d->poll_mask);
            clear_bit(_VPF_blocked_in_xen, &v->pause_flags);
            return -XEN_EINVAL;
        }
        if (evtchn_any_pending(d, &port, 1)) {
            clear_bit(v->vcpu_id, &d->poll_mask);
            clear_bit(_VPF_blocked_in_xen, &v->pause_flags);
            return 0;
        }
    }
    if (p.timeout)
        set_timer(&v->poll_timer, p.timeout);
    raise_softirq(SCHEDULE_SOFTIRQ);
    return 0;
}

static long remote_shutdown(unsigned long arg)
{
    struct sched_remote_shutdown rs;
    struct domain *d;

    if (copy_from_guest_obj(&rs, arg))
        return -XEN_EFAULT;
    if (!current->domain->is_privileged)
        return -XEN_EPERM;
    if (rs.reason > SHUTDOWN_MAX)
        return -XEN_EINVAL;
    if (!(d = get_domain_by_id(rs.domain_id)))
        return -XEN_ESRCH;
    domain_shutdown(d, rs.reason);
    put_domain(d);
    return 0;
}

long do_sched_op(int cmd, unsigned long arg)
{
    struct domain *d = current->domain;
    struct sched_shutdown sd;
    struct sched_xenlite_exit_status es;

    switch (cmd) {
    case SCHEDOP_yield:
        vcpu_yield();
        return 0;
    case SCHEDOP_block:
        vcpu_block();
        return 0;
    case SCHEDOP_shutdown:
        if (copy_from_guest_obj(&sd, arg))
            return -XEN_EFAULT;
        if (sd.reason > SHUTDOWN_MAX)
            return -XEN_EINVAL;
        domain_shutdown(d, sd.reason);
        return 0;
    case SCHEDOP_shutdown_code:
        if (copy_from_guest_obj(&sd, arg))
            return -XEN_EFAULT;
        if (sd.reason > SHUTDOWN_MAX)
            return -XEN_EINVAL;
        d->shutdown_code = sd.reason;
        return 0;
    case SCHEDOP_poll:
        return sched_poll(arg);
    case SCHEDOP_remote_shutdown:
        return remote_shutdown(arg);
    case SCHEDOP_xenlite_exit_status:
        if (copy_from_guest_obj(&es, arg))
            return -XEN_EFAULT;
        d->exit_status = es.status;
        return 0;
    }
    return -XEN_ENOSYS;
}

/* set_timer_op: a one-shot VIRQ_TIMER at an absolute system time (0 stops). */
long do_set_timer_op(int64_t timeout)
{
    struct vcpu *v = current;

    if (timeout == 0)
        stop_timer(&v->singleshot_timer);
    else if (timeout <= NOW())
        send_guest_vcpu_virq(v, VIRQ_TIMER);
    else
        set_timer(&v->singleshot_timer, timeout);
    return 0;
}
