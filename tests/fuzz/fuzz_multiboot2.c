/*
 * libFuzzer harness: the Multiboot2 boot information parser
 * (arch/x86/multiboot.c).  The structure's first word is its size, which
 * GRUB writes and the parser trusts as the extent it may read: the harness
 * sets it to the bytes it hands over (a multiple of 8, as the
 * specification's §3.6 requires), so every tag, size and count inside
 * comes from the fuzzer and none may lead outside.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xen/bootinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct boot_info bi;
    uint32_t total = (uint32_t)(size & ~(size_t)7);
    uint8_t *info;

    if (total < 8 || size > (1u << 20))
        return -1;
    info = malloc(total);
    memcpy(info, data, total);
    memcpy(info, &total, sizeof(total));
    multiboot2_parse(info, 0x10000, &bi);
    free(info);
    return 0;
}
