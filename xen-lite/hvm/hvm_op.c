/*
 * hvm_op: an HVM domain's parameters (how events reach it, where its
 * xenstore and console rings are), its per-vCPU upcall vector, and the
 * time.  A guest may set only its event callback; dom0 sets the rest for
 * the domains it builds, and reads any.
 */
#include "asm/guest_access.h"
#include "xen/hypercall.h"
#include "xen/lib.h"
#include "xen/sched.h"
#include "xen_errno.h"

#include "hvm/hvm.h"

#define FIRST_VECTOR    0x10            /* 0-15 are not interrupt vectors */

static struct domain *param_domain(domid_t domid, int *err)
{
    struct domain *d;

    if (domid == DOMID_SELF || domid == current->domain->domain_id) {
        get_domain(current->domain);
        d = current->domain;
    } else if (!current->domain->is_privileged) {
        *err = -XEN_EPERM;
        return NULL;
    } else if (!(d = get_domain_by_id(domid))) {
        *err = -XEN_ESRCH;
        return NULL;
    }
    if (!is_hvm_domain(d)) {
        put_domain(d);
        *err = -XEN_EINVAL;
        return NULL;
    }
    return d;
}

/* HVM_PARAM_CALLBACK_IRQ: only the vector type is delivered here. */
static int set_callback(struct domain *d, uint64_t val)
{
    unsigned int type = val >> HVM_PARAM_CALLBACK_TYPE_SHIFT;

    if (val && (type != HVM_PARAM_CALLBACK_TYPE_VECTOR || (val & 0xff) < FIRST_VECTOR ||
                (val & ~(0xffULL << HVM_PARAM_CALLBACK_TYPE_SHIFT)) > 0xff))
        return -XEN_EINVAL;
    d->arch.hvm.callback_vector = val & 0xff;
    return 0;
}

static long set_param(struct domain *d, const struct xen_hvm_param *p)
{
    long rc = 0;

    switch (p->index) {
    case HVM_PARAM_CALLBACK_IRQ:
        rc = set_callback(d, p->value);
        break;
    case HVM_PARAM_STORE_PFN:
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_PFN:
    case HVM_PARAM_CONSOLE_EVTCHN:
        if (d == current->domain)
            return -XEN_EPERM;          /* the builder's to say */
        break;
    default:
        return -XEN_EINVAL;
    }
    if (!rc)
        d->arch.hvm.params[p->index] = p->value;
    return rc;
}

static long param_op(unsigned long op, unsigned long arg)
{
    struct xen_hvm_param p;
    struct domain *d;
    int err = 0;
    long rc;

    if (copy_from_guest_obj(&p, arg))
        return -XEN_EFAULT;
    if (p.index >= HVM_NR_PARAMS)
        return -XEN_EINVAL;
    if (!(d = param_domain(p.domid, &err)))
        return err;
    if (op == HVMOP_set_param) {
        rc = set_param(d, &p);
    } else {
        p.value = d->arch.hvm.params[p.index];
        rc = copy_to_guest_obj(arg, &p) ? -XEN_EFAULT : 0;
    }
    put_domain(d);
    return rc;
}

static long upcall_vector(unsigned long arg)
{
    struct xen_hvm_evtchn_upcall_vector u;
    struct domain *d = current->domain;

    if (copy_from_guest_obj(&u, arg))
        return -XEN_EFAULT;
    if (!is_hvm_domain(d))
        return -XEN_EINVAL;
    if (u.vcpu >= d->max_vcpus || !d->vcpu[u.vcpu])
        return -XEN_ENOENT;
    if (u.vector < FIRST_VECTOR)
        return -XEN_EINVAL;
    d->vcpu[u.vcpu]->arch.hvm.upcall_vector = u.vector;
    return 0;
}

long do_hvm_op(unsigned long op, unsigned long arg)
{
    struct xen_hvm_get_time t;

    switch (op) {
    case HVMOP_set_param:
    case HVMOP_get_param:
        return param_op(op, arg);
    case HVMOP_set_evtchn_upcall_vector:
        return upcall_vector(arg);
    case HVMOP_get_time:
        t.now = NOW();
        return copy_to_guest_obj(arg, &t) ? -XEN_EFAULT : 0;
    }
    return -XEN_ENOSYS;
}
