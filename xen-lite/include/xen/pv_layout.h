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
    uint64_t p2m_start, p2m_end;
    uint64_t si_start;                  /* start_info */
    uint64_t store_start, console_start;/* 0 for dom0 */
    uint64_t pt_start, pt_end, stack_start, v_end;
    unsigned long nr_pt_pages;
};

void pv_layout_compute(const struct elf_image *img, size_t initrd_len,
                       unsigned long nr_pages, bool with_rings, struct pv_layout *l);

/* The pseudo-physical frame of a VA in the bootstrap region. */
static inline unsigned long pv_layout_pfn(const struct pv_layout *l, uint64_t va)
{
    return (va - l->v_start) >> 12;
}

static inline unsigned long pv_layout_pages(const struct pv_layout *l)
{
    return (l->v_end - l->v_start) >> 12;
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
