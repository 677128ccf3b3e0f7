/*
 * The hypervisor's firmware parsers over what real firmware handed over:
 * boot information and ACPI tables captured from QEMU's SeaBIOS and OVMF
 * (the .fw files in tests/unit/data/firmware, made by
 * tools/capture-firmware).  The Multiboot2 decoder (arch/x86/multiboot.c)
 * and the boot allocator's view
 * of the RAM map (mm/bootmem.c) on maps with holes above 4 GiB and many
 * EFI ranges; the ACPI walk (arch/x86/acpi.c) on MADTs with several entry
 * types, hot-pluggable and too many CPUs; which CPUs start and in which
 * APIC mode (arch/x86/cpu_topology.c).  Some tests change a captured table
 * the way other firmware writes it (x2APIC entries, 64-bit-only PM1
 * blocks, \_S5 in an SSDT, a broken checksum) and fix its checksum.
 */
#include <stdio.h>
#include <stdlib.h>

#include "asm/acpi.h"
#include "asm/apic.h"
#include "asm/msr.h"
#include "xen/bootinfo.h"
#include "xen/lib.h"
#include "xen/mm.h"

#include "copies.h"
#include "unit.h"

#define DATA_DIR    "tests/unit/data/firmware/"
#define MAX_CHUNKS  48
#define GiB         (1ULL << 30)
#define MiB         (1ULL << 20)

struct chunk {
    char name[8];
    uint64_t pa;
    size_t len;
    uint8_t *data;
};

static struct chunk chunks[MAX_CHUNKS];
static unsigned int nr_chunks;
static struct boot_info bi;
static struct acpi_info ai;

/* ---- loading a capture ---- */

static void free_capture(void)
{
    while (nr_chunks)
        free(chunks[--nr_chunks].data);
}

static struct chunk *chunk_named(const char *name)
{
    for (unsigned int i = 0; i < nr_chunks; i++)
        if (!strcmp(chunks[i].name, name))
            return &chunks[i];
    return NULL;
}

static void read_hex(FILE *f, struct chunk *c)
{
    char line[256];
    size_t got = 0;

    while (got < c->len && fgets(line, sizeof(line), f))
        for (char *p = line; p[0] && p[1] && got < c->len; p += 2) {
            unsigned int byte;
            if (sscanf(p, "%2x", &byte) != 1)
                break;
            c->data[got++] = byte;
        }
    CHECK_EQ(got, c->len);
}

/* Load DATA_DIR/name.fw: the boot information and the tables. */
static void load(const char *name)
{
    char path[256], line[256], sig[8];
    unsigned long long pa;
    size_t len;
    FILE *f;

    free_capture();
    snprintf(path, sizeof(path), DATA_DIR "%s.fw", name);
    f = fopen(path, "r");
    CHECK(f != NULL);
    while (fgets(line, sizeof(line), f)) {
        bool mbi = sscanf(line, "mbi %llx %zu", &pa, &len) == 2;
        if (!mbi && sscanf(line, "table %4s %llx %zu", sig, &pa, &len) != 3)
            continue;
        CHECK(nr_chunks < MAX_CHUNKS);
        struct chunk *c = &chunks[nr_chunks++];
        snprintf(c->name, sizeof(c->name), "%s", mbi ? "mbi" : sig);
        c->pa = pa;
        c->len = len;
        c->data = calloc(1, len);
        read_hex(f, c);
    }
    fclose(f);
    CHECK(chunk_named("mbi") != NULL);
}

/* ---- what the parsers are given ---- */

/* The bytes asked for, from the chunk holding them. */
static const void *map(paddr_t pa, size_t len)
{
    for (unsigned int i = 0; i < nr_chunks; i++) {
        const struct chunk *c = &chunks[i];
        if (pa >= c->pa && len <= c->len && pa - c->pa <= c->len - len)
            return copy_keep(c->data + (pa - c->pa), len);
    }
    return NULL;
}

static void parse_boot_info(void)
{
    const struct chunk *m = chunk_named("mbi");

    CHECK_STR(multiboot2_parse(m->data, m->pa, &bi), NULL);
    CHECK(bi.have_rsdp);
}

static int parse_acpi(void)
{
    int rc;

    warnings[0] = '\0';
    rc = acpi_parse(bi.rsdp, bi.rsdp_len, map, warn_collect, &ai);
    copies_free();
    return rc;
}

static void load_and_parse(const char *name)
{
    load(name);
    parse_boot_info();
    CHECK_EQ(parse_acpi(), 0);
}

/* ---- changing a captured table ---- */

static void fix_checksum(struct chunk *c)
{
    uint8_t sum = 0;

    c->data[9] = 0;
    for (size_t i = 0; i < c->len; i++)
        sum += c->data[i];
    c->data[9] = -sum;
}

/* Replace a table with new bytes (same address). */
static void replace(struct chunk *c, const uint8_t *data, size_t len)
{
    free(c->data);
    c->data = malloc(len);
    memcpy(c->data, data, len);
    c->len = len;
    memcpy(c->data + 4, &(uint32_t){ len }, 4);
    fix_checksum(c);
}

/* A new table at pa, listed last in the RSDT. */
static void add_table(const char *sig, uint64_t pa, const uint8_t *body,
                      size_t len)
{
    struct chunk *root = chunk_named("RSDT"), *c = &chunks[nr_chunks++];
    uint8_t rsdt[256];

    c->data = calloc(1, 36 + len);
    memcpy(c->data, sig, 4);
    memcpy(c->data + 36, body, len);
    snprintf(c->name, sizeof(c->name), "%s", sig);
    c->pa = pa;
    c->len = 36 + len;
    memcpy(c->data + 4, &(uint32_t){ c->len }, 4);
    fix_checksum(c);
    CHECK(root && root->len + 4 <= sizeof(rsdt));
    memcpy(rsdt, root->data, root->len);
    memcpy(rsdt + root->len, &(uint32_t){ pa }, 4);
    replace(root, rsdt, root->len + 4);
}

/* Where needle starts in c, or -1. */
static long find(const struct chunk *c, const void *needle, size_t n)
{
    for (size_t i = 0; i + n <= c->len; i++)
        if (!memcmp(c->data + i, needle, n))
            return i;
    return -1;
}

/* ---- the RAM map ---- */

static struct boot_ranges br;

static paddr_t free_ram(void)
{
    paddr_t sum = 0;

    memset(&br, 0, sizeof(br));
    bootmem_add_map(&br, bi.memmap, bi.nr_memmap);
    for (unsigned int i = 0; i < br.nr; i++)
        sum += br.r[i].end - br.r[i].start;
    return sum;
}

/* No free range overlaps a range of the map that is not RAM. */
static void check_reserved_kept_out(void)
{
    for (unsigned int i = 0; i < bi.nr_memmap; i++) {
        const struct memmap_entry *m = &bi.memmap[i];
        if (m->type == MEM_RAM)
            continue;
        for (unsigned int j = 0; j < br.nr; j++)
            CHECK(br.r[j].end <= m->addr || br.r[j].start >= m->addr + m->len);
    }
}

static paddr_t free_above(paddr_t at)
{
    paddr_t sum = 0;

    for (unsigned int i = 0; i < br.nr; i++)
        if (br.r[i].end > at)
            sum += br.r[i].end - MAX(br.r[i].start, at);
    return sum;
}

TEST(fw_pc_bios_6g_ram_above_4g_and_the_hole_below)
{
    load_and_parse("pc-bios-6g-hotplug");
    CHECK_EQ(bi.nr_memmap, 8);
    CHECK_EQ(free_ram(), 6 * GiB - 0x20000 - 0x100000 + 0x9f000);
    CHECK_EQ(free_above(4 * GiB), 3 * GiB);
    CHECK_EQ(br.r[br.nr - 1].end, 7 * GiB);
    CHECK_EQ(br.nr, 3);                 /* low, below 3 GiB, above 4 GiB */
    check_reserved_kept_out();
}

TEST(fw_q35_bios_6g_ram_around_the_pcie_window)
{
    load_and_parse("q35-bios-6g");
    CHECK(free_ram() > 6 * GiB - 2 * MiB);
    CHECK_EQ(free_above(4 * GiB), 4 * GiB);
    CHECK_EQ(br.r[br.nr - 1].end, 8 * GiB);
    CHECK(free_above(2 * GiB) == free_above(4 * GiB));  /* nothing in 2-4 */
    check_reserved_kept_out();
}

TEST(fw_q35_uefi_6g_many_efi_ranges)
{
    paddr_t from_grub, from_efi;
    struct chunk *m;

    load_and_parse("q35-uefi-6g");
    CHECK(bi.have_efi_mmap);
    CHECK(bi.nr_efi_mmap > 100);
    from_grub = free_ram();
    CHECK_EQ(free_above(4 * GiB), 4 * GiB);
    check_reserved_kept_out();
    /* The same machine as firmware that gives only the EFI map: hide
     * GRUB's plain map (tag 6) and decode the 125 descriptors. */
    m = chunk_named("mbi");
    for (uint32_t off = 8, size; off + 8 <= m->len; off += (size + 7) & ~7U) {
        memcpy(&size, m->data + off + 4, 4);
        if (m->data[off] == 6)
            m->data[off] = 0x7f;
        CHECK(size >= 8);
        if (m->data[off] == 0)
            break;
    }
    parse_boot_info();
    CHECK(bi.nr_memmap < bi.nr_efi_mmap);
    CHECK_EQ(bi.nr_memmap_dropped, 0);
    from_efi = free_ram();
    CHECK_EQ(from_efi, from_grub);
    CHECK_EQ(free_above(4 * GiB), 4 * GiB);
    check_reserved_kept_out();
}

TEST(fw_pc_uefi_6g_ram_and_efi_runtime_kept_out)
{
    load_and_parse("pc-uefi-6g");
    CHECK(free_ram() > 6 * GiB - 64 * MiB);
    CHECK_EQ(free_above(4 * GiB), 3 * GiB);
    check_reserved_kept_out();
    for (unsigned int i = 0; i < bi.nr_memmap; i++)
        if (bi.memmap[i].type == MEM_NVS && bi.memmap[i].addr == 8 * MiB)
            return;
    CHECK(!"OVMF's ACPI NVS at 8 MiB is in the map");
}

/* ---- ACPI ---- */

static bool has_table(const char *sig)
{
    for (unsigned int i = 0; i < ai.nr_tables; i++)
        if (!strcmp(ai.tables[i].sig, sig) && ai.tables[i].ok)
            return true;
    return false;
}

TEST(fw_pc_bios_madt_entry_types_and_hotplug_slots)
{
    load_and_parse("pc-bios-6g-hotplug");
    CHECK_STR(warnings, "");
    CHECK_EQ(ai.nr_tables, 6);
    CHECK(has_table("RSDT") && has_table("DSDT") && has_table("WAET"));
    CHECK_EQ(ai.nr_cpus, 4);
    CHECK_EQ(ai.nr_cpus_disabled, 4);   /* -smp 4,maxcpus=8 */
    CHECK_EQ(ai.nr_ioapics, 1);
    CHECK_EQ(ai.ioapic[0].addr, 0xfec00000);
    CHECK_EQ(ai.nr_overrides, 5);
    CHECK_EQ(ai.override[0].source, 0); /* the PIT's IRQ 0 is GSI 2 */
    CHECK_EQ(ai.override[0].gsi, 2);
    CHECK_EQ(ai.override[1].flags, 0xd);    /* level, active high */
    CHECK(ai.have_nmi_lint);
    CHECK_EQ(acpi_nmi_lint(&ai), 1);
    CHECK_EQ(ai.madt_other, 0);
    CHECK_EQ(ai.hpet_addr, 0xfed00000);
}

TEST(fw_pc_bios_fadt_s5_without_reset_register)
{
    load_and_parse("pc-bios-6g-hotplug");
    CHECK(ai.have_fadt && !ai.hw_reduced);
    CHECK_EQ(ai.pm1a_cnt, 0x604);
    CHECK_EQ(ai.pm1b_cnt, 0);
    CHECK(ai.have_s5);
    CHECK_EQ(ai.slp_typ_a, 0);
    CHECK(!ai.have_reset);              /* an ACPI 1.0 FADT: 0xcf9 instead */
}

TEST(fw_q35_fadt_reset_register_and_64_bit_pm1)
{
    struct chunk *f;

    load_and_parse("q35-bios-6g");
    CHECK(ai.have_reset);
    CHECK_EQ(ai.reset_reg.space, ACPI_SPACE_IO);
    CHECK_EQ(ai.reset_reg.address, 0xcf9);
    CHECK_EQ(ai.reset_value, 0x0f);
    CHECK_EQ(ai.pm1a_cnt, 0x604);
    /* Firmware that fills only the 64-bit X_PM1a_CNT_BLK. */
    f = chunk_named("FACP");
    memset(f->data + 64, 0, 4);
    fix_checksum(f);
    CHECK_EQ(parse_acpi(), 0);
    CHECK_EQ(ai.pm1a_cnt, 0x604);
}

TEST(fw_uefi_tables_through_the_xsdt)
{
    load_and_parse("q35-uefi-6g");
    CHECK_EQ(ai.revision, 2);
    CHECK(has_table("XSDT") && has_table("BGRT") && has_table("MCFG"));
    CHECK_EQ(ai.nr_cpus, 4);
    CHECK(ai.have_s5 && ai.have_reset);
    load_and_parse("pc-uefi-6g");
    CHECK_EQ(ai.pm1a_cnt, 0xb004);      /* OVMF's PIIX4 power management */
    CHECK_EQ(ai.nr_cpus, 2);
}

TEST(fw_table_with_bad_checksum_named_and_the_rest_used)
{
    load(  "q35-bios-6g");
    parse_boot_info();
    chunk_named("HPET")->data[40] ^= 1;
    CHECK_EQ(parse_acpi(), 0);
    CHECK(strstr(warnings, "HPET") && strstr(warnings, "bad checksum"));
    CHECK(!has_table("HPET"));
    CHECK_EQ(ai.hpet_addr, 0);
    CHECK_EQ(ai.nr_cpus, 2);
    CHECK(ai.have_s5);
}

TEST(fw_s5_found_in_an_ssdt)
{
    struct chunk *d;
    long at;
    uint8_t ssdt[32];

    load("q35-bios-6g");
    parse_boot_info();
    d = chunk_named("DSDT");
    at = find(d, "_S5_", 4);
    CHECK(at > 0 && d->data[at - 1] == 0x08);
    /* Name(_S5_, Package) moves to an SSDT; the DSDT's becomes _S5X. */
    CHECK(d->data[at + 5] < 0x40 && (size_t)at + 5 + d->data[at + 5] < d->len);
    memcpy(ssdt, d->data + at - 1, 6 + d->data[at + 5]);
    d->data[at + 3] = 'X';
    fix_checksum(d);
    CHECK_EQ(parse_acpi(), 0);
    CHECK(!ai.have_s5);
    add_table("SSDT", 0x7ffe3000, ssdt, 6 + d->data[at + 5]);
    CHECK_EQ(parse_acpi(), 0);
    CHECK(ai.have_s5);
    CHECK(has_table("SSDT"));
}

/* ---- which CPUs start, in which APIC mode ---- */

TEST(fw_more_cpus_than_nr_cpus_and_maxcpus)
{
    uint32_t ids[NR_CPUS];
    struct cpu_choice_counts left;

    load_and_parse("pc-bios-80-cpus");
    CHECK_EQ(ai.nr_cpus, NR_CPUS);
    CHECK_EQ(ai.nr_cpus_ignored, 80 - NR_CPUS);
    CHECK_EQ(smp_choose_cpus(ai.cpu_apic_id, ai.nr_cpus, 0, NR_CPUS, false,
                             ids, &left), NR_CPUS - 1);
    CHECK_EQ(ids[0], 1);
    CHECK_EQ(left.over_max, 0);
    CHECK_EQ(smp_choose_cpus(ai.cpu_apic_id, ai.nr_cpus, 0, 2, false, ids,
                             &left), 1);
    CHECK_EQ(left.over_max, NR_CPUS - 2);
    /* A BSP that is not the MADT's first CPU is skipped, not counted. */
    CHECK_EQ(smp_choose_cpus(ai.cpu_apic_id, ai.nr_cpus, 5, 4, false, ids,
                             &left), 3);
    CHECK_EQ(ids[2], 2);
}

/* The 80-CPU MADT as a machine with APIC IDs up to 395 lists it: x2APIC
 * entries (type 9) and an x2APIC NMI entry (type 10). */
static void madt_as_x2apic(void)
{
    struct chunk *m = chunk_named("APIC");
    static uint8_t t[44 + 80 * 16 + 12];
    size_t n = 44;

    memcpy(t, m->data, 44);
    for (uint32_t id = 0; id < 80 * 5; id += 5, n += 16) {
        uint8_t e[16] = { 9, 16 };
        memcpy(e + 4, &id, 4);
        memcpy(e + 8, &(uint32_t){ 1 }, 4);
        memcpy(e + 12, &(uint32_t){ id / 5 }, 4);
        memcpy(t + n, e, 16);
    }
    memcpy(t + n, (const uint8_t[]){ 10, 12, 0, 0, 0xff, 0xff, 0xff, 0xff,
                                     0, 0, 0, 0 }, 12);
    replace(m, t, n + 12);
}

TEST(fw_x2apic_madt_entries_and_ids_above_254)
{
    uint32_t ids[NR_CPUS];
    struct cpu_choice_counts left;

    load("pc-bios-80-cpus");
    parse_boot_info();
    madt_as_x2apic();
    CHECK_EQ(parse_acpi(), 0);
    CHECK_EQ(ai.nr_cpus, NR_CPUS);
    CHECK_EQ(ai.cpu_apic_id[NR_CPUS - 1], (NR_CPUS - 1) * 5);
    CHECK(ai.have_nmi_lint);
    CHECK_EQ(acpi_nmi_lint(&ai), 0);    /* LINT0, as the entry says */
    CHECK_EQ(smp_choose_cpus(ai.cpu_apic_id, ai.nr_cpus, 0, NR_CPUS, true,
                             ids, &left), NR_CPUS - 1);
    CHECK_EQ(left.need_x2apic, 0);
    /* In xAPIC mode, IDs 255 and up cannot be reached. */
    CHECK_EQ(smp_choose_cpus(ai.cpu_apic_id, ai.nr_cpus, 0, NR_CPUS, false,
                             ids, &left), 50);
    CHECK_EQ(left.need_x2apic, NR_CPUS - 51);
}

TEST(apic_mode_from_cpu_option_and_firmware_state)
{
    const char *why;
    const uint64_t on = APIC_BASE_ENABLE | APIC_BASE_X2APIC | APIC_BASE_BSP;

    CHECK(apic_choose_x2apic(true, true, APIC_BASE_ENABLE, &why));
    CHECK_STR(why, NULL);
    CHECK(!apic_choose_x2apic(true, false, APIC_BASE_ENABLE, &why));
    CHECK(strstr(why, "x2apic=0"));
    CHECK(!apic_choose_x2apic(false, true, APIC_BASE_ENABLE, &why));
    CHECK_STR(why, NULL);
    /* Left on by firmware: stays on, whatever the option says. */
    CHECK(apic_choose_x2apic(true, false, on, &why));
    CHECK(strstr(why, "left on by firmware") && strstr(why, "ignored"));
    CHECK(apic_choose_x2apic(true, true, on, &why));
    CHECK(strstr(why, "left on by firmware"));
    /* The x2APIC bit without the enable bit is not a mode. */
    CHECK(!apic_choose_x2apic(false, true, APIC_BASE_X2APIC, &why));
}
