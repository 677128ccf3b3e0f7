/*
 * bench-pv: microbenchmarks of the PV hypercall and event paths.
 *
 * Each benchmark is a loop of BENCH_ITERS operations timed as a whole with
 * `lfence; rdtsc; lfence` at each end, run once to warm up and then
 * BENCH_REPS times; the minimum and median per-operation TSC deltas are
 * reported.  Under QEMU's -icount the TSC counts instructions, which makes
 * the figures repeatable; without it they are wall-clock ticks.
 */
#ifndef BENCH_PV_BENCH_H
#define BENCH_PV_BENCH_H

#include <guest/bench.h>
#include <guest/guest.h>

#define BENCH_ITERS 10000u
#define BENCH_REPS  7u

struct bench {
    const char *name;
    /* Returns 0 or a negative error; may be NULL. */
    int (*setup)(void);
    /* Runs n operations and returns the TSC ticks they took; sets *err to
     * a negative value if an operation failed. */
    uint64_t (*run)(unsigned int n, long *err);
    /* Checks the last run did what it claims (NULL if ok, else why). */
    const char *(*check)(unsigned int n);
    void (*teardown)(void);
};

/* events.c */
extern const struct bench bench_evtchn_send_masked;
extern const struct bench bench_evtchn_upcall;

/* upcall.S: a minimal event callback for bench_evtchn_upcall.  It clears
 * upcall_pending and pending_sel in *bench_upcall_vi, clears bit
 * bench_upcall_port of shared_info.evtchn_pending (at bench_upcall_bits),
 * counts the upcall and returns through the iret hypercall. */
void bench_upcall_entry(void);
extern struct vcpu_info *bench_upcall_vi;
extern uint64_t *bench_upcall_bits;
extern uint64_t bench_upcall_port;
extern volatile uint64_t bench_upcalls;

#endif /* BENCH_PV_BENCH_H */
