/*
 * balloon-worker: fills a working set with a pattern, balloons, and
 * checks (see worker.h).
 *
 * Command line (words; xl.cfg's extra= or cmdline=, or dom0's):
 *
 *   selftest=T1,T2,...  balloon itself through these targets (MiB), one
 *                       per step; the working set grows, holds and shrinks
 *                       in turn between them.  Without it the worker
 *                       follows dom0's memory/target until shut down
 *                       (follow.c)
 *   ws=MiB              the working set grows up to this (default 16)
 *   limit=MiB           prepare to grow up to this much memory (default:
 *                       a domU's maximum reservation, at most 4 GiB;
 *                       dom0's initial memory)
 *   uncooperative       ignore every target (selftest's and dom0's)
 *   fill                following dom0, every phase grows the working set
 *                       (up to ws=): a guest that uses all it is given
 *   zerocheck=all|populated|off
 *                       which pages must read zero before first use:
 *                       all free pages (default), only those populated
 *                       while running, or none
 *
 * Output, for tests to read:
 *
 *   balloon-worker: start: holds <P> pages, <F> free, limit <L> pages
 *   balloon-worker: step <i> (<phase>): target <T> pages: <state>,
 *       holds <P> pages, <F> free, working set <W> pages     (one line)
 *   balloon-worker: step <i>: pattern ok in <W> pages, <Z> fresh pages
 *       read zero                                            (one line)
 *   balloon-worker: FAILED: <why>
 *   balloon-worker: done: <n> steps, <c> pattern checks, <h> hypercalls,
 *       <o> pages out, <i> pages in, <e> 2 MiB extents in, <x> out
 *                                                              (one line)
 */
#include <sysctl.h>

#include "worker.h"

#define PREFIX "balloon-worker: "

unsigned int failures;
static struct options opt = { .ws_pages = 16 * MIB_PAGES,
                              .zerocheck = ZERO_ALL };

void fail(const char *fmt, ...)
{
    char buf[200];
    va_list ap;

    va_start(ap, fmt);
    g_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    g_printf(PREFIX "FAILED: %s\n", buf);
    failures++;
}

/* ---- Options ------------------------------------------------------------- */

static uint64_t number(const char **p)
{
    uint64_t n = 0;

    while (**p >= '0' && **p <= '9' && n < (1ull << 40))
        n = n * 10 + (uint64_t)(*(*p)++ - '0');
    return n;
}

static bool is(const char *w, size_t len, const char *name)
{
    return strlen(name) == len && !strncmp(w, name, len);
}

static void parse_targets(const char *p)
{
    while (*p >= '0' && *p <= '9' && opt.nr_targets < G_ARRAY_SIZE(opt.targets)) {
        opt.targets[opt.nr_targets++] = number(&p);
        if (*p != ',')
            break;
        p++;
    }
}

static void parse_word(const char *w, size_t len)
{
    size_t key = 0;
    const char *v;

    while (key < len && w[key] != '=')
        key++;
    v = key < len ? w + key + 1 : NULL;

    if (is(w, key, "selftest") && v)
        parse_targets(v);
    else if (is(w, key, "ws") && v)
        opt.ws_pages = number(&v) * MIB_PAGES;
    else if (is(w, key, "limit") && v)
        opt.limit_pages = number(&v) * MIB_PAGES;
    else if (is(w, key, "uncooperative"))
        opt.uncooperative = true;
    else if (is(w, key, "fill"))
        opt.fill = true;
    else if (is(w, key, "zerocheck") && v)
        opt.zerocheck = !strncmp(v, "off", 3) ? ZERO_OFF :
                        !strncmp(v, "populated", 9) ? ZERO_POPULATED : ZERO_ALL;
}

static void parse_cmdline(void)
{
    char line[sizeof(g_start_info->cmd_line) + 1];
    char *p = line;

    memcpy(line, g_start_info->cmd_line, sizeof(g_start_info->cmd_line));
    line[sizeof(line) - 1] = '\0';
    while (*p) {
        size_t len = 0;

        while (*p == ' ')
            p++;
        while (p[len] && p[len] != ' ')
            len++;
        if (len)
            parse_word(p, len);
        p += len;
    }
}

/* ---- Steps --------------------------------------------------------------- */

static const char *const phases[] = { "grow", "hold", "shrink" };

static void run_phase(unsigned int step)
{
    switch (step % 3) {
    case 0: ws_grow(opt.ws_pages); break;
    case 1: ws_rewrite(); break;
    case 2: ws_shrink(); break;
    }
}

/* As dom0: the host's free pages that still need zeroing (physinfo's
 * scrub_pages), or 0 for a domU, which may not ask. */
static uint64_t host_to_scrub(void)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_physinfo,
                             .interface_version = XEN_SYSCTL_INTERFACE_VERSION };

    if (!g_is_dom0() ||
        g_hypercall_raw(__HYPERVISOR_sysctl, (uint64_t)&op, 0, 0, 0, 0) < 0)
        return 0;
    return op.u.physinfo.scrub_pages;
}

/* Move to target (pages) and check everything afterwards. */
static void balloon_step(unsigned int step, uint64_t target)
{
    const char *state = "ignored (uncooperative)";
    uint64_t ok, fresh;
    int rc;

    uint64_t to_scrub = host_to_scrub();

    if (!opt.uncooperative) {
        rc = balloon_set_target(target);
        state = rc == 0 ? "reached" : balloon_state_name(balloon_status());
    }
    /* A frame given back should not be left to scrub. */
    if (g_is_dom0())
        g_printf(PREFIX "step %u: host pages to scrub %lu before, %lu "
                 "after\n", step, to_scrub, host_to_scrub());
    g_printf(PREFIX "step %u (%s): target %lu pages: %s, holds %lu pages, "
             "%lu free, working set %lu pages\n", step, phases[step % 3],
             target, state, balloon_current_pages(), balloon_free_pages(),
             ws_pages());
    ok = ws_check();
    fresh = ws_check_fresh();
    if (ok == ws_pages())
        g_printf(PREFIX "step %u: pattern ok in %lu pages, %lu fresh pages "
                 "read zero\n", step, ok, fresh);
}

/* A domU may grow to its maximum (maxmem); dom0's is often unlimited,
 * so it keeps to what it was given unless limit= says otherwise. */
static uint64_t physmap_limit(void)
{
    uint64_t max = balloon_max_pages();
    uint64_t limit = !g_is_dom0() ? max : g_nr_pages();

    if (opt.limit_pages)
        limit = opt.limit_pages;
    if (limit < g_nr_pages())
        limit = g_nr_pages();
    return limit < G_MAX_PFNS ? limit : G_MAX_PFNS;
}

static int start(void)
{
    int rc = g_physmap_init(physmap_limit());

    if (rc < 0) {
        fail("building the physmap: %d", rc);
        return rc;
    }
    if ((rc = balloon_init(0)) < 0) {
        fail("starting the balloon driver: %d", rc);
        return rc;
    }
    ws_init(opt.zerocheck);
    g_printf(PREFIX "start: holds %lu pages, %lu free, limit %lu pages\n",
             balloon_current_pages(), balloon_free_pages(), balloon_limit());
    g_printf(PREFIX "initial free pages read zero: %lu\n", ws_check_fresh());
    return 0;
}

int g_main(void)
{
    const struct balloon_stats *st = balloon_stats();
    unsigned int steps = 0;

    parse_cmdline();
    if (start() < 0)
        return 1;
    if (!opt.nr_targets)
        follow(&opt);
    for (; steps < opt.nr_targets; steps++) {
        run_phase(steps);
        balloon_step(steps, opt.targets[steps] * MIB_PAGES);
    }
    g_printf(PREFIX "done: %u steps, %u pattern checks, %lu hypercalls, "
             "%lu pages out, %lu pages in, %lu 2 MiB extents in, %lu out\n",
             steps, steps, st->hypercalls, st->pages_out, st->pages_in,
             st->extents_2m, st->extents_2m_out);
    return failures ? 1 : 0;
}
