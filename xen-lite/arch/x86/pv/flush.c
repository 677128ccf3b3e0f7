/*
 * TLB flushes PV guests ask for (update_va_mapping's flags, mmuext_op's
 * flush commands): on the pCPUs named, at once -- or, inside a multicall,
 * gathered and done once when the multicall ends.
 */
#include "asm/processor.h"
#include "xen/percpu.h"
#include "xen/pv_flush.h"
#include "xen/smp.h"

static uint64_t deferred_flush[NR_CPUS];

static void flush_cpus(uint64_t mask, unsigned long va, bool one)
{
    uint64_t me = 1ULL << smp_processor_id();

    if (mask & me) {
        if (one)
            invlpg(va);
        else
            flush_guest_tlb_local();
    }
    if (mask & ~me)
        flush_tlb_mask(mask & ~me);
}

void pv_tlb_flush(uint64_t mask, unsigned long va, bool one)
{
    if (in_multicall()) {
        deferred_flush[smp_processor_id()] |= mask;
        return;
    }
    flush_cpus(mask, va, one);
}

void pv_flush_deferred_tlb(void)
{
    uint64_t *m = &deferred_flush[smp_processor_id()];

    if (*m)
        flush_cpus(*m, 0, false);
    *m = 0;
}
