/*
 * ACPI table discovery (ACPI 6.4 §5.2).  Everything here checks lengths and
 * checksums before it believes a table; tables are reached only through the
 * caller's map function, so the unit tests run it over fake tables.
 */
#include "asm/acpi.h"
#include "xen/lib.h"

struct acpi_header {                    /* §5.2.6 */
    char sig[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem_id[6], oem_table_id[8];
    uint32_t oem_revision, creator_id, creator_revision;
} __attribute__((packed));

/* FADT field offsets (§5.2.9, Table 5.9). */
#define FADT_DSDT           40
#define FADT_PM1A_CNT       64
#define FADT_PM1B_CNT       68
#define FADT_PM_TMR         76
#define FADT_FLAGS          112
#define FADT_RESET_REG      116
#define FADT_RESET_VALUE    128
#define FADT_X_DSDT         140
#define  FADT_F_RESET_REG_SUP (1U << 10)

/* MADT entry types (§5.2.12). */
#define MADT_LAPIC          0
#define MADT_IOAPIC         1
#define MADT_LAPIC_OVERRIDE 5
#define MADT_X2APIC         9

/*
 * Table fields are often misaligned (XSDT entries sit at offset 36, MADT
 * entries follow 12-byte ones): read them with memcpy, since loading them
 * through a cast pointer is undefined behaviour.
 */
static uint32_t get_u32(const void *p)
{
    uint32_t v;

    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

static uint64_t get_u64(const void *p)
{
    uint64_t v;

    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

bool acpi_checksum_ok(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++)
        sum += b[i];
    return sum == 0;
}

/* Map a whole table: header first, then its full length; checksummed. */
static const struct acpi_header *map_table(paddr_t pa, acpi_map_fn map,
                                           acpi_warn_fn warn)
{
    const struct acpi_header *h = pa ? map(pa, sizeof(*h)) : NULL;

    if (!h)
        return NULL;
    if (h->length < sizeof(*h) || h->length > (16U << 20)) {
        warn("ACPI: table at %#llx: bad length %u, ignored\n",
             (unsigned long long)pa, h->length);
        return NULL;
    }
    h = map(pa, h->length);
    if (h && !acpi_checksum_ok(h, h->length)) {
        warn("ACPI: %.4s at %#llx: bad checksum, ignored\n", h->sig,
             (unsigned long long)pa);
        return NULL;
    }
    return h;
}

static void add_cpu(struct acpi_info *ai, uint32_t apic_id)
{
    if (ai->nr_cpus == NR_CPUS) {
        ai->nr_cpus_ignored++;
        return;
    }
    ai->cpu_apic_id[ai->nr_cpus++] = apic_id;
}

static void parse_madt(const struct acpi_header *h, struct acpi_info *ai,
                       acpi_warn_fn warn)
{
    const uint8_t *p = (const uint8_t *)h + 44, *end = (const uint8_t *)h + h->length;

    if (h->length < 44) {
        warn("ACPI: MADT too short, ignored\n");
        return;
    }
    ai->lapic_addr = get_u32((const uint8_t *)h + 36);
    for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
        switch (p[0]) {
        case MADT_LAPIC:
            if (p[1] >= 8 && (get_u32(p + 4) & 1))
                add_cpu(ai, p[3]);
            break;
        case MADT_X2APIC:
            if (p[1] >= 16 && (get_u32(p + 8) & 1))
                add_cpu(ai, get_u32(p + 4));
            break;
        case MADT_IOAPIC:
            if (p[1] >= 12 && ai->nr_ioapics < ACPI_MAX_IOAPICS)
                ai->ioapic[ai->nr_ioapics++] = (typeof(ai->ioapic[0])){
                    p[2], get_u32(p + 4), get_u32(p + 8) };
            break;
        case MADT_LAPIC_OVERRIDE:
            if (p[1] >= 12)
                ai->lapic_addr = get_u64(p + 4);
            break;
        }
    }
    if (p != end)
        warn("ACPI: MADT: malformed entry at offset %u, rest ignored\n",
             (unsigned int)(p - (const uint8_t *)h));
}

/* Decode one AML package element that is a small integer. */
static const uint8_t *aml_small_int(const uint8_t *p, const uint8_t *end, uint8_t *v)
{
    if (p >= end)
        return NULL;
    if (*p == 0x0a) {                   /* BytePrefix */
        if (p + 1 >= end)
            return NULL;
        *v = p[1];
        return p + 2;
    }
    if (*p == 0x00 || *p == 0x01) {     /* ZeroOp, OneOp */
        *v = *p;
        return p + 1;
    }
    return NULL;
}

bool acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b)
{
    for (size_t i = 1; i + 8 < len; i++) {
        const uint8_t *p = aml + i, *end = aml + len;
        unsigned int extra;

        if (memcmp(p, "_S5_", 4) || !(p[-1] == 0x08 || (p[-1] == '\\' && i >= 2 && p[-2] == 0x08)))
            continue;
        p += 4;
        if (*p++ != 0x12)               /* PackageOp */
            return false;
        extra = *p >> 6;                /* PkgLength: extra length bytes */
        p += 1 + extra + 1;             /* length, NumElements */
        p = aml_small_int(p, end, a);
        return p && aml_small_int(p, end, b);
    }
    return false;
}

static void parse_fadt(const struct acpi_header *h, struct acpi_info *ai,
                       acpi_map_fn map, acpi_warn_fn warn)
{
    const uint8_t *f = (const uint8_t *)h;
    uint64_t dsdt = 0;
    const struct acpi_header *d;

    if (h->length < FADT_PM_TMR + 4) {
        warn("ACPI: FACP too short, ignored\n");
        return;
    }
    ai->have_fadt = true;
    ai->pm1a_cnt = get_u32(f + FADT_PM1A_CNT);
    ai->pm1b_cnt = get_u32(f + FADT_PM1B_CNT);
    ai->pm_tmr = get_u32(f + FADT_PM_TMR);
    if (h->length >= FADT_RESET_VALUE + 1 &&
        (get_u32(f + FADT_FLAGS) & FADT_F_RESET_REG_SUP)) {
        memcpy(&ai->reset_reg, f + FADT_RESET_REG, sizeof(ai->reset_reg));
        ai->reset_value = f[FADT_RESET_VALUE];
        ai->have_reset = true;
    }
    if (h->length >= FADT_X_DSDT + 8)
        dsdt = get_u64(f + FADT_X_DSDT);
    if (!dsdt)
        dsdt = get_u32(f + FADT_DSDT);
    d = map_table(dsdt, map, warn);
    if (d)
        ai->have_s5 = acpi_find_s5((const uint8_t *)d + sizeof(*d),
                                   d->length - sizeof(*d), &ai->slp_typ_a,
                                   &ai->slp_typ_b);
}

static void parse_table(paddr_t pa, struct acpi_info *ai, acpi_map_fn map,
                        acpi_warn_fn warn)
{
    const struct acpi_header *h = map_table(pa, map, warn);

    if (!h)
        return;
    if (!memcmp(h->sig, "APIC", 4))
        parse_madt(h, ai, warn);
    else if (!memcmp(h->sig, "FACP", 4))
        parse_fadt(h, ai, map, warn);
    else if (!memcmp(h->sig, "HPET", 4) && h->length >= 56)
        ai->hpet_addr = get_u64((const uint8_t *)h + 44);
}

int acpi_parse(const uint8_t *rsdp, size_t rsdp_len, acpi_map_fn map,
               acpi_warn_fn warn, struct acpi_info *ai)
{
    bool xsdt;
    paddr_t root;
    const struct acpi_header *h;
    size_t entry;

    memset(ai, 0, sizeof(*ai));
    if (rsdp_len < 20 || memcmp(rsdp, "RSD PTR ", 8) || !acpi_checksum_ok(rsdp, 20)) {
        warn("ACPI: RSDP invalid (signature or checksum)\n");
        return -1;
    }
    memcpy(ai->oem_id, rsdp + 9, 6);
    ai->revision = rsdp[15];
    xsdt = ai->revision >= 2 && rsdp_len >= 36 && acpi_checksum_ok(rsdp, 36) &&
           get_u64(rsdp + 24);
    root = xsdt ? get_u64(rsdp + 24) : get_u32(rsdp + 16);
    h = map_table(root, map, warn);
    if (!h || memcmp(h->sig, xsdt ? "XSDT" : "RSDT", 4)) {
        warn("ACPI: root table %s unusable\n", xsdt ? "XSDT" : "RSDT");
        return -1;
    }
    entry = xsdt ? 8 : 4;
    for (size_t off = sizeof(*h); off + entry <= h->length; off += entry) {
        const uint8_t *e = (const uint8_t *)h + off;
        parse_table(xsdt ? get_u64(e) : get_u32(e), ai, map, warn);
    }
    return 0;
}
