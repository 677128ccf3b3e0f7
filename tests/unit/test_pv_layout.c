/*
 * The start-of-day layout of a 64-bit PV guest and its bootstrap page
 * tables (xen/pv_layout.h), for a kernel shaped like Debian's Linux 6.1:
 * its INIT_P2M note puts the p2m list at its own VA on the frames after
 * the region, which then ends at the 4 MiB boundary after the page tables
 * (Linux unmaps its bootstrap mappings up to there and no further: what
 * lay beyond stayed mapped writable and executable).
 */
#include <stdlib.h>

#include "xen/libelf.h"
#include "xen/pt_walk.h"
#include "xen/pv_layout.h"

#include "unit.h"

#define MFN_BASE    0x10000UL           /* frame numbers: pfn + MFN_BASE */
#define NR_PAGES    65536UL             /* 256 MiB */
#define MIB         (1UL << 20)

static uint64_t (*tables)[PT_ENTRIES];
static unsigned long first_table, nr_tables_mapped;

static uint64_t *map(unsigned long mfn, void *ctx)
{
    const struct pv_layout *l = ctx;

    if (mfn < first_table || mfn >= first_table + l->nr_pt_pages)
        return NULL;                    /* only table frames are written */
    nr_tables_mapped++;
    return tables[mfn - first_table];
}

static uint64_t *walk_map(const struct pt_ctx *c, unsigned long mfn)
{
    return map(mfn, c->priv);
}

static struct elf_image linux_like(uint64_t init_p2m)
{
    struct elf_image img = { 0 };

    img.virt_base = 0xffffffff80000000UL;
    img.virt_kstart = 0xffffffff81000000UL;
    img.virt_kend = 0xffffffff84a00000UL;
    img.init_p2m = init_p2m;
    return img;
}

/* The leaf entry mapping va, through the tables built from l4. */
static uint64_t leaf(const struct pv_layout *l, unsigned long l4, uint64_t va)
{
    struct pt_ctx c = { .fmt = &pt_format_x86, .map = walk_map, .priv = (void *)l };
    struct pt_walk w;

    CHECK(pt_walk(&c, l4, va, 1, &w));
    return w.entry;
}

static unsigned long build(const struct pv_layout *l, uint64_t **p2m)
{
    *p2m = malloc(NR_PAGES * sizeof(uint64_t));
    for (unsigned long i = 0; i < NR_PAGES; i++)
        (*p2m)[i] = i + MFN_BASE;
    free(tables);
    tables = calloc(l->nr_pt_pages, sizeof(*tables));
    first_table = pv_layout_pfn(l, l->pt_start) + MFN_BASE;
    return pv_build_page_tables(l, *p2m, map, (void *)l);
}

TEST(init_p2m_note_puts_the_p2m_at_its_va_on_the_frames_after_the_region)
{
    struct elf_image img = linux_like(0x8000000000UL);
    struct pv_layout l;

    pv_layout_compute(&img, MIB, NR_PAGES, true, &l);
    CHECK_EQ(l.p2m_start, 0x8000000000UL);
    CHECK_EQ(l.p2m_end, 0x8000000000UL + NR_PAGES * 8);
    CHECK_EQ(l.nr_p2m_frames, NR_PAGES * 8 / 4096);
    CHECK_EQ(l.p2m_pfn, (l.v_end - l.v_start) >> 12);
    CHECK_EQ(pv_layout_pages(&l), l.p2m_pfn + l.nr_p2m_frames);
    CHECK_EQ(pv_layout_pfn(&l, l.p2m_start + 4096 + 8), l.p2m_pfn + 1);
    CHECK_EQ(pv_layout_pfn(&l, l.si_start), (l.si_start - l.v_start) >> 12);
    /* start_info follows the ramdisk: nothing of the p2m in the region. */
    CHECK_EQ(l.si_start, l.initrd_end);
    /* The region ends at the 4 MiB boundary after the page tables. */
    CHECK_EQ(l.v_end, (l.pt_end + 4 * MIB - 1) & ~(4 * MIB - 1));
    CHECK(l.v_end - (l.stack_start + 4096) >= 512 * 1024);
}

TEST(without_the_note_or_with_a_va_xen_ignores_the_p2m_stays_in_the_region)
{
    uint64_t bad[] = { 0, 0x8000000800UL, 0xffffffff90000000UL };

    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct elf_image img = linux_like(bad[i]);
        struct pv_layout l;

        pv_layout_compute(&img, MIB, NR_PAGES, true, &l);
        CHECK_EQ(l.nr_p2m_frames, 0);
        CHECK_EQ(l.p2m_pfn, 0);
        CHECK_EQ(l.p2m_start, l.initrd_end);
        CHECK_EQ(l.si_start, l.p2m_end);
        CHECK_EQ(pv_layout_pages(&l), (l.v_end - l.v_start) >> 12);
    }
}

TEST(tables_map_the_region_and_the_p2m_tables_read_only)
{
    struct elf_image img = linux_like(0x8000000000UL);
    struct pv_layout l;
    uint64_t *p2m, e;
    unsigned long l4;

    pv_layout_compute(&img, MIB, NR_PAGES, true, &l);
    l4 = build(&l, &p2m);
    CHECK(l4 != 0);
    e = leaf(&l, l4, l.v_start);
    CHECK_EQ(pt_frame(&pt_format_x86, e), MFN_BASE);
    CHECK(e & PT_X86_RW);
    e = leaf(&l, l4, l.v_end - 4096);
    CHECK_EQ(pt_frame(&pt_format_x86, e), MFN_BASE + l.p2m_pfn - 1);
    e = leaf(&l, l4, l.pt_start);
    CHECK(!(e & PT_X86_RW));
    for (unsigned long i = 0; i < l.nr_p2m_frames; i++) {
        e = leaf(&l, l4, l.p2m_start + i * 4096);
        CHECK_EQ(pt_frame(&pt_format_x86, e), MFN_BASE + l.p2m_pfn + i);
        CHECK(e & PT_X86_RW);
    }
    free(p2m);
}
