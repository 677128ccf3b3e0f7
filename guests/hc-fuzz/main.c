/*
 * hc-fuzz: the stream.  Command line (xl.cfg extra=, or dom0's):
 *
 *     seed=N        the stream (default 1); the same seed, the same calls
 *     calls=N       top-level calls to make (default 20000)
 *     progress=N    a progress line every N calls (default 100000)
 *     trace=N       print every call from call N on
 *     only=a,b      only these generators (names as in the table below)
 *     wild          restore nothing and include iret with random frames
 *     sentinel[=M]  be the well-behaved guest instead (sentinel.c)
 *     audit-oom     (dom0) at the end, also ask for the audit with every
 *                   free frame of the host taken (oom.c)
 *
 * At the end, a summary per hypercall, any anomaly (a call that succeeded
 * although an argument it must read could not be read), and
 *     hc-fuzz: seed S: N calls, M distinct (hypercall, errno) outcomes, K hypervisor faults
 * where K is the hypervisor's count of states it caught that would have
 * faulted in ring 0 (xen-lite's XENVER_xenlite_hazards), counted over the
 * run.  As dom0 it first caps its own memory, and at the end destroys
 * the domains the calls created, prints the host's free memory before and
 * after, and runs the page-type audit.  After every call it checks that
 * the event channels the guest library bound at start are still bound as
 * they were (a change is counted as an anomaly).
 */
#include <guest/control.h>
#include "fuzz.h"
#include "domctl.h"
#include "version.h"
#include "xenlite.h"

struct fuzz_config cfg = { .seed = 1, .iters = 20000, .progress = 100000,
                           .trace_from = ~0ull };
uint64_t iteration;
unsigned int watchdog_vcpu;

/* Name, generator, weight, flags: a new hypercall is one line here. */
static const struct generator generators[] = {
    { "mmu_update",        gen_mmu_update,        10, 0 },
    { "mmuext_op",         gen_mmuext_op,         10, 0 },
    { "update_va_mapping", gen_update_va_mapping,  8, 0 },
    { "uvm_otherdomain",   gen_update_va_mapping_otherdomain, 2, 0 },
    { "memory_op",         gen_memory_op,          8, 0 },
    { "set_trap_table",    gen_set_trap_table,     3, 0 },
    { "stack_switch",      gen_stack_switch,       2, 0 },
    { "set_callbacks",     gen_set_callbacks,      2, 0 },
    { "callback_op",       gen_callback_op,        3, 0 },
    { "set_segment_base",  gen_set_segment_base,   3, 0 },
    { "fpu_taskswitch",    gen_fpu_taskswitch,     2, 0 },
    { "descriptors",       gen_descriptors,        3, 0 },
    { "debugreg",          gen_debugreg,           1, 0 },
    { "vm_assist",         gen_vm_assist,          2, 0 },
    { "vcpu_op",           gen_vcpu_op,            6, 0 },
    { "iret",              gen_iret,               1, GEN_WILD | GEN_NOMC },
    { "event_channel_op",  gen_event_channel_op,  10, 0 },
    { "sched_op",          gen_sched_op,           2, 0 },
    { "sched_wait",        gen_sched_wait,         1, GEN_NOMC },
    { "set_timer_op",      gen_set_timer_op,       2, 0 },
    { "console_io",        gen_console_io,         1, 0 },
    { "xen_version",       gen_xen_version,        3, 0 },
    { "physdev_op",        gen_physdev_op,         2, 0 },
    { "struct_ops",        gen_struct_op,          4, 0 },
    { "reserved",          gen_unimplemented,      2, 0 },
    { "any_number",        gen_any_number,         3, 0 },
    { "multicall",         gen_multicall,          6, GEN_NOMC },
    { "domctl",            gen_domctl,             3, 0 },
    { "sysctl",            gen_sysctl,             2, 0 },
};

/* ---- the command line ------------------------------------------------- */

static uint64_t cmdline_u64(const char *key, uint64_t dflt)
{
    size_t len;
    const char *v = g_cmdline_value(key, &len);
    uint64_t n = 0, base = 10;
    size_t i = 0;

    if (!v || !len)
        return dflt;
    if (len > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        base = 16;
        i = 2;
    }
    for (; i < len; i++) {
        char ch = v[i];
        unsigned int d = ch >= '0' && ch <= '9' ? (unsigned int)(ch - '0')
                       : ch >= 'a' && ch <= 'f' ? (unsigned int)(ch - 'a' + 10)
                       : 99;
        if (d >= base)
            break;
        n = n * base + d;
    }
    return n;
}

static void read_config(void)
{
    size_t len;
    const char *only = g_cmdline_value("only", &len);

    cfg.seed = cmdline_u64("seed", cfg.seed);
    cfg.iters = cmdline_u64("calls", cmdline_u64("iters", cfg.iters));
    cfg.progress = cmdline_u64("progress", cfg.progress) ?: ~0ull;
    cfg.trace_from = cmdline_u64("trace", cfg.trace_from);
    cfg.wild = g_cmdline_has("wild");
    cfg.dom0 = g_is_dom0();
    if (only && len < sizeof(cfg.only))
        memcpy(cfg.only, only, len);
}

/* ---- choosing a generator ---------------------------------------------- */

static bool selected(const char *name)
{
    size_t n = strlen(name);

    if (!cfg.only[0])
        return true;
    for (const char *p = cfg.only; *p; ) {
        const char *end = p;
        while (*end && *end != ',')
            end++;
        if ((size_t)(end - p) == n && !strncmp(p, name, n))
            return true;
        p = *end ? end + 1 : end;
    }
    return false;
}

static bool usable(const struct generator *g, bool in_mc)
{
    if ((g->flags & GEN_WILD) && !cfg.wild)
        return false;
    if ((g->flags & GEN_NOMC) && in_mc)
        return false;
    return selected(g->name);
}

void generate(struct call *c, bool in_mc)
{
    unsigned int total = 0;
    uint64_t r;

    for (unsigned int i = 0; i < G_ARRAY_SIZE(generators); i++)
        if (usable(&generators[i], in_mc))
            total += generators[i].weight;
    if (!total) {                       /* only=multicall, say, inside one */
        gen_any_number(c);
        return;
    }
    r = rnd_below(total);
    for (unsigned int i = 0; i < G_ARRAY_SIZE(generators); i++) {
        if (!usable(&generators[i], in_mc))
            continue;
        if (r < generators[i].weight) {
            generators[i].fn(c);
            return;
        }
        r -= generators[i].weight;
    }
}

/* ---- the loop ------------------------------------------------------------ */

long fuzz_iret(const struct iret_context *frame);

static void issue(struct call *c)
{
    long rc;

    watchdog_note(c);
    if (iteration >= cfg.trace_from)
        trace_call(c, false);
    if (c->nr == __HYPERVISOR_iret && c->name && !strcmp(c->name, "iret"))
        rc = fuzz_iret((const struct iret_context *)c->arg[0]);
    else
        rc = fuzz_syscall(c->nr, c->arg);
    restore(c->dirty);
    if (c->post)
        c->post(c, rc);
    tally(c, rc);                       /* a multicall's entries too (post) */
    if (iteration >= cfg.trace_from)
        trace_result(rc);
}

/* Ring-0 hazards the hypervisor caught so far (-1: it does not say). */
static long hazards(void)
{
    return hc_xen_version(XENVER_xenlite_hazards, NULL);
}

/* ---- dom0: the host around the stream ----------------------------------- */

/* What the stream may take on top of what dom0 holds at start (16 MiB). */
#define DOM0_GROWTH_PAGES 4096
#define KIB_PER_PAGE      ((uint64_t)(G_PAGE_SIZE / 1024))

/* What we hold now, in KiB. */
static uint64_t own_kb(void)
{
    domid_t self = DOMID_SELF;
    long cur = hc_memory_op(XENMEM_current_reservation, &self);

    return cur < 0 ? 0 : (uint64_t)cur * KIB_PER_PAGE;
}

/*
 * dom0 may grow as long as the host has frames (as on Xen), and a stream
 * of populate_physmap calls would take them all, leaving none for the
 * hypervisor's heap or the audit at the end: it caps itself first, as
 * `xl mem-max 0` would.
 */
static void dom0_cap_memory(void)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.u.max_mem.max_memkb = own_kb() + DOM0_GROWTH_PAGES * KIB_PER_PAGE;
    if (g_domctl(XEN_DOMCTL_max_mem, env.self, &op) < 0)
        g_printf("hc-fuzz: cannot cap dom0's memory\n");
}

/* Every domain the calls created (the stream, as dom0, is alone on the
 * host: the ids up to the highest one created are all its own). */
static void destroy_victims(void)
{
    for (unsigned int d = 1; d <= env.last_created; d++) {
        struct xen_domctl op;

        memset(&op, 0, sizeof(op));
        g_domctl(XEN_DOMCTL_destroydomain, (domid_t)d, &op);
    }
}

static void run(void)
{
    g_irq_disable();
    for (iteration = 0; iteration < cfg.iters; iteration++) {
        struct call c;

        if (iteration && iteration % cfg.progress == 0)
            g_printf("hc-fuzz: seed %lu: %lu calls\n", cfg.seed, iteration);
        memset(&c, 0, sizeof(c));
        arena_reset();
        generate(&c, false);
        issue(&c);
        for (uint32_t port; (port = env_port_changed()); )
            note_port_changed(&c, port);
        if (iteration % 64 == 63) {     /* let pending events in */
            g_irq_enable();
            g_irq_disable();
        }
    }
    g_irq_enable();
    watchdog_note(NULL);                /* the stream is over: nothing to watch */
}

int g_main(void)
{
    long before, after, audit = 0;
    uint64_t free_before = 0, own_before = 0;
    int oom_failed = 0;

    read_config();
    if (g_cmdline_has("sentinel") || g_cmdline_value("sentinel", &(size_t){ 0 }))
        return sentinel_main();
    rng_seed(cfg.seed);
    g_printf("hc-fuzz: seed %lu, %lu calls, %s mode, as %s\n", cfg.seed, cfg.iters,
             cfg.wild ? "wild" : "restoring", cfg.dom0 ? "dom0" : "a domU");
    watchdog_vcpu = watchdog_start();
    env_init();
    restore_init();
    if (cfg.dom0) {
        free_before = g_host_free_pages() * KIB_PER_PAGE;
        own_before = own_kb();
        dom0_cap_memory();
    }
    before = hazards();
    run();
    if (cfg.dom0) {
        destroy_victims();
        if (g_cmdline_has("audit-oom"))
            oom_failed = audit_out_of_memory();
        audit = g_audit_page_types();
    }
    after = hazards();
    print_summary();
    if (cfg.dom0) {
        g_printf("hc-fuzz: host free memory %lu KiB before, %lu KiB after; "
                 "dom0 grew by %lu KiB\n", free_before,
                 g_host_free_pages() * KIB_PER_PAGE, own_kb() - own_before);
        if (audit < 0)
            g_printf("hc-fuzz: page-type audit: could not run\n");
        else
            g_printf("hc-fuzz: page-type audit: %ld problem(s)\n", audit);
    }
    g_printf("hc-fuzz: seed %lu: %lu calls, %u distinct (hypercall, errno) outcomes, "
             "%ld hypervisor faults, %u anomalies\n", cfg.seed, total_calls,
             distinct_outcomes(), before < 0 || after < 0 ? -1 : after - before,
             anomaly_count());
    return (after != before) || audit != 0 || oom_failed;
}
