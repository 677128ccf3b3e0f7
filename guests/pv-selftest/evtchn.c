/*
 * Event channels: the edge cases whose answers a guest relies on.
 */
#include "selftest.h"

static volatile unsigned int hits[2];

static void count_hit(evtchn_port_t port, void *data, struct g_frame *f)
{
    hits[(uintptr_t)data]++;
}

/* Our domain id as the hypervisor resolves DOMID_SELF: dom0 is 0. */
static bool own_domid(domid_t *id)
{
    *id = 0;
    return g_is_dom0();
}

static const char *send_closed_port(void)
{
    int port = g_evtchn_alloc_unbound(DOMID_SELF);
    int rc;

    if (port < 0)
        return why("alloc_unbound returned %d", port);
    if ((rc = g_evtchn_close((evtchn_port_t)port)) < 0)
        return why("close returned %d", rc);
    rc = g_evtchn_send((evtchn_port_t)port);
    if (rc != -XEN_EINVAL)
        return why("send returned %d, expected %d", rc, -XEN_EINVAL);
    return NULL;
}

static const char *status_unbound(void)
{
    struct evtchn_status st;
    int port = g_evtchn_alloc_unbound(DOMID_SELF);
    domid_t self;
    int rc;

    if (port < 0)
        return why("alloc_unbound returned %d", port);
    rc = g_evtchn_status((evtchn_port_t)port, &st);
    g_evtchn_close((evtchn_port_t)port);
    if (rc < 0)
        return why("status returned %d", rc);
    if (st.status != EVTCHNSTAT_unbound || st.vcpu != 0)
        return why("status %u vcpu %u, expected unbound on vcpu 0",
                   st.status, st.vcpu);
    if (own_domid(&self) && st.u.unbound.dom != self)
        return why("remote dom %u, expected %u", st.u.unbound.dom, self);
    return NULL;
}

static const char *status_closed(void)
{
    struct evtchn_status st;
    int port = g_evtchn_alloc_unbound(DOMID_SELF);
    int rc;

    if (port < 0)
        return why("alloc_unbound returned %d", port);
    g_evtchn_close((evtchn_port_t)port);
    rc = g_evtchn_status((evtchn_port_t)port, &st);
    if (rc < 0 || st.status != EVTCHNSTAT_closed)
        return why("status returned %d, status %u", rc, st.status);
    return NULL;
}

/* A loopback pair: a allocated for ourselves, b bound to it. */
static const char *open_pair(int *a, int *b)
{
    struct evtchn_status st;
    int rc;

    *a = g_evtchn_alloc_unbound(DOMID_SELF);
    if (*a < 0)
        return why("alloc_unbound returned %d", *a);
    *b = g_evtchn_bind_interdomain(DOMID_SELF, (evtchn_port_t)*a);
    if (*b < 0)
        return why("bind_interdomain to ourselves returned %d", *b);
    rc = g_evtchn_status((evtchn_port_t)*b, &st);
    if (rc < 0 || st.status != EVTCHNSTAT_interdomain ||
        st.u.interdomain.port != (evtchn_port_t)*a)
        return why("status of the bound port: rc %d status %u peer %u", rc,
                   st.status, st.u.interdomain.port);
    g_evtchn_set_handler((evtchn_port_t)*a, count_hit, (void *)0);
    g_evtchn_set_handler((evtchn_port_t)*b, count_hit, (void *)1);
    hits[0] = hits[1] = 0;
    return NULL;
}

static void close_pair(int a, int b)
{
    g_evtchn_close((evtchn_port_t)b);
    g_evtchn_close((evtchn_port_t)a);
}

static const char *loopback(void)
{
    const char *r;
    int a, b;

    if ((r = open_pair(&a, &b)))
        return r;
    g_evtchn_send((evtchn_port_t)a);
    g_evtchn_send((evtchn_port_t)b);
    g_force_upcall();
    if (hits[0] != 1 || hits[1] != 1)
        r = why("handlers ran %u and %u times, expected once each",
                hits[0], hits[1]);
    close_pair(a, b);
    return r;
}

/* Masked: the send only sets the pending bit; EVTCHNOP_unmask then
 * delivers it. */
static const char *unmask_delivers(void)
{
    const char *r;
    int a, b;

    if ((r = open_pair(&a, &b)))
        return r;
    g_evtchn_mask((evtchn_port_t)a);
    g_evtchn_send((evtchn_port_t)b);
    g_force_upcall();
    if (hits[0] != 0 || !g_evtchn_is_pending((evtchn_port_t)a))
        r = why("masked port: %u deliveries, pending %d", hits[0],
                g_evtchn_is_pending((evtchn_port_t)a));
    else if (g_evtchn_unmask((evtchn_port_t)a) < 0 || hits[0] != 1)
        r = why("unmask delivered %u events, expected 1", hits[0]);
    close_pair(a, b);
    return r;
}

static const char *bind_virq_twice(void)
{
    int rc = g_evtchn_bind_virq(VIRQ_TIMER, 0);   /* the library has it */

    if (rc != -XEN_EEXIST)
        return why("second bind returned %d, expected %d", rc,
                   -XEN_EEXIST);
    return NULL;
}

static const char *bind_ipi_no_such_vcpu(void)
{
    int rc;

    if (g_nr_cpus() >= XEN_LEGACY_MAX_VCPUS)
        return SKIP("the domain has every vcpu id");
    rc = g_evtchn_bind_ipi(XEN_LEGACY_MAX_VCPUS - 1);
    if (rc != -XEN_ENOENT)
        return why("returned %d, expected %d", rc, -XEN_ENOENT);
    return NULL;
}

static const char *unknown_op(void)
{
    struct evtchn_status st;
    long rc = hc_event_channel_op(99, &st);

    if (rc != -XEN_ENOSYS)
        return why("returned %ld, expected %d", rc, -XEN_ENOSYS);
    return NULL;
}

const struct check event_checks[] = {
    { "evtchn_send_to_closed_port_einval", send_closed_port },
    { "evtchn_status_unbound", status_unbound },
    { "evtchn_status_closed", status_closed },
    { "evtchn_interdomain_loopback", loopback },
    { "evtchn_unmask_delivers_pending", unmask_delivers },
    { "evtchn_bind_virq_twice_eexist", bind_virq_twice },
    { "evtchn_bind_ipi_no_such_vcpu_enoent", bind_ipi_no_such_vcpu },
    { "evtchn_unknown_op_enosys", unknown_op },
    { NULL, NULL },
};
