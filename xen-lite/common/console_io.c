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

static long console_write(int count, unsigned long buffer)
{
    char buf[CHUNK];

    while (count > 0) {
        int n = MIN(count, CHUNK);
        if (copy_from_guest(buf, buffer, n))
            return -XEN_EFAULT;
        console_puts_guest(current->domain->domain_id, buf, n);
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
