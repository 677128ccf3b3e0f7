/*
 * What the benchmark guests share: the fenced TSC read, their preamble
 * lines, failure reports and the numbers' formatting.  tools/bench parses
 * the lines:
 *
 *   bench: hypervisor <major>.<minor><extra>
 *   bench: tsc khz=<n> mul=<tsc_to_system_mul> shift=<tsc_shift>
 *   bench: FAILED <name>: <why> (<rc>)
 *   bench: done | bench: FAILED
 */
#ifndef GUEST_BENCH_H
#define GUEST_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* The TSC read as a fence on both sides: nothing before it is still in
 * flight and nothing after it has started.  Under QEMU's -icount it counts
 * instructions (x32). */
static inline uint64_t g_bench_tsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* The hypervisor's version and the TSC rate the guest sees. */
void g_bench_preamble(void);
/* Report a failure (counted for g_bench_done). */
void g_bench_fail(const char *name, const char *why, long rc);
/* The closing line; returns the guest's exit status. */
int g_bench_done(void);
/* Sort ascending (a handful of repetitions: insertion sort). */
void g_bench_sort(uint64_t *v, unsigned int n);
/* total / n with two decimals into buf. */
void g_bench_per_op(char *buf, size_t size, uint64_t total, unsigned int n);
/* Is `name` selected by "only=NAME[,NAME...]" on the command line (all
 * are without)? */
int g_bench_selected(const char *name);

#endif /* GUEST_BENCH_H */
