/*
 * Watches: a connection asks to hear about changes at or below a path,
 * with a token of its choosing; each change queues an XS_WATCH_EVENT
 * ("<path>\0<token>\0") to every watch that covers it, if that
 * connection may read the node.  Removing a node also fires the watches
 * set below it.  A relative watch hears relative paths.
 *
 * "@introduceDomain" and "@releaseDomain" fire when dom0 connects or
 * releases a domain; only privileged connections hear them.
 */
#include <stdlib.h>
#include <string.h>

#include "xs_int.h"

/* An event must fit a message: the longest path, the token, two NULs. */
#define TOKEN_MAX  (XENSTORE_PAYLOAD_MAX - XENSTORE_ABS_PATH_MAX - 2)

static bool special(const char *path)
{
    return strcmp(path, "@introduceDomain") == 0 ||
           strcmp(path, "@releaseDomain") == 0;
}

/* The watched path as stored: canonical, or a special name. */
static int watch_path(const struct xs_conn *c, const char *path, char *out,
                      uint32_t *rel)
{
    *rel = 0;
    if (path[0] != '@')
        return xs_path_canon(c->domid, path, out, rel);
    if (!special(path))
        return -XEN_EINVAL;
    strcpy(out, path);
    return 0;
}

static struct xs_watch **find(struct xs_conn *c, const char *path,
                              const char *token)
{
    struct xs_watch **w;

    for (w = &c->watches; *w; w = &(*w)->next)
        if (strcmp((*w)->path, path) == 0 && strcmp((*w)->token, token) == 0)
            return w;
    return NULL;
}

int xs_watch_add(struct xs_conn *c, const char *path, const char *token)
{
    struct xs_view v = { c, NULL };
    char abs[XS_PATH_SIZE];
    struct xs_watch *w;
    uint32_t rel;
    int rc;

    if ((rc = watch_path(c, path, abs, &rel)))
        return rc;
    if (strlen(token) > TOKEN_MAX)
        return -XEN_E2BIG;
    if (find(c, abs, token))
        return -XEN_EEXIST;
    if (!c->priv && c->nwatches >= XS_QUOTA_WATCHES)
        return -XS_EQUOTA;
    if (abs[0] == '/' && (rc = xs_op_can_watch(&v, abs)))
        return rc;
    if (!(w = calloc(1, sizeof(*w))) || !(w->path = strdup(abs)) ||
        !(w->token = strdup(token))) {
        if (w)
            free(w->path);
        free(w);
        return -XEN_ENOMEM;
    }
    w->rel = rel;
    w->next = c->watches;
    c->watches = w;
    c->nwatches++;
    return 0;
}

static void watch_free(struct xs_watch *w)
{
    free(w->path);
    free(w->token);
    free(w);
}

int xs_watch_del(struct xs_conn *c, const char *path, const char *token)
{
    char abs[XS_PATH_SIZE];
    struct xs_watch **p, *w;
    uint32_t rel;
    int rc;

    if ((rc = watch_path(c, path, abs, &rel)))
        return rc;
    if (!(p = find(c, abs, token)))
        return -XEN_ENOENT;
    w = *p;
    *p = w->next;
    c->nwatches--;
    watch_free(w);
    return 0;
}

void xs_watch_free_all(struct xs_conn *c)
{
    while (c->watches) {
        struct xs_watch *w = c->watches;

        c->watches = w->next;
        watch_free(w);
    }
    c->nwatches = 0;
}

void xs_watch_event(struct xs_conn *c, const char *path, const char *token)
{
    size_t plen = strlen(path) + 1, tlen = strlen(token) + 1;
    char payload[XENSTORE_PAYLOAD_MAX];
    struct xsd_sockmsg hdr = { .type = XS_WATCH_EVENT };

    if (plen + tlen > sizeof(payload))
        return;                         /* cannot happen: see TOKEN_MAX */
    memcpy(payload, path, plen);
    memcpy(payload + plen, token, tlen);
    hdr.len = (uint32_t)(plen + tlen);
    xs_queue(c, &hdr, payload, true);
}

/* Send w's event for path (absolute), made relative if w is. */
static void send_event(struct xs_conn *c, const struct xs_watch *w,
                       const char *path)
{
    xs_watch_event(c, strlen(path) > w->rel ? path + w->rel : path, w->token);
}

void xs_watch_fire(struct xs_store *s, const char *path,
                   const struct xs_perm *perms, uint32_t nperms, bool recurse)
{
    for (struct xs_conn *c = s->conns; c; c = c->next) {
        if (!xs_can(c, perms, nperms, XS_PERM_READ))
            continue;
        for (struct xs_watch *w = c->watches; w; w = w->next) {
            if (w->path[0] != '/')
                continue;
            if (xs_path_within(path, w->path))
                send_event(c, w, path);
            else if (recurse && xs_path_within(w->path, path))
                send_event(c, w, w->path);
        }
    }
}

void xs_watch_fire_special(struct xs_store *s, const char *name)
{
    for (struct xs_conn *c = s->conns; c; c = c->next) {
        if (!c->priv)
            continue;
        for (struct xs_watch *w = c->watches; w; w = w->next)
            if (strcmp(w->path, name) == 0)
                xs_watch_event(c, name, w->token);
    }
}
