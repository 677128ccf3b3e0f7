/*
 * hvm-churn: rounds of fork / window / child / back / exit on every vCPU
 * at once, ballooning meanwhile (see churn.h).
 *
 *     hvm-churn: worker <w>: round <r> ok (...)
 *     hvm-churn: worker <w>: FAILED in round <r>: <why>
 *     hvm-churn: <rounds> rounds ok
 */
#include <stdarg.h>
#include <guest/balloon.h>

#include <guest/checklog.h>

#include "churn.h"

#define ROUNDS          16u
#define REPORT_EVERY    4u
#define BALLOON_EVERY   4u
#define BALLOON_PAGES   1024u
#define REWRITE_EVERY   16u
#define ROTATE          8u

static struct worker workers[MAX_WORKERS];

void fail(struct worker *w, const char *fmt, ...)
{
    va_list ap;

    if (w->failure)
        return;
    va_start(ap, fmt);
    g_vsnprintf(w->why, sizeof(w->why), fmt, ap);
    va_end(ap);
    w->failure = w->why;
}

uint64_t word(uint64_t tag, unsigned int k)
{
    return tag * 0x9e3779b97f4a7c15ULL ^ (k * 0xc2b2ae3d27d4eb4fULL);
}

static volatile uint64_t *page(const struct worker *w, unsigned int i)
{
    return (volatile uint64_t *)(w->base + (uint64_t)i * G_PAGE_SIZE);
}

/* The words of a page the checks look at, spread over it. */
static unsigned int spot(unsigned int k)
{
    return k * 65;
}

static void fill(struct worker *w, struct space *s, unsigned int i, uint64_t tag)
{
    for (unsigned int k = 0; k < WORDS_CHECKED; k++)
        page(w, i)[spot(k)] = word(tag, k);
    s->tag[i] = tag;
}

static bool check_page(struct worker *w, struct space *s, unsigned int i, const char *when)
{
    for (unsigned int k = 0; k < WORDS_CHECKED; k++) {
        uint64_t got = page(w, i)[spot(k)];
        if (got != word(s->tag[i], k)) {
            fail(w, "%s: page %u word %u holds 0x%lx, expected 0x%lx", when, i, spot(k),
                 got, word(s->tag[i], k));
            return false;
        }
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

/* The shared 2 MiB page: one word in each of its 4 KiB parts. */
static bool large_page(struct worker *w, uint64_t new_tag, const char *when)
{
    volatile uint64_t *l = (volatile uint64_t *)(w->base + LARGE_OFFSET);

    for (unsigned int i = 0; i < 512; i++)
        if (l[i * 512 + i % 512] != word(w->large_tag, i)) {
            fail(w, "%s: the 2 MiB page's part %u holds 0x%lx", when, i, l[i * 512 + i]);
            return false;
        }
    if (new_tag) {
        for (unsigned int i = 0; i < 512; i++)
            l[i * 512 + i % 512] = word(new_tag, i);
        w->large_tag = new_tag;
    }
    return true;
}

static void switch_to(struct worker *w, uint64_t l4)
{
    write_cr3(l4 << 12);
    w->switches++;
}

/* The child's entry for page i, as the child sees it through its recursive slot. */
static volatile uint64_t *pte_of(const struct worker *w, unsigned int i)
{
    uint64_t va = w->base + (uint64_t)i * G_PAGE_SIZE;

    return (volatile uint64_t *)(0xffff000000000000ULL | ((uint64_t)RECURSIVE_SLOT << 39) |
                                 ((va >> 9) & 0x7ffffffff8ULL));
}

/* The parent maps the child's first L1 as data and swaps two entries in it. */
static void window_swap(struct worker *w, unsigned int r)
{
    struct space *p = &w->parent, *c = &w->child;
    volatile uint64_t *slot = &table_of(p->l1[NR_L1])[WINDOW_PAGE % 512], *win;
    unsigned int a = r % 512, b = (r * 13 + 1) % 512;
    uint64_t f = c->frame[a], t = c->tag[a], e;

    if (a == b)
        b = (a + 1) % 512;
    *slot = (c->l1[0] << 12) | PTE_DATA;
    invlpg((uint64_t)page(w, WINDOW_PAGE));
    win = page(w, WINDOW_PAGE);
    e = win[a];
    win[a] = win[b];
    win[b] = e;
    c->frame[a] = c->frame[b];
    c->tag[a] = c->tag[b];
    c->frame[b] = f;
    c->tag[b] = t;
    *slot = 0;
    invlpg((uint64_t)page(w, WINDOW_PAGE));
    w->remaps += 2;
}

/* In the child: its own entries read and rotated through the recursive slot. */
static bool recursive(struct worker *w, unsigned int r)
{
    struct space *c = &w->child;
    unsigned int start = (r * 331) % (NR_PAGES - ROTATE);
    uint64_t f0 = c->frame[start], t0 = c->tag[start];

    for (unsigned int i = 0; i < NR_PAGES; i += 37)
        if ((*pte_of(w, i) & PTE_ADDR) >> 12 != c->frame[i]) {
            fail(w, "the child's entry for page %u maps frame 0x%lx, not 0x%lx", i,
                 (*pte_of(w, i) & PTE_ADDR) >> 12, c->frame[i]);
            return false;
        }
    for (unsigned int k = 0; k < ROTATE; k++) {
        unsigned int i = start + k;
        c->frame[i] = k + 1 < ROTATE ? c->frame[i + 1] : f0;
        c->tag[i] = k + 1 < ROTATE ? c->tag[i + 1] : t0;
        *pte_of(w, i) = (c->frame[i] << 12) | PTE_DATA;
        invlpg((uint64_t)page(w, i));
    }
    w->remaps += ROTATE;
    for (unsigned int k = 0; k < ROTATE; k++)
        if (!check_page(w, c, start + k, "a page remapped through the recursive slot"))
            return false;
    return true;
}

static bool in_child(struct worker *w, unsigned int r)
{
    struct space *c = &w->child;

    if (!check_all(w, c, "the child after the switch") ||
        !large_page(w, ((uint64_t)w->id << 40) | (r + 1), "the child") || !recursive(w, r))
        return false;
    for (unsigned int i = r % REWRITE_EVERY; i < NR_PAGES; i += REWRITE_EVERY)
        fill(w, c, i, ((uint64_t)(r + 1) << 32) | ((uint64_t)w->id << 24) | i);
    return check_all(w, c, "the child after its changes");
}

static void balloon_cycle(struct worker *w)
{
    uint64_t held = g_nr_pages();

    if (balloon_set_target(held - BALLOON_PAGES) < 0 || balloon_set_target(held) < 0)
        fail(w, "ballooning down and up by %u pages did not reach its targets",
             BALLOON_PAGES);
}

static bool round(struct worker *w, unsigned int r)
{
    struct space *p = &w->parent;
    uint64_t home = read_cr3() >> 12;
    bool ok;

    if (!space_fork(w))
        return false;
    window_swap(w, r);
    switch_to(w, w->child.l4);
    ok = in_child(w, r);
    switch_to(w, home);
    ok = ok && check_all(w, p, "the parent after the child ran") &&
         large_page(w, 0, "the parent after the child ran");
    space_free(w, &w->child);
    if (w->id == 0 && (r + 1) % BALLOON_EVERY == 0)
        balloon_cycle(w);
    return ok && !w->failure;
}

static void work(void *arg)
{
    struct worker *w = arg;

    w->base = (uint64_t)(FIRST_SLOT + w->id) << 39;
    w->large_tag = ((uint64_t)w->id << 40) | 0xa5;
    if (!space_build_parent(w)) {
        g_printf("hvm-churn: worker %u: FAILED building its address space: %s\n", w->id,
                 w->failure);
        return;
    }
    for (unsigned int i = 0; i < 512; i++)
        table_of(w->large)[i * 512 + i % 512] = word(w->large_tag, i);
    for (unsigned int i = 0; i < NR_PAGES; i++)
        fill(w, &w->parent, i, ((uint64_t)w->id << 56) | (i + 1));
    for (unsigned int r = 0; r < ROUNDS && !w->failure; r++) {
        if (!round(w, r))
            break;
        w->rounds++;
        if ((r + 1) % REPORT_EVERY == 0)
            g_printf("hvm-churn: worker %u: round %u ok (%lu tables, %lu pages copied, "
                     "%lu switches, %lu entries remapped)\n", w->id, r + 1, w->tables,
                     w->copies, w->switches, w->remaps);
    }
    if (w->id == 0 && !w->failure)
        pool_pressure(w);
    if (w->failure)
        g_printf("hvm-churn: worker %u: FAILED in round %u: %s\n", w->id, w->rounds,
                 w->failure);
    space_detach_parent(w);
}

int g_main(void)
{
    unsigned int n = g_nr_cpus() < MAX_WORKERS ? g_nr_cpus() : MAX_WORKERS;
    uint64_t free_before = g_pages_free();
    unsigned int rounds = 0, failed = 0;

    g_printf("hvm-churn: %u worker(s), %u pages each, %u rounds\n", n, NR_PAGES, ROUNDS);
    for (unsigned int i = 0; i < n; i++)
        workers[i].id = i;
    g_cpu_run_all(n, work, workers, sizeof(workers[0]), 1200 * G_NS_PER_SEC,
                  "hvm-churn");
    for (unsigned int i = 0; i < n; i++) {
        rounds += workers[i].rounds;
        failed += workers[i].failure != NULL;
    }
    return g_rounds_verdict("hvm-churn", rounds, failed, free_before);
}
