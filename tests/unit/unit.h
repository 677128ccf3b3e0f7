/*
 * A tiny unit-test framework for host-compiled tests of pure logic.
 *
 *     #include "unit.h"
 *
 *     TEST(parses_empty_line)
 *     {
 *         CHECK(parse("") == 0);
 *         CHECK_EQ(count_words("a b"), 2);
 *         CHECK_STR(first_word("ab cd"), "ab");
 *     }
 *
 * Tests register themselves; tests/unit/unit_main.c runs them in the order
 * they appear and prints "ok <name>" or "FAIL <name>: file:line: what" for
 * each, then "unit <binary>: N passed, N failed".  A failing CHECK ends its
 * test at once (CHECKs may also be used in helper functions).  A test that
 * runs no CHECK at all fails ("no assertions").
 */
#ifndef UNIT_H
#define UNIT_H

#include <string.h>

struct unit_test {
    const char *name;
    void (*fn)(void);
    struct unit_test *next;
};

void unit_register(struct unit_test *t);
void unit_count_check(void);
__attribute__((noreturn, format(printf, 3, 4)))
void unit_fail(const char *file, int line, const char *fmt, ...);
void unit_fail_eq(const char *file, int line, const char *expr,
                  long long a, long long b);
void unit_fail_str(const char *file, int line, const char *expr,
                   const char *a, const char *b);

#define TEST(name)                                                       \
    static void unit_fn_##name(void);                                    \
    static struct unit_test unit_desc_##name = { #name, unit_fn_##name,  \
                                                 0 };                    \
    __attribute__((constructor)) static void unit_reg_##name(void)       \
    {                                                                    \
        unit_register(&unit_desc_##name);                                \
    }                                                                    \
    static void unit_fn_##name(void)

#define CHECK(cond)                                                      \
    do {                                                                 \
        unit_count_check();                                              \
        if (!(cond))                                                     \
            unit_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);           \
    } while (0)

/* Compares as long long; both values are printed on failure. */
#define CHECK_EQ(a, b)                                                   \
    do {                                                                 \
        long long unit_a_ = (long long)(a), unit_b_ = (long long)(b);    \
        unit_count_check();                                              \
        if (unit_a_ != unit_b_)                                          \
            unit_fail_eq(__FILE__, __LINE__, "CHECK_EQ(" #a ", " #b ")", \
                         unit_a_, unit_b_);                              \
    } while (0)

/* Two C strings (or two NULLs) are equal. */
#define CHECK_STR(a, b)                                                  \
    do {                                                                 \
        const char *unit_sa_ = (a), *unit_sb_ = (b);                     \
        unit_count_check();                                              \
        if (unit_sa_ != unit_sb_ &&                                      \
            (!unit_sa_ || !unit_sb_ || strcmp(unit_sa_, unit_sb_) != 0)) \
            unit_fail_str(__FILE__, __LINE__,                            \
                          "CHECK_STR(" #a ", " #b ")", unit_sa_,         \
                          unit_sb_);                                     \
    } while (0)

/* For the framework's own tests: run one test quietly.  Returns 1 if it
 * passed, 0 if not; msg (if not NULL) receives the failure message. */
int unit_run_quiet(struct unit_test *t, char *msg, unsigned long size);

#endif /* UNIT_H */
