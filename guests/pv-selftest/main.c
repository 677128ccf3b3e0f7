/*
 * pv-selftest: run every check, one line each, then the totals.  The exit
 * status is the number of failed checks.
 *
 *     pv-selftest: <check>: ok
 *     pv-selftest: <check>: FAILED (<why>)
 *     pv-selftest: <check>: skipped (<why>)
 *     pv-selftest: <N> passed, <N> failed
 */
#include "selftest.h"

static const struct check *const groups[] = {
    fault_checks, user_checks, event_checks, time_checks, misc_checks,
    memory_checks, desc_checks, abi_checks, strio_checks, fifo_checks,
};

struct totals {
    unsigned int passed, failed, skipped;
};

static void run_check(const struct check *c, struct totals *t)
{
    const char *r = c->run();

    if (!r) {
        g_printf("pv-selftest: %s: ok\n", c->name);
        t->passed++;
    } else if (r[0] == SKIP_MARK[0]) {
        g_printf("pv-selftest: %s: skipped (%s)\n", c->name, r + 1);
        t->skipped++;
    } else {
        g_printf("pv-selftest: %s: FAILED (%s)\n", c->name, r);
        t->failed++;
    }
}

int g_main(void)
{
    struct totals t = { 0, 0, 0 };
    unsigned int i;
    const struct check *c;

    g_printf("pv-selftest: starting on %s with %u vcpu(s)\n",
             g_is_dom0() ? "dom0" : "a domU", g_nr_cpus());
    for (i = 0; i < G_ARRAY_SIZE(groups); i++)
        for (c = groups[i]; c->name; c++)
            run_check(c, &t);
    if (t.skipped)
        g_printf("pv-selftest: %u skipped\n", t.skipped);
    g_printf("pv-selftest: %u passed, %u failed\n", t.passed, t.failed);
    return (int)t.failed;
}
