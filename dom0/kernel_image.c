/*
 * The kernel images the domain builder takes: an ELF file (a vmlinux, or
 * one of the project's guests), or a Linux bzImage whose payload is an
 * XZ stream holding that ELF -- the vmlinuz Debian ships -- decompressed
 * here with liblzma, built for dom0 from Debian's xz-utils source
 * (tools/liblzma.sh).  The last decompressed image is kept, so that
 * `xl reboot` and a second `xl create` of the same kernel do not pay for
 * it again.
 *
 * The bzImage header: Linux's Documentation/x86/boot.rst ("The real-mode
 * kernel header"): setup_sects at 0x1f1, "HdrS" at 0x202, the protocol
 * version at 0x206, payload_offset/payload_length (from protocol 2.08) at
 * 0x248/0x24c, counted from the end of the setup code.  Linux's build
 * appends the uncompressed size (32 bits, little-endian) to the payload.
 */
#include <lzma.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_image.h"

#define BZ_SETUP_SECTS      0x1f1
#define BZ_MAGIC            0x202
#define BZ_VERSION          0x206
#define BZ_PAYLOAD_OFFSET   0x248
#define BZ_PAYLOAD_LENGTH   0x24c
#define BZ_HEADER_END       0x250
#define BZ_MIN_VERSION      0x208       /* payload fields exist from 2.08 */
#define SECTOR              512
#define XZ_MAGIC            "\xfd" "7zXZ"
#define MAX_KERNEL          (512u << 20) /* no kernel is bigger; a bad size is */
#define LZMA_MEMLIMIT       (128u << 20) /* the XZ dictionary Linux uses is 32 MiB */

static struct {
    const uint8_t *src;                 /* the bzImage it came from (in the ramdisk) */
    size_t src_len;
    uint8_t *elf;
    size_t len;
} cache;

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

bool kernel_is_bzimage(const uint8_t *data, size_t len)
{
    return len >= BZ_HEADER_END && !memcmp(data + BZ_MAGIC, "HdrS", 4);
}

/* Where the payload is, after checking it lies inside the file. */
static const char *payload(const uint8_t *data, size_t len, const uint8_t **p, size_t *plen)
{
    uint64_t start = ((uint64_t)data[BZ_SETUP_SECTS] + 1) * SECTOR + le32(data + BZ_PAYLOAD_OFFSET);
    uint32_t n = le32(data + BZ_PAYLOAD_LENGTH);

    if ((data[BZ_VERSION] | (data[BZ_VERSION + 1] << 8)) < BZ_MIN_VERSION)
        return "bzImage boot protocol older than 2.08 (no payload fields)";
    if (n < 8 || start > len || n > len - start)
        return "bzImage payload outside the file";
    if (memcmp(data + start, XZ_MAGIC, 5))
        return "bzImage payload is not XZ-compressed (only XZ is supported)";
    *p = data + start;
    *plen = n;
    return NULL;
}

static const char *decompress(const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len)
{
    uint32_t size = le32(in + in_len - 4);  /* appended by Linux's build */
    uint64_t memlimit = LZMA_MEMLIMIT;
    size_t in_pos = 0, out_pos = 0;
    lzma_ret r;

    if (!size || size > MAX_KERNEL)
        return "bzImage payload: implausible uncompressed size";
    if (!(*out = malloc(size)))
        return "not enough memory in dom0 to decompress the kernel";
    r = lzma_stream_buffer_decode(&memlimit, 0, NULL, in, &in_pos, in_len - 4,
                                  *out, &out_pos, size);
    if (r != LZMA_OK || out_pos != size) {
        free(*out);
        *out = NULL;
        return r == LZMA_MEM_ERROR || r == LZMA_MEMLIMIT_ERROR
               ? "not enough memory in dom0 to decompress the kernel"
               : "bzImage payload: corrupt XZ data";
    }
    *out_len = size;
    return NULL;
}

const char *kernel_image_elf(const uint8_t *data, size_t len, const uint8_t **elf,
                             size_t *elf_len)
{
    const uint8_t *p;
    uint8_t *out;
    size_t plen, out_len;
    const char *why;

    if (!kernel_is_bzimage(data, len)) {
        *elf = data;
        *elf_len = len;
        return NULL;
    }
    if (cache.elf && cache.src == data && cache.src_len == len) {
        *elf = cache.elf;
        *elf_len = cache.len;
        return NULL;
    }
    if ((why = payload(data, len, &p, &plen)) || (why = decompress(p, plen, &out, &out_len)))
        return why;
    free(cache.elf);
    cache.src = data;
    cache.src_len = len;
    cache.elf = out;
    cache.len = out_len;
    *elf = out;
    *elf_len = out_len;
    return NULL;
}
