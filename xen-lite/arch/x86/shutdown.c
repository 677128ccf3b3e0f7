/*
 * Power-off, reset and halt.  Power-off enters ACPI S5; reset tries the
 * FADT reset register, then the PCI reset port 0xcf9, then the keyboard
 * controller, then a triple fault.  Under QEMU an exit status is reported
 * through isa-debug-exit first.
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
    udelay(500000);                     /* the chipset takes a moment */
    printk("Power-off failed: halting\n");
    machine_halt_this_cpu();
}

__noreturn void machine_restart(void)
{
    local_irq_disable();
    stop_other_cpus();
    printk("Resetting the machine\n");
    serial_flush();
    acpi_reset();
    outb(0x06, 0xcf9);                  /* PCI reset control: hard reset */
    for (int i = 0; i < 100000 && (inb(0x64) & 2); i++)
        ;
    outb(0xfe, 0x64);                   /* keyboard controller pulse */
    /* Last resort: a triple fault through an empty IDT. */
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
