/*
 * xs-attack: an unprivileged domain that attacks xenstored.
 *
 *  - perms.c: reads, writes, removes, lists, re-permits and watches
 *    another domain's nodes (and dom0's, and the top of the tree), and
 *    sends what only dom0 may send: each must be refused with the error
 *    Xen's xenstored gives.
 *  - flood.c: fills its own subtree until xenstored says EQUOTA, then
 *    oversized values, too many watches and transactions; its own nodes
 *    must keep working, and come back once it cleans up.
 *  - malformed.c: messages no client should send (lengths beyond the
 *    limit, missing NULs, bad paths, wrong argument counts, unknown types
 *    and transactions): each must be answered with XS_ERROR and the
 *    right name, and the connection must stay in step.
 *
 * Output, one line per attack, then the totals:
 *     xs-attack <name>: refused (EACCES)
 *     xs-attack <name>: SUCCEEDED (...)       -- xenstored let it through
 *     xs-attack <name>: FAILED: ...           -- refused, but not as it should be
 *     xs-attack: <N> refused, <N> succeeded, <N> failed
 * The exit status is the number of attacks that succeeded or failed.
 *
 * The command line may say target=<domid> (default: the domain created
 * just before this one) and only=perms|flood|malformed.
 */
#ifndef XS_ATTACK_H
#define XS_ATTACK_H

#include <guest/guest.h>
#include <guest/xs.h>

extern domid_t self, target;

/* Count and print an attack's outcome: rc is xenstored's answer, want
 * the refusal it must give (a negative error). */
void verdict(const char *name, int rc, int want);
/* A check of what followed an attack; false is counted as a failure. */
void expect(bool ok, const char *fmt, ...) G_PRINTF(2, 3);

/* "/local/domain/<target>/<rel>" (or "<domid>/<rel>" with tpath_of);
 * four buffers used in turn. */
const char *tpath(const char *rel);
const char *tpath_of(domid_t domid, const char *rel);

/* A request whose payload is the given strings, each with its NUL. */
int request(uint32_t type, uint32_t tx, int n, ...);

void perms_attacks(void);
void flood_attacks(void);
void malformed_attacks(void);

#endif
