/*
 * The guest's own translation of a virtual address, as its MMU would do
 * it (Intel SDM vol. 3 §4.5-4.8, AMD APM vol. 2 §5.3-5.6): the one
 * walker (xen/pt_walk.h) over the guest's tables, each reached through
 * the p2m; reserved bits; access rights with CR0.WP, EFER.NXE, CR4.SMEP
 * and CR4.SMAP; the page-fault error code when the guest must see a
 * fault; and the accessed and dirty bits set on the way.
 */
#include "xen/lib.h"

#include "private.h"

struct walk_rec {
    struct shadow_domain *sd;
    unsigned int level;                 /* of the next table mapped */
    unsigned long gfn[PT_LEVELS + 1], mfn[PT_LEVELS + 1];
    unsigned long bad_gfn;
};

static uint64_t *map_guest_table(const struct pt_ctx *c, unsigned long gfn)
{
    struct walk_rec *rec = c->priv;
    unsigned int level = rec->level--, order;
    bool writable;
    unsigned long mfn = shadow_p2m_lookup(rec->sd, gfn, &order, &writable);

    if (mfn == SH_INVALID_MFN) {
        rec->bad_gfn = gfn;
        return NULL;
    }
    rec->gfn[level] = gfn;
    rec->mfn[level] = mfn;
    return pt_map_frame(mfn);
}

/* Which rights does the access need that the path does not give? */
static bool denied(const struct shadow_vcpu *sv, const struct pt_walk *w, uint32_t access,
                   bool ac)
{
    bool user = access & PFEC_USER, write = access & PFEC_WRITE, fetch = access & PFEC_FETCH;
    bool user_page = w->perm & _PAGE_USER;

    if (user && !user_page)
        return true;
    if (write && !(w->perm & _PAGE_RW) && (user || (sv->cr0 & SH_CR0_WP)))
        return true;
    if (fetch && (w->deny & _PAGE_NX) && (sv->efer & SH_EFER_NXE))
        return true;
    if (!user && user_page && fetch && (sv->cr4 & SH_CR4_SMEP))
        return true;
    return !user && user_page && !fetch && (sv->cr4 & SH_CR4_SMAP) && !ac;
}

/* The error code the guest sees (SDM vol. 3 §4.7): I/D only with NX or SMEP on. */
static uint32_t guest_pfec(const struct shadow_vcpu *sv, uint32_t access, uint32_t why)
{
    uint32_t pfec = access & (PFEC_WRITE | PFEC_USER);

    if ((access & PFEC_FETCH) && ((sv->efer & SH_EFER_NXE) || (sv->cr4 & SH_CR4_SMEP)))
        pfec |= PFEC_FETCH;
    return pfec | why;
}

static bool path_rsvd(struct shadow_domain *sd, const struct shadow_vcpu *sv,
                      const struct walk_rec *rec, uint64_t va, unsigned int leaf_level)
{
    for (unsigned int l = PT_LEVELS; l >= leaf_level; l--) {
        uint64_t e = pt_map_frame(rec->mfn[l])[pt_slot(va, l)];
        if (!pte_present(e))
            return false;
        if (sh_guest_rsvd(sd, e, l, sv->efer & SH_EFER_NXE))
            return true;
    }
    return false;
}

/* Set A on every entry of the path and D on the leaf of a write, as the MMU does. */
static void set_accessed_dirty(struct shadow_domain *sd, const struct walk_rec *rec,
                               uint64_t va, unsigned int leaf_level, bool write)
{
    for (unsigned int l = PT_LEVELS; l >= leaf_level; l--) {
        unsigned int slot = pt_slot(va, l);
        uint64_t *e = pt_map_frame(rec->mfn[l]) + slot;
        uint64_t bits = _PAGE_ACCESSED | (l == leaf_level && write ? _PAGE_DIRTY : 0);

        if ((__atomic_load_n(e, __ATOMIC_RELAXED) & bits) == bits)
            continue;
        __atomic_fetch_or(e, bits, __ATOMIC_RELAXED);
        if (sh_gfn_is_table(sd, rec->gfn[l]))
            shadow_guest_wrote(sd, rec->gfn[l], slot * sizeof(uint64_t), sizeof(uint64_t));
    }
}

/* The frame of va inside the leaf w (of any size). */
static unsigned long leaf_gfn(const struct pt_walk *w, uint64_t va)
{
    unsigned long frames = pt_level_frames(w->level);
    unsigned long base = pte_mfn(w->entry) & ~(frames - 1);

    return base + ((va >> PAGE_SHIFT) & (frames - 1));
}

static enum shadow_fault walk_paged(struct shadow_domain *sd, const struct shadow_vcpu *sv,
                                    uint64_t va, uint32_t access, bool ac, bool set_ad,
                                    struct sh_gwalk *gw)
{
    struct walk_rec rec = { .sd = sd, .level = PT_LEVELS, .bad_gfn = SH_INVALID_MFN };
    struct pt_ctx c = { .fmt = &pt_format_x86, .map = map_guest_table, .priv = &rec };
    struct pt_walk w;
    bool ok = pt_walk(&c, pte_mfn(sv->cr3), va, 1, &w);
    unsigned int order;
    bool writable;

    if (rec.bad_gfn != SH_INVALID_MFN) {
        gw->bad_gfn = rec.bad_gfn;
        return SH_BAD_GFN;
    }
    /* Reserved bits in a present entry fault before a missing entry below it. */
    if (path_rsvd(sd, sv, &rec, va, w.level)) {
        gw->pfec = guest_pfec(sv, access, PFEC_PRESENT | PFEC_RSVD);
        return SH_GUEST;
    }
    if (!ok || !pte_present(w.entry)) {
        gw->pfec = guest_pfec(sv, access, 0);
        return SH_GUEST;
    }
    if (denied(sv, &w, access, ac)) {
        gw->pfec = guest_pfec(sv, access, PFEC_PRESENT);
        return SH_GUEST;
    }
    gw->gfn = leaf_gfn(&w, va);
    gw->guest_rw = w.perm & _PAGE_RW;
    if (shadow_p2m_lookup(sd, gw->gfn, &order, &writable) == SH_INVALID_MFN) {
        gw->bad_gfn = gw->gfn;
        return SH_BAD_GFN;
    }
    if (set_ad)
        set_accessed_dirty(sd, &rec, va, w.level, access & PFEC_WRITE);
    return SH_FIXED;
}

enum shadow_fault sh_walk(struct shadow_domain *sd, const struct shadow_vcpu *sv, uint64_t va,
                          uint32_t access, bool ac, bool set_ad, struct sh_gwalk *gw)
{
    unsigned int order;
    bool writable;

    *gw = (struct sh_gwalk){ .bad_gfn = SH_INVALID_MFN };
    if (sv->mode == SH_MODE_LONG)
        return walk_paged(sd, sv, va, access, ac, set_ad, gw);
    /* Paging off: the address is the guest-physical one, every access allowed. */
    gw->gfn = (va & 0xffffffffULL) >> PAGE_SHIFT;
    gw->guest_rw = true;
    if (shadow_p2m_lookup(sd, gw->gfn, &order, &writable) == SH_INVALID_MFN) {
        gw->bad_gfn = gw->gfn;
        return SH_BAD_GFN;
    }
    return SH_FIXED;
}
