/* The benchmark guests' shared lines and helpers (guest/bench.h). */
#include <guest/bench.h>
#include <guest/control.h>
#include <guest/guest.h>

static unsigned int failures;

void g_bench_fail(const char *name, const char *why, long rc)
{
    g_printf("bench: FAILED %s: %s (%ld)\n", name, why, rc);
    failures++;
}

int g_bench_done(void)
{
    g_printf("bench: %s\n", failures ? "FAILED" : "done");
    return failures ? 1 : 0;
}

static void print_version(void)
{
    xen_extraversion_t extra;
    long v = hc_xen_version(XENVER_version, NULL);

    memset(extra, 0, sizeof(extra));
    if (v < 0 || hc_xen_version(XENVER_extraversion, extra) < 0) {
        g_bench_fail("xen_version", "cannot read the version", v);
        return;
    }
    extra[sizeof(extra) - 1] = '\0';
    g_printf("bench: hypervisor %ld.%ld%s\n", v >> 16, v & 0xffff, extra);
}

/* TSC ticks per millisecond from vcpu_time_info, which scales ticks to ns
 * as ns = ((ticks << shift) * mul) >> 32 (xen.h). */
static void print_tsc_rate(void)
{
    const volatile struct vcpu_time_info *t = &g_this_vcpu_info()->time;
    uint32_t version, mul;
    int8_t shift;
    uint64_t khz;

    do {
        version = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != t->version);
    if (mul == 0) {
        g_bench_fail("tsc", "vcpu_time_info has no TSC scale", 0);
        return;
    }
    khz = (G_NS_PER_MS << 32) / mul;
    khz = shift >= 0 ? khz >> shift : khz << -shift;
    g_printf("bench: tsc khz=%lu mul=%u shift=%d\n", khz, mul, shift);
}

/*
 * With no hypervisor (a PVH kernel booted on its own) there is no version
 * to read and no vcpu_time_info: the TSC is the machine's, whose rate the
 * benchmark tool knows.
 */
void g_bench_preamble(void)
{
    if (g_native_exit) {
        g_printf("bench: hypervisor none\n");
        return;
    }
    print_version();
    print_tsc_rate();
}

void g_bench_sort(uint64_t *v, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++) {
        uint64_t x = v[i];
        unsigned int j = i;

        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

void g_bench_per_op(char *buf, size_t size, uint64_t total, unsigned int n)
{
    uint64_t hundredths = (total * 100 + n / 2) / n;

    g_snprintf(buf, size, "%lu.%02lu", hundredths / 100, hundredths % 100);
}

int g_bench_selected(const char *name)
{
    size_t n, len = strlen(name);
    const char *only = g_cmdline_value("only", &n), *end = only + n;

    if (!only)
        return 1;
    while (only < end) {                /* only=A,B,C */
        size_t k = 0;

        while (only + k < end && only[k] != ',')
            k++;
        if (k == len && !strncmp(name, only, k))
            return 1;
        only += k + 1;
    }
    return 0;
}
