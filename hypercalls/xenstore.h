/*
 * The xenstore wire protocol: message header, message types, error names
 * and the shared ring page between a guest and xenstored (the page is
 * start_info.store_mfn, signalled on start_info.store_evtchn).
 *
 * Numbers and layouts are Xen's (4.17).
 */
#ifndef XENLITE_HYPERCALLS_XENSTORE_H
#define XENLITE_HYPERCALLS_XENSTORE_H

#include "xen.h"

/* xsd_sockmsg.type */
#define XS_CONTROL               0   /* also known as XS_DEBUG */
#define XS_DEBUG                 XS_CONTROL
#define XS_DIRECTORY             1
#define XS_READ                  2
#define XS_GET_PERMS             3
#define XS_WATCH                 4
#define XS_UNWATCH               5
#define XS_TRANSACTION_START     6
#define XS_TRANSACTION_END       7
#define XS_INTRODUCE             8
#define XS_RELEASE               9
#define XS_GET_DOMAIN_PATH      10
#define XS_WRITE                11
#define XS_MKDIR                12
#define XS_RM                   13
#define XS_SET_PERMS            14
#define XS_WATCH_EVENT          15   /* daemon -> client, unsolicited */
#define XS_ERROR                16   /* reply carrying an error name */
#define XS_IS_DOMAIN_INTRODUCED 17
#define XS_RESUME               18
#define XS_SET_TARGET           19
/* 20 was XS_RESTRICT, removed; do not reuse. */
#define XS_RESET_WATCHES        21
#define XS_DIRECTORY_PART       22
#define XS_TYPE_COUNT           23
#define XS_INVALID              0xffff

/* Fields of an XS_WATCH_EVENT payload (enum xs_watch_type). */
#define XS_WATCH_PATH   0
#define XS_WATCH_TOKEN  1

/* Write modes of the old string-flagged XS_WRITE. */
#define XS_WRITE_NONE         "NONE"
#define XS_WRITE_CREATE       "CREATE"
#define XS_WRITE_CREATE_EXCL  "CREATE|EXCL"

/*
 * Errors travel as the errno *name*, e.g. an XS_ERROR reply with payload
 * "ENOENT\0".  The list below is the standard set, in Xen's order (new
 * names are only ever appended).  It holds names only: expand it with a
 * macro taking one name, e.g. to build a {number, string} table against
 * whichever errno.h the including program uses:
 *     #define E(n) { n, #n },
 *     static const struct { int num; const char *name; } t[] = {
 *         XSD_ERROR_LIST(E) };
 */
#define XSD_ERROR_LIST(X) \
    X(EINVAL) X(EACCES) X(EEXIST) X(EISDIR) X(ENOENT) X(ENOMEM) \
    X(ENOSPC) X(EIO) X(ENOTEMPTY) X(ENOSYS) X(EROFS) X(EBUSY) \
    X(EAGAIN) X(EISCONN) X(E2BIG) X(EPERM)

/*
 * "EQUOTA": a domain is over one of its xenstore quotas (nodes, value
 * size, watches, transactions).  Not one of Xen's names above: it is
 * oxenstored's, and xen-lite's xenstored sends it too.  A client that
 * does not know it (Linux) reads it as EINVAL.  XENSTORE_EQUOTA is the
 * number xen-lite's clients give it beside the XEN_E* values (Linux's
 * EDQUOT).
 */
#define XENSTORE_EQUOTA  122

/* Payload limits. */
#define XENSTORE_PAYLOAD_MAX   4096   /* bytes after the header */
#define XENSTORE_ABS_PATH_MAX  3072
#define XENSTORE_REL_PATH_MAX  2048

/* xenstore_domain_interface.server_features */
#define XENSTORE_SERVER_FEATURE_RECONNECTION  1
#define XENSTORE_SERVER_FEATURE_ERROR         2   /* `error` is maintained */

/* xenstore_domain_interface.connection */
#define XENSTORE_CONNECTED  0
#define XENSTORE_RECONNECT  1   /* guest asked to reset the ring */

/* xenstore_domain_interface.error */
#define XENSTORE_ERROR_NONE     0
#define XENSTORE_ERROR_COMM     1   /* communication failure */
#define XENSTORE_ERROR_RINGIDX  2   /* bad ring index */
#define XENSTORE_ERROR_PROTO    3   /* protocol violation (e.g. too long) */

#define XENSTORE_RING_SIZE  1024

#ifndef __ASSEMBLY__

/* Every message: this header, then `len` bytes of payload (usually one or
 * more NUL-terminated strings).  Replies echo type (or XS_ERROR), req_id
 * and tx_id. */
struct xsd_sockmsg {
    uint32_t type;      /* XS_* */
    uint32_t req_id;    /* chosen by the client, echoed */
    uint32_t tx_id;     /* transaction, 0 if none */
    uint32_t len;       /* payload bytes, at most XENSTORE_PAYLOAD_MAX */
};
_Static_assert(sizeof(struct xsd_sockmsg) == 16, "xsd_sockmsg");

typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx)  ((idx) & (XENSTORE_RING_SIZE - 1))

/*
 * The ring page.  req: guest -> xenstored; rsp: replies and watch events.
 * Indices run freely; producers publish data before the prod index.
 */
struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE];
    char rsp[XENSTORE_RING_SIZE];
    XENSTORE_RING_IDX req_cons, req_prod;
    XENSTORE_RING_IDX rsp_cons, rsp_prod;
    uint32_t server_features;   /* XENSTORE_SERVER_FEATURE_* */
    uint32_t connection;        /* XENSTORE_CONNECTED / _RECONNECT */
    uint32_t error;             /* XENSTORE_ERROR_* */
};
_Static_assert(sizeof(struct xenstore_domain_interface) == 2076,
               "xenstore_domain_interface");
_Static_assert(offsetof(struct xenstore_domain_interface, req_cons) == 2048,
               "xenstore_domain_interface.req_cons");
_Static_assert(offsetof(struct xenstore_domain_interface, server_features)
               == 2064, "xenstore_domain_interface.server_features");

#endif /* !__ASSEMBLY__ */

#endif /* XENLITE_HYPERCALLS_XENSTORE_H */
