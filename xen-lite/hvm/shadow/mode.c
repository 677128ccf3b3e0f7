/*
 * What a vCPU runs on as its guest changes CR0, CR3, CR4 and EFER (all
 * intercepted): with paging off, the unpaged map -- a PAE table mapping
 * the first 4 GiB of guest-physical memory 1:1 through the p2m, since the
 * CPU under shadow paging always pages; with 4-level paging on, the
 * shadow of the guest's top-level table, found in the cache if the
 * address space was used before.  32-bit paging (2-level or PAE) and real
 * mode are not shadowed: PVH guests go from protected mode straight to
 * long mode, and the domain of a guest that does otherwise is crashed.
 *
 * The hardware's control registers follow the guest's except where
 * shadow paging needs them: paging and write protection always on (so
 * page-table writes fault even from the guest's kernel), PAE on, long
 * mode exactly when the guest is in it.
 */
#include "xen/lib.h"

#include "private.h"

#define SH_CR0_PE           (1UL << 0)
#define ROOT_PAGES          (1 + SH_PAE_ROOT_ENTRIES)   /* the unpaged map, made whole */

void shadow_vcpu_init(struct shadow_vcpu *sv)
{
    *sv = (struct shadow_vcpu){ .root = SH_NIL, .mode = SH_MODE_UNPAGED };
}

static enum shadow_mode mode_of(const struct shadow_vcpu *sv)
{
    if (!(sv->cr0 & SH_CR0_PE))
        return SH_MODE_UNSUPPORTED;     /* real mode */
    if (!(sv->cr0 & SH_CR0_PG))
        return SH_MODE_UNPAGED;
    if ((sv->efer & SH_EFER_LME) && (sv->cr4 & SH_CR4_PAE))
        return SH_MODE_LONG;
    return SH_MODE_UNSUPPORTED;
}

/* The top-level shadow for the vCPU's mode: SH_NIL if none can be made. */
static uint32_t find_root(struct shadow_domain *sd, const struct shadow_vcpu *sv,
                          enum shadow_mode mode)
{
    unsigned long gfn = mode == SH_MODE_LONG ? pte_mfn(sv->cr3) : 0;
    unsigned int type = mode == SH_MODE_LONG ? SH_L4 : SH_PAE_ROOT;
    uint32_t idx = sh_lookup(sd, gfn, type);

    sd->stats.cr3_switches++;
    if (idx != SH_NIL) {
        sd->stats.cr3_cache_hits++;
        return idx;
    }
    if (sh_prealloc(sd, ROOT_PAGES, sv->root) < 0)
        return SH_NIL;
    return sh_get_shadow(sd, gfn, type);
}

int shadow_update_paging(struct shadow_domain *sd, struct shadow_vcpu *sv)
{
    enum shadow_mode mode = mode_of(sv);
    uint32_t old = sv->root, idx = SH_NIL;

    if (mode != SH_MODE_UNSUPPORTED && (idx = find_root(sd, sv, mode)) != SH_NIL) {
        sh_pin(sd, idx);
        sh_lru_touch(sd, idx);
        sh_get_ref(sd, idx);
    }
    sv->root = idx;
    sv->mode = mode;
    if (old != SH_NIL)
        sh_put_ref(sd, old);
    sh_flush_if_needed(sd);
    if (mode == SH_MODE_UNSUPPORTED)
        return -XEN_EOPNOTSUPP;
    return idx == SH_NIL ? -XEN_EINVAL : 0;
}

void shadow_vcpu_release(struct shadow_domain *sd, struct shadow_vcpu *sv)
{
    if (sv->root != SH_NIL)
        sh_put_ref(sd, sv->root);
    sv->root = SH_NIL;
}

uint64_t shadow_hw_cr3(const struct shadow_domain *sd, const struct shadow_vcpu *sv)
{
    return sv->root == SH_NIL ? 0 : (uint64_t)sd->pages[sv->root].mfn << PAGE_SHIFT;
}

uint64_t shadow_hw_cr0(const struct shadow_vcpu *sv)
{
    return sv->cr0 | SH_CR0_PG | SH_CR0_WP;
}

uint64_t shadow_hw_cr4(const struct shadow_vcpu *sv, uint64_t host_must)
{
    return sv->cr4 | SH_CR4_PAE | host_must;
}

uint64_t shadow_hw_efer(const struct shadow_vcpu *sv)
{
    uint64_t efer = sv->efer & ~(SH_EFER_LME | SH_EFER_LMA);

    return sv->mode == SH_MODE_LONG ? efer | SH_EFER_LME | SH_EFER_LMA : efer;
}

/* The shadows never fall behind the guest's tables: only the TLB entry goes. */
bool shadow_invlpg(struct shadow_domain *sd, struct shadow_vcpu *sv, uint64_t va)
{
    return true;
}
