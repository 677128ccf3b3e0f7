/*
 * Sorting a guest's page fault: the guest's own (its tables do not allow
 * the access: reflected with the error code its MMU would give), a write
 * the hypervisor must perform (to a page table, which the shadows keep
 * read-only, or a supervisor write with CR0.WP clear that the hardware,
 * running with WP set, refused), an access to memory the domain does not
 * have, or a shadow fault: the shadows lack what the guest's tables say,
 * and are filled from the top down along the faulting address.
 */
#include "xen/lib.h"

#include "private.h"

/* Pages (each with its links page) one fill may make: L3, L2, L1 and an FL1. */
#define FILL_PAGES          4

static unsigned int shadow_slot(unsigned int type, uint64_t va)
{
    if (type == SH_PAE_ROOT)
        return (va >> L3_SHIFT) & (SH_PAE_ROOT_ENTRIES - 1);
    return pt_slot(va, sh_level(type));
}

static enum shadow_fault fill_path(struct shadow_domain *sd, const struct shadow_vcpu *sv,
                                   uint64_t va, struct shadow_fault_info *out)
{
    uint32_t idx = sv->root;
    bool changed = false;

    for (;;) {
        unsigned int type = sd->pages[idx].type, slot = shadow_slot(type, va);
        unsigned long bad = SH_INVALID_MFN;
        uint64_t ge = sh_guest_entry(sd, idx, slot);
        uint64_t se = sh_derive(sd, idx, ge, true, &bad), old = sh_map(sd, idx)[slot];

        if (!se) {
            if (bad == SH_INVALID_MFN)
                return SH_FIXED;        /* the guest changed it meanwhile: fault again */
            out->gfn = bad;
            return SH_BAD_GFN;
        }
        sh_set_entry(sd, idx, slot, se);
        changed |= old != se;
        if (sh_entry_is_leaf(type, se)) {
            out->flush_va = !changed;   /* it was all there: a stale TLB entry */
            return SH_FIXED;
        }
        idx = sh_index_of(sd, pte_mfn(se));
    }
}

enum shadow_fault shadow_page_fault(struct shadow_domain *sd, struct shadow_vcpu *sv,
                                    uint64_t va, uint32_t pfec,
                                    const struct cpu_user_regs *r,
                                    struct shadow_fault_info *out)
{
    uint32_t access = pfec & (PFEC_WRITE | PFEC_USER | PFEC_FETCH);
    struct sh_gwalk gw;
    enum shadow_fault rc;

    *out = (struct shadow_fault_info){ 0 };
    if (sv->root == SH_NIL || sv->mode == SH_MODE_UNSUPPORTED)
        return SH_BAD_GFN;
    rc = sh_walk(sd, sv, va, access, r->rflags & SH_RFLAGS_AC, true, &gw);
    if (rc == SH_GUEST) {
        sd->stats.faults_guest++;
        out->pfec = gw.pfec;
        out->cr2 = va;
        return rc;
    }
    if (rc == SH_BAD_GFN) {
        out->gfn = gw.bad_gfn;
        return rc;
    }
    if ((access & PFEC_WRITE) && (!gw.guest_rw || sh_gfn_is_table(sd, gw.gfn))) {
        out->gfn = gw.gfn;
        return SH_EMULATE;
    }
    if (sh_prealloc(sd, FILL_PAGES, sv->root) < 0)
        return SH_FIXED;                /* cannot happen with the minimum pool */
    sd->stats.faults_fixed++;
    rc = fill_path(sd, sv, va, out);
    sh_flush_if_needed(sd);
    return rc;
}
