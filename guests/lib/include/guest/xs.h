/*
 * A xenstore client over the domain's ring (start_info.store_mfn,
 * signalled on start_info.store_evtchn), speaking Xen's wire protocol
 * (xenstore.h).
 *
 * One request is on the wire at a time (callers on other vCPUs wait
 * their turn); its reply is matched by req_id.  Waiting uses
 * SCHEDOP_poll on the store port with events masked, so it works
 * whether or not the caller has events enabled -- but not from inside an
 * event handler.  Watch events that arrive meanwhile are queued; their
 * callbacks run from xs_poll(), in normal context, never in the upcall.
 *
 * Paths are absolute ("/local/domain/3/memory/target") or relative to
 * the domain's own /local/domain/<id> ("memory/target").
 *
 * Every function returns 0 on success (or the count or length it names)
 * or a negative error: -XEN_E* for xenstored's error names ("EACCES" is
 * -XEN_EACCES), -XENSTORE_EQUOTA for "EQUOTA", -XEN_ETIMEDOUT when
 * xenstored does not answer within XS_TIMEOUT_NS, -XEN_ENODEV when the
 * domain has no store (dom0, which runs xenstored itself).
 *
 *     char v[32];
 *     if (xs_read("memory/target", v, sizeof(v)) >= 0) ...
 *     xs_printf("memory/free-kb", "%lu", kb);
 *     xs_watch("memory/target", "target", on_target, NULL);
 *     ... later, when idle: xs_poll();
 */
#ifndef GUEST_XS_H
#define GUEST_XS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xenstore.h"

#define XS_TIMEOUT_NS     (10ull * 1000 * 1000 * 1000)
#define XS_WATCHES_MAX    16      /* registered callbacks */
#define XS_EVENTS_MAX     16      /* events queued for xs_poll() */

/* Connect (done by every call below on first use).  0 or -XEN_ENODEV. */
int xs_init(void);

/* The value of path into buf (NUL-terminated, cut to size - 1 bytes);
 * returns the value's full length. */
int xs_read(const char *path, char *buf, size_t size);
/* A decimal value (e.g. memory/target in KiB). */
int xs_read_u64(const char *path, uint64_t *value);
int xs_write(const char *path, const char *value);
int xs_printf(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int xs_mkdir(const char *path);
int xs_rm(const char *path);
/* The child names of path, each NUL-terminated, into buf; returns how
 * many (-XEN_E2BIG if they do not fit). */
int xs_directory(const char *path, char *buf, size_t size);

/* Transactions: requests above go outside any; use xs_request with tx
 * inside one.  xs_transaction_end gives -XEN_EAGAIN on a conflict. */
int xs_transaction_start(uint32_t *tx);
int xs_transaction_end(uint32_t tx, bool commit);

/* Any request: the payload as given (len bytes), the reply's payload
 * into reply (NUL added, cut to size - 1; reply may be NULL).  Returns
 * the reply's full length. */
int xs_request(uint32_t type, uint32_t tx, const void *payload, size_t len,
               char *reply, size_t size);
/* Send hdr (its len may lie) and then len bytes, for tests of
 * xenstored; waits for the reply to hdr->req_id.  *rtype gets the reply's
 * type.  Returns as xs_request. */
int xs_request_raw(const struct xsd_sockmsg *hdr, const void *payload,
                   size_t len, uint32_t *rtype, char *reply, size_t size);
/* A fresh request id for xs_request_raw. */
uint32_t xs_next_req_id(void);

/* Watches: fn(path, token, data) runs from xs_poll() for every event of
 * the watch (path as xenstored sent it: relative for a relative watch),
 * starting with the one xenstored sends when the watch is set.  The
 * token identifies the watch: use one per watch. */
typedef void (*xs_watch_fn)(const char *path, const char *token, void *data);
int xs_watch(const char *path, const char *token, xs_watch_fn fn, void *data);
int xs_unwatch(const char *path, const char *token);
/* Take in what xenstored has sent and run the callbacks of the watch
 * events; returns how many ran.  Cheap when there is nothing. */
int xs_poll(void);
/* Has anything arrived since the last xs_poll()?  (For idle loops:
 * check with events disabled, then g_block.) */
bool xs_pending(void);
/* Events lost because the queue was full. */
uint64_t xs_events_dropped(void);

/* "EACCES" for -XEN_EACCES, "EQUOTA", "ETIMEDOUT"...; NULL if unknown. */
const char *xs_strerror(int err);

#endif /* GUEST_XS_H */
