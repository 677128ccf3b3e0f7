/*
 * What we take from the ACPI tables (ACPI 6.4 spec, ch. 5): the CPUs and
 * I/O APICs (MADT), the power-management registers and how to enter S5
 * (FADT + the DSDT's \_S5 package), the reset register, the HPET.
 */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include "asm/config.h"
#include "xen/types.h"

#define ACPI_MAX_IOAPICS    8
#define ACPI_MAX_OVERRIDES  16
#define ACPI_MAX_TABLES     32

struct acpi_gas {                       /* Generic Address Structure, §5.2.3.2 */
    uint8_t space;                      /* 0 memory, 1 system I/O */
    uint8_t bit_width, bit_offset, access_size;
    uint64_t address;
} __attribute__((packed));

#define ACPI_SPACE_MEMORY   0
#define ACPI_SPACE_IO       1

/* A table the root table (or the FADT) points to, as found. */
struct acpi_table_ref {
    char sig[5], oem_id[7];
    uint64_t addr;
    uint32_t length;
    uint8_t revision;
    bool ok;                            /* false: bad checksum, ignored */
};

struct acpi_info {
    char oem_id[7];
    uint8_t revision;                   /* RSDP revision: 0 = ACPI 1.0 */
    unsigned int nr_tables;             /* the root table first */
    struct acpi_table_ref tables[ACPI_MAX_TABLES];
    uint64_t lapic_addr;
    unsigned int nr_cpus;               /* enabled CPUs, in MADT order */
    uint32_t cpu_apic_id[NR_CPUS];
    unsigned int nr_cpus_ignored;       /* enabled, beyond NR_CPUS */
    unsigned int nr_cpus_disabled;      /* present but not enabled */
    unsigned int nr_ioapics;
    struct { uint32_t id, addr, gsi_base; } ioapic[ACPI_MAX_IOAPICS];
    unsigned int nr_overrides;          /* ISA IRQ -> GSI (MADT type 2) */
    struct { uint8_t bus, source; uint32_t gsi; uint16_t flags; }
        override[ACPI_MAX_OVERRIDES];
    bool have_nmi_lint;
    uint8_t nmi_lint;                   /* LINT pin of the NMI, if have_ */
    unsigned int madt_other;            /* entries of types not used here */
    bool have_fadt, hw_reduced;
    uint32_t pm1a_cnt, pm1b_cnt, pm_tmr;
    bool have_s5;
    uint8_t slp_typ_a, slp_typ_b;
    bool have_reset;
    struct acpi_gas reset_reg;
    uint8_t reset_value;
    uint64_t hpet_addr;
};

extern struct acpi_info acpi;

/* Tables are reached through map(pa, len), which returns NULL if it can't. */
typedef const void *(*acpi_map_fn)(paddr_t pa, size_t len);
/* Complaints about rejected tables go to warn (printf-like). */
typedef void (*acpi_warn_fn)(const char *fmt, ...);

/*
 * Walk RSDP -> RSDT/XSDT -> MADT, FADT (-> DSDT), HPET, and the SSDTs for
 * \_S5 if the DSDT lacks it; every table is listed in tables[].  rsdp is
 * a copy of the RSDP (20 or 36 bytes).  Returns 0, or -1 if the RSDP or
 * root table is unusable; a bad secondary table is skipped with a warning
 * naming it.
 */
int acpi_parse(const uint8_t *rsdp, size_t rsdp_len, acpi_map_fn map,
               acpi_warn_fn warn, struct acpi_info *out);
/* Find \_S5's SLP_TYPa/b in AML; false if absent or malformed. */
bool acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b);
bool acpi_checksum_ok(const void *p, size_t len);

/* The local APIC pin NMIs come in on: the MADT's, else LINT1 as PCs
 * wire it. */
#define ACPI_DEFAULT_NMI_LINT   1
static inline unsigned int acpi_nmi_lint(const struct acpi_info *ai)
{
    return ai->have_nmi_lint ? ai->nmi_lint : ACPI_DEFAULT_NMI_LINT;
}

void acpi_init(const uint8_t *rsdp, size_t rsdp_len);
/* Both return only if the machine is still running afterwards. */
void acpi_power_off(void);
void acpi_reset(void);

#endif
