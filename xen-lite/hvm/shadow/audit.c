/*
 * The shadow auditor: every shadow entry against what the guest's entry
 * and the p2m say it may be (never more: a lazily refilled entry may hold
 * less, such as a read-only leaf whose frame stopped being a page table),
 * every present entry on the reverse-map chain of its frame, every
 * reference count against the entries, pins and vCPUs holding it, the
 * page-table regions, and the pool's lists.  For the unit tests and
 * debugging runs; it allocates a count per pool page.
 */
#include "xen/lib.h"
#include "xen/mm.h"

#include "private.h"

struct audit {
    char *why;
    size_t size;
    unsigned long problems;
};

static void problem_e(struct audit *a, uint32_t idx, unsigned int slot, const char *what,
                      uint64_t e, uint64_t d)
{
    if (!a->problems++ && a->size)
        snprintf(a->why, a->size, "page %u slot %u: %s (entry %#llx, expected %#llx)", idx,
                 slot, what, (unsigned long long)e, (unsigned long long)d);
}

static void problem(struct audit *a, uint32_t idx, unsigned int slot, const char *what)
{
    problem_e(a, idx, slot, what, 0, 0);
}

#define L2_LARGE_ADDR       0x000fffffffe00000ULL

/*
 * May e stand for d, derived from guest entry ge?  Same target, no more
 * rights; the accessed bit is the MMU's to set (it does even in PAE
 * PDPTEs under some CPUs).
 */
static bool compatible(struct shadow_domain *sd, unsigned int type, uint64_t e, uint64_t d,
                       uint64_t ge)
{
    uint64_t less = _PAGE_RW | _PAGE_DIRTY;

    e &= ~(uint64_t)_PAGE_ACCESSED;
    d &= ~(uint64_t)_PAGE_ACCESSED;
    if (e == d)
        return true;
    if (!pte_present(d))
        return false;
    if (sh_level(type) == 2 && (d & _PAGE_PSE) && !(e & _PAGE_PSE)) {
        /* Split although a 2 MiB entry would now do. */
        uint32_t child = sh_index_of(sd, pte_mfn(e));
        return child != SH_NIL && sd->pages[child].type == SH_FL1 &&
               sd->pages[child].gfn == (ge & L2_LARGE_ADDR) >> PAGE_SHIFT;
    }
    return (e & ~less) == (d & ~less) && !(e & ~d & _PAGE_RW);
}

struct seek {
    uint32_t idx;
    unsigned int slot;
    bool found;
};

static void note(struct shadow_domain *sd, uint32_t idx, unsigned int slot, void *arg)
{
    struct seek *k = arg;

    if (idx == k->idx && slot == k->slot)
        k->found = true;
}

/* The entry's frame (any frame of a 2 MiB leaf) leads to its chain. */
static bool on_rmap_chain(struct shadow_domain *sd, uint32_t idx, unsigned int slot)
{
    struct seek k = { idx, slot, false };

    sh_rmap_each(sd, pte_mfn(sh_map(sd, idx)[slot]), note, &k);
    return k.found;
}

static void audit_entry(struct shadow_domain *sd, struct audit *a, uint32_t *refs,
                        uint32_t idx, unsigned int slot)
{
    unsigned int type = sd->pages[idx].type;
    uint64_t e = sh_map(sd, idx)[slot], d, ge = sh_guest_entry(sd, idx, slot);
    unsigned long bad = SH_INVALID_MFN;

    if (!pte_present(e))
        return problem(a, idx, slot, "a non-present entry that is not zero");
    if (!on_rmap_chain(sd, idx, slot))
        problem_e(a, idx, slot, "a present entry missing from the reverse map", e, type);
    if (!sh_entry_is_leaf(type, e)) {
        uint32_t child = sh_index_of(sd, pte_mfn(e));
        if (child == SH_NIL || sd->pages[child].type == SH_FREE ||
            sd->pages[child].type == SH_LINKS)
            return problem(a, idx, slot, "links a frame that holds no shadow");
        refs[child]++;
    }
    d = sh_derive(sd, idx, ge, false, &bad);
    if (!compatible(sd, type, e, d, ge))
        problem_e(a, idx, slot, "differs from the guest's entry and the p2m", e, d);
}

static void audit_page(struct shadow_domain *sd, struct audit *a, uint32_t *refs, uint32_t idx)
{
    const struct sh_page *pg = &sd->pages[idx];
    uint64_t *t = sh_map(sd, idx);

    if (pg->links == SH_NIL || sd->pages[pg->links].type != SH_LINKS ||
        sd->pages[pg->links].links != idx)
        problem(a, idx, 0, "no links page of its own");
    if (sh_is_table(pg->type) && pg->gmfn != SH_INVALID_MFN &&
        !sh_region_has_table(sd, pg->gfn))
        problem(a, idx, 0, "a page table whose region does not count it");
    for (unsigned int s = 0; s < PT_ENTRIES; s++)
        if (t[s])
            audit_entry(sd, a, refs, idx, s);
}

static void audit_refs(struct shadow_domain *sd, struct audit *a, uint32_t *refs)
{
    for (unsigned int i = 0; i < sd->nr_vcpus; i++)
        if (sd->vcpus[i] && sd->vcpus[i]->root != SH_NIL)
            refs[sd->vcpus[i]->root]++;
    for (uint32_t idx = 0; idx < sd->nr_pages; idx++) {
        const struct sh_page *pg = &sd->pages[idx];
        if (pg->type == SH_FREE || pg->type == SH_LINKS)
            continue;
        if (pg->refs != refs[idx] + pg->pinned)
            problem(a, idx, 0, "a reference count that does not match its holders");
    }
}

unsigned long shadow_audit(struct shadow_domain *sd, char *why, size_t size)
{
    struct audit a = { why, size, 0 };
    uint32_t *refs = xzalloc_array(uint32_t, sd->nr_pages + 1), used = 0;

    if (!refs)
        return 0;
    for (uint32_t idx = 0; idx < sd->nr_pages; idx++) {
        unsigned int type = sd->pages[idx].type;
        used += type != SH_FREE;
        if (type != SH_FREE && type != SH_LINKS)
            audit_page(sd, &a, refs, idx);
    }
    audit_refs(sd, &a, refs);
    if (used != shadow_pages_in_use(sd))
        problem(&a, 0, 0, "the pool's counts do not match its pages");
    xfree(refs);
    return a.problems;
}
