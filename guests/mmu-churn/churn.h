/*
 * mmu-churn: build and tear down address spaces the way a fork-heavy
 * kernel does, and check that memory always holds what was written.
 *
 * Each worker (one per vCPU) owns a region of NR_PAGES pages at L4 slot
 * 1 + worker in the kernel's own address space (the "parent").  A round
 * forks a child: fresh data frames copied from the parent's
 * (MMUEXT_COPY_PAGE), fresh L1..L4 tables built and pinned; then it moves
 * mappings around in both, switches to the child (NEW_BASEPTR), checks and
 * writes there, switches back, checks the parent is untouched, and frees
 * the child.  All of it goes through the batched helpers of guest/pt.h.
 *
 * The content of a page is a function of a 64-bit tag; each space keeps,
 * per page, the frame it maps and the tag that frame should hold.
 */
#ifndef MMU_CHURN_H
#define MMU_CHURN_H

#include <guest/guest.h>
#include <guest/pt.h>

#define NR_PAGES   4096
#define NR_L1      (NR_PAGES / 512)
#define MAX_WORKERS 2
#define FIRST_SLOT 1                    /* L4 slot of worker 0's region */

struct space {
    uint64_t l4, l3, l2, l1[NR_L1];     /* l4: 0 until built (child) */
    uint64_t frame[NR_PAGES];
    uint64_t tag[NR_PAGES];
};

struct worker {
    unsigned int id;
    unsigned int rounds;
    uint64_t base;                      /* VA of the region */
    struct g_pt_queue q;
    struct g_mc_queue mc;
    struct space parent, child;
    const char *failure;                /* NULL while all is well */
    char why[160];
    unsigned long tables_built, pages_copied, switches;
};

/* space.c */
bool space_build(struct worker *w, struct space *s);
bool space_free(struct worker *w, struct space *s);
bool space_fork(struct worker *w);
bool parent_attach(struct worker *w, bool attach);
bool set_page(struct worker *w, struct space *s, unsigned int i,
              uint64_t frame);
bool flushed(struct worker *w, const char *what);
void fail(struct worker *w, const char *fmt, ...) G_PRINTF(2, 3);

#endif /* MMU_CHURN_H */
