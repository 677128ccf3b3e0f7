/*
 * Attacks with a second domain, for dom0 (which may create and destroy
 * one): tearing a domain down while this one still uses it -- sending on
 * an event channel to it from another vCPU, mapping its shared_info page
 * -- and a global VIRQ moved to another vCPU.  The peers are bare domains
 * (domctl createdomain, never run).
 */
#include "edge.h"
#include "domctl.h"

#define SEND_ROUNDS 24

/* A new bare domain with one vCPU: its id, or 0. */
static domid_t peer_create(void)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.u.createdomain.max_vcpus = 1;
    return g_domctl(XEN_DOMCTL_createdomain, 0, &op) < 0 ? 0 : op.domain;
}

static long peer_destroy(domid_t dom)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    return g_domctl(XEN_DOMCTL_destroydomain, dom, &op);
}

static bool need_dom0(struct outcome *o)
{
    if (g_is_dom0() && nr_vcpus > 1)
        return true;
    skipped(o, "needs dom0 with 2 vCPUs");
    return false;
}

/* A port of ours bound to a fresh port of peer: 0 on failure. */
static int bind_to_peer(domid_t peer)
{
    struct evtchn_alloc_unbound a = { .dom = peer, .remote_dom = DOMID_SELF };

    if (hc_event_channel_op(EVTCHNOP_alloc_unbound, &a) < 0)
        return 0;
    return g_evtchn_bind_interdomain(peer, a.port);
}

static volatile bool sending;
static volatile uint64_t sends, send_errors;

static void send_loop(void *arg)
{
    evtchn_port_t port = (evtchn_port_t)(uintptr_t)arg;

    while (sending) {
        if (g_evtchn_send(port) < 0)
            send_errors++;
        sends++;
    }
}

/*
 * Helper 1 keeps sending on a channel to the peer while vCPU 0 destroys
 * it: the peer's ports go while a send may be on its way to them.
 */
static void destroy_peer_during_send(struct outcome *o)
{
    unsigned int round;

    if (!need_dom0(o))
        return;
    for (round = 0; round < SEND_ROUNDS; round++) {
        domid_t peer = peer_create();
        int port = peer ? bind_to_peer(peer) : 0;
        long rc;

        if (port <= 0) {
            succeeded(o, "setting up round %u: peer %u, port %d", round, peer, port);
            return;
        }
        sending = true;
        g_cpu_call(1, send_loop, (void *)(uintptr_t)port);
        g_sleep_ns(100000);
        rc = peer_destroy(peer);
        g_sleep_ns(100000);
        sending = false;
        g_cpu_wait(1, G_NS_PER_SEC);
        g_evtchn_close((evtchn_port_t)port);
        if (rc < 0) {
            succeeded(o, "destroying the peer: %s", err_name(rc));
            return;
        }
    }
    refused(o, "%u peers destroyed under %lu sends (%lu refused)", round, sends,
            send_errors);
}

/*
 * Map a peer's shared_info page, destroy the peer, use the mapping, drop
 * it: the page must live as long as the mapping and be freed after it.
 */
static void shared_info_mapped_across_destroy(struct outcome *o)
{
    struct xen_domctl op;
    uint64_t before = g_host_free_pages(), mfn, after;
    volatile uint64_t *va = (volatile uint64_t *)g_page_alloc_mapped();
    domid_t peer;
    long rc;

    if (!need_dom0(o))
        return;
    if (!va || !(peer = peer_create()) || (memset(&op, 0, sizeof(op)),
                                           g_domctl(XEN_DOMCTL_getdomaininfo, peer, &op)) < 0) {
        succeeded(o, "setting up: no page or no peer");
        return;
    }
    mfn = op.u.getdomaininfo.shared_info_frame;
    rc = G_HYPERCALL(__HYPERVISOR_update_va_mapping_otherdomain, (uint64_t)va,
                     (mfn << G_PAGE_SHIFT) | G_PTE_KERNEL_RW, UVMF_INVLPG, peer, 0);
    if (rc < 0) {
        succeeded(o, "mapping the peer's shared_info: %s", err_name(rc));
        return;
    }
    va[8] = 0x5a5a5a5a5a5a5a5aull;
    peer_destroy(peer);
    g_sleep_ns(1000000);
    if (va[8] != 0x5a5a5a5a5a5a5a5aull)
        succeeded(o, "the page changed under the mapping after the destroy");
    g_map_page((uint64_t)va, g_virt_to_mfn((const void *)va), G_PTE_KERNEL_RW);
    g_page_free_mapped((void *)va);
    g_sleep_ns(1000000);
    after = g_host_free_pages();
    if (after != before)
        succeeded(o, "free pages %lu before, %lu after", before, after);
    else
        refused(o, "kept while mapped, freed after; free pages back to %lu", after);
}

/*
 * How long to wait for VIRQ_DOM_EXC after a destroy.  Only a failing run
 * waits it out; it is long because a loaded host can take seconds to run
 * the other vCPU (200 ms was seen to expire at a load average of 18).
 */
#define DOM_EXC_WAIT_NS (10 * G_NS_PER_SEC)

static volatile unsigned int dom_exc_seen[NR_HELPERS + 1];

static void on_dom_exc(evtchn_port_t port, void *data, struct g_frame *f)
{
    dom_exc_seen[g_this_cpu()->id]++;
}

/* One peer created and destroyed: which vCPU heard VIRQ_DOM_EXC? */
static int dom_exc_heard_on(void)
{
    domid_t peer;
    uint64_t deadline;

    memset((void *)dom_exc_seen, 0, sizeof(dom_exc_seen));
    if (!(peer = peer_create()))
        return -1;
    peer_destroy(peer);
    deadline = g_now_ns() + DOM_EXC_WAIT_NS;
    while (g_now_ns() < deadline) {
        for (unsigned int i = 0; i <= NR_HELPERS; i++)
            if (dom_exc_seen[i])
                return (int)i;
        hc_sched_op(SCHEDOP_yield, NULL);
    }
    return -1;
}

/*
 * VIRQ_DOM_EXC (global) bound, moved to vCPU 1, then 2, then back: every
 * move must keep it bound (a global VIRQ lives on vCPU 0's table) and
 * deliver it to the vCPU it was moved to; after closing, it binds again.
 */
static void global_virq_moved_between_vcpus(struct outcome *o)
{
    static const unsigned int moves[] = { 1, 2, 0 };
    int port, heard;

    if (!need_dom0(o) || nr_vcpus <= NR_HELPERS)
        return;
    if ((port = g_evtchn_bind_virq(VIRQ_DOM_EXC, 0)) < 0) {
        succeeded(o, "bind_virq: %s", err_name(port));
        return;
    }
    g_evtchn_set_handler((evtchn_port_t)port, on_dom_exc, NULL);
    for (unsigned int i = 0; i < G_ARRAY_SIZE(moves); i++) {
        g_evtchn_bind_vcpu((evtchn_port_t)port, moves[i]);
        if ((heard = dom_exc_heard_on()) != (int)moves[i]) {
            succeeded(o, "moved to vcpu %u, VIRQ_DOM_EXC heard on %d", moves[i], heard);
            g_evtchn_close((evtchn_port_t)port);
            return;
        }
    }
    g_evtchn_close((evtchn_port_t)port);
    if ((port = g_evtchn_bind_virq(VIRQ_DOM_EXC, 0)) < 0) {
        succeeded(o, "bound again after close: %s", err_name(port));
        return;
    }
    g_evtchn_close((evtchn_port_t)port);
    refused(o, "delivered to vcpus 1, 2 and 0 in turn; bound again after close");
}

const struct attack peer_attacks[] = {
    { "destroy_peer_during_evtchn_send", destroy_peer_during_send },
    { "shared_info_mapped_across_destroy", shared_info_mapped_across_destroy },
    { "global_virq_moved_between_vcpus", global_virq_moved_between_vcpus },
    { NULL, NULL },
};
