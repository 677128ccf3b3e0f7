/*
 * xl's command-line conventions (see xlargs.h): getopt in xl's style,
 * memory sizes, CPU lists and domain identifiers.  The option sets of
 * individual commands are in xlargs_cmds.c.
 */
#include <ctype.h>
#include <limits.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xlargs.h"

#define say(err, ...) do { if (err) fprintf(err, __VA_ARGS__); } while (0)

/* ---- getopt ---- */

void xl_getopt_init(struct xl_getopt *g, int argc, char **argv,
                    const char *optstring, const struct xl_longopt *longopts,
                    const char *cmd, int reqargs, FILE *err)
{
    memset(g, 0, sizeof(*g));
    g->argc = argc;
    g->argv = argv;
    g->optstring = optstring ? optstring : "";
    g->longopts = longopts;
    g->cmd = cmd;
    g->reqargs = reqargs;
    g->err = err;
    g->ind = 1;
    g->args = argv + 1;
}

static void keep_positional(struct xl_getopt *g, char *arg)
{
    g->args[g->nargs++] = arg;  /* never ahead of the scan: see xlargs.h */
}

static int finish(struct xl_getopt *g)
{
    while (g->ind < g->argc)
        keep_positional(g, g->argv[g->ind++]);
    if (g->nargs < g->reqargs) {
        say(g->err, "'xl %s' requires at least %d argument%s.\n\n", g->cmd,
            g->reqargs, g->reqargs > 1 ? "s" : "");
        return XL_OPT_USAGE;
    }
    return XL_OPT_END;
}

static int missing_arg(struct xl_getopt *g, const char *opt)
{
    say(g->err, "option `%s' requires an argument.\n", opt);
    return XL_OPT_USAGE;
}

static int long_option(struct xl_getopt *g, char *arg)
{
    char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    const struct xl_longopt *o;

    g->ind++;
    if (len == 4 && !strncmp(arg, "help", 4))
        return XL_OPT_HELP;
    for (o = g->longopts; o && o->name; o++) {
        if (strlen(o->name) != len || strncmp(o->name, arg, len))
            continue;
        g->optopt = o->val;
        if (!o->has_arg && eq) {
            say(g->err, "option `%s' takes no argument.\n", o->name);
            return XL_OPT_USAGE;
        }
        if (!o->has_arg)
            return o->val;
        if (eq)
            g->optarg = eq + 1;
        else if (g->ind < g->argc)
            g->optarg = g->argv[g->ind++];
        else
            return missing_arg(g, o->name);
        return o->val;
    }
    say(g->err, "option `%.*s' not supported.\n", (int)len, arg);
    return XL_OPT_USAGE;
}

/* The next short option of a cluster such as "-pc" or "-i5". */
static int short_option(struct xl_getopt *g)
{
    char *word = g->argv[g->ind];
    char c = word[g->sub++];
    char *rest = word + g->sub;
    const char *spec = strchr(g->optstring, c);
    bool last = *rest == '\0';

    g->optopt = c;
    if (c == ':' || c == '+' || !spec) {
        if (last)
            g->ind++, g->sub = 0;
        if (c == 'h')
            return XL_OPT_HELP;
        say(g->err, "option `%c' not supported.\n", c);
        return XL_OPT_USAGE;
    }
    if (spec[1] != ':') {
        if (last)
            g->ind++, g->sub = 0;
        return c;
    }
    g->ind++;
    g->sub = 0;
    if (!last)
        g->optarg = rest;
    else if (g->ind < g->argc)
        g->optarg = g->argv[g->ind++];
    else
        return missing_arg(g, (char[]){ c, '\0' });
    return c;
}

int xl_getopt(struct xl_getopt *g)
{
    bool in_order = g->optstring[0] == '+';

    g->optarg = NULL;
    if (g->sub)
        return short_option(g);
    while (g->ind < g->argc) {
        char *arg = g->argv[g->ind];

        if (!strcmp(arg, "--")) {
            g->ind++;
            return finish(g);
        }
        if (arg[0] == '-' && arg[1] == '-')
            return long_option(g, arg + 2);
        if (arg[0] == '-' && arg[1] != '\0') {
            g->sub = 1;
            return short_option(g);
        }
        if (in_order)
            return finish(g);
        keep_positional(g, arg);
        g->ind++;
    }
    return finish(g);
}

/* ---- values ---- */

int xl_parse_ulong(const char *s, unsigned long max, unsigned long *val)
{
    char *end;
    unsigned long v;

    if (!isdigit((unsigned char)s[0]))
        return -1;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *val = v;
    return 0;
}

/* KiB per unit, as a shift: negative shifts divide (bytes). */
static bool mem_unit_shift(char unit, int *shift)
{
    switch (tolower((unsigned char)unit)) {
    case 't': *shift = 30; return true;
    case 'g': *shift = 20; return true;
    case '\0':
    case 'm': *shift = 10; return true;
    case 'k': *shift = 0; return true;
    case 'b': *shift = -10; return true;
    default: return false;
    }
}

int xl_parse_mem_kb(const char *s, uint64_t *kb, FILE *err)
{
    char *end;
    unsigned long long v;
    int shift;

    errno = 0;
    v = isdigit((unsigned char)s[0]) ? strtoull(s, &end, 10) : 0;
    if (!isdigit((unsigned char)s[0]) || errno || strlen(end) > 1 ||
        !mem_unit_shift(*end, &shift) ||
        (shift > 0 && v > (UINT64_MAX >> shift))) {
        say(err, "invalid memory size: %s\n", s);
        return XL_EXIT_FAILURE;
    }
    *kb = shift >= 0 ? (uint64_t)v << shift : (uint64_t)v >> -shift;
    return 0;
}

/* ---- CPU maps and lists ---- */

void xl_cpumap_clear(struct xl_cpumap *map)
{
    memset(map, 0, sizeof(*map));
}

void xl_cpumap_set(struct xl_cpumap *map, unsigned int cpu)
{
    if (cpu < XL_MAX_CPUS)
        map->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

static void cpumap_reset(struct xl_cpumap *map, unsigned int cpu)
{
    if (cpu < XL_MAX_CPUS)
        map->bits[cpu / 64] &= ~(1ULL << (cpu % 64));
}

bool xl_cpumap_test(const struct xl_cpumap *map, unsigned int cpu)
{
    return cpu < XL_MAX_CPUS && (map->bits[cpu / 64] >> (cpu % 64)) & 1;
}

unsigned int xl_cpumap_weight(const struct xl_cpumap *map)
{
    unsigned int n = 0;

    for (unsigned int cpu = 0; cpu < XL_MAX_CPUS; cpu++)
        n += xl_cpumap_test(map, cpu);
    return n;
}

/* "N" or "N-M" (M >= N) and nothing else, as xl's parse_range. */
static int parse_range(const char *s, unsigned long *a, unsigned long *b)
{
    const char *dash = strchr(s, '-');
    char first[24];

    if (!dash)
        return xl_parse_ulong(s, ULONG_MAX - 1, a) ||
               xl_parse_ulong(s, ULONG_MAX - 1, b);
    if ((size_t)(dash - s) >= sizeof(first))
        return -1;
    memcpy(first, s, (size_t)(dash - s));
    first[dash - s] = '\0';
    if (xl_parse_ulong(first, ULONG_MAX - 1, a) ||
        xl_parse_ulong(dash + 1, ULONG_MAX - 1, b))
        return -1;
    return *b < *a ? -1 : 0;
}

static bool skip_prefix(const char **s, const char *prefix)
{
    size_t n = strlen(prefix);

    if (strncmp(*s, prefix, n))
        return false;
    *s += n;
    return true;
}

/* One item of a CPU list, added to (or with '^' removed from) map. */
static int cpulist_item(const char *item, unsigned int limit,
                        struct xl_cpumap *map, FILE *err)
{
    bool neg = skip_prefix(&item, "^");
    bool nodes = skip_prefix(&item, "node:") || skip_prefix(&item, "nodes:");
    unsigned long a, b;

    if (!strcmp(item, "all")) {
        if (neg) {
            say(err, "Can't combine \"^\" and \"all\".\n");
            return XL_EXIT_FAILURE;
        }
        a = 0, b = limit - 1;
    } else if (parse_range(item, &a, &b) || (!nodes && b >= limit)) {
        say(err, "Invalid pcpu range: %s.\n", item);
        return XL_EXIT_FAILURE;
    } else if (nodes) {
        if (b > 0) {
            say(err, "NUMA node %lu does not exist.\n", b);
            return XL_EXIT_FAILURE;
        }
        a = 0, b = limit - 1;   /* node 0 holds every CPU */
    }
    for (unsigned long cpu = a; cpu <= b; cpu++)
        neg ? cpumap_reset(map, cpu) : xl_cpumap_set(map, cpu);
    return 0;
}

int xl_parse_cpulist(const char *s, unsigned int nr_cpus,
                     struct xl_cpumap *map, FILE *err)
{
    unsigned int limit = nr_cpus && nr_cpus < XL_MAX_CPUS ? nr_cpus
                                                          : XL_MAX_CPUS;
    char item[64];
    int items = 0;

    xl_cpumap_clear(map);
    while (*s) {
        size_t len = strcspn(s, ",");

        if (len >= sizeof(item)) {
            say(err, "Invalid pcpu range: %.*s.\n", (int)len, s);
            return XL_EXIT_FAILURE;
        }
        memcpy(item, s, len);
        item[len] = '\0';
        s += len + (s[len] == ',');
        if (!len)
            continue;           /* "1,,2" is "1,2", as with xl's strtok */
        if (cpulist_item(item, limit, map, err))
            return XL_EXIT_FAILURE;
        items++;
    }
    if (!items) {
        say(err, "Invalid pcpu range: .\n");
        return XL_EXIT_FAILURE;
    }
    return 0;
}

int xl_parse_vcpu(const char *s, long *vcpu, FILE *err)
{
    unsigned long v;

    if (!xl_parse_ulong(s, 0x7fffffffUL, &v)) {
        *vcpu = (long)v;
        return 0;
    }
    if (!strcmp(s, "all")) {
        *vcpu = -1;
        return 0;
    }
    say(err, "Error: Invalid argument %s as VCPU.\n", s);
    return XL_EXIT_FAILURE;
}

/* ---- domains and commands ---- */

int xl_find_domain(const char *s, xl_name_lookup_fn lookup, void *ctx,
                   uint32_t *domid, FILE *err)
{
    unsigned long id;
    bool digits = *s && strspn(s, "0123456789") == strlen(s);

    if (digits && !xl_parse_ulong(s, UINT32_MAX, &id)) {
        *domid = (uint32_t)id;
        return 0;
    }
    if (!digits && lookup && lookup(s, domid, ctx) == 0)
        return 0;
    /* libxl answers ERROR_INVAL for a name no domain has. */
    say(err, "%s is an invalid domain identifier (rc=%d)\n", s,
        XL_ERROR_INVAL);
    return XL_EXIT_FAILURE;
}

void xl_report_unknown_command(FILE *err)
{
    say(err, "command not implemented\n");
    say(err, "Run 'xl help' for the list of commands.\n");
}
