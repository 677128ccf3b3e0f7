/*
 * The page-type auditor: recount, from scratch, every reference the page
 * tables and the other holders imply, and compare with what each frame's
 * count_info and type_info say.  Pure over the frame table (unit-tested);
 * the hypervisor runs it with every other vCPU paused.
 */
#include "asm/page.h"
#include "xen/audit.h"
#include "xen/lib.h"
#include "xen/pv_mm.h"

#define NR_PTE_MASK 0x3ff

struct audit {
    uint32_t *gen, *typ;
    audit_problem_fn report;
    void *ctx;
    struct audit_result *res;
};

static bool domain_frame(const struct page_info *pg)
{
    return (pg->count_info & PGC_state_mask) == PGC_state_inuse &&
           pg->owner < DOMID_FIRST_RESERVED_;
}

static void problem(struct audit *a, unsigned long mfn, const char *what,
                    uint64_t expected, uint64_t actual)
{
    a->res->problems++;
    if (a->report)
        a->report(mfn, what, expected, actual, a->ctx);
}

/* The references one page-table entry holds. */
static void count_entry(struct audit *a, unsigned long table, uint64_t e,
                        unsigned int level, bool partial)
{
    unsigned long mfn = pte_mfn(e);
    struct page_info *pg;

    if (!(e & _PAGE_PRESENT) || !mfn_valid(mfn))
        return;
    pg = mfn_to_page(mfn);
    if (level == 1 && pg->owner == DOMID_IO_)
        return;                         /* I/O memory is not counted */
    if (!domain_frame(pg)) {
        /* A held reference keeps a frame its owner's: this one was freed. */
        problem(a, mfn, "referenced but not a domain's frame", 1, 0);
        return;
    }
    a->gen[mfn]++;
    if (partial)
        return;                         /* general ref only; the child floats */
    a->typ[mfn]++;
    if (level == 1) {
        if (!(e & _PAGE_RW))
            a->typ[mfn]--;
        else if ((pg->type_info & PGT_type_mask) != PGT_writable_page)
            problem(a, mfn, "mapped writable but not of writable type",
                    PGT_writable_page, pg->type_info & PGT_type_mask);
    } else if (PGT_level(pg->type_info) != level - 1) {
        problem(a, mfn, "referenced as a table of the wrong level", level - 1,
                PGT_level(pg->type_info));
    }
    (void)table;
}

/* A table's held entries: all if validated, [0, n) (+ n partial) if partial. */
static void count_table(struct audit *a, unsigned long mfn, struct page_info *pg)
{
    uint64_t t = pg->type_info, *e;
    unsigned int level = PGT_level(t), n;

    if (!PGT_is_pagetable(t) || !(t & (PGT_validated | PGT_partial)))
        return;
    if ((t & PGT_validated) && !(t & PGT_count_mask))
        return;
    e = pt_map_frame(mfn);
    n = (t & PGT_validated) ? PAGETABLE_ENTRIES : (pg->nr_validated_ptes & NR_PTE_MASK);
    a->res->tables++;
    for (unsigned int i = 0; i < n; i++)
        if (level != 4 || is_guest_l4_slot(i))
            count_entry(a, mfn, e[i], level, false);
    if (!(t & PGT_validated) && (pg->nr_validated_ptes & PTF_partial_set) && n < PAGETABLE_ENTRIES)
        count_entry(a, mfn, e[n], level, true);
}

/* References every frame holds on itself: allocation, pin, partial state. */
static void count_self(struct audit *a, unsigned long mfn, const struct page_info *pg)
{
    uint64_t t = pg->type_info;

    if (pg->count_info & PGC_allocated)
        a->gen[mfn]++;
    if (pg->count_info & PGC_xen_heap)
        a->typ[mfn]++;                  /* a shared page's own writable type */
    if (t & PGT_pinned) {
        a->gen[mfn]++;
        a->typ[mfn]++;
    }
    if (t & PGT_partial) {
        a->gen[mfn]++;                  /* the partial state's reference */
        a->typ[mfn]++;                  /* its floating type count */
    }
}

static void compare(struct audit *a, unsigned long mfn, const struct page_info *pg)
{
    uint64_t gen = pg->count_info & PGC_count_mask, typ = pg->type_info & PGT_count_mask;

    if (gen != a->gen[mfn])
        problem(a, mfn, "general reference count", a->gen[mfn], gen);
    if (typ != a->typ[mfn])
        problem(a, mfn, "type count", a->typ[mfn], typ);
    if (PGT_is_pagetable(pg->type_info) && typ &&
        !(pg->type_info & (PGT_validated | PGT_partial)))
        problem(a, mfn, "page table in use but not validated", 1, 0);
}

int audit_frames(const struct audit_ref *extra, unsigned int nr_extra,
                 audit_problem_fn report, void *ctx, struct audit_result *res)
{
    struct audit a = { .report = report, .ctx = ctx, .res = res };

    memset(res, 0, sizeof(*res));
    a.gen = xzalloc_array(uint32_t, max_page);
    a.typ = xzalloc_array(uint32_t, max_page);
    if (!a.gen || !a.typ) {
        xfree(a.gen);
        xfree(a.typ);
        return -1;
    }
    for (unsigned long mfn = 0; mfn < max_page; mfn++) {
        struct page_info *pg = mfn_to_page(mfn);
        if (!domain_frame(pg))
            continue;
        res->frames++;
        count_self(&a, mfn, pg);
        count_table(&a, mfn, pg);
    }
    for (unsigned int i = 0; i < nr_extra; i++) {
        if (!mfn_valid(extra[i].mfn))
            continue;
        a.gen[extra[i].mfn]++;
        if (extra[i].type)
            a.typ[extra[i].mfn]++;
    }
    for (unsigned long mfn = 0; mfn < max_page; mfn++)
        if (domain_frame(mfn_to_page(mfn)))
            compare(&a, mfn, mfn_to_page(mfn));
    xfree(a.gen);
    xfree(a.typ);
    return 0;
}
