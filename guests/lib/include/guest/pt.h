/*
 * Page-table building for a PV guest: batched mmu_update / mmuext_op
 * requests, a multicall batcher for update_va_mapping, and reading page
 * tables that are not mapped in the 1:1 region.
 *
 * A PV guest never writes its page tables itself: every entry goes through
 * the hypervisor, which validates it.  One hypercall per entry is slow, so
 * requests are queued and sent in batches of up to G_PT_BATCH:
 *
 *     static struct g_pt_queue q;
 *
 *     g_pt_set(&q, l1_mfn, 0, (data_mfn << G_PAGE_SHIFT) | G_PTE_KERNEL_RW);
 *     g_pt_pin(&q, 1, l1_mfn);
 *     g_pt_set(&q, l2_mfn, 3, (l1_mfn << G_PAGE_SHIFT) | G_PTE_TABLE);
 *     if (g_pt_flush(&q) < 0)
 *         g_pt_print_error(&q, "build");
 *
 * Requests reach the hypervisor in the order they were queued: queuing an
 * mmuext_op sends the pending mmu_updates first, and the other way round.
 * A queue sends itself when full, and g_pt_flush() sends what is left;
 * call it whenever the result matters (before touching a new mapping,
 * before reading a table back).
 *
 * Errors.  mmu_update and mmuext_op stop at the first failing element.
 * The queue then records which element failed, with Xen's error code, and
 * how many later elements were not applied (struct g_pt_error); the call
 * that sent the batch returns the error, and every later call returns it
 * too, queuing nothing, until g_pt_clear_error().  So nothing is ever
 * dropped without the caller being told.
 *
 * A queue is one vCPU's at a time (it is not locked); give each vCPU that
 * builds page tables its own.
 */
#ifndef GUEST_PT_H
#define GUEST_PT_H

#include <stdbool.h>
#include <stdint.h>
#include "xen.h"

#define G_PT_BATCH 512          /* elements per hypercall, at most */

/* Where a batch failed. */
struct g_pt_error {
    int rc;                     /* Xen's -XEN_E* for the failing element */
    const char *op;             /* "mmu_update", "mmuext_op", "multicall" */
    unsigned int index;         /* the element's index in its batch */
    unsigned int not_applied;   /* elements after it, not applied */
    uint64_t a, b;              /* mmu_update: ptr, val; mmuext_op: cmd, arg1 */
};

struct g_pt_queue {
    struct mmu_update mmu[G_PT_BATCH];
    struct mmuext_op ext[G_PT_BATCH];
    unsigned int nr_mmu, nr_ext;
    struct g_pt_error err;      /* err.rc != 0: the queue is stopped */
    unsigned long batches;      /* hypercalls made, for statistics */
};

/* ---- mmu_update ------------------------------------------------------- */

/* Entry `slot` of the page-table frame `table_mfn` := val (validated). */
int g_pt_set(struct g_pt_queue *q, uint64_t table_mfn, unsigned int slot,
             uint64_t val);
/* The same, keeping the accessed/dirty bits the CPU set. */
int g_pt_set_keep_ad(struct g_pt_queue *q, uint64_t table_mfn,
                     unsigned int slot, uint64_t val);
/* A raw request: ptr carries its MMU_* command in the low bits. */
int g_pt_mmu_raw(struct g_pt_queue *q, uint64_t ptr, uint64_t val);
/* The L1 entry that maps va in the address space of `l4_mfn` (0: the
 * current one); the L1 must exist.  Reads the tables, so queued changes
 * to them must have been flushed. */
int g_pt_set_va(struct g_pt_queue *q, uint64_t l4_mfn, uint64_t va,
                uint64_t val);

/* ---- mmuext_op -------------------------------------------------------- */

int g_pt_pin(struct g_pt_queue *q, unsigned int level, uint64_t mfn);
int g_pt_unpin(struct g_pt_queue *q, uint64_t mfn);
/* Switch this vCPU's kernel page tables; g_pt_current_l4() follows. */
int g_pt_new_baseptr(struct g_pt_queue *q, uint64_t l4_mfn);
int g_pt_clear_page(struct g_pt_queue *q, uint64_t mfn);
int g_pt_copy_page(struct g_pt_queue *q, uint64_t dst_mfn, uint64_t src_mfn);
int g_pt_flush_tlb(struct g_pt_queue *q);              /* TLB_FLUSH_LOCAL */
int g_pt_invlpg(struct g_pt_queue *q, uint64_t va);   /* INVLPG_LOCAL */
int g_pt_ext_raw(struct g_pt_queue *q, const struct mmuext_op *op);

/* ---- sending and errors --------------------------------------------- */

/* Send everything queued: 0, or the error (see struct g_pt_error). */
int g_pt_flush(struct g_pt_queue *q);
/* Forget a failure (and anything still queued) and start again. */
void g_pt_clear_error(struct g_pt_queue *q);
/* "<prefix>: <op> element <i> failed (<errno>), <n> not applied" */
void g_pt_print_error(const struct g_pt_queue *q, const char *prefix);

/* ---- multicall of update_va_mapping ------------------------------------ */

/*
 * multicall runs every entry even when one fails, so the batcher checks
 * each entry's result after the call and reports the first failure (its
 * index; not_applied counts the other failing entries).
 */
struct g_mc_queue {
    struct multicall_entry mc[G_PT_BATCH];
    unsigned int nr;
    struct g_pt_error err;
    unsigned long batches;
};

/* update_va_mapping(va, pte, flags) as one multicall entry. */
int g_mc_update_va(struct g_mc_queue *q, uint64_t va, uint64_t pte,
                   uint64_t flags);
int g_mc_flush(struct g_mc_queue *q);
void g_mc_clear_error(struct g_mc_queue *q);

/* ---- frames for page tables ------------------------------------------- */

/* A zeroed frame fit to become a page table (0 if memory ran out).  If it
 * lies in the 1:1 region, its mapping there is made read-only first, as
 * Xen requires of any frame it is to validate as a table. */
uint64_t g_pt_alloc_table(void);
/* Give it back; an error (and the frame is kept) while it is still a page
 * table, i.e. pinned or referenced by another table. */
int g_pt_free_table(uint64_t mfn);

/* ---- reading page tables ---------------------------------------------- */

/* The L4 this vCPU runs on (start_info's, until g_pt_new_baseptr). */
uint64_t g_pt_current_l4(void);
/* Entry `slot` of any frame of ours, read through a read-only window
 * (or the 1:1 region); 0 if the frame cannot be mapped. */
uint64_t g_pt_read(uint64_t table_mfn, unsigned int slot);
/* The frame of the level-`level` table (1..3) on the way to va from
 * l4_mfn (0: current), or 0 if an entry on the way is not present. */
uint64_t g_pt_table_of(uint64_t l4_mfn, uint64_t va, int level);
/* Drop this vCPU's read window (it holds a reference to the frame). */
void g_pt_read_done(void);

/* The frame number in a PTE, and a PTE compared under the bits Xen may
 * rewrite (user, software bit 52, accessed, dirty, global). */
static inline uint64_t g_pte_mfn(uint64_t pte)
{
    return (pte & 0x000ffffffffff000ull) >> 12;
}
#define G_PTE_XEN_REWRITES ((1ull << 2) | (1ull << 5) | (1ull << 6) | \
                            (1ull << 8) | (1ull << 52))
static inline bool g_pte_same(uint64_t a, uint64_t b)
{
    return ((a ^ b) & ~G_PTE_XEN_REWRITES) == 0;
}

/* Xen's name for an error code ("EINVAL"), or NULL if unknown. */
const char *g_errno_name(int rc);

#endif /* GUEST_PT_H */
