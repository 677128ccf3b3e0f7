/*
 * Building, forking and freeing a worker's address spaces.
 *
 * Tables are written while they are still plain frames (mmu_update then
 * just stores the entry) and pinned afterwards, so the hypervisor
 * validates each table once, whole -- the way a PV kernel builds a new
 * process's tables.  Later changes to a pinned table are single validated
 * updates.
 */
#include <stdarg.h>
#include "churn.h"

void fail(struct worker *w, const char *fmt, ...)
{
    va_list ap;

    if (w->failure)
        return;                         /* keep the first */
    va_start(ap, fmt);
    g_vsnprintf(w->why, sizeof(w->why), fmt, ap);
    va_end(ap);
    w->failure = w->why;
}

bool flushed(struct worker *w, const char *what)
{
    char prefix[64];

    if (g_pt_flush(&w->q) == 0)
        return true;
    g_snprintf(prefix, sizeof(prefix), "mmu-churn: worker %u: %s", w->id,
               what);
    g_pt_print_error(&w->q, prefix);
    fail(w, "%s: the hypervisor refused (%d)", what, w->q.err.rc);
    g_pt_clear_error(&w->q);
    return false;
}

static uint64_t link(uint64_t mfn, uint64_t flags)
{
    return (mfn << G_PAGE_SHIFT) | flags;
}

static uint64_t new_table(struct worker *w)
{
    uint64_t mfn = g_pt_alloc_table();

    if (!mfn)
        fail(w, "out of memory for page tables");
    else
        w->tables_built++;
    return mfn;
}

bool set_page(struct worker *w, struct space *s, unsigned int i,
              uint64_t frame)
{
    s->frame[i] = frame;
    return g_pt_set(&w->q, s->l1[i / 512], i % 512,
                    link(frame, G_PTE_KERNEL_RW)) == 0;
}

/* L1s, L2 and L3 mapping s->frame[]: written, then pinned. */
static bool build_tables(struct worker *w, struct space *s)
{
    unsigned int i;

    s->l3 = new_table(w);
    s->l2 = new_table(w);
    for (i = 0; i < NR_L1; i++)
        s->l1[i] = new_table(w);
    if (w->failure)
        return false;
    for (i = 0; i < NR_PAGES; i++)
        set_page(w, s, i, s->frame[i]);
    for (i = 0; i < NR_L1; i++)
        g_pt_pin(&w->q, 1, s->l1[i]);
    for (i = 0; i < NR_L1; i++)
        g_pt_set(&w->q, s->l2, i, link(s->l1[i], G_PTE_TABLE));
    g_pt_pin(&w->q, 2, s->l2);
    g_pt_set(&w->q, s->l3, 0, link(s->l2, G_PTE_TABLE));
    g_pt_pin(&w->q, 3, s->l3);
    return flushed(w, "building tables");
}

static bool region_slot(unsigned int slot)
{
    return slot >= FIRST_SLOT && slot < FIRST_SLOT + MAX_WORKERS;
}

/* An L4 with the kernel's entries and our region (no other worker's). */
static bool build_l4(struct worker *w, struct space *s)
{
    uint64_t home = g_virt_to_mfn((const void *)g_start_info->pt_base);
    unsigned int slot;

    if (!(s->l4 = new_table(w)))
        return false;
    for (slot = 0; slot < 512; slot++) {
        uint64_t e = g_pt_read(home, slot);

        if ((slot < 256 || slot > 271) && !region_slot(slot) &&
            (e & G_PTE_P))
            g_pt_set(&w->q, s->l4, slot, e);
    }
    g_pt_set(&w->q, s->l4, FIRST_SLOT + w->id, link(s->l3, G_PTE_TABLE));
    g_pt_pin(&w->q, 4, s->l4);
    return flushed(w, "building an L4");
}

bool space_build(struct worker *w, struct space *s)
{
    return build_tables(w, s) && (s == &w->parent || build_l4(w, s));
}

/* Hook the parent's region into (or out of) the kernel's own L4. */
bool parent_attach(struct worker *w, bool attach)
{
    uint64_t home = g_virt_to_mfn((const void *)g_start_info->pt_base);

    g_pt_set(&w->q, home, FIRST_SLOT + w->id,
             attach ? link(w->parent.l3, G_PTE_TABLE) : 0);
    g_pt_flush_tlb(&w->q);
    return flushed(w, attach ? "attaching the region" : "detaching it");
}

/* The child: fresh frames holding copies of the parent's, fresh tables. */
bool space_fork(struct worker *w)
{
    struct space *p = &w->parent, *c = &w->child;

    for (unsigned int i = 0; i < NR_PAGES; i++) {
        uint64_t pfn = g_page_alloc();

        if (pfn == G_INVALID_PFN) {
            fail(w, "out of memory for data pages");
            return false;
        }
        c->frame[i] = g_pfn_to_mfn(pfn);
        c->tag[i] = p->tag[i];
        g_pt_copy_page(&w->q, c->frame[i], p->frame[i]);
        w->pages_copied++;
    }
    return flushed(w, "copying pages") && space_build(w, c);
}

static void free_table(struct worker *w, uint64_t mfn)
{
    int rc = g_pt_free_table(mfn);

    if (rc < 0)
        fail(w, "table 0x%lx is still a page table after its unpin (%d)",
             mfn, rc);
}

/* Unpin every table (the last reference goes), then give all frames back:
 * a frame that is still typed would refuse to be made writable. */
bool space_free(struct worker *w, struct space *s)
{
    unsigned int i;

    if (s->l4)
        g_pt_unpin(&w->q, s->l4);
    g_pt_unpin(&w->q, s->l3);
    g_pt_unpin(&w->q, s->l2);
    for (i = 0; i < NR_L1; i++)
        g_pt_unpin(&w->q, s->l1[i]);
    if (!flushed(w, "unpinning"))
        return false;
    if (s->l4)
        free_table(w, s->l4);
    free_table(w, s->l3);
    free_table(w, s->l2);
    for (i = 0; i < NR_L1; i++)
        free_table(w, s->l1[i]);
    for (i = 0; i < NR_PAGES; i++)
        g_page_free(g_mfn_to_pfn(s->frame[i]));
    s->l4 = 0;
    g_pt_read_done();
    return !w->failure;
}
