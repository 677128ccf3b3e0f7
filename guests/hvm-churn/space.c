/*
 * hvm-churn's address spaces: frames from the page allocator (a frame a
 * child freed as a table may come back as data, and the other way round),
 * tables written directly through the 1:1 map, as a kernel does.
 */
#include "churn.h"

uint64_t new_frame(struct worker *w)
{
    uint64_t pfn = g_page_alloc();

    if (pfn == G_INVALID_PFN) {
        fail(w, "out of memory");
        return 0;
    }
    memset((void *)table_of(pfn), 0, G_PAGE_SIZE);
    return pfn;
}

static uint64_t link(uint64_t frame)
{
    return (frame << 12) | PTE_TABLE;
}

uint64_t home_l4(void)
{
    return read_cr3() >> 12;
}

/* L3, L2 and L1s mapping s->frame[], and the shared 2 MiB page's L2. */
static bool build_region(struct worker *w, struct space *s, unsigned int extra_l1)
{
    if (!(s->l3 = new_frame(w)) || !(s->l2 = new_frame(w)))
        return false;
    for (unsigned int i = 0; i < NR_L1 + extra_l1; i++) {
        if (!(s->l1[i] = new_frame(w)))
            return false;
        table_of(s->l2)[i] = link(s->l1[i]);
        w->tables++;
    }
    for (unsigned int i = 0; i < NR_PAGES; i++)
        table_of(s->l1[i / 512])[i % 512] = (s->frame[i] << 12) | PTE_DATA;
    table_of(s->l3)[0] = link(s->l2);
    table_of(s->l3)[LARGE_OFFSET >> 30] = link(w->large_l2);
    w->tables += 2;
    return true;
}

/*
 * 512 free frames in a row, 2 MiB aligned: the first, or 0.  One worker
 * claims at a time: two scanning together can take part of every run from
 * each other in lockstep, give it back, and both find none (seen on
 * Bochs, whose vCPUs take turns in fixed slices).
 */
static volatile bool claiming;

static uint64_t claim_large_frames(struct worker *w)
{
    for (uint64_t base = 512; base + 512 <= g_max_pfn(); base += 512) {
        unsigned int i;

        for (i = 0; i < 512 && g_page_is_free(base + i); i++)
            ;
        if (i < 512)
            continue;
        for (i = 0; i < 512; i++) {
            uint64_t got = g_page_alloc_above(base + i);
            if (got == base + i)
                continue;
            if (got != G_INVALID_PFN)
                g_page_free(got);           /* the other worker took one */
            while (i--)
                g_page_free(base + i);
            break;
        }
        if (i == 512)
            return base;
    }
    fail(w, "no 2 MiB of free memory in a row");
    return 0;
}

static uint64_t large_frames(struct worker *w)
{
    uint64_t base;

    while (__atomic_test_and_set(&claiming, __ATOMIC_ACQUIRE))
        hc_sched_op(SCHEDOP_yield, NULL);
    base = claim_large_frames(w);
    __atomic_clear(&claiming, __ATOMIC_RELEASE);
    return base;
}

bool space_build_parent(struct worker *w)
{
    struct space *p = &w->parent;

    if (!(w->large = large_frames(w)) || !(w->large_l2 = new_frame(w)))
        return false;
    table_of(w->large_l2)[0] = (w->large << 12) | PTE_DATA | PTE_PS;
    for (unsigned int i = 0; i < NR_PAGES; i++)
        if (!(p->frame[i] = new_frame(w)))
            return false;
    if (!build_region(w, p, 1))
        return false;
    table_of(home_l4())[FIRST_SLOT + w->id] = link(p->l3);
    return true;
}

/* A child: copies of the parent's pages, its own tables, a recursive slot. */
bool space_fork(struct worker *w)
{
    struct space *p = &w->parent, *c = &w->child;
    volatile uint64_t *home = table_of(home_l4()), *l4;

    for (unsigned int i = 0; i < NR_PAGES; i++) {
        if (!(c->frame[i] = new_frame(w)))
            return false;
        memcpy((void *)table_of(c->frame[i]), (const void *)table_of(p->frame[i]),
               G_PAGE_SIZE);
        c->tag[i] = p->tag[i];
        w->copies++;
    }
    if (!(c->l4 = new_frame(w)) || !build_region(w, c, 0))
        return false;
    l4 = table_of(c->l4);
    for (unsigned int s = 0; s < 512; s++)
        if (s < FIRST_SLOT || s > PRESSURE_SLOT)
            l4[s] = home[s];
    l4[FIRST_SLOT + w->id] = link(c->l3);
    l4[RECURSIVE_SLOT] = link(c->l4);
    w->tables++;
    return true;
}

void space_free(struct worker *w, struct space *s)
{
    for (unsigned int i = 0; i < NR_PAGES; i++)
        g_page_free(s->frame[i]);
    for (unsigned int i = 0; i <= NR_L1; i++)
        if (s->l1[i])
            g_page_free(s->l1[i]);
    g_page_free(s->l2);
    g_page_free(s->l3);
    if (s->l4)
        g_page_free(s->l4);
    memset(s->l1, 0, sizeof(s->l1));
    s->l4 = 0;
}

/* The parent's region leaves the kernel's L4; its frames go back. */
void space_detach_parent(struct worker *w)
{
    table_of(home_l4())[FIRST_SLOT + w->id] = 0;
    write_cr3(read_cr3());
    space_free(w, &w->parent);
    g_page_free(w->large_l2);
    for (unsigned int i = 0; i < 512; i++)
        g_page_free(w->large + i);
}
