/* panic(): report a hypervisor bug and stop, in Xen's format. */
#include "asm/current.h"
#include "asm/processor.h"
#include "xen/console.h"
#include "xen/lib.h"
#include "xen/shutdown.h"

static volatile int panicking;

__noreturn void panic(const char *fmt, ...)
{
    static char buf[512];
    va_list ap;

    local_irq_disable();
    if (__atomic_fetch_add(&panicking, 1, __ATOMIC_SEQ_CST))
        machine_halt_this_cpu();        /* another CPU is already reporting */
    console_force_unlock();
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk("\n****************************************\n");
    printk("Panic on CPU %u:\n", smp_processor_id());
    printk("%s\n", buf);
    printk("****************************************\n\n");
    if (opt_noreboot) {
        printk("Manual reset required ('noreboot' specified)\n");
        machine_halt(DEBUG_EXIT_PANIC);
    }
    printk("Rebooting...\n");
    /* Under QEMU, report the panic instead of rebooting into a loop. */
    serial_flush();
    __asm__ __volatile__("outl %0, %1" :: "a"((uint32_t)DEBUG_EXIT_PANIC), "Nd"((uint16_t)DEBUG_EXIT_PORT));
    machine_restart();
}
