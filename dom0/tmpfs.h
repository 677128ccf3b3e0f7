/*
 * /tmp: the one writable directory of dom0, in memory (the ramdisk is
 * read-only).  Flat: files directly in /tmp, no subdirectories.  The
 * shell's > and >> write here; cat, ls, grep and the others read here as
 * from the ramdisk (syscalls.c sends every path below /tmp here).
 *
 * Limits: TMPFS_FILES files, TMPFS_FILE_MAX bytes each, TMPFS_TOTAL_MAX
 * bytes in all (-ENOSPC beyond).
 */
#ifndef DOM0_TMPFS_H
#define DOM0_TMPFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define TMPFS_DIR       "/tmp"
#define TMPFS_FILES     64
#define TMPFS_NAME_MAX  64
#define TMPFS_FILE_MAX  (1u << 20)
#define TMPFS_TOTAL_MAX (4u << 20)

/* Whether the normalized path is /tmp or below it. */
bool tmpfs_owns(const char *path);

/* Open (creating with create, emptying with truncate) a file of /tmp:
 * its index, or -ENOENT, -ENFILE, -EISDIR, -ENAMETOOLONG. */
int tmpfs_open(const char *path, bool create, bool truncate);
/* Read or write at pos; bytes moved, or -ENOSPC / -EFBIG. */
ssize_t tmpfs_read(int file, size_t pos, void *buf, size_t len);
ssize_t tmpfs_write(int file, size_t pos, const void *buf, size_t len);
size_t tmpfs_size(int file);
/* 0 and its size (a file) or -1 (/tmp itself), or -ENOENT. */
int tmpfs_stat(const char *path, long *size);
int tmpfs_unlink(const char *path);
/* The name of the i-th file (in no particular order), or NULL past the
 * last. */
const char *tmpfs_name(unsigned int i);

#endif /* DOM0_TMPFS_H */
