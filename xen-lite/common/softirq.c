/* Softirqs: per-CPU pending bits, run by do_softirq(). */
#include "asm/apic.h"
#include "asm/atomic.h"
#include "asm/desc.h"
#include "asm/processor.h"
#include "xen/lib.h"
#include "xen/percpu.h"
#include "xen/softirq.h"

static softirq_handler handlers[NR_SOFTIRQS];

void open_softirq(int nr, softirq_handler h)
{
    handlers[nr] = h;
}

void raise_softirq(int nr)
{
    set_bit(nr, &this_cpu()->softirq_pending);
}

void cpu_raise_softirq(unsigned int cpu, int nr)
{
    struct percpu *pc = per_cpu(cpu);

    if (test_and_set_bit(nr, &pc->softirq_pending) || cpu == smp_processor_id())
        return;
    send_ipi(pc->apic_id, EVENT_CHECK_VECTOR);
}

void do_softirq(void)
{
    struct percpu *pc = this_cpu();
    unsigned long pending;

    while ((pending = READ_ONCE(pc->softirq_pending)) != 0) {
        unsigned int nr = ffs64(pending);
        clear_bit(nr, &pc->softirq_pending);
        if (handlers[nr])
            handlers[nr]();
    }
}
