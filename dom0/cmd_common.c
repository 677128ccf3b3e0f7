/*
 * Helpers of the xl command files (see cmd_common.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guest/guest.h>
#include <guest/pt.h>

#include "cmd_common.h"
#include "xl.h"
#include "xl_cmds.h"
#include "xen_errno.h"

int xl_help_status(const char *cmd, int status)
{
    char *argv[] = { "help", (char *)cmd, NULL };

    main_help(2, argv);
    return status;
}

int xl_parse_status(const char *cmd, int rc)
{
    if (rc == XL_OPT_HELP)
        return xl_help_status(cmd, 0);
    return rc == XL_EXIT_USAGE ? xl_help_status(cmd, rc) : rc;
}

int xl_scan(int argc, char **argv, const char *optstring,
            const struct xl_longopt *longopts, int reqargs,
            struct xl_opts *o)
{
    struct xl_getopt g;
    int opt;

    memset(o, 0, sizeof(*o));
    xl_getopt_init(&g, argc, argv, optstring, longopts, argv[0], reqargs,
                   stderr);
    while ((opt = xl_getopt(&g)) != XL_OPT_END) {
        if (opt == XL_OPT_HELP)
            return xl_help_status(argv[0], 0);
        if (opt == XL_OPT_USAGE)
            return xl_help_status(argv[0], XL_EXIT_USAGE);
        o->seen[opt & 127] = true;
        o->arg[opt & 127] = g.optarg;
    }
    o->args = g.args;
    o->nargs = g.nargs;
    return -1;
}

int xl_domain_arg(const char *s, const char *verb)
{
    int domid = dom_lookup(s, stderr);

    if (domid == 0 && verb) {
        fprintf(stderr, "xl: cannot %s Domain-0\n", verb);
        return -1;
    }
    return domid;
}

const char *xl_domain_name(domid_t domid)
{
    struct dom *d = dom_find(domid);

    return d ? d->name : "(null)";
}

xc_dominfo_t *xl_list_domains(unsigned int *n)
{
    xc_dominfo_t *buf = malloc(DOM_MAX * sizeof(*buf));
    int rc = buf ? xc_domain_list(0, buf, DOM_MAX) : -XEN_ENOMEM;

    if (rc < 0) {
        fprintf(stderr, "libxl_list_domain failed (%s).\n", xl_errname(rc));
        free(buf);
        return NULL;
    }
    *n = (unsigned int)rc;
    return buf;
}

bool xl_domain_info(domid_t domid, const char *s, xc_dominfo_t *info)
{
    /* getdomaininfo answers with the next domain up when this one is
     * gone, as Xen's does: check the id. */
    if (xc_domain_info(domid, info) == 0 && info->domain == domid)
        return true;
    fprintf(stderr, "Error: Domain '%s' does not exist.\n", s);
    return false;
}

const char *xl_errname(int rc)
{
    return xc_strerror(rc);
}

const char *xl_scheduler_name(int sched_id)
{
    switch (sched_id) {
    case XEN_SCHEDULER_CREDIT: return "credit";
    case XEN_SCHEDULER_CREDIT2: return "credit2";
    case XEN_SCHEDULER_RTDS: return "rtds";
    case XEN_SCHEDULER_NULL: return "null";
    default: return "unknown";
    }
}
