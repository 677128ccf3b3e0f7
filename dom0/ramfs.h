/*
 * dom0's ramdisk: a read-only file system over the cpio archive (the
 * "newc" format, magic 070701 or 070702) that the hypervisor hands over as
 * module 2 (start_info.mod_start / mod_len).
 *
 * Paths are absolute ("/etc/xen/hello.cfg"); "." and ".." components and
 * repeated slashes are resolved.  Directories need not have their own
 * archive entry: "/boot" exists as soon as "/boot/hello" does.  Several
 * archives may be concatenated (a run's own files after the built
 * ramdisk); a later entry with the same path hides an earlier one.
 *
 * newlib has no dirent for this target, so directory listing is this
 * small API of our own (ramfs_opendir / ramfs_readdir).
 */
#ifndef DOM0_RAMFS_H
#define DOM0_RAMFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RAMFS_PATH_MAX 256

/* One file, directory or symbolic link. */
struct ramfs_node {
    const char *path;       /* normalized, without the leading '/' */
    size_t path_len;
    const uint8_t *data;    /* file contents (a link's target) */
    size_t size;
    uint32_t mode;          /* type and permission bits, as in st_mode */
    uint32_t mtime;
};

/* Parse the archive (kept in place: nodes point into it).  Returns the
 * number of entries, or -1 if the archive is malformed; the problem and
 * its offset are printed, and the entries before it stay usable. */
int ramfs_mount(const void *archive, size_t len);

/* Resolve path ("/a/./b//c/../d") into out ("/a/b/d"); relative paths
 * are taken from "/".  0, or -ENAMETOOLONG. */
int ramfs_normalize(const char *path, char *out, size_t size);

/* Look a path up; fills *node (an implicit directory gets a node of its
 * own with mode S_IFDIR | 0755).  0, or -ENOENT / -ENAMETOOLONG. */
int ramfs_lookup(const char *path, struct ramfs_node *node);

/* ---- Directory listing -------------------------------------------------- */

struct ramfs_dirent {
    char name[RAMFS_PATH_MAX];  /* one path component */
    struct ramfs_node node;
};

struct ramfs_dir {
    char path[RAMFS_PATH_MAX];  /* normalized, no leading '/', no trailing */
    size_t path_len;
    size_t next;                /* index of the next entry to look at */
    struct ramfs_dirent ent;
};

/* 0, or -ENOENT / -ENOTDIR / -ENAMETOOLONG. */
int ramfs_opendir(const char *path, struct ramfs_dir *dir);
/* The next entry (each name once, in archive order), or NULL at the end. */
const struct ramfs_dirent *ramfs_readdir(struct ramfs_dir *dir);

#endif /* DOM0_RAMFS_H */
