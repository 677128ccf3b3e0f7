/*
 * What the boot loader told us, decoded from the Multiboot2 information
 * structure (Multiboot2 specification §3.6) into plain C.
 */
#ifndef XEN_BOOTINFO_H
#define XEN_BOOTINFO_H

#include "xen/types.h"

/* E820-style memory types (ACPI spec §15, "Address Range Types"). */
#define MEM_RAM         1
#define MEM_RESERVED    2
#define MEM_ACPI        3
#define MEM_NVS         4
#define MEM_UNUSABLE    5

#define MAX_MEMMAP      256
#define MAX_MODULES     8

struct memmap_entry {
    uint64_t addr, len;
    uint32_t type;
};

struct boot_module {
    paddr_t start, end;                 /* [start, end) */
    const char *cmdline;
};

/* Framebuffer types (Multiboot2 specification §3.6.12). */
#define MB2_FB_TYPE_INDEXED     0
#define MB2_FB_TYPE_RGB         1
#define MB2_FB_TYPE_EGA_TEXT    2

struct boot_framebuffer {
    uint64_t addr;
    uint32_t pitch, width, height;      /* EGA text: in characters */
    uint8_t bpp, type;
    /* RGB only: where each colour's bits are in a pixel. */
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct boot_info {
    const char *cmdline;
    const char *loader;
    unsigned int nr_memmap;             /* adjacent same-type ranges joined */
    struct memmap_entry memmap[MAX_MEMMAP];
    unsigned int nr_memmap_dropped;     /* beyond MAX_MEMMAP */
    unsigned int nr_memmap_bad;         /* empty, or wrapping past 2^64 */
    unsigned int nr_modules;
    struct boot_module modules[MAX_MODULES];
    bool have_rsdp;
    unsigned int rsdp_len;
    uint8_t rsdp[36];                   /* copy: ACPI 1.0 (20) or 2.0+ (36) */
    bool have_fb;
    struct boot_framebuffer fb;
    bool have_efi_mmap;
    unsigned int nr_efi_mmap;
    uint64_t efi_systab;
    paddr_t info_start, info_end;       /* the information structure itself */
};

/*
 * Decode the information structure at info (physical address info_pa,
 * used only to record it).  Returns NULL on success, or a message saying
 * what is malformed.  Unknown tags are skipped.
 */
const char *multiboot2_parse(const void *info, paddr_t info_pa,
                             struct boot_info *bi);

#endif
