/*
 * Connections: a client's watches, transactions, the framing of its byte
 * stream into messages and its queue of output.
 *
 * A header announcing more than XENSTORE_PAYLOAD_MAX bytes is answered
 * with E2BIG and the announced bytes are skipped, so the stream stays in
 * step; only that client is affected.
 */
#include <stdlib.h>
#include <string.h>

#include "xs_int.h"

struct xs_conn *xs_conn_new(struct xs_store *s, domid_t domid)
{
    struct xs_conn *c;

    if (domid >= DOMID_FIRST_RESERVED || !(c = calloc(1, sizeof(*c))))
        return NULL;
    c->s = s;
    c->domid = domid;
    c->priv = domid == 0;
    c->next_txid = 1;
    c->out_tail = &c->out;
    c->next = s->conns;
    s->conns = c;
    return c;
}

void xs_conn_free(struct xs_conn *c)
{
    struct xs_conn **p;

    if (!c)
        return;
    for (p = &c->s->conns; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    xs_watch_free_all(c);
    xs_txn_free_all(c);
    while (c->out) {
        struct xs_out *o = c->out;

        c->out = o->next;
        free(o);
    }
    free(c);
}

struct xs_conn *xs_conn_find(struct xs_store *s, domid_t domid)
{
    for (struct xs_conn *c = s->conns; c; c = c->next)
        if (c->domid == domid)
            return c;
    return NULL;
}

domid_t xs_conn_domid(const struct xs_conn *c)
{
    return c->domid;
}

/* ---- Output ---- */

int xs_queue(struct xs_conn *c, const struct xsd_sockmsg *hdr,
             const void *payload, bool event)
{
    struct xs_out *o;

    /* A domU that does not read its events loses the newest; dom0's are
     * never dropped (its toolstack acts on them, and it always reads). */
    if (event && !c->priv && c->out_bytes > XS_OUT_EVENT_LIMIT) {
        c->events_dropped++;
        return 0;
    }
    if (!(o = malloc(sizeof(*o) + hdr->len)))
        return -XEN_ENOMEM;
    o->next = NULL;
    o->off = 0;
    o->hdr = *hdr;
    memcpy(o->payload, payload, hdr->len);
    *c->out_tail = o;
    c->out_tail = &o->next;
    c->out_bytes += sizeof(*hdr) + hdr->len;
    return 0;
}

static void unqueue(struct xs_conn *c)
{
    struct xs_out *o = c->out;

    c->out = o->next;
    if (!c->out)
        c->out_tail = &c->out;
    c->out_bytes -= sizeof(o->hdr) + o->hdr.len - o->off;
    free(o);
}

size_t xs_conn_output(struct xs_conn *c, void *buf, size_t room)
{
    size_t done = 0;

    while (c->out && done < room) {
        struct xs_out *o = c->out;
        uint32_t total = (uint32_t)sizeof(o->hdr) + o->hdr.len;
        size_t n = total - o->off;

        n = n < room - done ? n : room - done;
        for (size_t i = 0; i < n; i++) {
            uint32_t at = o->off + (uint32_t)i;

            ((char *)buf)[done + i] = at < sizeof(o->hdr)
                ? ((const char *)&o->hdr)[at] : o->payload[at - sizeof(o->hdr)];
        }
        o->off += (uint32_t)n;
        c->out_bytes -= n;
        done += n;
        if (o->off == total)
            unqueue(c);
    }
    return done;
}

bool xs_conn_pop(struct xs_conn *c, struct xsd_sockmsg *hdr, char *payload)
{
    if (!c->out)
        return false;
    *hdr = c->out->hdr;
    memcpy(payload, c->out->payload, hdr->len);
    payload[hdr->len] = '\0';
    unqueue(c);
    return true;
}

size_t xs_conn_pending(const struct xs_conn *c)
{
    return c->out_bytes;
}

uint64_t xs_conn_events_dropped(const struct xs_conn *c)
{
    return c->events_dropped;
}

/* ---- Input ---- */

static void reply_error(struct xs_conn *c, const struct xsd_sockmsg *req,
                        int err)
{
    const char *name = xs_errname(err);
    struct xsd_sockmsg hdr = { XS_ERROR, req->req_id, req->tx_id,
                               (uint32_t)strlen(name) + 1 };

    xs_queue(c, &hdr, name, false);
}

/* Take bytes into *dst (want of them); returns how many. */
static size_t take(char *dst, uint32_t *got, uint32_t want, const char *src,
                   size_t len)
{
    size_t n = want - *got < len ? want - *got : len;

    memcpy(dst + *got, src, n);
    *got += (uint32_t)n;
    return n;
}

/* A header is complete: answer an oversized one, or wait for the body. */
static void header_done(struct xs_conn *c)
{
    if (c->hdr.len > XENSTORE_PAYLOAD_MAX) {
        reply_error(c, &c->hdr, -XEN_E2BIG);
        c->discard = c->hdr.len;
        c->hdr_got = 0;
    }
}

size_t xs_conn_feed(struct xs_conn *c, const void *buf, size_t len)
{
    const char *p = buf;
    size_t used = 0;

    while (used < len && c->out_bytes <= XS_OUT_REQUEST_LIMIT) {
        if (c->discard) {
            size_t n = c->discard < len - used ? c->discard : len - used;

            c->discard -= (uint32_t)n;
            used += n;
        } else if (c->hdr_got < sizeof(c->hdr)) {
            used += take((char *)&c->hdr, &c->hdr_got, sizeof(c->hdr),
                         p + used, len - used);
            if (c->hdr_got == sizeof(c->hdr))
                header_done(c);
        } else {
            used += take(c->body, &c->body_got, c->hdr.len, p + used,
                         len - used);
        }
        if (c->hdr_got == sizeof(c->hdr) && c->body_got == c->hdr.len) {
            c->hdr_got = c->body_got = 0;
            xs_conn_message(c, &c->hdr, c->body);
        }
    }
    return used;
}
