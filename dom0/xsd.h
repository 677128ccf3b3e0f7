/*
 * xenstored in dom0: the store (dom0/xs.h) served to every domain over
 * its ring, and to dom0 itself in-process as privileged domain 0.
 *
 * The domain builder adds each domain (its nodes, then its ring) and
 * removes it when it dies; dom0's background work (dom_background)
 * services the rings.  dom0's own requests return >= 0 or a negative
 * error: -XEN_E*, or -XENSTORE_EQUOTA.
 */
#ifndef DOM0_XSD_H
#define DOM0_XSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen.h"
#include "xenstore.h"

/* What the builder tells xenstored about a new domain. */
struct xsd_domain {
    domid_t domid;
    const char *name;
    uint64_t target_kib, max_kib;       /* memory/target, static-max */
    uint64_t store_mfn, console_mfn;
    uint32_t store_port, console_port;  /* the guest's unbound ends */
};

/* The store with /local/domain/0; 0 or -XEN_ENOMEM. */
int xsd_init(void);
/* Write /local/domain/<id>/{name,domid,memory/...,control/shutdown,
 * store/...,console/...}, owned by the domain, then connect its ring and
 * fire @introduceDomain.  0, or -XEN_E* (nothing is left behind). */
int xsd_domain_add(const struct xsd_domain *d);
/* The domain is gone: drop its ring and watches, remove the nodes it
 * owns, fire @releaseDomain.  Harmless for an unknown domain. */
void xsd_domain_remove(domid_t domid);
/* Write or read /local/domain/<domid>/<key> (e.g. "memory/target"). */
int xsd_domain_write(domid_t domid, const char *key, const char *value);
int xsd_domain_read(domid_t domid, const char *key, char *buf, size_t size);
/* cpu/<i>/availability of vCPUs 0..max-1, as xl writes them: the first
 * n "online", the others "offline".  0 or -XEN_E*. */
int xsd_vcpu_availability(domid_t domid, unsigned int max, unsigned int n);
/* Ask a domain to shut down through control/shutdown, as xl does: what
 * is "poweroff" or "reboot".  1 if written, 0 if the domain does not
 * listen there (no control/feature-<what>; nothing written), or -XEN_E*. */
int xsd_shutdown_request(domid_t domid, const char *what);
/* Has the domain taken the request (control/shutdown emptied, or gone)? */
bool xsd_shutdown_taken(domid_t domid);
/* Move requests and replies on every ring; run dom0's watch callbacks. */
void xsd_service(void);

/* ---- dom0's own requests ---- */

int xsd_request(uint32_t type, const void *payload, size_t len, char *reply,
                size_t size);
int xsd_read(const char *path, char *buf, size_t size);
int xsd_write(const char *path, const char *value);
int xsd_printf(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int xsd_mkdir(const char *path);
int xsd_rm(const char *path);
/* Child names (each NUL-terminated) into buf; returns how many. */
int xsd_directory(const char *path, char *buf, size_t size);
/* Permission strings ("n0", "r3"), each NUL-terminated; returns how many. */
int xsd_get_perms(const char *path, char *buf, size_t size);
int xsd_set_perms(const char *path, char *const *perms, int n);

/* fn(path, token, data) runs from xsd_service for each event. */
typedef void (*xsd_watch_fn)(const char *path, const char *token, void *data);
int xsd_watch(const char *path, const char *token, xsd_watch_fn fn, void *data);
int xsd_unwatch(const char *path, const char *token);

/* "ENOENT" for -XEN_ENOENT, "EQUOTA"... */
const char *xsd_strerror(int err);

/* The shell's xenstore-* commands (cmd_xenstore.c). */
int cmd_xenstore_ls(int argc, char **argv);
int cmd_xenstore_read(int argc, char **argv);
int cmd_xenstore_write(int argc, char **argv);
int cmd_xenstore_rm(int argc, char **argv);
int cmd_xenstore_chmod(int argc, char **argv);
int cmd_xenstore_list(int argc, char **argv);
int cmd_xenstore_exists(int argc, char **argv);
int cmd_xenstore_watch(int argc, char **argv);

#endif /* DOM0_XSD_H */
