/*
 * vcpu_op(cmd, vcpuid, arg): bring vCPUs up and down, query their run
 * state, set their timers and move their vcpu_info.
 *
 * Numbers and layouts are Xen's.  vcpuid names a vCPU of the caller.
 */
#ifndef XENLITE_HYPERCALLS_VCPU_H
#define XENLITE_HYPERCALLS_VCPU_H

#include "xen.h"

#define VCPUOP_initialise                      0  /* arg: vcpu_guest_context */
#define VCPUOP_up                              1  /* arg unused */
#define VCPUOP_down                            2  /* arg unused */
#define VCPUOP_is_up                           3  /* returns 1 or 0 */
#define VCPUOP_get_runstate_info               4  /* arg: vcpu_runstate_info */
#define VCPUOP_register_runstate_memory_area   5
#define VCPUOP_set_periodic_timer              6  /* arg: ..._periodic_timer */
#define VCPUOP_stop_periodic_timer             7  /* arg unused */
#define VCPUOP_set_singleshot_timer            8  /* arg: ..._singleshot_timer */
#define VCPUOP_stop_singleshot_timer           9  /* arg unused */
#define VCPUOP_register_vcpu_info             10  /* arg: ..._vcpu_info */
#define VCPUOP_send_nmi                       11  /* arg unused */
#define VCPUOP_get_physid                     12  /* arg: vcpu_get_physid */
#define VCPUOP_register_vcpu_time_memory_area 13

/* vcpu_runstate_info.state */
#define RUNSTATE_running   0   /* on a physical CPU now */
#define RUNSTATE_runnable  1   /* wants a CPU */
#define RUNSTATE_blocked   2   /* waiting for an event */
#define RUNSTATE_offline   3   /* down or paused */

/* Set in state_entry_time while the hypervisor rewrites a registered
 * runstate area (with VMASST_TYPE_runstate_update_flag). */
#define XEN_RUNSTATE_UPDATE  (1ULL << 63)

/* vcpu_set_singleshot_timer.flags: fail with -XEN_ETIME if the deadline
 * has already passed, instead of firing at once. */
#define _VCPU_SSHOTTMR_future  0
#define VCPU_SSHOTTMR_future   (1U << _VCPU_SSHOTTMR_future)

#ifndef __ASSEMBLY__

struct vcpu_runstate_info {
    int32_t  state;             /* RUNSTATE_* */
    uint32_t _pad0;
    uint64_t state_entry_time;  /* system time (ns) the state began */
    uint64_t time[4];           /* ns spent in each state */
};
_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "vcpu_runstate_info");
_Static_assert(offsetof(struct vcpu_runstate_info, state_entry_time) == 8,
               "vcpu_runstate_info.state_entry_time");

/* Guest VA where the hypervisor keeps a copy of the runstate current. */
struct vcpu_register_runstate_memory_area {
    XEN_GUEST_HANDLE(struct vcpu_runstate_info) addr;
};
_Static_assert(sizeof(struct vcpu_register_runstate_memory_area) == 8,
               "vcpu_register_runstate_memory_area");

/* Periodic VIRQ_TIMER; periods under 1 ms may be refused. */
struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
_Static_assert(sizeof(struct vcpu_set_periodic_timer) == 8,
               "vcpu_set_periodic_timer");

/* One-shot VIRQ_TIMER at an absolute system time. */
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;
    uint32_t flags;             /* VCPU_SSHOTTMR_* */
    uint32_t _pad0;
};
_Static_assert(sizeof(struct vcpu_set_singleshot_timer) == 16,
               "vcpu_set_singleshot_timer");

/* Move this vCPU's vcpu_info out of shared_info into a guest page.  The
 * 64-byte structure must not cross a page boundary; allowed once. */
struct vcpu_register_vcpu_info {
    uint64_t mfn;               /* machine frame (PV) / GFN (HVM) */
    uint32_t offset;            /* byte offset in that page */
    uint32_t rsvd;              /* must be zero */
};
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16,
               "vcpu_register_vcpu_info");

/* On x86: bits 31:0 APIC id, bits 63:32 ACPI id of the pinned pCPU. */
struct vcpu_get_physid {
    uint64_t phys_id;
};
_Static_assert(sizeof(struct vcpu_get_physid) == 8, "vcpu_get_physid");

/* Guest VA of a second vcpu_time_info kept in step with vcpu_info.time. */
struct vcpu_register_time_memory_area {
    XEN_GUEST_HANDLE(struct vcpu_time_info) addr;
};
_Static_assert(sizeof(struct vcpu_register_time_memory_area) == 8,
               "vcpu_register_time_memory_area");

#endif /* !__ASSEMBLY__ */

#endif /* XENLITE_HYPERCALLS_VCPU_H */
