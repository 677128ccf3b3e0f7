/*
 * Attacks that can only end with the hypervisor crashing this domain:
 * iret frames it cannot return to, and exceptions or event upcalls whose
 * bounce frame has no usable kernel stack to go on.  Each runs in a
 * domain of its own (crash=<name>); if one comes back, main.c says so.
 */
#include "edge.h"

/* An iret_context above the three words the stub pushes. */
static uint64_t frame[16] __attribute__((aligned(16)));

static void iret_with(uint64_t rip, uint64_t cs, uint64_t rsp)
{
    uint64_t *f = frame + 8;

    f[0] = 0;                                   /* flags */
    f[1] = rip;
    f[2] = cs;
    f[3] = G_RFLAGS_IF | 2;
    f[4] = rsp;
    f[5] = FLAT_KERNEL_SS;
    iret_frame_at(f);
}

static void iret_noncanonical_rip(struct outcome *o)
{
    iret_with(EDGE_END, FLAT_KERNEL_CS, (uint64_t)frame);
}

static void iret_noncanonical_rsp(struct outcome *o)
{
    iret_with((uint64_t)g_exit, FLAT_KERNEL_CS, EDGE_END + 0x100);
}

static void iret_hypervisor_cs(struct outcome *o)
{
    iret_with((uint64_t)g_exit, 0xe008, (uint64_t)frame);
}

static void int3_noncanonical_stack(struct outcome *o)
{
    int3_on_stack(0x8000000000001000ull);
}

static void int3_hypervisor_stack(struct outcome *o)
{
    int3_on_stack(0xffff830000100000ull);       /* the direct map */
}

static void int3_unmapped_stack(struct outcome *o)
{
    int3_on_stack(0x0000100000000000ull);       /* nothing of ours there */
}

static void upcall_unmapped_stack(struct outcome *o)
{
    int port = g_evtchn_bind_ipi(0);

    if (port < 0) {
        refused(o, "bind_ipi: %s", err_name(port));
        return;
    }
    g_irq_disable();
    g_evtchn_send((evtchn_port_t)port);
    upcall_on_stack(0x0000100000000000ull, &g_this_vcpu_info()->evtchn_upcall_mask);
}

const struct attack crash_attacks[] = {
    { "iret_to_noncanonical_rip", iret_noncanonical_rip },
    { "iret_to_noncanonical_rsp", iret_noncanonical_rsp },
    { "iret_to_hypervisor_cs", iret_hypervisor_cs },
    { "exception_onto_noncanonical_stack", int3_noncanonical_stack },
    { "exception_onto_hypervisor_stack", int3_hypervisor_stack },
    { "exception_onto_unmapped_stack", int3_unmapped_stack },
    { "upcall_onto_unmapped_stack", upcall_unmapped_stack },
    { NULL, NULL },
};
