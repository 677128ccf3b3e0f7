/*
 * Single mmuext_op calls: TLB_FLUSH_LOCAL and INVLPG_LOCAL; and pinning
 * and unpinning an L4 whose tree maps 4,096 pages (one L3, one L2, eight
 * L1s, 4,096 distinct frames of ours mapped writable).  The tree is
 * written while none of it is a table, so pinning the L4 validates all of
 * it and unpinning it undoes all of it.
 */
#include "bench.h"

#define FLUSH_ITERS 4096u
#define TREE_PAGES  4096u
#define TREE_L1S    (TREE_PAGES / 512)

static long ext(unsigned int cmd, uint64_t arg1)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.mfn = arg1;
    return hc_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static uint64_t run_flush(void *ctx, long *err)
{
    struct mmuext_op *op = ctx;
    uint64_t t0, t1;
    long rc = 0;

    t0 = g_bench_tsc();
    for (unsigned int i = 0; i < FLUSH_ITERS; i++)
        rc |= hc_mmuext_op(op, 1, NULL, DOMID_SELF);
    t1 = g_bench_tsc();
    *err = rc;
    return t1 - t0;
}

void flush_run_all(void)
{
    static struct mmuext_op flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    static struct mmuext_op invlpg = { .cmd = MMUEXT_INVLPG_LOCAL };
    struct bench b = { .name = "tlb_flush_local", .iters = FLUSH_ITERS,
                       .run = run_flush, .ctx = &flush };

    bench_measure(&b);
    invlpg.arg1.linear_addr = g_start_info->pt_base;
    g_snprintf(b.name, sizeof(b.name), "invlpg_local");
    b.ctx = &invlpg;
    bench_measure(&b);
}

/* ---- pin / unpin ------------------------------------------------------ */

static struct g_pt_queue q;
static uint64_t l4, l3, l2, l1[TREE_L1S], frames[TREE_PAGES];

static uint64_t link(uint64_t mfn, uint64_t flags)
{
    return (mfn << G_PAGE_SHIFT) | flags;
}

int tree_setup(void)
{
    unsigned int i;

    l4 = g_pt_alloc_table();
    l3 = g_pt_alloc_table();
    l2 = g_pt_alloc_table();
    for (i = 0; i < TREE_L1S; i++)
        if (!(l1[i] = g_pt_alloc_table()))
            return -XEN_ENOMEM;
    for (i = 0; i < TREE_PAGES; i++) {
        uint64_t pfn = g_page_alloc();

        if (pfn == G_INVALID_PFN)
            return -XEN_ENOMEM;
        frames[i] = g_pfn_to_mfn(pfn);
        g_pt_set(&q, l1[i / 512], i % 512, link(frames[i], G_PTE_KERNEL_RW));
    }
    for (i = 0; i < TREE_L1S; i++)
        g_pt_set(&q, l2, i, link(l1[i], G_PTE_TABLE));
    g_pt_set(&q, l3, 0, link(l2, G_PTE_TABLE));
    g_pt_set(&q, l4, 0, link(l3, G_PTE_TABLE));
    if (!l4 || !l3 || !l2 || g_pt_flush(&q) < 0) {
        g_pt_print_error(&q, "bench-mmu: building the tree");
        return -XEN_EINVAL;
    }
    return 0;
}

void tree_teardown(void)
{
    bool ok = g_pt_free_table(l4) == 0 && g_pt_free_table(l3) == 0 &&
              g_pt_free_table(l2) == 0;

    for (unsigned int i = 0; i < TREE_L1S; i++)
        ok = g_pt_free_table(l1[i]) == 0 && ok;
    for (unsigned int i = 0; i < TREE_PAGES; i++)
        g_page_free(g_mfn_to_pfn(frames[i]));
    if (!ok)
        g_bench_fail("pin_l4", "a table of the tree is still typed", 0);
}

/* Pins and unpins alternate, so both are timed in one loop. */
void tree_run(void)
{
    struct bench pin = { .name = "pin_l4_4096_pages", .iters = 1 };
    struct bench unpin = { .name = "unpin_l4_4096_pages", .iters = 1 };
    uint64_t tp[BENCH_REPS], tu[BENCH_REPS], t0, t1, t2;
    long rc;

    for (unsigned int r = 0; r <= BENCH_REPS; r++) {
        t0 = g_bench_tsc();
        rc = ext(MMUEXT_PIN_L4_TABLE, l4);
        t1 = g_bench_tsc();
        if (rc < 0) {
            g_bench_fail(pin.name, "the pin failed", rc);
            return;
        }
        rc = ext(MMUEXT_UNPIN_TABLE, l4);
        t2 = g_bench_tsc();
        if (rc < 0) {
            g_bench_fail(unpin.name, "the unpin failed", rc);
            return;
        }
        if (r > 0) {
            tp[r - 1] = t1 - t0;
            tu[r - 1] = t2 - t1;
        }
    }
    bench_report(&pin, tp);
    bench_report(&unpin, tu);
}
