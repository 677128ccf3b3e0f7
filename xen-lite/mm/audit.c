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

/*
 * The recounted references per frame, in small chunks made on first use:
 * one array over every frame number could need megabytes of contiguous
 * memory, which a fragmented heap may not have.
 */
#define CHUNK 128                       /* frames per chunk (1 KiB) */

struct counts {
    uint32_t gen, typ;
};

struct audit {
    struct counts **chunk;              /* [max_page / CHUNK], NULL: all zero */
    bool no_memory;
    audit_problem_fn report;
    void *ctx;
    struct audit_result *res;
};

/* The counts of mfn, made on first use (NULL if there is no memory). */
static struct counts *counts(struct audit *a, unsigned long mfn)
{
    struct counts **c = &a->chunk[mfn / CHUNK];

    if (!*c && !(*c = xzalloc_array(struct counts, CHUNK))) {
        a->no_memory = true;
        return NULL;
    }
    return &(*c)[mfn % CHUNK];
}

static void add(struct audit *a, unsigned long mfn, int gen, int typ)
{
    struct counts *c = counts(a, mfn);

    if (c) {
        c->gen += gen;
        c->typ += typ;
    }
}

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
    unsigned long mfn = pt_frame(&pt_format_x86, e);
    struct page_info *pg;

    if (!pt_present(&pt_format_x86, e) || !mfn_valid(mfn))
        return;
    pg = mfn_to_page(mfn);
    if (level == 1 && pg->owner == DOMID_IO_)
        return;                         /* I/O memory is not counted */
    if (!domain_frame(pg)) {
        /* A held reference keeps a frame its owner's: this one was freed. */
        problem(a, mfn, "referenced but not a domain's frame", 1, 0);
        return;
    }
    /* A partial child floats: general ref only.  A read-only L1 entry too. */
    add(a, mfn, 1, !partial && (level != 1 || (e & _PAGE_RW)));
    if (partial)
        return;
    if (level == 1) {
        if ((e & _PAGE_RW) && (pg->type_info & PGT_type_mask) != PGT_writable_page)
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
        add(a, mfn, 1, 0);
    if (pg->count_info & PGC_xen_heap)
        add(a, mfn, 0, 1);              /* a shared page's own writable type */
    if (t & PGT_pinned)
        add(a, mfn, 1, 1);
    if (t & PGT_partial)
        add(a, mfn, 1, 1);              /* the partial state's ref and floating count */
}

static void compare(struct audit *a, unsigned long mfn, const struct page_info *pg)
{
    uint64_t gen = pg->count_info & PGC_count_mask, typ = pg->type_info & PGT_count_mask;
    const struct counts *c = a->chunk[mfn / CHUNK] ? &a->chunk[mfn / CHUNK][mfn % CHUNK]
                                                    : &(struct counts){ 0, 0 };

    if (gen != c->gen)
        problem(a, mfn, "general reference count", c->gen, gen);
    if (typ != c->typ)
        problem(a, mfn, "type count", c->typ, typ);
    if (PGT_is_pagetable(pg->type_info) && typ &&
        !(pg->type_info & (PGT_validated | PGT_partial)))
        problem(a, mfn, "page table in use but not validated", 1, 0);
}

int audit_frames(const struct audit_ref *extra, unsigned int nr_extra,
                 audit_problem_fn report, void *ctx, struct audit_result *res)
{
    struct audit a = { .report = report, .ctx = ctx, .res = res };

    unsigned long nr_chunks = DIV_ROUND_UP(max_page, CHUNK);
    int rc = 0;

    memset(res, 0, sizeof(*res));
    if (!(a.chunk = xzalloc_array(struct counts *, nr_chunks)))
        return -1;
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
        add(&a, extra[i].mfn, 1, extra[i].type ? 1 : 0);
    }
    if (a.no_memory)
        rc = -1;
    else
        for (unsigned long mfn = 0; mfn < max_page; mfn++)
            if (domain_frame(mfn_to_page(mfn)))
                compare(&a, mfn, mfn_to_page(mfn));
    for (unsigned long i = 0; i < nr_chunks; i++)
        xfree(a.chunk[i]);
    xfree(a.chunk);
    return rc;
}
