/* Built-in platform self-checks (the `selftest` command-line option). */
#ifndef XEN_SELFTEST_H
#define XEN_SELFTEST_H

/* Runs the checks selected by selftest=...; returns the number failed. */
int run_selftests(const char *which);

#endif
