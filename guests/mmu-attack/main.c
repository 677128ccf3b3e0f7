/*
 * mmu-attack: run every attack, one line each, then the totals.
 *
 *     attack <name>: refused (<how>)
 *     attack <name>: SUCCEEDED (<what happened>)
 *     mmu-attack: <N> refused, <N> succeeded
 *
 * After each attack the address space must still work (health()), every
 * frame the attack used must come back free of any page-table type, and,
 * where the hypervisor offers it (xen-lite's audit sysctl), a page-type
 * audit must find nothing wrong.  A failure of those prints a line with
 * "FAILED".  The exit status is the number of attacks that succeeded
 * plus the number of such failures.
 */
#include <stdarg.h>
#include "attack.h"

static unsigned int nr_refused, nr_succeeded, nr_broken;
static const char *current_attack = "setup";

static void set_how(struct outcome *o, bool ok, const char *fmt, va_list ap)
{
    if (o->done)
        return;                         /* the first verdict stands */
    o->done = true;
    o->succeeded = !ok;
    g_vsnprintf(o->how, sizeof(o->how), fmt, ap);
}

void refused(struct outcome *o, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_how(o, true, fmt, ap);
    va_end(ap);
}

void succeeded(struct outcome *o, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_how(o, false, fmt, ap);
    va_end(ap);
}

const char *rc_name(long rc)
{
    static char buf[4][24];
    static unsigned int next;
    char *b = buf[next++ % 4];
    const char *n = g_errno_name((int)rc);

    if (rc >= 0)
        g_snprintf(b, sizeof(buf[0]), "rc %ld", rc);
    else if (n)
        g_snprintf(b, sizeof(buf[0]), "-%s", n);
    else
        g_snprintf(b, sizeof(buf[0]), "%ld", rc);
    return b;
}

void by_rc(struct outcome *o, long rc)
{
    if (rc < 0)
        refused(o, "%s", rc_name(rc));
    else
        succeeded(o, "the hypervisor answered %s", rc_name(rc));
}

void oops(const char *fmt, ...)
{
    char buf[160];
    va_list ap;

    va_start(ap, fmt);
    g_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    g_printf("attack %s: FAILED: %s\n", current_attack, buf);
    nr_broken++;
}

static bool have_audit;

static void after(void)
{
    const char *r;
    long n;

    env_release();
    if ((r = health()))
        oops("the address space is broken afterwards: %s", r);
    if (have_audit && (n = g_audit_page_types()) != 0)
        oops("the page-type audit found %ld problem(s)", n);
}

static void run(const struct attack *a)
{
    struct outcome o;

    memset(&o, 0, sizeof(o));
    current_attack = a->name;
    a->run(&o);
    if (!o.done)
        oops("the attack reached no verdict");
    else if (o.succeeded)
        g_printf("attack %s: SUCCEEDED (%s)\n", a->name, o.how);
    else
        g_printf("attack %s: refused (%s)\n", a->name, o.how);
    if (o.done && o.succeeded)
        nr_succeeded++;
    else if (o.done)
        nr_refused++;
    after();
}

int g_main(void)
{
    static const struct attack *const lists[] = {
        map_attacks, table_attacks, life_attacks, batch_attacks, ext_attacks,
        desc_attacks,
    };
    uint64_t free_before;
    const char *r;

    g_printf("mmu-attack: a hostile dom0 on %u vcpu(s)\n", g_nr_cpus());
    env_init();
    have_audit = g_audit_page_types() >= 0;
    g_printf("mmu-attack: page-type audit after each attack: %s\n",
             have_audit ? "yes" : "not offered");
    if ((r = health()))
        oops("unhealthy before any attack: %s", r);
    free_before = g_pages_free();
    for (unsigned int i = 0; i < G_ARRAY_SIZE(lists); i++)
        for (const struct attack *a = lists[i]; a->name; a++)
            run(a);
    current_attack = "end";
    if (g_pages_free() != free_before)
        oops("%ld pages were not given back",
             (long)(free_before - g_pages_free()));
    g_printf("mmu-attack: %u refused, %u succeeded\n", nr_refused,
             nr_succeeded);
    if (nr_broken)
        g_printf("mmu-attack: %u FAILED check(s)\n", nr_broken);
    return (int)(nr_succeeded + nr_broken);
}
