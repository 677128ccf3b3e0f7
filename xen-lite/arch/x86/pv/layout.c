/*
 * Start-of-day layout and bootstrap page tables of a 64-bit PV guest (see
 * xen/pv_layout.h), shared by the hypervisor's dom0 builder and dom0's
 * domain builder.
 */
#ifdef __XEN_HYPERVISOR__
#include "xen/lib.h"
#else
#include <string.h>
#endif
#include "xen/libelf.h"
#include "xen/pv_layout.h"

#define PAGE            4096ULL
#define MB4             (4ULL << 20)
#define PTE_P           0x001ULL
#define PTE_RW          0x002ULL
#define PTE_US          0x004ULL
#define PTE_A           0x020ULL
#define PTE_D           0x040ULL
#define PTE_ADDR        0x000ffffffffff000ULL
#define L1_PROT         (PTE_P | PTE_RW | PTE_A | PTE_US)
#define UPPER_PROT      (PTE_P | PTE_RW | PTE_A | PTE_D | PTE_US)

static uint64_t round_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Table pages needed at a level of `shift` bits to cover [lo, hi). */
static unsigned long nr_tables(uint64_t lo, uint64_t hi, unsigned int shift)
{
    uint64_t span = 1ULL << shift;

    return (round_up(hi, span) - (lo & ~(span - 1))) >> shift;
}

void pv_layout_compute(const struct elf_image *img, size_t initrd_len,
                       unsigned long nr_pages, bool with_rings, struct pv_layout *l)
{
    memset(l, 0, sizeof(*l));
    l->v_start = img->virt_base;
    l->kern_start = img->virt_kstart;
    l->kern_end = img->virt_kend;
    l->initrd_start = round_up(l->kern_end, PAGE);
    l->initrd_end = l->initrd_start + initrd_len;
    l->p2m_start = round_up(l->initrd_end, PAGE);
    l->p2m_end = l->p2m_start + nr_pages * sizeof(uint64_t);
    l->si_start = round_up(l->p2m_end, PAGE);
    l->pt_start = l->si_start + PAGE;
    if (with_rings) {
        l->store_start = l->pt_start;
        l->console_start = l->store_start + PAGE;
        l->pt_start = l->console_start + PAGE;
    }
    for (l->nr_pt_pages = 2; ; l->nr_pt_pages++) {
        l->pt_end = l->pt_start + l->nr_pt_pages * PAGE;
        l->stack_start = l->pt_end;
        l->v_end = round_up(l->stack_start + PAGE, MB4);
        if (l->v_end - (l->stack_start + PAGE) < (512ULL << 10))
            l->v_end += MB4;
        if (1 + nr_tables(l->v_start, l->v_end, 39) + nr_tables(l->v_start, l->v_end, 30) +
            nr_tables(l->v_start, l->v_end, 21) <= l->nr_pt_pages)
            break;
    }
}

static unsigned int pt_slot(uint64_t va, int level)
{
    return (va >> (12 + 9 * (level - 1))) & 511;
}

unsigned long pv_build_page_tables(const struct pv_layout *l, const uint64_t *p2m,
                                   uint64_t *(*map)(unsigned long pfn, void *ctx),
                                   void *ctx)
{
    unsigned long next = pv_layout_pfn(l, l->pt_start), end = pv_layout_pfn(l, l->pt_end);
    unsigned long table[5];             /* pfn of the table in use at each level */

    table[4] = next++;
    memset(map(table[4], ctx), 0, PAGE);
    /*
     * Addresses only grow, so an entry already present at some level
     * points at the table most recently made for the level below.
     */
    for (uint64_t va = l->v_start; va < l->v_end; va += PAGE) {
        uint64_t pte;

        for (int level = 4; level > 1; level--) {
            uint64_t *e = &map(table[level], ctx)[pt_slot(va, level)];
            if (*e & PTE_P)
                continue;
            if (next >= end)
                return 0;               /* the layout is too small: a bug */
            table[level - 1] = next++;
            memset(map(table[level - 1], ctx), 0, PAGE);
            /* map() may reuse one window: look the entry up again. */
            map(table[level], ctx)[pt_slot(va, level)] =
                (p2m[table[level - 1]] << 12) | UPPER_PROT;
        }
        pte = (p2m[pv_layout_pfn(l, va)] << 12) | L1_PROT;
        if (va >= l->pt_start && va < l->pt_end)
            pte &= ~PTE_RW;             /* page tables are mapped read-only */
        map(table[1], ctx)[pt_slot(va, 1)] = pte;
    }
    return p2m[table[4]];
}
