/*
 * The screen console (common/screen.c): a grid of character cells holding
 * the same text as the serial console, drawn by a back end -- VGA text mode
 * (arch/x86/video.c) or a linear framebuffer with the built-in font
 * (common/fbcon.c).
 */
#ifndef XEN_SCREEN_H
#define XEN_SCREEN_H

#include "xen/types.h"

#define SCREEN_MAX_COLS     256
#define SCREEN_MAX_ROWS     128

struct screen_ops {
    /* Draw character c (any byte; unprintable ones as a box) in a cell. */
    void (*draw)(unsigned int row, unsigned int col, uint8_t c);
    /* Show the cursor in this cell (hiding it where it was). */
    void (*cursor)(unsigned int row, unsigned int col);
};

/* Start drawing on a screen of cols x rows cells (clipped to the maxima);
 * the first flush clears it. */
void screen_attach(const struct screen_ops *ops, unsigned int cols,
                   unsigned int rows);
bool screen_attached(void);
void screen_size(unsigned int *cols, unsigned int *rows);
/* Write one byte of console text (CR, LF, BS, TAB, ESC[H, ESC[2J, ESC[K). */
void screen_putc(char c);
/* Draw every cell that changed since the last flush, then the cursor. */
void screen_flush(void);
/* The character in a cell, as last written (for tests and dumps). */
uint8_t screen_char(unsigned int row, unsigned int col);

#endif
