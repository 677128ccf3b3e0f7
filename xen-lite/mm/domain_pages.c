/*
 * Frames owned by domains: allocation and release, pages the hypervisor
 * shares with a guest (shared_info), tear-down at domain death, and the
 * hooks the page-type logic (page_type.c) needs from the hypervisor: frame
 * mapping, privilege questions, preemption, and TLB-flush bookkeeping.
 *
 * TLB safety: a frame that loses its last writable mapping, or is freed,
 * records the TLB flush clock.  Before it becomes a page table, or goes to
 * another owner, every CPU that may still cache a mapping of it and has not
 * flushed since then is flushed.
 */
#include "asm/page.h"
#include "asm/processor.h"
#include "asm/traps.h"
#include "xen/audit.h"
#include "xen/event_fifo.h"
#include "xen/lib.h"
#include "xen/m2p.h"
#include "xen/percpu.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen/smp.h"
#include "xen/softirq.h"
#include "xen_errno.h"

static uint32_t tlbflush_clock = 1;
static uint32_t cpu_flush_time[NR_CPUS];

uint32_t pt_tlbflush_clock(void)
{
    return __atomic_load_n(&tlbflush_clock, __ATOMIC_SEQ_CST);
}

/* Every full flush of this CPU's guest mappings (including CR3 loads). */
void tlbflush_note_local(void)
{
    cpu_flush_time[smp_processor_id()] =
        __atomic_add_fetch(&tlbflush_clock, 1, __ATOMIC_SEQ_CST);
}

/* CPUs that may cache mappings of d and have not flushed since stamp. */
static uint64_t stale_cpus(const struct domain *d, uint32_t stamp)
{
    uint64_t mask = 0;

    for_each_online_cpu(c) {
        struct vcpu *v = get_cpu_info_of(c)->current_vcpu;
        if (v && (!d || v->domain == d) && !is_idle_vcpu(v) &&
            (int32_t)(cpu_flush_time[c] - stamp) <= 0)
            mask |= 1ULL << c;
    }
    return mask;
}

static void flush_stale(const struct domain *d, uint32_t stamp)
{
    uint64_t mask = stale_cpus(d, stamp);

    if (mask & (1ULL << smp_processor_id())) {
        flush_tlb_all_local();
        tlbflush_note_local();
        mask &= ~(1ULL << smp_processor_id());
    }
    if (mask)
        flush_tlb_mask(mask);
}

void pt_type_change_flush(struct page_info *pg)
{
    flush_stale(get_domain_of_page(pg), pg->tlbflush_timestamp);
}

/*
 * A table loses its last type reference.  An L4 that this CPU still runs
 * on would be walked by the hardware while the guest may write it: that
 * must never be (new_base loads the new table first).
 */
void pt_table_demoting(struct page_info *pg, unsigned int level)
{
    if (level == 4 && read_cr3() >> PAGE_SHIFT == page_to_mfn(pg))
        ring0_hazard(current, "the L4 in CR3 lost its last type reference");
}

bool pt_domain_may_map_foreign(domid_t d, domid_t owner)
{
    return d == 0 && owner != DOMID_XEN && owner != DOMID_IO;
}

bool pt_preempt_check(void)
{
    struct cpu_info *ci = get_cpu_info();

    if (ci->preempt_budget == 0)
        return true;
    ci->preempt_budget--;
    return softirq_pending(ci->processor_id);
}

void pt_fill_xen_l4_slots(uint64_t *l4)
{
    for (unsigned int s = XEN_L4_FIRST_SLOT; s <= XEN_L4_LAST_SLOT; s++)
        l4[s] = idle_pg_table[s];
}

/* The last reference went: the frame leaves its owner. */
void pt_page_freed(struct page_info *pg)
{
    struct domain *d = get_domain_of_page(pg);

    pg->tlbflush_timestamp = pt_tlbflush_clock();
    if (pg->count_info & PGC_xen_heap) {
        /* A shared hypervisor page whose domain let go (free_shared_page). */
        pg->owner = DOMID_XEN;
        pg->type_info = 0;
        pg->count_info = PGC_state_inuse | PGC_xen_heap;
        free_xenheap_pages(mfn_to_virt(page_to_mfn(pg)), 0);
        return;
    }
    if (d) {
        unsigned long f = spin_lock_irqsave(&d->page_alloc_lock);
        page_list_del(&d->page_list, pg);
        d->tot_pages--;
        spin_unlock_irqrestore(&d->page_alloc_lock, f);
    }
    set_gpfn_from_mfn(page_to_mfn(pg), INVALID_M2P_ENTRY);
    pg->owner = DOMID_XEN;
    pg->type_info = 0;
    pg->count_info = PGC_need_scrub;    /* zeroed before anyone else gets it */
    free_pages(pg, 0);
}

/* The latest TLB-flush stamp of n frames: flushing for it covers all. */
static uint32_t newest_stamp(const struct page_info *pg, unsigned long n)
{
    uint32_t stamp = pg[0].tlbflush_timestamp;

    for (unsigned long i = 1; i < n; i++)
        if ((int32_t)(pg[i].tlbflush_timestamp - stamp) > 0)
            stamp = pg[i].tlbflush_timestamp;
    return stamp;
}

/*
 * Give 2^order frames to d: owned, on its list, each with the allocation
 * reference (PGC_allocated | 1).  A frame another domain, the hypervisor
 * or the boot loader used is zeroed first (unless MEMF_no_scrub), so no
 * domain sees another's data -- though most come clean: a running domain
 * zeroes what it gives back (release_domain_pages), idle CPUs what dying
 * domains leave (the heap's scrubber).
 */
struct page_info *alloc_domain_pages(struct domain *d, unsigned int order,
                                     unsigned int memflags)
{
    unsigned long n = 1UL << order, f;
    struct page_info *pg;

    f = spin_lock_irqsave(&d->page_alloc_lock);
    if (d->tot_pages + n > d->max_pages || d->state != DOMSTATE_alive) {
        spin_unlock_irqrestore(&d->page_alloc_lock, f);
        return NULL;
    }
    d->tot_pages += n;
    spin_unlock_irqrestore(&d->page_alloc_lock, f);
    pg = alloc_pages(order, memflags);
    if (!pg) {
        f = spin_lock_irqsave(&d->page_alloc_lock);
        d->tot_pages -= n;
        spin_unlock_irqrestore(&d->page_alloc_lock, f);
        return NULL;
    }
    flush_stale(NULL, newest_stamp(pg, n));
    for (unsigned long i = 0; i < n; i++) {
        if ((pg[i].count_info & PGC_need_scrub) && !(memflags & MEMF_no_scrub))
            clear_frame(page_to_mfn(&pg[i]));   /* the idle scrubber was not there yet */
        pg[i].owner = d->domain_id;
        /* Plain memory, no stale mapping left anywhere (just flushed): its
         * first writable mapping needs no type change. */
        pg[i].type_info = PGT_writable_page | PGT_validated;
        pg[i].nr_validated_ptes = 0;
        __atomic_store_n(&pg[i].count_info, PGC_state_inuse | PGC_allocated | 1,
                         __ATOMIC_SEQ_CST);
    }
    f = spin_lock_irqsave(&d->page_alloc_lock);
    page_list_add_run(&d->page_list, pg, n);
    spin_unlock_irqrestore(&d->page_alloc_lock, f);
    return pg;
}

struct page_info *alloc_domain_page(struct domain *d, unsigned int memflags)
{
    return alloc_domain_pages(d, 0, memflags);
}

/* A hypervisor page the guest may map writable (shared_info). */
void *alloc_shared_page(struct domain *d)
{
    void *va = alloc_xenheap_pages(0, 0);
    struct page_info *pg;

    if (!va)
        return NULL;
    pg = mfn_to_page(virt_to_mfn(va));
    pg->owner = d->domain_id;
    pg->type_info = PGT_writable_page | PGT_validated | 1;
    pg->count_info = PGC_state_inuse | PGC_xen_heap | PGC_allocated | 1;
    set_gpfn_from_mfn(page_to_mfn(pg), INVALID_M2P_ENTRY);
    return va;
}

/*
 * The domain is gone, but dom0 may still map its shared page: drop the
 * allocation reference and let the last one free it (pt_page_freed).
 */
void free_shared_page(struct domain *d, void *va)
{
    put_allocation_ref(mfn_to_page(virt_to_mfn(va)));
}

/*
 * A running domain gives back 2^order frames at pg (memory_op's
 * decrease_reservation): each must hold only its allocation reference.
 * Taken back whole, they are zeroed now -- the domain pays for the
 * privacy of what it returns, as a Xen guest's balloon driver does -- and
 * go to the heap clean, so that the next domain that asks for memory
 * gets it without waiting for a scrub.  A frame someone referenced again
 * meanwhile keeps its owner until its last reference goes (and is then
 * scrubbed before reuse, as any freed frame).
 */
void release_domain_pages(struct domain *d, struct page_info *pg,
                          unsigned int order)
{
    unsigned long n = 1UL << order, taken = 0, f;

    for (; taken < n; taken++) {
        uint64_t x = PGC_state_inuse | PGC_allocated | 1;

        if (!__atomic_compare_exchange_n(&pg[taken].count_info, &x,
                                         PGC_state_inuse, false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            break;
    }
    if (taken < n) {
        /* Raced: undo, and let the references go one at a time. */
        for (unsigned long i = 0; i < taken; i++)
            pg[i].count_info = PGC_state_inuse | PGC_allocated | 1;
        for (unsigned long i = 0; i < n; i++)
            put_allocation_ref(&pg[i]);
        return;
    }
    f = spin_lock_irqsave(&d->page_alloc_lock);
    for (unsigned long i = 0; i < n; i++)
        page_list_del(&d->page_list, &pg[i]);
    d->tot_pages -= n;
    spin_unlock_irqrestore(&d->page_alloc_lock, f);
    clear_frames(page_to_mfn(pg), n);
    for (unsigned long i = 0; i < n; i++) {
        set_gpfn_from_mfn(page_to_mfn(&pg[i]), INVALID_M2P_ENTRY);
        pg[i].tlbflush_timestamp = pt_tlbflush_clock();
        pg[i].owner = DOMID_XEN;
        pg[i].type_info = 0;
    }
    free_pages(pg, order);              /* clean: no PGC_need_scrub */
}

/* Drop the allocation reference of a frame the domain gives up. */
void put_allocation_ref(struct page_info *pg)
{
    uint64_t x = __atomic_load_n(&pg->count_info, __ATOMIC_SEQ_CST);

    do {
        if (!(x & PGC_allocated))
            return;
    } while (!__atomic_compare_exchange_n(&pg->count_info, &x, x & ~PGC_allocated,
                                          false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    put_page(pg);
}

/*
 * Domain death: unpin every pinned table, finish partial states, then drop
 * each frame's allocation reference.  Tables referenced only by other
 * tables unwind as their parents are devalidated.
 */
void domain_relinquish_memory(struct domain *d)
{
    struct page_info *pg, *next;

    for (pg = page_list_first(&d->page_list); pg; pg = page_list_next(pg)) {
        if (pg->type_info & PGT_partial) {
            get_page_light(pg);
            pt_finish_deferred(&(struct pt_deferred){ pg, true }, false);
        }
        if (__atomic_fetch_and(&pg->type_info, ~PGT_pinned, __ATOMIC_SEQ_CST) & PGT_pinned)
            put_page_and_type(pg);
    }
    for (pg = page_list_first(&d->page_list); pg; pg = next) {
        next = page_list_next(pg);
        put_allocation_ref(pg);
    }
    if (d->tot_pages)
        printk(XENLOG_WARNING "d%u: %lu frames still referenced after tear-down\n",
               d->domain_id, d->tot_pages);
}

/* ---- the auditor, run over the live system ---- */

static void report_problem(unsigned long mfn, const char *what, uint64_t expected,
                           uint64_t actual, void *ctx)
{
    unsigned int *shown = ctx;
    struct page_info *pg = mfn_to_page(mfn);

    if ((*shown)++ < 20)
        printk(XENLOG_ERR "audit: mfn %#lx (d%u, type_info %#lx): %s: expected %lu, found %lu\n",
               mfn, pg->owner, (unsigned long)pg->type_info, what,
               (unsigned long)expected, (unsigned long)actual);
}

/* References vCPUs hold outside the frame table: descriptor pages, the
 * two page-table bases, a deferred teardown, the vcpu_info page (and the
 * FIFO event ABI's, counted per domain). */
#define VCPU_AUDIT_REFS (PV_DESC_MAX_REFS + 4)

static unsigned int collect_vcpu_refs(struct audit_ref *refs, unsigned int max)
{
    unsigned int n = 0;

    for_each_domain(d) {
        if (n + evtchn_fifo_max_refs(d) > max)
            return n;
        n += evtchn_fifo_audit_refs(d, refs + n);
        for_each_vcpu(d, v) {
            if (n + VCPU_AUDIT_REFS > max)
                return n;
            n += pv_desc_audit_refs(v, refs + n);
            if (v->arch.pv.guest_table)
                refs[n++] = (struct audit_ref){ v->arch.pv.guest_table, 1 };
            if (v->arch.pv.guest_table_user)
                refs[n++] = (struct audit_ref){ v->arch.pv.guest_table_user, 1 };
            if (v->arch.pv.deferred.page)
                refs[n++] = (struct audit_ref){ page_to_mfn(v->arch.pv.deferred.page), 0 };
            /* VCPUOP_register_vcpu_info keeps its page writable-typed. */
            if (v->vcpu_info_mfn)
                refs[n++] = (struct audit_ref){ v->vcpu_info_mfn, 1 };
        }
    }
    return n;
}

long audit_all_domains(void)
{
    unsigned int max = 0, n, shown = 0;
    struct audit_result res;
    struct audit_ref *refs;
    long rc;

    for_each_domain(d) {
        max += VCPU_AUDIT_REFS * d->max_vcpus + evtchn_fifo_max_refs(d);
        if (d != current->domain)
            domain_pause(d);
        else
            for_each_vcpu(d, v)
                if (v != current)
                    vcpu_pause(v);
    }
    refs = xmalloc_bytes((max + 1) * sizeof(*refs));
    n = refs ? collect_vcpu_refs(refs, max) : 0;
    if (!refs || audit_frames(refs, n, report_problem, &shown, &res)) {
        /* An audit that did not run found nothing: never say "clean". */
        printk(XENLOG_ERR "audit: not enough memory to run\n");
        rc = -XEN_ENOMEM;
    } else {
        printk("audit: %lu frames, %lu page tables checked, %lu problems\n",
               res.frames, res.tables, res.problems);
        rc = (long)res.problems;
    }
    xfree(refs);
    for_each_domain(d) {
        if (d != current->domain)
            domain_unpause(d);
        else
            for_each_vcpu(d, v)
                if (v != current)
                    vcpu_unpause(v);
    }
    return rc;
}
