/*
 * vCPUs and the credit scheduler: xl vcpu-list, xl vcpu-pin and
 * xl sched-credit.
 *
 *   xl vcpu-list [DOM ...]
 *   xl vcpu-pin [-f] DOM VCPU|all HARD [SOFT]
 *   xl sched-credit [-d DOM [-w WEIGHT] [-c CAP]]
 *
 * The hypervisor keeps hard affinity only (soft affinity is accepted and
 * reported as every CPU); credit weights and caps per domain.  Pool-wide
 * parameters (-s, -t, -r, -m) are not offered by the hypervisor.
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

static unsigned int host_cpus(void)
{
    struct xen_sysctl_physinfo pi;

    return xc_physinfo(&pi) ? 0 : pi.nr_cpus;
}

/* ---- xl vcpu-list ---- */

struct vcpu_rows {
    struct xl_vcpuinfo *rows;
    unsigned int n;
};

/* Add the vCPUs of one domain; false if the hypervisor refused. */
static bool add_vcpus(struct vcpu_rows *r, const xc_dominfo_t *info)
{
    unsigned int n = info->max_vcpu_id == XEN_INVALID_MAX_VCPU_ID
                         ? 0 : info->max_vcpu_id + 1;
    struct xl_vcpuinfo *more = realloc(r->rows, (r->n + n + 1) * sizeof(*more));
    const char *name = xl_domain_name(info->domain);

    if (!more)
        return false;
    r->rows = more;
    for (unsigned int v = 0; v < n; v++) {
        struct xen_domctl_getvcpuinfo vi;
        uint64_t hard;
        int rc;

        if ((rc = xc_vcpu_info(info->domain, v, &vi)) ||
            (rc = xc_vcpu_get_affinity(info->domain, v, &hard))) {
            fprintf(stderr, "xl: cannot read vcpu %u of domain %u: %s\n", v,
                    info->domain, xl_errname(rc));
            return false;
        }
        /* Soft affinity is not kept: every CPU. */
        xlstate_vcpuinfo(&vi, name, info->domain, hard, ~0ull,
                         &r->rows[r->n++]);
    }
    return true;
}

int main_vcpu_list(int argc, char **argv)
{
    struct vcpu_rows r = { NULL, 0 };
    xc_dominfo_t *all = NULL, one;
    unsigned int n = 0;
    struct xl_opts o;
    int rc = xl_scan(argc, argv, "", NULL, 0, &o);

    if (rc >= 0)
        return rc;
    if (!o.nargs && !(all = xl_list_domains(&n)))
        return 1;
    rc = 0;
    for (unsigned int i = 0; i < (o.nargs ? (unsigned int)o.nargs : n); i++) {
        int domid;

        if (all)
            rc |= !add_vcpus(&r, &all[i]);
        else if ((domid = dom_lookup(o.args[i], stderr)) < 0 ||
                 !xl_domain_info((domid_t)domid, o.args[i], &one))
            rc = 1;
        else
            rc |= !add_vcpus(&r, &one);
    }
    xlfmt_vcpu_list(stdout, r.rows, r.n, host_cpus());
    free(r.rows);
    free(all);
    return rc;
}

/* ---- xl vcpu-pin ---- */

static int pin_one(domid_t domid, unsigned int vcpu,
                   const struct xl_vcpu_pin_args *a)
{
    int rc = a->set_hard ? xc_vcpu_set_affinity(domid, vcpu,
                                                xlstate_cpumap_bits(&a->hard))
                         : 0;

    if (rc) {
        fprintf(stderr, "Could not set affinity for vcpu `%u' (%s).\n", vcpu,
                xl_errname(rc));
        return 1;
    }
    return 0;
}

int main_vcpu_pin(int argc, char **argv)
{
    struct xl_vcpu_pin_args a;
    xc_dominfo_t info;
    unsigned int first, last;
    int domid, rc = xl_parse_vcpu_pin_args(argc, argv, host_cpus(), &a,
                                           stderr);

    if (rc)
        return xl_parse_status(argv[0], rc);
    if ((domid = xl_domain_arg(a.dom, NULL)) < 0 ||
        !xl_domain_info((domid_t)domid, a.dom, &info))
        return 1;
    first = a.vcpu < 0 ? 0 : (unsigned int)a.vcpu;
    last = a.vcpu < 0 ? info.max_vcpu_id : (unsigned int)a.vcpu;
    if (first > info.max_vcpu_id) {
        fprintf(stderr, "Error: vcpu %u does not exist in domain %d.\n",
                first, domid);
        return 1;
    }
    if (a.set_hard && xlstate_cpumap_bits(&a.hard) == 0) {
        fprintf(stderr, "Error: no CPU in the hard affinity.\n");
        return 1;
    }
    for (unsigned int v = first; v <= last; v++)
        if (pin_one((domid_t)domid, v, &a))
            return 1;
    return 0;
}

/* ---- xl sched-credit ---- */

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
        fprintf(stderr, "xl: cannot read the credit of domain %u: %s\n",
                domid, xl_errname(rc));
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

    if (!r || !(all = xl_list_domains(&n))) {
        free(r);
        return 1;
    }
    for (unsigned int i = 0; i < n; i++)
        add_credit(r, all[i].domain);
    xlfmt_sched_credit_pool(stdout, POOL_NAME, NULL);
    xlfmt_sched_credit_doms(stdout, r->rows, r->n);
    n = (unsigned int)r->rc;
    free(all);
    free(r);
    return (int)n;
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
        fprintf(stderr, "libxl_domain_sched_params_%s failed: %s\n",
                a->set_weight || a->set_cap ? "set" : "get", xl_errname(rc));
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
    if (a.pool && strcmp(a.pool, POOL_NAME) != 0) {
        fprintf(stderr, "unknown cpupool '%s'\n", a.pool);
        return 1;
    }
    if (a.schedparam && (a.set_tslice || a.set_ratelimit ||
                         a.set_migr_delay)) {
        fprintf(stderr, "xl: the hypervisor does not offer setting the "
                "credit scheduler's parameters\n");
        return 1;
    }
    if (a.schedparam) {
        xlfmt_sched_credit_pool(stdout, POOL_NAME, NULL);
        return 0;
    }
    return a.dom ? domain_credit(&a) : list_credit();
}
