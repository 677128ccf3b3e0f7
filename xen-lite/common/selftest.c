/*
 * Platform self-checks, run instead of dom0 with `selftest` on the command
 * line: the frame allocator over all of RAM, the heap, timers and IPIs on
 * every CPU, and exception fix-ups.  `selftest=fault` and
 * `selftest=double-fault` instead take a deliberate fatal fault, to prove
 * that one produces a register dump rather than silence.
 */
#include "asm/page.h"
#include "asm/processor.h"
#include "asm/time.h"
#include "asm/traps.h"
#include "xen/lib.h"
#include "xen/mm.h"
#include "xen/percpu.h"
#include "xen/pt_walk.h"
#include "xen/pv_mm.h"
#include "xen/selftest.h"
#include "xen/softirq.h"
#include "xen/smp.h"
#include "xen/timer.h"

/* Nothing is ever mapped here: the vmap area is unused so far. */
#define UNMAPPED_VA (VMAP_VIRT_START + 0x10000000UL)

static int passed, failed;

static void report(const char *name, const char *problem)
{
    if (problem) {
        failed++;
        printk(XENLOG_ERR "selftest: %s: FAILED: %s\n", name, problem);
    } else {
        passed++;
        printk("selftest: %s: ok\n", name);
    }
}

/* Take every free frame (largest blocks first), stamp and check each frame,
 * then give them all back.  Blocks are chained through their first word. */
static const char *test_allocator(void)
{
    unsigned long before = heap_free_pages(), frames = 0, high = 0;
    uint64_t *chain = NULL;
    const char *bad = NULL;

    for (int order = 9; order >= 0; order--) {
        struct page_info *pg;
        while ((pg = alloc_pages(order, 0))) {
            unsigned long mfn = page_to_mfn(pg);
            uint64_t *va = mfn_to_virt(mfn);
            for (unsigned long i = 0; i < (1UL << order); i++) {
                uint64_t *f = (uint64_t *)((char *)va + i * PAGE_SIZE);
                f[1] = mfn + i;
                f[511] = ~(mfn + i);
                high += (mfn + i) >= (1UL << (32 - PAGE_SHIFT));
            }
            va[2] = order;
            va[0] = (uint64_t)chain;
            chain = va;
            frames += 1UL << order;
        }
    }
    if (heap_free_pages() != 0)
        bad = "frames left after allocating everything";
    while (chain) {
        uint64_t *next = (uint64_t *)chain[0];
        unsigned int order = chain[2];
        unsigned long mfn = virt_to_mfn(chain);
        for (unsigned long i = 0; i < (1UL << order) && !bad; i++) {
            uint64_t *f = (uint64_t *)((char *)chain + i * PAGE_SIZE);
            if (f[1] != mfn + i || f[511] != ~(mfn + i))
                bad = "a frame's contents changed while allocated";
        }
        free_pages(mfn_to_page(mfn), order);
        chain = next;
    }
    printk("selftest: allocator: %lu frames allocated and freed\n", frames);
    printk("selftest: allocator covered %lu frames above 4GiB\n", high);
    if (!bad && heap_free_pages() != before) {
        printk("selftest: allocator: %lu frames free before, %lu after\n", before,
               heap_free_pages());
        bad = "free count differs after freeing everything";
    }
    if (!bad && frames != before)
        bad = "allocated a different number of frames than were free";
    return bad ? bad : heap_check();
}

static const char *test_xmalloc(void)
{
    static void *objs[512];
    uint32_t seed = 12345;

    for (unsigned int round = 0; round < 4; round++) {
        for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
            size_t size;
            seed = seed * 1103515245 + 12345;
            size = 1 + (seed >> 8) % (i % 16 == 0 ? 20000 : 700);
            objs[i] = xmalloc_bytes(size);
            if (!objs[i])
                return "xmalloc failed";
            memset(objs[i], (int)(i & 0xff), size);
            ((uint32_t *)objs[i])[0] = i;
        }
        for (unsigned int k = 0; k < ARRAY_SIZE(objs); k++) {
            unsigned int i = (k * 197 + round) % ARRAY_SIZE(objs);
            if (((uint32_t *)objs[i])[0] != i)
                return "heap object overwritten";
            xfree(objs[i]);
        }
    }
    return heap_check();
}

static struct timer test_timers[NR_CPUS];
static volatile s_time_t fired_at[NR_CPUS];

static void timer_fired(void *data)
{
    unsigned int cpu = (unsigned long)data;

    fired_at[cpu] = smp_processor_id() == cpu ? NOW() : -1;
}

static void arm_timer(void *unused)
{
    unsigned int cpu = smp_processor_id();

    fired_at[cpu] = 0;
    init_timer(&test_timers[cpu], timer_fired, (void *)(unsigned long)cpu, cpu);
    set_timer(&test_timers[cpu], NOW() + MILLISECS(2 + cpu));
}

static const char *test_timers_all_cpus(void)
{
    s_time_t start = NOW(), limit = start + SECONDS(2);
    bool all;

    on_each_cpu(arm_timer, NULL);
    do {
        do_softirq();
        all = true;
        for_each_online_cpu(c)
            all &= fired_at[c] != 0;
    } while (!all && NOW() < limit);
    for_each_online_cpu(c) {
        if (!fired_at[c])
            return "a CPU's timer never fired";
        if (fired_at[c] < 0)
            return "a timer ran on the wrong CPU";
        if (fired_at[c] < test_timers[c].expires)
            return "a timer fired early";
    }
    return NULL;
}

static volatile uint64_t ipi_seen;

static void note_ipi(void *unused)
{
    __atomic_or_fetch(&ipi_seen, 1ULL << smp_processor_id(), __ATOMIC_SEQ_CST);
}

static const char *test_ipi_all_cpus(void)
{
    ipi_seen = 0;
    on_each_cpu(note_ipi, NULL);
    return ipi_seen == cpu_online_mask() ? NULL : "not every CPU ran the IPI";
}

/* A load from an unmapped address, resumed through the fix-up table. */
static const char *test_fixup(void)
{
    unsigned long val = 0x1234;
    struct fault_info *fi = this_cpu_last_fault();

    fi->vector = ~0U;
    __asm__ __volatile__(
        "1: movq (%[addr]), %[val]\n"
        "   jmp 3f\n"
        "2: movq $0xbad, %[val]\n"
        "3:\n"
        _ASM_EXTABLE(1b, 2b)
        : [val] "+r"(val) : [addr] "r"(UNMAPPED_VA) : "memory");
    if (val != 0xbad)
        return "the fix-up did not run";
    if (fi->vector != 14)
        return "the fault was not recorded as a page fault";
    return NULL;
}

/*
 * protect_xen_image(): a write into the text faults (and is resumed here);
 * the direct map of a heap page and the hypervisor's data are not
 * executable where the CPU has NX; SMEP is on where the CPU has it.
 */
/* The leaf entry mapping va in the hypervisor's own page tables. */
static uint64_t xen_leaf(unsigned long va)
{
    struct pt_walk w;

    pt_walk(&pt_ctx_machine, virt_to_maddr(idle_pg_table) >> PAGE_SHIFT, va, 1, &w);
    return w.entry;
}

static const char *test_protections(void)
{
    extern char __image_start[], _etext[], __data_start[];
    struct fault_info *fi = this_cpu_last_fault();
    volatile char *text = (char *)test_protections;
    unsigned long text_first = virt_to_mfn(__image_start), text_end = virt_to_mfn(_etext);
    bool ok = true;

    fi->vector = ~0U;
    __asm__ __volatile__(
        "1: movb %%al, (%[addr])\n"
        "   jmp 3f\n"
        "2: movl $0, %k[ok]\n"
        "3:\n"
        _ASM_EXTABLE(1b, 2b)
        : [ok] "+r"(ok) : [addr] "r"(text), "a"(*text) : "memory");
    if (ok || fi->vector != 14 || !(fi->error_code & 2))
        return "a write into the hypervisor's text did not fault";
    if ((unsigned long)_etext & (PAGE_SIZE - 1))
        return "the text does not end on a page boundary";
    if (cpu_has_nx && !(xen_leaf((unsigned long)__data_start) & _PAGE_NX))
        return "the hypervisor's data is executable";
    /* Every frame of RAM but the text's, through the direct map: not executable. */
    for (unsigned long mfn = 0; cpu_has_nx && mfn < max_page; mfn++) {
        if ((mfn_to_page(mfn)->count_info & PGC_reserved) ||
            (mfn >= text_first && mfn < text_end))
            continue;
        if ((xen_leaf((unsigned long)mfn_to_virt(mfn)) & (_PAGE_PRESENT | _PAGE_NX)) ==
            _PAGE_PRESENT)
            return "a frame outside the text is executable in the direct map";
    }
    if (cpuid(0).eax >= 7 && (cpuid_count(7, 0).ebx & CPUID7_EBX_SMEP) &&
        !(read_cr4() & X86_CR4_SMEP))
        return "the CPU has SMEP and it is off";
    return NULL;
}

/*
 * udelay(1000) against NOW(): never shorter than 1 ms, and not far longer
 * in the shortest of a few tries -- an emulator on a busy host can stop
 * the CPU for tens of milliseconds in any one of them.
 */
static const char *test_time(void)
{
    s_time_t shortest = MILLISECS(1000);

    for (unsigned int i = 0; i < 5; i++) {
        s_time_t a = NOW(), took;

        udelay(1000);
        took = NOW() - a;
        if (took < MICROSECS(900))
            return "udelay(1000) took less than 1 ms of NOW()";
        shortest = MIN(shortest, took);
    }
    if (shortest > MILLISECS(50))
        return "udelay(1000) never took about 1 ms of NOW()";
    return NULL;
}

static __noreturn void deliberate_fault(bool double_fault)
{
    printk("selftest: taking a deliberate %s\n",
           double_fault ? "double fault" : "page fault");
    if (double_fault)
        /* No stack for the #PF frame: the CPU escalates to #DF (IST). */
        __asm__ __volatile__("mov %0, %%rsp; pushq $0" :: "r"(UNMAPPED_VA + PAGE_SIZE));
    *(volatile unsigned long *)0xdeadbeef000UL = 1;
    panic("deliberate fault did not fault");
}

int run_selftests(const char *which)
{
    if (!strcmp(which, "fault") || !strcmp(which, "double-fault"))
        deliberate_fault(which[0] == 'd');
    printk("selftest: running platform self-checks on %u CPUs\n", nr_cpus_online);
    report("fixup", test_fixup());
    report("protections", test_protections());
    report("time", test_time());
    report("timers", test_timers_all_cpus());
    report("ipi", test_ipi_all_cpus());
    report("xmalloc", test_xmalloc());
    report("allocator", test_allocator());
    vmx_selftests(report);
    guard_selftests(report);
    printk("selftest: %d passed, %d failed\n", passed, failed);
    return failed;
}
