/*
 * The console backend (Xen's xencons_interface ring protocol): the guest
 * writes into `out` and advances out_prod; we copy from out_cons up to
 * out_prod into a per-domain history, then advance out_cons and notify.
 * Input goes the other way through `in`.  Indices run freely and are
 * reduced modulo the ring sizes; a guest that writes nonsense indices only
 * garbles its own console.
 */
#include <stdlib.h>
#include <string.h>

#include <guest/events.h>

#include "console.h"

#include "consback.h"
#include "dom.h"
#include "xc.h"

#define HISTORY     (64 * 1024)

struct dom_console {
    domid_t domid;
    struct xencons_interface *ring;
    uint32_t port;
    char history[HISTORY];
    uint64_t written;                   /* bytes ever put in history */
};

struct dom_console *console_connect(domid_t domid, uint64_t ring_mfn,
                                    uint32_t remote_port)
{
    struct dom_console *c = calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    c->domid = domid;
    c->ring = xc_map_foreign(domid, ring_mfn);
    if (!c->ring || xc_evtchn_bind_interdomain(domid, remote_port, &c->port)) {
        console_disconnect(c);
        return NULL;
    }
    g_evtchn_set_handler(c->port, dom0_event_kick, NULL);
    return c;
}

void console_disconnect(struct dom_console *c)
{
    if (!c)
        return;
    if (c->port) {
        g_evtchn_set_handler(c->port, NULL, NULL);
        xc_evtchn_close(c->port);
    }
    if (c->ring)
        xc_unmap_foreign(c->ring);
    free(c);
}

size_t console_drain(struct dom_console *c)
{
    struct xencons_interface *r = c->ring;
    uint32_t cons = __atomic_load_n(&r->out_cons, __ATOMIC_RELAXED);
    uint32_t prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
    size_t n = 0;

    if (prod - cons > sizeof(r->out))
        cons = prod - sizeof(r->out);   /* a confused guest: take the newest */
    for (; cons != prod; cons++, n++)
        c->history[c->written++ % HISTORY] = r->out[MASK_XENCONS_IDX(cons, r->out)];
    __atomic_store_n(&r->out_cons, cons, __ATOMIC_RELEASE);
    if (n)
        g_evtchn_send(c->port);
    return n;
}

size_t console_input(struct dom_console *c, const char *buf, size_t len)
{
    struct xencons_interface *r = c->ring;
    uint32_t cons = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE);
    uint32_t prod = __atomic_load_n(&r->in_prod, __ATOMIC_RELAXED);
    size_t n = 0;

    while (n < len && prod - cons < sizeof(r->in))
        r->in[MASK_XENCONS_IDX(prod++, r->in)] = buf[n++];
    __atomic_store_n(&r->in_prod, prod, __ATOMIC_RELEASE);
    if (n)
        g_evtchn_send(c->port);
    return n;
}

size_t console_history(struct dom_console *c, char *buf, size_t len, uint64_t *pos)
{
    size_t n = 0;

    if (c->written - *pos > HISTORY)
        *pos = c->written - HISTORY;
    while (n < len && *pos < c->written)
        buf[n++] = c->history[(*pos)++ % HISTORY];
    return n;
}

uint64_t console_written(const struct dom_console *c)
{
    return c->written;
}

uint32_t console_port(const struct dom_console *c)
{
    return c->port;
}
