/*
 * xenstored in dom0 (xsd.h): one store, a connection for dom0 itself and
 * one ring per domain, mapped through a foreign mapping and signalled on
 * an interdomain event channel, serviced from dom0's background work the
 * way the console backend is.
 *
 * A ring whose indices are corrupt is left alone (its domain hears
 * nothing more); a domain that floods its ring gets a share of each
 * service round and the rest later.  Nothing a guest writes stops dom0.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guest/events.h>

#include "dom.h"
#include "xc.h"
#include "xen_errno.h"
#include "xs.h"
#include "xsd.h"

struct ring {
    struct ring *next;
    domid_t domid;
    struct xenstore_domain_interface *page;
    uint32_t port;
    struct xs_conn *conn;
    bool broken;
    uint64_t dropped_seen;
};

struct dom0_watch {
    struct dom0_watch *next;
    char *token;
    xsd_watch_fn fn;
    void *data;
};

struct dom0_event {
    struct dom0_event *next;
    uint32_t len;
    char data[];                /* path\0token\0 */
};

static struct xs_store *store;
static struct xs_conn *self;
static struct ring *rings;
static struct dom0_watch *watches;
static struct dom0_event *events, **events_tail = &events;
static uint32_t last_req_id;

/* ---- Rings ---- */

static struct ring **ring_find(domid_t domid)
{
    struct ring **r;

    for (r = &rings; *r; r = &(*r)->next)
        if ((*r)->domid == domid)
            return r;
    return NULL;
}

static void ring_free(struct ring *r)
{
    if (r->port) {
        g_evtchn_set_handler(r->port, NULL, NULL);
        xc_evtchn_close(r->port);
    }
    if (r->page)
        xc_unmap_foreign(r->page);
    xs_conn_free(r->conn);
    free(r);
}

/* XS_INTRODUCE, and the builder through it: map, bind, connect. */
static int ring_connect(void *data, domid_t domid, uint64_t mfn, uint32_t port)
{
    struct ring *r = calloc(1, sizeof(*r));
    int rc = -XEN_ENOMEM;

    if (!r)
        return rc;
    r->domid = domid;
    if (!(r->page = xc_map_foreign(domid, mfn)) ||
        (rc = xc_evtchn_bind_interdomain(domid, port, &r->port)) ||
        (rc = -XEN_ENOMEM, !(r->conn = xs_conn_new(store, domid)))) {
        ring_free(r);
        return rc;
    }
    g_evtchn_set_handler(r->port, dom0_event_kick, NULL);
    r->next = rings;
    rings = r;
    xs_store_introduced(store);
    dom0_kick();                        /* it may have written already */
    return 0;
}

/* XS_RELEASE, and domain death through xsd_domain_remove. */
static int ring_release(void *data, domid_t domid)
{
    struct ring **p = ring_find(domid), *r;

    if (p) {
        r = *p;
        *p = r->next;
        ring_free(r);
    }
    xs_store_release_domain(store, domid);
    return 0;
}

static void ring_service(struct ring *r)
{
    bool notify;
    int rc;

    if (r->broken)
        return;
    rc = xs_ring_pump(r->page, r->conn, &notify);
    if (notify)
        g_evtchn_send(r->port);
    if (rc < 0) {
        r->broken = true;
        printf("xenstored: d%u's ring has corrupt indices; ignoring it\n",
               r->domid);
    } else if (rc > 0) {
        dom0_kick();                    /* more next round */
    }
    if (xs_conn_events_dropped(r->conn) > r->dropped_seen) {
        if (!r->dropped_seen)
            printf("xenstored: d%u does not read its ring; dropping its "
                   "watch events\n", r->domid);
        r->dropped_seen = xs_conn_events_dropped(r->conn);
    }
}

static void service_rings(void)
{
    for (struct ring *r = rings; r; r = r->next)
        ring_service(r);
}

/* ---- dom0's watches ---- */

static void note_event(const char *payload, uint32_t len)
{
    struct dom0_event *ev = malloc(sizeof(*ev) + len + 1);

    if (!ev)
        return;
    ev->next = NULL;
    ev->len = len;
    memcpy(ev->data, payload, len);
    ev->data[len] = '\0';
    *events_tail = ev;
    events_tail = &ev->next;
}

static void deliver_events(void)
{
    while (events) {
        struct dom0_event *ev = events;
        const char *token = ev->data + strnlen(ev->data, ev->len) + 1;

        events = ev->next;
        if (!events)
            events_tail = &events;
        for (struct dom0_watch *w = watches; w; w = w->next)
            if ((size_t)(token - ev->data) < ev->len &&
                strcmp(w->token, token) == 0)
                w->fn(ev->data, token, w->data);
        free(ev);
    }
}

void xsd_service(void)
{
    service_rings();
    deliver_events();
}

/* ---- dom0's requests ---- */

int xsd_request(uint32_t type, const void *payload, size_t len, char *reply,
                size_t size)
{
    static char rbuf[XENSTORE_PAYLOAD_MAX + 1];
    struct xsd_sockmsg hdr = { type, ++last_req_id, 0, (uint32_t)len }, rh;
    int rc = -XEN_EIO;

    if (!store)
        return -XEN_ENODEV;
    if (len > XENSTORE_PAYLOAD_MAX)
        return -XEN_E2BIG;
    xs_conn_message(self, &hdr, payload);
    while (xs_conn_pop(self, &rh, rbuf)) {
        if (rh.type == XS_WATCH_EVENT) {
            note_event(rbuf, rh.len);
        } else if (rh.req_id == hdr.req_id && rh.type == XS_ERROR) {
            rc = xs_errno(rbuf) ? xs_errno(rbuf) : -XEN_EINVAL;
        } else if (rh.req_id == hdr.req_id) {
            if (reply && size) {
                size_t n = rh.len < size ? rh.len : size - 1;
                memcpy(reply, rbuf, n);
                reply[n] = '\0';
            }
            rc = (int)rh.len;
        }
    }
    /* Tell the domains at once what this changed for them. */
    service_rings();
    if (events)
        dom0_kick();
    return rc;
}

/* A payload of strings, each with its NUL (the last one's optional). */
static int request_strings(uint32_t type, char *reply, size_t size, int n,
                           const char *const *s, bool last_nul)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t len = 0;

    for (int i = 0; i < n; i++) {
        size_t l = strlen(s[i]) + (i + 1 < n || last_nul);

        if (len + l > sizeof(buf))
            return -XEN_E2BIG;
        memcpy(buf + len, s[i], l);
        len += l;
    }
    return xsd_request(type, buf, len, reply, size);
}

int xsd_read(const char *path, char *buf, size_t size)
{
    return request_strings(XS_READ, buf, size, 1, &path, true);
}

int xsd_write(const char *path, const char *value)
{
    const char *s[] = { path, value };

    return request_strings(XS_WRITE, NULL, 0, 2, s, false);
}

int xsd_printf(const char *path, const char *fmt, ...)
{
    char value[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    return xsd_write(path, value);
}

int xsd_mkdir(const char *path)
{
    return request_strings(XS_MKDIR, NULL, 0, 1, &path, true);
}

int xsd_rm(const char *path)
{
    return request_strings(XS_RM, NULL, 0, 1, &path, true);
}

static int count_strings(const char *buf, int len, size_t size)
{
    int n = 0;

    if (len < 0)
        return len;
    if ((size_t)len >= size)
        return -XEN_E2BIG;
    for (int i = 0; i < len; i++)
        n += buf[i] == '\0';
    return n;
}

int xsd_directory(const char *path, char *buf, size_t size)
{
    return count_strings(buf, request_strings(XS_DIRECTORY, buf, size, 1,
                                              &path, true), size);
}

int xsd_get_perms(const char *path, char *buf, size_t size)
{
    return count_strings(buf, request_strings(XS_GET_PERMS, buf, size, 1,
                                              &path, true), size);
}

int xsd_set_perms(const char *path, char *const *perms, int n)
{
    const char *s[65];

    if (n < 1 || n > 64)
        return -XEN_EINVAL;
    s[0] = path;
    for (int i = 0; i < n; i++)
        s[i + 1] = perms[i];
    return request_strings(XS_SET_PERMS, NULL, 0, n + 1, s, true);
}

int xsd_watch(const char *path, const char *token, xsd_watch_fn fn, void *data)
{
    const char *s[] = { path, token };
    struct dom0_watch *w = calloc(1, sizeof(*w));
    int rc;

    if (!w || !(w->token = strdup(token))) {
        free(w);
        return -XEN_ENOMEM;
    }
    w->fn = fn;
    w->data = data;
    w->next = watches;
    watches = w;
    if ((rc = request_strings(XS_WATCH, NULL, 0, 2, s, true)) < 0) {
        watches = w->next;
        free(w->token);
        free(w);
    }
    return rc < 0 ? rc : 0;
}

int xsd_unwatch(const char *path, const char *token)
{
    const char *s[] = { path, token };
    int rc = request_strings(XS_UNWATCH, NULL, 0, 2, s, true);

    for (struct dom0_watch **p = &watches; rc >= 0 && *p; p = &(*p)->next)
        if (strcmp((*p)->token, token) == 0) {
            struct dom0_watch *w = *p;

            *p = w->next;
            free(w->token);
            free(w);
            break;
        }
    return rc < 0 ? rc : 0;
}

const char *xsd_strerror(int err)
{
    return xs_errname(err);
}

/* ---- Domains ---- */

int xsd_init(void)
{
    static const struct xs_hooks hooks = { ring_connect, ring_release, NULL };

    if (store)
        return 0;
    if (!(store = xs_store_new(&hooks)) || !(self = xs_conn_new(store, 0))) {
        xs_store_free(store);
        store = NULL;
        return -XEN_ENOMEM;
    }
    if (xsd_write(XS_LOCAL_DOMAIN "/0/name", "Domain-0") < 0 ||
        xsd_write(XS_LOCAL_DOMAIN "/0/domid", "0") < 0)
        return -XEN_ENOMEM;
    return 0;
}

/* The nodes of a new domain, under base. */
static int write_nodes(const struct xsd_domain *d, const char *base)
{
    static const char *const keys[] = {
        "name", "domid", "memory/static-max", "memory/target",
        "control/shutdown", "store/ring-ref", "store/port",
        "console/ring-ref", "console/port",
    };
    char owner[8], values[9][24], path[96];
    char *perms[] = { owner };
    int rc;

    snprintf(owner, sizeof(owner), "n%u", d->domid);
    snprintf(values[1], sizeof(values[1]), "%u", d->domid);
    snprintf(values[2], sizeof(values[2]), "%llu", (unsigned long long)d->max_kib);
    snprintf(values[3], sizeof(values[3]), "%llu", (unsigned long long)d->target_kib);
    values[4][0] = '\0';
    snprintf(values[5], sizeof(values[5]), "%llu", (unsigned long long)d->store_mfn);
    snprintf(values[6], sizeof(values[6]), "%u", d->store_port);
    snprintf(values[7], sizeof(values[7]), "%llu", (unsigned long long)d->console_mfn);
    snprintf(values[8], sizeof(values[8]), "%u", d->console_port);
    /* The domain owns its directory, so what is made below is its own. */
    if ((rc = xsd_mkdir(base)) < 0 || (rc = xsd_set_perms(base, perms, 1)) < 0)
        return rc;
    for (unsigned int i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", base, keys[i]);
        if ((rc = xsd_write(path, i == 0 ? d->name : values[i])) < 0)
            return rc;
    }
    return 0;
}

int xsd_domain_add(const struct xsd_domain *d)
{
    char base[64], intro[3][24];
    const char *args[] = { intro[0], intro[1], intro[2] };
    int rc;

    snprintf(base, sizeof(base), XS_LOCAL_DOMAIN "/%u", d->domid);
    snprintf(intro[0], sizeof(intro[0]), "%u", d->domid);
    snprintf(intro[1], sizeof(intro[1]), "%llu", (unsigned long long)d->store_mfn);
    snprintf(intro[2], sizeof(intro[2]), "%u", d->store_port);
    if ((rc = write_nodes(d, base)) < 0 ||
        (rc = request_strings(XS_INTRODUCE, NULL, 0, 3, args, true)) < 0) {
        xsd_rm(base);
        return rc;
    }
    return 0;
}

void xsd_domain_remove(domid_t domid)
{
    char base[64];

    if (!store || domid == 0)
        return;
    snprintf(base, sizeof(base), XS_LOCAL_DOMAIN "/%u", domid);
    if (!ring_find(domid) && xsd_read(base, NULL, 0) < 0)
        return;                         /* never added, or removed already */
    ring_release(NULL, domid);
    xsd_rm(base);
}

static int domain_path(domid_t domid, const char *key, char *path, size_t size)
{
    if ((size_t)snprintf(path, size, XS_LOCAL_DOMAIN "/%u/%s", domid, key) >=
        size)
        return -XEN_EINVAL;
    return 0;
}

int xsd_domain_write(domid_t domid, const char *key, const char *value)
{
    char path[XENSTORE_ABS_PATH_MAX + 1];
    int rc = domain_path(domid, key, path, sizeof(path));

    return rc ? rc : xsd_write(path, value);
}

int xsd_domain_read(domid_t domid, const char *key, char *buf, size_t size)
{
    char path[XENSTORE_ABS_PATH_MAX + 1];
    int rc = domain_path(domid, key, path, sizeof(path));

    return rc ? rc : xsd_read(path, buf, size);
}

int xsd_vcpu_availability(domid_t domid, unsigned int max, unsigned int n)
{
    char key[32];
    int rc = 0;

    for (unsigned int i = 0; i < max && rc >= 0; i++) {
        snprintf(key, sizeof(key), "cpu/%u/availability", i);
        rc = xsd_domain_write(domid, key, i < n ? "online" : "offline");
    }
    return rc < 0 ? rc : 0;
}

int xsd_shutdown_request(domid_t domid, const char *what)
{
    char key[32], v[8];
    int rc;

    snprintf(key, sizeof(key), "control/feature-%s", what);
    if (xsd_domain_read(domid, key, v, sizeof(v)) <= 0 || !strcmp(v, "0"))
        return 0;
    rc = xsd_domain_write(domid, "control/shutdown", what);
    return rc < 0 ? rc : 1;
}

bool xsd_shutdown_taken(domid_t domid)
{
    char v[16];

    return xsd_domain_read(domid, "control/shutdown", v, sizeof(v)) <= 0;
}
