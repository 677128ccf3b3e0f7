/*
 * 65,536 updates of the 512 PTEs of one of our own L1 tables, in batches
 * of 1, 8, 64 and 512, of two kinds:
 *
 *   ad     the accessed bit flips, nothing else: the hypervisor takes no
 *          reference (its fast path);
 *   frame  the entry moves between two frames of ours, mapped read-only:
 *          one reference taken on the new frame, one dropped on the old;
 *
 * through mmu_update (MMU_NORMAL_PT_UPDATE) and through a multicall of
 * update_va_mapping with UVMF_NONE (no flush: nothing touches the VAs).
 * Entry i of call c is PTE (c * batch + i) mod 512; the value alternates
 * every 512 updates, so every update changes the entry.  The request lists
 * are built before the timed loop, which only makes the hypercalls.
 *
 * The L1 maps VAs at L4 slot REGION_SLOT of the kernel's own L4, through an
 * L3 and an L2 of ours, so update_va_mapping finds it.
 */
#include "bench.h"

#define REGION_SLOT 3
#define AD   0
#define FRAME 1

struct upd {
    int kind;
    bool multicall;
    unsigned int batch;
};

static struct g_pt_queue q;
static uint64_t l1, l2, l3, frame_x, frame_y, home;
static const uint64_t base_va = (uint64_t)REGION_SLOT << 39;
static struct mmu_update mu[2][512];
static struct multicall_entry mc[2][512];

static uint64_t pte(int kind, unsigned int parity)
{
    if (kind == AD)
        return (frame_x << G_PAGE_SHIFT) | G_PTE_P | G_PTE_RW | G_PTE_D |
               (parity ? G_PTE_A : 0);
    return ((parity ? frame_y : frame_x) << G_PAGE_SHIFT) | G_PTE_KERNEL_RO;
}

static uint64_t link(uint64_t mfn)
{
    return (mfn << G_PAGE_SHIFT) | G_PTE_TABLE;
}

static int flush(const char *what)
{
    int rc = g_pt_flush(&q);

    if (rc < 0) {
        g_pt_print_error(&q, what);
        g_pt_clear_error(&q);
    }
    return rc;
}

int updates_setup(void)
{
    void *x = g_page_alloc_mapped(), *y = g_page_alloc_mapped();

    home = g_virt_to_mfn((const void *)g_start_info->pt_base);
    l1 = g_pt_alloc_table();
    l2 = g_pt_alloc_table();
    l3 = g_pt_alloc_table();
    if (!l1 || !l2 || !l3 || !x || !y)
        return -XEN_ENOMEM;
    frame_x = g_virt_to_mfn(x);
    frame_y = g_virt_to_mfn(y);
    for (unsigned int i = 0; i < 512; i++)
        g_pt_set(&q, l1, i, pte(FRAME, 0));
    g_pt_pin(&q, 1, l1);
    g_pt_set(&q, l2, 0, link(l1));
    g_pt_pin(&q, 2, l2);
    g_pt_set(&q, l3, 0, link(l2));
    g_pt_pin(&q, 3, l3);
    g_pt_set(&q, home, REGION_SLOT, link(l3));
    return flush("bench-mmu: building the L1");
}

void updates_teardown(void)
{
    g_pt_set(&q, home, REGION_SLOT, 0);
    g_pt_flush_tlb(&q);
    g_pt_unpin(&q, l3);
    g_pt_unpin(&q, l2);
    g_pt_unpin(&q, l1);
    if (flush("bench-mmu: teardown") < 0 || g_pt_free_table(l1) < 0 ||
        g_pt_free_table(l2) < 0 || g_pt_free_table(l3) < 0)
        g_bench_fail("updates", "teardown failed", 0);
}

/* The request lists for one kind; the entries start at parity 1. */
static int prepare(int kind)
{
    unsigned int done = 0;

    for (unsigned int p = 0; p < 2; p++) {
        for (unsigned int i = 0; i < 512; i++) {
            struct multicall_entry *e = &mc[p][i];

            mu[p][i].ptr = (l1 << G_PAGE_SHIFT) + i * 8;
            mu[p][i].val = pte(kind, p);
            memset(e, 0, sizeof(*e));
            e->op = __HYPERVISOR_update_va_mapping;
            e->args[0] = base_va + (uint64_t)i * G_PAGE_SIZE;
            e->args[1] = pte(kind, p);
            e->args[2] = UVMF_NONE;
        }
    }
    return (int)hc_mmu_update(mu[1], 512, &done, DOMID_SELF);
}

static uint64_t run_mmu(unsigned int batch, long *err)
{
    unsigned int calls = NR_UPDATES / batch;
    uint64_t t0, t1;
    long rc = 0;

    t0 = g_bench_tsc();
    for (unsigned int c = 0; c < calls; c++) {
        unsigned int pos = c * batch;

        rc |= hc_mmu_update(&mu[(pos / 512) & 1][pos % 512], batch, NULL,
                            DOMID_SELF);
    }
    t1 = g_bench_tsc();
    *err = rc;
    return t1 - t0;
}

static uint64_t run_multicall(unsigned int batch, long *err)
{
    unsigned int calls = NR_UPDATES / batch;
    uint64_t t0, t1;
    long rc = 0;

    t0 = g_bench_tsc();
    for (unsigned int c = 0; c < calls; c++) {
        unsigned int pos = c * batch;

        rc |= hc_multicall(&mc[(pos / 512) & 1][pos % 512], batch);
    }
    t1 = g_bench_tsc();
    *err = rc;
    return t1 - t0;
}

static uint64_t run(void *ctx, long *err)
{
    const struct upd *u = ctx;

    return u->multicall ? run_multicall(u->batch, err)
                        : run_mmu(u->batch, err);
}

/* The entries hold the last pass's values (parity 1), up to the bits Xen
 * adds (user, bit 52); every multicall entry succeeded. */
static const char *check(void *ctx)
{
    const struct upd *u = ctx;
    const uint64_t added = G_PTE_US | (1ull << 52) | G_PTE_G;

    for (unsigned int i = 0; i < 512; i += 511)
        if ((g_pt_read(l1, i) ^ pte(u->kind, 1)) & ~added)
            return "a PTE does not hold the last value written";
    if (!u->multicall)
        return NULL;
    for (unsigned int p = 0; p < 2; p++)
        for (unsigned int i = 0; i < 512; i++)
            if (mc[p][i].result)
                return "an update_va_mapping entry failed";
    return NULL;
}

void updates_run_all(void)
{
    static const unsigned int batches[] = { 1, 8, 64, 512 };
    static const char *const names[2][2] = {
        { "mmu_update_ad", "mmu_update_frame" },
        { "multicall_uvm_ad", "multicall_uvm_frame" },
    };
    struct upd u;
    struct bench b = { .iters = NR_UPDATES, .run = run, .check = check,
                       .ctx = &u };
    int rc;

    for (int mcall = 0; mcall < 2; mcall++) {
        for (int kind = AD; kind <= FRAME; kind++) {
            u = (struct upd){ kind, mcall != 0, 0 };
            if ((rc = prepare(kind)) < 0) {
                g_bench_fail(names[mcall][kind], "preparing the entries", rc);
                continue;
            }
            for (unsigned int i = 0; i < G_ARRAY_SIZE(batches); i++) {
                u.batch = b.batch = batches[i];
                b.calls = NR_UPDATES / batches[i];
                g_snprintf(b.name, sizeof(b.name), "%s_b%u",
                           names[mcall][kind], batches[i]);
                bench_measure(&b);
            }
        }
    }
    g_pt_read_done();
}
