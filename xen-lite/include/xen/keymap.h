/*
 * PC keyboard scan codes (set 1, as the i8042 controller translates them)
 * to the bytes a serial terminal would send for the same keys.
 */
#ifndef XEN_KEYMAP_H
#define XEN_KEYMAP_H

#include "xen/types.h"

#define KEYMAP_MAX_BYTES    4           /* the longest: ESC [ 3 ~ */

struct kbd_state {
    bool shift_l, shift_r, ctrl_l, ctrl_r, caps;
    bool e0;                            /* an 0xE0 prefix came before */
    unsigned int skip;                  /* bytes of a Pause sequence left */
};

/* Feed one scan-code byte; returns how many bytes it typed into out. */
unsigned int keymap_feed(struct kbd_state *k, uint8_t code,
                         char out[KEYMAP_MAX_BYTES]);

#endif
