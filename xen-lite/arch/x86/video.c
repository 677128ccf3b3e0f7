/*
 * The screen for console=vga: VGA text mode under a BIOS -- the boot
 * loader's EGA text framebuffer tag, or the legacy buffer when there is no
 * tag and no EFI -- and a linear framebuffer drawn with the built-in font
 * under UEFI (the tag GRUB gives because the Multiboot2 header asks for a
 * framebuffer).  Text mode uses the card's own font and hardware cursor
 * (VGA CRT controller registers, IBM VGA Technical Reference).
 */
#include "asm/io.h"
#include "asm/page.h"
#include "xen/bootinfo.h"
#include "xen/console.h"
#include "xen/fbcon.h"
#include "xen/font.h"
#include "xen/lib.h"
#include "xen/mm.h"
#include "xen/screen.h"
#include "xen/setup.h"

#define VGA_TEXT_BUFFER     0xb8000
#define VGA_TEXT_COLS       80
#define VGA_TEXT_ROWS       25
#define VGA_ATTR_GREY       0x07        /* light grey on black */
#define VGA_CRTC_INDEX      0x3d4
#define VGA_CRTC_DATA       0x3d5
#define  CRTC_CURSOR_START  0x0a
#define   CURSOR_DISABLE    0x20
#define  CRTC_CURSOR_HIGH   0x0e
#define  CRTC_CURSOR_LOW    0x0f


static volatile uint16_t *vga;
static unsigned int vga_cols;

static void crtc_write(uint8_t reg, uint8_t v)
{
    outb(reg, VGA_CRTC_INDEX);
    outb(v, VGA_CRTC_DATA);
}

static uint8_t crtc_read(uint8_t reg)
{
    outb(reg, VGA_CRTC_INDEX);
    return inb(VGA_CRTC_DATA);
}

static void vga_draw(unsigned int row, unsigned int col, uint8_t c)
{
    vga[row * vga_cols + col] = (VGA_ATTR_GREY << 8) | c;
}

static void vga_cursor(unsigned int row, unsigned int col)
{
    unsigned int pos = row * vga_cols + col;

    crtc_write(CRTC_CURSOR_HIGH, pos >> 8);
    crtc_write(CRTC_CURSOR_LOW, pos & 0xff);
}

static const struct screen_ops vga_ops = { vga_draw, vga_cursor };

static void vga_text_attach(paddr_t addr, unsigned int cols, unsigned int rows,
                            char *desc, size_t len)
{
    vga = maddr_to_virt(addr);
    vga_cols = cols;
    crtc_write(CRTC_CURSOR_START, crtc_read(CRTC_CURSOR_START) & ~CURSOR_DISABLE);
    screen_attach(&vga_ops, cols, rows);
    snprintf(desc, len, "VGA text %ux%u", cols, rows);
}

/* 0: attached; 1: not mapped yet (can_map false); -1: cannot be. */
static int fb_attach(const struct boot_framebuffer *f, bool can_map,
                     char *desc, size_t len)
{
    paddr_t start = ROUNDDOWN(f->addr, PAGE_SIZE);
    paddr_t end = ROUNDUP(f->addr + (uint64_t)f->pitch * f->height, PAGE_SIZE);
    unsigned int cols, rows;

    if (end > BOOT_DIRECTMAP_END) {
        if (!can_map)
            return 1;
        if (map_pages_to_xen(DIRECTMAP_VIRT_START + start, start >> PAGE_SHIFT,
                             (end - start) >> PAGE_SHIFT,
                             _PAGE_PRESENT | _PAGE_RW | pte_nx())) {
            printk(XENLOG_WARNING "Console: no screen: the framebuffer at "
                   "%#lx cannot be mapped\n", (unsigned long)f->addr);
            return -1;
        }
    }
    fbcon_attach(f, maddr_to_virt(f->addr));
    screen_size(&cols, &rows);
    snprintf(desc, len, "framebuffer %ux%u, %u bpp at %#lx, %ux%u characters "
             "of %ux%u pixels", f->width, f->height, f->bpp,
           (unsigned long)f->addr, cols, rows, FONT_CELL_W * fbcon_scale(),
           FONT_CELL_H * fbcon_scale());
    return 0;
}

/* Why the screen cannot be used, or NULL (and *text says which kind). */
static const char *screen_problem(const struct boot_info *bi, bool *text)
{
    const struct boot_framebuffer *f = &bi->fb;

    *text = bi->have_fb ? f->type == MB2_FB_TYPE_EGA_TEXT : !bi->efi_systab;
    if (*text) {
        if (bi->have_fb && (f->width == 0 || f->height == 0 ||
                            f->width > SCREEN_MAX_COLS || f->addr + 2 *
                            f->width * f->height > BOOT_DIRECTMAP_END))
            return "EGA text mode with an unusable geometry";
        return NULL;
    }
    if (!bi->have_fb)
        return "no framebuffer from the boot loader (UEFI without a video mode)";
    return fbcon_check(f);
}

int video_init(bool can_map, char *desc, size_t len)
{
    const struct boot_info *bi = &boot_info;
    const char *why;
    bool text;

    if ((why = screen_problem(bi, &text))) {
        printk(XENLOG_WARNING "Console: no screen: %s\n", why);
        return -1;
    }
    if (!text)
        return fb_attach(&bi->fb, can_map, desc, len);
    if (bi->have_fb)
        vga_text_attach(bi->fb.addr, bi->fb.width, bi->fb.height, desc, len);
    else
        vga_text_attach(VGA_TEXT_BUFFER, VGA_TEXT_COLS, VGA_TEXT_ROWS, desc, len);
    return 0;
}
