/*
 * The scheduler and its one pool: xl sched-credit, xl sched-credit2 and
 * xl cpupool-list.
 *
 *   xl sched-credit [-d DOM [-w WEIGHT] [-c CAP]] [-s [-t MS] [-r US]
 *                   [-m US]] [-p POOL]
 *   xl sched-credit2 [-d DOM [-w WEIGHT] [-c CAP]] [-s [-r US]] [-p POOL]
 *   xl cpupool-list [-c] [POOL]
 *
 * xen-lite runs Xen's credit scheduler (credit1) in a single pool,
 * Pool-0, holding every CPU.  sched-credit2 answers as xl does on a host
 * whose pools run another scheduler: no pool to list, and the domain or
 * pool operations fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guest/guest.h>

#include "cmd_common.h"
#include "xl_cmds.h"
#include "xlfmt.h"
#include "xlstate.h"

#define POOL_NAME "Pool-0"

/* A -p argument: Pool-0 (by name or id 0); false after xl's message. */
static bool pool_ok(const char *pool)
{
    if (!pool || !strcmp(pool, POOL_NAME) || !strcmp(pool, "0"))
        return true;
    fprintf(stderr, "unknown cpupool '%s'\n", pool);
    return false;
}

/* ---- xl sched-credit ---- */

static bool credit_params(struct xl_credit_params *p)
{
    struct xen_sysctl_credit_schedule s;

    if (xc_sched_pool_params(XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_getinfo,
                             &s, sizeof(s))) {
        fprintf(stderr, "libxl_sched_credit_params_get failed.\n");
        return false;
    }
    *p = (struct xl_credit_params){ s.tslice_ms, s.ratelimit_us,
                                    s.vcpu_migr_delay_us };
    return true;
}

static void credit_pool_line(void)
{
    struct xl_credit_params p;
    bool got = credit_params(&p);

    xlfmt_sched_credit_pool(stdout, POOL_NAME, got ? &p : NULL);
}

/* libxl's checks of new parameters, with its words; false after one. */
static bool credit_params_valid(const struct xen_sysctl_credit_schedule *s)
{
    const char *why = NULL;

    if (s->tslice_ms < XEN_SYSCTL_CSCHED_TSLICE_MIN ||
        s->tslice_ms > XEN_SYSCTL_CSCHED_TSLICE_MAX)
        why = "Time slice out of range, valid range is from 1 to 1000";
    else if (s->ratelimit_us && (s->ratelimit_us < XEN_SYSCTL_SCHED_RATELIMIT_MIN ||
                                 s->ratelimit_us > XEN_SYSCTL_SCHED_RATELIMIT_MAX))
        why = "Ratelimit out of range, valid range is from 100 to 500000";
    else if (s->ratelimit_us > s->tslice_ms * 1000)
        why = "Ratelimit cannot be greater than timeslice";
    else if (s->vcpu_migr_delay_us > XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US)
        why = "vcpu migration delay should be >= 0 and <= 100000us";
    if (why)
        fprintf(stderr, "xl: %s\n", why);
    return !why;
}

/* -s with -t, -r or -m: change what was given. */
static int set_credit_params(const struct xl_sched_credit_args *a)
{
    struct xen_sysctl_credit_schedule s;
    int rc;

    if (xc_sched_pool_params(XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_getinfo,
                             &s, sizeof(s))) {
        fprintf(stderr, "libxl_sched_credit_params_get failed.\n");
        return 1;
    }
    if (a->set_tslice)
        s.tslice_ms = (uint32_t)a->tslice_ms;
    if (a->set_ratelimit)
        s.ratelimit_us = (uint32_t)a->ratelimit_us;
    if (a->set_migr_delay)
        s.vcpu_migr_delay_us = (uint32_t)a->migr_delay_us;
    if (!credit_params_valid(&s) ||
        (rc = xc_sched_pool_params(XEN_SCHEDULER_CREDIT,
                                   XEN_SYSCTL_SCHEDOP_putinfo, &s,
                                   sizeof(s)))) {
        fprintf(stderr, "libxl_sched_credit_params_set failed.\n");
        return 1;
    }
    return 0;
}

struct credit_rows {
    struct xl_credit_dom rows[DOM_MAX];
    unsigned int n;
    int rc;
};

static void add_credit(struct credit_rows *r, domid_t domid)
{
    unsigned int weight, cap;
    int rc = xc_sched_credit_get(domid, &weight, &cap);

    if (rc) {
        fprintf(stderr, "libxl_domain_sched_params_get failed.\n");
        r->rc = 1;
        return;
    }
    r->rows[r->n++] = (struct xl_credit_dom){ xl_domain_name(domid), domid,
                                              weight, cap };
}

/* Without -d: the pool, then every domain. */
static int list_credit(void)
{
    struct credit_rows *r = calloc(1, sizeof(*r));
    xc_dominfo_t *all;
    unsigned int n;
    int rc;

    if (!r || !(all = xl_list_domains(&n))) {
        free(r);
        return 1;
    }
    for (unsigned int i = 0; i < n; i++)
        add_credit(r, all[i].domain);
    credit_pool_line();
    xlfmt_sched_credit_doms(stdout, r->rows, r->n);
    rc = r->rc;
    free(all);
    free(r);
    return rc;
}

/* -d DOM [-w W] [-c C]: show it, or change what was given. */
static int domain_credit(const struct xl_sched_credit_args *a)
{
    struct xl_credit_dom row;
    unsigned int weight, cap;
    int domid = xl_domain_arg(a->dom, NULL), rc;

    if (domid < 0)
        return 1;
    if ((rc = xc_sched_credit_get((domid_t)domid, &weight, &cap)) == 0 &&
        xlstate_credit_merge(a, &weight, &cap))
        rc = xc_sched_credit_set((domid_t)domid, weight, cap);
    if (rc) {
        fprintf(stderr, "libxl_domain_sched_params_%s failed.\n",
                a->set_weight || a->set_cap ? "set" : "get");
        return 1;
    }
    if (!a->set_weight && !a->set_cap) {
        row = (struct xl_credit_dom){ xl_domain_name((domid_t)domid),
                                      (uint32_t)domid, weight, cap };
        xlfmt_sched_credit_doms(stdout, &row, 1);
    }
    return 0;
}

int main_sched_credit(int argc, char **argv)
{
    struct xl_sched_credit_args a;
    int rc = xl_parse_sched_credit_args(argc, argv, &a, stderr);

    if (rc)
        return xl_parse_status(argv[0], rc);
    if (!pool_ok(a.pool))
        return 1;
    if (a.schedparam && (a.set_tslice || a.set_ratelimit || a.set_migr_delay))
        return set_credit_params(&a);
    if (a.schedparam) {
        credit_pool_line();
        return 0;
    }
    return a.dom ? domain_credit(&a) : list_credit();
}

/* ---- xl sched-credit2 ---- */

/* -s [-r US]: Pool-0 runs credit, so its credit2 parameters do not
 * exist (the hypervisor says EINVAL). */
static int credit2_params(bool set, unsigned long ratelimit)
{
    struct xen_sysctl_credit2_schedule s = { (uint32_t)ratelimit };
    int rc = xc_sched_pool_params(XEN_SCHEDULER_CREDIT2,
                                  set ? XEN_SYSCTL_SCHEDOP_putinfo
                                      : XEN_SYSCTL_SCHEDOP_getinfo,
                                  &s, sizeof(s));

    if (!rc && !set)
        printf("Cpupool %s: ratelimit=%uus\n", POOL_NAME, s.ratelimit_us);
    if (!rc)
        return 0;
    fprintf(stderr, "libxl_sched_credit2_params_%s failed.\n",
            set ? "set" : "get");
    if (set)
        return 1;
    printf("Cpupool %s: [sched params unavailable]\n", POOL_NAME);
    return 0;
}

/* -d DOM [-w W] [-c C]: the domain is in a credit pool. */
static int credit2_domain(const char *dom, bool set)
{
    struct xl_credit_dom none;
    int domid = xl_domain_arg(dom, NULL);

    if (domid < 0)
        return 1;
    if (set) {
        fprintf(stderr, "libxl_domain_sched_params_set failed.\n");
        return 1;
    }
    xlfmt_sched_credit_doms(stdout, &none, 0);     /* the header */
    fprintf(stderr, "libxl_domain_sched_params_get returned %s not "
            "credit2.\n", xl_scheduler_name(xc_sched_id()));
    return 1;
}

int main_sched_credit2(int argc, char **argv)
{
    static const struct xl_longopt longopts[] = {
        { "domain", true, 'd' }, { "weight", true, 'w' }, { "cap", true, 'c' },
        { "schedparam", false, 's' }, { "ratelimit_us", true, 'r' },
        { "cpupool", true, 'p' }, { NULL, false, 0 },
    };
    struct xl_opts o;
    unsigned long ratelimit = 0;
    int rc = xl_scan(argc, argv, "d:w:c:p:r:s", longopts, 0, &o);

    if (rc >= 0)
        return rc;
    if (o.seen['p'] && (o.seen['d'] || o.seen['w'] || o.seen['c'])) {
        fprintf(stderr, "Specifying a cpupool is not allowed with other "
                "options.\n");
        return 1;
    }
    if (!o.seen['d'] && (o.seen['w'] || o.seen['c'])) {
        fprintf(stderr, "Must specify a domain.\n");
        return 1;
    }
    if (!pool_ok(o.arg['p']))
        return 1;
    if (o.seen['r'] && xl_parse_ulong(o.arg['r'], 0x7fffffff, &ratelimit)) {
        fprintf(stderr, "invalid ratelimit: %s\n", o.arg['r']);
        return 1;
    }
    if (o.seen['s'])
        return credit2_params(o.seen['r'], ratelimit);
    if (o.seen['d'])
        return credit2_domain(o.arg['d'], o.seen['w'] || o.seen['c']);
    return 0;                           /* no pool runs credit2 */
}

/* ---- xl cpupool-list ---- */

int main_cpupool_list(int argc, char **argv)
{
    static const struct xl_longopt longopts[] = {
        { "cpus", false, 'c' }, { NULL, false, 0 },
    };
    struct xen_sysctl_physinfo pi;
    struct xl_opts o;
    unsigned int ndoms;
    xc_dominfo_t *all;
    int rc = xl_scan(argc, argv, "c", longopts, 0, &o);

    if (rc >= 0)
        return rc;
    if (o.nargs && strcmp(o.args[0], POOL_NAME)) {
        fprintf(stderr, "Pool '%s' does not exist\n", o.args[0]);
        return 1;
    }
    if (xc_physinfo(&pi) || !(all = xl_list_domains(&ndoms))) {
        fprintf(stderr, "error getting cpupool info\n");
        return 1;
    }
    free(all);
    printf("%-19s", "Name");
    printf(o.seen['c'] ? "CPU list\n" : "CPUs   Sched     Active   Domain count\n");
    printf("%-19s", POOL_NAME);
    for (unsigned int c = 0; o.seen['c'] && c < pi.nr_cpus; c++)
        printf("%s%u", c ? "," : "", c);
    if (!o.seen['c'])
        printf("%3u %9s       y       %4u", pi.nr_cpus,
               xl_scheduler_name(xc_sched_id()), ndoms);
    printf("\n");
    return 0;
}
