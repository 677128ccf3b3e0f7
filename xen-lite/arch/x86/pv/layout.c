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
#include "xen/pt_walk.h"

#define PAGE            4096ULL
#define MB4             (4ULL << 20)
#define L1_PROT         (PT_X86_P | PT_X86_RW | PT_X86_A | PT_X86_US)
#define UPPER_PROT      (PT_X86_P | PT_X86_RW | PT_X86_A | PT_X86_D | PT_X86_US)

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

struct builder {
    const uint64_t *p2m;
    unsigned long next, end;            /* the next table frame (pfn), the limit */
    uint64_t *(*map)(unsigned long mfn, void *ctx);
    void *ctx;
};

static uint64_t *map_table(const struct pt_ctx *c, unsigned long mfn)
{
    const struct builder *b = c->priv;

    return b->map(mfn, b->ctx);
}

/* The next frame of [pt_start, pt_end), zeroed. */
static unsigned long alloc_table(const struct pt_ctx *c)
{
    struct builder *b = c->priv;
    unsigned long mfn;

    if (b->next >= b->end)
        return 0;                       /* the layout is too small: a bug */
    mfn = b->p2m[b->next++];
    memset(b->map(mfn, b->ctx), 0, PAGE);
    return mfn;
}

unsigned long pv_build_page_tables(const struct pv_layout *l, const uint64_t *p2m,
                                   uint64_t *(*map)(unsigned long mfn, void *ctx),
                                   void *ctx)
{
    struct builder b = { p2m, pv_layout_pfn(l, l->pt_start), pv_layout_pfn(l, l->pt_end),
                         map, ctx };
    struct pt_ctx c = { .fmt = &pt_format_x86, .map = map_table, .alloc = alloc_table,
                        .table_flags = UPPER_PROT, .priv = &b };
    unsigned long l4 = alloc_table(&c);

    for (uint64_t va = l->v_start; l4 && va < l->v_end; va += PAGE) {
        uint64_t pte = (p2m[pv_layout_pfn(l, va)] << 12) | L1_PROT, *e;

        if (va >= l->pt_start && va < l->pt_end)
            pte &= ~PT_X86_RW;             /* page tables are mapped read-only */
        if (!(e = pt_walk_make(&c, l4, va, 1)))
            return 0;
        *e = pte;
    }
    return l4;
}
