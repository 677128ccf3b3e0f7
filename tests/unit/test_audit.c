/*
 * The page-type auditor (mm/audit.c) on the fake machine of fake_frames.h:
 * it finds nothing wrong in every consistent state the page-type logic
 * builds (partial ones included), finds each kind of corruption, and stays
 * silent through long seeded random sequences of page-type operations,
 * after every one of which no page table is mapped writable either.
 */
#include "fake_frames.h"

/* The first problem the auditor reports is `what` at mfn. */
static void expect_problem(unsigned long mfn, const char *what)
{
    struct fake_audit a;

    CHECK(fake_audit(&a) > 0);
    CHECK_STR(a.what, what);
    CHECK_EQ(a.mfn, mfn);
}

/* ---- consistent states ---- */

TEST(audit_clean_on_fresh_frames)
{
    struct audit_result res;

    fake_reset();
    for (unsigned int i = 0; i < 10; i++)
        fake_alloc(i & 1);
    fake_alloc_io();
    CHECK_EQ(audit_frames(NULL, 0, NULL, NULL, &res), 0);
    CHECK_EQ(res.problems, 0);
    CHECK_EQ(res.frames, 10);                       /* not the I/O or free ones */
    CHECK_EQ(res.tables, 0);
}

TEST(audit_clean_on_validated_trees_of_both_domains)
{
    struct audit_result res;

    fake_reset();
    fake_pinned_tree(D1, 4, FAN(3, 2, 2, 2));
    fake_pinned_tree(D0, 2, FAN(5, 4));
    AUDIT_CLEAN();
    CHECK_EQ(audit_frames(NULL, 0, NULL, NULL, &res), 0);
    CHECK(res.problems > 0);                        /* the pins are missing */
    CHECK_EQ(res.tables, 1 + 2 + 4 + 8 + 1 + 4);
}

TEST(audit_counts_the_pinned_flag_as_a_reference)
{
    fake_reset();
    unsigned long l2 = fake_pinned_tree(D1, 2, FAN(2, 2));
    fake_unhold(l2, true);
    mfn_to_page(l2)->type_info |= PGT_pinned;      /* as MMUEXT_PIN does */
    AUDIT_CLEAN();
    mfn_to_page(l2)->type_info &= ~PGT_pinned;
    expect_problem(l2, "general reference count");
}

TEST(audit_clean_on_preempted_validation)
{
    fake_reset();
    unsigned long l4 = fake_tree(D1, 4, FAN(2, 2, 8, 2), E_RW);
    fake.preempt_every = 5;
    CHECK(get_page(mfn_to_page(l4), D1));
    fake_hold(l4, false);
    for (unsigned int i = 0; i < 60; i++) {
        CHECK_EQ(get_page_type(mfn_to_page(l4), PGT_l4_page_table, true), -XEN_ERESTART);
        AUDIT_CLEAN();
    }
    CHECK(tflag(l4, PGT_partial));
}

TEST(audit_clean_on_preempted_devalidation)
{
    fake_reset();
    unsigned long l4 = fake_pinned_tree(D1, 4, FAN(2, 2, 8, 2));
    struct pt_deferred d = { mfn_to_page(l4), true };
    fake_unhold(l4, true);
    fake_hold(l4, false);                           /* the unpin's deferred put */
    fake.preempt_every = 4;
    CHECK_EQ(put_page_type(mfn_to_page(l4), true), -XEN_ERESTART);
    AUDIT_CLEAN();
    while (pt_finish_deferred(&d, true) == -XEN_ERESTART)
        AUDIT_CLEAN();
    fake_unhold(l4, false);
    AUDIT_CLEAN();
    CHECK_EQ(tcount(l4), 0);
}

TEST(audit_clean_on_failure_part_way)
{
    fake_reset();
    unsigned long l3 = fake_tree(D1, 3, FAN(2, 2, 3), E_RW);
    unsigned long l2 = child(l3, 2), l1 = child(l2, 1);
    fake_mem(l1)[1] |= _PAGE_PSE;                   /* PAT, refused for d1 */
    CHECK_EQ(get_page_and_type(mfn_to_page(l3), D1, PGT_l3_page_table, false), -XEN_EINVAL);
    CHECK(tflag(l3, PGT_partial) && tflag(l2, PGT_partial));
    AUDIT_CLEAN();                                  /* the partial states hold themselves */
}

TEST(audit_clean_with_foreign_io_and_shared_pages)
{
    fake_reset();
    unsigned long io = fake_alloc_io(), theirs = fake_alloc(D1), shared = fake_alloc(D1);
    unsigned long l1 = fake_pinned_tree(D0, 1, FAN(0));
    mfn_to_page(shared)->count_info |= PGC_xen_heap;
    mfn_to_page(shared)->type_info = PGT_writable_page | PGT_validated | 1;
    CHECK_EQ(mod_pt_entry(l1, 0, pte(theirs, E_RW), 1, D0, D1, false, NULL), 0);
    CHECK_EQ(mod_pt_entry(l1, 1, pte(io, E_RW), 1, D0, D0, false, NULL), 0);
    CHECK_EQ(mod_pt_entry(l1, 2, pte(FAKE_FRAMES + 9, E_RW), 1, D0, D0, false, NULL), 0);
    CHECK_EQ(mod_pt_entry(l1, 3, pte(shared, E_RW), 1, D0, D1, false, NULL), 0);
    AUDIT_CLEAN();
    CHECK_EQ(tcount(shared), 2);
}

TEST(audit_ignores_free_and_hypervisor_frames)
{
    struct audit_result res;

    fake_reset();
    mfn_to_page(3)->count_info += 5;                /* the hypervisor's */
    mfn_to_page(FAKE_FRAMES - 1)->type_info = 7;    /* free */
    CHECK_EQ(audit_frames(NULL, 0, NULL, NULL, &res), 0);
    CHECK_EQ(res.problems, 0);
    CHECK_EQ(res.frames, 0);
}

/* ---- corruptions ---- */

struct seen {
    unsigned int n;
    unsigned long mfn;
    uint64_t expected, actual;
};

static void record(unsigned long mfn, const char *what, uint64_t expected,
                   uint64_t actual, void *ctx)
{
    struct seen *s = ctx;

    if (!s->n++)
        *s = (struct seen){ 1, mfn, expected, actual };
}

TEST(audit_reports_an_extra_type_count)
{
    struct audit_result res;
    struct seen s = { 0 };

    fake_reset();
    unsigned long l2 = fake_pinned_tree(D1, 2, FAN(1, 3)), l1 = child(l2, 1);
    fake_unhold(l2, true);
    mfn_to_page(l2)->type_info |= PGT_pinned;
    mfn_to_page(l1)->type_info++;
    CHECK_EQ(audit_frames(NULL, 0, record, &s, &res), 0);
    CHECK_EQ(res.problems, 1);
    CHECK_EQ(s.mfn, l1);
    CHECK_EQ(s.expected, 1);
    CHECK_EQ(s.actual, 2);
}

TEST(audit_reports_a_dropped_general_ref)
{
    fake_reset();
    unsigned long l1 = fake_pinned_tree(D1, 1, FAN(4)), data = child(l1, 2);
    mfn_to_page(data)->count_info--;
    expect_problem(data, "general reference count");
}

TEST(audit_reports_a_table_mapped_writable_behind_its_back)
{
    fake_reset();
    unsigned long l2 = fake_pinned_tree(D1, 2, FAN(1, 2)), l1 = child(l2, 0);
    unsigned long l1b = child(l2, 1);
    fake_mem(l1)[7] = pte(l1b, E_RW);
    mfn_to_page(l1b)->count_info++;                 /* even with the counts fixed */
    mfn_to_page(l1b)->type_info++;
    expect_problem(l1b, "mapped writable but not of writable type");
}

TEST(audit_reports_a_reference_to_the_wrong_level)
{
    fake_reset();
    unsigned long l3 = fake_pinned_tree(D1, 3, FAN(1, 1, 1)), l2 = child(l3, 0);
    unsigned long other = fake_pinned_tree(D1, 2, FAN(0, 0));
    fake_mem(l2)[5] = pte(other, E_RW);             /* an L2 as an L1 */
    mfn_to_page(other)->count_info++;
    mfn_to_page(other)->type_info++;
    expect_problem(other, "referenced as a table of the wrong level");
}

TEST(audit_reports_an_entry_to_a_frame_no_domain_owns)
{
    fake_reset();
    unsigned long l1 = fake_tree(D1, 1, FAN(2), E_RO), data = child(l1, 1);
    CHECK_EQ(fake_pin(l1, 1), 0);
    fake_release(data);                             /* the mapping keeps it */
    mfn_to_page(data)->count_info--;                /* a lost reference ... */
    pt_page_freed(mfn_to_page(data));               /* ... frees it early */
    expect_problem(data, "referenced but not a domain's frame");
    fake_mem(l1)[1] = pte(3, E_RO);                 /* a hypervisor frame */
    expect_problem(3, "referenced but not a domain's frame");
}

TEST(audit_reports_a_table_in_use_but_not_validated)
{
    fake_reset();
    unsigned long l1 = fake_pinned_tree(D1, 1, FAN(0));
    mfn_to_page(l1)->type_info &= ~PGT_validated;
    expect_problem(l1, "page table in use but not validated");
}

TEST(audit_reports_a_holder_it_was_not_told_of)
{
    fake_reset();
    unsigned long l1 = fake_pinned_tree(D1, 1, FAN(1));
    AUDIT_CLEAN();
    fake_unhold(l1, true);
    expect_problem(l1, "general reference count");
    fake_hold(l1, false);                           /* general ref only */
    expect_problem(l1, "type count");
}

TEST(audit_reports_wrong_partial_progress)
{
    fake_reset();
    unsigned long l3 = fake_tree(D1, 3, FAN(1, 1, 6), E_RW);
    fake.preempt_every = 300;
    CHECK_EQ(get_page_and_type(mfn_to_page(l3), D1, PGT_l3_page_table, true), -XEN_ERESTART);
    AUDIT_CLEAN();
    mfn_to_page(l3)->nr_validated_ptes ^= PTF_partial_set;
    CHECK(fake_audit(NULL) > 0);
    mfn_to_page(l3)->nr_validated_ptes ^= PTF_partial_set;
    mfn_to_page(l3)->nr_validated_ptes++;
    CHECK(fake_audit(NULL) > 0);
}

/* ---- random sequences ---- */

/*
 * Thousands of random operations on a pool of frames: allocation, raw
 * writes into frames that are not tables, type references with and without
 * preemption (as pins are taken and dropped), mod_pt_entry on validated
 * tables, single mappings, releases.  Holders outside the frame table are
 * tracked so the auditor can be told of them.
 */
#define POOL        80
#define MAX_HOLDERS 512

enum hold_kind { H_TYPE, H_DEFER, H_MAP };
struct holder {
    enum hold_kind kind;
    unsigned long mfn;
    uint64_t e;                         /* H_MAP: the entry */
    domid_t d;
};

static struct holder h[MAX_HOLDERS];
static unsigned int nr_h, step;
static uint64_t rng, seed;

#define RCHECK(c)                                                           \
    do {                                                                    \
        CHECK(1);                                                           \
        if (!(c))                                                           \
            unit_fail(__FILE__, __LINE__, "seed %#llx step %u: %s",         \
                      (unsigned long long)seed, step, #c);                  \
    } while (0)

static unsigned int rnd(unsigned int n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned int)(rng % n);
}

/* The holder has a type reference too (a pin, a writable mapping). */
static bool typed(const struct holder *x)
{
    return x->kind == H_TYPE || (x->kind == H_MAP && (x->e & _PAGE_RW));
}

static void add_holder(enum hold_kind k, unsigned long mfn, uint64_t e, domid_t d)
{
    RCHECK(nr_h < MAX_HOLDERS);
    h[nr_h++] = (struct holder){ k, mfn, e, d };
    fake_hold(mfn, typed(&h[nr_h - 1]));
}

static void drop_holder(unsigned int i)
{
    fake_unhold(h[i].mfn, typed(&h[i]));
    h[i] = h[--nr_h];
}

/* A frame of the pool, live or not. */
static unsigned long any_frame(void)
{
    return FAKE_FIRST + rnd(POOL);
}

static bool domain_frame(unsigned long mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    return (pg->count_info & PGC_state_mask) == PGC_state_inuse && pg->owner <= D1;
}

/* Mostly sensible entries, sometimes foreign, I/O, absent or with bad bits. */
static uint64_t random_entry(void)
{
    static const uint64_t bad[] = { _PAGE_PSE, _PAGE_PCD, _PAGE_PWT, _PAGE_GLOBAL };
    unsigned long mfn = rnd(40) ? any_frame() : rnd(2) ? FAKE_FIRST : FAKE_FRAMES + rnd(9);
    uint64_t e = pte(mfn, _PAGE_USER);

    if (rnd(8))
        e |= _PAGE_PRESENT;
    if (rnd(2))
        e |= _PAGE_RW;
    if (rnd(2))
        e |= _PAGE_ACCESSED | (rnd(2) ? _PAGE_DIRTY : 0);
    if (!rnd(5))
        e |= _PAGE_NX | ((uint64_t)rnd(8) << 9);
    if (!rnd(25))
        e |= bad[rnd(ARRAY_SIZE(bad))];
    return e;
}

static unsigned int random_slot(void)
{
    return rnd(10) ? rnd(6) : 250 + rnd(26);        /* around the hypervisor's L4 slots */
}

static void op_write_raw(void)
{
    unsigned long mfn = any_frame();

    if (!domain_frame(mfn) || (tcount(mfn) && ttype(mfn) != PGT_writable_page))
        return;                                     /* tables only by mod_pt_entry */
    fake_mem(mfn)[random_slot()] = random_entry();
}

/* Take a type ref as pinning does; a failure part-way keeps our ref. */
static void op_get_type(void)
{
    unsigned long mfn = any_frame();
    struct page_info *pg = mfn_to_page(mfn);
    unsigned long type = pg->type_info & PGT_type_mask;     /* often its last */
    bool pre = rnd(2);
    int rc;

    if (!rnd(2) || !type)
        type = rnd(5) ? ltype(1 + rnd(4)) : PGT_writable_page;
    if (!domain_frame(mfn) || !get_page(pg, pg->owner))
        return;
    rc = get_page_type(pg, type, pre);
    RCHECK(pre || rc != -XEN_ERESTART);
    if (!rc)
        add_holder(H_TYPE, mfn, 0, 0);
    else if (rc != -XEN_ERESTART && (pg->type_info & PGT_partial) &&
             (pg->type_info & PGT_type_mask) == type)
        add_holder(H_DEFER, mfn, 0, 0);
    else
        put_page(pg);
}

static void op_put_type(void)
{
    unsigned int i = nr_h ? rnd(nr_h) : 0;
    struct page_info *pg;

    if (!nr_h || h[i].kind != H_TYPE)
        return;
    pg = mfn_to_page(h[i].mfn);
    drop_holder(i);
    if (put_page_type(pg, rnd(2)) == -XEN_ERESTART)
        add_holder(H_DEFER, page_to_mfn(pg), 0, 0);
    else
        put_page(pg);
}

/* Carry on a deferred put; when done it has dropped our ref. */
static void finish_holder(unsigned int i)
{
    struct pt_deferred d = { mfn_to_page(h[i].mfn), true };

    if (pt_finish_deferred(&d, rnd(2)) == 0)
        drop_holder(i);
}

static void op_finish(void)
{
    unsigned int i = nr_h ? rnd(nr_h) : 0;

    if (nr_h && h[i].kind == H_DEFER)
        finish_holder(i);
}

/* A floating partial table nobody holds: torn down as at domain death. */
static void op_tear_down_partial(void)
{
    unsigned long mfn = any_frame();

    if (!domain_frame(mfn) || !tflag(mfn, PGT_partial))
        return;
    get_page_light(mfn_to_page(mfn));
    add_holder(H_DEFER, mfn, 0, 0);
    finish_holder(nr_h - 1);
}

/* An entry to a frame last used as a table of `level`, if one turns up. */
static uint64_t entry_to_level(unsigned int level)
{
    for (unsigned int tries = 0; tries < 8; tries++) {
        unsigned long m = any_frame();
        if (domain_frame(m) && PGT_level(mfn_to_page(m)->type_info) == level)
            return pte(m, E_RW);
    }
    return random_entry();
}

/* A validated table in use of at least `level`, or 0. */
static unsigned long any_table(unsigned int level)
{
    unsigned long t[POOL], n = 0;

    for (unsigned long m = FAKE_FIRST; m < FAKE_FIRST + POOL; m++)
        if (domain_frame(m) && PGT_is_pagetable(mfn_to_page(m)->type_info) &&
            PGT_level(mfn_to_page(m)->type_info) >= level &&
            tflag(m, PGT_validated) && tcount(m))
            t[n++] = m;
    return n ? t[rnd(n)] : 0;
}

static void mod_entry(unsigned long mfn, unsigned int slot)
{
    struct page_info *pg = mfn_to_page(mfn);
    unsigned int level = PGT_level(pg->type_info);
    struct pt_deferred d = { 0 };
    domid_t pg_owner;
    uint64_t e;
    int rc;

    pg_owner = pg->owner == D0 && !rnd(4) ? D1 : pg->owner;
    e = !rnd(4) ? 0 : level > 1 && rnd(2) ? entry_to_level(level - 1) : random_entry();
    rc = mod_pt_entry(mfn, slot, e, level, pg->owner, pg_owner, rnd(2), &d);
    RCHECK(rc == 0 || !d.page || rc != -XEN_ERESTART);
    if (d.page)
        add_holder(H_DEFER, page_to_mfn(d.page), 0, 0);
}

static void op_mod_entry(void)
{
    unsigned long mfn = any_table(1);

    if (mfn)
        mod_entry(mfn, random_slot());
}

/* Replace or clear a live entry of an upper table: its old subtree goes. */
static void op_replace_entry(void)
{
    unsigned long mfn = any_table(3);
    unsigned int start = rnd(PAGETABLE_ENTRIES);

    for (unsigned int i = 0; mfn && i < PAGETABLE_ENTRIES; i++) {
        unsigned int slot = (start + i) % PAGETABLE_ENTRIES;
        if ((fake_mem(mfn)[slot] & _PAGE_PRESENT) && is_guest_l4_slot(slot)) {
            mod_entry(mfn, slot);
            return;
        }
    }
}

static void op_map(void)
{
    domid_t d = rnd(2), pg_owner = d == D0 && rnd(2) ? D1 : d;
    uint64_t e = random_entry() | _PAGE_PRESENT;
    unsigned long mfn = pte_mfn(e);

    if (get_page_from_l1e(e, d, pg_owner))
        return;
    if (mfn_valid(mfn) && mfn_to_page(mfn)->owner != DOMID_IO_)
        add_holder(H_MAP, mfn, e, d);
}

static void op_unmap(void)
{
    unsigned int i = nr_h ? rnd(nr_h) : 0;

    if (!nr_h || h[i].kind != H_MAP)
        return;
    put_page_from_l1e(h[i].e, h[i].d);
    drop_holder(i);
}

static void op_release(void)
{
    unsigned long mfn = any_frame();

    if (domain_frame(mfn) && (mfn_to_page(mfn)->count_info & PGC_allocated))
        fake_release(mfn);
}

static void op_alloc(void)
{
    if (fake_frames_in_use() < POOL)
        fake_alloc(rnd(3) ? D1 : D0);
}

/* No frame typed as a page table is mapped writable, by a table or a holder. */
static void check_no_writable_tables(void)
{
    for (unsigned long m = FAKE_FIRST; m < FAKE_FIRST + POOL; m++) {
        if (!domain_frame(m) || ttype(m) != PGT_l1_page_table || !tcount(m) ||
            !tflag(m, PGT_validated))
            continue;
        for (unsigned int i = 0; i < PAGETABLE_ENTRIES; i++) {
            uint64_t e = fake_mem(m)[i];
            if ((e & _PAGE_PRESENT) && (e & _PAGE_RW) && mfn_valid(pte_mfn(e)) &&
                mfn_to_page(pte_mfn(e))->owner != DOMID_IO_)
                RCHECK(ttype(pte_mfn(e)) == PGT_writable_page && tcount(pte_mfn(e)));
        }
    }
    for (unsigned int i = 0; i < nr_h; i++)
        if (h[i].kind == H_MAP && (h[i].e & _PAGE_RW))
            RCHECK(ttype(h[i].mfn) == PGT_writable_page);
}

static void check_step(void)
{
    struct fake_audit a;

    if (fake_audit(&a))
        unit_fail(__FILE__, __LINE__, "seed %#llx step %u: audit: %lu problems, mfn %#lx: %s",
                  (unsigned long long)seed, step, a.problems, a.mfn, a.what);
    check_no_writable_tables();
}

/* Drop every holder, tear down what floats, release every frame: all freed. */
static void tear_down(unsigned int nr_io)
{
    fake.preempt_every = 0;
    while (nr_h) {
        if (h[0].kind == H_TYPE)
            fake_unpin(h[0].mfn);
        else if (h[0].kind == H_MAP)
            put_page_from_l1e(h[0].e, h[0].d), fake_unhold(h[0].mfn, h[0].e & _PAGE_RW);
        else
            fake_finish(h[0].mfn), fake_unhold(h[0].mfn, false);
        h[0] = h[--nr_h];
        check_step();
    }
    for (unsigned long m = FAKE_FIRST; m < FAKE_FIRST + POOL; m++)
        if (domain_frame(m) && tflag(m, PGT_partial))
            get_page_light(mfn_to_page(m)), fake_finish(m);
    check_step();
    for (unsigned long m = FAKE_FIRST; m < FAKE_FIRST + POOL; m++) {
        RCHECK(!domain_frame(m) || tcount(m) == 0);
        if (domain_frame(m) && (mfn_to_page(m)->count_info & PGC_allocated))
            fake_release(m);
    }
    RCHECK(fake_frames_in_use() == nr_io);
}

static void random_run(uint64_t s, unsigned int steps)
{
    static void (*const ops[])(void) = {
        op_alloc, op_alloc, op_write_raw, op_write_raw, op_write_raw, op_write_raw,
        op_write_raw, op_get_type, op_get_type, op_get_type, op_put_type, op_put_type,
        op_finish, op_finish, op_tear_down_partial, op_mod_entry, op_mod_entry,
        op_mod_entry, op_replace_entry, op_map, op_unmap, op_release,
    };
    unsigned int nr_io = 2;

    fake_reset();
    seed = rng = s;
    nr_h = 0;
    for (unsigned int i = 0; i < nr_io; i++)
        fake_alloc_io();
    for (step = 0; step < steps; step++) {
        fake.preempt_every = rnd(2) ? 0 : 1 + rnd(40);
        ops[rnd(ARRAY_SIZE(ops))]();
        check_step();
    }
    tear_down(nr_io);
}

TEST(audit_random_sequence_seed_1)
{
    random_run(1, 4000);
}

TEST(audit_random_sequence_seed_2)
{
    random_run(0x9e3779b97f4a7c15ULL, 4000);
}

TEST(audit_random_sequence_seed_3)
{
    random_run(0xdeadbeefcafeULL, 4000);
}

TEST(audit_random_sequence_seed_4_long)
{
    random_run(0x0123456789abcdefULL, 12000);
}
