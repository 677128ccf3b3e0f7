/*
 * memvirt: the workloads of the memory-virtualization comparison, one
 * body of code for every way of running it -- a PV guest (page tables
 * through mmu_update and mmuext_op, batched into one multicall per
 * commit), a PVH guest on nested paging (NPT, EPT) or shadow paging, and
 * the same PVH kernel with no hypervisor at all -- behind a small
 * platform interface (struct mv_platform) that each build supplies.
 *
 *   churn          65,536 PTE writes and 256 CR3 switches, fork/exit-like:
 *                  each of 128 rounds fills the L1 of one of four child
 *                  address spaces with 256 entries, switches to it, reads
 *                  every page it maps (checking each page's tag), switches
 *                  back and clears the 256 entries, as an exit would.
 *   tlb_<ws>_<pg>  random 8-byte reads over a working set of <ws> (256m,
 *                  1g) mapped with <pg> (4k, 2m) pages.
 *   seq_<ws>_<pg>  the friendly case: one 8-byte read per 64 bytes, in
 *                  order, over the same working set.
 *
 * Leaves are written as a kernel writes them (accessed and dirty set).
 * Each figure is a whole loop timed with rdtsc, once to warm up and then
 * MV_REPS times; the lines are bench-pv's (tools/bench), plus one line of
 * counts per figure where the platform can count:
 *
 *   bench: begin <name>              (before the warm-up)
 *   bench: <name> min=<t> median=<t> iters=<n> reps=<n> min_total=<t> median_total=<t>
 *   bench: counts <name> ptes=<n> exits=<n> hypercalls=<n> emulations=<n>
 *   bench: skipped <name>: <why>
 */
#ifndef MEMVIRT_H
#define MEMVIRT_H

#include <stdbool.h>
#include <stdint.h>

#define MV_REPS             5u
#define MV_CHILD_SLOT       64          /* L4 slot of a child's region */
#define MV_DATA_SLOT        65          /* the parent's view of churn's pages */
#define MV_WS_SLOT          66          /* the working set */
#define MV_SLOT_VA(s)       ((uint64_t)(s) << 39)

#define MV_PTE_P            (1ULL << 0)
#define MV_PTE_RW           (1ULL << 1)
#define MV_PTE_US           (1ULL << 2)
#define MV_PTE_A            (1ULL << 5)
#define MV_PTE_D            (1ULL << 6)
#define MV_PTE_PS           (1ULL << 7)
#define MV_PTE_NX           (1ULL << 63)
#define MV_PTE_ADDR         0x000ffffffffff000ULL
#define MV_LEAF             (MV_PTE_P | MV_PTE_RW | MV_PTE_A | MV_PTE_D | MV_PTE_NX)
#define MV_TABLE            (MV_PTE_P | MV_PTE_RW | MV_PTE_US | MV_PTE_A)

/* What the hypervisor counted while a figure ran (~0: cannot tell). */
struct mv_counts {
    uint64_t exits, hypercalls, emulations;
};

/*
 * A build's way of doing things.  Frames are numbered as the build's page
 * tables hold them (machine frames for PV, guest-physical ones for PVH).
 * pte_write, table_ready and switch_to may be queued until commit().
 */
struct mv_platform {
    const char *name;                   /* "pv", "pvh" or "native" */
    bool large_pages;                   /* may map 2 MiB pages */
    uint64_t (*table_alloc)(void);      /* a zeroed frame for a table; 0: none */
    void (*pte_write)(uint64_t table, unsigned int slot, uint64_t val);
    void (*table_ready)(uint64_t table, unsigned int level);    /* PV: pin */
    void (*switch_to)(uint64_t l4);
    int (*commit)(void);                /* 0, or the hypervisor's error */
    uint64_t (*home_l4)(void);          /* the kernel's own L4 */
    /* The kernel's L4 entry a new address space copies (0: none). */
    uint64_t (*kernel_l4e)(unsigned int slot);
    /* n data frames (2 MiB aligned and contiguous if large); false: no memory. */
    bool (*frames_alloc)(uint64_t n, bool large, uint64_t *first_index);
    uint64_t (*frame)(uint64_t index);  /* the frame number of data page `index` */
    void (*counts)(struct mv_counts *c);
};
/* The platform this build runs on (pv.c, or the PVH build's pvh.c). */
const struct mv_platform *mv_platform(void);

/* One timed figure. */
struct mv_figure {
    const char *name;
    unsigned int iters;                 /* operations per loop */
    unsigned int ptes;                  /* PTE writes per loop (churn) */
    uint64_t (*run)(void *ctx, const char **why);
    void *ctx;
};

/* main.c */
void mv_measure(const struct mv_platform *p, const struct mv_figure *f);
uint64_t mv_tag(uint64_t page);         /* what page `page` holds in its first word */

/* space.c: regions of an address space, built through the platform. */
struct mv_region {
    uint64_t l3, l2[4], l1[2048];       /* up to 4 GiB */
    unsigned int nr_l2, nr_l1;
};
/* Map frames [first, first + pages) at slot of l4, by 4 KiB or 2 MiB. */
int mv_map_region(const struct mv_platform *p, struct mv_region *r, uint64_t l4,
                  unsigned int slot, uint64_t first, uint64_t pages, bool large);

/* churn.c, tlb.c */
int mv_churn_setup(const struct mv_platform *p);
void mv_churn_run(const struct mv_platform *p);
void mv_tlb_run_all(const struct mv_platform *p);

#endif /* MEMVIRT_H */
