/*
 * hvm-bench: the HVM paths of a PVH guest, timed the way bench-pv times
 * PV ones (guest/bench.h): a CPUID exit's round trip, a null hypercall
 * through the hypercall page (vmmcall on AMD), an event sent to ourselves
 * and delivered through the callback vector, and random reads over the
 * 1 GiB of guest-physical memory from 1 GiB to 2 GiB, whose p2m entries
 * the hypervisor's options make 4 KiB, 2 MiB or 1 GiB.  With no
 * hypervisor at all (QEMU loads this ELF by its PVH note) only CPUID and
 * the reads run: the floor.
 *
 *   bench: hypervisor <version> | bench: hypervisor none
 *   bench: tsc khz=<n> ...               (not when native: the host's rate)
 *   bench: <name> min=<ticks> median=<ticks> iters=<n> reps=<n>
 *          min_total=<ticks> median_total=<ticks>      (one line)
 *   bench: skipped <name>: <why>
 *   bench: done | bench: FAILED
 */
#include <guest/bench.h>
#include <guest/guest.h>
#include <guest/hvm.h>

#define REPS            7u
#define ITERS           10000u
#define READS           65536u
#define WS_START        (1ull << 30)    /* the working set: [1 GiB, 2 GiB) */
#define WS_SIZE         (1ull << 30)
#define WS_STEP         8u              /* reads at 8-byte granules */

struct op {
    const char *name;
    bool needs_hypervisor;
    int (*setup)(void);                 /* 0, or a negative error */
    uint64_t (*run)(unsigned int n, long *err);
    const char *(*check)(unsigned int n);
    void (*teardown)(void);
    unsigned int iters;
};

/* ---- CPUID: an intercepted instruction's round trip ------------------- */

static uint64_t run_cpuid(unsigned int n, long *err)
{
    uint32_t r[4];
    uint64_t t0 = g_bench_tsc();

    for (unsigned int i = 0; i < n; i++)
        g_cpuid(XEN_CPUID_FIRST_LEAF, 0, r);
    *err = 0;
    return g_bench_tsc() - t0;
}

/* ---- A null hypercall ---------------------------------------------------- */

static uint64_t run_null_hypercall(unsigned int n, long *err)
{
    uint64_t t0 = g_bench_tsc();
    long rc = 0;

    for (unsigned int i = 0; i < n; i++)
        rc |= hc_xen_version(XENVER_version, NULL);
    *err = rc < 0 ? rc : 0;
    return g_bench_tsc() - t0;
}

/* ---- An event to ourselves, through the callback vector ---------------- */

static int port_a = -1, port_b = -1;
static volatile unsigned int upcalls;

static void on_event(evtchn_port_t port, void *data, struct g_frame *f)
{
    upcalls++;
}

/* A loopback pair: a send on b makes a pending. */
static int upcall_setup(void)
{
    if ((port_a = g_evtchn_alloc_unbound(DOMID_SELF)) < 0)
        return port_a;
    if ((port_b = g_evtchn_bind_interdomain(DOMID_SELF, (evtchn_port_t)port_a)) < 0) {
        g_evtchn_close((evtchn_port_t)port_a);
        return port_b;
    }
    g_evtchn_set_handler((evtchn_port_t)port_a, on_event, NULL);
    return g_evtchn_unmask((evtchn_port_t)port_a);
}

static void upcall_teardown(void)
{
    g_evtchn_close((evtchn_port_t)port_b);
    g_evtchn_close((evtchn_port_t)port_a);
}

/* Each send comes back as the callback vector on the hypercall's return. */
static uint64_t run_send_upcall(unsigned int n, long *err)
{
    struct evtchn_send s = { .port = (evtchn_port_t)port_b };
    uint64_t t0;
    long rc = 0;

    upcalls = 0;
    t0 = g_bench_tsc();
    g_irq_enable();
    for (unsigned int i = 0; i < n; i++)
        rc |= hc_event_channel_op(EVTCHNOP_send, &s);
    g_irq_disable();
    *err = rc;
    return g_bench_tsc() - t0;
}

static const char *check_send_upcall(unsigned int n)
{
    if (upcalls != n)
        return "not every send was delivered through the callback vector";
    return g_evtchn_is_pending((evtchn_port_t)port_a) ? "the port is still pending" : NULL;
}

/* ---- Random reads over 1 GiB ---------------------------------------- */

static volatile uint64_t sink;

/* Every page of the working set is RAM, and written once (a host that
 * maps a page on first touch pays for that before the timing). */
static int ws_setup(void)
{
    for (uint64_t pfn = WS_START >> G_PAGE_SHIFT; pfn < (WS_START + WS_SIZE) >> G_PAGE_SHIFT;
         pfn++)
        if (g_pfn_to_mfn(pfn) == G_INVALID_MFN)
            return -XEN_ENOMEM;
    for (uint64_t a = WS_START; a < WS_START + WS_SIZE; a += G_PAGE_SIZE)
        *(volatile uint64_t *)a = a;
    return 0;
}

static uint64_t run_random_read(unsigned int n, long *err)
{
    static uint64_t x = 0x9e3779b97f4a7c15ull;
    uint64_t t0 = g_bench_tsc(), sum = 0;

    for (unsigned int i = 0; i < n; i++) {
        x ^= x << 13;                   /* xorshift64 */
        x ^= x >> 7;
        x ^= x << 17;
        sum += *(volatile uint64_t *)(WS_START + (x & (WS_SIZE - WS_STEP)));
    }
    sink = sum;
    *err = 0;
    return g_bench_tsc() - t0;
}

static const struct op ops[] = {
    { "cpuid_exit", false, NULL, run_cpuid, NULL, NULL, ITERS },
    { "null_hypercall", true, NULL, run_null_hypercall, NULL, NULL, ITERS },
    { "evtchn_send_upcall", true, upcall_setup, run_send_upcall, check_send_upcall,
      upcall_teardown, ITERS },
    { "random_read_1g", false, ws_setup, run_random_read, NULL, NULL, READS },
};

/* ---- The harness ------------------------------------------------------ */

static void report(const struct op *o, uint64_t *t)
{
    char min[32], med[32];

    g_bench_sort(t, REPS);
    g_bench_per_op(min, sizeof(min), t[0], o->iters);
    g_bench_per_op(med, sizeof(med), t[REPS / 2], o->iters);
    g_printf("bench: %s min=%s median=%s iters=%u reps=%u min_total=%lu "
             "median_total=%lu\n", o->name, min, med, o->iters, REPS, t[0], t[REPS / 2]);
}

/* A warm-up run, then REPS timed ones, each checked; interrupts off. */
static void measure(const struct op *o)
{
    uint64_t t[REPS];
    const char *why;
    long err = 0;
    int rc;

    if ((rc = o->setup ? o->setup() : 0) < 0) {
        g_bench_fail(o->name, "setup failed", rc);
        return;
    }
    for (unsigned int r = 0; r <= REPS; r++) {
        uint64_t ticks = o->run(o->iters, &err);

        if (err < 0 || (o->check && (why = o->check(o->iters)))) {
            g_bench_fail(o->name, err < 0 ? "an operation failed" : why, err);
            break;
        }
        if (r > 0)
            t[r - 1] = ticks;
        if (r == REPS)
            report(o, t);
    }
    if (o->teardown)
        o->teardown();
}

int g_main(void)
{
    if (g_hvm_native())
        g_printf("bench: hypervisor none\n");
    else
        g_bench_preamble();
    g_irq_disable();
    for (unsigned int i = 0; i < G_ARRAY_SIZE(ops); i++) {
        if (!g_bench_selected(ops[i].name))
            continue;
        if (ops[i].needs_hypervisor && g_hvm_native())
            g_printf("bench: skipped %s: no hypervisor\n", ops[i].name);
        else
            measure(&ops[i]);
    }
    g_irq_enable();
    return g_bench_done();
}
