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

/* Does the kernel's INIT_P2M note ask for the p2m list at a VA of its own?
 * Xen honours it below the kernel's region and page aligned, else ignores
 * it (libxc's rule). */
static bool separate_p2m(const struct elf_image *img)
{
    return img->init_p2m && img->init_p2m < img->virt_base && !(img->init_p2m & (PAGE - 1));
}

/* Table pages mapping [lo, hi) at each level below the L4. */
static unsigned long tables_for(uint64_t lo, uint64_t hi)
{
    return nr_tables(lo, hi, 39) + nr_tables(lo, hi, 30) + nr_tables(lo, hi, 21);
}

void pv_layout_compute(const struct elf_image *img, size_t initrd_len,
                       unsigned long nr_pages, bool with_rings, struct pv_layout *l)
{
    uint64_t p2m_len = nr_pages * sizeof(uint64_t);

    memset(l, 0, sizeof(*l));
    l->v_start = img->virt_base;
    l->kern_start = img->virt_kstart;
    l->kern_end = img->virt_kend;
    l->initrd_start = round_up(l->kern_end, PAGE);
    l->initrd_end = l->initrd_start + initrd_len;
    if (separate_p2m(img)) {
        /* Its frames follow the region; it is mapped only at its own VA. */
        l->p2m_start = img->init_p2m;
        l->nr_p2m_frames = round_up(p2m_len, PAGE) / PAGE;
        l->si_start = round_up(l->initrd_end, PAGE);
    } else {
        l->p2m_start = round_up(l->initrd_end, PAGE);
        l->si_start = round_up(l->p2m_start + p2m_len, PAGE);
    }
    l->p2m_end = l->p2m_start + p2m_len;
    l->pt_start = l->si_start + PAGE;
    if (with_rings) {
        l->store_start = l->pt_start;
        l->console_start = l->store_start + PAGE;
        l->pt_start = l->console_start + PAGE;
    }
    for (l->nr_pt_pages = 2; ; l->nr_pt_pages++) {
        unsigned long need;

        l->pt_end = l->pt_start + l->nr_pt_pages * PAGE;
        l->stack_start = l->pt_end;
        l->v_end = round_up(l->stack_start + PAGE, MB4);
        if (l->v_end - (l->stack_start + PAGE) < (512ULL << 10))
            l->v_end += MB4;
        need = 1 + tables_for(l->v_start, l->v_end);
        if (l->nr_p2m_frames)
            need += tables_for(l->p2m_start, l->p2m_start + l->nr_p2m_frames * PAGE);
        if (need <= l->nr_pt_pages)
            break;
    }
    if (l->nr_p2m_frames)
        l->p2m_pfn = (l->v_end - l->v_start) / PAGE;
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

/* Map [va, va + n pages) onto the frames from pfn on, with prot. */
static bool map_range(struct pt_ctx *c, unsigned long l4, uint64_t va, unsigned long pfn,
                      unsigned long n, const struct pv_layout *l, const uint64_t *p2m)
{
    for (unsigned long i = 0; i < n; i++, va += PAGE, pfn++) {
        uint64_t pte = (p2m[pfn] << 12) | L1_PROT, *e;

        if (va >= l->pt_start && va < l->pt_end)
            pte &= ~PT_X86_RW;             /* page tables are mapped read-only */
        if (!(e = pt_walk_make(c, l4, va, 1)))
            return false;
        *e = pte;
    }
    return true;
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

    if (!l4 || !map_range(&c, l4, l->v_start, 0, pv_layout_pages(l) - l->nr_p2m_frames, l, p2m) ||
        !map_range(&c, l4, l->p2m_start, l->p2m_pfn, l->nr_p2m_frames, l, p2m))
        return 0;
    return l4;
}
