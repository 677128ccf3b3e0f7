/*
 * ACPI table discovery (arch/x86/acpi.c) over fake tables laid out as in
 * ACPI 6.4 §5.2, in a 64 KiB array standing in for physical memory.  Every
 * map() hands out a heap copy of exactly the bytes asked for, so that
 * AddressSanitizer catches a read past what the parser mapped.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "asm/acpi.h"
#include "xen/lib.h"

#include "copies.h"
#include "unit.h"

#define RSDT_PA     0x1000
#define XSDT_PA     0x1400
#define MADT_PA     0x2000
#define FADT_PA     0x3000
#define DSDT_PA     0x4000
#define DSDT2_PA    0x4800
#define HPET_PA     0x5000
#define OTHER_PA    0x6000

static uint8_t mem[0x10000];
static struct acpi_info ai;

/* ---- map and warn callbacks ---- */

static const void *map(paddr_t pa, size_t len)
{
    if (pa > sizeof(mem) || len > sizeof(mem) - pa)
        return NULL;
    return copy_keep(mem + pa, len);
}

#define warn warn_collect

static void reset(void)
{
    copies_free();
    memset(mem, 0, sizeof(mem));
    memset(&ai, 0xa5, sizeof(ai));
    warnings[0] = '\0';
}

/* ---- table builders ---- */

static void w8(uint32_t pa, uint8_t v)   { mem[pa] = v; }
static void w32(uint32_t pa, uint32_t v) { memcpy(mem + pa, &v, 4); }
static void w64(uint32_t pa, uint64_t v) { memcpy(mem + pa, &v, 8); }

static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
    uint8_t sum = 0;

    p[at] = 0;
    for (size_t i = 0; i < len; i++)
        sum += p[i];
    p[at] = -sum;
}

/* Recompute the checksum of the table at pa over its length field. */
static void tbl_fix(uint32_t pa)
{
    uint32_t len;

    memcpy(&len, mem + pa + 4, 4);
    fix_checksum(mem + pa, len, 9);
}

static uint32_t tbl, cur;               /* table being built, write cursor */

static void tbl_begin(uint32_t pa, const char *sig)
{
    tbl = pa;
    memcpy(mem + pa, sig, 4);
    w8(pa + 8, 1);                      /* revision */
    memcpy(mem + pa + 10, "XLTEST", 6);
    memcpy(mem + pa + 16, "XLTABLE ", 8);
    cur = pa + 36;
}

static void emit(const void *p, size_t n) { memcpy(mem + cur, p, n); cur += n; }
static void e8(uint8_t v)   { emit(&v, 1); }
static void e16(uint16_t v) { emit(&v, 2); }
static void e32(uint32_t v) { emit(&v, 4); }
static void e64(uint64_t v) { emit(&v, 8); }

static void tbl_end(void)
{
    w32(tbl + 4, cur - tbl);
    tbl_fix(tbl);
}

/* RSDT (4-byte entries) or XSDT (8-byte entries) listing tables. */
static void make_root(bool x, const uint64_t *tables, unsigned int n)
{
    tbl_begin(x ? XSDT_PA : RSDT_PA, x ? "XSDT" : "RSDT");
    for (unsigned int i = 0; i < n; i++)
        x ? e64(tables[i]) : e32((uint32_t)tables[i]);
    tbl_end();
}

static uint8_t rsdp[36];

/* RSDP: rev 0 is 20 bytes, rev 2 adds length, XSDT and extended checksum. */
static void make_rsdp(uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
    memset(rsdp, 0, sizeof(rsdp));
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "XLOEM1", 6);
    rsdp[15] = rev;
    memcpy(rsdp + 16, &rsdt, 4);
    memcpy(rsdp + 20, &(uint32_t){ 36 }, 4);
    memcpy(rsdp + 24, &xsdt, 8);
    fix_checksum(rsdp, 20, 8);
    fix_checksum(rsdp, 36, 32);
}

static void madt_begin(uint32_t lapic_addr)
{
    tbl_begin(MADT_PA, "APIC");
    e32(lapic_addr);
    e32(1);                             /* PCAT_COMPAT */
}

static void madt_lapic(uint8_t apic_id, bool enabled)
{
    e8(0); e8(8); e8(apic_id + 0x10); e8(apic_id); e32(enabled);
}

static void madt_ioapic(uint8_t id, uint32_t addr, uint32_t gsi)
{
    e8(1); e8(12); e8(id); e8(0); e32(addr); e32(gsi);
}

static void madt_override(uint64_t addr)
{
    e8(5); e8(12); e16(0); e64(addr);
}

static void madt_x2apic(uint32_t id, bool enabled)
{
    e8(9); e8(16); e16(0); e32(id); e32(enabled); e32(id + 0x100);
}

/* A MADT: CPUs 0 and 1, a disabled 2, one I/O APIC. */
static void std_madt(void)
{
    madt_begin(0xfee00000);
    madt_lapic(0, true);
    madt_lapic(1, true);
    madt_lapic(2, false);
    madt_ioapic(2, 0xfec00000, 0);
    tbl_end();
}

/* A FADT of len bytes: PM registers, reset register if reset, DSDT. */
static void make_fadt(uint32_t len, uint32_t dsdt, uint64_t x_dsdt, bool reset)
{
    memset(mem + FADT_PA, 0, 244);
    tbl_begin(FADT_PA, "FACP");
    cur = FADT_PA + len;
    w32(FADT_PA + 40, dsdt);
    w32(FADT_PA + 64, 0x604);           /* PM1a_CNT_BLK */
    w32(FADT_PA + 68, 0x704);           /* PM1b_CNT_BLK */
    w32(FADT_PA + 76, 0x608);           /* PM_TMR_BLK */
    if (len >= 132) {
        w32(FADT_PA + 112, reset ? 1U << 10 : 0);
        w8(FADT_PA + 116, ACPI_SPACE_IO);   /* RESET_REG GAS */
        w8(FADT_PA + 117, 8);
        w64(FADT_PA + 120, 0xcf9);
        w8(FADT_PA + 128, 0x06);        /* RESET_VALUE */
    }
    if (len >= 148)
        w64(FADT_PA + 140, x_dsdt);
    tbl_end();
}

/* DSDT at pa holding the AML bytes given. */
static void make_dsdt(uint32_t pa, const void *aml, size_t n)
{
    tbl_begin(pa, "DSDT");
    emit(aml, n);
    tbl_end();
}

/* Name(_S5_, Package(4) { a, b, 0, 0 }) with BytePrefix elements. */
static void make_s5_dsdt(uint32_t pa, uint8_t a, uint8_t b)
{
    const uint8_t aml[] = { 0x10, 0x06, '\\', '_', 'S', 'B', '_',   /* Scope */
                            0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
                            0x0a, a, 0x0a, b, 0x00, 0x00 };

    make_dsdt(pa, aml, sizeof(aml));
}

static void make_hpet(uint32_t len)
{
    tbl_begin(HPET_PA, "HPET");
    w32(HPET_PA + 36, 0x8086a201);      /* event timer block id */
    w8(HPET_PA + 41, 64);               /* GAS: memory, 64 bits */
    w64(HPET_PA + 44, 0xfed00000);
    cur = HPET_PA + len;
    tbl_end();
}

/* RSDP rev 0 -> RSDT -> MADT, FADT (-> DSDT with S5 5/5), HPET. */
static void std_platform(void)
{
    static const uint64_t t[] = { MADT_PA, FADT_PA, HPET_PA };

    reset();
    std_madt();
    make_fadt(244, DSDT_PA, 0, true);
    make_s5_dsdt(DSDT_PA, 5, 5);
    make_hpet(56);
    make_root(false, t, ARRAY_SIZE(t));
    make_rsdp(0, RSDT_PA, 0);
}

/* Parse with a heap copy of exactly len bytes of the RSDP. */
static int parse_len(size_t len)
{
    uint8_t *copy = malloc(len);
    int rc;

    memcpy(copy, rsdp, len);
    rc = acpi_parse(copy, len, map, warn, &ai);
    free(copy);
    return rc;
}

static int parse(void)
{
    return parse_len(rsdp[15] >= 2 ? 36 : 20);
}

static void check_warned(const char *what)
{
    CHECK(strstr(warnings, what) != NULL);
}

/* ---- the whole walk ---- */

TEST(acpi_rsdt_platform_fully_decoded)
{
    std_platform();
    CHECK_EQ(parse(), 0);
    CHECK_STR(warnings, "");
    CHECK_STR(ai.oem_id, "XLOEM1");
    CHECK_EQ(ai.revision, 0);
    CHECK_EQ(ai.lapic_addr, 0xfee00000);
    CHECK_EQ(ai.nr_cpus, 2);
    CHECK_EQ(ai.nr_cpus_ignored, 0);
    CHECK_EQ(ai.nr_ioapics, 1);
    CHECK(ai.have_fadt && ai.have_s5 && ai.have_reset);
    CHECK_EQ(ai.hpet_addr, 0xfed00000);
}

TEST(acpi_xsdt_used_for_revision_2)
{
    static const uint64_t t[] = { MADT_PA, FADT_PA, (1ULL << 32) | HPET_PA };

    std_platform();                     /* its RSDT lists the HPET too */
    make_root(true, t, ARRAY_SIZE(t));
    make_rsdp(2, RSDT_PA, XSDT_PA);
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ai.revision, 2);
    CHECK_EQ(ai.nr_cpus, 2);
    CHECK(ai.have_fadt);
    CHECK_EQ(ai.hpet_addr, 0);          /* not the RSDT, 64-bit entries */
}

TEST(acpi_revision_2_falls_back_to_rsdt_without_usable_xsdt_pointer)
{
    std_platform();
    make_root(true, NULL, 0);           /* an empty XSDT: finds no CPUs */
    make_rsdp(2, RSDT_PA, XSDT_PA);
    rsdp[32]++;                         /* bad extended checksum */
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ai.nr_cpus, 2);
    make_rsdp(2, RSDT_PA, XSDT_PA);
    CHECK_EQ(parse_len(20), 0);         /* only the 1.0 part copied */
    CHECK_EQ(ai.nr_cpus, 2);
    make_rsdp(2, RSDT_PA, 0);           /* no XSDT address */
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ai.nr_cpus, 2);
}

TEST(acpi_unknown_and_unmappable_entries_skipped)
{
    static const uint64_t t[] = { OTHER_PA, 0, 0x20000, 0xfff0, MADT_PA };

    std_platform();
    tbl_begin(OTHER_PA, "SSDT");
    e32(0xdeadbeef);
    tbl_end();
    make_root(false, t, ARRAY_SIZE(t));
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ai.nr_cpus, 2);
    CHECK(!ai.have_fadt);
}

/* ---- MADT ---- */

TEST(acpi_madt_cpus_in_table_order_disabled_skipped)
{
    std_platform();
    madt_begin(0xfee00000);
    madt_lapic(3, true);                /* the BSP need not be APIC ID 0 */
    madt_lapic(0, false);
    madt_lapic(1, true);
    madt_lapic(7, true);
    tbl_end();
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ai.nr_cpus, 3);
    CHECK_EQ(ai.cpu_apic_id[0], 3);
    CHECK_EQ(ai.cpu_apic_id[1], 1);
    CHECK_EQ(ai.cpu_apic_id[2], 7);
}

TEST(acpi_madt_x2apic_entries_counted)
{
    std_platform();
    madt_begin(0xfee00000);
    madt_lapic(0, true);
    madt_x2apic(0x100, true);
    madt_x2apic(0x101, false);
    madt_ioapic(1, 0xfec00000, 0);
    madt_x2apic(0x12345, true);         /* after a 12-byte entry */
    tbl_end();
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ai.nr_cpus, 3);
    CHECK_EQ(ai.cpu_apic_id[1], 0x100);
    CHECK_EQ(ai.cpu_apic_id[2], 0x12345);
}

TEST(acpi_madt_ioapics_decoded_and_capped)
{
    std_platform();
    madt_begin(0xfee00000);
    madt_ioapic(4, 0xfec00000, 0);
    madt_ioapic(5, 0xfec01000, 24);
    for (int i = 0; i < ACPI_MAX_IOAPICS; i++)
        madt_ioapic(6 + i, 0xfec02000 + i * 0x1000, 48 + 24 * i);
    tbl_end();
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ai.nr_ioapics, ACPI_MAX_IOAPICS);
    CHECK_EQ(ai.ioapic[0].id, 4);
    CHECK_EQ(ai.ioapic[0].addr, 0xfec00000);
    CHECK_EQ(ai.ioapic[1].id, 5);
    CHECK_EQ(ai.ioapic[1].addr, 0xfec01000);
    CHECK_EQ(ai.ioapic[1].gsi_base, 24);
    CHECK_EQ(ai.ioapic[7].gsi_base, 48 + 24 * 5);
}

TEST(acpi_madt_lapic_override_replaces_address)
{
    std_platform();
    madt_begin(0xfee00000);
    madt_lapic(0, true);
    madt_ioapic(1, 0xfec00000, 0);
    madt_override(0x1fee00000ULL);      /* misaligned: after 12 bytes */
    tbl_end();
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ai.lapic_addr, 0x1fee00000ULL);
}

TEST(acpi_madt_short_entries_ignored_walk_continues)
{
    std_platform();
    madt_begin(0xfee00000);
    e8(0); e8(6); e8(0); e8(9); e16(1);         /* LAPIC, 6 bytes */
    e8(9); e8(8); e16(0); e32(0x200);           /* x2APIC, 8 bytes */
    e8(1); e8(4); e16(0);                       /* IOAPIC, 4 bytes */
    e8(5); e8(4); e16(0);                       /* override, 4 bytes */
    e8(0x7f); e8(2);                            /* unknown type */
    madt_lapic(4, true);
    tbl_end();
    CHECK_EQ(parse(), 0);
    CHECK_STR(warnings, "");
    CHECK_EQ(ai.nr_cpus, 1);
    CHECK_EQ(ai.cpu_apic_id[0], 4);
    CHECK_EQ(ai.nr_ioapics, 0);
    CHECK_EQ(ai.lapic_addr, 0xfee00000);
}

TEST(acpi_more_than_nr_cpus_counted_as_ignored)
{
    std_platform();
    madt_begin(0xfee00000);
    for (int i = 0; i < NR_CPUS + 6; i++)
        madt_lapic(i, true);
    tbl_end();
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ai.nr_cpus, NR_CPUS);
    CHECK_EQ(ai.nr_cpus_ignored, 6);
    CHECK_EQ(ai.cpu_apic_id[NR_CPUS - 1], NR_CPUS - 1);
}

TEST(acpi_madt_bad_checksum_ignored_with_warning)
{
    std_platform();
    mem[MADT_PA + 40]++;
    CHECK_EQ(parse(), 0);
    check_warned("APIC");
    check_warned("bad checksum");
    CHECK_EQ(ai.nr_cpus, 0);
    CHECK(ai.have_fadt);
}

TEST(acpi_madt_entry_length_0_or_1_stops_walk)
{
    std_platform();
    madt_begin(0xfee00000);
    madt_lapic(0, true);
    e8(0); e8(0); e16(0); e32(0);
    madt_lapic(1, true);
    tbl_end();
    CHECK_EQ(parse(), 0);
    check_warned("malformed entry at offset 52");
    CHECK_EQ(ai.nr_cpus, 1);
    mem[MADT_PA + 53] = 1;
    tbl_fix(MADT_PA);
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ai.nr_cpus, 1);
}

TEST(acpi_madt_entry_overrunning_table_stops_walk)
{
    std_platform();
    madt_begin(0xfee00000);
    madt_lapic(0, true);
    e8(9); e8(16); e16(0); e32(7); e16(1);      /* x2APIC cut at 10 bytes */
    tbl_end();
    CHECK_EQ(parse(), 0);
    check_warned("malformed entry at offset 52");
    CHECK_EQ(ai.nr_cpus, 1);
    w32(MADT_PA + 4, 53);               /* a lone byte after the LAPIC */
    tbl_fix(MADT_PA);
    warnings[0] = '\0';
    CHECK_EQ(parse(), 0);
    check_warned("malformed entry at offset 52");
    CHECK_EQ(ai.nr_cpus, 1);
}

TEST(acpi_madt_too_short_ignored)
{
    std_platform();
    madt_begin(0xfee00000);
    cur = MADT_PA + 40;
    tbl_end();
    CHECK_EQ(parse(), 0);
    check_warned("MADT too short");
    CHECK_EQ(ai.nr_cpus, 0);
    CHECK_EQ(ai.lapic_addr, 0);
}

/* ---- FADT, DSDT, HPET ---- */

TEST(acpi_fadt_registers_and_reset_decoded)
{
    std_platform();
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ai.pm1a_cnt, 0x604);
    CHECK_EQ(ai.pm1b_cnt, 0x704);
    CHECK_EQ(ai.pm_tmr, 0x608);
    CHECK(ai.have_reset);
    CHECK_EQ(ai.reset_reg.space, ACPI_SPACE_IO);
    CHECK_EQ(ai.reset_reg.bit_width, 8);
    CHECK_EQ(ai.reset_reg.address, 0xcf9);
    CHECK_EQ(ai.reset_value, 6);
}

TEST(acpi_fadt_no_reset_register_without_flag)
{
    std_platform();
    make_fadt(244, DSDT_PA, 0, false);
    CHECK_EQ(parse(), 0);
    CHECK(!ai.have_reset);
    CHECK(ai.have_s5);
}

TEST(acpi_fadt_acpi1_length_still_decoded)
{
    std_platform();
    make_fadt(116, DSDT_PA, 0, true);   /* ACPI 1.0: no reset register */
    CHECK_EQ(parse(), 0);
    CHECK(ai.have_fadt && ai.have_s5);
    CHECK(!ai.have_reset);
    CHECK_EQ(ai.pm_tmr, 0x608);
}

TEST(acpi_fadt_too_short_ignored)
{
    std_platform();
    make_fadt(72, DSDT_PA, 0, false);
    CHECK_EQ(parse(), 0);
    check_warned("FACP too short");
    CHECK(!ai.have_fadt && !ai.have_s5);
}

TEST(acpi_s5_values_from_dsdt)
{
    std_platform();
    make_s5_dsdt(DSDT_PA, 7, 3);
    CHECK_EQ(parse(), 0);
    CHECK(ai.have_s5);
    CHECK_EQ(ai.slp_typ_a, 7);
    CHECK_EQ(ai.slp_typ_b, 3);
}

TEST(acpi_x_dsdt_preferred_over_dsdt)
{
    std_platform();
    make_s5_dsdt(DSDT2_PA, 2, 4);
    make_fadt(244, DSDT_PA, DSDT2_PA, true);
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ai.slp_typ_a, 2);
    CHECK_EQ(ai.slp_typ_b, 4);
}

TEST(acpi_dsdt_without_s5)
{
    static const uint8_t aml[] = { 0x08, '_', 'S', '4', '_', 0x12, 0x06,
                                   0x02, 0x0a, 0x04, 0x0a, 0x04 };

    std_platform();
    make_dsdt(DSDT_PA, aml, sizeof(aml));
    CHECK_EQ(parse(), 0);
    CHECK(ai.have_fadt);
    CHECK(!ai.have_s5);
}

TEST(acpi_dsdt_bad_checksum_means_no_s5)
{
    std_platform();
    mem[DSDT_PA + 40]++;
    CHECK_EQ(parse(), 0);
    check_warned("DSDT");
    CHECK(ai.have_fadt && !ai.have_s5);
}

TEST(acpi_hpet_too_short_ignored)
{
    std_platform();
    make_hpet(52);
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ai.hpet_addr, 0);
}

/* ---- acpi_find_s5 directly, on exact-size buffers ---- */

/* acpi_find_s5 finds a, b in an exact-size copy of aml (a < 0: finds none). */
static void check_s5(const uint8_t *aml, size_t len, int a, int b)
{
    uint8_t *copy = malloc(len), va = 0xee, vb = 0xee;
    bool found;

    memcpy(copy, aml, len);
    found = acpi_find_s5(copy, len, &va, &vb);
    free(copy);
    CHECK_EQ(found, a >= 0);
    if (found) {
        CHECK_EQ(va, a);
        CHECK_EQ(vb, b);
    }
}

TEST(s5_zero_and_one_ops)
{
    static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06,
                                   0x04, 0x00, 0x01, 0x00, 0x00 };

    check_s5(aml, sizeof(aml), 0, 1);
}

TEST(s5_root_prefixed_name)
{
    static const uint8_t aml[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x08,
                                   0x04, 0x0a, 0x05, 0x0a, 0x06, 0x00, 0x00 };

    check_s5(aml, sizeof(aml), 5, 6);
}

TEST(s5_multi_byte_package_length)
{
    static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x4a, 0x00,
                                   0x04, 0x0a, 0x03, 0x0a, 0x02, 0x00, 0x00 };

    check_s5(aml, sizeof(aml), 3, 2);
}

TEST(s5_truncated_package_rejected)
{
    static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06,
                                   0x04, 0x0a, 0x05, 0x0a };

    for (size_t len = 5; len <= sizeof(aml); len++)
        check_s5(aml, len, -1, -1);
}

TEST(s5_needs_name_op_package_and_small_ints)
{
    static const uint8_t no_name[] = { 0x14, '_', 'S', '5', '_', 0x12, 0x06,
                                       0x04, 0x00, 0x00, 0x00, 0x00 };
    static const uint8_t no_pkg[] = { 0x08, '_', 'S', '5', '_', 0x0a, 0x05,
                                      0x04, 0x00, 0x00, 0x00, 0x00 };
    static const uint8_t string[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06,
                                      0x04, 0x0d, 'a', 0x00, 0x00 };

    check_s5(no_name, sizeof(no_name), -1, -1);
    check_s5(no_pkg, sizeof(no_pkg), -1, -1);
    check_s5(string, sizeof(string), -1, -1);
}

TEST(s5_word_and_dword_prefixed_values)
{
    static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x0b,
                                   0x04, 0x0b, 0x05, 0x00, 0x0c, 0x07, 0x00,
                                   0x00, 0x00, 0x00, 0x00 };

    check_s5(aml, sizeof(aml), 5, 7);
    check_s5(aml, 13, -1, -1);          /* the dword cut short */
}

/* ---- unusable RSDP or root table ---- */

TEST(acpi_unusable_rsdp_fails)
{
    std_platform();
    CHECK_EQ(parse_len(19), -1);        /* too short */
    rsdp[8]++;                          /* bad checksum */
    CHECK_EQ(parse(), -1);
    check_warned("RSDP invalid");
    rsdp[0] = 'X';                      /* bad signature, good checksum */
    fix_checksum(rsdp, 20, 8);
    warnings[0] = '\0';
    CHECK_EQ(parse(), -1);
    check_warned("RSDP invalid");
}

TEST(acpi_bad_xsdt_checksum_fails)
{
    static const uint64_t t[] = { MADT_PA };

    std_platform();
    make_root(true, t, 1);
    mem[XSDT_PA + 36]++;
    make_rsdp(2, RSDT_PA, XSDT_PA);
    CHECK_EQ(parse(), -1);
    check_warned("bad checksum");
    check_warned("root table XSDT unusable");
}

TEST(acpi_root_wrong_signature_unmappable_or_zero_fails)
{
    std_platform();
    make_rsdp(0, MADT_PA, 0);
    CHECK_EQ(parse(), -1);
    check_warned("root table RSDT unusable");
    make_rsdp(0, 0xfffff000, 0);
    CHECK_EQ(parse(), -1);
    make_rsdp(0, 0, 0);
    CHECK_EQ(parse(), -1);
    make_rsdp(0, sizeof(mem) - 20, 0);
    CHECK_EQ(parse(), -1);
}

TEST(acpi_absurd_table_lengths_ignored)
{
    std_platform();
    w32(MADT_PA + 4, 0xffffffff);
    w32(HPET_PA + 4, 20);
    CHECK_EQ(parse(), 0);
    check_warned("bad length 4294967295");
    check_warned("bad length 20");
    CHECK_EQ(ai.nr_cpus, 0);
    CHECK_EQ(ai.hpet_addr, 0);
    CHECK(ai.have_fadt);
}

TEST(acpi_table_running_off_memory_ignored)
{
    static const uint64_t t[] = { 0xff00, MADT_PA };

    std_platform();
    memcpy(mem + 0xff00, "APIC", 4);
    w32(0xff00 + 4, 0x200);              /* header maps, the rest doesn't */
    make_root(false, t, 2);
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ai.nr_cpus, 2);
}

TEST(acpi_checksum_ok_sums_to_zero)
{
    uint8_t b[4] = { 1, 2, 3, 0xfa };

    CHECK(acpi_checksum_ok(b, 4));
    CHECK(!acpi_checksum_ok(b, 3));
    CHECK(acpi_checksum_ok(b, 0));
}
