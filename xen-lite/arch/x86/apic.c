/*
 * Local APIC: x2APIC mode when the CPU has it (Intel SDM vol. 3 §10.12),
 * xAPIC MMIO otherwise; IPIs, INIT-SIPI-SIPI (§8.4.4.1), the one-shot timer
 * (§10.5.4).  The legacy 8259 PICs are remapped away from the exception
 * vectors and masked; the I/O APICs are left masked.
 */
#include "asm/acpi.h"
#include "asm/apic.h"
#include "asm/desc.h"
#include "asm/io.h"
#include "asm/msr.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "asm/traps.h"
#include "xen/lib.h"
#include "xen/param.h"
#include "xen/percpu.h"

static bool x2apic;
static bool ready;
static volatile uint32_t *mmio;
static uint64_t timer_ticks_per_ms;     /* at divide-by-16 */
static bool opt_x2apic = true;
static bool timer_unmasked[NR_CPUS];  /* LVT timer set one-shot, unmasked */
boolean_param("x2apic", opt_x2apic);

uint32_t apic_read(unsigned int reg)
{
    if (x2apic)
        return rdmsr(MSR_X2APIC_BASE + (reg >> 4));
    return mmio[reg / 4];
}

void apic_write(unsigned int reg, uint32_t v)
{
    if (x2apic)
        wrmsr(MSR_X2APIC_BASE + (reg >> 4), v);
    else
        mmio[reg / 4] = v;
}

bool apic_ready(void)         { return ready; }
bool apic_is_x2apic(void)     { return x2apic; }
void apic_eoi(void)           { apic_write(APIC_EOI, 0); }

uint32_t apic_current_id(void)
{
    uint32_t id = apic_read(APIC_ID);

    return x2apic ? id : id >> 24;
}

static void icr_write(uint32_t dest, uint32_t low)
{
    if (x2apic) {
        /* x2APIC ICR is one 64-bit MSR, destination in the high half. */
        wrmsr(MSR_X2APIC_BASE + (APIC_ICR >> 4), ((uint64_t)dest << 32) | low);
        return;
    }
    while (mmio[APIC_ICR / 4] & ICR_BUSY)
        cpu_relax();
    mmio[APIC_ICR2 / 4] = dest << 24;
    mmio[APIC_ICR / 4] = low;
}

void send_ipi(uint32_t apic_id, unsigned int vector)
{
    unsigned long f = local_irq_save();
    icr_write(apic_id, ICR_FIXED | ICR_ASSERT | vector);
    local_irq_restore(f);
}

void send_ipi_allbutself(unsigned int vector)
{
    unsigned long f = local_irq_save();
    icr_write(0, ICR_ALLBUT | ICR_FIXED | ICR_ASSERT | vector);
    local_irq_restore(f);
}

void send_nmi(uint32_t apic_id)
{
    icr_write(apic_id, ICR_NMI | ICR_ASSERT);
}

static void udelay_spin(unsigned int us)
{
    /* Before calibration; only for INIT/SIPI gaps where more is harmless. */
    for (unsigned int i = 0; i < us; i++)
        inb(0x80);                      /* ~1 us on real hardware */
}

void apic_send_init_sipi(uint32_t apic_id, unsigned int trampoline_page)
{
    icr_write(apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
    udelay_spin(200);
    icr_write(apic_id, ICR_INIT | ICR_LEVEL);
    udelay_spin(200);
    for (int i = 0; i < 2; i++) {
        icr_write(apic_id, ICR_STARTUP | trampoline_page);
        udelay_spin(200);
    }
}

static void pic_disable(void)
{
    /* ICW1-4: remap master to 0x20, slave to 0x28, then mask everything. */
    outb(0x11, 0x20); outb(0x11, 0xa0);
    outb(0x20, 0x21); outb(0x28, 0xa1);
    outb(0x04, 0x21); outb(0x02, 0xa1);
    outb(0x01, 0x21); outb(0x01, 0xa1);
    outb(0xff, 0x21); outb(0xff, 0xa1);
}

static void ioapic_mask_all(void)
{
    for (unsigned int i = 0; i < acpi.nr_ioapics; i++) {
        volatile uint32_t *io = maddr_to_virt(acpi.ioapic[i].addr);
        unsigned int pins;

        io[0] = 1;                      /* IOAPICVER */
        pins = ((io[4] >> 16) & 0xff) + 1;
        for (unsigned int p = 0; p < pins; p++) {
            io[0] = 0x10 + 2 * p;       /* redirection entry, low half */
            io[4] = LVT_MASKED;
        }
    }
}

static void spurious_interrupt(struct cpu_user_regs *regs) { }

static void error_interrupt(struct cpu_user_regs *regs)
{
    apic_write(APIC_ESR, 0);
    printk(XENLOG_WARNING "CPU%u: APIC error, ESR %#x\n", smp_processor_id(),
           apic_read(APIC_ESR));
    apic_eoi();
}

static void apic_setup_local(void)
{
    uint64_t base = rdmsr(MSR_IA32_APIC_BASE);

    if (x2apic)
        wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
    else
        wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_ENABLE);
    apic_write(APIC_TPR, 0);
    apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_VECTOR);
    /* NMIs come in on the pin the MADT names; the other pin is masked. */
    apic_write(APIC_LVT_LINT0, acpi_nmi_lint(&acpi) == 0 ? LVT_NMI : LVT_MASKED);
    apic_write(APIC_LVT_LINT1, acpi_nmi_lint(&acpi) == 1 ? LVT_NMI : LVT_MASKED);
    apic_write(APIC_LVT_ERROR, ERROR_APIC_VECTOR);
    apic_write(APIC_ESR, 0);
    apic_write(APIC_LVT_TIMER, LVT_MASKED | LAPIC_TIMER_VECTOR);
    apic_write(APIC_TDCR, TDCR_DIV_16);
    timer_unmasked[smp_processor_id()] = false;
}

void apic_init_bsp(void)
{
    uint64_t phys = acpi.lapic_addr ? acpi.lapic_addr : 0xfee00000;
    const char *why;

    if (!(cpuid(1).edx & CPUID1_EDX_APIC))
        panic("this CPU has no local APIC");
    x2apic = apic_choose_x2apic(cpuid(1).ecx & CPUID1_ECX_X2APIC, opt_x2apic,
                                rdmsr(MSR_IA32_APIC_BASE), &why);
    mmio = maddr_to_virt(phys);
    pic_disable();
    ioapic_mask_all();
    set_irq_handler(SPURIOUS_VECTOR, spurious_interrupt);
    set_irq_handler(ERROR_APIC_VECTOR, error_interrupt);
    apic_setup_local();
    ready = true;
    printk("Local APIC: %s mode%s%s%s, BSP APIC ID %u\n",
           x2apic ? "x2APIC" : "xAPIC", why ? " (" : "", why ? why : "",
           why ? ")" : "", apic_current_id());
}

void apic_init_ap(void)
{
    apic_setup_local();
}

void apic_timer_calibrate_start(void)
{
    apic_write(APIC_TMICT, 0xffffffff);
}

void apic_timer_calibrate_end(uint64_t elapsed_ns, uint32_t ticks)
{
    apic_write(APIC_TMICT, 0);
    timer_ticks_per_ms = elapsed_ns ? (uint64_t)ticks * 1000000 / elapsed_ns : 0;
    if (!timer_ticks_per_ms)
        panic("LAPIC timer does not count");
    printk("LAPIC timer: %lu.%03lu MHz bus clock\n", timer_ticks_per_ms * 16 / 1000,
           timer_ticks_per_ms * 16 % 1000);
}

void apic_timer_set(int64_t ns)
{
    unsigned int cpu = smp_processor_id();
    uint64_t ticks = ns <= 0 ? 1 : (uint64_t)ns * timer_ticks_per_ms / 1000000;

    ticks = MAX(ticks, 1UL);
    ticks = MIN(ticks, 0xffffffffUL);
    /* The LVT is written once: each APIC access is an exit under an
     * emulator or another hypervisor, and timers are set thousands of
     * times a second while a guest boots. */
    if (!timer_unmasked[cpu]) {
        apic_write(APIC_LVT_TIMER, LAPIC_TIMER_VECTOR);     /* one-shot */
        timer_unmasked[cpu] = true;
    }
    apic_write(APIC_TMICT, ticks);
}

void apic_timer_stop(void)
{
    apic_write(APIC_TMICT, 0);
}
