/*
 * libFuzzer harness: the ELF64 loader and its Xen notes (common/libelf.c,
 * shared by the hypervisor's dom0 builder and dom0's domain builder), as a
 * PV kernel and as a PVH one.  What parses must also load: every segment
 * the checks accepted is copied out of the buffer libFuzzer gave, whose
 * exact size AddressSanitizer knows.
 */
#include <stdint.h>
#include <string.h>

#include "version.h"            /* the XENFEAT_* bits (hypercalls/) */
#include "xen/libelf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Loading touches every byte it was promised; the sum keeps the reads. */
static int put(uint64_t vaddr, const void *src, size_t len, void *ctx)
{
    const uint8_t *p = src;
    uint64_t *sum = ctx;

    (void)vaddr;
    if (p)
        for (size_t i = 0; i < len; i++)
            *sum += p[i];
    return 0;
}

static volatile uint64_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elf_image img;
    uint64_t sum = 0;

    if (!elf_parse(data, size, ELF_FEATURES_SUPPORTED, &img))
        elf_load(&img, put, &sum);
    if (!elf_parse_pvh(data, size, &img))
        elf_load(&img, put, &sum);
    sink = sum;
    return 0;
}
