/*
 * ELF64 PV kernel images and their Xen notes: parsing and checking, shared
 * by the hypervisor's dom0 builder and dom0's domain builder (one copy).
 * Pure code over a byte buffer; no allocation, no hypervisor calls.
 */
#ifndef XEN_LIBELF_H
#define XEN_LIBELF_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "version.h"

#define ELF_MAX_LOAD    16

/*
 * The XENFEAT bits a kernel's FEATURES note may require of xen-lite, for
 * both domain builders (the hypervisor's dom0 builder adds dom0): writable
 * page tables are emulated (arch/x86/pv/ptwr.c), the rest are what
 * xen_version(XENVER_get_features) reports.
 */
#define ELF_FEATURES_SUPPORTED ((1u << XENFEAT_writable_page_tables) |       \
                                (1u << XENFEAT_pae_pgdir_above_4gb) |        \
                                (1u << XENFEAT_mmu_pt_update_preserve_ad) |  \
                                (1u << XENFEAT_highmem_assist) |             \
                                (1u << XENFEAT_gnttab_map_avail_bits))

struct elf_segment {
    uint64_t vaddr;                     /* where it goes, after the notes' offset */
    uint64_t offset, filesz, memsz;
};

struct elf_image {
    const uint8_t *data;
    size_t size;
    unsigned int nr_segments;
    struct elf_segment seg[ELF_MAX_LOAD];
    uint64_t virt_kstart, virt_kend;    /* the image's virtual extent */
    uint64_t entry;
    uint64_t virt_base;
    uint64_t paddr_offset;
    uint64_t hypercall_page;            /* 0: none */
    uint64_t init_p2m;                  /* 0: none */
    uint64_t phys32_entry;              /* PVH: 32-bit entry point (physical) */
    char guest_os[32];
    char guest_version[32];
    char xen_version[32];
    char loader[32];
    char features[256];
    uint32_t features_required[1];      /* XENFEAT submap 0 bits ('!' names) */
    uint32_t features_supported[1];
    uint32_t notes_seen;                /* bit n: note type n was present */
    char why[96];                       /* a message naming what is wrong */
};

/*
 * Parse and check an image.  Returns NULL on success or a message naming
 * the problem ("no Xen notes", "entry point outside the image", ...).
 * supported_features: the XENFEAT bits the hypervisor offers.
 */
const char *elf_parse(const void *data, size_t size, uint32_t supported_features,
                      struct elf_image *img);

/*
 * Parse a PVH kernel (XEN_ELFNOTE_PHYS32_ENTRY): seg[].vaddr and the
 * image's extent are physical addresses, entry is the 32-bit entry point.
 */
const char *elf_parse_pvh(const void *data, size_t size, struct elf_image *img);

/*
 * Copy the loadable segments: put(vaddr, src, len, ctx) for file bytes,
 * put(vaddr, NULL, len, ctx) for the zero-filled rest of each segment.
 */
int elf_load(const struct elf_image *img,
             int (*put)(uint64_t vaddr, const void *src, size_t len, void *ctx),
             void *ctx);

#endif
