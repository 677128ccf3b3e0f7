/*
 * Multiboot2 information decoding (arch/x86/multiboot.c) over crafted tag
 * lists laid out as in the Multiboot2 specification §3.6.  Each structure is
 * handed to the parser in a heap buffer of exactly its total_size bytes, so
 * that AddressSanitizer catches any read past the end.
 */
#include <stdint.h>
#include <stdlib.h>

#include "xen/bootinfo.h"
#include "xen/lib.h"

#include "unit.h"

#define INFO_PA 0x10000

/* ---- a builder for the information structure ---- */

static struct {
    uint8_t b[16384];
    uint32_t len;
} mb;
static uint8_t *info;                   /* the last structure handed out */
static struct boot_info bi;

static void put(const void *p, size_t n)
{
    if (n)
        memcpy(mb.b + mb.len, p, n);
    mb.len += n;
}

static void put32(uint32_t v) { put(&v, 4); }
static void put64(uint64_t v) { put(&v, 8); }

static void pad8(void)
{
    while (mb.len % 8)
        mb.b[mb.len++] = 0;
}

/* Start a structure: the fixed part {total_size, reserved} comes later. */
static void mb_begin(void)
{
    memset(&mb, 0, sizeof(mb));
    mb.len = 8;
}

/* Open a tag (8-byte aligned); returns its offset for tag_close(). */
static uint32_t tag_open(uint32_t type)
{
    uint32_t at;

    pad8();
    at = mb.len;
    put32(type);
    put32(0);
    return at;
}

static void tag_set_size(uint32_t at, uint32_t size)
{
    memcpy(mb.b + at + 4, &size, 4);
}

static void tag_close(uint32_t at)
{
    tag_set_size(at, mb.len - at);
}

static void end_tag(void)
{
    tag_close(tag_open(0));
}

/* A tag whose payload is the n bytes at p. */
static uint32_t add_tag(uint32_t type, const void *p, size_t n)
{
    uint32_t at = tag_open(type);

    put(p, n);
    tag_close(at);
    return at;
}

static uint32_t add_string_tag(uint32_t type, const char *s)
{
    return add_tag(type, s, strlen(s) + 1);
}

struct ram { uint64_t base, len; uint32_t type; };

/* A memory map tag (type 6) with entries of esize bytes. */
static uint32_t add_mmap_sized(const struct ram *r, unsigned int n,
                               uint32_t esize)
{
    uint32_t at = tag_open(6);

    put32(esize);
    put32(0);                           /* entry_version */
    for (unsigned int i = 0; i < n; i++) {
        uint32_t start = mb.len;
        put64(r[i].base);
        put64(r[i].len);
        put32(r[i].type);
        put32(0);
        while (mb.len - start < esize)
            mb.b[mb.len++] = 0;
    }
    tag_close(at);
    return at;
}

static const struct ram std_ram[] = {
    { 0, 0x9fc00, MEM_RAM },
    { 0xf0000, 0x10000, MEM_RESERVED },
    { 0x100000, 0x7ff00000, MEM_RAM },
};

static void add_std_mmap(void)
{
    add_mmap_sized(std_ram, ARRAY_SIZE(std_ram), 24);
}

/* Most structures start with a good memory map. */
static void begin_with_mmap(void)
{
    mb_begin();
    add_std_mmap();
}

static uint32_t add_module(uint32_t start, uint32_t end, const char *s)
{
    uint32_t at = tag_open(3);

    put32(start);
    put32(end);
    put(s, strlen(s) + 1);
    tag_close(at);
    return at;
}

/* An RSDP copy of len bytes whose first byte is mark. */
static void add_acpi(uint32_t type, uint8_t mark, size_t len)
{
    uint8_t rsdp[36];

    memset(rsdp, mark, sizeof(rsdp));
    add_tag(type, rsdp, len);
}

struct efi_desc { uint32_t type; uint64_t phys, pages; };

/* An EFI memory map tag (type 17) with descriptors of dsize bytes. */
static void add_efi_mmap_sized(const struct efi_desc *d, unsigned int n,
                               uint32_t dsize)
{
    uint32_t at = tag_open(17);

    put32(dsize);
    put32(1);                           /* descriptor_version */
    for (unsigned int i = 0; i < n; i++) {
        uint32_t start = mb.len;
        put32(d[i].type);
        put32(0);
        put64(d[i].phys);
        put64(0);                       /* virt_start */
        put64(d[i].pages);
        put64(0xf);                     /* attribute */
        while (mb.len - start < dsize)
            mb.b[mb.len++] = 0;
    }
    tag_close(at);
}

/* Hand out the structure claiming total bytes in a buffer of alloc bytes. */
static const char *parse_as(uint32_t total, size_t alloc)
{
    free(info);
    info = malloc(alloc);
    memset(info, 0, alloc);
    memcpy(info, mb.b, MIN(alloc, (size_t)mb.len));
    memcpy(info, &total, MIN(alloc, (size_t)4));
    return multiboot2_parse(info, INFO_PA, &bi);
}

/* The structure as built so far, exactly its own size. */
static const char *parse(void)
{
    pad8();
    return parse_as(mb.len, mb.len);
}

/* The structure as built so far, closed with an end tag. */
static const char *parse_ended(void)
{
    end_tag();
    return parse();
}

/* err is an error message containing what. */
static void check_error(const char *err, const char *what)
{
    CHECK(err != NULL);
    CHECK(strstr(err, what) != NULL);
}

/* ---- well-formed structures ---- */

TEST(mb2_minimal_memory_map_decoded)
{
    begin_with_mmap();
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.nr_memmap, 3);
    CHECK_EQ(bi.memmap[0].addr, 0);
    CHECK_EQ(bi.memmap[0].len, 0x9fc00);
    CHECK_EQ(bi.memmap[0].type, MEM_RAM);
    CHECK_EQ(bi.memmap[1].type, MEM_RESERVED);
    CHECK_EQ(bi.memmap[2].addr, 0x100000);
    CHECK_EQ(bi.memmap[2].len, 0x7ff00000);
    CHECK(bi.cmdline == NULL && bi.loader == NULL);
    CHECK_EQ(bi.nr_modules, 0);
    CHECK(!bi.have_rsdp && !bi.have_fb && !bi.have_efi_mmap);
    CHECK_EQ(bi.info_start, INFO_PA);
    CHECK_EQ(bi.info_end, INFO_PA + mb.len);
}

TEST(mb2_cmdline_and_loader_decoded)
{
    mb_begin();
    add_string_tag(1, "console=com1 noreboot");
    add_string_tag(2, "GRUB 2.06");
    add_std_mmap();
    CHECK_STR(parse_ended(), NULL);
    CHECK_STR(bi.cmdline, "console=com1 noreboot");
    CHECK_STR(bi.loader, "GRUB 2.06");
    CHECK((const uint8_t *)bi.cmdline > info &&
          (const uint8_t *)bi.cmdline < info + mb.len);
}

TEST(mb2_empty_cmdline_is_fine)
{
    mb_begin();
    add_string_tag(1, "");
    add_std_mmap();
    CHECK_STR(parse_ended(), NULL);
    CHECK_STR(bi.cmdline, "");
}

TEST(mb2_modules_decoded_in_order)
{
    begin_with_mmap();
    add_module(0x200000, 0x300000, "dom0 console=hvc0");
    add_module(0x300000, 0x300000, "");
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.nr_modules, 2);
    CHECK_EQ(bi.modules[0].start, 0x200000);
    CHECK_EQ(bi.modules[0].end, 0x300000);
    CHECK_STR(bi.modules[0].cmdline, "dom0 console=hvc0");
    CHECK_EQ(bi.modules[1].start, bi.modules[1].end);
    CHECK_STR(bi.modules[1].cmdline, "");
}

TEST(mb2_module_string_without_nul_has_no_cmdline)
{
    static const uint32_t mod[] = { 0x1000, 0x2000, 0x636261 };

    begin_with_mmap();
    add_tag(3, mod, 11);                /* "abc" and no NUL */
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.nr_modules, 1);
    CHECK(bi.modules[0].cmdline == NULL);
}

TEST(mb2_eight_modules_fit)
{
    begin_with_mmap();
    for (uint32_t i = 0; i < MAX_MODULES; i++)
        add_module(i << 20, (i + 1) << 20, "m");
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.nr_modules, MAX_MODULES);
    CHECK_EQ(bi.modules[7].start, 7 << 20);
}

/* Framebuffer tag payload: addr, pitch, width, height, bpp, type, rsvd. */
static const uint32_t fb_tag[] = { 0xfd000000, 0, 4096, 1024, 768, 0x0120 };

TEST(mb2_framebuffer_decoded)
{
    begin_with_mmap();
    add_tag(8, fb_tag, sizeof(fb_tag));
    CHECK_STR(parse_ended(), NULL);
    CHECK(bi.have_fb);
    CHECK_EQ(bi.fb.addr, 0xfd000000);
    CHECK_EQ(bi.fb.pitch, 4096);
    CHECK_EQ(bi.fb.width, 1024);
    CHECK_EQ(bi.fb.height, 768);
    CHECK_EQ(bi.fb.bpp, 32);
    CHECK_EQ(bi.fb.type, 1);
}

TEST(mb2_framebuffer_rgb_colour_fields_decoded)
{
    /* fb_tag, 2 reserved bytes already in it, then red/green/blue
     * position and size as GRUB gives them for a 32-bit GOP mode. */
    static const uint8_t colours[] = { 16, 8, 8, 8, 0, 8 };
    uint8_t tag[sizeof(fb_tag) + 8] = { 0 };

    memcpy(tag, fb_tag, sizeof(fb_tag));
    memcpy(tag + sizeof(fb_tag), colours, sizeof(colours));
    begin_with_mmap();
    add_tag(8, tag, sizeof(fb_tag) + sizeof(colours));
    CHECK_STR(parse_ended(), NULL);
    const uint8_t got[] = { bi.fb.red_pos, bi.fb.red_size, bi.fb.green_pos,
                            bi.fb.green_size, bi.fb.blue_pos, bi.fb.blue_size };
    for (size_t i = 0; i < sizeof(colours); i++)
        CHECK_EQ(got[i], colours[i]);
}

TEST(mb2_framebuffer_ega_text_has_no_colour_fields)
{
    uint32_t tag[ARRAY_SIZE(fb_tag) + 2];

    memcpy(tag, fb_tag, sizeof(fb_tag));
    tag[5] = 0x0210;                    /* 16 bpp, type 2: EGA text */
    tag[6] = tag[7] = 0x08080808;
    begin_with_mmap();
    add_tag(8, tag, sizeof(tag));
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.fb.type, MB2_FB_TYPE_EGA_TEXT);
    CHECK_EQ(bi.fb.red_size, 0);
    CHECK_EQ(bi.fb.green_size, 0);
}

TEST(mb2_efi64_system_table_decoded)
{
    begin_with_mmap();
    add_tag(12, &(uint64_t){ 0x7f9e0018 }, 8);
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.efi_systab, 0x7f9e0018);
}

TEST(mb2_acpi_rsdp_copies_of_either_kind)
{
    begin_with_mmap();
    add_acpi(14, 0xa1, 20);
    CHECK_STR(parse_ended(), NULL);
    CHECK(bi.have_rsdp);
    CHECK_EQ(bi.rsdp_len, 20);
    CHECK(bi.rsdp[0] == 0xa1 && bi.rsdp[19] == 0xa1);
    begin_with_mmap();
    add_acpi(15, 0xb2, 36);
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.rsdp_len, 36);
    CHECK(bi.rsdp[0] == 0xb2 && bi.rsdp[35] == 0xb2);
}

TEST(mb2_acpi_new_preferred_when_it_comes_first)
{
    mb_begin();
    add_acpi(15, 0xb2, 36);
    add_acpi(14, 0xa1, 20);
    add_std_mmap();
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.rsdp_len, 36);
    CHECK_EQ(bi.rsdp[0], 0xb2);
}

TEST(mb2_acpi_new_preferred_when_it_comes_last)
{
    mb_begin();
    add_acpi(14, 0xa1, 20);
    add_std_mmap();
    add_acpi(15, 0xb2, 36);
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.rsdp_len, 36);
    CHECK_EQ(bi.rsdp[0], 0xb2);
}

TEST(mb2_efi_mmap_converted_without_plain_map)
{
    static const struct efi_desc d[] = {
        { 7, 0x0, 0x9f },               /* conventional memory */
        { 3, 0x100000, 0x100 },         /* boot services code */
        { 9, 0x7fe00000, 0x10 },        /* ACPI reclaim */
        { 10, 0x7fe10000, 0x8 },        /* ACPI NVS */
        { 8, 0x7ff00000, 0x1 },         /* unusable */
        { 11, 0xfec00000, 0x1 },        /* MMIO */
    };

    mb_begin();
    add_efi_mmap_sized(d, ARRAY_SIZE(d), 48);
    CHECK_STR(parse_ended(), NULL);
    CHECK(bi.have_efi_mmap);
    CHECK_EQ(bi.nr_efi_mmap, 6);
    CHECK_EQ(bi.nr_memmap, 6);
    CHECK_EQ(bi.memmap[0].addr, 0);
    CHECK_EQ(bi.memmap[0].len, 0x9f000);
    CHECK_EQ(bi.memmap[0].type, MEM_RAM);
    CHECK_EQ(bi.memmap[1].addr, 0x100000);
    CHECK_EQ(bi.memmap[1].len, 0x100000);
    CHECK_EQ(bi.memmap[1].type, MEM_RAM);
    CHECK_EQ(bi.memmap[2].type, MEM_ACPI);
    CHECK_EQ(bi.memmap[3].type, MEM_NVS);
    CHECK_EQ(bi.memmap[4].type, MEM_UNUSABLE);
    CHECK_EQ(bi.memmap[5].type, MEM_RESERVED);
}

TEST(mb2_efi_mmap_not_converted_when_plain_map_follows)
{
    static const struct efi_desc d[] = { { 7, 0, 0x10 }, { 7, 0x10000, 1 } };

    mb_begin();
    add_efi_mmap_sized(d, ARRAY_SIZE(d), 48);
    add_std_mmap();
    CHECK_STR(parse_ended(), NULL);
    CHECK(bi.have_efi_mmap);
    CHECK_EQ(bi.nr_efi_mmap, 2);
    CHECK_EQ(bi.nr_memmap, 3);
    CHECK_EQ(bi.memmap[2].addr, 0x100000);
}

TEST(mb2_efi_mmap_not_converted_when_plain_map_precedes)
{
    static const struct efi_desc d[] = { { 7, 0, 0x10 } };

    begin_with_mmap();
    add_efi_mmap_sized(d, ARRAY_SIZE(d), 48);
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.nr_efi_mmap, 1);
    CHECK_EQ(bi.nr_memmap, 3);
}

TEST(mb2_unknown_tags_skipped)
{
    mb_begin();
    add_tag(99, "12345", 5);            /* size 13: next tag 8-aligned */
    add_std_mmap();
    add_tag(21, &(uint32_t){ 0x200000 }, 4);    /* load base address */
    add_string_tag(1, "after");
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.nr_memmap, 3);
    CHECK_STR(bi.cmdline, "after");
}

TEST(mb2_tags_after_end_tag_ignored)
{
    begin_with_mmap();
    end_tag();
    add_string_tag(1, "ignored");
    tag_set_size(tag_open(6), 0);       /* malformed, but never looked at */
    CHECK_STR(parse(), NULL);
    CHECK(bi.cmdline == NULL);
}

TEST(mb2_mmap_larger_entry_size_strides_correctly)
{
    mb_begin();
    add_mmap_sized(std_ram, ARRAY_SIZE(std_ram), 32);
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.nr_memmap, 3);
    CHECK_EQ(bi.memmap[2].addr, 0x100000);
    CHECK_EQ(bi.memmap[2].len, 0x7ff00000);
}

TEST(mb2_mmap_partial_trailing_entry_ignored)
{
    uint32_t at;

    mb_begin();
    at = add_mmap_sized(std_ram, 2, 24);
    put64(0xdead);                      /* 8 bytes of a third entry */
    tag_close(at);
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.nr_memmap, 2);
}

TEST(mb2_exactly_max_mmap_entries_fit)
{
    static struct ram r[MAX_MEMMAP];

    for (unsigned int i = 0; i < MAX_MEMMAP; i++)
        r[i] = (struct ram){ (uint64_t)i << 21, 1 << 20, MEM_RAM };
    mb_begin();
    add_mmap_sized(r, MAX_MEMMAP, 24);
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.nr_memmap, MAX_MEMMAP);
    CHECK_EQ(bi.memmap[MAX_MEMMAP - 1].addr, (uint64_t)(MAX_MEMMAP - 1) << 21);
}

/* ---- malformed structures ---- */

TEST(mb2_total_size_below_16_rejected)
{
    mb_begin();
    check_error(parse_as(8, 8), "total size");
    check_error(parse_as(0, 8), "total size");
}

TEST(mb2_total_size_not_multiple_of_8_rejected)
{
    begin_with_mmap();
    end_tag();
    check_error(parse_as(mb.len - 4, mb.len - 4), "total size");
    check_error(parse_as(mb.len + 4, mb.len + 4), "total size");
}

TEST(mb2_huge_total_size_rejected_before_reading_on)
{
    mb_begin();
    end_tag();
    check_error(parse_as(0x7ffffff8, 16), "total size");
    check_error(parse_as(2U << 20, 16), "total size");
}

TEST(mb2_tag_overrunning_total_rejected)
{
    uint32_t at;

    begin_with_mmap();
    at = add_string_tag(1, "x");
    tag_set_size(at, 64);               /* runs past the end */
    check_error(parse(), "overruns");
}

TEST(mb2_tag_size_below_8_rejected)
{
    /* What follows, if size 4 were believed, is an end tag. */
    static const uint32_t end[] = { 0, 8 };

    begin_with_mmap();
    tag_set_size(add_tag(99, end, 8), 4);
    check_error(parse_ended(), "overruns");
}

TEST(mb2_tag_size_zero_rejected)
{
    mb_begin();
    tag_open(99);                       /* size stays 0 */
    add_std_mmap();
    check_error(parse_ended(), "overruns");
}

TEST(mb2_missing_end_tag_rejected)
{
    begin_with_mmap();
    check_error(parse(), "no end tag");
}

TEST(mb2_missing_memory_map_rejected)
{
    mb_begin();
    add_string_tag(1, "x");
    check_error(parse_ended(), "no memory map");
}

TEST(mb2_empty_memory_map_rejected)
{
    mb_begin();
    add_mmap_sized(std_ram, 0, 24);
    check_error(parse_ended(), "no memory map");
}

TEST(mb2_mmap_bad_entry_sizes_rejected)
{
    static const uint32_t bad[] = { 0, 8, 16, 20, 28, 30 };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        mb_begin();
        add_mmap_sized(std_ram, ARRAY_SIZE(std_ram), bad[i] ? bad[i] : 24);
        if (!bad[i])
            memset(mb.b + 16, 0, 4);    /* entry_size field */
        check_error(parse_ended(), "entry size");
    }
}

TEST(mb2_mmap_huge_entry_size_rejected_or_harmless)
{
    uint32_t at;

    /* entry_size near 2^32: off + entry_size must not wrap around. */
    mb_begin();
    at = add_mmap_sized(std_ram, 0, 24);
    memcpy(mb.b + at + 8, &(uint32_t){ 0xfffffff8 }, 4);
    add_std_mmap();
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.nr_memmap, 3);          /* only the good tag's entries */
    /* The same tag just before the end tag: nothing past it is read. */
    begin_with_mmap();
    at = add_mmap_sized(std_ram, 0, 24);
    memcpy(mb.b + at + 8, &(uint32_t){ 0xfffffff8 }, 4);
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.nr_memmap, 3);
}

TEST(mb2_mmap_tag_too_short_for_its_header_rejected)
{
    mb_begin();
    add_tag(6, &(uint32_t){ 24 }, 4);   /* entry_size, no entry_version */
    check_error(parse_ended(), "entry size");
}

TEST(mb2_mmap_beyond_max_entries_dropped_and_counted)
{
    static struct ram r[MAX_MEMMAP + 3];

    for (unsigned int i = 0; i < MAX_MEMMAP + 3; i++)
        r[i] = (struct ram){ (uint64_t)i << 21, 1 << 20, MEM_RAM };
    mb_begin();
    add_mmap_sized(r, MAX_MEMMAP + 3, 24);
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.nr_memmap, MAX_MEMMAP);
    CHECK_EQ(bi.nr_memmap_dropped, 3);
}

TEST(mb2_mmap_adjacent_same_type_ranges_joined)
{
    static const struct ram r[] = {
        { 0, 0x9f000, MEM_RAM }, { 0x9f000, 0x1000, MEM_RAM },
        { 0xa0000, 0x60000, MEM_RESERVED }, { 0x100000, 0x100000, MEM_RAM },
        { 0x200000, 0x100000, MEM_RAM }, { 0x300000, 0x1000, MEM_NVS },
    };

    static const struct ram joined[] = {
        { 0, 0xa0000, MEM_RAM }, { 0xa0000, 0x60000, MEM_RESERVED },
        { 0x100000, 0x200000, MEM_RAM }, { 0x300000, 0x1000, MEM_NVS },
    };

    mb_begin();
    add_mmap_sized(r, ARRAY_SIZE(r), 24);
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.nr_memmap, ARRAY_SIZE(joined));
    for (size_t i = 0; i < ARRAY_SIZE(joined); i++)
        CHECK(bi.memmap[i].addr == joined[i].base &&
              bi.memmap[i].len == joined[i].len &&
              bi.memmap[i].type == joined[i].type);
}

TEST(mb2_mmap_empty_and_wrapping_ranges_skipped)
{
    static const struct ram r[] = {
        { 0x100000, 0, MEM_RAM }, { ~0ULL - 0xfff, 0x2000, MEM_RAM },
        { 0x100000, 0x100000, MEM_RAM },
    };

    mb_begin();
    add_mmap_sized(r, ARRAY_SIZE(r), 24);
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.nr_memmap, 1);
    CHECK_EQ(bi.nr_memmap_bad, 2);
}

TEST(mb2_module_end_before_start_rejected)
{
    begin_with_mmap();
    add_module(0x300000, 0x2fffff, "m");
    check_error(parse_ended(), "end before start");
}

TEST(mb2_module_tag_too_short_rejected)
{
    static const uint32_t mod[] = { 0x1000, 0x2000 };

    begin_with_mmap();
    add_tag(3, mod, sizeof(mod));       /* no string byte at all */
    check_error(parse_ended(), "too short");
}

TEST(mb2_too_many_modules_rejected)
{
    begin_with_mmap();
    for (uint32_t i = 0; i <= MAX_MODULES; i++)
        add_module(i << 20, (i + 1) << 20, "m");
    check_error(parse_ended(), "too many modules");
}

TEST(mb2_cmdline_without_nul_rejected)
{
    begin_with_mmap();
    add_tag(1, "noreboot", 8);
    check_error(parse_ended(), "command line");
}

TEST(mb2_cmdline_tag_without_text_rejected)
{
    begin_with_mmap();
    tag_close(tag_open(1));
    check_error(parse_ended(), "command line");
}

TEST(mb2_short_rsdp_tags_rejected)
{
    begin_with_mmap();
    add_acpi(14, 0xa1, 19);
    check_error(parse_ended(), "RSDP");
    begin_with_mmap();
    add_acpi(15, 0xb2, 0);
    check_error(parse_ended(), "RSDP");
}

TEST(mb2_short_framebuffer_and_efi64_tags_rejected)
{
    begin_with_mmap();
    add_tag(8, fb_tag, 21);             /* one byte short */
    check_error(parse_ended(), "framebuffer");
    begin_with_mmap();
    add_tag(12, &(uint32_t){ 0x1000 }, 4);
    check_error(parse_ended(), "EFI64");
}

TEST(mb2_efi_mmap_bad_descriptor_sizes_rejected)
{
    static const struct efi_desc d[] = { { 7, 0, 0x10 } };
    static const uint32_t bad[] = { 0, 32, 44 };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        mb_begin();
        add_efi_mmap_sized(d, 1, bad[i] ? bad[i] : 48);
        if (!bad[i])
            memset(mb.b + 16, 0, 4);    /* descriptor_size field */
        check_error(parse_ended(), "descriptor size");
    }
}

TEST(mb2_efi_mmap_huge_descriptor_size_harmless)
{
    static const struct efi_desc d[] = { { 7, 0, 0x10 } };

    mb_begin();
    add_efi_mmap_sized(d, 0, 48);
    memcpy(mb.b + 16, &(uint32_t){ 0xfffffff0 }, 4);
    check_error(parse_ended(), "no memory map");
    mb_begin();
    add_efi_mmap_sized(d, 1, 48);
    add_efi_mmap_sized(d, 0, 48);
    memcpy(mb.b + 8 + 64 + 8, &(uint32_t){ 0xfffffff0 }, 4);
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.nr_memmap, 1);
}

TEST(mb2_efi_descriptors_beyond_max_dropped_and_counted)
{
    static struct efi_desc d[MAX_MEMMAP + 1];

    for (unsigned int i = 0; i <= MAX_MEMMAP; i++)
        d[i] = (struct efi_desc){ 7, (uint64_t)i << 21, 16 };
    mb_begin();
    add_efi_mmap_sized(d, MAX_MEMMAP + 1, 48);
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.nr_efi_mmap, MAX_MEMMAP + 1);
    CHECK_EQ(bi.nr_memmap, MAX_MEMMAP);
    CHECK_EQ(bi.nr_memmap_dropped, 1);
}

TEST(mb2_efi_adjacent_ram_descriptors_joined_and_huge_counts_refused)
{
    static const struct efi_desc d[] = {
        { 3, 0x100000, 16 }, { 4, 0x110000, 16 }, { 7, 0x120000, 0xe0 },
        { 10, 0x200000, 1 }, { 7, 0x201000, 1ULL << 60 },
    };

    mb_begin();
    add_efi_mmap_sized(d, ARRAY_SIZE(d), 48);
    CHECK_STR(parse_ended(), NULL);
    CHECK_EQ(bi.nr_memmap, 2);
    CHECK_EQ(bi.memmap[0].len, 0x100000);
    CHECK_EQ(bi.memmap[1].type, MEM_NVS);
    CHECK_EQ(bi.nr_memmap_bad, 1);
}
