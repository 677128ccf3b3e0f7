/*
 * Leaving: exit status, power-off, crash.
 */
#include <guest/guest.h>

static G_NORETURN void shutdown(unsigned int reason)
{
    struct sched_shutdown s = { .reason = reason };

    for (;;) {
        hc_sched_op(SCHEDOP_shutdown, &s);
        /* Not reached on a working hypervisor; do not spin hot. */
        g_irq_disable();
        hc_sched_op(SCHEDOP_block, NULL);
    }
}

void (*g_native_exit)(int code);

void g_exit(int code)
{
    struct sched_xenlite_exit_status st = { .status = code };

    g_printf("exit status %d\n", code);
    if (g_native_exit)
        g_native_exit(code);
    /* xen-lite records it for the boot runner; Xen says -XEN_ENOSYS. */
    hc_sched_op(SCHEDOP_xenlite_exit_status, &st);
    shutdown(SHUTDOWN_poweroff);
}

void g_crash(void)
{
    shutdown(SHUTDOWN_crash);
}

void g_panic(const char *fmt, ...)
{
    va_list ap;

    g_printf("panic: ");
    va_start(ap, fmt);
    g_vprintf(fmt, ap);
    va_end(ap);
    g_printf("\n");
    g_crash();
}
