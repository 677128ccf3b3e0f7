/*
 * Attacks on VCPUOP_initialise: contexts the hypervisor must refuse whole
 * (state unchanged, the vCPU still free to be initialised), one it must
 * fix up (selectors, flags), and races between vCPUs initialising and
 * starting the same vCPU.
 *
 * The target is the first vCPU that is down (TARGET).  It can be given a
 * context only once, so the refused attacks come first and the race,
 * which gives it one, last; it then runs v3_entry (probes.S), which
 * records what it started with and takes itself down.
 */
#include "edge.h"

#define TARGET          (NR_HELPERS + 1)
#define FREE_L4_SLOT    200             /* a slot our kernel does not use */
#define HEAVY_L1S       16              /* tables to validate per race L4 */

/* What the target vCPU found when it started (written by v3_entry). */
struct seen {
    uint64_t cs, ss, rflags, alive;
};
volatile struct seen v3_seen;
uint8_t v3_stack[16384] __attribute__((aligned(16)));
void v3_entry(void);

static struct vcpu_guest_context ctx, ctx_b;
static struct g_pt_queue q;

static bool have_target(struct outcome *o)
{
    if (nr_vcpus > TARGET)
        return true;
    skipped(o, "needs %u vCPUs, the domain has %u", TARGET + 1, nr_vcpus);
    return false;
}

/* A context that would start TARGET at v3_entry on l4 (our own L4 if 0). */
static void base_context(struct vcpu_guest_context *c, uint64_t l4)
{
    const struct trap_info *t;

    memset(c, 0, sizeof(*c));
    c->flags = VGCF_in_kernel;
    c->user_regs.rip = (uint64_t)v3_entry;
    c->user_regs.rsp = (uint64_t)v3_stack + sizeof(v3_stack);
    c->user_regs.rdi = TARGET;
    c->user_regs.cs = FLAT_KERNEL_CS;
    c->user_regs.ss = FLAT_KERNEL_SS;
    c->user_regs.rflags = G_RFLAGS_IF | 2;
    for (t = g_trap_table; t->address; t++)
        c->trap_ctxt[t->vector] = *t;
    c->kernel_ss = FLAT_KERNEL_SS;
    c->kernel_sp = c->user_regs.rsp;
    c->ctrlreg[3] = xen_pfn_to_cr3(l4 ? l4 : g_pt_current_l4());
    c->event_callback_eip = (uint64_t)g_event_entry;
    c->failsafe_callback_eip = (uint64_t)g_failsafe_entry;
    c->syscall_callback_eip = (uint64_t)g_syscall_entry;
}

static long initialise(unsigned int id, struct vcpu_guest_context *c)
{
    return hc_vcpu_op(VCPUOP_initialise, id, c);
}

/* Initialise TARGET with ctx after `spoil` changed it: must be refused
 * with want, and TARGET must still be down and free. */
static void refused_context(struct outcome *o, void (*spoil)(struct vcpu_guest_context *),
                            long want)
{
    long rc;

    if (!have_target(o))
        return;
    base_context(&ctx, 0);
    spoil(&ctx);
    rc = initialise(TARGET, &ctx);
    expect_error(o, rc, want);
    if (rc >= 0 || hc_vcpu_op(VCPUOP_is_up, TARGET, NULL) != 0)
        succeeded(o, "the context was taken (%s)", err_name(rc));
}

static void bad_mxcsr(struct vcpu_guest_context *c)
{
    uint32_t mxcsr = 0xffff1f80;        /* reserved bits 16..31 set */

    c->flags |= VGCF_i387_valid;
    memcpy(c->fpu_ctxt + 24, &mxcsr, sizeof(mxcsr));
}
static void noncanonical_handler(struct vcpu_guest_context *c)
{
    c->trap_ctxt[G_VEC_GP].address = EDGE_END;
}
static void noncanonical_pf_handler(struct vcpu_guest_context *c)
{
    c->trap_ctxt[G_VEC_PF].address = 0xdead000000000000ull;
}
static void noncanonical_callback(struct vcpu_guest_context *c)
{
    c->event_callback_eip = EDGE_END + 0x1000;
}
static void noncanonical_rip(struct vcpu_guest_context *c)
{
    c->user_regs.rip = EDGE_END;
}
static void unknown_vm_assist(struct vcpu_guest_context *c)
{
    c->vm_assist = 1ull << 63;
}
static void hypervisor_l4(struct vcpu_guest_context *c)
{
    c->ctrlreg[3] = xen_pfn_to_cr3(g_pte_mfn(g_pt_read(g_pt_current_l4(), 256)));
}
static void gdt_entries(struct vcpu_guest_context *c)
{
    c->gdt_ents = 16;
}

#define REFUSED_CONTEXT(name, spoil, want)                              \
    static void name(struct outcome *o) { refused_context(o, spoil, want); }
REFUSED_CONTEXT(initialise_bad_mxcsr, bad_mxcsr, -XEN_EINVAL)
REFUSED_CONTEXT(initialise_noncanonical_gp_handler, noncanonical_handler, -XEN_EINVAL)
REFUSED_CONTEXT(initialise_noncanonical_pf_handler, noncanonical_pf_handler, -XEN_EINVAL)
REFUSED_CONTEXT(initialise_noncanonical_callback, noncanonical_callback, -XEN_EINVAL)
REFUSED_CONTEXT(initialise_noncanonical_rip, noncanonical_rip, -XEN_EINVAL)
REFUSED_CONTEXT(initialise_unknown_vm_assist, unknown_vm_assist, -XEN_EINVAL)
REFUSED_CONTEXT(initialise_hypervisor_l4, hypervisor_l4, 0)
REFUSED_CONTEXT(initialise_with_gdt_entries, gdt_entries, -XEN_EINVAL)

static void initialise_running_vcpu(struct outcome *o)
{
    base_context(&ctx, 0);
    expect_error(o, initialise(0, &ctx), -XEN_EEXIST);
}

static void initialise_vcpu_beyond_max(struct outcome *o)
{
    base_context(&ctx, 0);
    expect_error(o, initialise(4096, &ctx), -XEN_ENOENT);
}

/* ---- the race ----------------------------------------------------------- */

/* An L4 with our kernel's entries and, in a free slot, HEAVY_L1S fresh L1
 * tables full of read-only mappings, so that validating it takes a while. */
static uint64_t heavy_l4(uint64_t page_mfn)
{
    uint64_t home = g_pt_current_l4(), l4 = g_pt_alloc_table();
    uint64_t l3 = g_pt_alloc_table(), l2 = g_pt_alloc_table();

    if (!l4 || !l3 || !l2)
        return 0;
    for (unsigned int slot = 0; slot < 512; slot++) {
        uint64_t e = g_pt_read(home, slot);
        if ((slot < 256 || slot > 271) && (e & G_PTE_P))
            g_pt_set(&q, l4, slot, e);
    }
    for (unsigned int i = 0; i < HEAVY_L1S; i++) {
        uint64_t l1 = g_pt_alloc_table();
        if (!l1)
            return 0;
        for (unsigned int s = 0; s < 512; s++)
            g_pt_set(&q, l1, s, (page_mfn << G_PAGE_SHIFT) | G_PTE_KERNEL_RO);
        g_pt_set(&q, l2, i, (l1 << G_PAGE_SHIFT) | G_PTE_TABLE);
    }
    g_pt_set(&q, l3, 0, (l2 << G_PAGE_SHIFT) | G_PTE_TABLE);
    g_pt_set(&q, l4, FREE_L4_SLOT, (l3 << G_PAGE_SHIFT) | G_PTE_TABLE);
    if (g_pt_flush(&q) < 0) {
        g_pt_print_error(&q, "edge-attack: building an L4");
        g_pt_clear_error(&q);
        return 0;
    }
    return l4;
}

static volatile bool go;
static volatile long rc_b, rc_up = -XEN_EINVAL;

static void wait_go(void)
{
    while (!go)
        g_cpu_relax();
}

static void racer_initialise(void *arg)
{
    wait_go();
    rc_b = initialise(TARGET, &ctx_b);
}

static void racer_up(void *arg)
{
    uint64_t deadline = g_now_ns() + 2 * G_NS_PER_SEC;

    wait_go();
    while ((rc_up = hc_vcpu_op(VCPUOP_up, TARGET, NULL)) < 0 && g_now_ns() < deadline)
        ;
}

/* Selectors, flags the target is given and must not start with. */
static void hostile_regs(struct vcpu_guest_context *c)
{
    c->user_regs.cs = 0xe008;           /* the hypervisor's ring-0 CS */
    c->user_regs.ss = 0;
    c->user_regs.rflags |= (3u << 12) | (1u << 14) | (1u << 17);  /* IOPL 3, NT, VM */
}

static bool race_ready(struct outcome *o)
{
    void *page = g_page_alloc_mapped();
    uint64_t a, b;

    if (!have_target(o))
        return false;
    if (g_pt_read(g_pt_current_l4(), FREE_L4_SLOT) & G_PTE_P) {
        skipped(o, "L4 slot %u is in use", FREE_L4_SLOT);
        return false;
    }
    if (!page || !(a = heavy_l4(g_virt_to_mfn(page))) || !(b = heavy_l4(g_virt_to_mfn(page)))) {
        succeeded(o, "could not build the L4 tables for the race");
        return false;
    }
    base_context(&ctx, a);
    base_context(&ctx_b, b);
    hostile_regs(&ctx);
    hostile_regs(&ctx_b);
    return true;
}

/*
 * vCPU 0 and helper 1 initialise TARGET at once, each with its own L4,
 * while helper 2 keeps calling VCPUOP_up on it.  Exactly one initialise
 * may succeed (the other: EEXIST, its references given back), up may
 * only succeed once a whole context is there, and TARGET must start with
 * the flat selectors and no IOPL/NT whatever the context said.
 */
static void initialise_race(struct outcome *o)
{
    long rc_a;
    uint64_t deadline;

    if (!race_ready(o))
        return;
    go = false;
    g_cpu_call(1, racer_initialise, NULL);
    g_cpu_call(2, racer_up, NULL);
    go = true;
    rc_a = initialise(TARGET, &ctx);
    g_cpu_wait(1, 5 * G_NS_PER_SEC);
    g_cpu_wait(2, 5 * G_NS_PER_SEC);
    deadline = g_now_ns() + 2 * G_NS_PER_SEC;
    while (!v3_seen.alive && g_now_ns() < deadline)
        hc_sched_op(SCHEDOP_yield, NULL);
    if (rc_a == 0 && rc_b == 0)
        succeeded(o, "both initialises of vcpu %u were accepted", TARGET);
    else if ((rc_a == 0) == (rc_b == 0) || (rc_a < 0 ? rc_a : rc_b) != -XEN_EEXIST)
        succeeded(o, "initialise answered %s and %s", err_name(rc_a), err_name(rc_b));
    else if (rc_up != 0 || !v3_seen.alive)
        succeeded(o, "vcpu %u did not start (up: %s)", TARGET, err_name(rc_up));
    else if ((uint16_t)v3_seen.cs != FLAT_KERNEL_CS || (uint16_t)v3_seen.ss != FLAT_KERNEL_SS)
        succeeded(o, "vcpu %u started with cs 0x%lx ss 0x%lx", TARGET, v3_seen.cs, v3_seen.ss);
    else if (v3_seen.rflags & ((3u << 12) | (1u << 14)))
        succeeded(o, "vcpu %u started with rflags 0x%lx", TARGET, v3_seen.rflags);
    else
        refused(o, "one initialise, the other -EEXIST; started with cs 0x%x ss 0x%x rflags 0x%lx",
                (unsigned int)v3_seen.cs, (unsigned int)v3_seen.ss, v3_seen.rflags);
}

const struct attack context_attacks[] = {
    { "initialise_bad_mxcsr", initialise_bad_mxcsr },
    { "initialise_noncanonical_gp_handler", initialise_noncanonical_gp_handler },
    { "initialise_noncanonical_pf_handler", initialise_noncanonical_pf_handler },
    { "initialise_noncanonical_event_callback", initialise_noncanonical_callback },
    { "initialise_noncanonical_rip", initialise_noncanonical_rip },
    { "initialise_unknown_vm_assist", initialise_unknown_vm_assist },
    { "initialise_with_hypervisor_l4", initialise_hypervisor_l4 },
    { "initialise_with_gdt_entries", initialise_with_gdt_entries },
    { "initialise_running_vcpu", initialise_running_vcpu },
    { "initialise_vcpu_beyond_max", initialise_vcpu_beyond_max },
    { "initialise_race_with_hostile_selectors", initialise_race },
    { NULL, NULL },
};
