/*
 * The xenstore client (guest/xs.h).
 *
 * One lock, taken with events masked, covers the ring and the request in
 * flight: a request sends its header and payload into req[] (waiting for
 * room when xenstored is behind), then reads rsp[] until the message with
 * its req_id has come.  Everything else read meanwhile is a watch event,
 * queued for xs_poll(), or a stray reply (to a request that timed out),
 * dropped.  Waits are SCHEDOP_poll on the store port, which needs no
 * upcall: clear the port's pending bit, look at the ring, and poll only
 * if nothing moved (an event after the clear ends the poll at once).
 */
#include <guest/guest.h>
#include <guest/xs.h>

#define TOKEN_MAX 64

static struct xenstore_domain_interface *ring;
static evtchn_port_t port;
static int state;                       /* 0: not tried; 1 ready; -errno */
static volatile bool kicked;
static volatile int lock_owner = -1;
static uint32_t last_req_id;

/* The request in flight and its reply (in rbuf). */
static struct {
    bool waiting, done;
    uint32_t req_id, type, len;
} reply;
static char rbuf[XENSTORE_PAYLOAD_MAX + 1];

/* The message being read from rsp[]. */
static struct xsd_sockmsg in_hdr;
static uint32_t in_got, in_skip;
static char in_body[XENSTORE_PAYLOAD_MAX];

/* Watch events for xs_poll(). */
static struct {
    uint32_t len;
    char data[XENSTORE_PAYLOAD_MAX + 1];
} events[XS_EVENTS_MAX];
static unsigned int ev_head, ev_tail;
static uint64_t ev_dropped;

static struct {
    char token[TOKEN_MAX];
    xs_watch_fn fn;
    void *data;
} watches[XS_WATCHES_MAX];

/* ---- Lock ---- */

static unsigned int lock(void)
{
    unsigned int flags = g_irq_save();
    int me = (int)g_this_cpu()->id, free = -1;

    while (!__atomic_compare_exchange_n(&lock_owner, &free, me, false,
                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        free = -1;
        g_cpu_relax();
    }
    return flags;
}

static void unlock(unsigned int flags)
{
    __atomic_store_n(&lock_owner, -1, __ATOMIC_RELEASE);
    g_irq_restore(flags);
}

/* ---- Connecting ---- */

static void on_event(evtchn_port_t p, void *data, struct g_frame *f)
{
    kicked = true;
}

int xs_init(void)
{
    uint64_t mfn = g_start_info->store_mfn;

    if (state)
        return state > 0 ? 0 : state;
    if (g_is_dom0() || !mfn ||
        !(ring = g_pfn_to_virt(g_mfn_to_pfn(mfn)))) {
        state = -XEN_ENODEV;
        return state;
    }
    port = g_start_info->store_evtchn;
    g_evtchn_set_handler(port, on_event, NULL);
    state = 1;
    return 0;
}

/* ---- The ring ---- */

static uint32_t load(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void publish(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Sleep until the store port fires or the deadline passes. */
static void wait_port(uint64_t deadline)
{
    struct sched_poll p = { .ports = (uint64_t)&port, .nr_ports = 1,
                            .timeout = deadline };

    hc_sched_op(SCHEDOP_poll, &p);
}

static void queue_event(const char *p, uint32_t len)
{
    if (ev_tail - ev_head == XS_EVENTS_MAX) {
        ev_dropped++;
        return;
    }
    memcpy(events[ev_tail % XS_EVENTS_MAX].data, p, len);
    events[ev_tail % XS_EVENTS_MAX].data[len] = '\0';
    events[ev_tail % XS_EVENTS_MAX].len = len;
    ev_tail++;
}

static void message_done(void)
{
    uint32_t len = in_hdr.len;

    if (in_hdr.type == XS_WATCH_EVENT) {
        queue_event(in_body, len);
    } else if (reply.waiting && in_hdr.req_id == reply.req_id) {
        memcpy(rbuf, in_body, len);
        rbuf[len] = '\0';
        reply.type = in_hdr.type;
        reply.len = len;
        reply.done = true;
    }
}

static void take_byte(char ch)
{
    if (in_skip) {
        in_skip--;                      /* a message too long to be real */
        return;
    }
    if (in_got < sizeof(in_hdr)) {
        ((char *)&in_hdr)[in_got++] = ch;
        if (in_got == sizeof(in_hdr) && in_hdr.len > XENSTORE_PAYLOAD_MAX) {
            in_skip = in_hdr.len;
            in_got = 0;
            return;
        }
    } else {
        in_body[in_got++ - sizeof(in_hdr)] = ch;
    }
    if (in_got == sizeof(in_hdr) + in_hdr.len) {
        in_got = 0;
        message_done();
    }
}

/* Read what xenstored has sent.  Returns whether anything was read. */
static bool rx(void)
{
    uint32_t cons = load(&ring->rsp_cons), prod = load(&ring->rsp_prod);

    if (cons == prod || prod - cons > XENSTORE_RING_SIZE)
        return false;
    for (; cons != prod; cons++)
        take_byte(ring->rsp[MASK_XENSTORE_IDX(cons)]);
    publish(&ring->rsp_cons, cons);
    g_evtchn_send(port);                /* it may have more to send */
    return true;
}

static int tx(const void *buf, size_t len, uint64_t deadline)
{
    const char *p = buf;

    while (len) {
        uint32_t prod = load(&ring->req_prod), cons, room;

        g_evtchn_clear(port);
        rx();
        cons = load(&ring->req_cons);
        if (prod - cons > XENSTORE_RING_SIZE)
            return -XEN_EIO;
        room = XENSTORE_RING_SIZE - (prod - cons);
        if (!room) {
            if (g_now_ns() >= deadline)
                return -XEN_ETIMEDOUT;
            wait_port(deadline);
            continue;
        }
        for (; room && len; room--, len--)
            ring->req[MASK_XENSTORE_IDX(prod++)] = *p++;
        publish(&ring->req_prod, prod);
        g_evtchn_send(port);
    }
    return 0;
}

static int wait_reply(uint64_t deadline)
{
    for (;;) {
        g_evtchn_clear(port);
        rx();
        if (reply.done)
            return 0;
        if (g_now_ns() >= deadline)
            return -XEN_ETIMEDOUT;
        wait_port(deadline);
    }
}

/* Send one message and wait for its reply (in reply/rbuf).  Lock held. */
static int transact(const struct xsd_sockmsg *hdr, const void *payload,
                    size_t len)
{
    uint64_t deadline = g_now_ns() + XS_TIMEOUT_NS;
    int rc;

    reply.waiting = true;
    reply.done = false;
    reply.req_id = hdr->req_id;
    rc = tx(hdr, sizeof(*hdr), deadline);
    if (!rc)
        rc = tx(payload, len, deadline);
    if (!rc)
        rc = wait_reply(deadline);
    reply.waiting = false;
    return rc;
}

/* ---- Requests ---- */

#define XS_NAME(name) { XEN_##name, #name },
static const struct {
    int nr;
    const char *name;
} errnames[] = {
    XSD_ERROR_LIST(XS_NAME)
    { XENSTORE_EQUOTA, "EQUOTA" },
    { XEN_ETIMEDOUT, "ETIMEDOUT" },
    { XEN_ENODEV, "ENODEV" },
};

static int error_of(const char *name)
{
    for (unsigned int i = 0; i < G_ARRAY_SIZE(errnames); i++)
        if (strcmp(errnames[i].name, name) == 0)
            return -errnames[i].nr;
    return -XEN_EINVAL;
}

const char *xs_strerror(int err)
{
    for (unsigned int i = 0; i < G_ARRAY_SIZE(errnames); i++)
        if (errnames[i].nr == -err)
            return errnames[i].name;
    return NULL;
}

uint32_t xs_next_req_id(void)
{
    return __atomic_add_fetch(&last_req_id, 1, __ATOMIC_RELAXED);
}

/* Copy the reply out (cut to size - 1, NUL added). */
static void copy_out(char *buf, size_t size)
{
    size_t n = reply.len < size ? reply.len : size - 1;

    if (!buf || !size)
        return;
    memcpy(buf, rbuf, n);
    buf[n] = '\0';
}

int xs_request_raw(const struct xsd_sockmsg *hdr, const void *payload,
                   size_t len, uint32_t *rtype, char *buf, size_t size)
{
    unsigned int flags;
    int rc = xs_init();

    if (rc)
        return rc;
    flags = lock();
    rc = transact(hdr, payload, len);
    if (!rc) {
        *rtype = reply.type;
        copy_out(buf, size);
        rc = (int)reply.len;
    }
    unlock(flags);
    return rc;
}

int xs_request(uint32_t type, uint32_t tx_id, const void *payload, size_t len,
               char *buf, size_t size)
{
    struct xsd_sockmsg hdr = { type, xs_next_req_id(), tx_id, (uint32_t)len };
    unsigned int flags;
    int rc = xs_init();

    if (rc)
        return rc;
    if (len > XENSTORE_PAYLOAD_MAX)
        return -XEN_E2BIG;
    flags = lock();
    rc = transact(&hdr, payload, len);
    if (!rc && reply.type == XS_ERROR)
        rc = error_of(rbuf);
    else if (!rc) {
        copy_out(buf, size);
        rc = (int)reply.len;
    }
    unlock(flags);
    return rc;
}

/* A payload of n strings, each with its NUL: into buf, or -XEN_E2BIG. */
static int strings(char *buf, size_t size, int n, const char *a,
                   const char *b, size_t blen)
{
    size_t alen = strlen(a) + 1;

    if (alen + blen > size)
        return -XEN_E2BIG;
    memcpy(buf, a, alen);
    if (n > 1)
        memcpy(buf + alen, b, blen);
    return (int)(alen + (n > 1 ? blen : 0));
}

static int path_request(uint32_t type, const char *path, char *out, size_t size)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    int len = strings(buf, sizeof(buf), 1, path, NULL, 0);

    return len < 0 ? len : xs_request(type, 0, buf, (size_t)len, out, size);
}

int xs_read(const char *path, char *buf, size_t size)
{
    return path_request(XS_READ, path, buf, size);
}

int xs_read_u64(const char *path, uint64_t *value)
{
    char buf[24];
    uint64_t v = 0;
    int rc = xs_read(path, buf, sizeof(buf));

    if (rc < 0)
        return rc;
    if (rc == 0 || rc >= (int)sizeof(buf))
        return -XEN_EINVAL;
    for (const char *p = buf; *p; p++) {
        if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
            return -XEN_EINVAL;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *value = v;
    return 0;
}

int xs_write(const char *path, const char *value)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    int len = strings(buf, sizeof(buf), 2, path, value, strlen(value));

    if (len >= 0)
        len = xs_request(XS_WRITE, 0, buf, (size_t)len, NULL, 0);
    return len < 0 ? len : 0;
}

int xs_printf(const char *path, const char *fmt, ...)
{
    char value[512];
    va_list ap;

    va_start(ap, fmt);
    g_vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    return xs_write(path, value);
}

int xs_mkdir(const char *path)
{
    int rc = path_request(XS_MKDIR, path, NULL, 0);

    return rc < 0 ? rc : 0;
}

int xs_rm(const char *path)
{
    int rc = path_request(XS_RM, path, NULL, 0);

    return rc < 0 ? rc : 0;
}

int xs_directory(const char *path, char *buf, size_t size)
{
    int rc = path_request(XS_DIRECTORY, path, buf, size), n = 0;

    if (rc < 0)
        return rc;
    if ((size_t)rc >= size)
        return -XEN_E2BIG;
    for (int i = 0; i < rc; i++)
        n += buf[i] == '\0';
    return n;
}

int xs_transaction_start(uint32_t *tx_id)
{
    char buf[16];
    uint32_t v = 0;
    int rc = xs_request(XS_TRANSACTION_START, 0, "", 1, buf, sizeof(buf));

    if (rc < 0)
        return rc;
    for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (uint32_t)(*p - '0');
    *tx_id = v;
    return v ? 0 : -XEN_EIO;
}

int xs_transaction_end(uint32_t tx_id, bool commit)
{
    int rc = xs_request(XS_TRANSACTION_END, tx_id, commit ? "T" : "F", 2,
                        NULL, 0);

    return rc < 0 ? rc : 0;
}

/* ---- Watches ---- */

static int find_watch(const char *token)
{
    for (int i = 0; i < XS_WATCHES_MAX; i++)
        if (watches[i].fn && strcmp(watches[i].token, token) == 0)
            return i;
    return -1;
}

static int watch_request(uint32_t type, const char *path, const char *token)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    int len = strings(buf, sizeof(buf), 2, path, token, strlen(token) + 1);

    return len < 0 ? len : xs_request(type, 0, buf, (size_t)len, NULL, 0);
}

int xs_watch(const char *path, const char *token, xs_watch_fn fn, void *data)
{
    int slot = find_watch(token), rc;

    if (strlen(token) >= TOKEN_MAX || !fn)
        return -XEN_EINVAL;
    if (slot >= 0)
        return -XEN_EEXIST;
    for (slot = 0; slot < XS_WATCHES_MAX && watches[slot].fn; slot++)
        ;
    if (slot == XS_WATCHES_MAX)
        return -XEN_ENOSPC;
    /* Registered first: the first event may come with the reply. */
    memcpy(watches[slot].token, token, strlen(token) + 1);
    watches[slot].data = data;
    watches[slot].fn = fn;
    if ((rc = watch_request(XS_WATCH, path, token)) < 0)
        watches[slot].fn = NULL;
    return rc < 0 ? rc : 0;
}

int xs_unwatch(const char *path, const char *token)
{
    int slot = find_watch(token), rc = watch_request(XS_UNWATCH, path, token);

    if (slot >= 0 && (rc >= 0 || rc == -XEN_ENOENT))
        watches[slot].fn = NULL;
    return rc < 0 ? rc : 0;
}

/* The next queued event into ev (lock held by the caller). */
static bool pop_event(char *ev, uint32_t *len)
{
    if (ev_head == ev_tail)
        return false;
    *len = events[ev_head % XS_EVENTS_MAX].len;
    memcpy(ev, events[ev_head % XS_EVENTS_MAX].data, *len + 1);
    ev_head++;
    return true;
}

static void deliver(const char *ev, uint32_t len)
{
    size_t plen = strnlen(ev, len);
    const char *token = ev + plen + 1;
    int slot;

    if (plen + 1 >= len)
        return;                         /* no token: not a real event */
    if ((slot = find_watch(token)) >= 0)
        watches[slot].fn(ev, token, watches[slot].data);
}

int xs_poll(void)
{
    static char ev[XENSTORE_PAYLOAD_MAX + 1];
    static bool polling;
    unsigned int flags;
    uint32_t len;
    int ran = 0;

    if (state <= 0 || polling)
        return 0;
    polling = true;
    for (;;) {
        bool got;

        flags = lock();
        kicked = false;
        rx();
        got = pop_event(ev, &len);
        unlock(flags);
        if (!got)
            break;
        deliver(ev, len);
        ran++;
    }
    polling = false;
    return ran;
}

bool xs_pending(void)
{
    return state > 0 && (kicked || ev_head != ev_tail ||
                         load(&ring->rsp_cons) != load(&ring->rsp_prod));
}

uint64_t xs_events_dropped(void)
{
    return ev_dropped;
}
