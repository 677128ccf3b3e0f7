/*
 * A test client for xenstored's core (dom0/xs_*.c): a store with dom0 and
 * domains 1 and 2 connected, each domain owning /local/domain/<id>, and
 * requests that return their answer as one string:
 *
 *     "value"            XS_READ's value
 *     "a|b|c"            strings of a reply (NULs shown as '|')
 *     "OK"               an acknowledgement
 *     "!EACCES"          an XS_ERROR reply
 *
 * Watch events each connection receives are collected, in order, as
 * "path|token" strings (xs_events() returns and clears them).
 */
#ifndef TESTS_UNIT_XS_CLIENT_H
#define TESTS_UNIT_XS_CLIENT_H

#include "../../dom0/xs.h"
#include "../../dom0/xs_int.h"

#include "unit.h"

extern struct xs_store *xs;
extern struct xs_conn *c0, *c1, *c2;   /* dom0, domain 1, domain 2 */

/* A fresh store (the previous one is freed). */
void xs_setup(void);

/* Raw request: payload of len bytes; returns the answer as above. */
const char *xs_raw(struct xs_conn *c, uint32_t type, uint32_t tx,
                   const void *payload, uint32_t len);
/* Request whose payload is the given strings, each NUL-terminated. */
const char *xs_call(struct xs_conn *c, uint32_t type, uint32_t tx, int n, ...);

const char *xs_rd(struct xs_conn *c, const char *path);
const char *xs_wr(struct xs_conn *c, const char *path, const char *value);
const char *xs_wr_tx(struct xs_conn *c, uint32_t tx, const char *path,
                     const char *value);
const char *xs_rm_(struct xs_conn *c, const char *path);
const char *xs_mk(struct xs_conn *c, const char *path);
const char *xs_ls(struct xs_conn *c, const char *path);
const char *xs_perms(struct xs_conn *c, const char *path);
const char *xs_chmod(struct xs_conn *c, const char *path, const char *p1,
                     const char *p2);
const char *xs_watch_(struct xs_conn *c, const char *path, const char *token);
const char *xs_unwatch_(struct xs_conn *c, const char *path, const char *token);
uint32_t xs_tx_start(struct xs_conn *c);
const char *xs_tx_end(struct xs_conn *c, uint32_t tx, bool commit);

/* The last reply's header. */
extern struct xsd_sockmsg xs_last;

/* Events c has received since the last call, "p|t;p|t" ("" if none). */
const char *xs_events(struct xs_conn *c);

#define CHECK_XS(expr, want) CHECK_STR(expr, want)

#endif
