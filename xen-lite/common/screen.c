/*
 * The screen console: a grid of character cells that the console writes
 * into, byte by byte, the same text the serial line gets.  Writing only
 * changes the grid; screen_flush() draws the cells that differ from what
 * is on the screen, so a burst of lines that scrolls many times is drawn
 * once, and the back end only ever writes to video memory.
 *
 * Understood: CR, LF (a new line, at its start, as on the serial line
 * where LF is sent as CR LF), BS, TAB (on to the next multiple of 8), and
 * the escape sequences dom0 sends: ESC[H (home), ESC[2J (clear), ESC[K
 * (erase to the end of the line).  Other control bytes and sequences
 * (ESC [ ... final, ESC ( x, ESC x) are swallowed.  Pure logic over a back
 * end's two callbacks (unit-tested).
 */
#include "xen/lib.h"
#include "xen/screen.h"

#define TAB_STOP        8
#define CSI_PARAM_MAX   9999

enum esc_state { ESC_NONE, ESC_SEEN, ESC_CSI, ESC_CHARSET };

static const struct screen_ops *ops;
static unsigned int cols, rows;
static unsigned int cur_x, cur_y;       /* cur_x == cols: wrap at next glyph */
static uint8_t text[SCREEN_MAX_ROWS][SCREEN_MAX_COLS];
static uint8_t shown[SCREEN_MAX_ROWS][SCREEN_MAX_COLS];
static enum esc_state esc;
static unsigned int csi_param;

static void clear_rows(unsigned int from, unsigned int to)
{
    for (unsigned int y = from; y < to; y++)
        memset(text[y], ' ', cols);
}

void screen_attach(const struct screen_ops *o, unsigned int c, unsigned int r)
{
    cols = MIN(c, (unsigned int)SCREEN_MAX_COLS);
    rows = MIN(r, (unsigned int)SCREEN_MAX_ROWS);
    cur_x = cur_y = 0;
    esc = ESC_NONE;
    clear_rows(0, rows);
    /* Nothing matches a blank: the first flush clears the whole screen
     * (the firmware's and the boot loader's text with it). */
    memset(shown, 0, sizeof(shown));
    ops = cols && rows ? o : NULL;
}

bool screen_attached(void)
{
    return ops != NULL;
}

void screen_size(unsigned int *c, unsigned int *r)
{
    *c = cols;
    *r = rows;
}

uint8_t screen_char(unsigned int row, unsigned int col)
{
    return row < rows && col < cols ? text[row][col] : 0;
}

static void newline(void)
{
    cur_x = 0;
    if (cur_y + 1 < rows) {
        cur_y++;
        return;
    }
    memmove(text[0], text[1], (rows - 1) * sizeof(text[0]));
    clear_rows(rows - 1, rows);
}

static void put_glyph(uint8_t c)
{
    if (cur_x == cols)
        newline();
    text[cur_y][cur_x++] = c;
}

static void csi_final(uint8_t c)
{
    if (c == 'H') {
        cur_x = cur_y = 0;
    } else if (c == 'J' && csi_param == 2) {
        clear_rows(0, rows);
    } else if (c == 'K' && cur_x < cols) {
        memset(&text[cur_y][cur_x], ' ', cols - cur_x);
    }
}

/* Inside an escape sequence: true if c belonged to it. */
static bool escape_byte(uint8_t c)
{
    switch (esc) {
    case ESC_NONE:
        return false;
    case ESC_SEEN:                      /* ESC [ ..., ESC ( x, or ESC x */
        esc = c == '[' ? ESC_CSI : c == '(' || c == ')' ? ESC_CHARSET : ESC_NONE;
        csi_param = 0;
        return true;
    case ESC_CHARSET:
        esc = ESC_NONE;
        return true;
    case ESC_CSI:
        if (c >= '0' && c <= '9') {
            csi_param = MIN(csi_param * 10 + (c - '0'), CSI_PARAM_MAX);
        } else if (c >= 0x40 && c <= 0x7e) {
            csi_final(c);
            esc = ESC_NONE;
        }
        return true;
    }
    return false;
}

void screen_putc(char ch)
{
    uint8_t c = ch;

    if (!ops || escape_byte(c))
        return;
    switch (c) {
    case '\n':
        newline();
        break;
    case '\r':
        cur_x = 0;
        break;
    case '\b':
        cur_x -= cur_x > 0;
        break;
    case '\t':
        cur_x = MIN((cur_x / TAB_STOP + 1) * TAB_STOP, cols);
        break;
    case 0x1b:
        esc = ESC_SEEN;
        break;
    default:
        if (c >= 0x20 && c != 0x7f)
            put_glyph(c);
    }
}

void screen_flush(void)
{
    if (!ops)
        return;
    for (unsigned int y = 0; y < rows; y++)
        for (unsigned int x = 0; x < cols; x++)
            if (text[y][x] != shown[y][x]) {
                ops->draw(y, x, text[y][x]);
                shown[y][x] = text[y][x];
            }
    if (ops->cursor)
        ops->cursor(cur_y, MIN(cur_x, cols - 1));
}
