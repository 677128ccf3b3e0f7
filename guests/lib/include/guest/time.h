/*
 * Time and timers.
 *
 * System time is ns since the hypervisor booted, computed from this vCPU's
 * vcpu_time_info and the TSC (xen.h describes the scaling); wall-clock
 * time adds shared_info's wc_sec/wc_nsec.  Each vCPU has one one-shot
 * timer (set_timer_op / VCPUOP_set_singleshot_timer) and one periodic
 * timer; both raise VIRQ_TIMER, which the library binds on every vCPU.
 * At start of day the library stops the periodic timer Xen may run by
 * default, so VIRQ_TIMER fires only when asked.
 */
#ifndef GUEST_TIME_H
#define GUEST_TIME_H

#include <stdbool.h>
#include <stdint.h>

#define G_NS_PER_US  1000ull
#define G_NS_PER_MS  1000000ull
#define G_NS_PER_SEC 1000000000ull

/* lfence keeps rdtsc from running ahead of earlier loads, so a time read
 * after seeing another vCPU's store is not older than that store. */
static inline uint64_t g_rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* System time, never going back, also across vCPUs. */
uint64_t g_now_ns(void);
/* This vCPU's own reading, without the cross-vCPU clamp. */
uint64_t g_now_ns_raw(void);
/* The hypervisor promises the TSC-based time agrees across vCPUs. */
bool g_time_stable(void);
void g_wallclock(uint64_t *sec, uint32_t *nsec);

/* One-shot: absolute system time.  g_timer_set uses set_timer_op,
 * g_singleshot_set VCPUOP_set_singleshot_timer (flags VCPU_SSHOTTMR_*). */
int g_timer_set(uint64_t deadline_ns);
int g_singleshot_set(uint64_t deadline_ns, uint32_t flags);
int g_singleshot_stop(void);
int g_periodic_start(uint64_t period_ns);
int g_periodic_stop(void);

/* VIRQ_TIMER on this vCPU: how many have arrived, the system time the last
 * one was handled at, and an optional hook run from the event handler. */
typedef void (*g_timer_hook_t)(uint64_t now_ns);
uint64_t g_timer_events(void);
uint64_t g_timer_last_ns(void);
void g_set_timer_hook(g_timer_hook_t hook);

/* Block (events enabled) until the deadline passes. */
void g_sleep_until(uint64_t deadline_ns);
void g_sleep_ns(uint64_t ns);

/* Bind VIRQ_TIMER for a vCPU (start.c and smp.c call it). */
int g_time_init_cpu(unsigned int vcpu);

#endif /* GUEST_TIME_H */
