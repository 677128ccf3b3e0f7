/*
 * libFuzzer harness: xenstored's core (dom0/xs_*.c) -- the wire protocol
 * framing, every request type, paths, permissions, transactions, watches
 * and quotas -- as dom0 and two unprivileged domains speak it, and the
 * shared ring page as a guest may leave it.
 *
 * The input is a list of records, each a selector byte, a 16-bit length
 * and that many bytes:
 *     selector % 8 = 0      the bytes come from dom0's connection
 *                  = 1, 2   from domain 1's, domain 2's
 *                  = 3      domain 1's ring page holds the bytes (the
 *                           indices included) and is pumped
 *                  = 4      domain 2 dies: released and reconnected
 *                  = 5..7   as 1, 2 and 1 again
 * Each connection's output is drained after every record, as the ring
 * back end would.  A fresh store for every input.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../dom0/xs.h"
#include "xenstore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct xs_store *xs;
static struct xs_conn *conn[3];
static struct xenstore_domain_interface ring;

/* A request from dom0, its reply dropped. */
static void dom0_says(uint32_t type, const char *a, const char *b)
{
    char payload[128];
    size_t la = strlen(a) + 1, lb = b ? strlen(b) + 1 : 0;
    struct xsd_sockmsg hdr = { .type = type, .req_id = 1, .tx_id = 0,
                               .len = (uint32_t)(la + lb) };

    memcpy(payload, a, la);
    if (b)
        memcpy(payload + la, b, lb);
    xs_conn_message(conn[0], &hdr, payload);
}

/* Domain d connected, owning /local/domain/d as xl makes it. */
static void connect(domid_t d)
{
    char path[32], perm[8];

    conn[d] = xs_conn_new(xs, d);
    snprintf(path, sizeof(path), "/local/domain/%u", d);
    snprintf(perm, sizeof(perm), "n%u", d);
    dom0_says(XS_MKDIR, path, NULL);
    dom0_says(XS_SET_PERMS, path, perm);
    xs_store_introduced(xs);
}

static void drain(void)
{
    static char out[4096];

    for (int i = 0; i < 3; i++)
        while (conn[i] && xs_conn_output(conn[i], out, sizeof(out)))
            ;
}

static void pump_ring(const uint8_t *p, size_t len)
{
    bool notify;

    memset(&ring, 0, sizeof(ring));
    memcpy(&ring, p, len < sizeof(ring) ? len : sizeof(ring));
    for (int i = 0; i < 4 && xs_ring_pump(&ring, conn[1], &notify) == 1; i++)
        ;
}

static void domain_dies(void)
{
    xs_conn_free(conn[2]);
    conn[2] = NULL;
    xs_store_release_domain(xs, 2);
    connect(2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0;

    xs = xs_store_new(NULL);
    conn[0] = xs_conn_new(xs, 0);
    connect(1);
    connect(2);
    while (off + 3 <= size) {
        unsigned int sel = data[off] % 8;
        size_t len = (size_t)data[off + 1] | (size_t)data[off + 2] << 8;

        off += 3;
        if (len > size - off)
            len = size - off;
        if (sel == 3)
            pump_ring(data + off, len);
        else if (sel == 4)
            domain_dies();
        else
            xs_conn_feed(conn[sel == 0 ? 0 : sel % 2 ? 1 : 2], data + off, len);
        off += len;
        drain();
    }
    xs_store_free(xs);                  /* its connections with it */
    return 0;
}
