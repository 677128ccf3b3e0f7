/*
 * The machine-to-phys table (M2P).  Its frames are mapped twice: read-only
 * and user-accessible in slot 256 for guests (Xen's MACH2PHYS_VIRT_START),
 * read-write in slot 261 for the hypervisor.
 */
#include "asm/page.h"
#include "xen/lib.h"
#include "xen/m2p.h"
#include "xen/mm.h"

static unsigned long *m2p_rw = (unsigned long *)RDWR_MPT_VIRT_START;
static unsigned long m2p_first_mfn;
static unsigned int m2p_frames;

void m2p_init(void)
{
    unsigned long bytes = max_page * sizeof(unsigned long);
    unsigned int order = 0;
    struct page_info *pg;

    m2p_frames = DIV_ROUND_UP(bytes, PAGE_SIZE);
    while ((1UL << order) < m2p_frames)
        order++;
    pg = alloc_pages(order, 0);
    if (!pg)
        panic("no memory for the machine-to-phys table (%u frames)", m2p_frames);
    m2p_first_mfn = page_to_mfn(pg);
    map_pages_to_xen(RDWR_MPT_VIRT_START, m2p_first_mfn, 1UL << order,
                     _PAGE_PRESENT | _PAGE_RW | pte_nx());
    map_pages_to_xen(RO_MPT_VIRT_START, m2p_first_mfn, 1UL << order,
                     _PAGE_PRESENT | _PAGE_USER | pte_nx());
    memset(m2p_rw, 0xff, PAGE_SIZE << order);
    printk("Machine-to-phys table: %u frames at %#lx (read-only for guests)\n",
           m2p_frames, RO_MPT_VIRT_START);
}

void set_gpfn_from_mfn(unsigned long mfn, unsigned long pfn)
{
    if (mfn < max_page)
        m2p_rw[array_index_nospec(mfn, max_page)] = pfn;
}

unsigned long get_gpfn_from_mfn(unsigned long mfn)
{
    return mfn < max_page ? m2p_rw[array_index_nospec(mfn, max_page)] : INVALID_M2P_ENTRY;
}

unsigned long m2p_frame_mfn(unsigned int i)
{
    return m2p_first_mfn + i;
}

unsigned int m2p_nr_frames(void)
{
    return m2p_frames;
}
