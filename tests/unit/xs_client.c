/*
 * The test client of xs_client.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_client.h"

#define MAX_CONNS 8
#define EVENTS_SIZE 8192

struct xs_store *xs;
struct xs_conn *c0, *c1, *c2;
struct xsd_sockmsg xs_last;

static uint32_t next_req = 100;
static char answer[XENSTORE_PAYLOAD_MAX * 2 + 8];
static struct {
    struct xs_conn *c;
    char text[EVENTS_SIZE];
} events[MAX_CONNS];

static char *events_of(struct xs_conn *c)
{
    for (int i = 0; i < MAX_CONNS; i++)
        if (events[i].c == c)
            return events[i].text;
    for (int i = 0; i < MAX_CONNS; i++)
        if (!events[i].c) {
            events[i].c = c;
            return events[i].text;
        }
    unit_fail(__FILE__, __LINE__, "too many connections with events");
}

/* NULs as '|', the last one dropped. */
static void show(char *out, size_t size, const char *p, uint32_t len)
{
    size_t n = 0;

    if (len && p[len - 1] == '\0')
        len--;
    for (uint32_t i = 0; i < len && n + 1 < size; i++)
        out[n++] = p[i] ? p[i] : '|';
    out[n] = '\0';
}

static void note_event(struct xs_conn *c, const char *p, uint32_t len)
{
    char *text = events_of(c), one[XENSTORE_PAYLOAD_MAX + 1];
    size_t used = strlen(text);

    show(one, sizeof(one), p, len);
    snprintf(text + used, EVENTS_SIZE - used, "%s%s", used ? ";" : "", one);
}

/* Take c's output: events noted, the reply (if any) into answer. */
static void drain(struct xs_conn *c, uint32_t req_id)
{
    static char payload[XENSTORE_PAYLOAD_MAX + 1];
    struct xsd_sockmsg hdr;

    answer[0] = '\0';
    while (xs_conn_pop(c, &hdr, payload)) {
        if (hdr.type == XS_WATCH_EVENT) {
            note_event(c, payload, hdr.len);
            continue;
        }
        if (hdr.req_id != req_id)
            unit_fail(__FILE__, __LINE__, "reply to request %u, not %u",
                      hdr.req_id, req_id);
        xs_last = hdr;
        if (hdr.type == XS_ERROR)
            snprintf(answer, sizeof(answer), "!%s", payload);
        else
            show(answer, sizeof(answer), payload, hdr.len);
    }
}

const char *xs_raw(struct xs_conn *c, uint32_t type, uint32_t tx,
                   const void *payload, uint32_t len)
{
    struct xsd_sockmsg hdr = { type, ++next_req, tx, len };

    xs_conn_message(c, &hdr, payload);
    drain(c, hdr.req_id);
    return answer;
}

const char *xs_call(struct xs_conn *c, uint32_t type, uint32_t tx, int n, ...)
{
    static char buf[XENSTORE_PAYLOAD_MAX * 2];
    size_t len = 0;
    va_list ap;

    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        const char *s = va_arg(ap, const char *);
        size_t l = strlen(s) + 1;

        if (len + l > sizeof(buf))
            unit_fail(__FILE__, __LINE__, "request too long");
        memcpy(buf + len, s, l);
        len += l;
    }
    va_end(ap);
    return xs_raw(c, type, tx, buf, (uint32_t)len);
}

const char *xs_wr_tx(struct xs_conn *c, uint32_t tx, const char *path,
                     const char *value)
{
    static char buf[XENSTORE_PAYLOAD_MAX * 2];
    size_t p = strlen(path) + 1, v = strlen(value);

    memcpy(buf, path, p);
    memcpy(buf + p, value, v);
    return xs_raw(c, XS_WRITE, tx, buf, (uint32_t)(p + v));
}

const char *xs_wr(struct xs_conn *c, const char *path, const char *value)
{
    return xs_wr_tx(c, 0, path, value);
}

const char *xs_rd(struct xs_conn *c, const char *path)
{
    return xs_call(c, XS_READ, 0, 1, path);
}

const char *xs_rm_(struct xs_conn *c, const char *path)
{
    return xs_call(c, XS_RM, 0, 1, path);
}

const char *xs_mk(struct xs_conn *c, const char *path)
{
    return xs_call(c, XS_MKDIR, 0, 1, path);
}

const char *xs_ls(struct xs_conn *c, const char *path)
{
    return xs_call(c, XS_DIRECTORY, 0, 1, path);
}

const char *xs_perms(struct xs_conn *c, const char *path)
{
    return xs_call(c, XS_GET_PERMS, 0, 1, path);
}

const char *xs_chmod(struct xs_conn *c, const char *path, const char *p1,
                     const char *p2)
{
    return p2 ? xs_call(c, XS_SET_PERMS, 0, 3, path, p1, p2)
              : xs_call(c, XS_SET_PERMS, 0, 2, path, p1);
}

const char *xs_watch_(struct xs_conn *c, const char *path, const char *token)
{
    return xs_call(c, XS_WATCH, 0, 2, path, token);
}

const char *xs_unwatch_(struct xs_conn *c, const char *path, const char *token)
{
    return xs_call(c, XS_UNWATCH, 0, 2, path, token);
}

uint32_t xs_tx_start(struct xs_conn *c)
{
    const char *a = xs_call(c, XS_TRANSACTION_START, 0, 1, "");

    if (a[0] < '1' || a[0] > '9')
        unit_fail(__FILE__, __LINE__, "transaction_start: %s", a);
    return (uint32_t)strtoul(a, NULL, 10);
}

const char *xs_tx_end(struct xs_conn *c, uint32_t tx, bool commit)
{
    return xs_call(c, XS_TRANSACTION_END, tx, 1, commit ? "T" : "F");
}

const char *xs_events(struct xs_conn *c)
{
    static char copy[EVENTS_SIZE];
    char *text = events_of(c);

    drain(c, 0);
    strcpy(copy, text);
    text[0] = '\0';
    return copy;
}

static void own_domain(struct xs_conn *c)
{
    char path[64], perm[16];

    snprintf(path, sizeof(path), "/local/domain/%u", xs_conn_domid(c));
    snprintf(perm, sizeof(perm), "n%u", xs_conn_domid(c));
    if (strcmp(xs_mk(c0, path), "OK") || strcmp(xs_chmod(c0, path, perm, NULL), "OK"))
        unit_fail(__FILE__, __LINE__, "cannot make %s", path);
}

void xs_setup(void)
{
    xs_store_free(xs);
    memset(events, 0, sizeof(events));
    xs = xs_store_new(NULL);
    c0 = xs_conn_new(xs, 0);
    c1 = xs_conn_new(xs, 1);
    c2 = xs_conn_new(xs, 2);
    if (!xs || !c0 || !c1 || !c2)
        unit_fail(__FILE__, __LINE__, "out of memory");
    own_domain(c1);
    own_domain(c2);
}
