/*
 * Power-off, reset and halt.  Power-off enters ACPI S5; reset tries the
 * FADT reset register, then the PCI reset control register, then the
 * keyboard controller's reset line, then a triple fault, each a moment
 * after the one before did nothing, saying which it tries.  Under QEMU an
 * exit status is reported through isa-debug-exit first.
 */
#include "asm/acpi.h"
#include "asm/apic.h"
#include "asm/io.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "asm/time.h"
#include "xen/console.h"
#include "xen/lib.h"
#include "xen/param.h"
#include "xen/percpu.h"
#include "xen/shutdown.h"

/* PCI reset control register (Intel PIIX/ICH: I/O 0xcf9), hard reset. */
#define PCI_RESET_CONTROL   0xcf9
#define  RST_CPU            0x04
#define  SYS_RST            0x02
/* i8042 keyboard controller: pulse output line 0, wired to CPU reset. */
#define I8042_STATUS        0x64
#define I8042_COMMAND       0x64
#define  STATUS_IBF         0x02
#define  CMD_PULSE_RESET    0xfe

#define KBC_WAIT_SPINS      100000
#define RESET_SETTLE_US     100000      /* give each way time to act */
#define POWER_OFF_SETTLE_US 500000

bool opt_noreboot;
boolean_param("noreboot", opt_noreboot);

static volatile bool halting;

bool machine_halting(void)
{
    return halting;
}

__noreturn void machine_halt_this_cpu(void)
{
    local_irq_disable();
    if (this_cpu())
        this_cpu()->online = false;
    for (;;)
        halt();
}

/* Stop every other CPU (IPI, and NMI for ones with interrupts off). */
static void stop_other_cpus(void)
{
    halting = true;
    if (apic_ready())
        send_ipi_allbutself(HALT_VECTOR);
    for (int spins = 0; spins < 1000000 && nr_cpus_online > 1; spins++) {
        unsigned int on = 0;
        for_each_online_cpu(c)
            on++;
        if (on <= 1)
            break;
        cpu_relax();
    }
}

static void debug_exit(unsigned int v)
{
    outl(v, DEBUG_EXIT_PORT);
}

__noreturn void machine_power_off(int status)
{
    local_irq_disable();
    stop_other_cpus();
    printk("Powering off (status %d)\n", status);
    serial_flush();
    if (status)
        debug_exit(MIN((unsigned int)status, DEBUG_EXIT_STATUS_MAX));
    acpi_power_off();
    udelay(POWER_OFF_SETTLE_US);        /* the chipset takes a moment */
    printk("Power-off failed: halting\n");
    machine_halt_this_cpu();
}

__noreturn void machine_restart(void)
{
    local_irq_disable();
    stop_other_cpus();
    printk("Resetting the machine\n");
    acpi_reset();
    udelay(RESET_SETTLE_US);
    printk("Reset: through the PCI reset control register (I/O %#x)\n",
           PCI_RESET_CONTROL);
    serial_flush();
    outb(SYS_RST | RST_CPU, PCI_RESET_CONTROL);
    udelay(RESET_SETTLE_US);
    printk("Reset: through the keyboard controller\n");
    serial_flush();
    for (int i = 0; i < KBC_WAIT_SPINS && (inb(I8042_STATUS) & STATUS_IBF); i++)
        ;
    outb(CMD_PULSE_RESET, I8042_COMMAND);
    udelay(RESET_SETTLE_US);
    printk("Reset: by a triple fault\n");
    serial_flush();
    struct { uint16_t limit; uint64_t base; } __packed none = { 0, 0 };
    __asm__ __volatile__("lidt %0; int3" :: "m"(none));
    machine_halt_this_cpu();
}

__noreturn void machine_halt(int exit_value)
{
    local_irq_disable();
    stop_other_cpus();
    serial_flush();
    if (exit_value)
        debug_exit(exit_value);
    machine_halt_this_cpu();
}
