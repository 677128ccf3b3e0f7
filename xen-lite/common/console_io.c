/*
 * The console_io hypercall: guests write to the hypervisor console; dom0
 * also reads what is typed on it.  Input is polled from the UART by a timer
 * on CPU 0, and each arrival raises VIRQ_CONSOLE for dom0.
 */
#include "asm/guest_access.h"
#include "console.h"
#include "xen/console.h"
#include "xen/event.h"
#include "xen/hypercall.h"
#include "xen/preempt.h"
#include "xen/lib.h"
#include "xen/sched.h"
#include "xen/timer.h"
#include "xen_errno.h"

#define CHUNK               128
#define INPUT_POLL_PERIOD   MILLISECS(10)

static struct timer input_timer;

static void input_poll(void *unused)
{
    if (console_poll_input() && dom0)
        send_guest_global_virq(dom0, VIRQ_CONSOLE);
    set_timer(&input_timer, NOW() + INPUT_POLL_PERIOD);
}

void console_start_input_poll(void)
{
    init_timer(&input_timer, input_poll, NULL, 0);
    set_timer(&input_timer, NOW() + INPUT_POLL_PERIOD);
}

/*
 * A domU may not flood the console, which is written with interrupts off,
 * nor drive the terminal: its bytes come at a bounded rate (a burst, then
 * GUEST_RATE per second, as Xen limits guest messages) and only printable
 * ASCII, newlines and tabs reach the console.  dom0's go as they are.
 */
#define GUEST_BURST         (16 * 1024)
#define GUEST_RATE          (4 * 1024)

/* How many of n bytes d may print now; the rest are counted as dropped. */
static size_t guest_allowance(struct domain *d, size_t n)
{
    unsigned long f = spin_lock_irqsave(&d->domain_lock);
    s_time_t now = NOW();
    uint64_t refill = (uint64_t)(now - d->console_stamp) * GUEST_RATE / SECONDS(1);
    uint64_t dropped = 0;
    bool starts = false;

    if (refill) {
        d->console_budget = MIN((uint64_t)GUEST_BURST, d->console_budget + refill);
        d->console_stamp = now;
    }
    if (n > d->console_budget) {
        starts = !d->console_dropped;
        d->console_dropped += n - d->console_budget;
        n = d->console_budget;
    } else if (n && d->console_dropped) {
        dropped = d->console_dropped;
        d->console_dropped = 0;
    }
    d->console_budget -= n;
    spin_unlock_irqrestore(&d->domain_lock, f);
    if (starts)
        printk(XENLOG_WARNING "d%u: console output over its rate limit: dropping\n",
               d->domain_id);
    if (dropped)
        printk(XENLOG_WARNING "d%u: %lu bytes of console output dropped (rate limit)\n",
               d->domain_id, (unsigned long)dropped);
    return n;
}

/* Printable ASCII, newlines and tabs; carriage returns go (the console
 * adds its own); any other byte becomes a dot.  The new length. */
static size_t sanitize(char *buf, size_t n)
{
    size_t out = 0;

    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (c == '\r')
            continue;
        buf[out++] = (c >= 0x20 && c <= 0x7e) || c == '\n' || c == '\t' ? c : '.';
    }
    return out;
}

/*
 * A domU's output is printed a whole line at a time (as Xen's pbuf), so
 * that its partial lines never run into others' on the console; a line
 * longer than the buffer is broken.
 */
static void guest_output(struct domain *d, char *buf, size_t n)
{
    char line[DOMAIN_CONSOLE_LINE + 1];

    if (d->domain_id == 0) {
        console_puts_guest(0, buf, n);
        return;
    }
    n = sanitize(buf, guest_allowance(d, n));
    for (size_t i = 0; i < n; ) {
        unsigned long f = spin_lock_irqsave(&d->domain_lock);
        size_t out = 0;

        while (i < n && !out) {
            char c = buf[i++];
            d->console_line[d->console_len++] = c;
            if (c == '\n' || d->console_len == DOMAIN_CONSOLE_LINE) {
                memcpy(line, d->console_line, out = d->console_len);
                d->console_len = 0;
            }
        }
        spin_unlock_irqrestore(&d->domain_lock, f);
        if (out && line[out - 1] != '\n')
            line[out++] = '\n';
        if (out)
            console_puts_guest(d->domain_id, line, out);
    }
}

static long console_write(int count, unsigned long buffer)
{
    char buf[CHUNK];

    while (count > 0) {
        int n = MIN(count, CHUNK);
        if (copy_from_guest(buf, buffer, n))
            return -XEN_EFAULT;
        guest_output(current->domain, buf, n);
        buffer += n;
        count -= n;
        if (count && hypercall_preempt_check())
            return hypercall_create_continuation(__HYPERVISOR_console_io, "iih",
                                                 CONSOLEIO_write, count, buffer);
    }
    return 0;
}

static long console_read(int count, unsigned long buffer)
{
    char buf[CHUNK];
    size_t n;

    if (!current->domain->is_privileged)
        return -XEN_EPERM;
    if (count < 0)
        return -XEN_EINVAL;
    n = console_read_input(buf, MIN((size_t)count, sizeof(buf)));
    if (n && copy_to_guest(buffer, buf, n))
        return -XEN_EFAULT;
    return n;
}

long do_console_io(int cmd, int count, unsigned long buffer)
{
    switch (cmd) {
    case CONSOLEIO_write:
        return count < 0 ? -XEN_EINVAL : console_write(count, buffer);
    case CONSOLEIO_read:
        return console_read(count, buffer);
    }
    return -XEN_ENOSYS;
}
