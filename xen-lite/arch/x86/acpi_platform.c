/*
 * ACPI on this machine: find the tables through the direct map at boot, and
 * the two actions we take from them: enter S5 through the FADT's PM1 control
 * registers (ACPI 6.4 §4.8.3.2.1, §16.1.6) and reset through its reset
 * register (§4.8.3.6).
 */
#include "asm/acpi.h"
#include "asm/io.h"
#include "asm/page.h"
#include "xen/console.h"
#include "xen/lib.h"
#include "xen/mm.h"

#define PM1_SLP_TYP_SHIFT   10
#define PM1_SLP_EN          (1U << 13)


struct acpi_info acpi;

static const void *acpi_map_direct(paddr_t pa, size_t len)
{
    if (pa + len < pa || (pa + len > BOOT_DIRECTMAP_END &&
                          (pa + len) >> PAGE_SHIFT > max_page))
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

/* One line per table, as Xen prints them. */
static void print_tables(void)
{
    for (unsigned int i = 0; i < acpi.nr_tables; i++) {
        const struct acpi_table_ref *t = &acpi.tables[i];

        printk("ACPI: %s %#llx, %#06x (r%u %-6s)%s\n", t->sig,
               (unsigned long long)t->addr, t->length, t->revision,
               t->oem_id, t->ok ? "" : " bad checksum, ignored");
    }
}

void acpi_init(const uint8_t *rsdp, size_t rsdp_len)
{
    if (acpi_parse(rsdp, rsdp_len, acpi_map_direct, acpi_warn, &acpi) < 0) {
        printk(XENLOG_WARNING "ACPI: no usable tables; assuming one CPU\n");
        return;
    }
    print_tables();
    printk("ACPI: RSDP rev %u (%.6s), %u CPUs, %u I/O APICs, LAPIC at %#lx\n",
           acpi.revision, acpi.oem_id, acpi.nr_cpus, acpi.nr_ioapics,
           (unsigned long)acpi.lapic_addr);
    printk("ACPI: MADT: %u CPUs not enabled, %u interrupt overrides, NMI on "
           "LINT%u, %u other entries\n", acpi.nr_cpus_disabled,
           acpi.nr_overrides, acpi_nmi_lint(&acpi), acpi.madt_other);
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
    uint16_t v = (acpi.slp_typ_a << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN;

    if (!acpi.have_fadt || !acpi.pm1a_cnt || !acpi.have_s5) {
        printk("ACPI: no way into S5 (%s)\n", !acpi.have_fadt ? "no FADT" :
               !acpi.pm1a_cnt ? "no PM1 control block" : "no \\_S5 in the AML");
        return;
    }
    printk("ACPI: entering S5 (PM1a_CNT %#x <- %#x)\n", acpi.pm1a_cnt, v);
    serial_flush();
    outw(v, acpi.pm1a_cnt);
    if (acpi.pm1b_cnt)
        outw((acpi.slp_typ_b << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN, acpi.pm1b_cnt);
}

void acpi_reset(void)
{
    const struct acpi_gas *r = &acpi.reset_reg;

    if (!acpi.have_reset) {
        printk("ACPI: no reset register\n");
        return;
    }
    if (r->space == ACPI_SPACE_IO && r->address <= 0xffff) {
        printk("ACPI: reset register (I/O %#lx <- %#x)\n",
               (unsigned long)r->address, acpi.reset_value);
        serial_flush();
        outb(acpi.reset_value, r->address);
    } else if (r->space == ACPI_SPACE_MEMORY && r->address < BOOT_DIRECTMAP_END) {
        printk("ACPI: reset register (memory %#lx <- %#x)\n",
               (unsigned long)r->address, acpi.reset_value);
        serial_flush();
        *(volatile uint8_t *)maddr_to_virt(r->address) = acpi.reset_value;
    } else {
        printk("ACPI: reset register in address space %u at %#lx: not "
               "supported\n", r->space, (unsigned long)r->address);
    }
}
