/* The hypervisor console: serial output, the in-memory ring, log levels. */
#ifndef XEN_CONSOLE_H
#define XEN_CONSOLE_H

#include "xen/types.h"

/* Threshold values for loglvl= (lower is more severe). */
enum { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

void console_init_preirq(void);
void console_init_postmm(void);
void console_puts_raw(const char *s, size_t len);
void console_puts_guest(unsigned int domid, const char *s, size_t len);
bool console_poll_input(void);
size_t console_read_input(char *buf, size_t len);
void console_start_input_poll(void);
/* Copy up to len bytes of the console ring from *pos; returns bytes copied. */
size_t console_ring_read(char *buf, size_t len, size_t *pos);
size_t console_ring_size(void);
void console_clear_ring(void);
/* Take the console lock whatever state it is in (panic, fatal traps). */
void console_force_unlock(void);
bool console_loglvl_enabled(int lvl);

/* The screen for console=vga (arch/x86/video.c): 0 when it shows the
 * console (desc says what it is), 1 when it can only once all RAM is
 * mapped (can_map), -1 when there is none (said why). */
int video_init(bool can_map, char *desc, size_t len);

/* PS/2 keyboard (arch/x86/i8042.c): typed bytes go to put. */
void i8042_init(void);
void i8042_poll(void (*put)(char c));

/* Serial port (16550). */
struct serial_cfg {
    unsigned long baud;
    unsigned int data_bits, stop_bits;
    char parity;
    uint16_t io_base;
};
int serial_parse_cfg(const char *s, struct serial_cfg *cfg);
void serial_init(const struct serial_cfg *cfg);
void serial_putc(char c);
void serial_flush(void);        /* wait until everything written is sent */
int serial_getc(void);          /* -1 when no character is waiting */

#endif
