/*
 * memory_op's view of a domain's physical address space (xen/physmap.h):
 * the M2P for every domain, the p2m for translated ones, and the frames
 * the p2m's tables live in.
 */
#include "asm/page.h"
#include "xen/lib.h"
#include "xen/m2p.h"
#include "xen/physmap.h"
#include "xen_errno.h"

unsigned long p2m_alloc_table(struct p2m_domain *p)
{
    void *t = alloc_xenheap_pages(0, 0);

    return t ? virt_to_mfn(t) : 0;
}

void p2m_free_table(struct p2m_domain *p, unsigned long mfn)
{
    free_xenheap_pages(mfn_to_virt(mfn), 0);
}

int guest_physmap_add_page(struct domain *d, unsigned long gfn, unsigned long mfn,
                           unsigned int order)
{
    int rc;

    if (paging_mode_translate(d) &&
        (rc = d->arch.p2m ? p2m_set(d->arch.p2m, gfn, mfn, order, p2m_ram_rw) : -XEN_EINVAL))
        return rc;
    for (unsigned long i = 0; i < (1UL << order); i++)
        set_gpfn_from_mfn(mfn + i, gfn + i);
    return 0;
}

int p2m_remove_page(struct domain *d, unsigned long gfn, unsigned long mfn,
                    unsigned int order)
{
    int rc;

    if (!d->arch.p2m)
        return 0;
    if ((rc = p2m_set(d->arch.p2m, gfn, 0, order, p2m_invalid)))
        return rc == -XEN_ESRCH ? 0 : rc;   /* torn down: nothing is mapped */
    guest_physmap_changed(d, gfn, mfn, order);
    for (unsigned long i = 0; i < (1UL << order); i++)
        set_gpfn_from_mfn(mfn + i, INVALID_M2P_ENTRY);
    return 0;
}

void guest_physmap_sync(struct domain *d)
{
    if (paging_mode_translate(d) && d->arch.p2m) {
        spin_lock(&d->arch.p2m->lock);
        p2m_sync(d->arch.p2m);
        spin_unlock(&d->arch.p2m->lock);
    }
}

unsigned long guest_physmap_lookup(struct domain *d, unsigned long gfn, enum p2m_type *t)
{
    unsigned int order;

    if (!paging_mode_translate(d) || !d->arch.p2m) {
        *t = p2m_invalid;
        return P2M_INVALID_MFN;
    }
    return p2m_get(d->arch.p2m, gfn, t, &order);
}

int physmap_init(struct domain *d, const struct p2m_format *fmt, unsigned int max_order,
                 void (*flush)(struct p2m_domain *p))
{
    struct p2m_domain *p = xzalloc(struct p2m_domain);
    int rc;

    if (!p)
        return -XEN_ENOMEM;
    if ((rc = p2m_init(p, fmt, max_order))) {
        xfree(p);
        return rc;
    }
    p->flush = flush;
    p->owner = d;
    d->arch.p2m = p;
    return 0;
}

void physmap_teardown(struct domain *d)
{
    if (d->arch.p2m)
        p2m_teardown(d->arch.p2m);
}

void physmap_free(struct domain *d)
{
    if (d->arch.p2m) {
        p2m_teardown(d->arch.p2m);
        xfree(d->arch.p2m);
        d->arch.p2m = NULL;
    }
}
