/*
 * What the xl command files (cmd_<area>.c) share: option scanning with
 * xl's help and usage conventions, domain arguments, names, and the
 * hypervisor's list of domains.
 */
#ifndef DOM0_CMD_COMMON_H
#define DOM0_CMD_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "dom.h"
#include "xc.h"
#include "xlargs.h"

/* The options of one command line, after xl_scan. */
struct xl_opts {
    bool seen[128];                     /* by option character */
    const char *arg[128];               /* the argument of each */
    char **args;                        /* positional arguments */
    int nargs;
};

/*
 * Scan argv (argv[0] the command) for optstring's options and at least
 * reqargs positional arguments.  Returns -1 to go on, or the status the
 * command should return: 0 after -h (its help printed), 2 after a bad
 * command line (message and help printed).
 */
int xl_scan(int argc, char **argv, const char *optstring,
            const struct xl_longopt *longopts, int reqargs,
            struct xl_opts *o);

/* `xl help CMD` (for usage errors); returns status. */
int xl_help_status(const char *cmd, int status);

/* The status for what an xl_parse_*_args returned (not 0): the help
 * after -h (0) or a usage error (2), else rc. */
int xl_parse_status(const char *cmd, int rc);

/*
 * A domain argument (id or name) of a domain dom0 knows: its id, or -1
 * after "NAME is an invalid domain identifier (rc=-6)".  With verb
 * (e.g. "pause") Domain-0 is refused too: "xl: cannot pause Domain-0".
 */
int xl_domain_arg(const char *s, const char *verb);

/* The name xl shows for domid ("(null)" for a domain dom0 did not
 * build). */
const char *xl_domain_name(domid_t domid);

/* Every domain the hypervisor has, by id (malloc'd; *n set).  NULL after
 * a message if the hypervisor cannot say. */
xc_dominfo_t *xl_list_domains(unsigned int *n);

/* One domain's information; false after "Error: Domain 'S' does not
 * exist." (S the argument that named it). */
bool xl_domain_info(domid_t domid, const char *s, xc_dominfo_t *info);

/* libxl's name of a XEN_SCHEDULER_* ("credit"), "unknown" for others. */
const char *xl_scheduler_name(int sched_id);

/* A hypervisor error as text ("ESRCH"). */
const char *xl_errname(int rc);

#endif /* DOM0_CMD_COMMON_H */
