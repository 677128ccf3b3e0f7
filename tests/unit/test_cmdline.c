/*
 * The hypervisor command line (common/cmdline.c) and the number parsers it
 * uses (lib/strtoull.c): every option type, the "no-" form, malformed
 * values, unknown options and the separators between options.
 */
#include "xen/lib.h"
#include "xen/param.h"

#include "unit.h"

/* ---- a parameter table of every type ---- */

static bool opt_noreboot, opt_watchdog;
static unsigned long opt_maxcpus, opt_dom0_mem;
static char opt_console[8];

static int custom_calls;
static char custom_seen[160];
static bool custom_got_null;

static int custom_fn(const char *val)
{
    custom_calls++;
    custom_got_null = val == NULL;
    snprintf(custom_seen, sizeof(custom_seen), "%s", val ? val : "");
    return val && !strcmp(val, "reject") ? -1 : 0;
}

static const struct param params[] = {
    { .name = "noreboot", .type = PARAM_BOOL, .var = &opt_noreboot },
    { .name = "watchdog", .type = PARAM_BOOL, .var = &opt_watchdog },
    { .name = "maxcpus", .type = PARAM_UINT, .var = &opt_maxcpus },
    { .name = "dom0_mem", .type = PARAM_SIZE, .var = &opt_dom0_mem },
    { .name = "console", .type = PARAM_STRING, .var = opt_console,
      .len = sizeof(opt_console) },
    { .name = "sched", .type = PARAM_CUSTOM, .fn = custom_fn },
};

/* ---- what the error callback was told ---- */

#define MAX_REPORTS 8
struct reports {
    int n;
    enum param_error err[MAX_REPORTS];
    char opt[MAX_REPORTS][64];
};

static void on_error(enum param_error err, const char *opt, size_t len,
                     void *ctx)
{
    struct reports *r = ctx;

    if (r->n < MAX_REPORTS) {
        r->err[r->n] = err;
        snprintf(r->opt[r->n], sizeof(r->opt[0]), "%.*s", (int)len, opt);
    }
    r->n++;
}

static struct reports rep;

/* Reset every option and the reports, then parse s; returns the errors. */
static int parse(const char *s)
{
    opt_noreboot = opt_watchdog = false;
    opt_maxcpus = opt_dom0_mem = 12345;
    strcpy(opt_console, "vga");
    custom_calls = 0;
    custom_seen[0] = '\0';
    custom_got_null = false;
    memset(&rep, 0, sizeof(rep));
    return cmdline_parse(s, params, ARRAY_SIZE(params), on_error, &rep);
}

/* parse(s) reported exactly one error, of kind err, about option opt. */
static void check_one_error(const char *s, enum param_error err,
                            const char *opt)
{
    CHECK_EQ(parse(s), 1);
    CHECK_EQ(rep.n, 1);
    CHECK_EQ(rep.err[0], err);
    CHECK_STR(rep.opt[0], opt);
}

/* ---- booleans ---- */

TEST(cmdline_bool_bare_name_sets_true)
{
    CHECK_EQ(parse("noreboot"), 0);
    CHECK(opt_noreboot);
    CHECK(!opt_watchdog);
    CHECK_EQ(rep.n, 0);
}

TEST(cmdline_bool_no_prefix_sets_false)
{
    CHECK_EQ(parse("noreboot no-noreboot"), 0);
    CHECK(!opt_noreboot);
}

TEST(cmdline_bool_accepts_every_true_word)
{
    static const char *const words[] = { "yes", "on", "1", "true", "enable" };

    for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
        char buf[32];
        snprintf(buf, sizeof(buf), "watchdog=%s", words[i]);
        CHECK_EQ(parse(buf), 0);
        CHECK(opt_watchdog);
    }
}

TEST(cmdline_bool_accepts_every_false_word)
{
    static const char *const words[] = { "no", "off", "0", "false", "disable" };

    for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
        char buf[32];
        snprintf(buf, sizeof(buf), "watchdog watchdog=%s", words[i]);
        CHECK_EQ(parse(buf), 0);
        CHECK(!opt_watchdog);
    }
}

TEST(cmdline_bool_bad_value_is_value_error)
{
    check_one_error("noreboot=maybe", PARAM_ERR_VALUE, "noreboot=maybe");
    CHECK(!opt_noreboot);
    check_one_error("noreboot=", PARAM_ERR_VALUE, "noreboot=");
    check_one_error("noreboot=YES", PARAM_ERR_VALUE, "noreboot=YES");
}

TEST(cmdline_no_prefix_with_value_is_unknown)
{
    check_one_error("no-noreboot=yes", PARAM_ERR_UNKNOWN, "no-noreboot=yes");
}

TEST(cmdline_no_prefix_on_non_bool_is_unknown)
{
    check_one_error("no-maxcpus", PARAM_ERR_UNKNOWN, "no-maxcpus");
    CHECK_EQ(opt_maxcpus, 12345);
    check_one_error("no-sched", PARAM_ERR_UNKNOWN, "no-sched");
    CHECK_EQ(custom_calls, 0);
    check_one_error("no-", PARAM_ERR_UNKNOWN, "no-");
}

/* ---- integers ---- */

TEST(cmdline_uint_decimal)
{
    CHECK_EQ(parse("maxcpus=4"), 0);
    CHECK_EQ(opt_maxcpus, 4);
}

TEST(cmdline_uint_hex_and_octal)
{
    CHECK_EQ(parse("maxcpus=0x10"), 0);
    CHECK_EQ(opt_maxcpus, 16);
    CHECK_EQ(parse("maxcpus=010"), 0);
    CHECK_EQ(opt_maxcpus, 8);
    CHECK_EQ(parse("maxcpus=0"), 0);
    CHECK_EQ(opt_maxcpus, 0);
}

TEST(cmdline_uint_trailing_junk_is_error)
{
    check_one_error("maxcpus=4x", PARAM_ERR_VALUE, "maxcpus=4x");
    CHECK_EQ(opt_maxcpus, 12345);
    check_one_error("maxcpus=0x", PARAM_ERR_VALUE, "maxcpus=0x");
    check_one_error("maxcpus=08", PARAM_ERR_VALUE, "maxcpus=08");
    check_one_error("maxcpus=4M", PARAM_ERR_VALUE, "maxcpus=4M");
}

TEST(cmdline_uint_missing_or_signed_value_is_error)
{
    check_one_error("maxcpus", PARAM_ERR_VALUE, "maxcpus");
    check_one_error("maxcpus=", PARAM_ERR_VALUE, "maxcpus=");
    check_one_error("maxcpus=-1", PARAM_ERR_VALUE, "maxcpus=-1");
    check_one_error("maxcpus=+1", PARAM_ERR_VALUE, "maxcpus=+1");
    CHECK_EQ(opt_maxcpus, 12345);
}

/* ---- sizes ---- */

TEST(cmdline_size_suffixes)
{
    CHECK_EQ(parse("dom0_mem=512M"), 0);
    CHECK_EQ(opt_dom0_mem, 512UL << 20);
    CHECK_EQ(parse("dom0_mem=1G"), 0);
    CHECK_EQ(opt_dom0_mem, 1UL << 30);
    CHECK_EQ(parse("dom0_mem=64k"), 0);
    CHECK_EQ(opt_dom0_mem, 64UL << 10);
    CHECK_EQ(parse("dom0_mem=2T"), 0);
    CHECK_EQ(opt_dom0_mem, 2UL << 40);
}

TEST(cmdline_size_without_suffix_is_bytes)
{
    CHECK_EQ(parse("dom0_mem=4096"), 0);
    CHECK_EQ(opt_dom0_mem, 4096);
    CHECK_EQ(parse("dom0_mem=4096B"), 0);
    CHECK_EQ(opt_dom0_mem, 4096);
}

TEST(cmdline_size_bad_values_are_errors)
{
    check_one_error("dom0_mem=512X", PARAM_ERR_VALUE, "dom0_mem=512X");
    check_one_error("dom0_mem=M", PARAM_ERR_VALUE, "dom0_mem=M");
    check_one_error("dom0_mem=1GG", PARAM_ERR_VALUE, "dom0_mem=1GG");
    check_one_error("dom0_mem", PARAM_ERR_VALUE, "dom0_mem");
    CHECK_EQ(opt_dom0_mem, 12345);
}

/* ---- strings ---- */

TEST(cmdline_string_copied)
{
    CHECK_EQ(parse("console=com1"), 0);
    CHECK_STR(opt_console, "com1");
}

TEST(cmdline_string_keeps_later_equals_signs)
{
    CHECK_EQ(parse("console=a=b"), 0);
    CHECK_STR(opt_console, "a=b");
}

TEST(cmdline_string_longest_that_fits)
{
    CHECK_EQ(parse("console=1234567"), 0);
    CHECK_STR(opt_console, "1234567");
}

TEST(cmdline_string_too_long_is_error_and_untouched)
{
    check_one_error("console=12345678", PARAM_ERR_VALUE, "console=12345678");
    CHECK_STR(opt_console, "vga");
}

TEST(cmdline_string_without_equals_is_error)
{
    check_one_error("console", PARAM_ERR_VALUE, "console");
    CHECK_STR(opt_console, "vga");
}

TEST(cmdline_string_may_be_empty)
{
    CHECK_EQ(parse("console="), 0);
    CHECK_STR(opt_console, "");
}

/* ---- custom ---- */

TEST(cmdline_custom_gets_value)
{
    CHECK_EQ(parse("sched=credit2"), 0);
    CHECK_EQ(custom_calls, 1);
    CHECK(!custom_got_null);
    CHECK_STR(custom_seen, "credit2");
}

TEST(cmdline_custom_without_value_gets_null)
{
    CHECK_EQ(parse("sched"), 0);
    CHECK_EQ(custom_calls, 1);
    CHECK(custom_got_null);
}

TEST(cmdline_custom_value_is_nul_terminated_copy)
{
    CHECK_EQ(parse("sched=rr maxcpus=2"), 0);
    CHECK_STR(custom_seen, "rr");
    CHECK_EQ(opt_maxcpus, 2);
}

TEST(cmdline_custom_failure_is_value_error)
{
    check_one_error("sched=reject", PARAM_ERR_VALUE, "sched=reject");
    CHECK_EQ(custom_calls, 1);
}

TEST(cmdline_custom_value_too_long_is_error_without_call)
{
    char buf[200];

    memset(buf, 'a', sizeof(buf));
    memcpy(buf, "sched=", 6);
    buf[6 + 128] = '\0';                    /* a value of 128 characters */
    CHECK_EQ(parse(buf), 1);
    CHECK_EQ(rep.err[0], PARAM_ERR_VALUE);
    CHECK_EQ(custom_calls, 0);
    buf[6 + 127] = '\0';                    /* 127 fits */
    CHECK_EQ(parse(buf), 0);
    CHECK_EQ(custom_calls, 1);
    CHECK_EQ(strlen(custom_seen), 127);
}

/* ---- unknown options and separators ---- */

TEST(cmdline_unknown_option_reported_with_exact_text)
{
    CHECK_EQ(parse("noreboot bogus=1 maxcpus=3"), 1);
    CHECK_EQ(rep.n, 1);
    CHECK_EQ(rep.err[0], PARAM_ERR_UNKNOWN);
    CHECK_STR(rep.opt[0], "bogus=1");
    CHECK(opt_noreboot);
    CHECK_EQ(opt_maxcpus, 3);
}

TEST(cmdline_name_prefix_is_not_a_match)
{
    check_one_error("noreboo", PARAM_ERR_UNKNOWN, "noreboo");
    check_one_error("noreboots", PARAM_ERR_UNKNOWN, "noreboots");
    check_one_error("maxcpu=1", PARAM_ERR_UNKNOWN, "maxcpu=1");
}

TEST(cmdline_every_error_counted_in_order)
{
    CHECK_EQ(parse("a maxcpus=x b=2 console"), 4);
    CHECK_EQ(rep.n, 4);
    CHECK_STR(rep.opt[0], "a");
    CHECK_EQ(rep.err[0], PARAM_ERR_UNKNOWN);
    CHECK_STR(rep.opt[1], "maxcpus=x");
    CHECK_EQ(rep.err[1], PARAM_ERR_VALUE);
    CHECK_STR(rep.opt[2], "b=2");
    CHECK_STR(rep.opt[3], "console");
}

TEST(cmdline_spaces_and_tabs_separate)
{
    CHECK_EQ(parse("  noreboot \t\t maxcpus=7\twatchdog   "), 0);
    CHECK(opt_noreboot);
    CHECK(opt_watchdog);
    CHECK_EQ(opt_maxcpus, 7);
}

TEST(cmdline_last_option_without_trailing_space)
{
    CHECK_EQ(parse("noreboot dom0_mem=1G"), 0);
    CHECK_EQ(opt_dom0_mem, 1UL << 30);
}

TEST(cmdline_later_option_wins)
{
    CHECK_EQ(parse("maxcpus=1 maxcpus=2 noreboot no-noreboot noreboot"), 0);
    CHECK_EQ(opt_maxcpus, 2);
    CHECK(opt_noreboot);
}

TEST(cmdline_empty_and_blank_lines)
{
    CHECK_EQ(parse(""), 0);
    CHECK_EQ(parse("   \t "), 0);
    CHECK_EQ(rep.n, 0);
    CHECK_EQ(opt_maxcpus, 12345);
}

TEST(cmdline_null_line)
{
    CHECK_EQ(parse(NULL), 0);
    CHECK_EQ(rep.n, 0);
}

TEST(cmdline_empty_table_reports_everything_unknown)
{
    memset(&rep, 0, sizeof(rep));
    CHECK_EQ(cmdline_parse("a b=1", params, 0, on_error, &rep), 2);
    CHECK_EQ(rep.err[1], PARAM_ERR_UNKNOWN);
    CHECK_STR(rep.opt[1], "b=1");
}

/* ---- parse_bool ---- */

TEST(parse_bool_words)
{
    CHECK_EQ(parse_bool("yes", 3), 1);
    CHECK_EQ(parse_bool("enable", 6), 1);
    CHECK_EQ(parse_bool("1", 1), 1);
    CHECK_EQ(parse_bool("off", 3), 0);
    CHECK_EQ(parse_bool("disable", 7), 0);
    CHECK_EQ(parse_bool("0", 1), 0);
}

TEST(parse_bool_uses_only_len_bytes)
{
    CHECK_EQ(parse_bool("no thanks", 2), 0);
    CHECK_EQ(parse_bool("on=x", 2), 1);
    CHECK_EQ(parse_bool("yes", 2), -1);     /* "ye" */
    CHECK_EQ(parse_bool("", 0), -1);
}

TEST(parse_bool_rejects_other_words)
{
    CHECK_EQ(parse_bool("2", 1), -1);
    CHECK_EQ(parse_bool("On", 2), -1);
    CHECK_EQ(parse_bool("yess", 4), -1);
    CHECK_EQ(parse_bool("nope", 4), -1);
}

/* ---- simple_strtoull ---- */

TEST(strtoull_base10_stops_at_non_digit)
{
    const char *s = "123abc", *end;

    CHECK_EQ(simple_strtoull(s, &end, 10), 123);
    CHECK(end == s + 3);
    s = "0x10";
    CHECK_EQ(simple_strtoull(s, &end, 10), 0);
    CHECK(end == s + 1);
}

TEST(strtoull_base16_with_and_without_prefix)
{
    const char *end;

    CHECK_EQ(simple_strtoull("ff", &end, 16), 255);
    CHECK_EQ(*end, '\0');
    CHECK_EQ(simple_strtoull("0x1F", &end, 16), 31);
    CHECK_EQ(*end, '\0');
    CHECK_EQ(simple_strtoull("0XaB", &end, 16), 0xab);
    CHECK_EQ(*end, '\0');
}

TEST(strtoull_base0_picks_the_base)
{
    const char *end;

    CHECK_EQ(simple_strtoull("0x1f", &end, 0), 31);
    CHECK_EQ(*end, '\0');
    CHECK_EQ(simple_strtoull("017", &end, 0), 15);
    CHECK_EQ(*end, '\0');
    CHECK_EQ(simple_strtoull("019", &end, 0), 1);
    CHECK_EQ(*end, '9');
    CHECK_EQ(simple_strtoull("42", &end, 0), 42);
    CHECK_EQ(*end, '\0');
}

TEST(strtoull_lone_zero)
{
    const char *s = "0", *end;

    CHECK_EQ(simple_strtoull(s, &end, 0), 0);
    CHECK(end == s + 1);
}

TEST(strtoull_0x_alone_parses_the_zero_only)
{
    const char *s = "0x", *end;

    CHECK_EQ(simple_strtoull(s, &end, 0), 0);
    CHECK(end == s + 1);
    CHECK_EQ(simple_strtoull(s, &end, 16), 0);
    CHECK(end == s + 1);
    s = "0xg";
    CHECK_EQ(simple_strtoull(s, &end, 0), 0);
    CHECK(end == s + 1);
}

TEST(strtoull_no_digits_leaves_end_at_start)
{
    const char *s = "", *end;

    CHECK_EQ(simple_strtoull(s, &end, 0), 0);
    CHECK(end == s);
    s = "zz";
    CHECK_EQ(simple_strtoull(s, &end, 10), 0);
    CHECK(end == s);
}

TEST(strtoull_largest_value_and_null_end)
{
    CHECK(simple_strtoull("18446744073709551615", NULL, 10) == ~0ULL);
    CHECK(simple_strtoull("0xffffffffffffffff", NULL, 0) == ~0ULL);
}

/* ---- parse_size ---- */

TEST(parse_size_every_suffix)
{
    CHECK_EQ(parse_size("3", NULL), 3);
    CHECK_EQ(parse_size("3b", NULL), 3);
    CHECK_EQ(parse_size("3B", NULL), 3);
    CHECK_EQ(parse_size("3k", NULL), 3ULL << 10);
    CHECK_EQ(parse_size("3K", NULL), 3ULL << 10);
    CHECK_EQ(parse_size("3m", NULL), 3ULL << 20);
    CHECK_EQ(parse_size("3M", NULL), 3ULL << 20);
    CHECK_EQ(parse_size("3g", NULL), 3ULL << 30);
    CHECK_EQ(parse_size("3G", NULL), 3ULL << 30);
    CHECK_EQ(parse_size("3t", NULL), 3ULL << 40);
    CHECK_EQ(parse_size("3T", NULL), 3ULL << 40);
}

TEST(parse_size_end_after_suffix)
{
    const char *s = "0x10M,rest", *end;

    CHECK_EQ(parse_size(s, &end), 16ULL << 20);
    CHECK_STR(end, ",rest");
    s = "7X";
    CHECK_EQ(parse_size(s, &end), 7);
    CHECK_STR(end, "X");
    s = "7";
    CHECK_EQ(parse_size(s, &end), 7);
    CHECK_STR(end, "");
}
