/*
 * The store: a table from paths to nodes (each node lists its children
 * by name, so the table alone is the tree), per-domain node counts, and
 * transactions.
 *
 * Every change gives the changed node the store's next generation.  A
 * transaction records, for each node it touches, the generation it saw
 * (0 for none) and its own new version; it commits only if every node
 * it touched still has the generation it saw, else EAGAIN.  Changing a
 * node's child list changes the node, so transactions that add children
 * to the same node conflict.
 */
#include <stdlib.h>
#include <string.h>

#include "xs_int.h"

static struct xs_node *main_get(const struct xs_store *s, const char *path)
{
    return xs_map_get(&s->nodes, path);
}

/* Store n (NULL: remove) at path, outside any transaction. */
static int main_set(struct xs_store *s, const char *path, struct xs_node *n)
{
    struct xs_node *old = main_get(s, path);

    if (n) {
        n->gen = ++s->gen;
        if (xs_map_put(&s->nodes, path, n, NULL)) {
            free(n);
            return -XEN_ENOMEM;
        }
        s->owned[xs_node_owner(n)]++;
    } else if (old) {
        xs_map_del(&s->nodes, path);
    }
    if (old) {
        s->owned[xs_node_owner(old)]--;
        free(old);
    }
    return 0;
}

static int add_root(struct xs_store *s, const char *path, const char *child)
{
    static const struct xs_perm n0 = { 0, XS_PERM_NONE };
    uint32_t clen = child ? (uint32_t)strlen(child) + 1 : 0;
    struct xs_node *n = xs_node_new(&n0, 1, "", 0, child, clen);

    return n ? main_set(s, path, n) : -XEN_ENOMEM;
}

struct xs_store *xs_store_new(const struct xs_hooks *hooks)
{
    struct xs_store *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    xs_map_init(&s->nodes);
    s->owned = calloc(DOMID_FIRST_RESERVED, sizeof(*s->owned));
    if (hooks)
        s->hooks = *hooks;
    if (!s->owned || add_root(s, "/", "local") ||
        add_root(s, "/local", "domain") || add_root(s, XS_LOCAL_DOMAIN, NULL)) {
        xs_store_free(s);
        return NULL;
    }
    return s;
}

void xs_store_free(struct xs_store *s)
{
    struct xs_map_ent *e = NULL;

    if (!s)
        return;
    while (s->conns)
        xs_conn_free(s->conns);
    while ((e = xs_map_next(&s->nodes, e)))
        free(e->val);
    xs_map_clear(&s->nodes);
    free(s->owned);
    free(s);
}

uint32_t xs_store_owned(const struct xs_store *s, domid_t domid)
{
    return domid < DOMID_FIRST_RESERVED ? s->owned[domid] : 0;
}

size_t xs_store_nodes(const struct xs_store *s)
{
    return s->nodes.count;
}

void xs_store_release_domain(struct xs_store *s, domid_t domid)
{
    xs_op_remove_owned(s, domid);
    xs_watch_fire_special(s, "@releaseDomain");
}

void xs_store_introduced(struct xs_store *s)
{
    xs_watch_fire_special(s, "@introduceDomain");
}

/* ---- Views: the store as a connection, maybe in a transaction, sees it */

static size_t node_bytes(const struct xs_node *n)
{
    return n ? sizeof(*n) + n->nperms * sizeof(struct xs_perm) + n->vlen + 1 +
               n->clen : 0;
}

/* May the transaction hold `more` bytes more? */
static bool txn_room(const struct xs_view *v, size_t more)
{
    return v->c->priv || v->t->bytes + more <= XS_QUOTA_TXN_BYTES;
}

/* The transaction's record of path, made on first touch. */
static struct xs_txn_ent *txn_ent(const struct xs_view *v, const char *path,
                                  int *err)
{
    struct xs_txn_ent *e = xs_map_get(&v->t->ents, path);
    size_t bytes = sizeof(*e) + sizeof(struct xs_map_ent) + strlen(path) + 1;
    const struct xs_node *cur;

    if (e)
        return e;
    if (!v->c->priv && (v->t->ents.count >= XS_QUOTA_TXN_NODES ||
                        !txn_room(v, bytes))) {
        *err = -XS_EQUOTA;
        return NULL;
    }
    if (!(e = calloc(1, sizeof(*e)))) {
        *err = -XEN_ENOMEM;
        return NULL;
    }
    cur = main_get(v->c->s, path);
    e->seen = cur ? cur->gen : 0;
    if (xs_map_put(&v->t->ents, path, e, NULL)) {
        free(e);
        *err = -XEN_ENOMEM;
        return NULL;
    }
    v->t->bytes += bytes;
    return e;
}

int xs_view_get(const struct xs_view *v, const char *path,
                const struct xs_node **n)
{
    struct xs_txn_ent *e;
    int err = 0;

    if (!v->t) {
        *n = main_get(v->c->s, path);
        return 0;
    }
    if (!(e = txn_ent(v, path, &err)))
        return err;
    *n = e->dirty ? e->node : main_get(v->c->s, path);
    return 0;
}

int xs_view_set(const struct xs_view *v, const char *path, struct xs_node *n)
{
    const struct xs_node *prev;
    struct xs_txn_ent *e;
    int err = 0;

    if (!v->t)
        return main_set(v->c->s, path, n);
    if (!(e = txn_ent(v, path, &err)) || !txn_room(v, node_bytes(n))) {
        free(n);
        return e ? -XS_EQUOTA : err;
    }
    prev = e->dirty ? e->node : main_get(v->c->s, path);
    if (prev && xs_node_owner(prev) == v->c->domid)
        v->t->gained--;
    if (n && xs_node_owner(n) == v->c->domid)
        v->t->gained++;
    if (e->dirty) {
        v->t->bytes -= node_bytes(e->node);
        free(e->node);
    }
    v->t->bytes += node_bytes(n);
    e->node = n;
    e->dirty = true;
    return 0;
}

uint32_t xs_view_owned(const struct xs_view *v)
{
    int64_t n = v->c->s->owned[v->c->domid] + (v->t ? v->t->gained : 0);

    return n > 0 ? (uint32_t)n : 0;
}

bool xs_view_room(const struct xs_view *v, size_t n)
{
    return !v->t || v->c->priv || v->t->ents.count + n <= XS_QUOTA_TXN_NODES;
}

int xs_view_fire(const struct xs_view *v, const char *path,
                 const struct xs_node *n, bool recurse)
{
    size_t plen = n->nperms * sizeof(struct xs_perm);
    size_t bytes = sizeof(struct xs_event) + strlen(path) + 1 + plen;
    struct xs_txn_ent *e;
    struct xs_event *ev;
    bool *fired;
    int err = 0;

    if (!v->t) {
        xs_watch_fire(v->c->s, path, n->perms, n->nperms, recurse);
        return 0;
    }
    /* Rewriting one path a thousand times needs one event at commit. */
    if (!(e = txn_ent(v, path, &err)))
        return err;
    fired = recurse ? &e->fired_recurse : &e->fired;
    if (*fired)
        return 0;
    if (!txn_room(v, bytes) || !(ev = malloc(bytes))) {
        v->t->over_quota = true;
        return txn_room(v, bytes) ? -XEN_ENOMEM : -XS_EQUOTA;
    }
    ev->next = NULL;
    ev->recurse = recurse;
    ev->nperms = n->nperms;
    ev->perms = (struct xs_perm *)(ev + 1);
    memcpy(ev->perms, n->perms, plen);
    ev->path = (char *)ev->perms + plen;
    strcpy(ev->path, path);
    *v->t->events_tail = ev;
    v->t->events_tail = &ev->next;
    v->t->bytes += bytes;
    *fired = true;
    return 0;
}

/* ---- Transactions ---- */

struct xs_txn *xs_txn_find(struct xs_conn *c, uint32_t id)
{
    struct xs_txn *t;

    for (t = c->txns; t; t = t->next)
        if (t->id == id)
            return t;
    return NULL;
}

int xs_txn_start(struct xs_conn *c, uint32_t *id)
{
    struct xs_txn *t;

    if (!c->priv && c->ntxns >= XS_QUOTA_TXNS)
        return -XS_EQUOTA;
    if (!(t = calloc(1, sizeof(*t))))
        return -XEN_ENOMEM;
    xs_map_init(&t->ents);
    t->events_tail = &t->events;
    do
        t->id = c->next_txid++;
    while (t->id == 0 || xs_txn_find(c, t->id));
    t->next = c->txns;
    c->txns = t;
    c->ntxns++;
    *id = t->id;
    return 0;
}

static void txn_free(struct xs_conn *c, struct xs_txn *t)
{
    struct xs_map_ent *e = NULL;
    struct xs_txn **p;

    for (p = &c->txns; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            c->ntxns--;
            break;
        }
    while ((e = xs_map_next(&t->ents, e))) {
        struct xs_txn_ent *te = e->val;

        if (te->dirty)
            free(te->node);
        free(te);
    }
    xs_map_clear(&t->ents);
    while (t->events) {
        struct xs_event *ev = t->events;

        t->events = ev->next;
        free(ev);
    }
    free(t);
}

void xs_txn_free_all(struct xs_conn *c)
{
    while (c->txns)
        txn_free(c, c->txns);
}

/* Can t commit?  Every node it touched as it saw it, and its domain
 * within quota afterwards. */
static int txn_check(const struct xs_conn *c, const struct xs_txn *t)
{
    const struct xs_store *s = c->s;
    struct xs_map_ent *e = NULL;
    int64_t delta = 0;

    while ((e = xs_map_next(&t->ents, e))) {
        const struct xs_txn_ent *te = e->val;
        const struct xs_node *cur = main_get(s, e->key);

        if ((cur ? cur->gen : 0) != te->seen)
            return -XEN_EAGAIN;
        if (te->dirty)
            delta += (te->node && xs_node_owner(te->node) == c->domid) -
                     (cur && xs_node_owner(cur) == c->domid);
    }
    if (!c->priv && delta > 0 && s->owned[c->domid] + delta > XS_QUOTA_NODES)
        return -XS_EQUOTA;
    return 0;
}

static int txn_apply(struct xs_conn *c, struct xs_txn *t)
{
    struct xs_map_ent *e = NULL;
    struct xs_event *ev;
    int rc = 0;

    while ((e = xs_map_next(&t->ents, e))) {
        struct xs_txn_ent *te = e->val;
        int r;

        if (!te->dirty)
            continue;
        r = main_set(c->s, e->key, te->node);
        te->node = NULL;
        te->dirty = false;
        rc = rc ? rc : r;
    }
    for (ev = t->events; ev; ev = ev->next)
        xs_watch_fire(c->s, ev->path, ev->perms, ev->nperms, ev->recurse);
    return rc;
}

int xs_txn_end(struct xs_conn *c, struct xs_txn *t, bool commit)
{
    int rc = 0;

    if (commit && t->over_quota)
        rc = -XS_EQUOTA;
    else if (commit && !(rc = txn_check(c, t)))
        rc = txn_apply(c, t);
    txn_free(c, t);
    return rc;
}

/* ---- Error names ---- */

#define XS_ERR(name) { XEN_##name, #name },
static const struct {
    int num;
    const char *name;
} errors[] = {
    XSD_ERROR_LIST(XS_ERR)
    { XS_EQUOTA, "EQUOTA" },
};

const char *xs_errname(int err)
{
    for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
        if (errors[i].num == -err)
            return errors[i].name;
    return "EINVAL";
}

int xs_errno(const char *name)
{
    for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
        if (strcmp(errors[i].name, name) == 0)
            return -errors[i].num;
    return 0;
}
