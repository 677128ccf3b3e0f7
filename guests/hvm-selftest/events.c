/*
 * Events and interrupts of a PVH vCPU: an event-channel upcall through
 * the callback vector, VIRQ_TIMER waking a blocked (halted) vCPU, and the
 * x2APIC timer in one-shot and periodic mode.
 */
#include "selftest.h"

#define TIMER_VECTOR    0xe0
#define APIC_IRR_OF(v)  (0x200 + 0x10 * ((v) / 32))    /* xAPIC offset */
#define IRR_BIT(v)      (1u << ((v) % 32))
#define WAIT_NS         DUE_WAIT_NS

static volatile unsigned int upcalls;

static void on_port(evtchn_port_t port, void *data, struct g_frame *f)
{
    upcalls++;
}

/* Block (sti; hlt) until *count reaches want or the time is up. */
static bool wait_for(volatile unsigned int *count, unsigned int want)
{
    uint64_t deadline = g_now_ns() + WAIT_NS;

    g_singleshot_set(deadline, 0);
    while (*count < want && g_now_ns() < deadline) {
        g_irq_disable();
        if (*count < want)
            g_block();
        g_irq_enable();
    }
    return *count >= want;
}

static const char *evtchn_loopback(void)
{
    int port = g_evtchn_bind_ipi(g_this_cpu()->id);
    const char *r = NULL;

    if (port < 0)
        return why("bind_ipi: %d", port);
    g_evtchn_set_handler(port, on_port, NULL);
    upcalls = 0;
    if (g_evtchn_send(port) < 0)
        r = why("send failed");
    else if (!wait_for(&upcalls, 1))
        r = why("no upcall through the callback vector");
    g_evtchn_close(port);
    return r;
}

/*
 * Sleep (sti; hlt) until VIRQ_TIMER from a singleshot timer ns ahead;
 * false if it did not come within WAIT_NS.  We wait for the event itself,
 * not for our clock to pass the deadline: the hypervisor fires by its
 * clock, and an emulator's CPUs do not all move at the host's pace, so
 * the event may come a little after our deadline.
 */
bool sleep_until_virq_timer(uint64_t ns)
{
    uint64_t before = g_timer_events(), start = g_now_ns();

    g_singleshot_set(start + ns, 0);
    while (g_timer_events() == before && g_now_ns() - start < WAIT_NS) {
        g_irq_disable();
        if (g_timer_events() == before)
            g_block();
        g_irq_enable();
    }
    return g_timer_events() != before;
}

static const char *virq_timer_wakes_hlt(void)
{
    uint64_t start = g_now_ns();

    if (!sleep_until_virq_timer(3 * G_NS_PER_MS))
        return why("no VIRQ_TIMER within %lu ms", (unsigned long)(WAIT_NS / G_NS_PER_MS));
    /* Not before the deadline, give or take the two clocks' skew. */
    if (g_timer_last_ns() - start < 2 * G_NS_PER_MS)
        return why("VIRQ_TIMER after %lu ns", g_timer_last_ns() - start);
    return NULL;
}

static volatile unsigned int apic_ticks;

static void on_timer(unsigned int vector, struct g_frame *f)
{
    apic_ticks++;
}

static const char *apic_timer_oneshot(void)
{
    g_set_irq_handler(TIMER_VECTOR, on_timer);
    apic_ticks = 0;
    g_apic_timer(TIMER_VECTOR, 1000000, false);        /* 1 ms at 1 GHz */
    if (!wait_for(&apic_ticks, 1))
        return why("no timer interrupt");
    g_sleep_ns(5 * G_NS_PER_MS);
    if (apic_ticks != 1)
        return why("one-shot fired %u times", apic_ticks);
    return NULL;
}

static const char *apic_timer_periodic(void)
{
    g_set_irq_handler(TIMER_VECTOR, on_timer);
    apic_ticks = 0;
    g_apic_timer(TIMER_VECTOR, 1000000, true);
    if (!wait_for(&apic_ticks, 4)) {
        g_apic_timer(TIMER_VECTOR, 0, false);
        return why("%u periodic interrupts", apic_ticks);
    }
    g_apic_timer(TIMER_VECTOR, 0, false);
    return NULL;
}

/*
 * An upcall and an APIC interrupt both due while interrupts are off: once
 * they are on, the guest takes both before it runs on (the callback
 * vector has no EOI, so nothing else would make the hypervisor deliver
 * the second).
 */
static const char *apic_behind_upcall(void)
{
    int port = g_evtchn_bind_ipi(g_this_cpu()->id);
    unsigned int got_upcalls, got_ticks;
    uint64_t start;

    if (port < 0)
        return why("bind_ipi: %d", port);
    g_evtchn_set_handler(port, on_port, NULL);
    g_set_irq_handler(TIMER_VECTOR, on_timer);
    upcalls = apic_ticks = 0;
    g_irq_disable();
    g_apic_timer(TIMER_VECTOR, 100000, false);         /* 100 us */
    g_evtchn_send(port);
    /* Until the timer's vector is requested (its IRR bit, SDM vol. 3
     * §10.8.4): an emulator on a busy host may fire it late. */
    for (start = g_now_ns(); !(g_apic_read(APIC_IRR_OF(TIMER_VECTOR)) & IRR_BIT(TIMER_VECTOR)) &&
                             g_now_ns() - start < WAIT_NS;)
        ;
    g_irq_enable();
    __asm__ volatile("nop; nop; nop" ::: "memory");
    got_upcalls = upcalls;
    got_ticks = apic_ticks;
    wait_for(&apic_ticks, 1);                           /* whatever was late */
    g_evtchn_close(port);
    if (got_upcalls != 1 || got_ticks != 1)
        return why("%u upcalls and %u timer interrupts at once (1 and 1 due)",
                   got_upcalls, got_ticks);
    return NULL;
}

const struct check event_checks[] = {
    { "evtchn_upcall_through_callback_vector", evtchn_loopback },
    { "virq_timer_wakes_halted_vcpu", virq_timer_wakes_hlt },
    { "x2apic_timer_oneshot", apic_timer_oneshot },
    { "x2apic_timer_periodic", apic_timer_periodic },
    { "apic_interrupt_behind_upcall_delivered", apic_behind_upcall },
    { NULL, NULL },
};
