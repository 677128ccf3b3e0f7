/*
 * balloon-worker without selftest=: it follows dom0's memory/target
 * (through g_idle, which runs the balloon driver), or with
 * `uncooperative` ignores it, while its working set goes through the
 * grow / hold / shrink phases every PHASE_NS.  Whenever what it holds or
 * its target changed, it checks its working set and the pages it was
 * given; it stays up until dom0 shuts it down.
 *
 *   balloon-worker: following memory/target (holds <P> pages)
 *   balloon-worker: target <T> pages, holds <P> pages, <F> free (<state>):
 *       pattern ok in <W> pages, <Z> fresh pages read zero   (one line)
 *   balloon-worker: phase <n> (<phase>): working set <W> pages, pattern ok
 */
#include <guest/control.h>

#include "worker.h"

#define PREFIX   "balloon-worker: "
#define TICK_NS  (200ull * 1000 * 1000)
#define PHASE_NS (2ull * 1000 * 1000 * 1000)

static const char *const phases[] = { "grow", "hold", "shrink" };

static void run_phase(unsigned int n, const struct options *o)
{
    switch (o->fill ? 0 : n % 3) {
    case 0: ws_grow(o->ws_pages); break;
    case 1: ws_rewrite(); break;
    case 2: ws_shrink(); break;
    }
    if (ws_check() == ws_pages())
        g_printf(PREFIX "phase %u (%s): working set %lu pages, pattern ok\n",
                 n, phases[o->fill ? 0 : n % 3], ws_pages());
}

/* One pass of g_idle's work (xenstore, the balloon driver) without
 * sleeping: a guest busy with its working set still follows its target,
 * so a slow host does not make it look stuck to dom0. */
static void let_driver_run(void)
{
    g_idle(g_now_ns());
}

/* After a change: check, and say so once the driver has stopped moving. */
static void changed(void)
{
    static uint64_t fresh;
    enum balloon_state st = balloon_status();
    uint64_t ok = ws_check();

    fresh += ws_check_fresh();
    if (st == BALLOON_WORKING || ok != ws_pages())
        return;
    g_printf(PREFIX "target %lu pages, holds %lu pages, %lu free (%s): "
             "pattern ok in %lu pages, %lu fresh pages read zero\n",
             balloon_target(), balloon_current_pages(), balloon_free_pages(),
             balloon_state_name(st), ok, fresh);
    fresh = 0;
}

G_NORETURN void follow(const struct options *o)
{
    uint64_t held = UINT64_MAX, target = UINT64_MAX, next_phase;
    unsigned int phase = 0;

    if (o->uncooperative)
        balloon_follow_refuse();
    else if (balloon_follow_start() < 0)
        g_printf(PREFIX "no xenstore: nothing to follow\n");
    else
        ws_set_yield(let_driver_run);
    g_printf(PREFIX "%s memory/target (holds %lu pages)\n",
             o->uncooperative ? "ignoring" : "following",
             balloon_current_pages());
    run_phase(phase, o);
    next_phase = g_now_ns() + PHASE_NS;
    for (;;) {
        g_idle(g_now_ns() + TICK_NS);
        if (balloon_current_pages() != held || balloon_target() != target) {
            held = balloon_current_pages();
            target = balloon_target();
            changed();
        }
        if (g_now_ns() >= next_phase) {
            run_phase(++phase, o);
            next_phase = g_now_ns() + PHASE_NS;
        }
    }
}
