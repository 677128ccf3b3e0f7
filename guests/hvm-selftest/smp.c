/*
 * Two vCPUs: the second started with VCPUOP_initialise (a 64-bit
 * vcpu_hvm_context) and VCPUOP_up, work handed to it through an
 * event-channel IPI, an x2APIC IPI to it, its own VIRQ_TIMER.
 */
#include "selftest.h"

#define IPI_VECTOR  0xe1

static volatile unsigned int ipis;
static volatile bool timer_came;

static void on_ipi(unsigned int vector, struct g_frame *f)
{
    ipis++;
}

static void sleep_there(void *arg)
{
    timer_came = sleep_until_virq_timer(2 * G_NS_PER_MS);
}

static void nothing(void *arg) { }

static volatile uint64_t spins[G_MAX_CPUS];

static G_NORETURN void spin(void *arg)
{
    volatile uint64_t *n = arg;

    for (;;)
        (*n)++;
}

/*
 * spin: every vCPU runs a loop that never exits to the hypervisor on its
 * own, so the toolstack's pause and destroy must take the vCPUs out of
 * the guest (an IPI forcing a VMEXIT).
 */
void spin_on_every_vcpu(void)
{
    for (unsigned int i = 1; i < g_nr_cpus(); i++)
        if (g_cpu_up(i) < 0 || g_cpu_call(i, spin, (void *)&spins[i]) < 0)
            g_printf("hvm-selftest: vCPU %u did not start\n", i);
    g_printf("hvm-selftest: spinning on %u vCPUs\n", g_nr_cpus());
    spin((void *)&spins[0]);
}

static volatile uint32_t apic_id_1;

static void read_apic_id(void *arg)
{
    apic_id_1 = (uint32_t)g_apic_read(0x020);   /* the x2APIC ID register */
}

static const char *second_vcpu(void)
{
    int rc;

    if (g_nr_cpus() < 2)
        return SKIP("one vCPU");
    if ((rc = g_cpu_up(1)) < 0)
        return why("cpu_up(1): %d", rc);
    if ((rc = g_cpu_call(1, sleep_there, NULL)) < 0 || (rc = g_cpu_wait(1, DUE_WAIT_NS)) < 0)
        return why("work on vCPU 1: %d", rc);
    if (!timer_came)
        return why("vCPU 1 got no VIRQ_TIMER");
    return NULL;
}

static const char *x2apic_ipi(void)
{
    uint64_t deadline = g_now_ns() + DUE_WAIT_NS;

    if (g_nr_cpus() < 2 || !g_cpus[1].online)
        return SKIP("one vCPU");
    /* Its id is the hypervisor's choice (Xen: twice the vCPU id). */
    if (g_cpu_call(1, read_apic_id, NULL) < 0 || g_cpu_wait(1, DUE_WAIT_NS) < 0)
        return why("cannot ask vCPU 1 its APIC id");
    g_set_irq_handler(IPI_VECTOR, on_ipi);
    ipis = 0;
    g_apic_ipi(apic_id_1, IPI_VECTOR);
    while (!ipis && g_now_ns() < deadline)
        hc_sched_op(SCHEDOP_yield, NULL);
    /* Its idle loop halted; the IPI woke it: it runs work again. */
    if (g_cpu_call(1, nothing, NULL) < 0 || g_cpu_wait(1, DUE_WAIT_NS) < 0)
        return why("vCPU 1 stopped answering");
    return ipis == 1 ? NULL : why("%u IPIs arrived at x2APIC id %u", ipis, apic_id_1);
}

const struct check smp_checks[] = {
    { "second_vcpu_runs_work_and_timers", second_vcpu },
    { "x2apic_ipi_to_another_vcpu", x2apic_ipi },
    { NULL, NULL },
};
