/*
 * The xenstore wire protocol: one message in, its reply out.
 *
 * Each request is checked before anything is done: a known type, no
 * transaction for the types that cannot take one, its payload split into
 * exactly the NUL-terminated strings the type takes (XS_WRITE: a path,
 * then the value as raw bytes), a transaction that exists, canonical
 * paths.  Anything else is answered with XS_ERROR and Xen's error name.
 * Replies echo the request's req_id and tx_id.
 */
#include <stdio.h>
#include <string.h>

#include "xs_int.h"

#define ARGS_MAX   64           /* strings in one request (set_perms) */
#define VARIADIC   (-1)         /* a path and at least one more string */
#define PATH_VALUE (-2)         /* XS_WRITE: a path, then raw bytes */

struct req {
    struct xs_conn *c;
    const struct xsd_sockmsg *hdr;
    struct xs_view v;
    const char *arg[ARGS_MAX];
    uint32_t argc;
    const char *value;          /* XS_WRITE */
    uint32_t vlen;
    char reply[XENSTORE_PAYLOAD_MAX];
    uint32_t rlen;
    bool replied;               /* the handler sent its own reply */
};

/* ---- Replies ---- */

static int reply_bytes(struct req *r, const void *data, size_t len)
{
    if (len > sizeof(r->reply) - r->rlen)
        return -XEN_E2BIG;
    memcpy(r->reply + r->rlen, data, len);
    r->rlen += (uint32_t)len;
    return 0;
}

static int reply_str(struct req *r, const char *s)
{
    return reply_bytes(r, s, strlen(s) + 1);
}

static void send_reply(struct req *r, uint32_t type, const void *payload,
                       uint32_t len)
{
    struct xsd_sockmsg hdr = { type, r->hdr->req_id, r->hdr->tx_id, len };

    xs_queue(r->c, &hdr, payload, false);
}

/* ---- Handlers ---- */

static int canon(struct req *r, const char *path, char *out)
{
    return xs_path_canon(r->c->domid, path, out, NULL);
}

static int do_read(struct req *r)
{
    char path[XS_PATH_SIZE];
    const struct xs_node *n;
    int rc;

    if ((rc = canon(r, r->arg[0], path)) || (rc = xs_op_read(&r->v, path, &n)))
        return rc;
    return reply_bytes(r, n->value, n->vlen);
}

static int do_directory(struct req *r)
{
    char path[XS_PATH_SIZE];
    const struct xs_node *n;
    int rc;

    if ((rc = canon(r, r->arg[0], path)) || (rc = xs_op_read(&r->v, path, &n)))
        return rc;
    return reply_bytes(r, n->children, n->clen);
}

static int do_get_perms(struct req *r)
{
    char path[XS_PATH_SIZE], perm[8];
    const struct xs_node *n;
    int rc;

    if ((rc = canon(r, r->arg[0], path)) || (rc = xs_op_read(&r->v, path, &n)))
        return rc;
    for (uint32_t i = 0; !rc && i < n->nperms; i++) {
        xs_perm_format(&n->perms[i], perm);
        rc = reply_str(r, perm);
    }
    return rc;
}

static int do_write(struct req *r)
{
    char path[XS_PATH_SIZE];
    int rc;

    if ((rc = canon(r, r->arg[0], path)) ||
        (rc = xs_op_write(&r->v, path, r->value, r->vlen)))
        return rc;
    return reply_str(r, "OK");
}

static int do_mkdir(struct req *r)
{
    char path[XS_PATH_SIZE];
    int rc;

    if ((rc = canon(r, r->arg[0], path)) || (rc = xs_op_mkdir(&r->v, path)))
        return rc;
    return reply_str(r, "OK");
}

static int do_rm(struct req *r)
{
    char path[XS_PATH_SIZE];
    int rc;

    if ((rc = canon(r, r->arg[0], path)) || (rc = xs_op_rm(&r->v, path)))
        return rc;
    return reply_str(r, "OK");
}

static int do_set_perms(struct req *r)
{
    struct xs_perm perms[ARGS_MAX];
    char path[XS_PATH_SIZE];
    uint32_t n = r->argc - 1;
    int rc;

    if ((rc = canon(r, r->arg[0], path)))
        return rc;
    for (uint32_t i = 0; i < n; i++)
        if ((rc = xs_perm_parse(r->arg[i + 1], &perms[i])))
            return rc;
    if ((rc = xs_op_set_perms(&r->v, path, perms, n)))
        return rc;
    return reply_str(r, "OK");
}

static int do_watch(struct req *r)
{
    int rc = xs_watch_add(r->c, r->arg[0], r->arg[1]);

    if (rc)
        return rc;
    /* OK first, then the event every new watch fires once. */
    send_reply(r, XS_WATCH, "OK", 3);
    xs_watch_event(r->c, r->arg[0], r->arg[1]);
    r->replied = true;
    return 0;
}

static int do_unwatch(struct req *r)
{
    int rc = xs_watch_del(r->c, r->arg[0], r->arg[1]);

    return rc ? rc : reply_str(r, "OK");
}

static int do_reset_watches(struct req *r)
{
    xs_watch_free_all(r->c);
    xs_txn_free_all(r->c);
    return reply_str(r, "OK");
}

static int do_txn_start(struct req *r)
{
    char id[16];
    uint32_t tx;
    int rc = xs_txn_start(r->c, &tx);

    if (rc)
        return rc;
    snprintf(id, sizeof(id), "%u", tx);
    return reply_str(r, id);
}

static int do_txn_end(struct req *r)
{
    bool commit = strcmp(r->arg[0], "T") == 0;
    int rc;

    if (!commit && strcmp(r->arg[0], "F") != 0)
        return -XEN_EINVAL;
    if ((rc = xs_txn_end(r->c, r->v.t, commit)))
        return rc;
    return reply_str(r, "OK");
}

static int do_introduce(struct req *r)
{
    const struct xs_hooks *h = &r->c->s->hooks;
    uint64_t mfn, port;
    domid_t domid;
    int rc;

    if (xs_parse_domid(r->arg[0], &domid) || domid == 0 ||
        xs_parse_u64(r->arg[1], UINT64_MAX, &mfn) ||
        xs_parse_u64(r->arg[2], UINT32_MAX, &port))
        return -XEN_EINVAL;
    if (xs_conn_find(r->c->s, domid))
        return -XEN_EEXIST;
    if (!h->introduce)
        return -XEN_ENOSYS;
    if ((rc = h->introduce(h->data, domid, mfn, (uint32_t)port)))
        return rc;
    return reply_str(r, "OK");
}

static int do_release(struct req *r)
{
    const struct xs_hooks *h = &r->c->s->hooks;
    domid_t domid;
    int rc;

    if (xs_parse_domid(r->arg[0], &domid) || domid == 0)
        return -XEN_EINVAL;
    if (!xs_conn_find(r->c->s, domid))
        return -XEN_ENOENT;
    if (!h->release)
        return -XEN_ENOSYS;
    if ((rc = h->release(h->data, domid)))
        return rc;
    return reply_str(r, "OK");
}

static int do_get_domain_path(struct req *r)
{
    char path[XS_PATH_SIZE];
    domid_t domid;

    if (xs_parse_domid(r->arg[0], &domid))
        return -XEN_EINVAL;
    xs_domain_path(domid, path);
    return reply_str(r, path);
}

static int do_is_introduced(struct req *r)
{
    domid_t domid;

    if (xs_parse_domid(r->arg[0], &domid))
        return -XEN_EINVAL;
    return reply_str(r, domid == 0 || xs_conn_find(r->c->s, domid) ? "T" : "F");
}

/* ---- Dispatch ---- */

struct op {
    int (*fn)(struct req *r);
    int8_t nargs;               /* exact count, VARIADIC or PATH_VALUE */
    bool txn;                   /* may run in a transaction */
    bool priv;                  /* dom0 only */
};

static const struct op ops[XS_TYPE_COUNT] = {
    [XS_DIRECTORY]            = { do_directory, 1, true, false },
    [XS_READ]                 = { do_read, 1, true, false },
    [XS_GET_PERMS]            = { do_get_perms, 1, true, false },
    [XS_WATCH]                = { do_watch, 2, false, false },
    [XS_UNWATCH]              = { do_unwatch, 2, false, false },
    [XS_TRANSACTION_START]    = { do_txn_start, 1, false, false },
    [XS_TRANSACTION_END]      = { do_txn_end, 1, true, false },
    [XS_INTRODUCE]            = { do_introduce, 3, false, true },
    [XS_RELEASE]              = { do_release, 1, false, true },
    [XS_GET_DOMAIN_PATH]      = { do_get_domain_path, 1, false, false },
    [XS_WRITE]                = { do_write, PATH_VALUE, true, false },
    [XS_MKDIR]                = { do_mkdir, 1, true, false },
    [XS_RM]                   = { do_rm, 1, true, false },
    [XS_SET_PERMS]            = { do_set_perms, VARIADIC, true, false },
    [XS_IS_DOMAIN_INTRODUCED] = { do_is_introduced, 1, false, true },
    [XS_RESET_WATCHES]        = { do_reset_watches, 0, false, false },
};

/* Types a client may send that are not done here. */
static bool unimplemented(uint32_t type)
{
    return type == XS_CONTROL || type == XS_RESUME ||
           type == XS_SET_TARGET || type == XS_DIRECTORY_PART;
}

/* Split the payload into NUL-terminated strings; the last byte must be a
 * NUL.  Returns the count, or -XEN_E2BIG beyond ARGS_MAX. */
static int split(struct req *r, const char *p, uint32_t len)
{
    uint32_t off = 0;

    r->argc = 0;
    if (len && p[len - 1] != '\0')
        return -XEN_EINVAL;
    while (off < len) {
        if (r->argc == ARGS_MAX)
            return -XEN_E2BIG;
        r->arg[r->argc++] = p + off;
        off += (uint32_t)strlen(p + off) + 1;
    }
    return (int)r->argc;
}

/* XS_WRITE: "path\0" then the value, which may hold any bytes. */
static int split_path_value(struct req *r, const char *p, uint32_t len)
{
    const char *nul = memchr(p, '\0', len);

    if (!nul)
        return -XEN_EINVAL;
    r->arg[0] = p;
    r->argc = 1;
    r->value = nul + 1;
    r->vlen = len - (uint32_t)(nul + 1 - p);
    return 0;
}

static int parse_args(struct req *r, const struct op *op, const char *p,
                      uint32_t len)
{
    int n;

    if (op->nargs == PATH_VALUE)
        return split_path_value(r, p, len);
    if ((n = split(r, p, len)) < 0)
        return n;
    if (op->nargs == VARIADIC)
        return n >= 2 ? 0 : -XEN_EINVAL;
    return n == op->nargs ? 0 : -XEN_EINVAL;
}

static int check(struct req *r, const char *payload)
{
    uint32_t type = r->hdr->type;
    const struct op *op;
    int rc;

    if (type < XS_TYPE_COUNT && unimplemented(type))
        return -XEN_ENOSYS;
    if (type >= XS_TYPE_COUNT || !ops[type].fn)
        return -XEN_EINVAL;
    op = &ops[type];
    if (op->priv && !r->c->priv)
        return -XEN_EACCES;
    if (r->hdr->tx_id && !op->txn)
        return -XEN_EINVAL;
    if (r->hdr->len > XENSTORE_PAYLOAD_MAX)
        return -XEN_E2BIG;
    if ((rc = parse_args(r, op, payload, r->hdr->len)))
        return rc;
    if (type == XS_TRANSACTION_END && !r->hdr->tx_id)
        return -XEN_ENOENT;
    if (r->hdr->tx_id && !(r->v.t = xs_txn_find(r->c, r->hdr->tx_id)))
        return -XEN_ENOENT;
    return 0;
}

void xs_conn_message(struct xs_conn *c, const struct xsd_sockmsg *hdr,
                     const char *payload)
{
    struct req req = { .c = c, .hdr = hdr, .v = { c, NULL } }, *r = &req;
    const char *name;
    int rc = check(r, payload);

    if (!rc)
        rc = ops[hdr->type].fn(r);
    if (rc) {
        name = xs_errname(rc);
        send_reply(r, XS_ERROR, name, (uint32_t)strlen(name) + 1);
    } else if (!r->replied) {
        send_reply(r, hdr->type, r->reply, r->rlen);
    }
}
