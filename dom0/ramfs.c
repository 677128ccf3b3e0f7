/*
 * The ramdisk: a cpio "newc" archive parsed in place (see ramfs.h).
 *
 * A newc entry is a 110-byte ASCII header -- the magic "070701" (or
 * "070702", with checksums we do not verify) and thirteen 8-digit hex
 * fields -- then the NUL-terminated name, padding to a multiple of 4, the
 * data, and padding to a multiple of 4.  The entry named "TRAILER!!!" ends
 * an archive; zero padding and possibly another archive follow.  Every
 * field is checked against the buffer before it is used.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ramfs.h"

#define NEWC_HDR_LEN  110
#define NEWC_FIELDS   13
#define TRAILER       "TRAILER!!!"

/* Header fields, in order after the magic. */
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
       F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE,
       F_CHECK };

static struct ramfs_node *nodes;
static size_t nr_nodes, max_nodes;

static size_t align4(size_t x)
{
    return (x + 3) & ~(size_t)3;
}

static int hex8(const uint8_t *p, uint32_t *out)
{
    uint32_t v = 0;
    int i;

    for (i = 0; i < 8; i++) {
        uint8_t c = p[i];
        uint32_t d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

static int add_node(const struct ramfs_node *n)
{
    if (nr_nodes == max_nodes) {
        size_t want = max_nodes ? max_nodes * 2 : 64;
        struct ramfs_node *bigger = realloc(nodes, want * sizeof(*nodes));

        if (!bigger)
            return -1;
        nodes = bigger;
        max_nodes = want;
    }
    nodes[nr_nodes++] = *n;
    return 0;
}

/* The name as stored: without leading "./" and "/" ("." becomes ""). */
static const char *strip_name(const char *name)
{
    for (;;) {
        if (name[0] == '/')
            name++;
        else if (name[0] == '.' && (name[1] == '/' || name[1] == '\0'))
            name++;
        else
            return name;
    }
}

/*
 * Parse the entry at *off.  Returns 1 for a node (filled in), 0 for the
 * trailer, or -1 with *why set.  *off moves to the next entry.
 */
static int parse_entry(const uint8_t *buf, size_t len, size_t *off,
                       struct ramfs_node *n, const char **why)
{
    uint32_t f[NEWC_FIELDS];
    const uint8_t *h = buf + *off;
    size_t name_off, data_off;
    int i;

    if (len - *off < NEWC_HDR_LEN)
        return *why = "truncated header", -1;
    if (memcmp(h, "070701", 6) != 0 && memcmp(h, "070702", 6) != 0)
        return *why = "bad magic (not a newc cpio archive)", -1;
    for (i = 0; i < NEWC_FIELDS; i++)
        if (hex8(h + 6 + 8 * i, &f[i]) < 0)
            return *why = "bad hex digit in header", -1;
    name_off = *off + NEWC_HDR_LEN;
    if (f[F_NAMESIZE] == 0 || f[F_NAMESIZE] > len - name_off)
        return *why = "name size runs past the end", -1;
    if (memchr(buf + name_off, '\0', f[F_NAMESIZE]) !=
        buf + name_off + f[F_NAMESIZE] - 1)
        return *why = "name is not NUL-terminated", -1;
    data_off = align4(name_off + f[F_NAMESIZE]);
    if (data_off > len || f[F_FILESIZE] > len - data_off)
        return *why = "file data runs past the end", -1;
    *off = align4(data_off + f[F_FILESIZE]);
    if (*off > len)
        *off = len;
    if (strcmp((const char *)buf + name_off, TRAILER) == 0)
        return 0;
    n->path = strip_name((const char *)buf + name_off);
    n->path_len = strlen(n->path);
    n->data = buf + data_off;
    n->size = f[F_FILESIZE];
    n->mode = f[F_MODE];
    n->mtime = f[F_MTIME];
    return 1;
}

/* After a trailer: skip the zero padding; is there another archive? */
static size_t skip_padding(const uint8_t *buf, size_t len, size_t off)
{
    while (off < len && buf[off] == 0)
        off++;
    return off;
}

int ramfs_mount(const void *archive, size_t len)
{
    const uint8_t *buf = archive;
    size_t off = 0;
    const char *why = NULL;

    nr_nodes = 0;
    while (off < len) {
        struct ramfs_node n;
        size_t at = off;
        int rc = parse_entry(buf, len, &off, &n, &why);

        if (rc < 0) {
            printf("ramfs: malformed archive at offset %zu: %s\n", at, why);
            return -1;
        }
        if (rc == 0)
            off = skip_padding(buf, len, off);
        else if (n.path_len && add_node(&n) < 0) {
            printf("ramfs: out of memory after %zu entries\n", nr_nodes);
            return -1;
        }
    }
    return (int)nr_nodes;
}

/* Append component [c, c + len) to out (at *pos), or drop the last one
 * for "..". */
static int push_component(char *out, size_t size, size_t *pos,
                          const char *c, size_t len)
{
    if (len == 0 || (len == 1 && c[0] == '.'))
        return 0;
    if (len == 2 && c[0] == '.' && c[1] == '.') {
        while (*pos > 1 && out[*pos - 1] != '/')
            (*pos)--;
        if (*pos > 1)
            (*pos)--;
        out[*pos] = '\0';
        return 0;
    }
    if (*pos + (*pos > 1) + len + 1 > size)
        return -ENAMETOOLONG;
    if (*pos > 1)
        out[(*pos)++] = '/';
    memcpy(out + *pos, c, len);
    *pos += len;
    out[*pos] = '\0';
    return 0;
}

int ramfs_normalize(const char *path, char *out, size_t size)
{
    size_t pos = 1;

    if (size < 2)
        return -ENAMETOOLONG;
    strcpy(out, "/");
    while (*path) {
        size_t len = strcspn(path, "/");
        int rc = push_component(out, size, &pos, path, len);

        if (rc < 0)
            return rc;
        path += len;
        path += strspn(path, "/");
    }
    return 0;
}

static bool is_under(const struct ramfs_node *n, const char *dir,
                     size_t dir_len)
{
    if (dir_len == 0)
        return true;
    return n->path_len > dir_len + 1 && memcmp(n->path, dir, dir_len) == 0 &&
           n->path[dir_len] == '/';
}

static void implicit_dir(struct ramfs_node *node, const char *path,
                         size_t len)
{
    memset(node, 0, sizeof(*node));
    node->path = path;
    node->path_len = len;
    node->mode = S_IFDIR | 0755;
}

/* path: normalized, without the leading '/'. */
static int lookup_stripped(const char *path, struct ramfs_node *node)
{
    size_t len = strlen(path), i;

    if (len == 0) {
        implicit_dir(node, "", 0);
        return 0;
    }
    for (i = nr_nodes; i-- > 0; ) {
        if (nodes[i].path_len == len && memcmp(nodes[i].path, path, len) == 0) {
            *node = nodes[i];
            return 0;
        }
    }
    for (i = 0; i < nr_nodes; i++) {
        if (is_under(&nodes[i], path, len)) {
            implicit_dir(node, nodes[i].path, len);
            return 0;
        }
    }
    return -ENOENT;
}

int ramfs_lookup(const char *path, struct ramfs_node *node)
{
    char norm[RAMFS_PATH_MAX];
    int rc = ramfs_normalize(path, norm, sizeof(norm));

    if (rc < 0)
        return rc;
    /* Nodes point into the archive (or at ""), never into norm. */
    return lookup_stripped(norm + 1, node);
}

int ramfs_opendir(const char *path, struct ramfs_dir *dir)
{
    struct ramfs_node node;
    int rc = ramfs_normalize(path, dir->path, sizeof(dir->path));

    if (rc < 0)
        return rc;
    memmove(dir->path, dir->path + 1, strlen(dir->path));
    dir->path_len = strlen(dir->path);
    dir->next = 0;
    rc = lookup_stripped(dir->path, &node);
    if (rc < 0)
        return rc;
    if (!S_ISDIR(node.mode))
        return -ENOTDIR;
    return 0;
}

/* The first component of n's path below dir: [*start, *start + *len). */
static bool child_of(const struct ramfs_dir *dir, const struct ramfs_node *n,
                     size_t *start, size_t *len)
{
    if (!is_under(n, dir->path, dir->path_len))
        return false;
    *start = dir->path_len ? dir->path_len + 1 : 0;
    *len = strcspn(n->path + *start, "/");
    return *len > 0;
}

/* Did an entry before index i already yield this child? */
static bool seen_before(const struct ramfs_dir *dir, size_t i,
                        const char *name, size_t len)
{
    size_t j, s, l;

    for (j = 0; j < i; j++)
        if (child_of(dir, &nodes[j], &s, &l) && l == len &&
            memcmp(nodes[j].path + s, name, len) == 0)
            return true;
    return false;
}

const struct ramfs_dirent *ramfs_readdir(struct ramfs_dir *dir)
{
    struct ramfs_dirent *e = &dir->ent;
    size_t start, len;

    while (dir->next < nr_nodes) {
        const struct ramfs_node *n = &nodes[dir->next++];

        if (!child_of(dir, n, &start, &len) ||
            seen_before(dir, dir->next - 1, n->path + start, len))
            continue;
        if (start + len >= sizeof(e->name))
            continue;
        /* Look the child up by its full path: the newest entry wins. */
        memcpy(e->name, n->path, start + len);
        e->name[start + len] = '\0';
        if (lookup_stripped(e->name, &e->node) < 0)
            continue;
        memmove(e->name, e->name + start, len + 1);
        return e;
    }
    return NULL;
}
