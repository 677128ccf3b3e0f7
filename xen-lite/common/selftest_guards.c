/*
 * Self-checks of the hypervisor's guards against what would take it down
 * or let a guest in: SMAP around guest accesses, an NMI while it runs,
 * more timers than a queue's first size, sysenter from a guest.  Each
 * failed before its guard was there.
 */
#include "asm/apic.h"
#include "asm/guest_access.h"
#include "asm/page.h"
#include "asm/msr.h"
#include "asm/processor.h"
#include "asm/time.h"
#include "asm/traps.h"
#include "xen/lib.h"
#include "xen/mm.h"
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

/* A user page where a guest's would be: only the accessors may touch it. */
#define SMAP_TEST_VA 0x0000100000000000UL

static bool plain_read_faults(unsigned long va)
{
    struct fault_info *fi = this_cpu_last_fault();
    unsigned long val = 0;
    bool faulted = false;

    fi->vector = ~0U;
    __asm__ __volatile__(
        "1: mov (%[va]), %[val]\n"
        "   jmp 3f\n"
        "2: movb $1, %[f]\n"
        "3:\n"
        _ASM_EXTABLE(1b, 2b)
        : [val] "+r"(val), [f] "+m"(faulted) : [va] "r"(va) : "memory");
    return faulted && fi->vector == 14;
}

static const char *test_smap(void)
{
    uint64_t *page, word = 0, mark = 0x5a4d415020ull;
    const char *bad = NULL;

    if (!smap_enabled) {
        printk("selftest: smap: the CPU has none\n");
        return NULL;
    }
    if (!(read_cr4() & X86_CR4_SMAP))
        return "CR4.SMAP is clear";
    if (!(page = alloc_xenheap_pages(0, 0)))
        return "no memory";
    page[0] = mark;
    map_pages_to_xen(SMAP_TEST_VA, virt_to_mfn(page), 1,
                     _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | pte_nx());
    if (!plain_read_faults(SMAP_TEST_VA))
        bad = "a read of a user page without stac did not fault";
    else if (copy_from_guest(&word, SMAP_TEST_VA, sizeof(word)) || word != mark)
        bad = "copy_from_guest did not read the user page";
    else if (put_guest_u64(SMAP_TEST_VA + 8, mark) || page[1] != mark)
        bad = "put_guest_u64 did not write the user page";
    map_pages_to_xen(SMAP_TEST_VA, 0, 1, 0);
    free_xenheap_pages(page, 0);
    return bad;
}

void guard_selftests(selftest_report_fn *report)
{
    report("smap", test_smap());
    report("nmi_in_hypervisor", test_nmi());
    report("timer_queue_grows", test_timer_queue_grows());
    report("sysenter_msrs_null", test_sysenter());
}
