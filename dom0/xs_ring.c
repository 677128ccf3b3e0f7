/*
 * The xenstore ring page (struct xenstore_domain_interface) as xenstored
 * serves it: requests from req[] into a connection, replies and watch
 * events from the connection into rsp[].  Indices run freely and are
 * reduced modulo XENSTORE_RING_SIZE; the guest produces req and consumes
 * rsp, we the opposite.  Each index the guest controls is read once and
 * checked: a distance beyond the ring size is a corrupt ring.
 *
 * No I/O here: the caller maps the page and signals the event channel.
 */
#include <string.h>

#include "xs_int.h"

/* Rounds of requests and replies per call: a guest that keeps its ring
 * busy gets a share, not all, of xenstored. */
#define ROUNDS 8

static uint32_t load(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Requests: copy what the guest produced, hand it to the connection and
 * consume what it took.  Returns bytes taken, or -1 for a corrupt ring. */
static long pull(struct xenstore_domain_interface *ring, struct xs_conn *c)
{
    char buf[XENSTORE_RING_SIZE];
    uint32_t cons = load(&ring->req_cons), prod = load(&ring->req_prod);
    uint32_t n = prod - cons;
    size_t taken;

    if (n > XENSTORE_RING_SIZE)
        return -1;
    for (uint32_t i = 0; i < n; i++)
        buf[i] = ring->req[MASK_XENSTORE_IDX(cons + i)];
    taken = xs_conn_feed(c, buf, n);
    if (taken)
        store(&ring->req_cons, cons + (uint32_t)taken);
    return (long)taken;
}

/* Replies: fill the space the guest has freed.  Returns bytes put, or -1
 * for a corrupt ring. */
static long push(struct xenstore_domain_interface *ring, struct xs_conn *c)
{
    char buf[XENSTORE_RING_SIZE];
    uint32_t prod = load(&ring->rsp_prod), cons = load(&ring->rsp_cons);
    uint32_t used = prod - cons;
    size_t n;

    if (used > XENSTORE_RING_SIZE)
        return -1;
    n = xs_conn_output(c, buf, XENSTORE_RING_SIZE - used);
    for (size_t i = 0; i < n; i++)
        ring->rsp[MASK_XENSTORE_IDX(prod + (uint32_t)i)] = buf[i];
    if (n)
        store(&ring->rsp_prod, prod + (uint32_t)n);
    return (long)n;
}

int xs_ring_pump(struct xenstore_domain_interface *ring, struct xs_conn *c,
                 bool *notify)
{
    *notify = false;
    for (unsigned int round = 0; round < ROUNDS; round++) {
        long in = pull(ring, c), out = in < 0 ? -1 : push(ring, c);

        if (in < 0 || out < 0) {
            ring->error = XENSTORE_ERROR_RINGIDX;
            return -1;
        }
        if (in || out)
            *notify = true;
        else
            return 0;
    }
    return 1;
}
