/*
 * The COM1 16550 of an HVM domain (NS16550A registers: THR/RBR, IER,
 * IIR/FCR, LCR, MCR, LSR, MSR, SCR; DLL/DLM with LCR.DLAB), always ready
 * to send, never with input or interrupts.  What the guest sends is
 * gathered a line at a time and goes to the domain's console: for dom0
 * the hypervisor console, for a domU its console ring (HVM_PARAM_
 * CONSOLE_PFN), which dom0 serves as `xl console`.  Port 0xe9 (Xen's
 * debug console) always prints on the hypervisor console.
 */
#include "asm/page.h"
#include "xen/console.h"
#include "xen/event.h"
#include "xen/lib.h"
#include "xen/sched.h"
#include "console.h"

#include "hvm/hvm.h"

/* Register offsets and bits (NS16550A data sheet). */
#define UART_RBR_THR    0
#define UART_IER_DLM    1
#define UART_IIR_FCR    2
#define UART_LCR        3
#define UART_MCR        4
#define UART_LSR        5
#define UART_MSR        6
#define UART_SCR        7
#define  LCR_DLAB       0x80
#define  LSR_THRE       0x20            /* transmit holding register empty */
#define  LSR_TEMT       0x40            /* transmitter empty */
#define  IIR_NO_INT     0x01
#define  IIR_FIFO       0xc0
#define  MSR_CTS_DSR_DCD 0xb0

/* Append to a domU's console ring as its back end's producer would. */
static void ring_write(struct domain *d, const char *s, size_t len)
{
    uint64_t gfn = d->arch.hvm.params[HVM_PARAM_CONSOLE_PFN];
    struct xencons_interface *r;
    struct page_info *pg;
    uint32_t prod, cons;
    size_t n = 0;

    if (!gfn || !(r = hvm_map_gfn(d, gfn, &pg)))
        return;
    prod = READ_ONCE(r->out_prod);
    cons = READ_ONCE(r->out_cons);
    for (; n < len && prod - cons < sizeof(r->out); n++, prod++)
        r->out[prod % sizeof(r->out)] = s[n];  /* what does not fit is dropped */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    WRITE_ONCE(r->out_prod, prod);
    hvm_unmap_gfn(pg);
    if (n)
        evtchn_send_from(d, d->arch.hvm.params[HVM_PARAM_CONSOLE_EVTCHN]);
}

static void uart_flush(struct domain *d)
{
    struct vuart *u = &d->arch.hvm.com1;

    if (!u->len)
        return;
    if (d->domain_id == 0)
        console_puts_guest(0, u->line, u->len);
    else
        ring_write(d, u->line, u->len);
    u->len = 0;
}

static void uart_putc(struct domain *d, char c)
{
    struct vuart *u = &d->arch.hvm.com1;

    u->line[u->len++] = c;
    if (c == '\n' || u->len == VUART_LINE_MAX)
        uart_flush(d);
}

/* One byte-wide access to register reg (0-7); the domain's console lock held. */
static void uart_access(struct domain *d, uint16_t reg, bool in, uint32_t *val)
{
    struct vuart *u = &d->arch.hvm.com1;
    bool dlab = u->lcr & LCR_DLAB;
    uint8_t b = *val;

    if (in) {
        static const uint8_t fixed[8] = { [UART_IIR_FCR] = IIR_NO_INT | IIR_FIFO,
                                          [UART_LSR] = LSR_THRE | LSR_TEMT,
                                          [UART_MSR] = MSR_CTS_DSR_DCD };
        uint8_t regs[8] = { dlab ? u->dll : 0, dlab ? u->dlm : u->ier, 0, u->lcr,
                            u->mcr, 0, 0, u->scr };
        *val = regs[reg] | fixed[reg];
        return;
    }
    switch (reg) {
    case UART_RBR_THR: if (dlab) u->dll = b; else uart_putc(d, b); break;
    case UART_IER_DLM: if (dlab) u->dlm = b; else u->ier = b & 0x0f; break;
    case UART_LCR:     u->lcr = b; break;
    case UART_MCR:     u->mcr = b & 0x1f; break;
    case UART_SCR:     u->scr = b; break;
    }
}

void vuart_io(struct domain *d, uint16_t reg, bool in, uint32_t *val)
{
    spin_lock(&d->arch.hvm.console_lock);
    uart_access(d, reg & 7, in, val);
    spin_unlock(&d->arch.hvm.console_lock);
}

void hvm_debug_putc(struct domain *d, char c)
{
    struct hvm_domain *h = &d->arch.hvm;

    spin_lock(&h->console_lock);
    h->dbg_line[h->dbg_len++] = c;
    if (c == '\n' || h->dbg_len == VUART_LINE_MAX) {
        console_puts_guest(d->domain_id, h->dbg_line, h->dbg_len);
        h->dbg_len = 0;
    }
    spin_unlock(&h->console_lock);
}

/* Domain death: what is still waiting for its newline is said now. */
void hvm_console_flush(struct domain *d)
{
    struct hvm_domain *h = &d->arch.hvm;

    spin_lock(&h->console_lock);
    uart_flush(d);
    if (h->dbg_len) {
        h->dbg_line[h->dbg_len++] = '\n';
        console_puts_guest(d->domain_id, h->dbg_line, h->dbg_len);
        h->dbg_len = 0;
    }
    spin_unlock(&h->console_lock);
}
