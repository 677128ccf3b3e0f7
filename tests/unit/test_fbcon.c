/*
 * The framebuffer console (common/fbcon.c) drawing into a host buffer of
 * exactly the framebuffer's size (AddressSanitizer catches a pixel written
 * outside it), with the built-in font (common/font.c): which framebuffers
 * it refuses, the scale and cell grid it picks, the pixels of a glyph in
 * 32, 24 and 16 bits per pixel, the cursor bar; and that every glyph of
 * the font is well formed and tells its character apart from the others.
 */
#include <stdlib.h>

#include "xen/bootinfo.h"
#include "xen/fbcon.h"
#include "xen/font.h"
#include "xen/lib.h"
#include "xen/screen.h"

#include "unit.h"

static struct boot_framebuffer rgb32(uint32_t w, uint32_t h)
{
    return (struct boot_framebuffer){
        .addr = 0xc0000000, .pitch = w * 4, .width = w, .height = h,
        .bpp = 32, .type = MB2_FB_TYPE_RGB, .red_pos = 16, .red_size = 8,
        .green_pos = 8, .green_size = 8, .blue_pos = 0, .blue_size = 8 };
}

TEST(fbcon_accepts_common_modes)
{
    struct boot_framebuffer f = rgb32(800, 600);

    CHECK_STR(fbcon_check(&f), NULL);
    f = rgb32(1280, 800);
    f.pitch = 5200;                      /* padding at the end of rows */
    CHECK_STR(fbcon_check(&f), NULL);
}

TEST(fbcon_refuses_what_it_cannot_draw)
{
    struct boot_framebuffer f;

    f = rgb32(800, 600); f.type = MB2_FB_TYPE_INDEXED;
    CHECK(fbcon_check(&f) != NULL);
    f = rgb32(800, 600); f.type = MB2_FB_TYPE_EGA_TEXT;
    CHECK(fbcon_check(&f) != NULL);
    f = rgb32(800, 600); f.bpp = 8;
    CHECK(fbcon_check(&f) != NULL);
    f = rgb32(320, 200);
    CHECK(fbcon_check(&f) != NULL);
    f = rgb32(800, 600); f.pitch = 799 * 4;
    CHECK(fbcon_check(&f) != NULL);
    f = rgb32(800, 600); f.addr = ~0UL - 4096;
    CHECK(fbcon_check(&f) != NULL);
    f = rgb32(800, 600); f.red_size = f.green_size = f.blue_size = 0;
    CHECK(fbcon_check(&f) != NULL);
    f = rgb32(800, 600); f.red_pos = 30;
    CHECK(fbcon_check(&f) != NULL);
    f = rgb32(65536, 65536);
    CHECK(fbcon_check(&f) != NULL);
}

static uint8_t *fb_mem;

static void attach(const struct boot_framebuffer *f)
{
    free(fb_mem);
    fb_mem = malloc((size_t)f->pitch * f->height);
    memset(fb_mem, 0x5a, (size_t)f->pitch * f->height);
    CHECK_STR(fbcon_check(f), NULL);
    fbcon_attach(f, fb_mem);
}

static uint32_t pixel(const struct boot_framebuffer *f, unsigned int x,
                      unsigned int y)
{
    uint32_t v = 0;

    memcpy(&v, fb_mem + (size_t)y * f->pitch + x * ((f->bpp + 7) / 8),
           (f->bpp + 7) / 8);
    return v;
}

/* Cell (row, col) shows c, and the cursor bar if cursor. */
static void check_cell(const struct boot_framebuffer *f, unsigned int row,
                       unsigned int col, char c, bool cursor, uint32_t fg)
{
    unsigned int s = fbcon_scale(), cw = FONT_CELL_W * s, ch = FONT_CELL_H * s;

    for (unsigned int y = 0; y < ch; y++)
        for (unsigned int x = 0; x < cw; x++) {
            unsigned int gy = y / s, gx = x / s;
            bool ink = gy >= 1 && gy <= FONT_HEIGHT && gx < FONT_WIDTH ?
                       (font_row(c, gy - 1) >> gx) & 1 :
                       cursor && gy == FONT_CELL_H - 1;
            CHECK_EQ(pixel(f, col * cw + x, row * ch + y), ink ? fg : 0);
        }
}

static void put(const char *s)
{
    while (*s)
        screen_putc(*s++);
    screen_flush();
}

TEST(fbcon_scale_and_grid_fit_80x25)
{
    unsigned int cols, rows;
    struct boot_framebuffer f = rgb32(1024, 768);

    attach(&f);
    CHECK_EQ(fbcon_scale(), 2);
    screen_size(&cols, &rows);
    CHECK_EQ(cols, 1024 / 12);
    CHECK_EQ(rows, 768 / 22);
    f = rgb32(800, 600);
    attach(&f);
    CHECK_EQ(fbcon_scale(), 1);
    screen_size(&cols, &rows);
    CHECK(cols >= 80 && rows >= 25);
}

TEST(fbcon_draws_glyphs_and_cursor_in_32_bits)
{
    struct boot_framebuffer f = rgb32(1024, 768);

    attach(&f);
    put("Hg");
    check_cell(&f, 0, 0, 'H', false, 0xaaaaaa);
    check_cell(&f, 0, 1, 'g', false, 0xaaaaaa);
    check_cell(&f, 0, 2, ' ', true, 0xaaaaaa);
    put("\nx");
    check_cell(&f, 0, 2, ' ', false, 0xaaaaaa);     /* the cursor moved on */
    check_cell(&f, 1, 1, ' ', true, 0xaaaaaa);
    check_cell(&f, 20, 40, ' ', false, 0xaaaaaa);   /* the first flush cleared */
}

TEST(fbcon_draws_in_24_and_16_bits)
{
    struct boot_framebuffer f = rgb32(800, 600);

    f.bpp = 24;
    f.pitch = 800 * 3;
    attach(&f);
    put("Q");
    check_cell(&f, 0, 0, 'Q', false, 0xaaaaaa);
    f = rgb32(800, 600);
    f.bpp = 16;
    f.pitch = 800 * 2;
    f.red_pos = 11; f.red_size = 5;
    f.green_pos = 5; f.green_size = 6;
    f.blue_pos = 0; f.blue_size = 5;
    attach(&f);
    put("~");
    check_cell(&f, 0, 0, '~', false, (0x15 << 11) | (0x2a << 5) | 0x15);
}

TEST(font_glyphs_are_well_formed_and_distinct)
{
    for (unsigned int c = FONT_FIRST; c < FONT_FIRST + FONT_GLYPHS - 1; c++) {
        const char *g = font_glyph(c);

        CHECK_EQ(strlen(g), FONT_WIDTH * FONT_HEIGHT);
        CHECK_EQ(strspn(g, ".#"), FONT_WIDTH * FONT_HEIGHT);
        CHECK(c == ' ' || strchr(g, '#'));
        for (unsigned int d = FONT_FIRST; d < c; d++)
            CHECK(strcmp(g, font_glyph(d)) != 0);
        CHECK(strcmp(g, font_glyph(0x7f)) != 0);    /* not the box */
    }
    CHECK(font_glyph(0x80) == font_glyph(0x1f));   /* both the box */
    CHECK_EQ(font_row('|', 7), 1U << 2);
    CHECK_EQ(font_row('|', 8), 0);
}
