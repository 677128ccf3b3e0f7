/*
 * Pool pressure: worker 0, after its rounds, maps its parent's pages
 * again and again at PRESSURE_SLOT, by 4 KiB entries through PRESSURE_L1
 * fresh L1 tables -- more page tables than a small shadow pool holds --
 * and reads every page twice, checking the first word of each.  On shadow
 * paging the pool must reclaim shadows (of the space the guest runs on,
 * too) while the guest runs; every page must read right all the same,
 * and every table goes back afterwards.
 */
#include "churn.h"

#define PRESSURE_PASSES 2u

static uint64_t link(uint64_t frame)
{
    return (frame << 12) | PTE_TABLE;
}

static volatile uint64_t *pressure_page(unsigned int j)
{
    return (volatile uint64_t *)(((uint64_t)PRESSURE_SLOT << 39) + (uint64_t)j * G_PAGE_SIZE);
}

static bool build(struct worker *w, uint64_t *l3, uint64_t *l2, uint64_t *l1)
{
    if (!(*l3 = new_frame(w)) || !(*l2 = new_frame(w)))
        return false;
    for (unsigned int i = 0; i < PRESSURE_L1; i++) {
        if (!(l1[i] = new_frame(w)))
            return false;
        for (unsigned int k = 0; k < 512; k++)
            table_of(l1[i])[k] = (w->parent.frame[(i * 512 + k) % NR_PAGES] << 12) | PTE_DATA;
        table_of(*l2)[i] = link(l1[i]);
        w->tables++;
    }
    table_of(*l3)[0] = link(*l2);
    table_of(home_l4())[PRESSURE_SLOT] = link(*l3);
    w->tables += 2;
    return true;
}

static bool read_all(struct worker *w, unsigned int pass)
{
    for (unsigned int j = 0; j < PRESSURE_L1 * 512; j++) {
        uint64_t want = word(w->parent.tag[j % NR_PAGES], 0), got = *pressure_page(j);
        if (got != want) {
            fail(w, "pool pressure, pass %u: page %u reads 0x%lx, expected 0x%lx", pass, j,
                 got, want);
            return false;
        }
    }
    return true;
}

bool pool_pressure(struct worker *w)
{
    static uint64_t l1[PRESSURE_L1];
    uint64_t l3 = 0, l2 = 0;
    bool ok = build(w, &l3, &l2, l1);

    for (unsigned int pass = 0; ok && pass < PRESSURE_PASSES; pass++)
        ok = read_all(w, pass);
    table_of(home_l4())[PRESSURE_SLOT] = 0;
    write_cr3(read_cr3());
    for (unsigned int i = 0; i < PRESSURE_L1; i++)
        if (l1[i])
            g_page_free(l1[i]);
    if (l2)
        g_page_free(l2);
    if (l3)
        g_page_free(l3);
    if (ok)
        g_printf("hvm-churn: pool pressure: %u pages through %u tables read twice ok\n",
                 PRESSURE_L1 * 512, PRESSURE_L1);
    return ok;
}
