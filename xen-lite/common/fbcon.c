/*
 * The framebuffer console: the screen's cells drawn with the built-in font
 * into a linear RGB framebuffer, such as the one a UEFI boot loader hands
 * over (Multiboot2 framebuffer tag, type 1).  Light grey on black, the
 * font scaled by a whole factor so that at least 80x25 cells fit; the
 * cursor is a bar in the blank row under its cell.  Only ever writes
 * video memory, never reads it.
 */
#include "xen/bootinfo.h"
#include "xen/fbcon.h"
#include "xen/font.h"
#include "xen/lib.h"
#include "xen/screen.h"

#define FG_LEVEL        0xaa            /* light grey, as VGA's colour 7 */
#define MIN_COLS        80
#define MIN_ROWS        25
#define MAX_SCALE       8
#define MAX_FB_BYTES    (512UL << 20)

static struct {
    uint8_t *base;
    uint32_t pitch;
    unsigned int bytes_pp, scale, cell_w, cell_h;
    uint32_t fg, bg;
    unsigned int cursor_row, cursor_col;
    bool cursor_on;
} fb;

/* One colour channel scaled to its field (framebuffer tag colour info). */
static uint32_t channel(unsigned int level, unsigned int pos, unsigned int size)
{
    return size ? ((uint32_t)level >> (8 - MIN(size, 8U))) << pos : 0;
}

static uint32_t pixel_value(const struct boot_framebuffer *f, unsigned int level)
{
    return channel(level, f->red_pos, f->red_size) |
           channel(level, f->green_pos, f->green_size) |
           channel(level, f->blue_pos, f->blue_size);
}

/* One horizontal run of n pixels of colour v at (x, y). */
static void fill_run(unsigned int x, unsigned int y, unsigned int n, uint32_t v)
{
    uint8_t *p = fb.base + (size_t)y * fb.pitch + (size_t)x * fb.bytes_pp;

    if (fb.bytes_pp == 4) {
        volatile uint32_t *q = (volatile uint32_t *)p;
        for (unsigned int i = 0; i < n; i++)
            q[i] = v;
        return;
    }
    for (unsigned int i = 0; i < n; i++, p += fb.bytes_pp)
        for (unsigned int b = 0; b < fb.bytes_pp; b++)
            ((volatile uint8_t *)p)[b] = v >> (8 * b);
}

/* Row `line` (0..cell_h-1 in font pixels) of a cell: ink bits, or none. */
static unsigned int cell_bits(uint8_t c, unsigned int line, bool cursor)
{
    if (line >= 1 && line <= FONT_HEIGHT)
        return font_row(c, line - 1);
    if (line == FONT_CELL_H - 1 && cursor)
        return (1U << FONT_CELL_W) - 1;
    return 0;
}

static void draw_cell(unsigned int row, unsigned int col, uint8_t c, bool cursor)
{
    unsigned int x0 = col * fb.cell_w, y0 = row * fb.cell_h;

    for (unsigned int line = 0; line < FONT_CELL_H; line++) {
        unsigned int bits = cell_bits(c, line, cursor);

        for (unsigned int dy = 0; dy < fb.scale; dy++) {
            unsigned int y = y0 + line * fb.scale + dy;
            for (unsigned int gx = 0; gx < FONT_CELL_W; gx++)
                fill_run(x0 + gx * fb.scale, y, fb.scale,
                         (bits >> gx) & 1 ? fb.fg : fb.bg);
        }
    }
}

static void fb_draw(unsigned int row, unsigned int col, uint8_t c)
{
    bool cursor = fb.cursor_on && row == fb.cursor_row && col == fb.cursor_col;

    draw_cell(row, col, c, cursor);
}

static void fb_cursor(unsigned int row, unsigned int col)
{
    if (fb.cursor_on && row == fb.cursor_row && col == fb.cursor_col)
        return;
    if (fb.cursor_on)
        draw_cell(fb.cursor_row, fb.cursor_col,
                  screen_char(fb.cursor_row, fb.cursor_col), false);
    fb.cursor_row = row;
    fb.cursor_col = col;
    fb.cursor_on = true;
    draw_cell(row, col, screen_char(row, col), true);
}

static const struct screen_ops fb_ops = { fb_draw, fb_cursor };

const char *fbcon_check(const struct boot_framebuffer *f)
{
    unsigned int bytes_pp = (f->bpp + 7) / 8;

    if (f->type != MB2_FB_TYPE_RGB)
        return "not a direct-colour (RGB) framebuffer";
    if (bytes_pp < 2 || bytes_pp > 4)
        return "unsupported pixel size";
    if (f->width < FONT_CELL_W * MIN_COLS || f->height < FONT_CELL_H * MIN_ROWS)
        return "too small for 80x25 characters";
    if (f->pitch < (uint64_t)f->width * bytes_pp ||
        (uint64_t)f->pitch * f->height > MAX_FB_BYTES)
        return "bad pitch or size";
    if (f->addr + (uint64_t)f->pitch * f->height < f->addr)
        return "address wraps";
    if (!f->red_size && !f->green_size && !f->blue_size)
        return "no colour fields";
    if (f->red_pos + f->red_size > 32 || f->green_pos + f->green_size > 32 ||
        f->blue_pos + f->blue_size > 32)
        return "bad colour fields";
    return NULL;
}

void fbcon_attach(const struct boot_framebuffer *f, void *base)
{
    fb.base = base;
    fb.pitch = f->pitch;
    fb.bytes_pp = (f->bpp + 7) / 8;
    fb.scale = MIN(f->width / (FONT_CELL_W * MIN_COLS),
                   f->height / (FONT_CELL_H * MIN_ROWS));
    fb.scale = MAX(1U, MIN(fb.scale, (unsigned int)MAX_SCALE));
    fb.cell_w = FONT_CELL_W * fb.scale;
    fb.cell_h = FONT_CELL_H * fb.scale;
    fb.fg = pixel_value(f, FG_LEVEL);
    fb.bg = pixel_value(f, 0);
    fb.cursor_on = false;
    screen_attach(&fb_ops, f->width / fb.cell_w, f->height / fb.cell_h);
}

unsigned int fbcon_scale(void)
{
    return fb.scale;
}
