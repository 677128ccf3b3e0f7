/*
 * mmu-churn: rounds of fork / change mappings / switch / check / free, on
 * every vCPU at once (see churn.h).
 *
 *     mmu-churn: worker <w>: round <r> ok (...)
 *     mmu-churn: worker <w>: FAILED in round <r>: <why>
 *     mmu-churn: <rounds> rounds ok
 */
#include <guest/checklog.h>

#include "churn.h"

#define ROUNDS         24
#define REPORT_EVERY   6
#define WRITE_EVERY    16               /* pages the child rewrites */
#define ROTATE         8                /* pages the child rotates */

static struct worker workers[MAX_WORKERS];

static uint64_t word(uint64_t tag, unsigned int i)
{
    return tag * 0x9e3779b97f4a7c15ull ^ (i * 0xc2b2ae3d27d4eb4full);
}

static volatile uint64_t *page(struct worker *w, unsigned int i)
{
    return (volatile uint64_t *)(w->base + (uint64_t)i * G_PAGE_SIZE);
}

static void fill(struct worker *w, struct space *s, unsigned int i,
                 uint64_t tag)
{
    volatile uint64_t *p = page(w, i);

    for (unsigned int k = 0; k < 512; k++)
        p[k] = word(tag, k);
    s->tag[i] = tag;
}

static bool check_page(struct worker *w, struct space *s, unsigned int i,
                       const char *when)
{
    volatile uint64_t *p = page(w, i);

    for (unsigned int k = 0; k < 512; k++) {
        if (p[k] == word(s->tag[i], k))
            continue;
        fail(w, "%s: page %u word %u holds 0x%lx, expected 0x%lx", when, i,
             k, p[k], word(s->tag[i], k));
        return false;
    }
    return true;
}

static bool check_all(struct worker *w, struct space *s, const char *when)
{
    for (unsigned int i = 0; i < NR_PAGES; i++)
        if (!check_page(w, s, i, when))
            return false;
    return true;
}

static bool switch_to(struct worker *w, uint64_t l4)
{
    g_pt_new_baseptr(&w->q, l4);
    w->switches++;
    return flushed(w, "switching address space");
}

/* Exchange the frames behind pages a and b (validated L1 updates). */
static bool swap_pages(struct worker *w, struct space *s, unsigned int a,
                       unsigned int b)
{
    uint64_t fa = s->frame[a], ta = s->tag[a];

    set_page(w, s, a, s->frame[b]);
    set_page(w, s, b, fa);
    s->tag[a] = s->tag[b];
    s->tag[b] = ta;
    g_pt_flush_tlb(&w->q);
    return flushed(w, "swapping two pages");
}

/* In the running child: pages start..start+ROTATE-1 each take the next
 * one's frame, by a multicall of update_va_mapping. */
static bool rotate(struct worker *w, struct space *s, unsigned int start)
{
    uint64_t f0 = s->frame[start], t0 = s->tag[start];
    unsigned int k, i, j;

    for (k = 0; k < ROTATE; k++) {
        i = (start + k) % NR_PAGES;
        j = (start + k + 1) % NR_PAGES;
        s->frame[i] = k + 1 < ROTATE ? s->frame[j] : f0;
        s->tag[i] = k + 1 < ROTATE ? s->tag[j] : t0;
        g_mc_update_va(&w->mc, (uint64_t)page(w, i),
                       (s->frame[i] << G_PAGE_SHIFT) | G_PTE_KERNEL_RW,
                       UVMF_INVLPG | UVMF_LOCAL);
    }
    if (g_mc_flush(&w->mc) == 0)
        return true;
    fail(w, "multicall entry %u failed (%d)", w->mc.err.index, w->mc.err.rc);
    g_mc_clear_error(&w->mc);
    return false;
}

/* In the child: check, rewrite some pages, move some, check again. */
static bool in_child(struct worker *w, unsigned int r)
{
    struct space *c = &w->child;
    unsigned int i;

    if (!check_all(w, c, "the child after the switch"))
        return false;
    for (i = r % WRITE_EVERY; i < NR_PAGES; i += WRITE_EVERY)
        fill(w, c, i, ((uint64_t)(r + 1) << 32) | (w->id << 24) | i);
    return rotate(w, c, (r * 331) % NR_PAGES) &&
           check_all(w, c, "the child after its changes");
}

static bool round(struct worker *w, unsigned int r)
{
    struct space *p = &w->parent, *c = &w->child;
    uint64_t home = g_virt_to_mfn((const void *)g_start_info->pt_base);
    unsigned int a = (r * 7919) % NR_PAGES, b = (a + 1 + r * 13) % NR_PAGES;

    if (!swap_pages(w, p, a, b) || !check_page(w, p, a, "a parent swap") ||
        !check_page(w, p, b, "a parent swap"))
        return false;
    if (!space_fork(w) || !swap_pages(w, c, b, (b + 100) % NR_PAGES))
        return false;
    if (!switch_to(w, c->l4))
        return false;
    if (!in_child(w, r)) {
        switch_to(w, home);
        return false;
    }
    return switch_to(w, home) &&
           check_all(w, p, "the parent after the child ran") &&
           space_free(w, c);
}

static bool setup(struct worker *w)
{
    struct space *p = &w->parent;

    w->base = (uint64_t)(FIRST_SLOT + w->id) << 39;
    for (unsigned int i = 0; i < NR_PAGES; i++) {
        uint64_t pfn = g_page_alloc();

        if (pfn == G_INVALID_PFN) {
            fail(w, "out of memory");
            return false;
        }
        p->frame[i] = g_pfn_to_mfn(pfn);
    }
    if (!space_build(w, p) || !parent_attach(w, true))
        return false;
    for (unsigned int i = 0; i < NR_PAGES; i++)
        fill(w, p, i, ((uint64_t)w->id << 56) | (i + 1));
    return check_all(w, p, "the parent after it was filled");
}

static void work(void *arg)
{
    struct worker *w = arg;

    if (!setup(w))
        return;
    for (unsigned int r = 0; r < ROUNDS; r++) {
        if (!round(w, r)) {
            g_printf("mmu-churn: worker %u: FAILED in round %u: %s\n",
                     w->id, r, w->failure);
            return;
        }
        w->rounds++;
        if ((r + 1) % REPORT_EVERY == 0)
            g_printf("mmu-churn: worker %u: round %u ok (%lu tables built, "
                     "%lu pages copied, %lu switches, %lu batches)\n", w->id,
                     r + 1, w->tables_built, w->pages_copied, w->switches,
                     w->q.batches + w->mc.batches);
    }
    if (parent_attach(w, false))
        space_free(w, &w->parent);
    if (w->failure)
        g_printf("mmu-churn: worker %u: FAILED at the end: %s\n", w->id,
                 w->failure);
}

int g_main(void)
{
    unsigned int n = g_nr_cpus() < MAX_WORKERS ? g_nr_cpus() : MAX_WORKERS;
    uint64_t free_before = g_pages_free();
    unsigned int i, rounds = 0, failed = 0;

    g_printf("mmu-churn: %u worker(s), %u pages each, %u rounds\n", n,
             NR_PAGES, ROUNDS);
    for (i = 0; i < n; i++)
        workers[i].id = i;
    g_cpu_run_all(n, work, workers, sizeof(workers[0]), 1200 * G_NS_PER_SEC,
                  "mmu-churn");
    for (i = 0; i < n; i++) {
        rounds += workers[i].rounds;
        failed += workers[i].failure != NULL;
    }
    return g_rounds_verdict("mmu-churn", rounds, failed, free_before);
}
