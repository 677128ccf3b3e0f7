/*
 * ACPI on this machine: find the tables through the direct map at boot, and
 * the two actions we take from them: enter S5 through the FADT's PM1 control
 * registers (ACPI 6.4 §4.8.3.2.1, §16.1.6) and reset through its reset
 * register (§4.8.3.6).
 */
#include "asm/acpi.h"
#include "asm/io.h"
#include "asm/page.h"
#include "xen/lib.h"
#include "xen/mm.h"

#define PM1_SLP_TYP_SHIFT   10
#define PM1_SLP_EN          (1U << 13)

struct acpi_info acpi;
static const void *acpi_map_direct(paddr_t pa, size_t len)
{
    /* The direct map covers all RAM and the first 4 GiB (firmware tables). */
    if (pa + len < pa || (pa + len > (1UL << 32) && (pa + len) >> PAGE_SHIFT > max_page))
        return NULL;
    return maddr_to_virt(pa);
}

static void acpi_warn(const char *fmt, ...)
{
    va_list ap;
    char buf[160];

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk(XENLOG_WARNING "%s", buf);
}

void acpi_init(const uint8_t *rsdp, size_t rsdp_len)
{
    if (acpi_parse(rsdp, rsdp_len, acpi_map_direct, acpi_warn, &acpi) < 0) {
        printk(XENLOG_WARNING "ACPI: no usable tables; assuming one CPU\n");
        return;
    }
    printk("ACPI: RSDP rev %u (%.6s), %u CPUs, %u I/O APICs, LAPIC at %#lx\n",
           acpi.revision, acpi.oem_id, acpi.nr_cpus, acpi.nr_ioapics,
           (unsigned long)acpi.lapic_addr);
    if (acpi.have_fadt)
        printk("ACPI: PM1a_CNT %#x, S5 %s (SLP_TYP %u/%u), reset %s\n",
               acpi.pm1a_cnt, acpi.have_s5 ? "found" : "missing",
               acpi.slp_typ_a, acpi.slp_typ_b, acpi.have_reset ? "register" : "none");
    if (acpi.nr_cpus_ignored)
        printk(XENLOG_WARNING "ACPI: %u CPUs beyond the %u supported ignored\n",
               acpi.nr_cpus_ignored, NR_CPUS);
}

void acpi_power_off(void)
{
    if (!acpi.have_fadt || !acpi.pm1a_cnt)
        return;
    outw((acpi.slp_typ_a << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN, acpi.pm1a_cnt);
    if (acpi.pm1b_cnt)
        outw((acpi.slp_typ_b << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN, acpi.pm1b_cnt);
}

void acpi_reset(void)
{
    if (!acpi.have_reset)
        return;
    if (acpi.reset_reg.space == ACPI_SPACE_IO)
        outb(acpi.reset_value, acpi.reset_reg.address);
    else if (acpi.reset_reg.space == ACPI_SPACE_MEMORY &&
             acpi.reset_reg.address < (1UL << 32))
        *(volatile uint8_t *)maddr_to_virt(acpi.reset_reg.address) = acpi.reset_value;
}

