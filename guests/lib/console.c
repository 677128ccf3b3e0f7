/*
 * Console output.
 *
 * dom0 (SIF_INITDOMAIN) writes with console_io(CONSOLEIO_write), which the
 * hypervisor passes straight to its own console.  A domU writes into the
 * "out" half of its console ring (start_info.console.domU.mfn, one of the
 * bootstrap pages, so it is in the 1:1 region) and notifies the backend
 * on console.domU.evtchn.  A PVH domU (and a PVH kernel with no
 * hypervisor) writes to COM1, which the hypervisor emulates.
 *
 * One lock keeps lines from different vCPUs apart.  It is taken with
 * events masked; a vCPU that faults while holding it (the register dump of
 * an unhandled exception) goes through rather than deadlock.
 */
#include <guest/guest.h>

static struct xencons_interface *cons_ring;
static evtchn_port_t cons_port;
static bool com1;                       /* a PVH domU: the emulated 16550 */

#define COM1_THR        0x3f8
#define COM1_DLL        0x3f8           /* with LCR.DLAB: divisor, low byte */
#define COM1_DLM        0x3f9           /* with LCR.DLAB: divisor, high byte */
#define COM1_LCR        0x3fb
#define  LCR_8N1        0x03            /* 8 data bits, no parity, 1 stop bit */
#define  LCR_DLAB       0x80
#define COM1_LSR        0x3fd
#define  LSR_THRE       0x20
#define  LSR_TEMT       0x40            /* the last byte has left the wire */
#define UART_115200     1               /* divisor of the 1.8432 MHz clock / 16 */
static volatile int cons_owner = -1;

/* cons_lock() result bit: this vCPU already held the lock (no unlock). */
#define NESTED 0x100

void g_console_init(void)
{
    uint64_t pfn;

    if (g_is_dom0() || g_start_info->console.domU.mfn == 0)
        return;
    pfn = g_mfn_to_pfn(g_start_info->console.domU.mfn);
    cons_ring = g_pfn_to_virt(pfn);
    cons_port = g_start_info->console.domU.evtchn;
}

static void ring_write(const char *buf, size_t len)
{
    struct xencons_interface *r = cons_ring;

    while (len) {
        XENCONS_RING_IDX cons = __atomic_load_n(&r->out_cons,
                                                __ATOMIC_ACQUIRE);
        XENCONS_RING_IDX prod = r->out_prod;
        size_t room = sizeof(r->out) - (prod - cons);

        if (room == 0) {
            /* The backend is behind: poke it and let it run. */
            g_evtchn_send(cons_port);
            hc_sched_op(SCHEDOP_yield, NULL);
            continue;
        }
        for (; room && len; room--, len--)
            r->out[MASK_XENCONS_IDX(prod++, r->out)] = *buf++;
        __atomic_store_n(&r->out_prod, prod, __ATOMIC_RELEASE);
    }
    g_evtchn_send(cons_port);
}

void g_console_use_com1(void)
{
    com1 = true;
}

static void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port));
}

/*
 * With no hypervisor, COM1 is as the loader left it: QEMU's firmware sets
 * 8N1, a Multiboot2 loader under Bochs may leave 5 data bits.  115200 8N1.
 */
void g_console_com1_setup(void)
{
    outb(COM1_LCR, LCR_DLAB);
    outb(COM1_DLL, UART_115200);
    outb(COM1_DLM, 0);
    outb(COM1_LCR, LCR_8N1);
}

static uint8_t com1_lsr(void)
{
    uint8_t lsr;

    __asm__ volatile("inb %1, %0" : "=a"(lsr) : "Nd"((uint16_t)COM1_LSR));
    return lsr;
}

/* Before the machine goes away: until COM1 has sent everything. */
void g_console_com1_drain(void)
{
    while (!(com1_lsr() & LSR_TEMT))
        ;
}

/* Polled: wait for the transmit holding register, then send a byte. */
static void com1_write(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        while (!(com1_lsr() & LSR_THRE))
            ;
        outb(COM1_THR, (uint8_t)buf[i]);
    }
}

static unsigned int cons_lock(void)
{
    unsigned int flags = g_irq_save();
    int me = (int)g_this_cpu()->id;
    int expected = -1;

    if (cons_owner == me)
        return flags | NESTED;      /* re-entered from a fault */
    while (!__atomic_compare_exchange_n(&cons_owner, &expected, me, false,
                                        __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED)) {
        expected = -1;
        g_cpu_relax();
    }
    return flags;
}

static void cons_unlock(unsigned int flags)
{
    if (!(flags & NESTED))
        __atomic_store_n(&cons_owner, -1, __ATOMIC_RELEASE);
    g_irq_restore(flags & ~NESTED);
}

void g_console_write(const char *buf, size_t len)
{
    unsigned int flags;

    if (len == 0)
        return;
    flags = cons_lock();
    if (com1)
        com1_write(buf, len);
    else if (g_is_dom0())
        hc_console_io(CONSOLEIO_write, (unsigned int)len, buf);
    else if (cons_ring)
        ring_write(buf, len);
    cons_unlock(flags);
}

int g_puts(const char *s)
{
    return g_printf("%s\n", s);
}
