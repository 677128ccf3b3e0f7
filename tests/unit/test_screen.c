/*
 * The screen console's grid (common/screen.c) over a fake back end that
 * records what it is asked to draw: line handling, wrapping, scrolling,
 * the escape sequences dom0 sends, and that a flush draws only the cells
 * that changed.
 */
#include "xen/lib.h"
#include "xen/screen.h"

#include "unit.h"

#define COLS 10
#define ROWS 4

static char drawn[ROWS][COLS];
static unsigned int draws, cur_row, cur_col;

static void fake_draw(unsigned int row, unsigned int col, uint8_t c)
{
    if (row < ROWS && col < COLS)
        drawn[row][col] = c;
    draws++;
}

static void fake_cursor(unsigned int row, unsigned int col)
{
    cur_row = row;
    cur_col = col;
}

static const struct screen_ops fake = { fake_draw, fake_cursor };

static void start(unsigned int cols, unsigned int rows)
{
    memset(drawn, '?', sizeof(drawn));
    draws = 0;
    screen_attach(&fake, cols, rows);
}

static void put(const char *s)
{
    while (*s)
        screen_putc(*s++);
    screen_flush();
}

/* Row r as drawn, trailing blanks removed. */
static const char *row(unsigned int r)
{
    static char buf[COLS + 1];
    int n = COLS;

    memcpy(buf, drawn[r], COLS);
    while (n > 0 && buf[n - 1] == ' ')
        n--;
    buf[n] = '\0';
    return buf;
}

TEST(screen_first_flush_clears_every_cell)
{
    start(COLS, ROWS);
    screen_flush();
    CHECK_EQ(draws, COLS * ROWS);
    for (unsigned int r = 0; r < ROWS; r++)
        CHECK_STR(row(r), "");
    draws = 0;
    screen_flush();
    CHECK_EQ(draws, 0);
}

TEST(screen_lines_and_carriage_return)
{
    start(COLS, ROWS);
    put("ab\ncd\rX");
    CHECK_STR(row(0), "ab");
    CHECK_STR(row(1), "Xd");
    CHECK_EQ(cur_row, 1);
    CHECK_EQ(cur_col, 1);
}

TEST(screen_long_line_wraps_at_the_width)
{
    start(COLS, ROWS);
    put("0123456789");
    CHECK_EQ(cur_row, 0);               /* full row: no wrap until more */
    put("abc\nz");
    CHECK_STR(row(0), "0123456789");
    CHECK_STR(row(1), "abc");
    CHECK_STR(row(2), "z");
}

TEST(screen_exactly_full_row_then_newline_is_one_row)
{
    start(COLS, ROWS);
    put("0123456789\nx");
    CHECK_STR(row(0), "0123456789");
    CHECK_STR(row(1), "x");
}

TEST(screen_scrolls_when_full_and_draws_only_changes)
{
    start(COLS, ROWS);
    put("l1\nl2\nl3\nl4\n");
    CHECK_STR(row(0), "l2");
    CHECK_STR(row(2), "l4");
    CHECK_STR(row(3), "");
    draws = 0;
    put("l5\nl5\n");                     /* rows 1 and 2 become l4 l5... */
    CHECK_STR(row(0), "l4");
    CHECK_STR(row(1), "l5");
    CHECK_STR(row(2), "l5");
    CHECK(draws <= 8);
}

TEST(screen_burst_of_lines_is_drawn_once)
{
    start(COLS, ROWS);
    screen_flush();
    draws = 0;
    for (int i = 0; i < 100; i++)
        screen_putc(i % 2 ? '\n' : 'x');
    screen_flush();
    CHECK(draws <= COLS * ROWS);
    CHECK_STR(row(2), "x");
}

TEST(screen_backspace_and_tab)
{
    start(COLS, ROWS);
    put("abc\b\bX\tY");
    CHECK_STR(row(0), "aXc     Y");
    put("\n\b\bq");                      /* no going before the line start */
    CHECK_STR(row(1), "q");
}

TEST(screen_escape_home_clear_and_erase_line)
{
    start(COLS, ROWS);
    put("aaaa\nbbbb\ncccc");
    put("\033[H\033[2J");
    for (unsigned int r = 0; r < ROWS; r++)
        CHECK_STR(row(r), "");
    CHECK_EQ(cur_row, 0);
    CHECK_EQ(cur_col, 0);
    put("hello\rhe\033[K!");
    CHECK_STR(row(0), "he!");
}

TEST(screen_other_escapes_and_controls_are_swallowed)
{
    start(COLS, ROWS);
    put("a\033[1;31mb\033(Bc\007\001d\033[99999999Ze");
    CHECK_STR(row(0), "abcde");
}

TEST(screen_high_bytes_are_cells)
{
    start(COLS, ROWS);
    put("\xe9\x7f!");
    CHECK_EQ((uint8_t)drawn[0][0], 0xe9);
    CHECK_EQ(drawn[0][1], '!');
    CHECK_EQ(screen_char(0, 0), 0xe9);
    CHECK_EQ(screen_char(ROWS, 0), 0);
}

TEST(screen_size_is_clipped_and_zero_means_detached)
{
    unsigned int c, r;

    screen_attach(&fake, 100000, 100000);
    screen_size(&c, &r);
    CHECK_EQ(c, SCREEN_MAX_COLS);
    CHECK_EQ(r, SCREEN_MAX_ROWS);
    CHECK(screen_attached());
    screen_attach(&fake, 0, 25);
    CHECK(!screen_attached());
    draws = 0;
    put("ignored");
    CHECK_EQ(draws, 0);
}
