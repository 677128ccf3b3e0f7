/*
 * xenstore nodes, permission lists and paths.
 *
 * A node is one allocation: the header, its permission list, its value
 * (NUL-terminated for convenience, the NUL not counted) and its child
 * names.  Nodes in a table are never changed; a change builds a new one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_int.h"

static struct xs_node *node_alloc(uint32_t nperms, uint32_t vlen,
                                  uint32_t clen)
{
    size_t size = sizeof(struct xs_node) + nperms * sizeof(struct xs_perm) +
                  vlen + 1 + clen;
    struct xs_node *n = malloc(size);

    if (!n)
        return NULL;
    n->gen = 0;
    n->nperms = nperms;
    n->vlen = vlen;
    n->clen = clen;
    n->perms = (struct xs_perm *)(n + 1);
    n->value = (char *)(n->perms + nperms);
    n->children = n->value + vlen + 1;
    return n;
}

/* n with room for clen bytes of children, of which the first `keep` are
 * n's. */
static struct xs_node *copy_resized(const struct xs_node *n, uint32_t clen,
                                    uint32_t keep)
{
    struct xs_node *m = node_alloc(n->nperms, n->vlen, clen);

    if (!m)
        return NULL;
    memcpy(m->perms, n->perms, n->nperms * sizeof(*n->perms));
    memcpy(m->value, n->value, n->vlen + 1);
    memcpy(m->children, n->children, keep);
    return m;
}

struct xs_node *xs_node_new(const struct xs_perm *perms, uint32_t nperms,
                            const char *value, uint32_t vlen,
                            const char *children, uint32_t clen)
{
    struct xs_node *n = node_alloc(nperms, vlen, clen);

    if (!n)
        return NULL;
    memcpy(n->perms, perms, nperms * sizeof(*perms));
    if (vlen)
        memcpy(n->value, value, vlen);
    n->value[vlen] = '\0';
    if (clen)
        memcpy(n->children, children, clen);
    return n;
}

struct xs_node *xs_node_with_value(const struct xs_node *n, const char *value,
                                   uint32_t vlen)
{
    return xs_node_new(n->perms, n->nperms, value, vlen, n->children, n->clen);
}

struct xs_node *xs_node_with_perms(const struct xs_node *n,
                                   const struct xs_perm *perms, uint32_t nperms)
{
    return xs_node_new(perms, nperms, n->value, n->vlen, n->children, n->clen);
}

/* Offset of name in the child list, or -1. */
static long child_at(const struct xs_node *n, const char *name)
{
    uint32_t off = 0;

    while (off < n->clen) {
        const char *c = n->children + off;

        if (strcmp(c, name) == 0)
            return off;
        off += (uint32_t)strlen(c) + 1;
    }
    return -1;
}

struct xs_node *xs_node_with_child(const struct xs_node *n, const char *name)
{
    uint32_t len = (uint32_t)strlen(name) + 1;
    struct xs_node *m;

    if (child_at(n, name) >= 0)
        return copy_resized(n, n->clen, n->clen);
    m = copy_resized(n, n->clen + len, n->clen);
    if (m)
        memcpy(m->children + n->clen, name, len);
    return m;
}

struct xs_node *xs_node_without_child(const struct xs_node *n, const char *name)
{
    long at = child_at(n, name);
    uint32_t len = (uint32_t)strlen(name) + 1;
    struct xs_node *m;

    if (at < 0)
        return copy_resized(n, n->clen, n->clen);
    m = copy_resized(n, n->clen - len, (uint32_t)at);
    if (m)
        memcpy(m->children + at, n->children + at + len,
               n->clen - (uint32_t)at - len);
    return m;
}

/* ---- Permissions ---- */

unsigned int xs_perm_for(const struct xs_perm *perms, uint32_t nperms,
                         domid_t domid)
{
    if (perms[0].id == domid)
        return XS_PERM_BOTH;            /* the owner */
    for (uint32_t i = 1; i < nperms; i++)
        if (perms[i].id == domid)
            return perms[i].perm;
    return perms[0].perm;
}

bool xs_can(const struct xs_conn *c, const struct xs_perm *perms,
            uint32_t nperms, unsigned int want)
{
    return c->priv || (xs_perm_for(perms, nperms, c->domid) & want) == want;
}

int xs_perm_parse(const char *s, struct xs_perm *p)
{
    static const char letters[] = "nrwb";   /* index = XS_PERM_* */
    const char *at = s[0] ? strchr(letters, s[0]) : NULL;

    if (!at || xs_parse_domid(s + 1, &p->id))
        return -XEN_EINVAL;
    p->perm = (uint8_t)(at - letters);
    return 0;
}

void xs_perm_format(const struct xs_perm *p, char buf[8])
{
    snprintf(buf, 8, "%c%u", "nrwb"[p->perm & 3], p->id);
}

int xs_parse_u64(const char *s, uint64_t max, uint64_t *v)
{
    uint64_t n = 0;

    if (!*s)
        return -XEN_EINVAL;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -XEN_EINVAL;
        if (n > (max - (uint64_t)(*s - '0')) / 10)
            return -XEN_EINVAL;
        n = n * 10 + (uint64_t)(*s - '0');
    }
    *v = n;
    return 0;
}

int xs_parse_domid(const char *s, domid_t *domid)
{
    uint64_t v;

    if (xs_parse_u64(s, DOMID_FIRST_RESERVED - 1, &v))
        return -XEN_EINVAL;
    *domid = (domid_t)v;
    return 0;
}

/* ---- Paths ---- */

static bool valid_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '@';
}

/* An absolute path: "/" or "/name(/name)*". */
static bool valid_abs(const char *p)
{
    if (p[0] != '/')
        return false;
    if (p[1] == '\0')
        return true;
    for (const char *s = p; *s; s++) {
        if (*s == '/') {
            if (s[1] == '/' || s[1] == '\0')
                return false;           /* empty name, or trailing '/' */
        } else if (!valid_char(*s)) {
            return false;
        }
    }
    return true;
}

uint32_t xs_domain_path(domid_t domid, char *out)
{
    return (uint32_t)snprintf(out, XS_PATH_SIZE, XS_LOCAL_DOMAIN "/%u", domid);
}

int xs_path_canon(domid_t domid, const char *in, char *out, uint32_t *rel)
{
    size_t len = strlen(in);
    uint32_t prefix = 0;

    if (in[0] == '/') {
        if (len > XENSTORE_ABS_PATH_MAX)
            return -XEN_EINVAL;
        memcpy(out, in, len + 1);
    } else {
        /* "@..." names only special watch paths, never a node. */
        if (len == 0 || len > XENSTORE_REL_PATH_MAX || in[0] == '@')
            return -XEN_EINVAL;
        prefix = xs_domain_path(domid, out);
        out[prefix++] = '/';
        memcpy(out + prefix, in, len + 1);
    }
    if (!valid_abs(out))
        return -XEN_EINVAL;
    if (rel)
        *rel = prefix;
    return 0;
}

bool xs_path_within(const char *child, const char *parent)
{
    size_t len = strlen(parent);

    if (strcmp(parent, "/") == 0)
        return child[0] == '/';
    return strncmp(child, parent, len) == 0 &&
           (child[len] == '\0' || child[len] == '/');
}

void xs_path_parent(const char *path, char *out)
{
    const char *slash = strrchr(path, '/');
    size_t len = slash && slash != path ? (size_t)(slash - path) : 1;

    memmove(out, path, len);            /* out may be path */
    out[len] = '\0';
}

const char *xs_path_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}
