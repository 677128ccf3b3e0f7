/* The unit-test framework's own tests: passing checks pass, failing ones
 * fail with the right message, and a test without checks fails. */
#include <stdio.h>

#include "unit.h"

static void body_passes(void)
{
    CHECK(1 + 1 == 2);
}

static void body_check_fails(void)
{
    CHECK(1 + 1 == 3);
}

static void body_eq_fails(void)
{
    CHECK_EQ(2 + 2, 5);
}

static void body_str_fails(void)
{
    CHECK_STR("abc", "abd");
}

static void body_null_str_fails(void)
{
    CHECK_STR(NULL, "x");
}

static void body_no_checks(void)
{
}

static int helper_checks(int x)
{
    CHECK(x > 0);
    return x * 2;
}

static void body_fails_in_helper(void)
{
    helper_checks(-1);
    CHECK(0 && "not reached");
}

/* Runs body as a test; returns whether it passed, message in msg. */
static int run_body(void (*body)(void), char *msg, unsigned long size)
{
    struct unit_test t = { "inner", body, 0 };

    return unit_run_quiet(&t, msg, size);
}

TEST(checks_that_hold_pass)
{
    char msg[256];

    CHECK(run_body(body_passes, msg, sizeof(msg)));
    CHECK_STR(msg, "");
    CHECK_EQ(helper_checks(21), 42);
    CHECK_STR("same", "same");
    CHECK_STR(NULL, NULL);
}

TEST(failing_check_names_expression_and_line)
{
    char msg[256];

    CHECK(!run_body(body_check_fails, msg, sizeof(msg)));
    CHECK(strstr(msg, "test_unit.c:") != NULL);
    CHECK(strstr(msg, "CHECK(1 + 1 == 3)") != NULL);
}

TEST(failing_check_eq_prints_both_values)
{
    char msg[256];

    CHECK(!run_body(body_eq_fails, msg, sizeof(msg)));
    CHECK(strstr(msg, "CHECK_EQ(2 + 2, 5): 4 (0x4) != 5 (0x5)") != NULL);
}

TEST(failing_check_str_prints_both_strings)
{
    char msg[256];

    CHECK(!run_body(body_str_fails, msg, sizeof(msg)));
    CHECK(strstr(msg, "\"abc\" != \"abd\"") != NULL);
    CHECK(!run_body(body_null_str_fails, msg, sizeof(msg)));
    CHECK(strstr(msg, "\"(null)\" != \"x\"") != NULL);
}

TEST(test_without_checks_fails)
{
    char msg[256];

    CHECK(!run_body(body_no_checks, msg, sizeof(msg)));
    CHECK_STR(msg, "no assertions");
}

TEST(failing_check_in_helper_ends_the_test)
{
    char msg[256];

    CHECK(!run_body(body_fails_in_helper, msg, sizeof(msg)));
    CHECK(strstr(msg, "CHECK(x > 0)") != NULL);
}
