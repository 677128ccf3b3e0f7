/*
 * hvm-churn: the HVM form of mmu-churn.  A PVH guest builds and tears
 * down address spaces with its own page tables, written directly, the way
 * a kernel forks and exits -- under whatever the hypervisor virtualizes
 * memory with (shadow paging, NPT, EPT) -- and checks memory after every
 * change.
 *
 * Each worker (one per vCPU, up to two) owns a region at L4 slot
 * FIRST_SLOT + worker of the kernel's own L4 (the parent): NR_PAGES pages
 * through its own L3, L2 and L1s, and one 2 MiB guest page at 1 GiB into
 * the region, through an L2 that every child shares.  A round:
 *
 *   fork     fresh frames hold copies of the parent's pages; fresh tables
 *            map them (frames freed by earlier rounds, tables then or
 *            data, come back as either); the child's L4 has the kernel's
 *            entries and a recursive slot;
 *   window   the parent maps the child's first L1 as a data page of its
 *            own and swaps two of the child's entries through it;
 *   child    CR3 to the child: every page checked; the child reads its
 *            own entries through the recursive slot, rotates some of them
 *            there (with invlpg), rewrites some pages, writes the shared
 *            2 MiB page;
 *   back     CR3 to the parent: its pages checked, untouched;
 *   exit     every frame of the child freed.
 *
 * Worker 0 balloons the guest down and up every BALLOON_EVERY rounds
 * while the other worker keeps running, and after its rounds floods the
 * shadow pool (pressure.c).
 */
#ifndef HVM_CHURN_H
#define HVM_CHURN_H

#include <guest/guest.h>

#define NR_PAGES        1024u
#define NR_L1           (NR_PAGES / 512)
#define MAX_WORKERS     2u
#define FIRST_SLOT      8u
#define PRESSURE_SLOT   (FIRST_SLOT + MAX_WORKERS)   /* pressure.c's region */
#define PRESSURE_L1     160u                        /* its L1 tables */
#define RECURSIVE_SLOT  510u
#define WINDOW_PAGE     (NR_PAGES + 511)        /* a parent page slot kept free */
#define LARGE_OFFSET    (1ULL << 30)            /* the 2 MiB page, in the region */
#define WORDS_CHECKED   8u                      /* per page: spread over it */

#define PTE_P           (1ULL << 0)
#define PTE_RW          (1ULL << 1)
#define PTE_A           (1ULL << 5)
#define PTE_D           (1ULL << 6)
#define PTE_PS          (1ULL << 7)
#define PTE_ADDR        0x000ffffffffff000UL
#define PTE_DATA        (PTE_P | PTE_RW | PTE_A | PTE_D)
#define PTE_TABLE       (PTE_P | PTE_RW | PTE_A)

struct space {
    uint64_t l4, l3, l2, l1[NR_L1 + 1];         /* frame numbers; l4 0: the kernel's */
    uint64_t frame[NR_PAGES];
    uint64_t tag[NR_PAGES];
};

struct worker {
    unsigned int id, rounds;
    uint64_t base;                              /* VA of the region */
    uint64_t large, large_l2, large_tag;        /* the shared 2 MiB page */
    struct space parent, child;
    const char *failure;
    char why[160];
    unsigned long tables, copies, switches, remaps;
};

static inline volatile uint64_t *table_of(uint64_t frame)
{
    return (volatile uint64_t *)(frame << 12);  /* the 1:1 map */
}

static inline uint64_t read_cr3(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static inline void write_cr3(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr3" :: "r"(v) : "memory");
}

static inline void invlpg(uint64_t va)
{
    __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory");
}

/* space.c */
bool space_fork(struct worker *w);
bool space_build_parent(struct worker *w);
void space_free(struct worker *w, struct space *s);
void space_detach_parent(struct worker *w);
uint64_t new_frame(struct worker *w);
uint64_t home_l4(void);

/* pressure.c */
bool pool_pressure(struct worker *w);

/* main.c */
void fail(struct worker *w, const char *fmt, ...) G_PRINTF(2, 3);
uint64_t word(uint64_t tag, unsigned int k);

#endif /* HVM_CHURN_H */
