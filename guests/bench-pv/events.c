/*
 * Event-channel benchmarks on a loopback pair: port `a` allocated for
 * ourselves (alloc_unbound with remote = self) and port `b` bound to it
 * (bind_interdomain to self).  Xen drops a send on an unbound port, so the
 * pair is what makes a send real: sending on b sets a pending.
 *
 * Xen's 2-level set_pending stops early when the port is already pending,
 * and marks the vCPU (upcall_pending, then a kick) only when its
 * pending_sel bit or upcall_pending was clear.  So the masked benchmark
 * clears all three before every send, and every send takes the whole
 * path: set the port's bit, check its mask, set pending_sel, set
 * upcall_pending, kick the vCPU.
 */
#include "bench.h"

_Static_assert(offsetof(struct vcpu_info, evtchn_upcall_pending) == 0,
               "upcall.S: VI_UPCALL_PENDING");
_Static_assert(offsetof(struct vcpu_info, evtchn_pending_sel) == 8,
               "upcall.S: VI_PENDING_SEL");

#define WORD(port) ((port) / 64)
#define BIT(port)  (1ull << ((port) % 64))

static int port_a = -1, port_b = -1;

static int open_pair(void)
{
    port_a = g_evtchn_alloc_unbound(DOMID_SELF);
    if (port_a < 0)
        return port_a;
    port_b = g_evtchn_bind_interdomain(DOMID_SELF, (evtchn_port_t)port_a);
    if (port_b < 0) {
        g_evtchn_close((evtchn_port_t)port_a);
        return port_b;
    }
    return 0;
}

static void close_pair(void)
{
    g_evtchn_close((evtchn_port_t)port_b);
    g_evtchn_close((evtchn_port_t)port_a);
    port_a = port_b = -1;
}

static uint64_t *pending_word(void)
{
    return &g_shared_info->evtchn_pending[WORD(port_a)];
}

/* ---- Send with the upcall masked ---------------------------------------- */

/* Clear before each send rather than after: the last send's marks stay
 * behind for check_send_masked to see. */
static uint64_t run_send_masked(unsigned int n, long *err)
{
    struct vcpu_info *vi = g_this_vcpu_info();
    struct evtchn_send s = { .port = (evtchn_port_t)port_b };
    uint64_t *word = pending_word(), bit = BIT(port_a);
    uint64_t t0, t1;
    long rc = 0;

    t0 = g_bench_tsc();
    for (unsigned int i = 0; i < n; i++) {
        vi->evtchn_upcall_pending = 0;
        vi->evtchn_pending_sel = 0;
        __atomic_fetch_and(word, ~bit, __ATOMIC_RELAXED);
        rc |= hc_event_channel_op(EVTCHNOP_send, &s);
    }
    t1 = g_bench_tsc();
    *err = rc;
    return t1 - t0;
}

static const char *check_send_masked(unsigned int n)
{
    struct vcpu_info *vi = g_this_vcpu_info();

    if (!g_evtchn_is_pending((evtchn_port_t)port_a))
        return "the send did not set the port pending";
    if (!(vi->evtchn_pending_sel & BIT(WORD(port_a))))
        return "the send did not set pending_sel";
    if (!vi->evtchn_upcall_pending)
        return "the send did not set upcall_pending";
    return NULL;
}

const struct bench bench_evtchn_send_masked = {
    .name = "evtchn_send_masked",
    .setup = open_pair,
    .run = run_send_masked,
    .check = check_send_masked,
    .teardown = close_pair,
};

/* ---- Send, upcall, iret ------------------------------------------------- */

static int set_event_callback(void (*entry)(void))
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_event,
        .address = (uint64_t)entry,
    };

    return (int)hc_callback_op(CALLBACKOP_register, &cb);
}

static int upcall_setup(void)
{
    int rc = open_pair();

    if (rc < 0)
        return rc;
    bench_upcall_vi = g_this_vcpu_info();
    bench_upcall_bits = g_shared_info->evtchn_pending;
    bench_upcall_port = (uint64_t)port_a;
    rc = set_event_callback(bench_upcall_entry);
    if (rc < 0)
        close_pair();
    return rc;
}

static void upcall_teardown(void)
{
    if (set_event_callback(g_event_entry) < 0)
        g_panic("cannot restore the event callback");
    close_pair();
}

/* Each send returns through an upcall: the hypervisor sees the event on
 * its way out of the hypercall and bounces to bench_upcall_entry, whose
 * iret hypercall resumes the loop. */
static uint64_t run_send_upcall(unsigned int n, long *err)
{
    struct vcpu_info *vi = g_this_vcpu_info();
    struct evtchn_send s = { .port = (evtchn_port_t)port_b };
    uint64_t t0, t1;
    long rc = 0;

    bench_upcalls = 0;
    t0 = g_bench_tsc();
    vi->evtchn_upcall_mask = 0;
    g_barrier();
    for (unsigned int i = 0; i < n; i++)
        rc |= hc_event_channel_op(EVTCHNOP_send, &s);
    g_barrier();
    vi->evtchn_upcall_mask = 1;
    t1 = g_bench_tsc();
    *err = rc;
    return t1 - t0;
}

static const char *check_send_upcall(unsigned int n)
{
    if (bench_upcalls != n)
        return "not every send was delivered as an upcall";
    if (g_evtchn_is_pending((evtchn_port_t)port_a))
        return "the port is still pending";
    return NULL;
}

const struct bench bench_evtchn_upcall = {
    .name = "evtchn_send_upcall_iret",
    .setup = upcall_setup,
    .run = run_send_upcall,
    .check = check_send_upcall,
    .teardown = upcall_teardown,
};
