/*
 * 16550 UART (COM1 by default), polled for output.  Configured in Xen's
 * syntax: com1=<baud>[,<data><parity><stop>[,<io-base>]], e.g.
 * com1=115200,8n1.
 */
#include "asm/io.h"
#include "xen/console.h"
#include "xen/lib.h"

#define UART_RBR    0   /* receive buffer (DLAB=0) */
#define UART_THR    0   /* transmit holding (DLAB=0) */
#define UART_DLL    0   /* divisor latch low (DLAB=1) */
#define UART_IER    1
#define UART_DLM    1   /* divisor latch high (DLAB=1) */
#define UART_FCR    2
#define UART_LCR    3
#define  LCR_DLAB   0x80
#define UART_MCR    4
#define  MCR_DTR    0x01
#define  MCR_RTS    0x02
#define UART_LSR    5
#define  LSR_DR     0x01
#define  LSR_THRE   0x20   /* transmit holding register (or FIFO) empty */
#define  LSR_TEMT   0x40   /* ...and the shift register too: all sent */

#define UART_CLOCK_HZ   1843200

/* Polls of LSR before giving up on a UART that never drains. */
#define UART_CHAR_SPINS     100000
#define UART_FIFO_CHARS     16

static uint16_t port;

int serial_parse_cfg(const char *s, struct serial_cfg *cfg)
{
    const char *p = s;

    *cfg = (struct serial_cfg){ 115200, 8, 1, 'n', 0x3f8 };
    if (*p && *p != ',') {
        cfg->baud = simple_strtoull(p, &p, 10);
        if (!cfg->baud || cfg->baud > UART_CLOCK_HZ / 16)
            return -1;
    }
    if (*p == ',' && p[1] && p[1] != ',') {
        p++;
        if (p[0] < '5' || p[0] > '8' || !strchr("noems", p[1]) ||
            (p[2] != '1' && p[2] != '2'))
            return -1;
        cfg->data_bits = p[0] - '0';
        cfg->parity = p[1];
        cfg->stop_bits = p[2] - '0';
        p += 3;
    }
    if (*p == ',' && p[1]) {
        cfg->io_base = simple_strtoull(p + 1, &p, 0);
        if (!cfg->io_base)
            return -1;
    }
    return *p ? -1 : 0;
}

void serial_init(const struct serial_cfg *cfg)
{
    static const char parities[] = "noems";
    unsigned int divisor = UART_CLOCK_HZ / 16 / cfg->baud;
    uint8_t lcr = (cfg->data_bits - 5) | ((cfg->stop_bits - 1) << 2);
    int par = strchr(parities, cfg->parity) - parities;

    /* LCR parity: none, odd 001, even 011, mark 101, space 111 (bits 3-5). */
    static const uint8_t par_bits[] = { 0x00, 0x08, 0x18, 0x28, 0x38 };
    lcr |= par_bits[par];

    port = cfg->io_base;
    outb(0, port + UART_IER);
    outb(LCR_DLAB, port + UART_LCR);
    outb(divisor & 0xff, port + UART_DLL);
    outb(divisor >> 8, port + UART_DLM);
    outb(lcr, port + UART_LCR);
    outb(0x07, port + UART_FCR);            /* enable and clear FIFOs */
    outb(MCR_DTR | MCR_RTS, port + UART_MCR);
}

void serial_putc(char c)
{
    if (!port)
        return;
    for (int spins = 0; !(inb(port + UART_LSR) & LSR_THRE) && spins < UART_CHAR_SPINS; spins++)
        ;
    outb(c, port + UART_THR);
}

/*
 * Wait until the last character has left the UART: the machine is about to
 * stop, and what still sits in the FIFO would be lost (a power-off under
 * Bochs cut the final line's CR LF).
 */
void serial_flush(void)
{
    if (!port)
        return;
    for (int spins = 0; !(inb(port + UART_LSR) & LSR_TEMT) &&
                        spins < UART_CHAR_SPINS * UART_FIFO_CHARS; spins++)
        ;
}

int serial_getc(void)
{
    if (!port || !(inb(port + UART_LSR) & LSR_DR))
        return -1;
    return inb(port + UART_RBR);
}
