/*
 * xenstored's core, inside: nodes and paths (xs_node.c), the store and
 * its transactions (xs_store.c), node operations (xs_ops.c), watches
 * (xs_watch.c) and the protocol (xs_proto.c).
 */
#ifndef DOM0_XS_INT_H
#define DOM0_XS_INT_H

#include "xen_errno.h"
#include "xs.h"
#include "xs_map.h"

#define XS_EQUOTA       XENSTORE_EQUOTA
#define XS_PATH_SIZE    (XENSTORE_ABS_PATH_MAX + 1)

/* Permission bits; 'n', 'r', 'w', 'b' on the wire. */
#define XS_PERM_NONE    0u
#define XS_PERM_READ    1u
#define XS_PERM_WRITE   2u
#define XS_PERM_BOTH    3u

struct xs_perm {
    domid_t id;
    uint8_t perm;
};

/* A node: one allocation, never changed once stored (a change stores a
 * new node).  perms[0] is the owner and everyone's default. */
struct xs_node {
    uint64_t gen;               /* store generation of its last change */
    uint32_t vlen, clen;        /* value bytes; children bytes */
    uint32_t nperms;
    struct xs_perm *perms;
    char *value;                /* vlen bytes and a NUL */
    char *children;             /* child names, each NUL-terminated */
};

/* A change to tell watchers about, kept until a transaction commits. */
struct xs_event {
    struct xs_event *next;
    bool recurse;               /* a removal: watches below fire too */
    uint32_t nperms;            /* who may see it */
    struct xs_perm *perms;      /* in the same allocation, then path */
    char *path;
};

struct xs_watch {
    struct xs_watch *next;
    char *path;                 /* absolute, or a special "@" name */
    char *token;
    uint32_t rel;               /* bytes to strip for a relative watch */
};

/* A transaction's view: every node it has read (the generation it saw)
 * or written (its new version, NULL for removed). */
struct xs_txn_ent {
    uint64_t seen;              /* 0: absent */
    bool dirty;
    bool fired, fired_recurse;  /* an event for it is in the journal */
    struct xs_node *node;
};

struct xs_txn {
    struct xs_txn *next;
    uint32_t id;
    struct xs_map ents;         /* path -> struct xs_txn_ent */
    int32_t gained;             /* nodes its domain gained in it */
    size_t bytes;               /* memory its records and events hold */
    bool over_quota;            /* an event did not fit: commit fails */
    struct xs_event *events, **events_tail;
};

struct xs_out {
    struct xs_out *next;
    uint32_t off;               /* bytes already copied out */
    struct xsd_sockmsg hdr;
    char payload[];
};

struct xs_conn {
    struct xs_conn *next;
    struct xs_store *s;
    domid_t domid;
    bool priv;
    struct xs_watch *watches;
    uint32_t nwatches;
    struct xs_txn *txns;
    uint32_t ntxns, next_txid;
    /* Input framing (xs_conn_feed). */
    struct xsd_sockmsg hdr;
    uint32_t hdr_got, body_got, discard;
    char body[XENSTORE_PAYLOAD_MAX];
    /* Output. */
    struct xs_out *out, **out_tail;
    size_t out_bytes;
    uint64_t events_dropped;
};

struct xs_store {
    struct xs_map nodes;        /* path -> struct xs_node */
    uint64_t gen;
    uint32_t *owned;            /* nodes per domid */
    struct xs_conn *conns;
    struct xs_hooks hooks;
};

/* Who is asking, and in which transaction (NULL: none). */
struct xs_view {
    struct xs_conn *c;
    struct xs_txn *t;
};

/* ---- xs_node.c: nodes, permissions, paths ---- */

struct xs_node *xs_node_new(const struct xs_perm *perms, uint32_t nperms,
                            const char *value, uint32_t vlen,
                            const char *children, uint32_t clen);
struct xs_node *xs_node_with_value(const struct xs_node *n, const char *value,
                                   uint32_t vlen);
struct xs_node *xs_node_with_perms(const struct xs_node *n,
                                   const struct xs_perm *perms, uint32_t nperms);
struct xs_node *xs_node_with_child(const struct xs_node *n, const char *name);
struct xs_node *xs_node_without_child(const struct xs_node *n, const char *name);
static inline domid_t xs_node_owner(const struct xs_node *n)
{
    return n->perms[0].id;
}

/* What domid may do with a node carrying perms (XS_PERM_*). */
unsigned int xs_perm_for(const struct xs_perm *perms, uint32_t nperms,
                         domid_t domid);
bool xs_can(const struct xs_conn *c, const struct xs_perm *perms,
            uint32_t nperms, unsigned int want);
/* "r3" <-> {3, XS_PERM_READ}; parse gives 0 or -XEN_EINVAL. */
int xs_perm_parse(const char *s, struct xs_perm *p);
void xs_perm_format(const struct xs_perm *p, char buf[8]);
/* A domain id in decimal, below DOMID_FIRST_RESERVED. */
int xs_parse_domid(const char *s, domid_t *domid);
int xs_parse_u64(const char *s, uint64_t max, uint64_t *v);

/* Canonical absolute path of in for domid, into out (XS_PATH_SIZE).
 * *rel (may be NULL) gets the length of the prefix added to a relative
 * path, 0 for an absolute one.  0, or -XEN_EINVAL. */
int xs_path_canon(domid_t domid, const char *in, char *out, uint32_t *rel);
/* Is path `child` the node `parent` or below it? */
bool xs_path_within(const char *child, const char *parent);
/* The parent of an absolute path other than "/", into out. */
void xs_path_parent(const char *path, char *out);
const char *xs_path_name(const char *path);
/* "/local/domain/<id>" into out (XS_PATH_SIZE); returns its length. */
uint32_t xs_domain_path(domid_t domid, char *out);

/* ---- xs_store.c: the store, views and transactions ---- */

/* The node at path as v sees it (NULL: none).  0, or -XEN_ENOMEM /
 * -XS_EQUOTA when a transaction cannot track another node. */
int xs_view_get(const struct xs_view *v, const char *path,
                const struct xs_node **n);
/* Store n (NULL: remove) at path; n is taken in every case.  Only the
 * node itself changes: keeping parents' child lists right is the
 * caller's.  0, or -XEN_ENOMEM / -XS_EQUOTA. */
int xs_view_set(const struct xs_view *v, const char *path, struct xs_node *n);
/* Nodes the caller's domain owns as v sees it. */
uint32_t xs_view_owned(const struct xs_view *v);
/* Room for n more nodes in v's transaction (true outside one). */
bool xs_view_room(const struct xs_view *v, size_t n);
/* Tell watchers about a change now, or at commit inside a transaction:
 * its journal holds one event per path (and kind), counted in the
 * transaction's bytes.  0, or -XS_EQUOTA / -XEN_ENOMEM when a journal
 * entry does not fit (the transaction then fails at commit). */
int xs_view_fire(const struct xs_view *v, const char *path,
                 const struct xs_node *n, bool recurse);

struct xs_txn *xs_txn_find(struct xs_conn *c, uint32_t id);
int xs_txn_start(struct xs_conn *c, uint32_t *id);
/* Commit (or abort) and free the transaction: 0, -XEN_EAGAIN on a
 * conflict, -XS_EQUOTA if the commit would put the domain over quota. */
int xs_txn_end(struct xs_conn *c, struct xs_txn *t, bool commit);
void xs_txn_free_all(struct xs_conn *c);

/* ---- xs_ops.c: node operations ---- */

/* path is canonical; results point into the store until its next change. */
int xs_op_read(const struct xs_view *v, const char *path,
               const struct xs_node **n);
int xs_op_write(const struct xs_view *v, const char *path, const char *value,
                uint32_t vlen);
int xs_op_mkdir(const struct xs_view *v, const char *path);
int xs_op_rm(const struct xs_view *v, const char *path);
int xs_op_set_perms(const struct xs_view *v, const char *path,
                    const struct xs_perm *perms, uint32_t nperms);
/* Remove every node domid owns, with its subtree, as dom0 would. */
void xs_op_remove_owned(struct xs_store *s, domid_t domid);
/* May v's caller watch path (canonical)?  0, or -XEN_EACCES when it may
 * not read the node or, if there is none, the nearest one above. */
int xs_op_can_watch(const struct xs_view *v, const char *path);

/* ---- xs_watch.c: watches and events ---- */

/* path as the client gave it.  The caller queues the initial event
 * (after its reply) with xs_watch_event. */
int xs_watch_add(struct xs_conn *c, const char *path, const char *token);
void xs_watch_event(struct xs_conn *c, const char *path, const char *token);
int xs_watch_del(struct xs_conn *c, const char *path, const char *token);
void xs_watch_free_all(struct xs_conn *c);
/* Queue events for a change to path, to every watch that covers it and
 * whose connection may read it. */
void xs_watch_fire(struct xs_store *s, const char *path,
                   const struct xs_perm *perms, uint32_t nperms, bool recurse);
void xs_watch_fire_special(struct xs_store *s, const char *name);

/* ---- xs_proto.c: output ---- */

/* Queue a message; an event is dropped (counted) when the output is over
 * XS_OUT_EVENT_LIMIT.  0, or -XEN_ENOMEM. */
int xs_queue(struct xs_conn *c, const struct xsd_sockmsg *hdr,
             const void *payload, bool event);

#endif /* DOM0_XS_INT_H */
