/*
 * Hypercall wrappers for a 64-bit PV guest kernel.
 *
 * A hypercall is `call hypercall_page + nr * 32`: the hypervisor fills the
 * page named by our XEN_ELFNOTE_HYPERCALL_PAGE note with one 32-byte stub
 * per number.  Arguments go in rdi, rsi, rdx, r10, r8; the result comes
 * back in rax (>= 0 success, -XEN_E* failure).  The stubs save rcx and r11
 * around the `syscall`; the hypervisor may clobber the argument registers,
 * so every wrapper marks all five as outputs.
 *
 * Naming: hc_<hypercall>() is the raw call with Xen's arguments; the
 * friendlier library functions are g_*() in the other headers.
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdint.h>
#include "xen.h"
#include "xen_errno.h"
#include "callback.h"
#include "console.h"
#include "event_channel.h"
#include "memory_op.h"
#include "physdev.h"
#include "grant_table.h"
#include "sched_op.h"
#include "vcpu.h"
#include "version.h"
#include "xenlite.h"

/* Filled by the hypervisor at domain build (see head.S). */
extern char hypercall_page[4096];

/* nr must be a compile-time constant: the call targets its stub directly. */
#define G_HYPERCALL(nr, a1, a2, a3, a4, a5) ({                              \
    register uint64_t rdi_ __asm__("rdi") = (uint64_t)(a1);                 \
    register uint64_t rsi_ __asm__("rsi") = (uint64_t)(a2);                 \
    register uint64_t rdx_ __asm__("rdx") = (uint64_t)(a3);                 \
    register uint64_t r10_ __asm__("r10") = (uint64_t)(a4);                 \
    register uint64_t r8_ __asm__("r8") = (uint64_t)(a5);                   \
    long rax_;                                                              \
    __asm__ volatile("call hypercall_page + %c[off]"                        \
                     : "=a"(rax_), "+r"(rdi_), "+r"(rsi_), "+r"(rdx_),      \
                       "+r"(r10_), "+r"(r8_)                                \
                     : [off] "i"((nr) * XEN_HYPERCALL_STUB_SIZE)            \
                     : "memory", "cc");                                     \
    rax_;                                                                   \
})

/* Any number, chosen at run time (tests probe unknown numbers with it).
 * nr must be below XEN_HYPERCALL_PAGE_SLOTS. */
long g_hypercall_raw(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3,
                     uint64_t a4, uint64_t a5);

static inline long hc_set_trap_table(const struct trap_info *table)
{
    return G_HYPERCALL(__HYPERVISOR_set_trap_table, table, 0, 0, 0, 0);
}

static inline long hc_mmu_update(struct mmu_update *req, unsigned int count,
                                 unsigned int *done, domid_t foreigndom)
{
    return G_HYPERCALL(__HYPERVISOR_mmu_update, req, count, done,
                       foreigndom, 0);
}

/* frames: machine frames of the GDT, one per 512 entries. */
static inline long hc_set_gdt(const uint64_t *frames, unsigned int entries)
{
    return G_HYPERCALL(__HYPERVISOR_set_gdt, frames, entries, 0, 0, 0);
}

/* One 8-byte descriptor at a machine address (a GDT/LDT page or not). */
static inline long hc_update_descriptor(uint64_t maddr, uint64_t desc)
{
    return G_HYPERCALL(__HYPERVISOR_update_descriptor, maddr, desc, 0, 0, 0);
}

static inline long hc_grant_table_op(unsigned int cmd, void *uop, unsigned int count)
{
    return G_HYPERCALL(__HYPERVISOR_grant_table_op, cmd, uop, count, 0, 0);
}

static inline long hc_physdev_op(unsigned int cmd, void *arg)
{
    return G_HYPERCALL(__HYPERVISOR_physdev_op, cmd, arg, 0, 0, 0);
}

static inline long hc_stack_switch(uint64_t ss, uint64_t sp)
{
    return G_HYPERCALL(__HYPERVISOR_stack_switch, ss, sp, 0, 0, 0);
}

static inline long hc_memory_op(unsigned int cmd, void *arg)
{
    return G_HYPERCALL(__HYPERVISOR_memory_op, cmd, arg, 0, 0, 0);
}

static inline long hc_multicall(struct multicall_entry *calls,
                                unsigned int nr)
{
    return G_HYPERCALL(__HYPERVISOR_multicall, calls, nr, 0, 0, 0);
}

static inline long hc_update_va_mapping(uint64_t va, uint64_t pte,
                                        uint64_t flags)
{
    return G_HYPERCALL(__HYPERVISOR_update_va_mapping, va, pte, flags, 0, 0);
}

/* Absolute system time in ns; 0 cancels.  Shares the vCPU's one-shot
 * timer with VCPUOP_set_singleshot_timer. */
static inline long hc_set_timer_op(uint64_t deadline_ns)
{
    return G_HYPERCALL(__HYPERVISOR_set_timer_op, deadline_ns, 0, 0, 0, 0);
}

static inline long hc_xen_version(unsigned int cmd, void *arg)
{
    return G_HYPERCALL(__HYPERVISOR_xen_version, cmd, arg, 0, 0, 0);
}

static inline long hc_console_io(unsigned int cmd, unsigned int count,
                                 const void *buf)
{
    return G_HYPERCALL(__HYPERVISOR_console_io, cmd, count, buf, 0, 0);
}

static inline long hc_vm_assist(unsigned int cmd, unsigned int type)
{
    return G_HYPERCALL(__HYPERVISOR_vm_assist, cmd, type, 0, 0, 0);
}

static inline long hc_vcpu_op(unsigned int cmd, unsigned int vcpu, void *arg)
{
    return G_HYPERCALL(__HYPERVISOR_vcpu_op, cmd, vcpu, arg, 0, 0);
}

static inline long hc_set_segment_base(unsigned int which, uint64_t base)
{
    return G_HYPERCALL(__HYPERVISOR_set_segment_base, which, base, 0, 0, 0);
}

static inline long hc_mmuext_op(struct mmuext_op *ops, unsigned int count,
                                unsigned int *done, domid_t foreigndom)
{
    return G_HYPERCALL(__HYPERVISOR_mmuext_op, ops, count, done,
                       foreigndom, 0);
}

static inline long hc_sched_op(unsigned int cmd, void *arg)
{
    return G_HYPERCALL(__HYPERVISOR_sched_op, cmd, arg, 0, 0, 0);
}

static inline long hc_fpu_taskswitch(int set)
{
    return G_HYPERCALL(__HYPERVISOR_fpu_taskswitch, set, 0, 0, 0, 0);
}

static inline long hc_callback_op(unsigned int cmd, void *arg)
{
    return G_HYPERCALL(__HYPERVISOR_callback_op, cmd, arg, 0, 0, 0);
}

static inline long hc_event_channel_op(unsigned int cmd, void *arg)
{
    return G_HYPERCALL(__HYPERVISOR_event_channel_op, cmd, arg, 0, 0, 0);
}

#endif /* GUEST_HYPERCALL_H */
