/*
 * xl's command-line conventions: option parsing in xl's style, memory
 * sizes, CPU lists, domain identifiers, and the option sets of the
 * commands that take more than a domain name.
 *
 * Pure helpers: no hypercalls, no global state.  Messages go to the FILE*
 * the caller passes (NULL: say nothing), worded as Xen 4.17's xl words
 * them where xl has a message for the case:
 *
 *     option `x' not supported.
 *     'xl CMD' requires at least N argument(s).      (then a blank line)
 *     invalid memory size: SIZE
 *     Invalid pcpu range: RANGE.
 *     Can't combine "^" and "all".
 *     Error: Invalid argument VCPU as VCPU.
 *     NAME is an invalid domain identifier (rc=-6)
 *     command not implemented
 *
 * Status codes follow xl: 0 success, 1 (XL_EXIT_FAILURE) for a bad value,
 * 2 (XL_EXIT_USAGE) for a bad command line (the caller then prints the
 * command's help).
 */
#ifndef DOM0_XLARGS_H
#define DOM0_XLARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define XL_EXIT_FAILURE 1
#define XL_EXIT_USAGE   2

/* libxl's ERROR_INVAL: what xl reports for a name no domain has. */
#define XL_ERROR_INVAL  (-6)

/* ---- getopt in xl's style ---- */

struct xl_longopt {
    const char *name;           /* without the leading "--" */
    bool has_arg;
    int val;                    /* returned as if it were a short option */
};

/*
 * State of one option scan.  Options and their arguments may come before,
 * between or after the positional arguments (as GNU getopt permutes
 * them); "--" ends the options; "-" alone is a positional argument.  The
 * positional arguments are gathered, in order, at the front of argv + 1
 * (the array is rewritten; the strings are not touched) and are
 * available as args[0..nargs-1] once xl_getopt has returned XL_OPT_END.
 * An optstring starting with '+' stops at the first positional argument
 * (for xl's global options before the command name).
 */
struct xl_getopt {
    int argc;
    char **argv;                /* argv[0] is the command name */
    const char *optstring;      /* getopt's syntax: "pcn" "i:" */
    const struct xl_longopt *longopts;  /* may be NULL */
    const char *cmd;            /* command name for messages */
    int reqargs;                /* positional arguments required */
    FILE *err;

    const char *optarg;         /* argument of the option just returned */
    int optopt;                 /* the option just returned or rejected */
    char **args;                /* positional arguments */
    int nargs;

    int ind, sub;               /* private: scan position */
};

#define XL_OPT_END    (-1)      /* no more options; args/nargs are set */
#define XL_OPT_HELP   (-2)      /* -h or --help: print help, exit 0 */
#define XL_OPT_USAGE  (-3)      /* message printed: help, exit 2 */

void xl_getopt_init(struct xl_getopt *g, int argc, char **argv,
                    const char *optstring, const struct xl_longopt *longopts,
                    const char *cmd, int reqargs, FILE *err);
int xl_getopt(struct xl_getopt *g);

/* ---- values ---- */

/*
 * A memory size as `xl mem-set` / `mem-max` take it: a decimal number and
 * at most one unit letter, t g m k or b (either case); no letter means
 * MiB.  Returns 0 and the size in KiB, or XL_EXIT_FAILURE.
 */
int xl_parse_mem_kb(const char *s, uint64_t *kb, FILE *err);

/* A decimal number 0..max with nothing after it.  0 or -1. */
int xl_parse_ulong(const char *s, unsigned long max, unsigned long *val);

/* ---- CPU lists ---- */

#define XL_MAX_CPUS 256

struct xl_cpumap {
    uint64_t bits[XL_MAX_CPUS / 64];
};

void xl_cpumap_clear(struct xl_cpumap *map);
void xl_cpumap_set(struct xl_cpumap *map, unsigned int cpu);
bool xl_cpumap_test(const struct xl_cpumap *map, unsigned int cpu);
unsigned int xl_cpumap_weight(const struct xl_cpumap *map);

/*
 * A CPU list as xl.cfg's cpus= and `xl vcpu-pin` take it: comma-separated
 * items, each "N", "N-M", "all", "node:N" / "nodes:N-M" (xen-lite has one
 * NUMA node, 0, holding every CPU), any but "all" negated by a leading '^'
 * (removed from the CPUs the items before it chose).  nr_cpus is the
 * number of host CPUs (0: not known, every CPU number below XL_MAX_CPUS
 * is accepted).  Returns 0 or XL_EXIT_FAILURE.
 */
int xl_parse_cpulist(const char *s, unsigned int nr_cpus,
                     struct xl_cpumap *map, FILE *err);

/* `xl vcpu-pin`'s VCPU argument: a number, or "all" (-1). */
int xl_parse_vcpu(const char *s, long *vcpu, FILE *err);

/* ---- domains ---- */

/* Looks a domain name up: 0 and *domid, or a negative error. */
typedef int (*xl_name_lookup_fn)(const char *name, uint32_t *domid,
                                 void *ctx);

/*
 * A domain identifier: all digits is a domain id (taken as it is, as xl
 * does; whether it exists is the command's business), anything else a
 * name resolved through lookup.  Returns 0 or XL_EXIT_FAILURE, after
 * "NAME is an invalid domain identifier (rc=-6)".
 */
int xl_find_domain(const char *s, xl_name_lookup_fn lookup, void *ctx,
                   uint32_t *domid, FILE *err);

/* "command not implemented" and a pointer to `xl help`. */
void xl_report_unknown_command(FILE *err);

/* ---- option sets of individual commands ---- */

/* xl create [-c] [-p] [-n] [-q] [-f FILE] [FILE] [KEY=VALUE ...] */
struct xl_create_args {
    bool console, paused, dryrun, quiet;
    const char *file;
    char **overrides;           /* the KEY=VALUE arguments, in order */
    int noverrides;
};

/* xl sched-credit [-d DOM [-w WEIGHT] [-c CAP]] [-p POOL] [-s [-t MS]
 *                 [-r US] [-m US]] */
struct xl_sched_credit_args {
    const char *dom, *pool;
    bool schedparam;
    bool set_weight, set_cap, set_tslice, set_ratelimit, set_migr_delay;
    unsigned long weight, cap, tslice_ms, ratelimit_us, migr_delay_us;
};

/* xl top [-b] [-i N] [-d SECONDS] (xentop's options) */
struct xl_top_args {
    bool batch;
    unsigned long iterations;   /* 0: until interrupted */
    unsigned long delay_s;      /* default 3 */
};

/* xl shutdown|reboot [-a] [-w] [-F] [DOM] */
struct xl_shutdown_args {
    bool all, wait, fallback;
    const char *dom;
};

/* xl vcpu-pin [-f] DOM VCPU HARD [SOFT]; "-" leaves an affinity alone */
struct xl_vcpu_pin_args {
    bool force;
    const char *dom;
    long vcpu;                  /* -1: all */
    bool set_hard, set_soft;
    struct xl_cpumap hard, soft;
};

/*
 * Each parses argv (argv[0] is the command name) and returns 0,
 * XL_OPT_HELP, XL_EXIT_FAILURE or XL_EXIT_USAGE.  They may reorder argv.
 */
int xl_parse_create_args(int argc, char **argv, struct xl_create_args *a,
                         FILE *err);
int xl_parse_sched_credit_args(int argc, char **argv,
                               struct xl_sched_credit_args *a, FILE *err);
int xl_parse_top_args(int argc, char **argv, struct xl_top_args *a,
                      FILE *err);
int xl_parse_shutdown_args(int argc, char **argv, struct xl_shutdown_args *a,
                           FILE *err);
int xl_parse_vcpu_pin_args(int argc, char **argv, unsigned int nr_cpus,
                           struct xl_vcpu_pin_args *a, FILE *err);

#endif /* DOM0_XLARGS_H */
