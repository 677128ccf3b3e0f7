/*
 * The option sets of the xl commands that take more than a domain name
 * (see xlargs.h): create, sched-credit, top, shutdown/reboot and
 * vcpu-pin, each scanned with xl_getopt and checked as xl checks them.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "xlargs.h"

#define say(err, ...) do { if (err) fprintf(err, __VA_ARGS__); } while (0)

/* Runs the scan, handing each option to fn; returns 0 or a status. */
typedef int (*opt_fn)(int opt, const char *optarg, void *a, FILE *err);

static int scan(struct xl_getopt *g, opt_fn fn, void *a)
{
    int opt, rc;

    while ((opt = xl_getopt(g)) != XL_OPT_END) {
        if (opt == XL_OPT_HELP || opt == XL_OPT_USAGE)
            return opt == XL_OPT_HELP ? XL_OPT_HELP : XL_EXIT_USAGE;
        rc = fn(opt, g->optarg, a, g->err);
        if (rc)
            return rc;
    }
    return 0;
}

static int number_opt(const char *what, const char *s, unsigned long max,
                      unsigned long *val, FILE *err)
{
    if (xl_parse_ulong(s, max, val) == 0)
        return 0;
    say(err, "invalid %s: %s\n", what, s);
    return XL_EXIT_FAILURE;
}

static int create_opt(int opt, const char *optarg, void *arg, FILE *err)
{
    struct xl_create_args *a = arg;

    switch (opt) {
    case 'c': a->console = true; break;
    case 'p': a->paused = true; break;
    case 'n': a->dryrun = true; break;
    case 'q': a->quiet = true; break;
    case 'f': a->file = optarg; break;
    default: break;             /* -F -d -e -V -A: accepted, no effect */
    }
    return 0;
}

int xl_parse_create_args(int argc, char **argv, struct xl_create_args *a,
                         FILE *err)
{
    static const struct xl_longopt longopts[] = {
        { "dryrun", false, 'n' }, { "quiet", false, 'q' },
        { "defconfig", true, 'f' }, { NULL, false, 0 },
    };
    struct xl_getopt g;
    int rc;

    memset(a, 0, sizeof(*a));
    xl_getopt_init(&g, argc, argv, "Fnqf:pcdeVA", longopts, "create", 0,
                   err);
    rc = scan(&g, create_opt, a);
    if (rc)
        return rc;
    a->overrides = g.args;
    for (int i = 0; i < g.nargs; i++) {
        if (strchr(g.args[i], '='))
            a->overrides[a->noverrides++] = g.args[i];
        else if (!a->file)
            a->file = g.args[i];
        else {
            say(err, "xl create takes one configuration file, "
                     "not also '%s'.\n", g.args[i]);
            return XL_EXIT_USAGE;
        }
    }
    if (!a->file) {
        say(err, "Config file not specified\n");
        return XL_EXIT_FAILURE;
    }
    return 0;
}

static int credit_opt(int opt, const char *optarg, void *arg, FILE *err)
{
    struct xl_sched_credit_args *a = arg;

    switch (opt) {
    case 'd': a->dom = optarg; return 0;
    case 'p': a->pool = optarg; return 0;
    case 's': a->schedparam = true; return 0;
    case 'w':
        a->set_weight = true;
        if (number_opt("weight", optarg, ULONG_MAX, &a->weight, err))
            return XL_EXIT_FAILURE;
        if (a->weight < 1 || a->weight > 65535) {
            say(err, "Cpu weight out of range, valid values are within "
                     "range from 1 to 65535\n");
            return XL_EXIT_FAILURE;
        }
        return 0;
    case 'c':
        a->set_cap = true;
        return number_opt("cap", optarg, 65535, &a->cap, err);
    case 't':
        a->set_tslice = true;
        return number_opt("tslice", optarg, 1000000, &a->tslice_ms, err);
    case 'r':
        a->set_ratelimit = true;
        return number_opt("ratelimit", optarg, 1000000, &a->ratelimit_us,
                          err);
    default:
        a->set_migr_delay = true;
        return number_opt("migration delay", optarg, 1000000,
                          &a->migr_delay_us, err);
    }
}

/* The combinations xl refuses, with xl's words. */
static int credit_check(const struct xl_sched_credit_args *a, FILE *err)
{
    bool dom_opts = a->dom || a->set_weight || a->set_cap;
    bool pool_opts = a->set_tslice || a->set_ratelimit || a->set_migr_delay;

    if ((a->pool || a->schedparam) && dom_opts) {
        say(err, "Specifying a cpupool or schedparam is not allowed with "
                 "domain options.\n");
        return XL_EXIT_FAILURE;
    }
    if (!a->dom && (a->set_weight || a->set_cap)) {
        say(err, "Must specify a domain.\n");
        return XL_EXIT_FAILURE;
    }
    if (!a->schedparam && pool_opts) {
        say(err, "Must specify schedparam to set schedule parameter "
                 "values.\n");
        return XL_EXIT_FAILURE;
    }
    return 0;
}

int xl_parse_sched_credit_args(int argc, char **argv,
                               struct xl_sched_credit_args *a, FILE *err)
{
    static const struct xl_longopt longopts[] = {
        { "domain", true, 'd' }, { "weight", true, 'w' },
        { "cap", true, 'c' }, { "schedparam", false, 's' },
        { "tslice_ms", true, 't' }, { "ratelimit_us", true, 'r' },
        { "migration_delay_us", true, 'm' }, { "cpupool", true, 'p' },
        { NULL, false, 0 },
    };
    struct xl_getopt g;
    int rc;

    memset(a, 0, sizeof(*a));
    xl_getopt_init(&g, argc, argv, "d:w:c:p:t:r:m:s", longopts,
                   "sched-credit", 0, err);
    rc = scan(&g, credit_opt, a);
    if (!rc && g.nargs) {
        say(err, "unexpected argument: %s\n", g.args[0]);
        rc = XL_EXIT_USAGE;
    }
    return rc ? rc : credit_check(a, err);
}

static int top_opt(int opt, const char *optarg, void *arg, FILE *err)
{
    struct xl_top_args *a = arg;

    if (opt == 'b')
        a->batch = true;
    else if (opt == 'i')
        return number_opt("number of iterations", optarg, ULONG_MAX,
                          &a->iterations, err);
    else if (opt == 'd') {
        if (number_opt("delay", optarg, 86400, &a->delay_s, err))
            return XL_EXIT_FAILURE;
        if (a->delay_s == 0) {
            say(err, "invalid delay: %s\n", optarg);
            return XL_EXIT_FAILURE;
        }
    }
    return 0;                   /* -n -x -r -v -f -z: nothing to show */
}

int xl_parse_top_args(int argc, char **argv, struct xl_top_args *a,
                      FILE *err)
{
    static const struct xl_longopt longopts[] = {
        { "batch", false, 'b' }, { "iterations", true, 'i' },
        { "delay", true, 'd' }, { NULL, false, 0 },
    };
    struct xl_getopt g;

    memset(a, 0, sizeof(*a));
    a->delay_s = 3;
    xl_getopt_init(&g, argc, argv, "bi:d:nxrvfz", longopts, "top", 0, err);
    return scan(&g, top_opt, a);
}

static int shutdown_opt(int opt, const char *optarg, void *arg, FILE *err)
{
    struct xl_shutdown_args *a = arg;

    if (opt == 'a')
        a->all = true;
    else if (opt == 'w')
        a->wait = true;
    else
        a->fallback = true;
    return 0;
}

int xl_parse_shutdown_args(int argc, char **argv, struct xl_shutdown_args *a,
                           FILE *err)
{
    static const struct xl_longopt longopts[] = {
        { "all", false, 'a' }, { "wait", false, 'w' }, { NULL, false, 0 },
    };
    struct xl_getopt g;
    int rc;

    memset(a, 0, sizeof(*a));
    xl_getopt_init(&g, argc, argv, "awF", longopts, argv[0], 0, err);
    rc = scan(&g, shutdown_opt, a);
    if (rc)
        return rc;
    a->dom = g.nargs ? g.args[0] : NULL;
    if (!a->dom && !a->all) {
        say(err, "You must specify -a or a domain id.\n\n");
        return XL_EXIT_FAILURE;
    }
    return 0;
}

static int vcpu_pin_opt(int opt, const char *optarg, void *arg, FILE *err)
{
    ((struct xl_vcpu_pin_args *)arg)->force = true;
    return 0;
}

/* HARD or SOFT: "-" leaves that affinity alone. */
static int affinity_arg(const char *s, unsigned int nr_cpus, bool *set,
                        struct xl_cpumap *map, FILE *err)
{
    xl_cpumap_clear(map);
    *set = s && strcmp(s, "-") != 0;
    return *set ? xl_parse_cpulist(s, nr_cpus, map, err) : 0;
}

int xl_parse_vcpu_pin_args(int argc, char **argv, unsigned int nr_cpus,
                           struct xl_vcpu_pin_args *a, FILE *err)
{
    static const struct xl_longopt longopts[] = {
        { "force", false, 'f' }, { NULL, false, 0 },
    };
    struct xl_getopt g;
    int rc;

    memset(a, 0, sizeof(*a));
    xl_getopt_init(&g, argc, argv, "f", longopts, "vcpu-pin", 3, err);
    rc = scan(&g, vcpu_pin_opt, a);
    if (rc)
        return rc;
    a->dom = g.args[0];
    if (xl_parse_vcpu(g.args[1], &a->vcpu, err))
        return XL_EXIT_FAILURE;
    if (a->force && a->vcpu == -1) {
        say(err, "Error: --force and 'all' as VCPU not allowed.\n");
        return XL_EXIT_FAILURE;
    }
    if (affinity_arg(g.args[2], nr_cpus, &a->set_hard, &a->hard, err) ||
        affinity_arg(g.nargs > 3 ? g.args[3] : NULL, nr_cpus, &a->set_soft,
                     &a->soft, err))
        return XL_EXIT_FAILURE;
    return 0;
}
