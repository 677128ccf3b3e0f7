/* The console's built-in bitmap font (common/font.c). */
#ifndef XEN_FONT_H
#define XEN_FONT_H

#define FONT_WIDTH      5               /* glyph pixels across */
#define FONT_HEIGHT     9               /* 7 above the baseline, 2 below */
#define FONT_FIRST      0x20            /* ' ': the first glyph */
#define FONT_GLYPHS     96              /* ' '..'~' and a box for the rest */

/* A character cell: a blank column on the right, a blank row above and
 * one below (where the cursor is drawn). */
#define FONT_CELL_W     (FONT_WIDTH + 1)
#define FONT_CELL_H     (FONT_HEIGHT + 2)

/* The glyph's rows as FONT_HEIGHT strings of FONT_WIDTH '#'/'.' chars. */
const char *font_glyph(unsigned char c);
/* Row (0..FONT_HEIGHT-1) of c's glyph: bit x set where column x has ink. */
unsigned int font_row(unsigned char c, unsigned int row);

#endif
