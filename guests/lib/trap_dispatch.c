/*
 * Exceptions once they reach the guest, PV or PVH alike: the handler per
 * vector, names, the register dump of one nobody handled.
 */
#include <guest/guest.h>

static g_trap_handler_t handlers[G_NR_EXCEPTIONS];

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
