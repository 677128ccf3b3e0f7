/*
 * xenstored's core: the node tree, permissions, quotas, transactions,
 * watches and the wire protocol (Xen's io/xs_wire.h, our xenstore.h), with
 * no I/O of its own, so that it runs in dom0 and in host unit tests alike.
 *
 * A store holds nodes; a connection is one client (a domain's ring, or
 * dom0 itself in-process).  Bytes or whole messages go in; replies and
 * watch events come out of the connection's output queue.  Errors are
 * Xen's names on the wire and negative numbers here: -XEN_E*, or
 * -XENSTORE_EQUOTA.
 *
 * Rules, as Xen's xenstored has them unless noted:
 *  - Paths: absolute ("/local/domain/3/name") or relative to the caller's
 *    /local/domain/<id>; characters [A-Za-z0-9_@/-], no empty component,
 *    no trailing '/'; at most XENSTORE_ABS_PATH_MAX bytes absolute,
 *    XENSTORE_REL_PATH_MAX relative.  "@introduceDomain" and
 *    "@releaseDomain" are watch paths only.
 *  - Permissions: each node has a list "<c><domid>" with c in n/r/w/b
 *    (none, read, write, both).  The first entry names the owner, who
 *    may do anything, and the access of domains not listed.  dom0 may do
 *    anything.  A node created by an unprivileged domain gets its
 *    parent's list with itself as owner; only dom0 can give a node away.
 *  - Nodes are charged to their owner: XS_QUOTA_NODES per domain, values
 *    of at most XS_QUOTA_VALUE bytes, XS_QUOTA_WATCHES watches,
 *    XS_QUOTA_TXNS open transactions of at most XS_QUOTA_TXN_NODES nodes
 *    and XS_QUOTA_TXN_BYTES bytes, XS_QUOTA_PERMS permission entries:
 *    EQUOTA beyond.  dom0 is exempt.
 *  - Deviation: a watch may only be set where the caller can read (the
 *    node, or its nearest existing ancestor): EACCES elsewhere.  Xen
 *    accepts any watch and filters its events.  Events are filtered by
 *    read access too.
 */
#ifndef DOM0_XS_H
#define DOM0_XS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen.h"
#include "xenstore.h"

#define XS_QUOTA_NODES      1000
#define XS_QUOTA_VALUE      2048
#define XS_QUOTA_WATCHES    128
#define XS_QUOTA_TXNS       10
#define XS_QUOTA_TXN_NODES  1024
#define XS_QUOTA_TXN_BYTES  (256 * 1024)    /* what one transaction holds */
#define XS_QUOTA_PERMS      5

/* Output a connection may hold: beyond the first, its requests wait
 * (only it is slowed); beyond the second, its watch events are dropped. */
#define XS_OUT_REQUEST_LIMIT  (16 * 1024)
#define XS_OUT_EVENT_LIMIT    (64 * 1024)

#define XS_LOCAL_DOMAIN     "/local/domain"

struct xs_store;
struct xs_conn;

/* What the store asks of its host (the ring backend in dom0; fakes in
 * tests) for XS_INTRODUCE and XS_RELEASE, which dom0 alone may send. */
struct xs_hooks {
    int (*introduce)(void *data, domid_t domid, uint64_t mfn, uint32_t port);
    int (*release)(void *data, domid_t domid);
    void *data;
};

/* A store holding "/", "/local" and "/local/domain", each "n0". */
struct xs_store *xs_store_new(const struct xs_hooks *hooks);
void xs_store_free(struct xs_store *s);
/* Nodes a domain owns (its quota count). */
uint32_t xs_store_owned(const struct xs_store *s, domid_t domid);
size_t xs_store_nodes(const struct xs_store *s);

/* A connection for domid (privileged when 0).  NULL when out of memory. */
struct xs_conn *xs_conn_new(struct xs_store *s, domid_t domid);
/* Drops its watches, transactions and output. */
void xs_conn_free(struct xs_conn *c);
struct xs_conn *xs_conn_find(struct xs_store *s, domid_t domid);
domid_t xs_conn_domid(const struct xs_conn *c);

/* A domain died: remove every node it owns (with what lies below) and
 * fire @releaseDomain.  Its connection is the caller's to free. */
void xs_store_release_domain(struct xs_store *s, domid_t domid);
/* Fire @introduceDomain (the host calls it once a domain is connected). */
void xs_store_introduced(struct xs_store *s);

/* ---- Messages in ---- */

/* Handle one whole message (hdr->len payload bytes).  The reply, and any
 * watch events it causes, are queued. */
void xs_conn_message(struct xs_conn *c, const struct xsd_sockmsg *hdr,
                     const char *payload);
/* Bytes from a ring: frame messages and handle each.  Returns how many
 * bytes were taken; fewer than len when the connection's output is over
 * XS_OUT_REQUEST_LIMIT (call again once it has drained). */
size_t xs_conn_feed(struct xs_conn *c, const void *buf, size_t len);

/* ---- Messages out ---- */

/* Copy up to room bytes of queued output; returns how many. */
size_t xs_conn_output(struct xs_conn *c, void *buf, size_t room);
/* Take the next whole message (payload up to XENSTORE_PAYLOAD_MAX bytes,
 * NUL added after it); false when there is none. */
bool xs_conn_pop(struct xs_conn *c, struct xsd_sockmsg *hdr, char *payload);
size_t xs_conn_pending(const struct xs_conn *c);
uint64_t xs_conn_events_dropped(const struct xs_conn *c);

/* ---- The ring page (xs_ring.c) ---- */

/* Move requests from the ring into c and queued output back, as far as
 * both go.  *notify: the guest should be signalled.  Returns 1 if work
 * is left (call again later), 0 if not, -1 if the ring's indices are
 * corrupt (the ring is then left alone; its `error` field says so). */
int xs_ring_pump(struct xenstore_domain_interface *ring, struct xs_conn *c,
                 bool *notify);

/* ---- Error names ---- */

/* "ENOENT" for -XEN_ENOENT, "EQUOTA" for -XENSTORE_EQUOTA; "EINVAL" for
 * anything without a name.  xs_errno is the reverse (0 if unknown). */
const char *xs_errname(int err);
int xs_errno(const char *name);

#endif /* DOM0_XS_H */
