/* Kernel images for the domain builder: ELF, or a bzImage holding one. */
#ifndef DOM0_KERNEL_IMAGE_H
#define DOM0_KERNEL_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool kernel_is_bzimage(const uint8_t *data, size_t len);

/*
 * The ELF image inside data: data itself, or a bzImage's decompressed
 * payload (kept by this module until another bzImage replaces it).
 * Returns NULL, or a message naming what is wrong with the file.
 */
const char *kernel_image_elf(const uint8_t *data, size_t len, const uint8_t **elf,
                             size_t *elf_len);

#endif
