/*
 * CPU bring-up.  The BSP sets up each AP's stack, per-CPU area, GDT and TSS,
 * then starts it with INIT-SIPI-SIPI (Intel SDM vol. 3 §8.4.4.1) through the
 * real-mode trampoline, one at a time.  The AP loads its descriptor tables,
 * enables its LAPIC, takes its time stamp and goes idle.
 */
#include "asm/smap.h"
#include "asm/acpi.h"
#include "asm/apic.h"
#include "asm/current.h"
#include "asm/msr.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "asm/time.h"
#include "xen/lib.h"
#include "hvm/hvm.h"
#include "xen/mm.h"
#include "xen/param.h"
#include "xen/percpu.h"
#include "xen/sched.h"
#include "xen/smp.h"
#include "xen/softirq.h"

extern char cpu0_stack[];
extern const char trampoline_start[], trampoline_end[];
extern uint32_t tramp_cr3, tramp_efer;
extern uint64_t tramp_entry, tramp_stack;

struct percpu *percpu_area[NR_CPUS];
unsigned int nr_cpus_online;
unsigned int nr_cpu_ids = 1;
void (*idle_loop_hook)(void);

static unsigned long opt_maxcpus = NR_CPUS;
integer_param("maxcpus", opt_maxcpus);

static struct percpu cpu0_percpu;
static volatile bool ap_callin;
static uint8_t *trampoline;             /* the low-memory copy */

/* Control-register and MSR state every CPU shares. */
static void cpu_init_common(void)
{
    uint64_t efer = rdmsr(MSR_EFER) | EFER_SCE;
    bool smep;

    if (cpu_has_nx)
        efer |= EFER_NXE;
    wrmsr(MSR_EFER, efer);
    /* SMEP: never execute a page a guest can map (its pages are all user). */
    smep = cpuid(0).eax >= 7 && (cpuid_count(7, 0).ebx & CPUID7_EBX_SMEP);
    write_cr4(read_cr4() | X86_CR4_PGE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT |
              (smep ? X86_CR4_SMEP : 0));
    write_cr0((read_cr0() | X86_CR0_MP | X86_CR0_NE | X86_CR0_WP) & ~X86_CR0_EM);
    smap_cpu_init();                    /* the boot CPU's comes with smap_init */
}

void smp_prepare_boot_cpu(void)
{
    struct cpu_info *ci = stack_cpu_info(cpu0_stack);

    cpu0_percpu.cpu = 0;
    cpu0_percpu.stack = cpu0_stack;
    cpu0_percpu.lapic_timer_deadline = STIME_MAX;
    ci->processor_id = 0;
    ci->percpu = &cpu0_percpu;
    percpu_area[0] = &cpu0_percpu;
    cpu_init_common();
}

static bool idle_scrub;

void idle_scrub_start(void)
{
    WRITE_ONCE(idle_scrub, true);
}

__noreturn void cpu_idle_loop(void)
{
    for (;;) {
        if (idle_loop_hook)
            idle_loop_hook();
        do_softirq();
        /* Idle time zeroes free memory that needs it (freed by domains, or
         * left by the boot loader), a little at a time. */
        while (READ_ONCE(idle_scrub) && !softirq_pending(smp_processor_id()) &&
               scrub_free_pages(16))
            ;
        local_irq_disable();
        if (!softirq_pending(smp_processor_id()))
            safe_halt();
        else
            local_irq_enable();
    }
}

/* First C code on an AP, on its own stack. */
static __noreturn void start_secondary(void)
{
    unsigned int cpu = smp_processor_id();
    struct percpu *pc = this_cpu();

    load_gdt_and_tss(cpu);
    cpu_init_common();
    apic_init_ap();
    ap_callin = true;
    time_init_secondary();
    percpu_syscall_init(cpu);
    if (timer_cpu_init(cpu))
        panic("CPU%u: no memory for its timer queue", cpu);
    hvm_cpu_up(cpu);
    pc->online = true;
    __atomic_add_fetch(&nr_cpus_online, 1, __ATOMIC_SEQ_CST);
    local_irq_enable();
    start_scheduling();
}

static struct percpu *alloc_cpu(unsigned int cpu, uint32_t apic_id)
{
    struct percpu *pc = xzalloc(struct percpu);
    void *stack = alloc_xenheap_pages(STACK_ORDER, 0);
    struct cpu_info *ci;

    if (!pc || !stack)
        panic("CPU%u: out of memory", cpu);
    pc->cpu = cpu;
    pc->apic_id = apic_id;
    pc->stack = stack;
    pc->lapic_timer_deadline = STIME_MAX;
    ci = stack_cpu_info(stack);
    ci->processor_id = cpu;
    ci->percpu = pc;
    percpu_area[cpu] = pc;
    percpu_traps_init(cpu);
    return pc;
}

static bool boot_one(unsigned int cpu, uint32_t apic_id)
{
    struct percpu *pc = alloc_cpu(cpu, apic_id);
    uint64_t deadline;

    *(uint64_t *)(trampoline + ((const char *)&tramp_entry - trampoline_start)) =
        (unsigned long)start_secondary;
    *(uint64_t *)(trampoline + ((const char *)&tramp_stack - trampoline_start)) =
        (unsigned long)stack_cpu_info(pc->stack);
    ap_callin = false;
    apic_send_init_sipi(apic_id, virt_to_maddr(trampoline) >> PAGE_SHIFT);
    deadline = rdtsc() + tsc_khz_get() * 1000;          /* one second */
    while (!ap_callin && rdtsc() < deadline)
        cpu_relax();
    if (!ap_callin) {
        printk(XENLOG_ERR "CPU%u (APIC ID %u) did not respond\n", cpu, apic_id);
        percpu_area[cpu] = NULL;
        return false;
    }
    time_sync_bsp();
    while (!READ_ONCE(pc->online))
        cpu_relax();
    return true;
}

static void prepare_trampoline(void)
{
    size_t len = trampoline_end - trampoline_start;

    trampoline = alloc_xenheap_pages(0, MEMF_below_1M);
    if (!trampoline)
        panic("no memory below 1 MiB for the AP trampoline");
    memcpy(trampoline, trampoline_start, len);
    *(uint32_t *)(trampoline + ((const char *)&tramp_cr3 - trampoline_start)) =
        virt_to_maddr(idle_pg_table);
    *(uint32_t *)(trampoline + ((const char *)&tramp_efer - trampoline_start)) =
        EFER_LME | (cpu_has_nx ? EFER_NXE : 0);
}

/* What the MADT listed but stays offline, and why. */
static void report_left_out(const struct cpu_choice_counts *left)
{
    if (left->over_max)
        printk("%u CPUs left offline (maxcpus=%lu, at most %u)\n",
               left->over_max, opt_maxcpus, NR_CPUS);
    if (left->need_x2apic)
        printk(XENLOG_WARNING "%u CPUs with APIC IDs above 254 left offline: "
               "they need x2APIC mode\n", left->need_x2apic);
}

void smp_boot_cpus(unsigned int max)
{
    uint32_t bsp = apic_current_id(), ids[NR_CPUS];
    struct cpu_choice_counts left;
    unsigned int cpu = 1, n;

    cpu0_percpu.apic_id = bsp;
    cpu0_percpu.online = true;
    nr_cpus_online = 1;
    max = MIN(max, (unsigned int)MIN(opt_maxcpus, (unsigned long)NR_CPUS));
    n = smp_choose_cpus(acpi.cpu_apic_id, acpi.nr_cpus, bsp, max,
                        apic_is_x2apic(), ids, &left);
    if (n)
        prepare_trampoline();
    for (unsigned int i = 0; i < n; i++) {
        nr_cpu_ids = cpu + 1;
        if (boot_one(cpu, ids[i]))
            cpu++;
    }
    nr_cpu_ids = cpu;
    /* The 1:1 map of low memory was only for the trampoline. */
    idle_pg_table[0] = 0;
    flush_tlb_all_local();
    if (trampoline)
        free_xenheap_pages(trampoline, 0);
    printk("Brought up %u CPUs\n", nr_cpus_online);
    report_left_out(&left);
    if (nr_cpus_online > 1)
        printk("TSC: %s\n", tsc_synchronized() ? "one clock on every CPU"
                                                 : "offsets between CPUs, corrected per CPU");
}
