/*
 * What a request does to the tree: read, write (creating missing parents),
 * mkdir, rm (with everything below), set_perms, and the removal of a dead
 * domain's nodes.  Each checks permissions and quotas before it changes
 * anything; after that only running out of memory can stop it.
 *
 * Paths here are canonical (xs_path_canon).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_int.h"

/* The nearest node at or above path: its path goes to top, the number of
 * missing levels to *missing. */
static int nearest(const struct xs_view *v, const char *path, char *top,
                   unsigned int *missing, const struct xs_node **n)
{
    int rc;

    strcpy(top, path);
    *missing = 0;
    for (;;) {
        if ((rc = xs_view_get(v, top, n)))
            return rc;
        if (*n)
            return 0;                   /* "/" always exists */
        (*missing)++;
        xs_path_parent(top, top);
    }
}

/* The error for a node that is not there: EACCES if the caller may not
 * read the nearest node above it (it must not learn what exists there),
 * else ENOENT. */
static int missing_error(const struct xs_view *v, const char *path)
{
    char top[XS_PATH_SIZE];
    const struct xs_node *n;
    unsigned int missing;
    int rc = nearest(v, path, top, &missing, &n);

    if (rc)
        return rc;
    return xs_can(v->c, n->perms, n->nperms, XS_PERM_READ) ? -XEN_ENOENT
                                                           : -XEN_EACCES;
}

static int get_node(const struct xs_view *v, const char *path,
                    unsigned int want, const struct xs_node **n)
{
    int rc = xs_view_get(v, path, n);

    if (rc)
        return rc;
    if (!*n)
        return missing_error(v, path);
    return xs_can(v->c, (*n)->perms, (*n)->nperms, want) ? 0 : -XEN_EACCES;
}

int xs_op_read(const struct xs_view *v, const char *path,
               const struct xs_node **n)
{
    return get_node(v, path, XS_PERM_READ, n);
}

int xs_op_can_watch(const struct xs_view *v, const char *path)
{
    char top[XS_PATH_SIZE];
    const struct xs_node *n;
    unsigned int missing;
    int rc = nearest(v, path, top, &missing, &n);

    if (rc)
        return rc;
    return xs_can(v->c, n->perms, n->nperms, XS_PERM_READ) ? 0 : -XEN_EACCES;
}

static int fire_at(const struct xs_view *v, const char *path)
{
    const struct xs_node *n;
    int rc = xs_view_get(v, path, &n);

    return rc ? rc : n ? xs_view_fire(v, path, n, false) : 0;
}

/* ---- Creating ---- */

/* A new node under parent: the parent's permissions, owned by an
 * unprivileged creator. */
static struct xs_node *new_node(const struct xs_view *v,
                                const struct xs_node *parent,
                                const char *value, uint32_t vlen)
{
    struct xs_node *n = xs_node_new(parent->perms, parent->nperms, value,
                                    vlen, NULL, 0);

    if (n && !v->c->priv)
        n->perms[0].id = v->c->domid;
    return n;
}

static int add_child(const struct xs_view *v, const char *parent_path,
                     const char *path, const char *value, uint32_t vlen)
{
    const struct xs_node *parent;
    struct xs_node *n, *p;
    int rc = xs_view_get(v, parent_path, &parent);

    if (rc)
        return rc;
    n = new_node(v, parent, value, vlen);
    p = n ? xs_node_with_child(parent, xs_path_name(path)) : NULL;
    if (!n || !p) {
        free(n);
        free(p);
        return -XEN_ENOMEM;
    }
    if ((rc = xs_view_set(v, path, n))) {
        free(p);
        return rc;
    }
    return xs_view_set(v, parent_path, p);
}

/* Create path and the missing nodes above it, below the existing one
 * whose path is the first `from` bytes of path. */
static int create_levels(const struct xs_view *v, const char *path,
                         size_t from, const char *value, uint32_t vlen)
{
    char parent[XS_PATH_SIZE], cur[XS_PATH_SIZE];
    size_t end = from == 1 ? 0 : from;  /* at the '/' before a new name */
    int rc;

    memcpy(parent, path, from);
    parent[from] = '\0';
    while (path[end] != '\0') {
        const char *slash = strchr(path + end + 1, '/');
        size_t next = slash ? (size_t)(slash - path) : strlen(path);

        memcpy(cur, path, next);
        cur[next] = '\0';
        if ((rc = add_child(v, parent, cur, slash ? "" : value,
                            slash ? 0 : vlen)))
            return rc;
        memcpy(parent, cur, next + 1);
        end = next;
    }
    return 0;
}

static int create(const struct xs_view *v, const char *path, const char *value,
                  uint32_t vlen)
{
    char top[XS_PATH_SIZE];
    const struct xs_node *n;
    unsigned int missing;
    int rc = nearest(v, path, top, &missing, &n);

    if (rc)
        return rc;
    if (!xs_can(v->c, n->perms, n->nperms, XS_PERM_WRITE))
        return -XEN_EACCES;
    if (!v->c->priv && xs_view_owned(v) + missing > XS_QUOTA_NODES)
        return -XS_EQUOTA;
    if (!xs_view_room(v, 2 * missing + 1))
        return -XS_EQUOTA;
    return create_levels(v, path, strlen(top), value, vlen);
}

int xs_op_write(const struct xs_view *v, const char *path, const char *value,
                uint32_t vlen)
{
    const struct xs_node *n;
    struct xs_node *m;
    int rc;

    if (!v->c->priv && vlen > XS_QUOTA_VALUE)
        return -XS_EQUOTA;
    if ((rc = xs_view_get(v, path, &n)))
        return rc;
    if (!n)
        rc = create(v, path, value, vlen);
    else if (!xs_can(v->c, n->perms, n->nperms, XS_PERM_WRITE))
        return -XEN_EACCES;
    else if (!(m = xs_node_with_value(n, value, vlen)))
        return -XEN_ENOMEM;
    else
        rc = xs_view_set(v, path, m);
    return rc ? rc : fire_at(v, path);
}

int xs_op_mkdir(const struct xs_view *v, const char *path)
{
    const struct xs_node *n;
    int rc = xs_view_get(v, path, &n);

    if (rc)
        return rc;
    if (n)
        return xs_can(v->c, n->perms, n->nperms, XS_PERM_WRITE) ? 0
                                                                : -XEN_EACCES;
    return (rc = create(v, path, "", 0)) ? rc : fire_at(v, path);
}

/* ---- Removing ---- */

struct path_list {
    char **paths;
    size_t n, cap;
};

static int list_add(struct path_list *l, const char *path)
{
    char *copy = strdup(path);

    if (copy && l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **p = realloc(l->paths, cap * sizeof(*p));

        if (!p) {
            free(copy);
            return -XEN_ENOMEM;
        }
        l->paths = p;
        l->cap = cap;
    }
    if (!copy)
        return -XEN_ENOMEM;
    l->paths[l->n++] = copy;
    return 0;
}

static void list_free(struct path_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->paths[i]);
    free(l->paths);
}

/* path and every node below it as v sees them, found through the child
 * lists (breadth first), so the cost is the subtree's, not the store's. */
static int collect(const struct xs_view *v, const char *path,
                   struct path_list *l)
{
    char child[XS_PATH_SIZE];
    int rc = list_add(l, path);

    for (size_t i = 0; !rc && i < l->n; i++) {
        const struct xs_node *n;
        const char *base = strcmp(l->paths[i], "/") ? l->paths[i] : "";

        if ((rc = xs_view_get(v, l->paths[i], &n)) || !n)
            continue;
        for (uint32_t off = 0; !rc && off < n->clen;) {
            const char *name = n->children + off;

            off += (uint32_t)strlen(name) + 1;
            if ((size_t)snprintf(child, sizeof(child), "%s/%s", base, name) <
                sizeof(child))
                rc = list_add(l, child);
        }
    }
    return rc;
}

/* Remove the existing node n at path and everything below it. */
static int remove_tree(const struct xs_view *v, const char *path,
                       const struct xs_node *n)
{
    char parent_path[XS_PATH_SIZE];
    struct path_list l = { 0 };
    const struct xs_node *parent;
    struct xs_node *p;
    int rc = collect(v, path, &l);

    if (!rc && !xs_view_room(v, l.n + 1))
        rc = -XS_EQUOTA;
    xs_path_parent(path, parent_path);
    if (!rc)
        rc = xs_view_get(v, parent_path, &parent);
    if (rc || !(p = xs_node_without_child(parent, xs_path_name(path)))) {
        list_free(&l);
        return rc ? rc : -XEN_ENOMEM;
    }
    rc = xs_view_fire(v, path, n, true);
    for (size_t i = 0; !rc && i < l.n; i++) {
        if (!(rc = xs_view_get(v, l.paths[i], &n)) && n)
            rc = xs_view_set(v, l.paths[i], NULL);
    }
    list_free(&l);
    if (rc) {
        free(p);
        return rc;
    }
    return xs_view_set(v, parent_path, p);
}

int xs_op_rm(const struct xs_view *v, const char *path)
{
    char parent_path[XS_PATH_SIZE];
    const struct xs_node *n;
    int rc;

    if (strcmp(path, "/") == 0)
        return -XEN_EINVAL;
    if ((rc = xs_view_get(v, path, &n)))
        return rc;
    if (!n) {
        /* Already gone: fine, if its parent is there (as in Xen). */
        rc = missing_error(v, path);
        xs_path_parent(path, parent_path);
        if (rc == -XEN_ENOENT && xs_view_get(v, parent_path, &n) == 0 && n)
            rc = 0;
        return rc;
    }
    if (!xs_can(v->c, n->perms, n->nperms, XS_PERM_WRITE))
        return -XEN_EACCES;
    return remove_tree(v, path, n);
}

int xs_op_set_perms(const struct xs_view *v, const char *path,
                    const struct xs_perm *perms, uint32_t nperms)
{
    const struct xs_node *n;
    struct xs_node *m;
    int rc;

    if (!v->c->priv && nperms > XS_QUOTA_PERMS)
        return -XS_EQUOTA;
    if ((rc = get_node(v, path, XS_PERM_WRITE, &n)))
        return rc;
    if (!v->c->priv && xs_node_owner(n) != v->c->domid)
        return -XEN_EACCES;             /* only the owner sets them */
    if (!v->c->priv && perms[0].id != xs_node_owner(n))
        return -XEN_EPERM;              /* only dom0 gives a node away */
    if (!(m = xs_node_with_perms(n, perms, nperms)))
        return -XEN_ENOMEM;
    return (rc = xs_view_set(v, path, m)) ? rc : fire_at(v, path);
}

/* ---- A dead domain's nodes ---- */

void xs_op_remove_owned(struct xs_store *s, domid_t domid)
{
    struct xs_conn dom0 = { .s = s, .domid = 0, .priv = true };
    struct xs_view v = { &dom0, NULL };
    struct path_list l = { 0 };
    struct xs_map_ent *e = NULL;

    if (domid == 0)
        return;                         /* dom0 owns the tree's top */
    while ((e = xs_map_next(&s->nodes, e))) {
        const struct xs_node *n = e->val;

        if (xs_node_owner(n) == domid && list_add(&l, e->key))
            break;
    }
    for (size_t i = 0; i < l.n; i++) {
        const struct xs_node *n = xs_map_get(&s->nodes, l.paths[i]);

        /* Gone already with an ancestor, or the root (never removed). */
        if (n && strcmp(l.paths[i], "/") != 0)
            remove_tree(&v, l.paths[i], n);
    }
    list_free(&l);
}
