/*
 * Controlling one domain: names and ids, pause, shutdown, reboot and its
 * console.
 *
 *   xl domid NAME               xl domname ID
 *   xl rename DOM NEWNAME
 *   xl pause DOM                xl unpause DOM
 *   xl shutdown [-w] [-a] [-F] [DOM]
 *   xl reboot [-w] [-a] [-F] [DOM]
 *   xl console [-t pv] [-n 0] DOM
 *
 * shutdown and reboot ask the guest first, as xl does: "poweroff" or
 * "reboot" in its control/shutdown in xenstore, if it says it listens
 * there (control/feature-poweroff, -reboot).  A guest that does not, or
 * that has not taken the request within SHUTDOWN_ANSWER_S seconds, is
 * shut down by the hypervisor with that reason (SCHEDOP_remote_shutdown).
 * dom0's background work then does what the domain's on_poweroff /
 * on_reboot says.  -w waits until it has.  Domain-0 is not shut down,
 * rebooted or paused through xl.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guest/guest.h>

#include "cmd_common.h"
#include "sched_op.h"
#include "xl_cmds.h"
#include "xsd.h"

#define SHUTDOWN_ANSWER_S   5

int main_domid(int argc, char **argv)
{
    struct xl_opts o;
    struct dom *d;
    int rc = xl_scan(argc, argv, "", NULL, 1, &o);

    if (rc >= 0)
        return rc;
    if (!(d = dom_find_name(o.args[0]))) {
        fprintf(stderr, "Can't get domid of domain name '%s', maybe this "
                "domain does not exist.\n", o.args[0]);
        return 1;
    }
    printf("%u\n", d->domid);
    return 0;
}

int main_domname(int argc, char **argv)
{
    struct xl_opts o;
    unsigned long id;
    struct dom *d;
    int rc = xl_scan(argc, argv, "", NULL, 1, &o);

    if (rc >= 0)
        return rc;
    if (xl_parse_ulong(o.args[0], UINT16_MAX, &id)) {
        fprintf(stderr, "Invalid domain id.\n\n");
        return 1;
    }
    if (!(d = dom_find((domid_t)id))) {
        fprintf(stderr, "Can't get domain name of domain id '%lu', maybe "
                "this domain does not exist.\n", id);
        return 1;
    }
    printf("%s\n", d->name);
    return 0;
}

int main_rename(int argc, char **argv)
{
    struct xl_opts o;
    int domid, rc = xl_scan(argc, argv, "", NULL, 2, &o);

    if (rc >= 0)
        return rc;
    if ((domid = xl_domain_arg(o.args[0], "rename")) < 0)
        return 1;
    if (!*o.args[1] || dom_rename((domid_t)domid, o.args[1], stderr)) {
        fprintf(stderr, "Couldn't rename domain %d.\n", domid);
        return 1;
    }
    return 0;
}

/* ---- pause, unpause ---- */

static int pause_cmd(int argc, char **argv, bool pause)
{
    struct xl_opts o;
    int domid, rc = xl_scan(argc, argv, "", NULL, 1, &o);

    if (rc >= 0)
        return rc;
    if ((domid = xl_domain_arg(o.args[0], argv[0])) < 0)
        return 1;
    rc = pause ? xc_domain_pause((domid_t)domid)
               : xc_domain_unpause((domid_t)domid);
    if (rc) {
        fprintf(stderr, "xl: %s of domain %d failed: %s\n", argv[0], domid,
                xl_errname(rc));
        return 1;
    }
    return 0;
}

int main_pause(int argc, char **argv)
{
    return pause_cmd(argc, argv, true);
}

int main_unpause(int argc, char **argv)
{
    return pause_cmd(argc, argv, false);
}

/* ---- shutdown, reboot ---- */

/* Whether domid's shutdown has been dealt with: gone (destroyed or
 * restarted under a new id) or kept as it is (preserve). */
static bool shutdown_done(domid_t domid)
{
    struct dom *d = dom_find(domid);

    return !d || d->shutdown_handled;
}

static void wait_for(const domid_t *ids, unsigned int n, unsigned int reason)
{
    fprintf(stderr, "Waiting for %u domains\n", n);
    for (unsigned int i = 0; i < n; i++) {
        while (!shutdown_done(ids[i]))
            dom0_idle_any();
        fprintf(stderr, "Domain %u has been shut down, reason code %u\n",
                ids[i], reason);
    }
    if (n > 1)
        fprintf(stderr, "All domains have been shut down.\n");
}

struct targets {
    domid_t ids[DOM_MAX];
    bool asked[DOM_MAX];                /* through control/shutdown */
    unsigned int n;
};

/* -a: every domain but Domain-0 that has not shut down yet. */
static void collect(struct dom *d, void *ctx)
{
    struct targets *t = ctx;

    if (d->domid != 0 && !d->shutdown_handled)
        t->ids[t->n++] = d->domid;
}

static bool has_shut_down(domid_t domid)
{
    xc_dominfo_t info;

    return xc_domain_info(domid, &info) == 0 && info.domain == domid &&
           (info.flags & XEN_DOMINF_shutdown);
}

/* Shut domid down through the hypervisor; false after a message. */
static bool force(domid_t domid, unsigned int reason, const char *cmd)
{
    int rc;

    if ((rc = xc_domain_shutdown(domid, reason))) {
        fprintf(stderr, "xl: %s of domain %u failed: %s\n", cmd, domid,
                xl_errname(rc));
        return false;
    }
    return true;
}

/* Ask domid to shut down: through control/shutdown if it listens there
 * (*asked), else through the hypervisor.  False after a message. */
static bool request(domid_t domid, unsigned int reason, const char *cmd,
                    const char *doing, bool *asked)
{
    if (has_shut_down(domid)) {
        fprintf(stderr, "xl: domain %u has already shut down\n", domid);
        return false;
    }
    fprintf(stderr, "%s domain %u\n", doing, domid);
    *asked = xsd_shutdown_request(domid, reason == SHUTDOWN_reboot ?
                                         "reboot" : "poweroff") > 0;
    return *asked || force(domid, reason, cmd);
}

static bool answered(domid_t domid)
{
    return shutdown_done(domid) || has_shut_down(domid) ||
           xsd_shutdown_taken(domid);
}

/* Give the guests asked through xenstore SHUTDOWN_ANSWER_S seconds to
 * take the request; shut down the others through the hypervisor. */
static bool await_answers(const struct targets *t, unsigned int reason,
                          const char *cmd)
{
    uint64_t deadline = g_now_ns() + SHUTDOWN_ANSWER_S * G_NS_PER_SEC;
    bool ok = true;

    for (unsigned int i = 0; i < t->n; i++) {
        if (!t->asked[i])
            continue;
        while (!answered(t->ids[i]) && g_now_ns() < deadline)
            dom0_idle(g_now_ns() + 10 * G_NS_PER_MS);
        if (answered(t->ids[i]))
            continue;
        fprintf(stderr, "xl: domain %u did not take the request in %u s: "
                "shutting it down through the hypervisor\n", t->ids[i],
                SHUTDOWN_ANSWER_S);
        ok = force(t->ids[i], reason, cmd) && ok;
    }
    return ok;
}

static int shutdown_cmd(int argc, char **argv, unsigned int reason,
                        const char *doing)
{
    struct xl_shutdown_args a;
    struct targets *t = calloc(1, sizeof(*t));
    int rc = t ? xl_parse_shutdown_args(argc, argv, &a, stderr) : 1, domid;

    if (!rc && a.all)
        dom_for_each(collect, t);
    else if (!rc && (domid = xl_domain_arg(a.dom, argv[0])) >= 0)
        t->ids[t->n++] = (domid_t)domid;
    else if (!rc)
        rc = 1;
    for (unsigned int i = 0; !rc && i < t->n; i++)
        if (!request(t->ids[i], reason, argv[0], doing, &t->asked[i]))
            rc = 1;
    if (!rc && !await_answers(t, reason, argv[0]))
        rc = 1;
    if (!rc && a.wait && t->n)
        wait_for(t->ids, t->n, reason);
    free(t);
    return rc ? xl_parse_status(argv[0], rc) : 0;
}

int main_shutdown(int argc, char **argv)
{
    return shutdown_cmd(argc, argv, SHUTDOWN_poweroff, "Shutting down");
}

int main_reboot(int argc, char **argv)
{
    return shutdown_cmd(argc, argv, SHUTDOWN_reboot, "Rebooting");
}

/* ---- console ---- */

int main_console(int argc, char **argv)
{
    struct xl_opts o;
    int domid, rc = xl_scan(argc, argv, "t:n:", NULL, 1, &o);

    if (rc >= 0)
        return rc;
    if (o.seen['t'] && strcmp(o.arg['t'], "pv") != 0) {
        fprintf(stderr, "console type '%s' is not supported: a PV "
                "domain has only 'pv'\n", o.arg['t']);
        return 1;
    }
    if (o.seen['n'] && strcmp(o.arg['n'], "0") != 0) {
        fprintf(stderr, "domain has one console: 0\n");
        return 1;
    }
    if ((domid = xl_domain_arg(o.args[0], NULL)) < 0)
        return 1;
    return dom_console_attach((domid_t)domid, stderr) ? 1 : 0;
}
