/*
 * What the stream got back: per hypercall number, how many calls, how
 * many succeeded and the commonest error codes (the lines to compare
 * between hypervisors for one seed); calls that succeeded although they
 * must read an argument that cannot be read; and the trace of each call.
 */
#include <guest/pt.h>
#include "fuzz.h"

#define NR_TALLY     65         /* 0..63, then every number above */
#define NR_ERRS      5
#define NR_ANOMALIES 16

struct count {
    uint64_t calls, ok, other;
    int err[NR_ERRS];
    uint64_t errn[NR_ERRS];
};

struct anomaly {
    uint64_t nr, count, first, arg[2];
    uint32_t sub;
    long rc;
};

static struct count counts[NR_TALLY];

/* Distinct (hypercall number, result) pairs, success counted as 0. */
#define NR_OUTCOMES 4096
static struct outcome_key {
    uint64_t nr;
    long rc;
    bool used;
} outcomes[NR_OUTCOMES];
static unsigned int nr_outcomes;
uint64_t total_calls;

static void note_outcome(uint64_t nr, long rc)
{
    uint64_t h;

    if (rc > 0)
        rc = 0;
    h = (nr * 0x9e3779b97f4a7c15ull) ^ (uint64_t)rc * 0xbf58476d1ce4e5b9ull;
    for (unsigned int i = 0; i < NR_OUTCOMES; i++) {
        struct outcome_key *o = &outcomes[(h + i) % NR_OUTCOMES];
        if (!o->used) {
            *o = (struct outcome_key){ nr, rc, true };
            nr_outcomes++;
            return;
        }
        if (o->nr == nr && o->rc == rc)
            return;
    }
}

unsigned int distinct_outcomes(void)
{
    return nr_outcomes;
}


static struct anomaly anomalies[NR_ANOMALIES];
static unsigned int nr_anomalies;

static unsigned int nr_lost_ports;

unsigned int anomaly_count(void)
{
    return nr_anomalies + nr_lost_ports;
}

static const char *const names[NR_TALLY] = {
    "set_trap_table", "mmu_update", "set_gdt", "stack_switch",
    "set_callbacks", "fpu_taskswitch", "sched_op_compat", "platform_op",
    "set_debugreg", "get_debugreg", "update_descriptor", "hypercall_11",
    "memory_op", "multicall", "update_va_mapping", "set_timer_op",
    "event_channel_op_compat", "xen_version", "console_io",
    "physdev_op_compat", "grant_table_op", "vm_assist",
    "update_va_mapping_otherdomain", "iret", "vcpu_op", "set_segment_base",
    "mmuext_op", "xsm_op", "nmi_op", "sched_op", "callback_op",
    "xenoprof_op", "event_channel_op", "physdev_op", "hvm_op", "sysctl",
    "domctl", "kexec_op", "tmem_op", "argo_op", "xenpmu_op", "dm_op",
    "hypfs_op",
    [64] = "above_63",
};

/* The name of tally slot i (numbers without one: hypercall_N). */
static const char *slot_name(unsigned int i)
{
    static char buf[24];

    if (names[i])
        return names[i];
    g_snprintf(buf, sizeof(buf), "hypercall_%u", i);
    return buf;
}

static const char *name_of(uint64_t nr)
{
    return slot_name(nr < 64 ? (unsigned int)nr : 64);
}

/* A call left a port of the library bound to something else: say which
 * call, at once (the stream may not get much further without it). */
void note_port_changed(const struct call *c, uint32_t port)
{
    if (nr_lost_ports++ < NR_ANOMALIES)
        g_printf("hc-fuzz: anomaly: port %u of the guest library changed by call %lu "
                 "(%s sub %u, arguments 0x%lx 0x%lx 0x%lx)\n", port, iteration,
                 c->name ? c->name : name_of(c->nr), c->sub, c->arg[0], c->arg[1],
                 c->arg[2]);
}

static void count_error(struct count *ct, long rc)
{
    for (unsigned int i = 0; i < NR_ERRS; i++) {
        if (ct->errn[i] && ct->err[i] == (int)rc) {
            ct->errn[i]++;
            return;
        }
        if (!ct->errn[i]) {
            ct->err[i] = (int)rc;
            ct->errn[i] = 1;
            return;
        }
    }
    ct->other++;
}

static void note_anomaly(const struct call *c, long rc)
{
    for (unsigned int i = 0; i < nr_anomalies; i++)
        if (anomalies[i].nr == c->nr && anomalies[i].sub == c->sub) {
            anomalies[i].count++;
            return;
        }
    if (nr_anomalies < NR_ANOMALIES)
        anomalies[nr_anomalies++] = (struct anomaly){
            c->nr, 1, iteration, { c->arg[0], c->arg[1] }, c->sub, rc };
}

void tally(const struct call *c, long rc)
{
    struct count *ct = &counts[c->nr < 64 ? c->nr : 64];

    total_calls++;
    note_outcome(c->nr < 64 ? c->nr : 64, rc);      /* as the summary counts */
    ct->calls++;
    if (rc >= 0)
        ct->ok++;
    else
        count_error(ct, rc);
    if (c->must_fail && rc >= 0)
        note_anomaly(c, rc);
}

static const char *err_name(int rc)
{
    static char buf[16];
    const char *n = g_errno_name(rc);

    if (n)
        return n;
    g_snprintf(buf, sizeof(buf), "%d", rc);
    return buf;
}

void print_summary(void)
{
    for (unsigned int i = 0; i < NR_TALLY; i++) {
        const struct count *ct = &counts[i];
        char line[200];
        int n;

        if (!ct->calls)
            continue;
        n = g_snprintf(line, sizeof(line), "hc-fuzz: %s: %lu calls, %lu ok",
                       slot_name(i), ct->calls, ct->ok);
        for (unsigned int e = 0; e < NR_ERRS && ct->errn[e]; e++)
            n += g_snprintf(line + n, sizeof(line) - (size_t)n, ", %s %lu",
                            err_name(ct->err[e]), ct->errn[e]);
        if (ct->other)
            g_snprintf(line + n, sizeof(line) - (size_t)n, ", others %lu",
                       ct->other);
        g_printf("%s\n", line);
    }
    for (unsigned int i = 0; i < nr_anomalies; i++)
        g_printf("hc-fuzz: anomaly: %s sub %u succeeded (%ld) with an "
                 "argument it cannot read, %lu time(s), first at iteration "
                 "%lu (arguments 0x%lx 0x%lx)\n", name_of(anomalies[i].nr),
                 anomalies[i].sub, anomalies[i].rc, anomalies[i].count,
                 anomalies[i].first, anomalies[i].arg[0], anomalies[i].arg[1]);
}

void trace_call(const struct call *c, bool in_multicall)
{
    g_printf("hc-fuzz: %s%lu %s/%u %lx %lx %lx %lx %lx %lx\n",
             in_multicall ? "  mc " : "t", iteration,
             c->name ? c->name : name_of(c->nr), c->sub, c->arg[0],
             c->arg[1], c->arg[2], c->arg[3], c->arg[4], c->arg[5]);
}

void trace_result(long rc)
{
    g_printf("hc-fuzz: t%lu -> %ld\n", iteration, rc);
}
