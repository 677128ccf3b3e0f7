/*
 * The start-of-day layout of a 64-bit PV guest, as Xen's public xen.h
 * describes it under "start_info", and the bootstrap page tables that map
 * it.  Shared by the hypervisor's dom0 builder and dom0's domain builder
 * (one copy): pure code over frames reached through a callback.
 *
 * From VIRT_BASE: the kernel, the ramdisk, the p2m list, start_info, then
 * for a domU its xenstore and console pages, the page tables, one stack
 * page; the whole region ends on a 4 MiB boundary with at least 512 KiB to
 * spare, and maps 1:1 onto the domain's first pseudo-physical frames.
 * A kernel whose INIT_P2M note names a VA below VIRT_BASE (Linux) gets its
 * p2m list there instead, on the frames after the region, as Xen does: the
 * region stays small enough for the kernel to unmap what it does not keep
 * (Linux clears its bootstrap mappings up to the 4 MiB boundary after the
 * page tables, and what was left stayed writable and executable).
 */
#ifndef XEN_PV_LAYOUT_H
#define XEN_PV_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elf_image;

struct pv_layout {
    uint64_t v_start, kern_start, kern_end;
    uint64_t initrd_start, initrd_end;
    uint64_t p2m_start, p2m_end;        /* VAs of the p2m list */
    unsigned long p2m_pfn, nr_p2m_frames;/* its frames when apart, else 0 */
    uint64_t si_start;                  /* start_info */
    uint64_t store_start, console_start;/* 0 for dom0 */
    uint64_t pt_start, pt_end, stack_start, v_end;
    unsigned long nr_pt_pages;
};

void pv_layout_compute(const struct elf_image *img, size_t initrd_len,
                       unsigned long nr_pages, bool with_rings, struct pv_layout *l);

/* The pseudo-physical frame of a VA in the bootstrap region or the p2m. */
static inline unsigned long pv_layout_pfn(const struct pv_layout *l, uint64_t va)
{
    if (l->nr_p2m_frames && va >= l->p2m_start && va < l->p2m_start + (l->nr_p2m_frames << 12))
        return l->p2m_pfn + ((va - l->p2m_start) >> 12);
    return (va - l->v_start) >> 12;
}

/* Frames the start-of-day layout uses: the region and a separate p2m. */
static inline unsigned long pv_layout_pages(const struct pv_layout *l)
{
    return ((l->v_end - l->v_start) >> 12) + l->nr_p2m_frames;
}

/*
 * Write the bootstrap page tables into the frames of [pt_start, pt_end):
 * every page of the region mapped writable except the tables themselves
 * (read-only, as the validator requires), through the one walker.
 * map(mfn, ctx) returns a writable view of a machine frame of the domain
 * (it may reuse one window); p2m gives each pfn's machine frame.  Returns
 * the L4's machine frame, 0 if the layout's table frames ran out.
 */
unsigned long pv_build_page_tables(const struct pv_layout *l, const uint64_t *p2m,
                                   uint64_t *(*map)(unsigned long mfn, void *ctx),
                                   void *ctx);

#endif
