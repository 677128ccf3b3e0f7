/*
 * /tmp in memory (see tmpfs.h): a fixed table of files, each a growing
 * heap buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ramfs.h"
#include "tmpfs.h"

struct tmp_file {
    bool used;
    char name[TMPFS_NAME_MAX];
    char *data;
    size_t size, cap;
};

static struct tmp_file files[TMPFS_FILES];
static size_t total;                    /* bytes in all files */

bool tmpfs_owns(const char *path)
{
    size_t n = strlen(TMPFS_DIR);

    return !strncmp(path, TMPFS_DIR, n) && (!path[n] || path[n] == '/');
}

/* The file name below /tmp in a normalized path: "" for /tmp itself,
 * NULL for anything deeper than one level. */
static const char *leaf(const char *path)
{
    const char *name = path + strlen(TMPFS_DIR);

    name += *name == '/';
    return strchr(name, '/') ? NULL : name;
}

static int find(const char *name)
{
    for (int i = 0; i < TMPFS_FILES; i++)
        if (files[i].used && !strcmp(files[i].name, name))
            return i;
    return -ENOENT;
}

static int create(const char *name)
{
    if (strlen(name) >= TMPFS_NAME_MAX)
        return -ENAMETOOLONG;
    for (int i = 0; i < TMPFS_FILES; i++)
        if (!files[i].used) {
            files[i] = (struct tmp_file){ .used = true };
            strcpy(files[i].name, name);
            return i;
        }
    return -ENFILE;
}

static void truncate_file(struct tmp_file *f)
{
    total -= f->size;
    f->size = 0;
}

int tmpfs_open(const char *path, bool create_it, bool truncate)
{
    const char *name = leaf(path);
    int i;

    if (!name)
        return -ENOENT;
    if (!*name)
        return -EISDIR;
    i = find(name);
    if (i < 0 && create_it)
        i = create(name);
    if (i >= 0 && truncate)
        truncate_file(&files[i]);
    return i;
}

ssize_t tmpfs_read(int file, size_t pos, void *buf, size_t len)
{
    const struct tmp_file *f = &files[file];
    size_t n = pos < f->size ? f->size - pos : 0;

    n = n < len ? n : len;
    memcpy(buf, f->data + pos, n);
    return (ssize_t)n;
}

/* Room for end bytes in f; 0 or -errno. */
static int reserve(struct tmp_file *f, size_t end)
{
    size_t cap = f->cap ? f->cap : 256;
    char *bigger;

    if (end > TMPFS_FILE_MAX)
        return -EFBIG;
    if (end > f->size && total + (end - f->size) > TMPFS_TOTAL_MAX)
        return -ENOSPC;
    if (end <= f->cap)
        return 0;
    while (cap < end)
        cap *= 2;
    if (!(bigger = realloc(f->data, cap)))
        return -ENOSPC;
    f->data = bigger;
    f->cap = cap;
    return 0;
}

ssize_t tmpfs_write(int file, size_t pos, const void *buf, size_t len)
{
    struct tmp_file *f = &files[file];
    int rc = reserve(f, pos + len);

    if (rc < 0)
        return rc;
    if (pos > f->size)
        memset(f->data + f->size, 0, pos - f->size);
    memcpy(f->data + pos, buf, len);
    if (pos + len > f->size) {
        total += pos + len - f->size;
        f->size = pos + len;
    }
    return (ssize_t)len;
}

size_t tmpfs_size(int file)
{
    return files[file].size;
}

int tmpfs_stat(const char *path, long *size)
{
    const char *name = leaf(path);
    int i;

    if (!name)
        return -ENOENT;
    if (!*name) {
        *size = -1;
        return 0;
    }
    if ((i = find(name)) < 0)
        return i;
    *size = (long)files[i].size;
    return 0;
}

int tmpfs_unlink(const char *path)
{
    const char *name = leaf(path);
    int i = name && *name ? find(name) : (name ? -EISDIR : -ENOENT);

    if (i < 0)
        return i;
    truncate_file(&files[i]);
    free(files[i].data);
    files[i] = (struct tmp_file){ .used = false };
    return 0;
}

const char *tmpfs_name(unsigned int i)
{
    for (unsigned int k = 0, seen = 0; k < TMPFS_FILES; k++)
        if (files[k].used && seen++ == i)
            return files[k].name;
    return NULL;
}
