/*
 * edge-attack: run the attacks, one line each, then the totals.
 *
 *     attack <name>: refused (<how>)
 *     attack <name>: SUCCEEDED (<what happened>)
 *     attack <name>: skipped (<why>)
 *     edge-attack: <N> refused, <N> succeeded
 *
 * With crash=<name> on the command line it runs that one attack of
 * crash.c instead, after the line
 *     attack <name>: expecting the hypervisor to crash this guest
 * and prints SUCCEEDED if it is still running afterwards.  As dom0 it
 * also runs xen-lite's page-type audit after every attack.  The exit
 * status is the number of attacks that succeeded plus failed checks.
 */
#include <stdarg.h>
#include <guest/control.h>
#include "edge.h"

unsigned int nr_vcpus;
static unsigned int nr_refused, nr_succeeded, nr_skipped, nr_broken;

static void set_how(struct outcome *o, bool ok, bool skip, const char *fmt,
                    va_list ap)
{
    if (o->done)
        return;                         /* the first verdict stands */
    o->done = true;
    o->succeeded = !ok;
    o->skipped = skip;
    g_vsnprintf(o->how, sizeof(o->how), fmt, ap);
}

#define VERDICT(fn, ok, skip)                                           \
    void fn(struct outcome *o, const char *fmt, ...)                    \
    {                                                                   \
        va_list ap;                                                     \
        va_start(ap, fmt);                                              \
        set_how(o, ok, skip, fmt, ap);                                  \
        va_end(ap);                                                     \
    }
VERDICT(refused, true, false)
VERDICT(succeeded, false, false)
VERDICT(skipped, true, true)

const char *err_name(long rc)
{
    static char buf[4][24];
    static unsigned int next;
    char *b = buf[next++ % 4];
    const char *n = g_errno_name((int)rc);

    if (rc < 0 && n)
        g_snprintf(b, sizeof(buf[0]), "-%s", n);
    else
        g_snprintf(b, sizeof(buf[0]), "rc %ld", rc);
    return b;
}

void expect_error(struct outcome *o, long rc, long want)
{
    if (rc >= 0)
        succeeded(o, "the hypervisor answered %s", err_name(rc));
    else if (want && rc != want)
        succeeded(o, "refused with %s, not %s", err_name(rc), err_name(want));
    else
        refused(o, "%s", err_name(rc));
}

/* only=<name> on the command line: just that attack. */
static bool selected(const struct attack *a)
{
    size_t len;
    const char *only = g_cmdline_value("only", &len);

    return !only || (strlen(a->name) == len && !memcmp(a->name, only, len));
}

static void run(const struct attack *a, bool have_audit)
{
    struct outcome o;
    long n;

    if (!selected(a))
        return;
    memset(&o, 0, sizeof(o));
    a->run(&o);
    if (!o.done) {
        g_printf("attack %s: FAILED: no verdict\n", a->name);
        nr_broken++;
    } else if (o.skipped) {
        g_printf("attack %s: skipped (%s)\n", a->name, o.how);
        nr_skipped++;
    } else if (o.succeeded) {
        g_printf("attack %s: SUCCEEDED (%s)\n", a->name, o.how);
        nr_succeeded++;
    } else {
        g_printf("attack %s: refused (%s)\n", a->name, o.how);
        nr_refused++;
    }
    if (have_audit && (n = g_audit_page_types()) != 0) {
        g_printf("attack %s: FAILED: the page-type audit found %ld problem(s)\n",
                 a->name, n);
        nr_broken++;
    }
}

static const struct attack *find_crash_attack(void)
{
    size_t len;
    const char *want = g_cmdline_value("crash", &len);

    if (!want)
        return NULL;
    for (const struct attack *a = crash_attacks; a->name; a++)
        if (strlen(a->name) == len && !memcmp(a->name, want, len))
            return a;
    g_printf("edge-attack: no crash attack named '%.*s'\n", (int)len, want);
    g_exit(1);
}

/* The attacks that end this domain: one per run, never as dom0. */
static G_NORETURN void crash_mode(const struct attack *a)
{
    struct outcome o;

    memset(&o, 0, sizeof(o));
    if (g_is_dom0()) {
        g_printf("attack %s: skipped (it would crash dom0)\n", a->name);
        g_exit(0);
    }
    g_printf("attack %s: expecting the hypervisor to crash this guest\n", a->name);
    a->run(&o);
    g_printf("attack %s: SUCCEEDED (the guest is still running: %s)\n", a->name,
             o.done ? o.how : "no crash");
    g_exit(1);
}

/* vCPUs 1 and 2 help with races; the others are left down, for the
 * attacks on VCPUOP_initialise. */
static void vcpus_up(void)
{
    nr_vcpus = g_nr_cpus();
    for (unsigned int id = 1; id < nr_vcpus && id <= NR_HELPERS; id++)
        if (g_cpu_up(id) < 0)
            g_panic("vcpu %u does not come up", id);
}

int g_main(void)
{
    static const struct attack *const lists[] = { exit_attacks, context_attacks,
                                                  misc_attacks, ref_attacks, peer_attacks };
    const struct attack *crash = find_crash_attack();
    bool have_audit;

    if (crash)
        crash_mode(crash);
    vcpus_up();
    have_audit = g_audit_page_types() >= 0;
    g_printf("edge-attack: %s on %u vcpu(s), page-type audit after each: %s\n",
             g_is_dom0() ? "dom0" : "an unprivileged domU", nr_vcpus,
             have_audit ? "yes" : "no");
    for (unsigned int i = 0; i < G_ARRAY_SIZE(lists); i++)
        for (const struct attack *a = lists[i]; a->name; a++)
            run(a, have_audit);
    g_printf("edge-attack: %u refused, %u succeeded\n", nr_refused, nr_succeeded);
    if (nr_skipped)
        g_printf("edge-attack: %u skipped\n", nr_skipped);
    if (nr_broken)
        g_printf("edge-attack: %u FAILED check(s)\n", nr_broken);
    return (int)(nr_succeeded + nr_broken);
}
