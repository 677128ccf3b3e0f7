/*
 * The attacks' environment: frames they may abuse (handed back after each
 * attack), the frames of others they aim at, one-shot hypercalls, and the
 * health check run after every attack.
 */
#include "attack.h"

#define MAX_TAKEN 64

uint8_t slot_va[NR_SLOTS][G_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
static uint8_t canary[G_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));

struct g_pt_queue q;

static uint64_t tables[MAX_TAKEN];
static void *pages[MAX_TAKEN];
static unsigned int nr_tables, nr_pages;
static uint64_t hv_frame, foreign_frame;
static uint64_t health_round;

/* ---- frames ------------------------------------------------------------- */

uint64_t new_table(void)
{
    uint64_t mfn = g_pt_alloc_table();

    if (!mfn || nr_tables == MAX_TAKEN)
        g_panic("mmu-attack: out of page-table frames");
    tables[nr_tables++] = mfn;
    return mfn;
}

void *new_page(void)
{
    void *va = g_page_alloc_mapped();

    if (!va || nr_pages == MAX_TAKEN)
        g_panic("mmu-attack: out of pages");
    pages[nr_pages++] = va;
    return va;
}

bool env_release(void)
{
    bool ok = true;
    unsigned int i, kept = 0;
    long rc;

    for (i = 0; i < nr_tables; i++) {
        if ((rc = g_pt_free_table(tables[i])) == 0)
            continue;
        oops("frame 0x%lx is still a page table (%s)", tables[i],
             rc_name(rc));
        tables[kept++] = tables[i];     /* keep it: never reuse it */
        ok = false;
    }
    nr_tables = kept;
    for (i = kept = 0; i < nr_pages; i++) {
        if ((rc = g_set_page_writable(pages[i], true)) == 0) {
            g_page_free_mapped(pages[i]);
            continue;
        }
        oops("page %p cannot be made writable again (%s)", pages[i],
             rc_name(rc));
        pages[kept++] = pages[i];
        ok = false;
    }
    nr_pages = kept;
    g_pt_read_done();
    return ok;
}

/* ---- addresses and frames ----------------------------------------------- */

uint64_t va_mfn(const void *va)
{
    return g_virt_to_mfn(va);
}

uint64_t own_l4(void)
{
    return g_pt_current_l4();
}

uint64_t own_l1(const void *va)
{
    return g_pt_table_of(0, (uint64_t)va, 1);
}

/* The first of the hypervisor's L4 slots (256..271) in our L4 that points
 * at a frame other than the L4 itself: one of its own page tables. */
uint64_t xen_frame(void)
{
    return hv_frame;
}

static bool ours(uint64_t mfn)
{
    uint64_t pfn = g_mfn_to_pfn(mfn);

    return pfn < g_nr_pages() && g_pfn_to_mfn(pfn) == mfn;
}

/* The lowest frame above 1 MiB (below is legacy I/O space, which dom0
 * may map) that is RAM and not ours. */
uint64_t unowned_frame(void)
{
    return foreign_frame;
}

static void find_targets(void)
{
    uint64_t top = (uint64_t)hc_memory_op(XENMEM_maximum_ram_page, NULL);

    for (unsigned int s = 256; s <= 271 && !hv_frame; s++) {
        uint64_t e = g_pt_read(own_l4(), s);

        if ((e & G_PTE_P) && g_pte_mfn(e) != own_l4())
            hv_frame = g_pte_mfn(e);
    }
    for (uint64_t mfn = 0x100; mfn < top && !foreign_frame; mfn++)
        if (!ours(mfn) && mfn != hv_frame)
            foreign_frame = mfn;
    g_printf("mmu-attack: targets: hypervisor page table 0x%lx, "
             "unowned frame 0x%lx, highest frame 0x%lx\n", hv_frame,
             foreign_frame, top);
    if (!hv_frame || !foreign_frame)
        oops("a target frame was not found");
}

void env_init(void)
{
    find_targets();
    g_pt_read_done();
}

/* ---- one-shot hypercalls ------------------------------------------------ */

long uvm(const void *va, uint64_t pte)
{
    return hc_update_va_mapping((uint64_t)va, pte, UVMF_INVLPG | UVMF_LOCAL);
}

long mmu1(uint64_t ptr, uint64_t val, unsigned int *done, domid_t dom)
{
    struct mmu_update u = { .ptr = ptr, .val = val };

    return hc_mmu_update(&u, 1, done, dom);
}

long ext1(unsigned int cmd, uint64_t arg1, uint64_t arg2)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.mfn = arg1;
    op.arg2.src_mfn = arg2;
    return hc_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

void restore_slot(unsigned int i)
{
    long rc = g_map_page((uint64_t)slot_va[i], va_mfn(slot_va[i]),
                         G_PTE_KERNEL_RW);

    if (rc < 0)
        oops("cannot restore slot %u (%s)", i, rc_name(rc));
}

uint64_t slot_ptr(uint64_t table_mfn, unsigned int slot)
{
    return (table_mfn << G_PAGE_SHIFT) + slot * 8ull;
}

/* ---- legitimate table building ------------------------------------------ */

static bool flushed(const char *what)
{
    if (g_pt_flush(&q) == 0)
        return true;
    g_pt_print_error(&q, what);
    oops("%s failed", what);
    g_pt_clear_error(&q);
    return false;
}

uint64_t pinned_table(unsigned int level)
{
    uint64_t mfn = new_table();

    g_pt_pin(&q, level, mfn);
    return flushed("pin a fresh table") ? mfn : 0;
}

void unpin(uint64_t mfn)
{
    g_pt_unpin(&q, mfn);
    flushed("unpin");
}

void set_entry(uint64_t table, unsigned int slot, uint64_t val)
{
    g_pt_set(&q, table, slot, val);
    flushed("set an entry");
}

/* ---- health --------------------------------------------------------------- */

static uint64_t read_cr3(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static const char *memory_works(void)
{
    volatile uint64_t *w = (volatile uint64_t *)canary;
    uint64_t seed = ++health_round * 0x9e3779b97f4a7c15ull;
    unsigned int i;

    for (i = 0; i < 512; i++)
        w[i] = seed + i;
    for (i = 0; i < 512; i++)
        if (w[i] != seed + i)
            return "memory does not keep what was written";
    return NULL;
}

/* A frame of ours, mapped, written and read back, then unmapped. */
static const char *mapping_works(void)
{
    uint64_t pfn = g_page_alloc(), mfn;
    volatile uint64_t *w = (volatile uint64_t *)slot_va[NR_SLOTS - 1];
    const char *r = NULL;

    if (pfn == G_INVALID_PFN)
        return "no free page";
    mfn = g_pfn_to_mfn(pfn);
    if (uvm(slot_va[NR_SLOTS - 1], (mfn << G_PAGE_SHIFT) | G_PTE_KERNEL_RW))
        r = "a new writable mapping of our own page was refused";
    else if ((w[7] = mfn), w[7] != mfn)
        r = "a new mapping does not keep what was written";
    restore_slot(NR_SLOTS - 1);
    g_page_free(pfn);
    return r;
}

const char *health(void)
{
    uint64_t pte = g_lookup_pte((uint64_t)canary);
    const char *r;

    if ((r = memory_works()))
        return r;
    if (g_pte_mfn(pte) != va_mfn(canary) || !(pte & G_PTE_RW))
        return "a known mapping changed";
    if ((read_cr3() >> G_PAGE_SHIFT) != own_l4())
        return "cr3 is not the L4 we run on";
    if (g_pte_mfn(g_pt_read(own_l4(), 511)) !=
        g_pte_mfn(g_pt_read(g_virt_to_mfn((void *)g_start_info->pt_base),
                            511)))
        return "the kernel's L4 entry changed";
    return mapping_works();
}
