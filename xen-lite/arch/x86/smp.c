/*
 * Inter-processor interrupts: event check (run softirqs), call function,
 * TLB invalidate, halt.  on_selected_cpus() runs a function on a set of CPUs
 * and waits for all of them.
 */
#include "asm/apic.h"
#include "asm/desc.h"
#include "asm/processor.h"
#include "asm/traps.h"
#include "xen/lib.h"
#include "xen/percpu.h"
#include "xen/shutdown.h"
#include "xen/smp.h"
#include "xen/spinlock.h"

static DEFINE_SPINLOCK(call_lock);
static struct {
    void (*fn)(void *);
    void *data;
    volatile uint64_t pending;          /* CPUs yet to finish */
} call;

uint64_t cpu_online_mask(void)
{
    uint64_t m = 0;

    for_each_online_cpu(c)
        m |= 1ULL << c;
    return m;
}

static void send_ipi_mask(uint64_t mask, unsigned int vector)
{
    for (unsigned int c = 0; c < nr_cpu_ids; c++)
        if (mask & (1ULL << c))
            send_ipi(per_cpu(c)->apic_id, vector);
}

void on_selected_cpus(uint64_t mask, void (*fn)(void *), void *data)
{
    unsigned int me = smp_processor_id();
    unsigned long f;

    mask &= cpu_online_mask();
    spin_lock(&call_lock);
    call.fn = fn;
    call.data = data;
    __atomic_store_n(&call.pending, mask & ~(1ULL << me), __ATOMIC_SEQ_CST);
    send_ipi_mask(mask & ~(1ULL << me), CALL_FUNC_VECTOR);
    if (mask & (1ULL << me)) {
        f = local_irq_save();
        fn(data);
        local_irq_restore(f);
    }
    while (__atomic_load_n(&call.pending, __ATOMIC_ACQUIRE))
        cpu_relax();
    spin_unlock(&call_lock);
}

void on_each_cpu(void (*fn)(void *), void *data)
{
    on_selected_cpus(~0ULL, fn, data);
}

static void call_function_interrupt(struct cpu_user_regs *regs)
{
    apic_eoi();
    this_cpu()->ipi_count++;
    call.fn(call.data);
    __atomic_and_fetch(&call.pending, ~(1ULL << smp_processor_id()), __ATOMIC_RELEASE);
}

static void event_check_interrupt(struct cpu_user_regs *regs)
{
    apic_eoi();
    this_cpu()->ipi_count++;
}

static void invalidate_interrupt(struct cpu_user_regs *regs)
{
    apic_eoi();
    flush_tlb_all_local();
}

static void halt_interrupt(struct cpu_user_regs *regs)
{
    apic_eoi();
    machine_halt_this_cpu();
}

static void flush_local(void *unused)
{
    flush_tlb_all_local();
}

void flush_tlb_mask(uint64_t mask)
{
    on_selected_cpus(mask, flush_local, NULL);
}

void smp_ipi_init(void)
{
    set_irq_handler(CALL_FUNC_VECTOR, call_function_interrupt);
    set_irq_handler(EVENT_CHECK_VECTOR, event_check_interrupt);
    set_irq_handler(INVALIDATE_VECTOR, invalidate_interrupt);
    set_irq_handler(HALT_VECTOR, halt_interrupt);
}
