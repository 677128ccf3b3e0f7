/*
 * Multiboot2 information decoding (Multiboot2 specification §3.6).  Pure
 * logic over a byte buffer so that the host unit tests can feed it crafted
 * and malformed tag lists; nothing here trusts a length it has not checked.
 */
#include "xen/bootinfo.h"
#include "xen/lib.h"

#define MB2_TAG_END             0
#define MB2_TAG_CMDLINE         1
#define MB2_TAG_LOADER          2
#define MB2_TAG_MODULE          3
#define MB2_TAG_MMAP            6
#define MB2_TAG_FRAMEBUFFER     8
#define MB2_TAG_EFI64           12
#define MB2_TAG_ACPI_OLD        14
#define MB2_TAG_ACPI_NEW        15
#define MB2_TAG_EFI_MMAP        17

#define MB2_INFO_MAX            (1U << 20)
#define EFI_PAGE_SHIFT          12      /* EFI pages are 4 KiB */

struct mb2_tag {
    uint32_t type, size;
};

/* EFI memory types (UEFI spec §7.2, EFI_MEMORY_TYPE) mapped to E820. */
static uint32_t efi_type_to_e820(uint32_t t)
{
    switch (t) {
    case 1: case 2: case 3: case 4: case 7:    /* loader/boot services, free */
        return MEM_RAM;
    case 9:  return MEM_ACPI;
    case 10: return MEM_NVS;
    case 8:  return MEM_UNUSABLE;
    default: return MEM_RESERVED;
    }
}

/* A NUL-terminated string filling at most len bytes, or NULL. */
static const char *tag_string(const uint8_t *p, size_t len)
{
    return len && memchr(p, '\0', len) ? (const char *)p : NULL;
}

/*
 * Record one range of the firmware's map.  Firmware lists ranges by the
 * hundred (an EFI map describes every boot-services allocation); a range
 * that continues the one before with the same type joins it, an empty one
 * or one that wraps past 2^64 is dropped, and when the table is full the
 * rest are counted and dropped: less RAM, but the boot goes on.
 */
static void add_range(struct boot_info *bi, uint64_t addr, uint64_t len,
                      uint32_t type)
{
    struct memmap_entry *last = bi->nr_memmap ? &bi->memmap[bi->nr_memmap - 1] : NULL;

    if (!len || addr + len < addr) {
        bi->nr_memmap_bad++;
        return;
    }
    if (last && last->type == type && last->addr + last->len == addr) {
        last->len += len;
        return;
    }
    if (bi->nr_memmap == MAX_MEMMAP) {
        bi->nr_memmap_dropped++;
        return;
    }
    bi->memmap[bi->nr_memmap++] = (struct memmap_entry){ addr, len, type };
}

static const char *parse_mmap(const uint8_t *p, uint32_t size,
                              struct boot_info *bi)
{
    uint32_t esize = size >= 16 ? *(const uint32_t *)(p + 8) : 0;

    if (esize < 24 || esize % 8)
        return "memory map tag: bad entry size";
    /* size - off, not off + esize: a huge esize must not wrap around. */
    for (uint32_t off = 16; esize <= size - off; off += esize) {
        const uint8_t *e = p + off;
        add_range(bi, *(const uint64_t *)e, *(const uint64_t *)(e + 8),
                  *(const uint32_t *)(e + 16));
    }
    return NULL;
}

/* Used only when GRUB gave no plain memory map (tag 6). */
static const char *parse_efi_mmap(const uint8_t *p, uint32_t size,
                                  struct boot_info *bi, bool convert)
{
    uint32_t dsize = size >= 16 ? *(const uint32_t *)(p + 8) : 0;

    if (dsize < 40 || dsize % 8)
        return "EFI memory map tag: bad descriptor size";
    bi->have_efi_mmap = true;
    for (uint32_t off = 16; dsize <= size - off; off += dsize) {
        const uint8_t *d = p + off;
        bi->nr_efi_mmap++;
        uint64_t pages = *(const uint64_t *)(d + 24);
        if (!convert)
            continue;
        add_range(bi, *(const uint64_t *)(d + 8),
                  pages >> (64 - EFI_PAGE_SHIFT) ? 0 : pages << EFI_PAGE_SHIFT,
                  efi_type_to_e820(*(const uint32_t *)d));
    }
    return NULL;
}

static const char *parse_module(const uint8_t *p, uint32_t size,
                                struct boot_info *bi)
{
    uint32_t start, end;

    if (size < 17)
        return "module tag: too short";
    start = *(const uint32_t *)(p + 8);
    end = *(const uint32_t *)(p + 12);
    if (end < start)
        return "module tag: end before start";
    if (bi->nr_modules == MAX_MODULES)
        return "too many modules";
    bi->modules[bi->nr_modules++] = (struct boot_module){
        .start = start, .end = end, .cmdline = tag_string(p + 16, size - 16) };
    return NULL;
}

/* Tag layout: addr, pitch, width, height, bpp, type, 2 reserved bytes, then
 * for RGB the position and size of red, green and blue (§3.6.12). */
#define FB_TAG_COMMON   32
#define FB_TAG_RGB      (FB_TAG_COMMON + 6)

static const char *parse_framebuffer(const uint8_t *p, uint32_t size,
                                     struct boot_info *bi)
{
    const uint8_t *rgb = p + FB_TAG_COMMON;

    if (size < 30)
        return "framebuffer tag: too short";
    bi->have_fb = true;
    bi->fb = (struct boot_framebuffer){
        .addr = *(const uint64_t *)(p + 8), .pitch = *(const uint32_t *)(p + 16),
        .width = *(const uint32_t *)(p + 20), .height = *(const uint32_t *)(p + 24),
        .bpp = p[28], .type = p[29] };
    if (bi->fb.type == MB2_FB_TYPE_RGB && size >= FB_TAG_RGB) {
        bi->fb.red_pos = rgb[0];
        bi->fb.red_size = rgb[1];
        bi->fb.green_pos = rgb[2];
        bi->fb.green_size = rgb[3];
        bi->fb.blue_pos = rgb[4];
        bi->fb.blue_size = rgb[5];
    }
    return NULL;
}

static const char *parse_tag(const uint8_t *p, uint32_t type, uint32_t size,
                             struct boot_info *bi, bool *efi_mmap_seen)
{
    switch (type) {
    case MB2_TAG_CMDLINE:
        bi->cmdline = tag_string(p + 8, size - 8);
        return bi->cmdline ? NULL : "command line tag: not terminated";
    case MB2_TAG_LOADER:
        bi->loader = tag_string(p + 8, size - 8);
        return NULL;
    case MB2_TAG_MODULE:
        return parse_module(p, size, bi);
    case MB2_TAG_MMAP:
        return parse_mmap(p, size, bi);
    case MB2_TAG_EFI_MMAP:
        *efi_mmap_seen = true;
        return NULL;                    /* decoded after the walk */
    case MB2_TAG_FRAMEBUFFER:
        return parse_framebuffer(p, size, bi);
    case MB2_TAG_EFI64:
        if (size < 16)
            return "EFI64 tag: too short";
        bi->efi_systab = *(const uint64_t *)(p + 8);
        return NULL;
    case MB2_TAG_ACPI_OLD:
    case MB2_TAG_ACPI_NEW:
        /* Prefer the ACPI 2.0+ copy when both are present. */
        if (bi->have_rsdp && bi->rsdp_len == 36 && type == MB2_TAG_ACPI_OLD)
            return NULL;
        if (size - 8 < 20)
            return "ACPI RSDP tag: too short";
        bi->rsdp_len = MIN(size - 8, (uint32_t)sizeof(bi->rsdp));
        bi->rsdp_len = type == MB2_TAG_ACPI_OLD ? 20 : bi->rsdp_len;
        memcpy(bi->rsdp, p + 8, bi->rsdp_len);
        bi->have_rsdp = true;
        return NULL;
    }
    return NULL;
}

const char *multiboot2_parse(const void *info, paddr_t info_pa,
                             struct boot_info *bi)
{
    const uint8_t *base = info;
    uint32_t total = *(const uint32_t *)base, off;
    bool efi_mmap_seen = false, ended = false;
    const char *err;

    memset(bi, 0, sizeof(*bi));
    if (total < 16 || total > MB2_INFO_MAX || total % 8)
        return "boot information: bad total size";
    bi->info_start = info_pa;
    bi->info_end = info_pa + total;
    for (off = 8; off + sizeof(struct mb2_tag) <= total && !ended; ) {
        const struct mb2_tag *t = (const void *)(base + off);
        if (t->size < 8 || t->size > total - off)
            return "boot information: tag overruns the structure";
        if (t->type == MB2_TAG_END)
            ended = true;
        else if ((err = parse_tag(base + off, t->type, t->size, bi, &efi_mmap_seen)))
            return err;
        off += ROUNDUP(t->size, 8);
    }
    if (!ended)
        return "boot information: no end tag";
    if (efi_mmap_seen) {
        /* Walk again for the EFI map; convert it only if no plain map. */
        bool convert = bi->nr_memmap == 0;
        for (off = 8; off < total; ) {
            const struct mb2_tag *t = (const void *)(base + off);
            if (t->type == MB2_TAG_END)
                break;
            if (t->type == MB2_TAG_EFI_MMAP &&
                (err = parse_efi_mmap(base + off, t->size, bi, convert)))
                return err;
            off += ROUNDUP(t->size, 8);
        }
    }
    if (!bi->nr_memmap)
        return "boot information: no memory map";
    return NULL;
}
