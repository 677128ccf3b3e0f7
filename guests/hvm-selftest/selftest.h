/*
 * hvm-selftest: checks of the PVH interface that must behave the same on
 * Xen 4.17 and xen-lite, as dom0 or as a domU.  Each check returns NULL
 * when it passes, SKIP(...) when it cannot run here, or a reason made
 * with why().
 */
#ifndef HVM_SELFTEST_H
#define HVM_SELFTEST_H

#include <guest/checklog.h>
#include <guest/guest.h>
#include <guest/control.h>
#include <guest/hvm.h>

struct check {
    const char *name;
    const char *(*run)(void);
};

#define why(...) g_check_why(__VA_ARGS__)
#define SKIP_MARK "\001"
#define SKIP(text) (SKIP_MARK text)
#define info(...) g_check_info("hvm-selftest", __VA_ARGS__)
/*
 * How long a check waits for what is due within milliseconds before it
 * calls it lost: an emulator's CPU thread that the host does not run for
 * seconds (seen: 2.4 s on a 2-CPU host at load 20) stops guest time for
 * nothing, and a wake-up due then comes that much later.
 */
#define DUE_WAIT_NS (10 * G_NS_PER_SEC)
/* Running on xen-lite (its own devices and extensions are checked). */
bool on_xen_lite(void);

extern const struct check cpu_checks[];
extern const struct check event_checks[];
extern const struct check memory_checks[];
extern const struct check smp_checks[];
extern const struct check wakeup_checks[];

/* events.c: sleep until VIRQ_TIMER from a singleshot ns ahead (false:
 * none came). */
bool sleep_until_virq_timer(uint64_t ns);

/* crash.c: touch an unpopulated gfn, or triple-fault (the domain must be
 * crashed). */
G_NORETURN void crash_on_unpopulated_gfn(void);
G_NORETURN void crash_by_triple_fault(void);
G_NORETURN void start_vcpu_with_32bit_paging(void);
/* smp.c: spin on every vCPU, for ever ("spin"). */
G_NORETURN void spin_on_every_vcpu(void);
uint64_t probe_read(const volatile void *p);

#endif /* HVM_SELFTEST_H */
