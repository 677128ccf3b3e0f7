/*
 * vCPUs: xl vcpu-list, xl vcpu-pin and xl vcpu-set.
 *
 *   xl vcpu-list [DOM ...]
 *   xl vcpu-pin [-f] DOM VCPU|all HARD [SOFT]
 *   xl vcpu-set [-i] DOM N
 *
 * The hypervisor keeps a hard affinity (where a vCPU may run) and a soft
 * one (where it would rather run).  vcpu-set does what xl does for a PV
 * guest: it writes "online" or "offline" to the guest's
 * cpu/<N>/availability in xenstore, and the guest brings its vCPUs up or
 * down itself (guests/lib does, while it idles).  Domain-0 is dom0 itself:
 * it acts on its own nodes at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guest/guest.h>

#include "cmd_common.h"
#include "xl.h"
#include "xl_cmds.h"
#include "xlfmt.h"
#include "xlstate.h"
#include "xsd.h"

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
        uint64_t hard, soft;
        int rc;

        if ((rc = xc_vcpu_info(info->domain, v, &vi)) ||
            (rc = xc_vcpu_get_affinity(info->domain, v, &hard, &soft))) {
            fprintf(stderr, "xl: cannot read vcpu %u of domain %u: %s\n", v,
                    info->domain, xl_errname(rc));
            return false;
        }
        xlstate_vcpuinfo(&vi, name, info->domain, hard, soft,
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
        else if ((domid = xl_domain_arg(o.args[i], NULL)) < 0 ||
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
    uint64_t hard = xlstate_cpumap_bits(&a->hard);
    uint64_t soft = xlstate_cpumap_bits(&a->soft);
    int rc = xc_vcpu_set_affinity(domid, vcpu, a->set_hard ? &hard : NULL,
                                  a->set_soft ? &soft : NULL);

    if (rc) {
        fprintf(stderr, "Could not set affinity for vcpu `%u' (%s).\n", vcpu,
                xl_errname(rc));
        return 1;
    }
    return 0;
}

/* xl -N vcpu-pin: "cpumap: HARD [SOFT]", as xl prints it. */
static int pin_dry_run(const struct xl_vcpu_pin_args *a)
{
    printf("cpumap: ");
    if (a->set_hard)
        xlfmt_cpumap(stdout, &a->hard, host_cpus());
    else
        printf("-");
    if (a->set_soft) {
        printf(" ");
        xlfmt_cpumap(stdout, &a->soft, host_cpus());
    }
    printf("\n");
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
    if (xl_dry_run)
        return pin_dry_run(&a);
    first = a.vcpu < 0 ? 0 : (unsigned int)a.vcpu;
    last = a.vcpu < 0 ? info.max_vcpu_id : (unsigned int)a.vcpu;
    if (first > info.max_vcpu_id) {
        fprintf(stderr, "Error: vcpu %u does not exist in domain %d.\n",
                first, domid);
        return 1;
    }
    if ((a.set_hard && !xlstate_cpumap_bits(&a.hard)) ||
        (a.set_soft && !xlstate_cpumap_bits(&a.soft))) {
        fprintf(stderr, "Error: no CPU in the %s affinity.\n",
                a.set_hard && !xlstate_cpumap_bits(&a.hard) ? "hard"
                                                            : "soft");
        return 1;
    }
    for (unsigned int v = first; v <= last; v++)
        if (pin_one((domid_t)domid, v, &a))
            return 1;
    return 0;
}

/* ---- xl vcpu-set ---- */

/* xl's checks of N against the domain and the host; 1 after a message. */
static int vcpu_set_check(const xc_dominfo_t *info, unsigned long n,
                          bool check_host)
{
    unsigned int max = info->max_vcpu_id + 1, host = host_cpus();

    if (check_host && n > info->nr_online_vcpus && n > host) {
        fprintf(stderr, "You are overcommmitting! You have %u physical CPUs "
                "and want %lu vCPUs! Aborting, use --ignore-host to "
                "continue\n", host, n);
        return 1;
    }
    if (n == 0 || n > max) {
        if (n == 0)
            fprintf(stderr, "xl: domain %u: requested 0 vCPUs\n",
                    info->domain);
        else
            fprintf(stderr, "xl: domain %u: requested %lu vCPUs, however "
                    "maxvcpus is %u\n", info->domain, n, max);
        fprintf(stderr, "libxl_set_vcpuonline failed domid=%u max_vcpus=%lu,"
                " rc: -3\n", info->domain, n);
        return 1;
    }
    return 0;
}

int main_vcpu_set(int argc, char **argv)
{
    static const struct xl_longopt longopts[] = {
        { "ignore-host", false, 'i' }, { NULL, false, 0 },
    };
    struct xl_opts o;
    xc_dominfo_t info;
    unsigned long n;
    char *end;
    int domid, rc = xl_scan(argc, argv, "i", longopts, 2, &o);

    if (rc >= 0)
        return rc;
    if ((domid = xl_domain_arg(o.args[0], NULL)) < 0 ||
        !xl_domain_info((domid_t)domid, o.args[0], &info))
        return 1;
    n = strtoul(o.args[1], &end, 10);
    if (end == o.args[1] || n > 0x7fffffff) {
        fprintf(stderr, "Error: Invalid argument.\n");
        return 1;
    }
    if (vcpu_set_check(&info, n, !o.seen['i']))
        return 1;
    if ((rc = xsd_vcpu_availability((domid_t)domid, info.max_vcpu_id + 1,
                                   (unsigned int)n))) {
        fprintf(stderr, "libxl_set_vcpuonline failed domid=%d max_vcpus=%lu,"
                " rc: %d\n", domid, n, rc);
        return 1;
    }
    for (unsigned int v = 1; domid == 0 && v <= info.max_vcpu_id; v++)
        g_vcpu_set_online(v, v < n);    /* dom0 follows its own nodes */
    return 0;
}
