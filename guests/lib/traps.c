/*
 * The virtual IDT, exception dispatch, the syscall and failsafe callbacks,
 * and the register dump of an exception nobody handled.
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

static g_trap_handler_t handlers[G_NR_EXCEPTIONS];
static g_syscall_handler_t syscall_handler;

static const char *const names[G_NR_EXCEPTIONS] = {
    [G_VEC_DE] = "#DE divide error", [G_VEC_DB] = "#DB debug",
    [G_VEC_NMI] = "NMI", [G_VEC_BP] = "#BP breakpoint",
    [G_VEC_OF] = "#OF overflow", [G_VEC_BR] = "#BR bound range",
    [G_VEC_UD] = "#UD invalid opcode", [G_VEC_NM] = "#NM no FPU",
    [G_VEC_DF] = "#DF double fault", [G_VEC_TS] = "#TS invalid TSS",
    [G_VEC_NP] = "#NP not present", [G_VEC_SS] = "#SS stack fault",
    [G_VEC_GP] = "#GP general protection", [G_VEC_PF] = "#PF page fault",
    [G_VEC_MF] = "#MF x87 error", [G_VEC_AC] = "#AC alignment check",
    [G_VEC_MC] = "#MC machine check", [G_VEC_XM] = "#XM SIMD error",
};

void g_traps_init(void)
{
    if (hc_set_trap_table(g_trap_table) < 0)
        g_panic("set_trap_table failed");
}

const char *g_trap_name(unsigned int vector)
{
    if (vector < G_NR_EXCEPTIONS && names[vector])
        return names[vector];
    if (vector == G_VEC_EVENT)
        return "event upcall";
    if (vector == G_VEC_SYSCALL)
        return "syscall";
    return "unknown vector";
}

g_trap_handler_t g_set_trap_handler(unsigned int vector, g_trap_handler_t h)
{
    g_trap_handler_t old;

    if (vector >= G_NR_EXCEPTIONS)
        return NULL;
    old = handlers[vector];
    handlers[vector] = h;
    return old;
}

uint64_t g_fault_cr2(void)
{
    return g_this_vcpu_info()->arch.cr2;
}

void g_dump_frame(const struct g_frame *f)
{
    unsigned int v = (unsigned int)f->vector;

    g_printf("trap: vcpu %u: %s (vector %u) error 0x%lx\n", g_this_cpu()->id,
             g_trap_name(v), v, f->error_code);
    g_printf("trap: RIP %04x:%016lx RFLAGS %016lx upcall mask %u\n",
             g_frame_cs(f), f->rip, f->rflags,
             (unsigned int)(f->cs >> 32) & 0xff);
    g_printf("trap: RSP %04x:%016lx CR2 %016lx\n", (unsigned int)f->ss,
             f->rsp, v == G_VEC_PF ? g_fault_cr2() : 0);
    g_printf("trap: RAX %016lx RBX %016lx RCX %016lx\n", f->rax, f->rbx,
             f->rcx);
    g_printf("trap: RDX %016lx RSI %016lx RDI %016lx\n", f->rdx, f->rsi,
             f->rdi);
    g_printf("trap: RBP %016lx R8  %016lx R9  %016lx\n", f->rbp, f->r8,
             f->r9);
    g_printf("trap: R10 %016lx R11 %016lx R12 %016lx\n", f->r10, f->r11,
             f->r12);
    g_printf("trap: R13 %016lx R14 %016lx R15 %016lx\n", f->r13, f->r14,
             f->r15);
}

void g_trap_dispatch(struct g_frame *f)
{
    g_trap_handler_t h = NULL;

    if (f->vector < G_NR_EXCEPTIONS)
        h = handlers[f->vector];
    if (h && h(f))
        return;
    g_printf("trap: unhandled exception\n");
    g_dump_frame(f);
    g_exit(G_EXIT_UNHANDLED_TRAP);
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
