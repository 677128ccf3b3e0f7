/*
 * Self-checks of the hypervisor's guards against what would take it down:
 * an NMI while it runs, more timers than a queue's first size, sysenter
 * from a guest.  Each failed before its guard was there.
 */
#include "asm/apic.h"
#include "asm/msr.h"
#include "asm/processor.h"
#include "asm/time.h"
#include "asm/traps.h"
#include "xen/lib.h"
#include "xen/percpu.h"
#include "xen/selftest.h"
#include "xen/timer.h"

/* An NMI to ourselves, taken in the hypervisor: counted, not fatal. */
static const char *test_nmi(void)
{
    unsigned int cpu = smp_processor_id();
    unsigned long before = hypervisor_nmi_count(cpu);

    send_nmi(this_cpu()->apic_id);
    for (unsigned int i = 0; i < 1000 && hypervisor_nmi_count(cpu) == before; i++)
        udelay(10);
    return hypervisor_nmi_count(cpu) == before + 1 ? NULL
                                                   : "the NMI was not seen once";
}

#define MANY_TIMERS (2 * TIMER_HEAP_MAX)

static void never(void *data) { }

/* Twice a queue's first size, all on this CPU, once counted. */
static const char *test_timer_queue_grows(void)
{
    static struct timer many[MANY_TIMERS];
    unsigned int cpu = smp_processor_id();
    const char *bad = NULL;

    if (timer_reserve(MANY_TIMERS))
        return "no memory to count the timers";
    for (unsigned int i = 0; i < MANY_TIMERS; i++) {
        init_timer(&many[i], never, NULL, cpu);
        set_timer(&many[i], NOW() + SECONDS(3600) + i);
    }
    for (unsigned int i = 0; i < MANY_TIMERS; i++) {
        if (!timer_is_active(&many[i]))
            bad = "a timer was not queued";
        stop_timer(&many[i]);
    }
    timer_reserve(-MANY_TIMERS);
    return bad;
}

/* No sysenter into ring 0: SYSENTER_CS is null on every CPU. */
static const char *test_sysenter(void)
{
    if (rdmsr(MSR_IA32_SYSENTER_CS) || rdmsr(MSR_IA32_SYSENTER_EIP))
        return "SYSENTER_CS or SYSENTER_EIP is set";
    return NULL;
}

void guard_selftests(selftest_report_fn *report)
{
    report("nmi_in_hypervisor", test_nmi());
    report("timer_queue_grows", test_timer_queue_grows());
    report("sysenter_msrs_null", test_sysenter());
}
