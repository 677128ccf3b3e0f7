/*
 * libFuzzer harness: the ACPI table walk (arch/x86/acpi.c): RSDP, RSDT or
 * XSDT, MADT, FADT, DSDT/SSDT (the \_S5 search through AML), HPET.
 *
 * A table with a wrong checksum is refused at once, so raw bytes would
 * never reach the parsers behind the checks.  The harness lays tables out
 * in a fake physical memory instead: the input is a flags byte, then up
 * to 8 tables, each a 16-bit length and that many bytes.  Table i lives
 * at TABLE_PA(i); the root table lists them all; lengths and checksums
 * are made right unless the flags say to leave them as they came.  The
 * tables' own pointers (FADT to DSDT, ...) are the fuzzer's, and every
 * table is read through copies of exactly the bytes asked for.  The whole
 * input also goes through acpi_find_s5 as AML.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "asm/acpi.h"
#include "copies.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MEM_SIZE       (1u << 20)
#define ROOT_PA        0x800u
#define TABLE_PA(i)    (0x10000u * ((i) + 1))
#define MAX_TABLES     8
#define SDT_HEADER     36               /* ACPI 6.4 §5.2.6 */
#define SDT_LENGTH     4
#define SDT_CHECKSUM   9

#define F_XSDT         0x01             /* RSDP revision 2, an XSDT */
#define F_RAW_LENGTHS  0x02             /* leave lengths as they came */
#define F_RAW_SUMS     0x04             /* leave checksums as they came */

static uint8_t mem[MEM_SIZE];

static const void *map(paddr_t pa, size_t len)
{
    if (pa > MEM_SIZE || len > MEM_SIZE - pa)
        return NULL;
    return copy_keep(mem + pa, len);
}

static void warn(const char *fmt, ...)
{
    (void)fmt;
}

static void put32(uint32_t pa, uint32_t v) { memcpy(mem + pa, &v, 4); }
static void put64(uint32_t pa, uint64_t v) { memcpy(mem + pa, &v, 8); }

static void fix_sum(uint8_t *p, size_t len, size_t at)
{
    uint8_t sum = 0;

    p[at] = 0;
    for (size_t i = 0; i < len; i++)
        sum += p[i];
    p[at] = (uint8_t)-sum;
}

/* A table's bytes at pa, its header made right as the flags allow. */
static void place(uint32_t pa, const uint8_t *p, uint32_t len, uint8_t flags)
{
    memcpy(mem + pa, p, len);
    if (len < SDT_HEADER)
        return;
    if (!(flags & F_RAW_LENGTHS))
        put32(pa + SDT_LENGTH, len);
    if (!(flags & F_RAW_SUMS))
        fix_sum(mem + pa, len, SDT_CHECKSUM);
}

/* The root table listing n tables, and the RSDP (ACPI 6.4 §5.2.5). */
static void make_root(unsigned int n, uint8_t flags, uint8_t rsdp[36])
{
    bool x = flags & F_XSDT;
    uint32_t len = SDT_HEADER + n * (x ? 8 : 4);

    memset(mem + ROOT_PA, 0, SDT_HEADER);
    memcpy(mem + ROOT_PA, x ? "XSDT" : "RSDT", 4);
    put32(ROOT_PA + SDT_LENGTH, len);
    mem[ROOT_PA + 8] = 1;
    for (unsigned int i = 0; i < n; i++) {
        if (x)
            put64(ROOT_PA + SDT_HEADER + 8 * i, TABLE_PA(i));
        else
            put32(ROOT_PA + SDT_HEADER + 4 * i, TABLE_PA(i));
    }
    fix_sum(mem + ROOT_PA, len, SDT_CHECKSUM);

    memset(rsdp, 0, 36);
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "FUZZ  ", 6);
    rsdp[15] = x ? 2 : 0;
    memcpy(rsdp + 16, &(uint32_t){ ROOT_PA }, 4);
    memcpy(rsdp + 20, &(uint32_t){ 36 }, 4);
    memcpy(rsdp + 24, &(uint64_t){ ROOT_PA }, 8);
    fix_sum(rsdp, 20, 8);
    fix_sum(rsdp, 36, 32);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct acpi_info ai;
    uint8_t rsdp[36], a, b, flags;
    unsigned int n = 0;
    size_t off = 1;

    if (!size || size > MAX_TABLES * 0x10000)
        return -1;
    acpi_find_s5(data, size, &a, &b);
    flags = data[0];
    memset(mem, 0, sizeof(mem));
    while (n < MAX_TABLES && off + 2 <= size) {
        uint32_t len = (uint32_t)data[off] | (uint32_t)data[off + 1] << 8;
        off += 2;
        if (len > size - off)
            len = (uint32_t)(size - off);
        place(TABLE_PA(n), data + off, len, flags);
        off += len;
        n++;
    }
    make_root(n, flags, rsdp);
    acpi_parse(rsdp, (flags & F_XSDT) ? 36 : 20, map, warn, &ai);
    copies_free();
    return 0;
}
