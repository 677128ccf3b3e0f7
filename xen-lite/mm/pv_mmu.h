/* Shared by the PV MMU hypercall files: batches and their owners. */
#ifndef MM_PV_MMU_H
#define MM_PV_MMU_H

#include "xen/types.h"

#define MMU_UPDATE_PREEMPTED    0x80000000U

struct domain;

/* The domains an op acts for: page tables of pt_d, frames of pg_d. */
struct mmu_owners {
    struct domain *pt_d, *pg_d;
    bool foreign;                       /* a reference held on either */
};

/* One mmu_update / mmuext_op call: its list and progress. */
struct batch {
    unsigned int op;
    unsigned long list;
    size_t elem;
    unsigned int count;
    unsigned long pdone;
    unsigned int foreigndom;
    unsigned int done;                  /* elements done by earlier parts */
    struct mmu_owners o;
};

/* References on foreign owners until put_owners; batch_enter takes them
 * and keeps them only when it returns true (go on; otherwise *rc is what
 * the hypercall returns -- a continuation's value may be any number). */
int get_owners(unsigned int foreigndom, struct mmu_owners *o);
void put_foreign_owners(struct mmu_owners *o);

static inline void put_owners(struct mmu_owners *o)
{
    if (unlikely(o->foreign))
        put_foreign_owners(o);
}

long batch_continuation(unsigned int op, unsigned long list, size_t elem,
                        unsigned int i, unsigned int count, unsigned long pdone,
                        unsigned int done, unsigned int foreigndom);
bool batch_enter(struct batch *b, long *rc);
long batch_fail(struct batch *b, unsigned int i, long rc);
long batch_between(struct batch *b, unsigned int i);
long batch_finish(struct batch *b);

#endif
