/*
 * Scan codes (set 1) to terminal bytes (common/keymap.c): the US layout,
 * Shift and Caps Lock, Ctrl (Ctrl-] for xl console), the keys sent as
 * escape sequences, releases, and the prefixes 0xE0 and 0xE1.
 */
#include "xen/keymap.h"
#include "xen/lib.h"

#include "unit.h"

#define REL(code) ((code) | 0x80)

static struct kbd_state k;
static char typed[64];
static unsigned int ntyped;

static void feed(const uint8_t *codes, size_t n)
{
    char out[KEYMAP_MAX_BYTES];

    for (size_t i = 0; i < n; i++) {
        unsigned int got = keymap_feed(&k, codes[i], out);
        CHECK(got <= KEYMAP_MAX_BYTES);
        for (unsigned int j = 0; j < got && ntyped < sizeof(typed) - 1; j++)
            typed[ntyped++] = out[j];
    }
    typed[ntyped] = '\0';
}

#define FEED(...) feed((const uint8_t[]){ __VA_ARGS__ }, \
                       sizeof((const uint8_t[]){ __VA_ARGS__ }))

static void reset(void)
{
    memset(&k, 0, sizeof(k));
    ntyped = 0;
    typed[0] = '\0';
}

/* Press and release one key. */
#define TAP(code) FEED(code, REL(code))

TEST(keymap_letters_digits_and_punctuation)
{
    reset();
    TAP(0x23); TAP(0x12); TAP(0x26); TAP(0x26); TAP(0x18);     /* hello */
    TAP(0x39); TAP(0x02); TAP(0x0b); TAP(0x0c); TAP(0x0d);     /* ' 10-=' */
    TAP(0x1a); TAP(0x1b); TAP(0x27); TAP(0x28); TAP(0x29);     /* [];'` */
    TAP(0x2b); TAP(0x33); TAP(0x34); TAP(0x35); TAP(0x37);     /* \ , . / and keypad star */
    CHECK_STR(typed, "hello 10-=[];'`\\,./*");
}

TEST(keymap_shift_either_side)
{
    reset();
    FEED(0x2a, 0x1e, REL(0x1e), 0x02, REL(0x02), REL(0x2a));   /* A! */
    FEED(0x36, 0x1a, REL(0x1a), 0x28, REL(0x28), REL(0x36));   /* {" */
    TAP(0x1e);
    CHECK_STR(typed, "A!{\"a");
}

TEST(keymap_caps_lock_toggles_letters_only)
{
    reset();
    TAP(0x3a);
    TAP(0x10); TAP(0x02);                                      /* Q1 */
    FEED(0x2a, 0x10, REL(0x10), REL(0x2a));                    /* q */
    TAP(0x3a);
    TAP(0x10);
    CHECK_STR(typed, "Q1qq");
}

TEST(keymap_ctrl_letters_and_ctrl_bracket)
{
    reset();
    FEED(0x1d, 0x2e, REL(0x2e), 0x16, REL(0x16), 0x1b, REL(0x1b),
         0x1a, REL(0x1a), REL(0x1d));                          /* ^C ^U ^] ^[ */
    TAP(0x2e);                                                  /* c again */
    CHECK_EQ(ntyped, 5);
    CHECK_EQ(typed[0], 0x03);
    CHECK_EQ(typed[1], 0x15);
    CHECK_EQ(typed[2], 0x1d);
    CHECK_EQ(typed[3], 0x1b);
    CHECK_EQ(typed[4], 'c');
}

TEST(keymap_right_ctrl_is_extended_and_released)
{
    reset();
    FEED(0xe0, 0x1d, 0x1b, REL(0x1b), 0xe0, REL(0x1d));
    TAP(0x1b);
    CHECK_EQ(ntyped, 2);
    CHECK_EQ(typed[0], 0x1d);
    CHECK_EQ(typed[1], ']');
}

TEST(keymap_enter_backspace_tab_escape)
{
    reset();
    TAP(0x1c); TAP(0x0e); TAP(0x0f); TAP(0x01);
    FEED(0xe0, 0x1c, 0xe0, REL(0x1c));                          /* keypad Enter */
    CHECK_STR(typed, "\r\x7f\t\x1b\r");
}

TEST(keymap_arrows_and_editing_keys_are_vt100_sequences)
{
    reset();
    FEED(0xe0, 0x48, 0xe0, REL(0x48), 0xe0, 0x4b, 0xe0, REL(0x4b));
    FEED(0xe0, 0x53, 0xe0, REL(0x53));
    CHECK_STR(typed, "\033[A\033[D\033[3~");
}

TEST(keymap_releases_and_function_keys_type_nothing)
{
    reset();
    FEED(REL(0x1e), 0x3b, REL(0x3b), 0x58, REL(0x58), 0x38, REL(0x38));
    FEED(0xe0, 0x5b, 0xe0, REL(0x5b));                          /* Windows key */
    CHECK_EQ(ntyped, 0);
}

TEST(keymap_fake_shift_of_print_screen_is_ignored)
{
    reset();
    FEED(0xe0, 0x2a, 0xe0, 0x37, 0xe0, REL(0x37), 0xe0, REL(0x2a));
    TAP(0x1e);
    CHECK_STR(typed, "a");
}

TEST(keymap_pause_sequence_is_swallowed_whole)
{
    reset();
    FEED(0xe1, 0x1d, 0x45, 0xe1, REL(0x1d), REL(0x45));
    TAP(0x1e);
    CHECK_STR(typed, "a");
    CHECK(!k.ctrl_l && !k.ctrl_r);
}

TEST(keymap_keypad_digits)
{
    reset();
    TAP(0x47); TAP(0x4f); TAP(0x52); TAP(0x53); TAP(0x4a); TAP(0x4e);
    CHECK_STR(typed, "710.-+");
}

TEST(keymap_every_byte_value_is_safe)
{
    char out[KEYMAP_MAX_BYTES];

    reset();
    for (unsigned int prefix = 0; prefix < 3; prefix++)
        for (unsigned int c = 0; c < 256; c++) {
            if (prefix)
                keymap_feed(&k, prefix == 1 ? 0xe0 : 0xe1, out);
            CHECK(keymap_feed(&k, c, out) <= KEYMAP_MAX_BYTES);
        }
}
