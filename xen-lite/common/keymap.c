/*
 * A PC keyboard's scan codes (set 1: what the i8042 controller delivers
 * with translation on) into the bytes a serial terminal sends for the same
 * keys, US layout: Enter is CR, Backspace DEL, Ctrl+letter its control
 * code (Ctrl-] is 0x1d, which detaches `xl console`), the arrows and the
 * editing keys VT100 sequences.  A code with bit 7 set is a key's release;
 * 0xE0 announces an extended key, 0xE1 the Pause key's six-byte sequence.
 * Pure logic (unit-tested).
 */
#include "xen/keymap.h"
#include "xen/lib.h"

#define SC_RELEASE      0x80
#define SC_EXTENDED     0xe0
#define SC_PAUSE        0xe1            /* then 5 more bytes; 2 per half */
#define PAUSE_HALF      2

#define SC_LCTRL        0x1d            /* 0xE0 0x1D: right Ctrl */
#define SC_LSHIFT       0x2a
#define SC_RSHIFT       0x36
#define SC_CAPS         0x3a
#define SC_KEYPAD_FIRST 0x47            /* 7 8 9 - 4 5 6 + 1 2 3 0 . */

/* Make codes 0x00-0x39 without and with Shift; 0 where nothing is typed. */
static const char plain[] =
    "\0\x1b" "1234567890-=" "\x7f\t" "qwertyuiop[]" "\r\0" "asdfghjkl;'`"
    "\0\\" "zxcvbnm,./" "\0*\0 ";
static const char shifted[] =
    "\0\x1b" "!@#$%^&*()_+" "\x7f\t" "QWERTYUIOP{}" "\r\0" "ASDFGHJKL:\"~"
    "\0|" "ZXCVBNM<>?" "\0*\0 ";
static const char keypad[] = "789-456+1230.";

_Static_assert(sizeof(plain) == 0x3a + 1 && sizeof(shifted) == sizeof(plain),
               "one entry per make code 0x00-0x39");

/* Extended keys (after 0xE0) and what they send. */
static const struct {
    uint8_t code;
    const char *seq;
} extended[] = {
    { 0x1c, "\r" },         { 0x35, "/" },          /* keypad Enter, / */
    { 0x48, "\033[A" },     { 0x50, "\033[B" },     /* up, down */
    { 0x4d, "\033[C" },     { 0x4b, "\033[D" },     /* right, left */
    { 0x47, "\033[H" },     { 0x4f, "\033[F" },     /* home, end */
    { 0x52, "\033[2~" },    { 0x53, "\033[3~" },    /* insert, delete */
    { 0x49, "\033[5~" },    { 0x51, "\033[6~" },    /* page up, down */
};

static unsigned int put_seq(const char *seq, char *out)
{
    unsigned int n = MIN(strlen(seq), (size_t)KEYMAP_MAX_BYTES);

    memcpy(out, seq, n);
    return n;
}

/* Shift, Ctrl and Caps Lock; true if the code was one of them. */
static bool modifier(struct kbd_state *k, uint8_t code, bool ext, bool down)
{
    switch (code) {
    case SC_LCTRL:
        *(ext ? &k->ctrl_r : &k->ctrl_l) = down;
        return true;
    case SC_LSHIFT:
    case SC_RSHIFT:
        if (!ext)                       /* 0xE0 0x2A: a fake shift, ignored */
            *(code == SC_LSHIFT ? &k->shift_l : &k->shift_r) = down;
        return true;
    case SC_CAPS:
        k->caps ^= down;
        return true;
    }
    return false;
}

static char base_char(const struct kbd_state *k, uint8_t code)
{
    bool shift = k->shift_l || k->shift_r;
    char c;

    if (code >= SC_KEYPAD_FIRST && code < SC_KEYPAD_FIRST + sizeof(keypad) - 1)
        return keypad[code - SC_KEYPAD_FIRST];
    if (code >= sizeof(plain) - 1)
        return 0;
    c = shift ? shifted[code] : plain[code];
    if (k->caps && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
        c ^= 0x20;
    return c;
}

unsigned int keymap_feed(struct kbd_state *k, uint8_t code,
                         char out[KEYMAP_MAX_BYTES])
{
    bool ext = k->e0, down = !(code & SC_RELEASE);
    char c;

    if (k->skip) {
        k->skip--;
        return 0;
    }
    if (code == SC_EXTENDED || code == SC_PAUSE) {
        k->e0 = code == SC_EXTENDED;
        k->skip = code == SC_PAUSE ? PAUSE_HALF : 0;
        return 0;
    }
    k->e0 = false;
    code &= ~SC_RELEASE;
    if (modifier(k, code, ext, down) || !down)
        return 0;
    if (ext) {
        for (size_t i = 0; i < ARRAY_SIZE(extended); i++)
            if (extended[i].code == code)
                return put_seq(extended[i].seq, out);
        return 0;
    }
    c = base_char(k, code);
    if (c && (k->ctrl_l || k->ctrl_r) && c >= 0x40 && c <= 0x7e)
        c &= 0x1f;
    out[0] = c;
    return c != 0;
}
