/*
 * ACPI table discovery (ACPI 6.4 §5.2).  Everything here checks lengths and
 * checksums before it believes a table; tables are reached only through the
 * caller's map function, so the unit tests run it over fake tables and over
 * tables captured from QEMU and OVMF.  A table that does not parse is named
 * in a warning and ignored; the boot goes on with what the others said.
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
#define  FADT_F_RESET_REG_SUP (1U << 10)
#define  FADT_F_HW_REDUCED  (1U << 20)
#define FADT_RESET_REG      116
#define FADT_RESET_VALUE    128
#define FADT_X_DSDT         140
#define FADT_X_PM1A_CNT     172         /* GAS: for 64-bit-only firmware */
#define FADT_X_PM1B_CNT     184
#define FADT_MIN_LENGTH     (FADT_PM_TMR + 4)

/* MADT (§5.2.12): the fixed part, then entries of type and length. */
#define MADT_LAPIC_ADDR     36
#define MADT_ENTRIES        44
#define MADT_LAPIC          0           /* processor local APIC */
#define MADT_IOAPIC         1
#define MADT_INT_OVERRIDE   2           /* interrupt source override */
#define MADT_LAPIC_NMI      4
#define MADT_LAPIC_OVERRIDE 5           /* 64-bit local APIC address */
#define MADT_X2APIC         9
#define MADT_X2APIC_NMI     10
#define  MADT_ENABLED       (1U << 0)   /* local (x2)APIC flags */
#define  MADT_ALL_CPUS_UID  0xff        /* LAPIC NMI: every processor */
#define  MADT_ALL_CPUS_UID32 0xffffffffU

#define HPET_ADDRESS        44
#define HPET_MIN_LENGTH     56

/* AML opcodes for finding \_S5 (§20.2). */
#define AML_ZERO            0x00
#define AML_ONE             0x01
#define AML_NAME            0x08
#define AML_BYTE_PREFIX     0x0a
#define AML_WORD_PREFIX     0x0b
#define AML_DWORD_PREFIX    0x0c
#define AML_PACKAGE         0x12
#define AML_ROOT_PREFIX     '\\'

#define TABLE_MAX_LENGTH    (16U << 20)

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

static void note_table(struct acpi_info *ai, const struct acpi_header *h,
                       paddr_t pa, bool ok)
{
    struct acpi_table_ref *t;

    if (ai->nr_tables == ACPI_MAX_TABLES)
        return;
    t = &ai->tables[ai->nr_tables++];
    memcpy(t->sig, h->sig, 4);
    memcpy(t->oem_id, h->oem_id, 6);
    t->addr = pa;
    t->length = h->length;
    t->revision = h->revision;
    t->ok = ok;
}

/* Map a whole table: header first, then its full length; checksummed. */
static const struct acpi_header *map_table(paddr_t pa, acpi_map_fn map,
                                           acpi_warn_fn warn, struct acpi_info *ai)
{
    const struct acpi_header *h = pa ? map(pa, sizeof(*h)) : NULL;

    if (!h)
        return NULL;
    if (h->length < sizeof(*h) || h->length > TABLE_MAX_LENGTH) {
        warn("ACPI: table at %#llx: bad length %u, ignored\n",
             (unsigned long long)pa, h->length);
        return NULL;
    }
    h = map(pa, h->length);
    if (h && !acpi_checksum_ok(h, h->length)) {
        warn("ACPI: %.4s at %#llx: bad checksum, ignored\n", h->sig,
             (unsigned long long)pa);
        note_table(ai, h, pa, false);
        return NULL;
    }
    if (h)
        note_table(ai, h, pa, true);
    return h;
}

/* ---- MADT ---- */

static void add_cpu(struct acpi_info *ai, uint32_t apic_id, uint32_t flags)
{
    if (!(flags & MADT_ENABLED)) {
        ai->nr_cpus_disabled++;
        return;
    }
    if (ai->nr_cpus == NR_CPUS) {
        ai->nr_cpus_ignored++;
        return;
    }
    ai->cpu_apic_id[ai->nr_cpus++] = apic_id;
}

static void madt_lapic(const uint8_t *e, struct acpi_info *ai)
{
    add_cpu(ai, e[3], get_u32(e + 4));
}

static void madt_x2apic(const uint8_t *e, struct acpi_info *ai)
{
    add_cpu(ai, get_u32(e + 4), get_u32(e + 8));
}

static void madt_ioapic(const uint8_t *e, struct acpi_info *ai)
{
    if (ai->nr_ioapics < ACPI_MAX_IOAPICS)
        ai->ioapic[ai->nr_ioapics++] = (typeof(ai->ioapic[0])){
            e[2], get_u32(e + 4), get_u32(e + 8) };
}

static void madt_int_override(const uint8_t *e, struct acpi_info *ai)
{
    if (ai->nr_overrides < ACPI_MAX_OVERRIDES)
        ai->override[ai->nr_overrides++] = (typeof(ai->override[0])){
            e[2], e[3], get_u32(e + 4), e[8] | (e[9] << 8) };
}

/* The LINT pin the NMI comes in on, when it is every CPU's. */
static void madt_lapic_nmi(const uint8_t *e, struct acpi_info *ai)
{
    if (e[2] == MADT_ALL_CPUS_UID || !ai->have_nmi_lint)
        ai->nmi_lint = e[5] & 1;
    ai->have_nmi_lint = true;
}

static void madt_x2apic_nmi(const uint8_t *e, struct acpi_info *ai)
{
    if (get_u32(e + 4) == MADT_ALL_CPUS_UID32 || !ai->have_nmi_lint)
        ai->nmi_lint = e[8] & 1;
    ai->have_nmi_lint = true;
}

static void madt_lapic_override(const uint8_t *e, struct acpi_info *ai)
{
    ai->lapic_addr = get_u64(e + 4);
}

/* MADT entry types we use, with their shortest valid length. */
static const struct {
    uint8_t type, min_len;
    void (*parse)(const uint8_t *e, struct acpi_info *ai);
} madt_entries[] = {
    { MADT_LAPIC, 8, madt_lapic },
    { MADT_IOAPIC, 12, madt_ioapic },
    { MADT_INT_OVERRIDE, 10, madt_int_override },
    { MADT_LAPIC_NMI, 6, madt_lapic_nmi },
    { MADT_LAPIC_OVERRIDE, 12, madt_lapic_override },
    { MADT_X2APIC, 16, madt_x2apic },
    { MADT_X2APIC_NMI, 12, madt_x2apic_nmi },
};

static void madt_entry(const uint8_t *e, struct acpi_info *ai)
{
    for (size_t i = 0; i < ARRAY_SIZE(madt_entries); i++)
        if (madt_entries[i].type == e[0]) {
            if (e[1] >= madt_entries[i].min_len)
                madt_entries[i].parse(e, ai);
            return;
        }
    ai->madt_other++;
}

static void parse_madt(const struct acpi_header *h, struct acpi_info *ai,
                       acpi_map_fn map, acpi_warn_fn warn)
{
    const uint8_t *p = (const uint8_t *)h + MADT_ENTRIES;
    const uint8_t *end = (const uint8_t *)h + h->length;

    if (h->length < MADT_ENTRIES) {
        warn("ACPI: MADT too short, ignored\n");
        return;
    }
    ai->lapic_addr = get_u32((const uint8_t *)h + MADT_LAPIC_ADDR);
    for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1])
        madt_entry(p, ai);
    if (p != end)
        warn("ACPI: MADT: malformed entry at offset %u, rest ignored\n",
             (unsigned int)(p - (const uint8_t *)h));
}

/* ---- FADT and \_S5 ---- */

/* Decode one AML package element that is an integer; its low byte. */
static const uint8_t *aml_small_int(const uint8_t *p, const uint8_t *end, uint8_t *v)
{
    static const uint8_t prefix_len[] = {
        [AML_BYTE_PREFIX] = 1, [AML_WORD_PREFIX] = 2, [AML_DWORD_PREFIX] = 4 };

    if (p >= end)
        return NULL;
    if (*p == AML_ZERO || *p == AML_ONE) {
        *v = *p;
        return p + 1;
    }
    if (*p >= ARRAY_SIZE(prefix_len) || !prefix_len[*p] ||
        end - p <= prefix_len[*p])
        return NULL;
    *v = p[1];
    return p + 1 + prefix_len[*p];
}

bool acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b)
{
    for (size_t i = 1; i + 8 < len; i++) {
        const uint8_t *p = aml + i, *end = aml + len;
        unsigned int extra;

        if (memcmp(p, "_S5_", 4) || !(p[-1] == AML_NAME ||
            (p[-1] == AML_ROOT_PREFIX && i >= 2 && p[-2] == AML_NAME)))
            continue;
        p += 4;
        if (*p++ != AML_PACKAGE)
            return false;
        extra = *p >> 6;                /* PkgLength: extra length bytes */
        p += 1 + extra + 1;             /* length, NumElements */
        p = aml_small_int(p, end, a);
        return p && aml_small_int(p, end, b);
    }
    return false;
}

/* \_S5 in a definition block (DSDT or SSDT), if not found yet. */
static void search_s5(const struct acpi_header *d, struct acpi_info *ai)
{
    if (d && !ai->have_s5)
        ai->have_s5 = acpi_find_s5((const uint8_t *)d + sizeof(*d),
                                   d->length - sizeof(*d), &ai->slp_typ_a,
                                   &ai->slp_typ_b);
}

/* A PM1 control block: the 32-bit field, else the 64-bit GAS (I/O). */
static uint32_t pm1_block(const uint8_t *f, uint32_t len, unsigned int legacy,
                          unsigned int gas)
{
    uint32_t port = get_u32(f + legacy);

    if (!port && len >= gas + sizeof(struct acpi_gas) &&
        f[gas] == ACPI_SPACE_IO && get_u64(f + gas + 4) <= 0xffff)
        port = get_u64(f + gas + 4);
    return port;
}

static void parse_fadt(const struct acpi_header *h, struct acpi_info *ai,
                       acpi_map_fn map, acpi_warn_fn warn)
{
    const uint8_t *f = (const uint8_t *)h;
    uint64_t dsdt = 0;

    if (h->length < FADT_MIN_LENGTH) {
        warn("ACPI: FACP too short, ignored\n");
        return;
    }
    ai->have_fadt = true;
    ai->pm1a_cnt = pm1_block(f, h->length, FADT_PM1A_CNT, FADT_X_PM1A_CNT);
    ai->pm1b_cnt = pm1_block(f, h->length, FADT_PM1B_CNT, FADT_X_PM1B_CNT);
    ai->pm_tmr = get_u32(f + FADT_PM_TMR);
    if (h->length >= FADT_FLAGS + 4)
        ai->hw_reduced = get_u32(f + FADT_FLAGS) & FADT_F_HW_REDUCED;
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
    search_s5(map_table(dsdt, map, warn, ai), ai);
}

static void parse_hpet(const struct acpi_header *h, struct acpi_info *ai,
                       acpi_map_fn map, acpi_warn_fn warn)
{
    if (h->length >= HPET_MIN_LENGTH)
        ai->hpet_addr = get_u64((const uint8_t *)h + HPET_ADDRESS);
}

/* The tables we read, by signature.  The others are only listed. */
static const struct {
    char sig[5];
    void (*parse)(const struct acpi_header *h, struct acpi_info *ai,
                  acpi_map_fn map, acpi_warn_fn warn);
} tables[] = {
    { "APIC", parse_madt },
    { "FACP", parse_fadt },
    { "HPET", parse_hpet },
};

static void parse_table(paddr_t pa, struct acpi_info *ai, acpi_map_fn map,
                        acpi_warn_fn warn)
{
    const struct acpi_header *h = map_table(pa, map, warn, ai);

    for (size_t i = 0; h && i < ARRAY_SIZE(tables); i++)
        if (!memcmp(h->sig, tables[i].sig, 4))
            tables[i].parse(h, ai, map, warn);
}

/* Some firmware defines \_S5 in an SSDT rather than the DSDT. */
static void search_ssdts(struct acpi_info *ai, acpi_map_fn map)
{
    for (unsigned int i = 0; i < ai->nr_tables && !ai->have_s5; i++) {
        const struct acpi_table_ref *t = &ai->tables[i];

        if (t->ok && !memcmp(t->sig, "SSDT", 4))
            search_s5(map(t->addr, t->length), ai);
    }
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
    h = map_table(root, map, warn, ai);
    if (!h || memcmp(h->sig, xsdt ? "XSDT" : "RSDT", 4)) {
        warn("ACPI: root table %s unusable\n", xsdt ? "XSDT" : "RSDT");
        return -1;
    }
    entry = xsdt ? 8 : 4;
    for (size_t off = sizeof(*h); off + entry <= h->length; off += entry) {
        const uint8_t *e = (const uint8_t *)h + off;
        parse_table(xsdt ? get_u64(e) : get_u32(e), ai, map, warn);
    }
    search_ssdts(ai, map);
    return 0;
}
