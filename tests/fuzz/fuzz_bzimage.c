/*
 * libFuzzer harness: dom0's kernel image reader (dom0/kernel_image.c) --
 * the bzImage header, its payload's place and XZ stream, then the ELF it
 * holds through the loader's checks.  Sizes come from the image: none may
 * reach past the buffer or ask for an unbounded allocation.
 */
#include <stdint.h>
#include <string.h>

#include "../../dom0/kernel_image.h"
#include "version.h"            /* the XENFEAT_* bits (hypercalls/) */
#include "xen/libelf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *elf;
    size_t elf_len;
    struct elf_image img;

    if (!kernel_image_elf(data, size, &elf, &elf_len))
        elf_parse(elf, elf_len, ELF_FEATURES_SUPPORTED, &img);
    return 0;
}
