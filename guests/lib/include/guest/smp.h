/*
 * vCPUs and per-vCPU data.
 *
 * Each vCPU's kernel GS base points at its struct g_cpu (set with
 * set_segment_base for vCPU 0, and through vcpu_guest_context for the
 * others), so g_this_cpu() is one load.  Secondary vCPUs are started with
 * VCPUOP_initialise + VCPUOP_up; once up they sit in an idle loop that
 * blocks for events and runs work handed to them with g_cpu_call().
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xen.h"

#define G_MAX_CPUS        8
#define G_CPU_STACK_SIZE  (16 * 1024)

typedef void (*g_cpu_fn_t)(void *arg);

struct g_cpu {
    struct g_cpu *self;             /* at %gs:0 */
    unsigned int id;
    volatile bool online;
    bool started;                   /* VCPUOP_initialise done */
    struct vcpu_info *vi;           /* in shared_info */
    uint64_t stack_top;
    /* events.c */
    uint64_t port_mask[64];         /* ports bound to this vCPU */
    uint64_t events;
    int wake_port;                  /* IPI port that wakes the idle loop */
    /* time.c */
    int timer_port;
    volatile uint64_t timer_events;
    volatile uint64_t timer_last_ns;
    void (*timer_hook)(uint64_t now_ns);
    /* smp.c: one piece of work at a time */
    g_cpu_fn_t volatile work_fn;
    void *volatile work_arg;
    volatile uint64_t work_started;
    volatile uint64_t work_done;
};

extern struct g_cpu g_cpus[G_MAX_CPUS];
extern char g_boot_stack_top[];     /* vCPU 0's stack (head.S) */

static inline struct g_cpu *g_this_cpu(void)
{
    struct g_cpu *c;

    __asm__ volatile("mov %%gs:0, %0" : "=r"(c));
    return c;
}

static inline struct vcpu_info *g_this_vcpu_info(void)
{
    return g_this_cpu()->vi;
}

/* vCPUs the domain has (VCPUOP_is_up answers for ids that exist). */
unsigned int g_nr_cpus(void);
/* Start vCPU id (> 0) -- or bring it back up after g_cpu_down -- and
 * wait until it runs its idle loop; 0 or -XEN_E*. */
int g_cpu_up(unsigned int id);
/* Take vCPU id (> 0) down: it stops itself with VCPUOP_down from its idle
 * loop (as a PV kernel offlines a CPU) and resumes there when brought up
 * again.  Returns once the hypervisor has it down; 0 or -XEN_E*. */
int g_cpu_down(unsigned int id);
/* g_cpu_up or g_cpu_down, saying what became of the vCPU on the console
 * ("vcpu-hotplug: vcpu1 down"). */
int g_vcpu_set_online(unsigned int id, bool online);
/* Run fn(arg) on an online vCPU (from its idle loop) and return at once;
 * g_cpu_wait waits until that work has finished. */
int g_cpu_call(unsigned int id, g_cpu_fn_t fn, void *arg);
int g_cpu_wait(unsigned int id, uint64_t timeout_ns);
/* Run fn on vCPUs 0..n-1 at once -- vCPU 0 is the caller -- vCPU i with
 * the argument i * size bytes past args (an array of n), and wait up to
 * timeout_ns for them all; panics naming `who` when a vCPU cannot start
 * or does not finish. */
void g_cpu_run_all(unsigned int n, g_cpu_fn_t fn, void *args, size_t size,
                   uint64_t timeout_ns, const char *who);

/* The first instructions of a new vCPU (entry.S) and its C side. */
void g_ap_entry(void);
/* The flavour's: start vCPU c (VCPUOP_initialise); then it calls g_ap_online. */
int g_cpu_boot(struct g_cpu *c);
__attribute__((noreturn)) void g_ap_online(struct g_cpu *c);
void g_ap_start(unsigned int id);

#endif /* GUEST_SMP_H */
