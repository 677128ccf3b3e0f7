/*
 * A PV guest's virtual IDT (set_trap_table), the #PF address from
 * vcpu_info, and the syscall and failsafe callbacks; what happens to an
 * exception next is trap_dispatch.c's.
 */
#include <guest/guest.h>

#define TI_DPL0        0
#define TI_DPL3        3
#define TI_MASK_EVENTS 4    /* trap_info.flags bit 2: enter with events masked */

#define TRAP(vec, dpl) {                                                \
    .vector = (vec), .flags = (dpl) | TI_MASK_EVENTS,                   \
    .cs = FLAT_KERNEL_CS, .address = (uint64_t)g_trap_##vec }

#define DECLARE_STUBS(X) \
    X(0) X(1) X(3) X(4) X(5) X(6) X(7) X(8) X(10) X(11) X(12) X(13) X(14) \
    X(16) X(17) X(18) X(19)
#define DECLARE_STUB(vec) void g_trap_##vec(void);
DECLARE_STUBS(DECLARE_STUB)

/* Every exception enters with events masked, so a handler sees its own
 * state (cr2 above all) before any event handler can run. */
const struct trap_info g_trap_table[] = {
    TRAP(0, TI_DPL0),  TRAP(1, TI_DPL0),  TRAP(3, TI_DPL3),
    TRAP(4, TI_DPL3),  TRAP(5, TI_DPL0),  TRAP(6, TI_DPL0),
    TRAP(7, TI_DPL0),  TRAP(8, TI_DPL0),  TRAP(10, TI_DPL0),
    TRAP(11, TI_DPL0), TRAP(12, TI_DPL0), TRAP(13, TI_DPL0),
    TRAP(14, TI_DPL0), TRAP(16, TI_DPL0), TRAP(17, TI_DPL0),
    TRAP(18, TI_DPL0), TRAP(19, TI_DPL0),
    { 0, 0, 0, 0, 0 },
};

static g_syscall_handler_t syscall_handler;

void g_traps_init(void)
{
    if (hc_set_trap_table(g_trap_table) < 0)
        g_panic("set_trap_table failed");
}

uint64_t g_fault_cr2(void)
{
    return g_this_vcpu_info()->arch.cr2;
}

int g_set_syscall_handler(g_syscall_handler_t h)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_syscall,
        .flags = CALLBACKF_mask_events,
        .address = (uint64_t)g_syscall_entry,
    };

    syscall_handler = h;
    return (int)hc_callback_op(CALLBACKOP_register, &cb);
}

void g_syscall_dispatch(struct g_frame *f)
{
    if (syscall_handler) {
        syscall_handler(f);
        return;
    }
    g_printf("trap: syscall from user mode with no handler\n");
    g_dump_frame(f);
    g_exit(G_EXIT_UNHANDLED_TRAP);
}

void g_failsafe_dispatch(const uint64_t *fr)
{
    g_printf("trap: failsafe callback: vcpu %u could not load segments "
             "ds 0x%lx es 0x%lx fs 0x%lx gs 0x%lx at %04lx:%016lx\n",
             g_this_cpu()->id, fr[2], fr[3], fr[4], fr[5], fr[7] & 0xffff,
             fr[6]);
    g_exit(G_EXIT_UNHANDLED_TRAP);
}
