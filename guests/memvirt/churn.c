/*
 * The page-table churn (see memvirt.h): fork/exit-like rounds over four
 * child address spaces whose tables are made once and then refilled, as a
 * kernel recycles page-table pages.  Every page a child maps is read back
 * and checked, so a stale translation anywhere is a failure, not a figure.
 */
#include <guest/bench.h>

#include "memvirt.h"

#define ROUNDS      128u
#define FILL        256u                /* entries each round writes, then clears */
#define KIDS        4u
#define DATA        1024u               /* pages the children map from */

struct child {
    uint64_t l4, l3, l2, l1;
};

static struct child kids[KIDS];
static struct mv_region parent_view;
static uint64_t data_first;

static int make_child(const struct mv_platform *p, struct child *c)
{
    if (!(c->l4 = p->table_alloc()) || !(c->l3 = p->table_alloc()) ||
        !(c->l2 = p->table_alloc()) || !(c->l1 = p->table_alloc()))
        return -1;
    for (unsigned int s = 0; s < 512; s++) {
        uint64_t e = s == MV_CHILD_SLOT ? 0 : p->kernel_l4e(s);
        if (e)
            p->pte_write(c->l4, s, e);
    }
    p->table_ready(c->l1, 1);
    p->pte_write(c->l2, 0, (c->l1 << 12) | MV_TABLE);
    p->table_ready(c->l2, 2);
    p->pte_write(c->l3, 0, (c->l2 << 12) | MV_TABLE);
    p->table_ready(c->l3, 3);
    p->pte_write(c->l4, MV_CHILD_SLOT, (c->l3 << 12) | MV_TABLE);
    p->table_ready(c->l4, 4);
    return 0;
}

int mv_churn_setup(const struct mv_platform *p)
{
    volatile uint64_t *view = (volatile uint64_t *)MV_SLOT_VA(MV_DATA_SLOT);

    if (!p->frames_alloc(DATA, false, &data_first) ||
        mv_map_region(p, &parent_view, p->home_l4(), MV_DATA_SLOT, data_first, DATA, false))
        return -1;
    for (uint64_t i = 0; i < DATA; i++)
        view[i * 512] = mv_tag(data_first + i);
    for (unsigned int k = 0; k < KIDS; k++)
        if (make_child(p, &kids[k]))
            return -1;
    return p->commit();
}

static bool round_trip(const struct mv_platform *p, unsigned int r, const char **why)
{
    const struct child *c = &kids[r % KIDS];
    uint64_t base = (r * 97u) % (DATA - FILL);
    volatile uint64_t *child = (volatile uint64_t *)MV_SLOT_VA(MV_CHILD_SLOT);

    for (unsigned int i = 0; i < FILL; i++)
        p->pte_write(c->l1, i, (p->frame(data_first + base + i) << 12) | MV_LEAF);
    p->switch_to(c->l4);
    if (p->commit()) {
        *why = "the hypervisor refused a batch";
        return false;
    }
    for (unsigned int i = 0; i < FILL; i++)
        if (child[i * 512] != mv_tag(data_first + base + i)) {
            *why = "a child read a page it does not map";
            p->switch_to(p->home_l4());
            p->commit();
            return false;
        }
    p->switch_to(p->home_l4());
    for (unsigned int i = 0; i < FILL; i++)
        p->pte_write(c->l1, i, 0);
    return true;
}

static uint64_t churn(void *ctx, const char **why)
{
    const struct mv_platform *p = ctx;
    uint64_t t0 = g_bench_tsc(), t1;

    for (unsigned int r = 0; r < ROUNDS; r++)
        if (!round_trip(p, r, why))
            return 0;
    if (p->commit())
        *why = "the hypervisor refused the last batch";
    t1 = g_bench_tsc();
    return t1 - t0;
}

void mv_churn_run(const struct mv_platform *p)
{
    struct mv_figure f = { "churn", ROUNDS * FILL * 2, ROUNDS * FILL * 2, churn, (void *)p };

    mv_measure(p, &f);
}
