/*
 * sched_op(cmd, arg): a guest's requests to the scheduler -- yield, block
 * until an event, poll ports, and shut itself (or, privileged, another
 * domain) down.
 *
 * Numbers and layouts are Xen's.  The legacy sched_op_compat hypercall
 * takes the same commands but passes the shutdown reason directly in arg.
 * xen-lite's own sub-commands are in xenlite.h.
 */
#ifndef XENLITE_HYPERCALLS_SCHED_OP_H
#define XENLITE_HYPERCALLS_SCHED_OP_H

#include "xen.h"

#define SCHEDOP_yield            0  /* arg unused */
#define SCHEDOP_block            1  /* arg unused; unmasks upcalls, then
                                       sleeps unless an event is pending */
#define SCHEDOP_shutdown         2  /* arg: struct sched_shutdown */
#define SCHEDOP_poll             3  /* arg: struct sched_poll */
#define SCHEDOP_remote_shutdown  4  /* arg: struct sched_remote_shutdown */
#define SCHEDOP_shutdown_code    5  /* arg: struct sched_shutdown; only
                                       records the reason for later */
#define SCHEDOP_watchdog         6  /* arg: struct sched_watchdog */
#define SCHEDOP_pin_override     7  /* arg: struct sched_pin_override */

/* Shutdown reasons, as reported to the toolstack (xl's on_poweroff etc). */
#define SHUTDOWN_poweroff    0   /* clean exit: destroy */
#define SHUTDOWN_reboot      1   /* destroy and start again */
#define SHUTDOWN_suspend     2   /* save state; rdx = start_info MFN */
#define SHUTDOWN_crash       3   /* the guest crashed */
#define SHUTDOWN_watchdog    4   /* the domain watchdog expired */
#define SHUTDOWN_soft_reset  5   /* reset hypervisor state, keep memory */
#define SHUTDOWN_MAX         5

#ifndef __ASSEMBLY__

struct sched_shutdown {
    uint32_t reason;                         /* SHUTDOWN_* */
};
_Static_assert(sizeof(struct sched_shutdown) == 4, "sched_shutdown");

/* Block until one of the ports is pending or the absolute system time
 * `timeout` (ns; 0 = none) passes. */
struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports;   /* array of uint32_t ports */
    uint32_t nr_ports;
    uint32_t _pad0;
    uint64_t timeout;
};
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll");
_Static_assert(offsetof(struct sched_poll, timeout) == 16,
               "sched_poll.timeout");

struct sched_remote_shutdown {
    domid_t  domain_id;
    uint16_t _pad0;
    uint32_t reason;                         /* SHUTDOWN_* */
};
_Static_assert(sizeof(struct sched_remote_shutdown) == 8,
               "sched_remote_shutdown");
_Static_assert(offsetof(struct sched_remote_shutdown, reason) == 4,
               "sched_remote_shutdown.reason");

/* id 0 creates a watchdog (returns its id); timeout 0 destroys one;
 * otherwise the watchdog is re-armed for `timeout` seconds. */
struct sched_watchdog {
    uint32_t id;
    uint32_t timeout;
};
_Static_assert(sizeof(struct sched_watchdog) == 8, "sched_watchdog");

struct sched_pin_override {
    int32_t pcpu;                            /* < 0 restores affinity */
};
_Static_assert(sizeof(struct sched_pin_override) == 4, "sched_pin_override");

#endif /* !__ASSEMBLY__ */

#endif /* XENLITE_HYPERCALLS_SCHED_OP_H */
