/*
 * A domain's physical address space, as memory_op changes it: for a PV
 * domain (not translated) only the machine-to-phys table records which of
 * its pseudo-physical frames a machine frame is; a translated (HVM) domain
 * has a p2m, which these calls keep in step with the M2P.
 */
#ifndef XEN_PHYSMAP_H
#define XEN_PHYSMAP_H

#include "xen/p2m.h"
#include "xen/sched.h"

static inline bool paging_mode_translate(const struct domain *d)
{
    return d->arch.paging != PAGING_PV;
}

/* Map [gfn, +2^order) to the domain's frames [mfn, ...) as RAM. */
int guest_physmap_add_page(struct domain *d, unsigned long gfn, unsigned long mfn,
                           unsigned int order);
/*
 * Unmap [gfn, +2^order), which maps [mfn, ...).  For a translated domain
 * the frames may still be cached by a pCPU until guest_physmap_sync().
 * -XEN_ENOMEM (nothing changed) if the p2m has no tables left for a split.
 */
int p2m_remove_page(struct domain *d, unsigned long gfn, unsigned long mfn,
                    unsigned int order);
static inline int guest_physmap_remove_page(struct domain *d, unsigned long gfn,
                                            unsigned long mfn, unsigned int order)
{
    /* A PV guest's frames leave the M2P when they are freed (pt_page_freed). */
    return paging_mode_translate(d) ? p2m_remove_page(d, gfn, mfn, order) : 0;
}
void guest_physmap_sync(struct domain *d);
/* gfn stopped mapping mfn (p2m_set to invalid done): the paging mode hears of it. */
static inline void guest_physmap_changed(struct domain *d, unsigned long gfn,
                                         unsigned long mfn, unsigned int order)
{
    if (paging_mode_translate(d) && d->arch.p2m->changed)
        d->arch.p2m->changed(d->arch.p2m, gfn, mfn, order);
}
/* The RAM frame at gfn of a translated domain; P2M_INVALID_MFN if none. */
unsigned long guest_physmap_lookup(struct domain *d, unsigned long gfn, enum p2m_type *t);

/* A translated domain's p2m, in the format its paging back end reads. */
int physmap_init(struct domain *d, const struct p2m_format *fmt, unsigned int max_order,
                 void (*flush)(struct p2m_domain *p));
/*
 * physmap_teardown frees the p2m's tables when the domain dies; the
 * p2m itself, empty, stays until the domain's last reference goes
 * (physmap_free, from arch_domain_destroy), so d->arch.p2m never points
 * at freed memory while anyone can still find the domain.
 */
void physmap_teardown(struct domain *d);
void physmap_free(struct domain *d);

#endif
