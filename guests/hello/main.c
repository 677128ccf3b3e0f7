/*
 * hello: the smallest useful PV guest.  Prints what the hypervisor told
 * it, waits for ten ticks of a 10 ms periodic timer, and with two vCPUs bounces events
 * between vCPU 0 and vCPU 1 over IPI event channels.
 *
 * Output lines start with "hello: " and are stable for tests to grep.
 */
#include <guest/guest.h>

#define TICK_NS        (10 * G_NS_PER_MS)
#define TICKS          10
#define TICK_TIMEOUT_NS (5 * G_NS_PER_SEC)
#define ROUND_TRIPS    100

static int failures;

static void fail(const char *what, long rc)
{
    g_printf("hello: FAILED: %s (%ld)\n", what, rc);
    failures++;
}

static void print_start_info(void)
{
    const struct start_info *si = g_start_info;

    g_printf("hello: greetings from a PV guest (%s)\n",
             g_is_dom0() ? "dom0" : "domU");
    g_printf("hello: start_info magic '%.32s' nr_pages %lu flags 0x%x\n",
             si->magic, si->nr_pages, si->flags);
    g_printf("hello: mfn_list 0x%lx pt_base 0x%lx nr_pt_frames %lu\n",
             si->mfn_list, si->pt_base, si->nr_pt_frames);
    g_printf("hello: mod_start 0x%lx mod_len %lu cmd_line '%s'\n",
             si->mod_start, si->mod_len, (const char *)si->cmd_line);
    g_printf("hello: shared_info at machine 0x%lx, %lu pages mapped 1:1, "
             "%lu free\n", si->shared_info, g_mapped_pfns(), g_pages_free());
}

static void print_version(void)
{
    xen_extraversion_t extra;
    long v = hc_xen_version(XENVER_version, NULL);

    memset(extra, 0, sizeof(extra));
    if (v < 0 || hc_xen_version(XENVER_extraversion, extra) < 0) {
        fail("xen_version", v);
        return;
    }
    extra[sizeof(extra) - 1] = '\0';
    g_printf("hello: hypervisor version %ld.%ld%s\n", v >> 16, v & 0xffff,
             extra);
}

/* Wait for TICKS periodic ticks (up to TICK_TIMEOUT_NS of system time) and
 * say how long they took: a host too busy to run us on time makes them
 * late, never early.  Spin rather than block: Xen stops a vCPU's periodic
 * timer whenever the vCPU is descheduled, so a blocked vCPU gets no
 * periodic ticks (sleeping is what the one-shot timer is for). */
static void count_ticks(void)
{
    uint64_t start, now, before;
    int rc = g_periodic_start(TICK_NS);

    if (rc < 0) {
        fail("VCPUOP_set_periodic_timer", rc);
        return;
    }
    before = g_timer_events();
    start = now = g_now_ns();
    while (g_timer_events() - before < TICKS && now - start < TICK_TIMEOUT_NS) {
        g_cpu_relax();
        now = g_now_ns();
    }
    g_periodic_stop();
    g_printf("hello: %lu timer ticks of %lu ms in %lu ms\n", g_timer_events() - before,
             (unsigned long)(TICK_NS / G_NS_PER_MS), (unsigned long)((now - start) / G_NS_PER_MS));
    if (g_timer_events() - before < TICKS)
        fail("too few periodic timer ticks", 0);
}

/* ---- Event round trips between vCPU 0 and vCPU 1 ------------------------ */

static int port_to1 = -1, port_to0 = -1;
static volatile unsigned int pongs, wrong_cpu;

/* Runs on vCPU 1: answer. */
static void on_ping(evtchn_port_t port, void *data, struct g_frame *f)
{
    if (g_this_cpu()->id != 1)
        wrong_cpu++;
    g_evtchn_send((evtchn_port_t)port_to0);
}

/* Runs on vCPU 0: count the answer. */
static void on_pong(evtchn_port_t port, void *data, struct g_frame *f)
{
    if (g_this_cpu()->id != 0)
        wrong_cpu++;
    pongs++;
}

static bool wait_for_pongs(unsigned int n, uint64_t deadline)
{
    g_singleshot_set(deadline, 0);
    g_irq_disable();
    while (pongs < n && g_now_ns() < deadline) {
        g_block();
        g_irq_disable();
    }
    g_irq_enable();
    return pongs >= n;
}

static int bind_ping_pong(void)
{
    port_to1 = g_evtchn_bind_ipi(1);
    port_to0 = g_evtchn_bind_ipi(0);
    if (port_to1 < 0 || port_to0 < 0) {
        fail("EVTCHNOP_bind_ipi", port_to1 < 0 ? port_to1 : port_to0);
        return -1;
    }
    g_evtchn_set_handler((evtchn_port_t)port_to1, on_ping, NULL);
    g_evtchn_set_handler((evtchn_port_t)port_to0, on_pong, NULL);
    return 0;
}

static void ping_pong(void)
{
    unsigned int i;
    int rc;

    if (bind_ping_pong() < 0)
        return;
    for (i = 1; i <= ROUND_TRIPS; i++) {
        rc = g_evtchn_send((evtchn_port_t)port_to1);
        if (rc < 0) {
            fail("EVTCHNOP_send", rc);
            return;
        }
        if (!wait_for_pongs(i, g_now_ns() + G_NS_PER_SEC)) {
            fail("no answer from vcpu1 within 1 s", i);
            return;
        }
    }
    if (wrong_cpu) {
        fail("an event was handled on the wrong vcpu", wrong_cpu);
        return;
    }
    g_printf("hello: %u event round trips between vcpu0 and vcpu1\n", pongs);
}

static void smp(void)
{
    unsigned int n = g_nr_cpus();
    int rc;

    g_printf("hello: %u vcpu(s)\n", n);
    if (n < 2) {
        g_printf("hello: one vcpu, no event round trips\n");
        return;
    }
    rc = g_cpu_up(1);
    if (rc < 0 || hc_vcpu_op(VCPUOP_is_up, 1, NULL) != 1) {
        fail("bringing up vcpu1", rc);
        return;
    }
    g_printf("hello: vcpu1 up\n");
    ping_pong();
}

int g_main(void)
{
    print_start_info();
    print_version();
    count_ticks();
    smp();
    g_printf("hello: %s\n", failures ? "FAILED" : "done");
    return failures ? 1 : 0;
}
