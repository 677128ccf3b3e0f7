/*
 * The runner of tests/unit/unit.h: linked into every unit-test binary.
 *
 *     test_foo              run every test
 *     test_foo NAME...      run only the tests with these names
 *     test_foo --list       print the test names, one per line
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static struct unit_test *first, **last = &first;

/* The test that is running: where a failing CHECK jumps back to, how many
 * CHECKs it ran, and its failure message. */
struct unit_state {
    jmp_buf *env;
    int checks;
    char msg[512];
};
static struct unit_state cur;

void unit_register(struct unit_test *t)
{
    t->next = NULL;
    *last = t;
    last = &t->next;
}

void unit_count_check(void)
{
    cur.checks++;
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(cur.msg, sizeof(cur.msg), "%s:%d: ", file, line);

    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < sizeof(cur.msg))
        vsnprintf(cur.msg + n, sizeof(cur.msg) - (size_t)n, fmt, ap);
    va_end(ap);
    if (!cur.env) {
        fprintf(stderr, "unit: CHECK outside a test: %s\n", cur.msg);
        abort();
    }
    longjmp(*cur.env, 1);
}

void unit_fail_eq(const char *file, int line, const char *expr,
                  long long a, long long b)
{
    unit_fail(file, line, "%s: %lld (%#llx) != %lld (%#llx)", expr, a,
              (unsigned long long)a, b, (unsigned long long)b);
}

void unit_fail_str(const char *file, int line, const char *expr,
                   const char *a, const char *b)
{
    unit_fail(file, line, "%s: \"%s\" != \"%s\"", expr, a ? a : "(null)",
              b ? b : "(null)");
}

/* Runs t; returns 1 if it passed.  Saves and restores the state of a test
 * that is already running, so that a test may run another one. */
static int run_one(struct unit_test *t, char *msg, size_t size)
{
    struct unit_state outer = cur;
    jmp_buf env;
    int passed;

    memset(&cur, 0, sizeof(cur));
    cur.env = &env;
    if (setjmp(env) == 0) {
        t->fn();
        if (cur.checks == 0)
            snprintf(cur.msg, sizeof(cur.msg), "no assertions");
    }
    passed = cur.msg[0] == '\0';
    if (msg && size)
        snprintf(msg, size, "%s", cur.msg);
    cur = outer;
    return passed;
}

int unit_run_quiet(struct unit_test *t, char *msg, unsigned long size)
{
    return run_one(t, msg, size);
}

static int selected(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return 1;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

static int known(const char *name)
{
    for (struct unit_test *t = first; t; t = t->next)
        if (strcmp(t->name, name) == 0)
            return 1;
    return 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    char msg[512];

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (struct unit_test *t = first; t; t = t->next)
            printf("%s\n", t->name);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        if (!known(argv[i])) {
            fprintf(stderr, "unit: no test named %s\n", argv[i]);
            return 2;
        }
    }
    for (struct unit_test *t = first; t; t = t->next) {
        if (!selected(t->name, argc, argv))
            continue;
        if (run_one(t, msg, sizeof(msg))) {
            printf("ok %s\n", t->name);
            passed++;
        } else {
            printf("FAIL %s: %s\n", t->name, msg);
            failed++;
        }
    }
    printf("unit %s: %d passed, %d failed\n", base_name(argv[0]), passed,
           failed);
    return failed ? 1 : 0;
}
