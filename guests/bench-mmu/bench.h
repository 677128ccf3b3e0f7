/*
 * bench-mmu: microbenchmarks of the PV MMU paths.
 *
 * Every figure times a whole loop with `lfence; rdtsc; lfence` at each end,
 * once to warm up and then BENCH_REPS times, with events masked; the
 * minimum and median of the timed runs are reported, per operation (per
 * PTE for the update benchmarks).  Under QEMU's -icount the TSC counts
 * instructions, which makes the figures repeatable; without it they are
 * wall-clock ticks.  Lines follow bench-pv's format (tools/bench reads
 * both); the update benchmarks add the batch size and the cost per call.
 */
#ifndef BENCH_MMU_BENCH_H
#define BENCH_MMU_BENCH_H

#include <guest/bench.h>
#include <guest/guest.h>
#include <guest/pt.h>

#define BENCH_REPS  7u
#define NR_UPDATES  65536u              /* PTE updates per timed loop */

/* One timed loop: returns its ticks; *err < 0 if an operation failed. */
typedef uint64_t (*bench_run_fn)(void *ctx, long *err);
/* After a loop: NULL if it did what it claims, else why not. */
typedef const char *(*bench_check_fn)(void *ctx);

struct bench {
    char name[48];
    unsigned int iters;                 /* operations per loop */
    unsigned int calls;                 /* hypercalls per loop */
    unsigned int batch;                 /* 0: not an update benchmark */
    bench_run_fn run;
    bench_check_fn check;
    void *ctx;
};

/* main.c */
void bench_measure(const struct bench *b);
/* Report runs already timed (t[BENCH_REPS]) under the same format. */
void bench_report(const struct bench *b, uint64_t *t);

/* updates.c: 65,536 PTE updates in batches, four ways. */
int updates_setup(void);
void updates_run_all(void);
void updates_teardown(void);

/* ops.c: TLB flushes, and pin/unpin of a 4,096-page address space. */
void flush_run_all(void);
int tree_setup(void);
void tree_run(void);
void tree_teardown(void);

#endif /* BENCH_MMU_BENCH_H */
