/*
 * A watchdog on the domain's last vCPU (when it has three or more): if the
 * stream makes no progress for two seconds -- a call that blocked for
 * good, say -- it prints the call and this domain's event state once, so
 * that a stuck run says where it stuck.  The calls never take that vCPU
 * down (gen_cpu.c).
 */
#include "fuzz.h"

static const struct call *volatile running;
static volatile uint64_t progress;

void watchdog_note(const struct call *c)
{
    running = c;
    progress++;
}

/* Where the stream stands: the call, vCPU 0's event state (whether it
 * runs, and whether the event that should wake it is there). */
static void report(void)
{
    const struct call *c = running;
    const struct vcpu_info *vi = g_cpus[0].vi;
    struct vcpu_runstate_info rs = { .state = -1 };

    hc_vcpu_op(VCPUOP_get_runstate_info, 0, &rs);
    g_printf("hc-fuzz: watchdog: no progress at call %lu: %s/%u %lx %lx %lx %lx\n",
             iteration, c->name ? c->name : "?", c->sub, c->arg[0], c->arg[1],
             c->arg[2], c->arg[3]);
    g_printf("hc-fuzz: watchdog: vcpu 0 runstate %d, vcpu_info in %s: upcall pending %u "
             "mask %u sel 0x%lx pending[0] 0x%lx mask[0] 0x%lx, timer port %d, now %lu\n",
             rs.state, vi == &g_shared_info->vcpu_info[0] ? "shared_info" : "its own page",
             vi->evtchn_upcall_pending, vi->evtchn_upcall_mask,
             vi->evtchn_pending_sel, g_shared_info->evtchn_pending[0],
             g_shared_info->evtchn_mask[0], g_cpus[0].timer_port, g_now_ns());
}

static void watch(void *arg)
{
    uint64_t seen = ~0ull;
    bool told = false;

    for (;;) {
        g_sleep_ns(2 * G_NS_PER_SEC);
        if (progress != seen) {
            seen = progress;
            told = false;
            continue;
        }
        if (told || !running)
            continue;
        told = true;
        report();
    }
}

unsigned int watchdog_start(void)
{
    unsigned int id = g_nr_cpus() - 1;

    if (id < 2 || g_cpu_up(id) < 0 || g_cpu_call(id, watch, NULL) < 0)
        return 0;
    return id;
}
