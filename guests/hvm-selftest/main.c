/*
 * hvm-selftest: run every check, one line each, then the totals; the exit
 * status is the number of failed checks.  With "crash=gfn" or
 * "crash=triple" on its command line it instead does what must get the
 * domain crashed, with "paging32" what shadow paging must refuse (crash.c).
 *
 * With "spin" every vCPU loops for ever (for the toolstack's pause and
 * destroy of running vCPUs).
 *
 *     hvm-selftest: <check>: ok | FAILED (<why>) | skipped (<why>)
 *     hvm-selftest: <N> passed, <N> failed
 */
#include "selftest.h"

bool on_xen_lite(void)
{
    xen_changeset_info_t cs;

    memset(cs, 0, sizeof(cs));
    return hc_xen_version(XENVER_changeset, cs) == 0 && !strncmp(cs, "xen-lite", 8);
}

static const struct check *const groups[] = {
    cpu_checks, event_checks, memory_checks, smp_checks, wakeup_checks,
};

int g_main(void)
{
    unsigned int passed = 0, failed = 0, skipped = 0;

    if (g_cmdline_has("crash=gfn"))
        crash_on_unpopulated_gfn();
    if (g_cmdline_has("crash=triple"))
        crash_by_triple_fault();
    if (g_cmdline_has("paging32"))
        start_vcpu_with_32bit_paging();
    if (g_cmdline_has("spin"))
        spin_on_every_vcpu();
    g_printf("hvm-selftest: %s, %u vCPUs, %lu MiB, %s\n", g_is_dom0() ? "dom0" : "domU",
             g_nr_cpus(), g_nr_pages() >> 8, on_xen_lite() ? "xen-lite" : "Xen");
    for (unsigned int i = 0; i < G_ARRAY_SIZE(groups); i++)
        for (const struct check *c = groups[i]; c->name; c++) {
            const char *r = c->run();

            if (!r) {
                g_printf("hvm-selftest: %s: ok\n", c->name);
                passed++;
            } else if (r[0] == SKIP_MARK[0]) {
                g_printf("hvm-selftest: %s: skipped (%s)\n", c->name, r + 1);
                skipped++;
            } else {
                g_printf("hvm-selftest: %s: FAILED (%s)\n", c->name, r);
                failed++;
            }
        }
    g_printf("hvm-selftest: %u passed, %u failed (%u skipped)\n", passed, failed, skipped);
    return (int)failed;
}
