/*
 * xl's command-line helpers (dom0/xlargs.c): option scanning in xl's
 * style, memory sizes, CPU lists, domain identifiers and the option sets
 * of create, sched-credit, top, shutdown and vcpu-pin, with xl's messages.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "../../dom0/xlargs.h"

#include "sink.h"
#include "unit.h"

/* ---- helpers: argv from a string (and sink.h's message sink) ---- */

static char words[512];
static char *argv_buf[32];

/* argv from space-separated words ("" stays an empty argument if quoted
 * as ''). */
static char **args(const char *line, int *argc)
{
    char *p = words;

    snprintf(words, sizeof(words), "%s", line);
    *argc = 0;
    while (*p) {
        argv_buf[(*argc)++] = p;
        p += strcspn(p, " ");
        if (*p)
            *p++ = '\0';
    }
    for (int i = 0; i < *argc; i++)
        if (!strcmp(argv_buf[i], "''"))
            argv_buf[i][0] = '\0';
    argv_buf[*argc] = NULL;
    return argv_buf;
}

/* ---- xl_getopt ---- */

TEST(getopt_clusters_attached_and_separate_arguments)
{
    int argc;
    char **argv = args("top -bi5 -d 2 x", &argc);
    struct xl_getopt g;

    xl_getopt_init(&g, argc, argv, "bi:d:", NULL, "top", 0, NULL);
    CHECK_EQ(xl_getopt(&g), 'b');
    CHECK_EQ(xl_getopt(&g), 'i');
    CHECK_STR(g.optarg, "5");
    CHECK_EQ(xl_getopt(&g), 'd');
    CHECK_STR(g.optarg, "2");
    CHECK_EQ(xl_getopt(&g), XL_OPT_END);
    CHECK_EQ(g.nargs, 1);
    CHECK_STR(g.args[0], "x");
}

TEST(getopt_takes_options_after_positionals_and_keeps_their_order)
{
    int argc;
    char **argv = args("create a.cfg -p memory=64 -c", &argc);
    struct xl_getopt g;

    xl_getopt_init(&g, argc, argv, "pc", NULL, "create", 0, NULL);
    CHECK_EQ(xl_getopt(&g), 'p');
    CHECK_EQ(xl_getopt(&g), 'c');
    CHECK_EQ(xl_getopt(&g), XL_OPT_END);
    CHECK_EQ(g.nargs, 2);
    CHECK_STR(g.args[0], "a.cfg");
    CHECK_STR(g.args[1], "memory=64");
}

TEST(getopt_double_dash_ends_options_and_dash_is_positional)
{
    int argc;
    char **argv = args("vcpu-pin -f - -- -c", &argc);
    struct xl_getopt g;

    xl_getopt_init(&g, argc, argv, "fc", NULL, "vcpu-pin", 0, NULL);
    CHECK_EQ(xl_getopt(&g), 'f');
    CHECK_EQ(xl_getopt(&g), XL_OPT_END);
    CHECK_EQ(g.nargs, 2);
    CHECK_STR(g.args[0], "-");
    CHECK_STR(g.args[1], "-c");
}

TEST(getopt_long_options_with_and_without_equals)
{
    static const struct xl_longopt lo[] = {
        { "iterations", true, 'i' }, { "batch", false, 'b' },
        { NULL, false, 0 },
    };
    int argc;
    char **argv = args("top --batch --iterations=4 --iterations 7", &argc);
    struct xl_getopt g;

    xl_getopt_init(&g, argc, argv, "bi:", lo, "top", 0, NULL);
    CHECK_EQ(xl_getopt(&g), 'b');
    CHECK_EQ(xl_getopt(&g), 'i');
    CHECK_STR(g.optarg, "4");
    CHECK_EQ(xl_getopt(&g), 'i');
    CHECK_STR(g.optarg, "7");
    CHECK_EQ(xl_getopt(&g), XL_OPT_END);
}

TEST(getopt_help_short_and_long)
{
    int argc;
    char **argv = args("list -h", &argc);
    struct xl_getopt g;

    xl_getopt_init(&g, argc, argv, "v", NULL, "list", 0, NULL);
    CHECK_EQ(xl_getopt(&g), XL_OPT_HELP);
    argv = args("list --help", &argc);
    xl_getopt_init(&g, argc, argv, "v", NULL, "list", 0, NULL);
    CHECK_EQ(xl_getopt(&g), XL_OPT_HELP);
}

TEST(getopt_unknown_option_is_xls_message)
{
    int argc;
    char **argv = args("list -z", &argc);
    struct xl_getopt g;
    FILE *err = sink();

    xl_getopt_init(&g, argc, argv, "v", NULL, "list", 0, err);
    CHECK_EQ(xl_getopt(&g), XL_OPT_USAGE);
    CHECK_STR(said(err), "option `z' not supported.\n");
}

TEST(getopt_missing_option_argument)
{
    int argc;
    char **argv = args("top -b -i", &argc);
    struct xl_getopt g;
    FILE *err = sink();

    xl_getopt_init(&g, argc, argv, "bi:", NULL, "top", 0, err);
    CHECK_EQ(xl_getopt(&g), 'b');
    CHECK_EQ(xl_getopt(&g), XL_OPT_USAGE);
    CHECK_STR(said(err), "option `i' requires an argument.\n");
}

TEST(getopt_too_few_arguments_is_xls_message)
{
    int argc;
    char **argv = args("pause", &argc);
    struct xl_getopt g;
    FILE *err = sink();

    xl_getopt_init(&g, argc, argv, "", NULL, "pause", 1, err);
    CHECK_EQ(xl_getopt(&g), XL_OPT_USAGE);
    CHECK_STR(said(err), "'xl pause' requires at least 1 argument.\n\n");
    argv = args("vcpu-pin d 0", &argc);
    err = sink();
    xl_getopt_init(&g, argc, argv, "f", NULL, "vcpu-pin", 3, err);
    CHECK_EQ(xl_getopt(&g), XL_OPT_USAGE);
    CHECK_STR(said(err), "'xl vcpu-pin' requires at least 3 arguments.\n\n");
}

TEST(getopt_plus_stops_at_the_first_positional)
{
    int argc;
    char **argv = args("xl -v list -v", &argc);
    struct xl_getopt g;

    xl_getopt_init(&g, argc, argv, "+vfN", NULL, "xl", 0, NULL);
    CHECK_EQ(xl_getopt(&g), 'v');
    CHECK_EQ(xl_getopt(&g), XL_OPT_END);
    CHECK_EQ(g.nargs, 2);
    CHECK_STR(g.args[0], "list");
    CHECK_STR(g.args[1], "-v");
}

/* ---- memory sizes ---- */

static uint64_t kb_of(const char *s)
{
    uint64_t kb = 12345;

    CHECK_EQ(xl_parse_mem_kb(s, &kb, NULL), 0);
    return kb;
}

TEST(mem_size_units_and_default_mib)
{
    CHECK_EQ(kb_of("256"), 256 * 1024);
    CHECK_EQ(kb_of("256m"), 256 * 1024);
    CHECK_EQ(kb_of("256M"), 256 * 1024);
    CHECK_EQ(kb_of("2g"), 2 * 1024 * 1024);
    CHECK_EQ(kb_of("2G"), 2 * 1024 * 1024);
    CHECK_EQ(kb_of("1t"), 1ULL << 30);
    CHECK_EQ(kb_of("4096k"), 4096);
    CHECK_EQ(kb_of("1048576b"), 1024);
    CHECK_EQ(kb_of("0"), 0);
}

TEST(mem_size_rejects_junk_with_xls_message)
{
    static const char *const bad[] = {
        "lots", "", "12mb", "-5", "m", " 5", "5 ", "1.5g",
        "99999999999999999999", "17179869184t",
    };
    uint64_t kb;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        FILE *err = sink();
        char want[64];

        CHECK_EQ(xl_parse_mem_kb(bad[i], &kb, err), XL_EXIT_FAILURE);
        snprintf(want, sizeof(want), "invalid memory size: %s\n", bad[i]);
        CHECK_STR(said(err), want);
    }
}

/* ---- CPU lists ---- */

/* The CPUs of map below 64 as a bit mask. */
static uint64_t mask_of(const char *list, unsigned int nr_cpus)
{
    struct xl_cpumap map;

    CHECK_EQ(xl_parse_cpulist(list, nr_cpus, &map, NULL), 0);
    for (unsigned int cpu = 64; cpu < XL_MAX_CPUS; cpu++)
        CHECK(!xl_cpumap_test(&map, cpu));
    return map.bits[0];
}

TEST(cpulist_ranges_all_nodes_and_negation)
{
    CHECK_EQ(mask_of("0-3,5", 8), 0x2f);
    CHECK_EQ(mask_of("all", 4), 0xf);
    CHECK_EQ(mask_of("all,^1", 4), 0xd);
    CHECK_EQ(mask_of("0-3,^1", 8), 0xd);
    CHECK_EQ(mask_of("^1", 8), 0);
    CHECK_EQ(mask_of("node:0", 3), 0x7);
    CHECK_EQ(mask_of("nodes:0,^node:0,2", 3), 0x4);
    CHECK_EQ(mask_of("1,,2", 4), 0x6);
    CHECK_EQ(mask_of("7", 8), 0x80);
}

TEST(cpulist_without_a_host_size_accepts_any_cpu_number)
{
    struct xl_cpumap map;

    CHECK_EQ(xl_parse_cpulist("200", 0, &map, NULL), 0);
    CHECK(xl_cpumap_test(&map, 200));
    CHECK_EQ(xl_cpumap_weight(&map), 1);
    CHECK_EQ(xl_parse_cpulist("all", 0, &map, NULL), 0);
    CHECK_EQ(xl_cpumap_weight(&map), XL_MAX_CPUS);
}

static void check_bad_cpulist(const char *list, unsigned int nr_cpus,
                              const char *want)
{
    struct xl_cpumap map;
    FILE *err = sink();

    CHECK_EQ(xl_parse_cpulist(list, nr_cpus, &map, err), XL_EXIT_FAILURE);
    CHECK_STR(said(err), want);
}

TEST(cpulist_errors_are_xls_messages)
{
    check_bad_cpulist("3-1", 8, "Invalid pcpu range: 3-1.\n");
    check_bad_cpulist("0-3,x", 8, "Invalid pcpu range: x.\n");
    check_bad_cpulist("^all", 8, "Can't combine \"^\" and \"all\".\n");
    check_bad_cpulist("8", 8, "Invalid pcpu range: 8.\n");
    check_bad_cpulist("", 8, "Invalid pcpu range: .\n");
    check_bad_cpulist("1-", 8, "Invalid pcpu range: 1-.\n");
    check_bad_cpulist("node:1", 8, "NUMA node 1 does not exist.\n");
}

TEST(vcpu_argument_is_a_number_or_all)
{
    long v;
    FILE *err;

    CHECK_EQ(xl_parse_vcpu("3", &v, NULL), 0);
    CHECK_EQ(v, 3);
    CHECK_EQ(xl_parse_vcpu("all", &v, NULL), 0);
    CHECK_EQ(v, -1);
    err = sink();
    CHECK_EQ(xl_parse_vcpu("-1", &v, err), XL_EXIT_FAILURE);
    CHECK_STR(said(err), "Error: Invalid argument -1 as VCPU.\n");
}

/* ---- domain identifiers ---- */

static int lookup_calls;

static int lookup(const char *name, uint32_t *domid, void *ctx)
{
    lookup_calls++;
    CHECK_STR(ctx, "ctx");
    if (!strcmp(name, "Domain-0") || !strcmp(name, "web1")) {
        *domid = name[0] == 'D' ? 0 : 7;
        return 0;
    }
    return -2;
}

TEST(domain_ids_are_taken_as_given_and_names_looked_up)
{
    uint32_t id = 99;

    lookup_calls = 0;
    CHECK_EQ(xl_find_domain("5", lookup, "ctx", &id, NULL), 0);
    CHECK_EQ(id, 5);
    CHECK_EQ(lookup_calls, 0);
    CHECK_EQ(xl_find_domain("web1", lookup, "ctx", &id, NULL), 0);
    CHECK_EQ(id, 7);
    CHECK_EQ(xl_find_domain("Domain-0", lookup, "ctx", &id, NULL), 0);
    CHECK_EQ(id, 0);
    CHECK_EQ(lookup_calls, 2);
}

TEST(unknown_domain_is_xls_message)
{
    uint32_t id;
    FILE *err = sink();

    CHECK_EQ(xl_find_domain("nosuchdomain", lookup, "ctx", &id, err),
             XL_EXIT_FAILURE);
    CHECK_STR(said(err),
              "nosuchdomain is an invalid domain identifier (rc=-6)\n");
    err = sink();
    CHECK_EQ(xl_find_domain("", lookup, "ctx", &id, err), XL_EXIT_FAILURE);
    CHECK_STR(said(err), " is an invalid domain identifier (rc=-6)\n");
}

TEST(unknown_command_message)
{
    FILE *err = sink();

    xl_report_unknown_command(err);
    CHECK_STR(said(err), "command not implemented\n"
                         "Run 'xl help' for the list of commands.\n");
}

/* ---- xl create ---- */

TEST(create_options_file_and_overrides)
{
    int argc;
    char **argv = args("create -c hello.cfg memory=256 -p name=web1", &argc);
    struct xl_create_args a;

    CHECK_EQ(xl_parse_create_args(argc, argv, &a, NULL), 0);
    CHECK(a.console && a.paused && !a.dryrun && !a.quiet);
    CHECK_STR(a.file, "hello.cfg");
    CHECK_EQ(a.noverrides, 2);
    CHECK_STR(a.overrides[0], "memory=256");
    CHECK_STR(a.overrides[1], "name=web1");
}

TEST(create_file_from_f_and_dry_run)
{
    int argc;
    char **argv = args("create -n -f hello.cfg vcpus=2", &argc);
    struct xl_create_args a;

    CHECK_EQ(xl_parse_create_args(argc, argv, &a, NULL), 0);
    CHECK(a.dryrun && !a.console);
    CHECK_STR(a.file, "hello.cfg");
    CHECK_EQ(a.noverrides, 1);
    CHECK_STR(a.overrides[0], "vcpus=2");
}

TEST(create_bad_command_lines)
{
    int argc;
    char **argv = args("create", &argc);
    struct xl_create_args a;
    FILE *err = sink();

    CHECK_EQ(xl_parse_create_args(argc, argv, &a, err), XL_EXIT_FAILURE);
    CHECK_STR(said(err), "Config file not specified\n");
    argv = args("create a.cfg b.cfg", &argc);
    err = sink();
    CHECK_EQ(xl_parse_create_args(argc, argv, &a, err), XL_EXIT_USAGE);
    CHECK_STR(said(err),
              "xl create takes one configuration file, not also 'b.cfg'.\n");
    argv = args("create -z a.cfg", &argc);
    err = sink();
    CHECK_EQ(xl_parse_create_args(argc, argv, &a, err), XL_EXIT_USAGE);
    CHECK_STR(said(err), "option `z' not supported.\n");
    argv = args("create -h", &argc);
    CHECK_EQ(xl_parse_create_args(argc, argv, &a, NULL), XL_OPT_HELP);
}

/* ---- xl sched-credit ---- */

TEST(sched_credit_domain_weight_and_cap)
{
    int argc;
    char **argv = args("sched-credit -d web1 -w 512 -c 50", &argc);
    struct xl_sched_credit_args a;

    CHECK_EQ(xl_parse_sched_credit_args(argc, argv, &a, NULL), 0);
    CHECK_STR(a.dom, "web1");
    CHECK(a.set_weight && a.set_cap && !a.schedparam);
    CHECK_EQ(a.weight, 512);
    CHECK_EQ(a.cap, 50);
    argv = args("sched-credit -s -t 10 -r 500", &argc);
    CHECK_EQ(xl_parse_sched_credit_args(argc, argv, &a, NULL), 0);
    CHECK(a.schedparam && a.set_tslice && a.set_ratelimit);
    CHECK_EQ(a.tslice_ms, 10);
    CHECK_EQ(a.ratelimit_us, 500);
    argv = args("sched-credit", &argc);
    CHECK_EQ(xl_parse_sched_credit_args(argc, argv, &a, NULL), 0);
    CHECK(!a.dom && !a.set_weight && !a.schedparam);
}

static void check_bad_credit(const char *line, const char *want)
{
    int argc;
    char **argv = args(line, &argc);
    struct xl_sched_credit_args a;
    FILE *err = sink();

    CHECK_EQ(xl_parse_sched_credit_args(argc, argv, &a, err),
             XL_EXIT_FAILURE);
    CHECK_STR(said(err), want);
}

TEST(sched_credit_bad_combinations_are_xls_messages)
{
    check_bad_credit("sched-credit -w 512", "Must specify a domain.\n");
    check_bad_credit("sched-credit -s -d web1",
                     "Specifying a cpupool or schedparam is not allowed "
                     "with domain options.\n");
    check_bad_credit("sched-credit -t 10",
                     "Must specify schedparam to set schedule parameter "
                     "values.\n");
    check_bad_credit("sched-credit -d web1 -w 0",
                     "Cpu weight out of range, valid values are within "
                     "range from 1 to 65535\n");
    check_bad_credit("sched-credit -d web1 -w lots", "invalid weight: lots\n");
    check_bad_credit("sched-credit -d web1 -c -3", "invalid cap: -3\n");
}

/* ---- xl top, shutdown, vcpu-pin ---- */

TEST(top_batch_iterations_and_delay)
{
    int argc;
    char **argv = args("top -b -i 3", &argc);
    struct xl_top_args a;
    FILE *err;

    CHECK_EQ(xl_parse_top_args(argc, argv, &a, NULL), 0);
    CHECK(a.batch);
    CHECK_EQ(a.iterations, 3);
    CHECK_EQ(a.delay_s, 3);
    argv = args("top -d 0", &argc);
    err = sink();
    CHECK_EQ(xl_parse_top_args(argc, argv, &a, err), XL_EXIT_FAILURE);
    CHECK_STR(said(err), "invalid delay: 0\n");
    argv = args("top -b -i x", &argc);
    err = sink();
    CHECK_EQ(xl_parse_top_args(argc, argv, &a, err), XL_EXIT_FAILURE);
    CHECK_STR(said(err), "invalid number of iterations: x\n");
}

TEST(shutdown_wait_all_and_missing_domain)
{
    int argc;
    char **argv = args("shutdown -w web1", &argc);
    struct xl_shutdown_args a;
    FILE *err;

    CHECK_EQ(xl_parse_shutdown_args(argc, argv, &a, NULL), 0);
    CHECK(a.wait && !a.all);
    CHECK_STR(a.dom, "web1");
    argv = args("reboot -a", &argc);
    CHECK_EQ(xl_parse_shutdown_args(argc, argv, &a, NULL), 0);
    CHECK(a.all && !a.dom);
    argv = args("shutdown -w", &argc);
    err = sink();
    CHECK_EQ(xl_parse_shutdown_args(argc, argv, &a, err), XL_EXIT_FAILURE);
    CHECK_STR(said(err), "You must specify -a or a domain id.\n\n");
}

TEST(vcpu_pin_hard_soft_and_dash)
{
    int argc;
    char **argv = args("vcpu-pin web1 0 1-2", &argc);
    struct xl_vcpu_pin_args a;

    CHECK_EQ(xl_parse_vcpu_pin_args(argc, argv, 4, &a, NULL), 0);
    CHECK_STR(a.dom, "web1");
    CHECK_EQ(a.vcpu, 0);
    CHECK(a.set_hard && !a.set_soft);
    CHECK_EQ(a.hard.bits[0], 0x6);
    argv = args("vcpu-pin web1 all - 3", &argc);
    CHECK_EQ(xl_parse_vcpu_pin_args(argc, argv, 4, &a, NULL), 0);
    CHECK_EQ(a.vcpu, -1);
    CHECK(!a.set_hard && a.set_soft);
    CHECK_EQ(a.soft.bits[0], 0x8);
}

static void check_bad_pin(const char *line, int rc, const char *want)
{
    int argc;
    char **argv = args(line, &argc);
    struct xl_vcpu_pin_args a;
    FILE *err = sink();

    CHECK_EQ(xl_parse_vcpu_pin_args(argc, argv, 4, &a, err), rc);
    CHECK_STR(said(err), want);
}

TEST(vcpu_pin_errors)
{
    check_bad_pin("vcpu-pin web1 0", XL_EXIT_USAGE,
                  "'xl vcpu-pin' requires at least 3 arguments.\n\n");
    check_bad_pin("vcpu-pin web1 x 1", XL_EXIT_FAILURE,
                  "Error: Invalid argument x as VCPU.\n");
    check_bad_pin("vcpu-pin -f web1 all 1", XL_EXIT_FAILURE,
                  "Error: --force and 'all' as VCPU not allowed.\n");
    check_bad_pin("vcpu-pin web1 0 9", XL_EXIT_FAILURE,
                  "Invalid pcpu range: 9.\n");
}
