/*
 * Attacks on the way back from the hypervisor that the guest survives:
 * instructions that end exactly at 2^47, so that the hypervisor's return
 * address is the first non-canonical one.  Hardware faults in ring 0 if
 * the hypervisor returns there (sysret on Intel, iretq everywhere); the
 * guest must get #GP with that address, as from its own fetch.  And the
 * FPU: a virtual CR0.TS left set across a switch of vCPUs.
 */
#include "edge.h"

static struct fault *armed;

static bool on_fault(struct g_frame *f)
{
    if (!armed)
        return false;
    armed->hit = true;
    armed->vector = (unsigned int)f->vector;
    armed->error_code = f->error_code;
    armed->rip = f->rip;
    armed = NULL;
    f->rip = (uint64_t)edge_resume;
    return true;
}

/* Run the code placed at target; what fault did it end in? */
static uint64_t run_edge(uint64_t target, uint64_t rax, uint64_t rdi, struct fault *f)
{
    static const unsigned int vectors[] = { G_VEC_GP, G_VEC_PF, G_VEC_UD };
    g_trap_handler_t old[G_ARRAY_SIZE(vectors)];
    uint64_t ret;

    memset(f, 0, sizeof(*f));
    for (unsigned int i = 0; i < G_ARRAY_SIZE(vectors); i++)
        old[i] = g_set_trap_handler(vectors[i], on_fault);
    armed = f;
    ret = edge_jump(target, rax, rdi);
    armed = NULL;
    for (unsigned int i = 0; i < G_ARRAY_SIZE(vectors); i++)
        g_set_trap_handler(vectors[i], old[i]);
    return ret;
}

/* The verdict on code that ran up to EDGE_END: #GP(0) there, as hardware. */
static void judge_edge(struct outcome *o, const struct fault *f, const char *what)
{
    if (!f->hit)
        succeeded(o, "%s came back without a fault", what);
    else if (f->vector != G_VEC_GP || f->rip != EDGE_END)
        succeeded(o, "%s: %s at 0x%lx, not #GP at 0x%llx", what,
                  g_trap_name(f->vector), f->rip, EDGE_END);
    else
        refused(o, "#GP(%lu) at 0x%lx", f->error_code, f->rip);
}

/* Put code in the last bytes below 2^47: its address, or 0 (verdict given). */
static uint64_t at_end(struct outcome *o, const uint8_t *code, size_t len)
{
    uint8_t *page = edge_page();

    if (!page) {
        succeeded(o, "the edge page could not be mapped");
        return 0;
    }
    memcpy(page + G_PAGE_SIZE - len, code, len);
    return EDGE_END - len;
}

/* A hypercall whose syscall instruction is the last two bytes below 2^47. */
static void syscall_at_end(struct outcome *o)
{
    static const uint8_t code[] = { 0x0f, 0x05 };               /* syscall */
    uint64_t at = at_end(o, code, sizeof(code)), rc;
    struct fault f;

    if (!at)
        return;
    rc = run_edge(at, __HYPERVISOR_xen_version, XENVER_version, &f);
    judge_edge(o, &f, "xen_version");
    if (!o->succeeded && (rc >> 16) == 0)
        succeeded(o, "xen_version at the edge answered 0x%lx", rc);
}

/* The same with an event waiting: SCHEDOP_block unmasks events and
 * returns at once, so an upcall is due on the way out too.  The #GP comes
 * first; an upcall frame would carry the non-canonical rip instead, and
 * the guest could not return to it. */
static void block_at_end_with_event(struct outcome *o)
{
    static const uint8_t code[] = { 0x0f, 0x05 };               /* syscall */
    uint64_t at = at_end(o, code, sizeof(code));
    int port = g_evtchn_bind_ipi(0);
    struct fault f;

    if (!at || port < 0) {
        succeeded(o, "setting up: port %d", port);
        return;
    }
    g_irq_disable();
    g_evtchn_send((evtchn_port_t)port);
    run_edge(at, __HYPERVISOR_sched_op, SCHEDOP_block, &f);
    g_irq_enable();
    g_evtchn_close((evtchn_port_t)port);
    judge_edge(o, &f, "SCHEDOP_block");
}

/* The forced-emulation prefix (ud2; "xen"; cpuid) in the last 7 bytes. */
static void forced_emulation_at_end(struct outcome *o)
{
    static const uint8_t code[] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2 };
    uint64_t at = at_end(o, code, sizeof(code));
    struct fault f;

    if (!at)
        return;
    run_edge(at, 0x40000000, 0, &f);
    judge_edge(o, &f, "emulated cpuid");
}

/* The same prefix one byte earlier ends in a hlt before 2^47: the
 * emulation itself must work there (or the check above proves little). */
static void forced_emulation_before_end(struct outcome *o)
{
    static const uint8_t code[] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2, 0xf4 };
    uint64_t at = at_end(o, code, sizeof(code)), eax;
    struct fault f;

    if (!at)
        return;
    eax = run_edge(at, 0x40000000, 0, &f);
    if (!f.hit || f.vector != G_VEC_GP || f.rip != EDGE_END - 1)
        succeeded(o, "expected cpuid, then #GP at the hlt: %s at 0x%lx",
                  f.hit ? g_trap_name(f.vector) : "no fault", f.rip);
    else if ((uint32_t)eax < 0x40000001)
        succeeded(o, "cpuid leaf 0x40000000 answered 0x%x", (uint32_t)eax);
    else
        refused(o, "emulated (max leaf 0x%x), then #GP at the hlt", (uint32_t)eax);
}

/* sysenter from the guest kernel: it must fault in the guest (#GP with a
 * null SYSENTER_CS on Intel, #UD on AMD), never enter ring 0. */
static void sysenter_from_guest(struct outcome *o)
{
    static const uint8_t code[] = { 0x0f, 0x34 };               /* sysenter */
    uint64_t at = at_end(o, code, sizeof(code));
    struct fault f;

    if (!at)
        return;
    run_edge(at, 0, 0, &f);
    if (!f.hit || (f.vector != G_VEC_GP && f.vector != G_VEC_UD) || f.rip != at)
        succeeded(o, "sysenter: %s at 0x%lx", f.hit ? g_trap_name(f.vector) : "no fault",
                  f.rip);
    else
        refused(o, "%s at the sysenter", g_trap_name(f.vector));
}

/* fpu_taskswitch(1) sets the virtual CR0.TS; the hypervisor must save and
 * restore the FPU across a switch of vCPUs all the same (FXSAVE and
 * FXRSTOR raise #NM in ring 0 while CR0.TS is set). */
static void fpu_taskswitch_then_yield(struct outcome *o)
{
    const uint64_t mark = 0x5eed0f00fab1e5ull;
    uint64_t back;
    long rc;

    /* (No SSE in this code: nothing of the compiler's lives in xmm0.) */
    __asm__ volatile("movq %0, %%xmm0" :: "r"(mark));
    rc = G_HYPERCALL(__HYPERVISOR_fpu_taskswitch, 1, 0, 0, 0, 0);
    if (rc < 0) {
        refused(o, "fpu_taskswitch(1): %s", err_name(rc));
        return;
    }
    for (unsigned int i = 0; i < 10; i++)
        g_sleep_ns(200000);             /* the pCPU goes idle: a switch */
    G_HYPERCALL(__HYPERVISOR_fpu_taskswitch, 0, 0, 0, 0, 0);
    __asm__ volatile("movq %%xmm0, %0" : "=r"(back));
    if (back != mark)
        succeeded(o, "xmm0 changed across the switches: 0x%lx", back);
    else
        refused(o, "switched out and back with TS set; xmm0 kept");
}

const struct attack exit_attacks[] = {
    { "syscall_in_last_bytes_below_2_47", syscall_at_end },
    { "block_in_last_bytes_below_2_47_with_event_pending", block_at_end_with_event },
    { "forced_emulation_in_last_bytes_below_2_47", forced_emulation_at_end },
    { "forced_emulation_just_before_2_47", forced_emulation_before_end },
    { "sysenter_from_guest_kernel", sysenter_from_guest },
    { "fpu_taskswitch_then_yield", fpu_taskswitch_then_yield },
    { NULL, NULL },
};
