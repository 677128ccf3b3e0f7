/* Built-in platform self-checks (the `selftest` command-line option). */
#ifndef XEN_SELFTEST_H
#define XEN_SELFTEST_H

/* Runs the checks selected by selftest=...; returns the number failed. */
int run_selftests(const char *which);

/* Back ends' own checks, reporting each by name (NULL problem: passed). */
typedef void selftest_report_fn(const char *name, const char *problem);
void vmx_selftests(selftest_report_fn *report);
/* The hypervisor's own guards (common/selftest_guards.c). */
void guard_selftests(selftest_report_fn *report);

#endif
