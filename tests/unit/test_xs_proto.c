/*
 * xenstored's wire protocol (dom0/xs_proto.c, xs_conn.c, xs_ring.c):
 * every message type's happy path, and malformed or hostile messages --
 * lengths beyond the payload limit, missing NULs, bad paths, wrong
 * argument counts, unknown types, transactions that do not exist, bad
 * watch paths, corrupt rings, random bytes -- each answered with XS_ERROR
 * and Xen's error name, the connection still in step afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_client.h"

/* ---- Happy paths ---- */

TEST(write_then_read_returns_the_value)
{
    xs_setup();
    CHECK_XS(xs_wr(c0, "/tool/x", "hello"), "OK");
    CHECK_XS(xs_rd(c0, "/tool/x"), "hello");
    CHECK_EQ(xs_last.type, XS_READ);
    CHECK_EQ(xs_last.len, 5);                   /* no NUL in a value */
}

TEST(write_creates_missing_parents_with_empty_values)
{
    xs_setup();
    CHECK_XS(xs_wr(c0, "/a/b/c", "v"), "OK");
    CHECK_XS(xs_rd(c0, "/a/b"), "");
    CHECK_XS(xs_ls(c0, "/a"), "b");
    CHECK_XS(xs_ls(c0, "/"), "local|a");
}

TEST(write_keeps_binary_values)
{
    static const char msg[] = "/bin\0a\0b\xff";

    xs_setup();
    CHECK_XS(xs_raw(c0, XS_WRITE, 0, msg, sizeof(msg) - 1), "OK");
    CHECK_XS(xs_rd(c0, "/bin"), "a|b\xff");
    CHECK_EQ(xs_last.len, 4);
}

TEST(mkdir_makes_an_empty_node_and_is_idempotent)
{
    xs_setup();
    CHECK_XS(xs_mk(c0, "/m/n"), "OK");
    CHECK_XS(xs_rd(c0, "/m/n"), "");
    CHECK_XS(xs_wr(c0, "/m/n", "kept"), "OK");
    CHECK_XS(xs_mk(c0, "/m/n"), "OK");
    CHECK_XS(xs_rd(c0, "/m/n"), "kept");
}

TEST(rm_removes_the_subtree)
{
    xs_setup();
    CHECK_XS(xs_wr(c0, "/r/a/b", "1"), "OK");
    CHECK_XS(xs_wr(c0, "/r/c", "2"), "OK");
    CHECK_XS(xs_rm_(c0, "/r/a"), "OK");
    CHECK_XS(xs_rd(c0, "/r/a/b"), "!ENOENT");
    CHECK_XS(xs_rd(c0, "/r/a"), "!ENOENT");
    CHECK_XS(xs_ls(c0, "/r"), "c");
    /* Already gone with its parent there: fine, as in Xen. */
    CHECK_XS(xs_rm_(c0, "/r/a"), "OK");
    CHECK_XS(xs_rm_(c0, "/r/a/b"), "!ENOENT");
    CHECK_XS(xs_rm_(c0, "/"), "!EINVAL");
}

TEST(directory_lists_children_in_creation_order)
{
    xs_setup();
    CHECK_XS(xs_ls(c0, "/local/domain"), "1|2");
    CHECK_XS(xs_wr(c0, "/d/z", ""), "OK");
    CHECK_XS(xs_wr(c0, "/d/a", ""), "OK");
    CHECK_XS(xs_ls(c0, "/d"), "z|a");
    CHECK_XS(xs_ls(c0, "/d/a"), "");
    CHECK_XS(xs_ls(c0, "/nope"), "!ENOENT");
}

TEST(get_and_set_perms_round_trip)
{
    xs_setup();
    CHECK_XS(xs_perms(c0, "/"), "n0");
    CHECK_XS(xs_perms(c0, "/local/domain/1"), "n1");
    CHECK_XS(xs_wr(c0, "/p", "x"), "OK");
    CHECK_XS(xs_call(c0, XS_SET_PERMS, 0, 4, "/p", "b0", "r1", "w2"), "OK");
    CHECK_XS(xs_perms(c0, "/p"), "b0|r1|w2");
}

TEST(watch_acknowledges_then_fires_once)
{
    xs_setup();
    CHECK_XS(xs_watch_(c1, "memory/target", "tok"), "OK");
    CHECK_EQ(xs_last.type, XS_WATCH);
    CHECK_XS(xs_events(c1), "memory/target|tok");
    CHECK_XS(xs_wr(c0, "/local/domain/1/memory/target", "1024"), "OK");
    CHECK_XS(xs_events(c1), "memory/target|tok");
    CHECK_XS(xs_unwatch_(c1, "memory/target", "tok"), "OK");
    CHECK_XS(xs_wr(c0, "/local/domain/1/memory/target", "2048"), "OK");
    CHECK_XS(xs_events(c1), "");
}

TEST(transaction_start_gives_an_id_and_end_commits)
{
    uint32_t tx;

    xs_setup();
    tx = xs_tx_start(c1);
    CHECK(tx != 0);
    CHECK_XS(xs_wr_tx(c1, tx, "data/x", "1"), "OK");
    CHECK_EQ(xs_last.tx_id, tx);                /* replies echo tx_id */
    CHECK_XS(xs_tx_end(c1, tx, true), "OK");
    CHECK_XS(xs_rd(c1, "data/x"), "1");
}

TEST(get_domain_path_and_is_introduced)
{
    xs_setup();
    CHECK_XS(xs_call(c1, XS_GET_DOMAIN_PATH, 0, 1, "7"), "/local/domain/7");
    CHECK_XS(xs_call(c0, XS_IS_DOMAIN_INTRODUCED, 0, 1, "2"), "T");
    CHECK_XS(xs_call(c0, XS_IS_DOMAIN_INTRODUCED, 0, 1, "9"), "F");
    CHECK_XS(xs_call(c1, XS_IS_DOMAIN_INTRODUCED, 0, 1, "2"), "!EACCES");
}

static domid_t hook_domid;
static uint64_t hook_mfn;
static uint32_t hook_port;

static int fake_introduce(void *data, domid_t domid, uint64_t mfn, uint32_t port)
{
    hook_domid = domid;
    hook_mfn = mfn;
    hook_port = port;
    xs_conn_new(xs, domid);
    xs_store_introduced(xs);
    return 0;
}

static int fake_release(void *data, domid_t domid)
{
    xs_conn_free(xs_conn_find(xs, domid));
    xs_store_release_domain(xs, domid);
    return 0;
}

static void setup_with_hooks(void)
{
    static const struct xs_hooks hooks = { fake_introduce, fake_release, NULL };

    xs_setup();
    xs_store_free(xs);
    xs = xs_store_new(&hooks);
    c0 = xs_conn_new(xs, 0);
    c1 = c2 = NULL;
}

TEST(introduce_and_release_call_the_host_and_fire_special_watches)
{
    setup_with_hooks();
    CHECK_XS(xs_watch_(c0, "@introduceDomain", "in"), "OK");
    CHECK_XS(xs_watch_(c0, "@releaseDomain", "out"), "OK");
    CHECK_XS(xs_events(c0), "@introduceDomain|in;@releaseDomain|out");
    CHECK_XS(xs_call(c0, XS_INTRODUCE, 0, 3, "5", "123456789012", "7"), "OK");
    CHECK_EQ(hook_domid, 5);
    CHECK_EQ(hook_mfn, 123456789012ull);
    CHECK_EQ(hook_port, 7);
    CHECK_XS(xs_events(c0), "@introduceDomain|in");
    CHECK_XS(xs_call(c0, XS_INTRODUCE, 0, 3, "5", "1", "7"), "!EEXIST");
    CHECK_XS(xs_call(c0, XS_RELEASE, 0, 1, "5"), "OK");
    CHECK(xs_conn_find(xs, 5) == NULL);
    CHECK_XS(xs_events(c0), "@releaseDomain|out");
    CHECK_XS(xs_call(c0, XS_RELEASE, 0, 1, "5"), "!ENOENT");
}

TEST(introduce_checks_its_numbers)
{
    setup_with_hooks();
    CHECK_XS(xs_call(c0, XS_INTRODUCE, 0, 3, "0", "1", "1"), "!EINVAL");
    CHECK_XS(xs_call(c0, XS_INTRODUCE, 0, 3, "x", "1", "1"), "!EINVAL");
    CHECK_XS(xs_call(c0, XS_INTRODUCE, 0, 3, "3", "-1", "1"), "!EINVAL");
    CHECK_XS(xs_call(c0, XS_INTRODUCE, 0, 3, "3", "1", "4294967296"), "!EINVAL");
    CHECK_XS(xs_call(c0, XS_INTRODUCE, 0, 3, "3", "99999999999999999999", "1"),
             "!EINVAL");
    CHECK_XS(xs_call(c0, XS_INTRODUCE, 0, 2, "3", "1"), "!EINVAL");
    CHECK_XS(xs_call(c0, XS_RELEASE, 0, 1, "0"), "!EINVAL");
    CHECK_EQ(hook_domid, 5);                    /* from the test before */
}

TEST(domu_may_not_introduce_or_release)
{
    xs_setup();
    CHECK_XS(xs_call(c1, XS_INTRODUCE, 0, 3, "2", "1", "1"), "!EACCES");
    CHECK_XS(xs_call(c1, XS_RELEASE, 0, 1, "2"), "!EACCES");
    CHECK(xs_conn_find(xs, 2) != NULL);
}

TEST(reset_watches_drops_watches_and_transactions)
{
    uint32_t tx;

    xs_setup();
    CHECK_XS(xs_watch_(c1, "data", "t"), "OK");
    tx = xs_tx_start(c1);
    CHECK_XS(xs_raw(c1, XS_RESET_WATCHES, 0, "", 0), "OK");
    xs_events(c1);
    CHECK_XS(xs_wr(c1, "data", "x"), "OK");
    CHECK_XS(xs_events(c1), "");
    CHECK_XS(xs_tx_end(c1, tx, true), "!ENOENT");
}

TEST(errors_echo_req_id_and_tx_id)
{
    xs_setup();
    CHECK_XS(xs_raw(c1, XS_READ, 77, "data\0", 5), "!ENOENT");
    CHECK_EQ(xs_last.type, XS_ERROR);
    CHECK_EQ(xs_last.tx_id, 77);
    CHECK_EQ(xs_last.len, 7);                   /* "ENOENT\0" */
}

/* ---- Malformed messages ---- */

TEST(payload_longer_than_the_maximum_is_e2big)
{
    xs_setup();
    /* The payload is not even looked at. */
    CHECK_XS(xs_raw(c1, XS_READ, 0, NULL, XENSTORE_PAYLOAD_MAX + 1), "!E2BIG");
    CHECK_XS(xs_raw(c1, XS_WRITE, 0, NULL, 0xffffffff), "!E2BIG");
    CHECK_XS(xs_raw(c1, XS_READ, 0, "domid", 6), "!ENOENT");
}

TEST(missing_nul_is_einval)
{
    xs_setup();
    CHECK_XS(xs_raw(c0, XS_READ, 0, "/local", 6), "!EINVAL");
    CHECK_XS(xs_raw(c0, XS_WATCH, 0, "/local\0tok", 10), "!EINVAL");
    CHECK_XS(xs_raw(c0, XS_WRITE, 0, "/local", 6), "!EINVAL");
    CHECK_XS(xs_raw(c0, XS_READ, 0, "", 0), "!EINVAL");
    CHECK_XS(xs_raw(c0, XS_SET_PERMS, 0, "/local\0n0", 9), "!EINVAL");
}

TEST(bad_paths_are_einval)
{
    static const char *const bad[] = {
        "/local//domain", "/local/", "//", "/a b", "/a.b", "../2/name",
        "/local/domain/1/../2", "name\n", "", "@introduceDomain", "@x",
        "/a\xc3\xa9", "a/", "/a/*",
    };
    char longest[XENSTORE_ABS_PATH_MAX + 2], rel[XENSTORE_REL_PATH_MAX + 2];

    xs_setup();
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_XS(xs_rd(c1, bad[i]), "!EINVAL");
        CHECK_XS(xs_wr(c1, bad[i], "x"), "!EINVAL");
        CHECK_XS(xs_mk(c0, bad[i]), "!EINVAL");
    }
    memset(longest, 'a', sizeof(longest) - 1);
    longest[0] = '/';
    longest[XENSTORE_ABS_PATH_MAX + 1] = '\0';
    CHECK_XS(xs_wr(c0, longest, "x"), "!EINVAL");
    longest[XENSTORE_ABS_PATH_MAX] = '\0';      /* exactly the maximum */
    CHECK_XS(xs_wr(c0, longest, "x"), "OK");
    memset(rel, 'r', sizeof(rel) - 1);
    rel[XENSTORE_REL_PATH_MAX + 1] = '\0';
    CHECK_XS(xs_wr(c1, rel, "x"), "!EINVAL");
    rel[XENSTORE_REL_PATH_MAX] = '\0';
    CHECK_XS(xs_wr(c1, rel, "x"), "OK");
}

TEST(wrong_argument_counts_are_einval)
{
    xs_setup();
    CHECK_XS(xs_call(c0, XS_READ, 0, 2, "/local", "/local"), "!EINVAL");
    CHECK_XS(xs_call(c0, XS_RM, 0, 2, "/x", "y"), "!EINVAL");
    CHECK_XS(xs_call(c0, XS_WATCH, 0, 1, "/local"), "!EINVAL");
    CHECK_XS(xs_call(c0, XS_WATCH, 0, 3, "/local", "t", "x"), "!EINVAL");
    CHECK_XS(xs_call(c0, XS_SET_PERMS, 0, 1, "/local"), "!EINVAL");
    CHECK_XS(xs_call(c0, XS_GET_DOMAIN_PATH, 0, 0), "!EINVAL");
    CHECK_XS(xs_call(c0, XS_TRANSACTION_START, 0, 0), "!EINVAL");
}

TEST(too_many_arguments_are_e2big)
{
    char buf[512];
    uint32_t len = 0;

    xs_setup();
    len += (uint32_t)sprintf(buf, "/local") + 1;
    for (int i = 0; i < 64; i++)
        len += (uint32_t)sprintf(buf + len, "r%d", i) + 1;
    CHECK_XS(xs_raw(c0, XS_SET_PERMS, 0, buf, len), "!E2BIG");
    CHECK_XS(xs_perms(c0, "/local"), "n0");
}

TEST(unknown_and_server_only_types_are_einval)
{
    static const uint32_t types[] = { 20, XS_TYPE_COUNT, 99, 0xffff,
                                      0xffffffff, XS_WATCH_EVENT, XS_ERROR };

    xs_setup();
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        CHECK_XS(xs_raw(c1, types[i], 0, "x\0", 2), "!EINVAL");
    CHECK_XS(xs_raw(c1, XS_CONTROL, 0, "print\0", 6), "!ENOSYS");
    CHECK_XS(xs_raw(c1, XS_DIRECTORY_PART, 0, "data\0" "0\0", 7), "!ENOSYS");
}

TEST(unknown_or_huge_transaction_ids_are_enoent)
{
    xs_setup();
    CHECK_XS(xs_raw(c1, XS_READ, 0xffffffff, "domid\0", 6), "!ENOENT");
    CHECK_XS(xs_wr_tx(c1, 12345, "data/x", "1"), "!ENOENT");
    CHECK_XS(xs_tx_end(c1, 0xffffffff, true), "!ENOENT");
    CHECK_XS(xs_tx_end(c1, 0, true), "!ENOENT");
    CHECK_XS(xs_rd(c1, "data/x"), "!ENOENT");
}

TEST(another_connections_transaction_is_not_yours)
{
    uint32_t tx;

    xs_setup();
    tx = xs_tx_start(c2);
    CHECK_XS(xs_wr_tx(c1, tx, "data/x", "1"), "!ENOENT");
    CHECK_XS(xs_tx_end(c1, tx, true), "!ENOENT");
    CHECK_XS(xs_tx_end(c2, tx, false), "OK");
}

TEST(types_that_take_no_transaction_refuse_one)
{
    uint32_t tx;

    xs_setup();
    tx = xs_tx_start(c1);
    CHECK_XS(xs_call(c1, XS_WATCH, tx, 2, "data", "t"), "!EINVAL");
    CHECK_XS(xs_call(c1, XS_TRANSACTION_START, tx, 1, ""), "!EINVAL");
    CHECK_XS(xs_call(c1, XS_GET_DOMAIN_PATH, tx, 1, "1"), "!EINVAL");
    CHECK_XS(xs_tx_end(c1, tx, false), "OK");
}

TEST(transaction_end_takes_T_or_F)
{
    uint32_t tx;

    xs_setup();
    tx = xs_tx_start(c1);
    CHECK_XS(xs_call(c1, XS_TRANSACTION_END, tx, 1, "commit"), "!EINVAL");
    CHECK_XS(xs_call(c1, XS_TRANSACTION_END, tx, 1, ""), "!EINVAL");
    CHECK_XS(xs_tx_end(c1, tx, true), "OK");
}

TEST(watch_on_bad_paths_is_einval)
{
    char token[XENSTORE_PAYLOAD_MAX];

    xs_setup();
    CHECK_XS(xs_watch_(c1, "@nosuch", "t"), "!EINVAL");
    CHECK_XS(xs_watch_(c1, "/a//b", "t"), "!EINVAL");
    CHECK_XS(xs_watch_(c1, "", "t"), "!EINVAL");
    CHECK_XS(xs_watch_(c1, "data/", "t"), "!EINVAL");
    CHECK_XS(xs_unwatch_(c1, "/a//b", "t"), "!EINVAL");
    memset(token, 't', 1100);
    token[1100] = '\0';
    CHECK_XS(xs_watch_(c1, "data", token), "!E2BIG");
    CHECK_EQ(c1->nwatches, 0);
}

TEST(bad_permission_strings_are_einval)
{
    static const char *const bad[] = { "", "x1", "r", "r-1", "r1x", "rr1",
                                       "r99999", "r32752", "R1", " r1" };

    xs_setup();
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_XS(xs_chmod(c0, "/local", bad[i], NULL), "!EINVAL");
    CHECK_XS(xs_chmod(c0, "/local", "r32751", NULL), "OK");
}

TEST(bad_domain_ids_are_einval)
{
    static const char *const bad[] = { "", "-1", "+1", "1x", "65536",
                                       "32752", "0x10", " 1" };

    xs_setup();
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_XS(xs_call(c1, XS_GET_DOMAIN_PATH, 0, 1, bad[i]), "!EINVAL");
}

/* ---- Byte streams and rings ---- */

static size_t message(char *buf, uint32_t type, uint32_t req, const char *p,
                      uint32_t len)
{
    struct xsd_sockmsg hdr = { type, req, 0, len };

    memcpy(buf, &hdr, sizeof(hdr));
    memcpy(buf + sizeof(hdr), p, len);
    return sizeof(hdr) + len;
}

/* Read a whole message from c's output. */
static const char *take_reply(struct xs_conn *c, uint32_t *req)
{
    static char payload[XENSTORE_PAYLOAD_MAX + 1];
    struct xsd_sockmsg hdr;

    if (!xs_conn_pop(c, &hdr, payload))
        return "(none)";
    *req = hdr.req_id;
    return hdr.type == XS_ERROR ? "error" : payload;
}

TEST(feed_frames_messages_split_anywhere)
{
    char buf[128];
    size_t len;
    uint32_t req = 0;

    xs_setup();
    len = message(buf, XS_WRITE, 1, "data/k\0v", 8);
    len += message(buf + len, XS_READ, 2, "data/k\0", 7);
    for (size_t i = 0; i < len; i++)
        CHECK_EQ(xs_conn_feed(c1, buf + i, 1), 1);
    CHECK_STR(take_reply(c1, &req), "OK");
    CHECK_EQ(req, 1);
    CHECK_STR(take_reply(c1, &req), "v");
    CHECK_EQ(req, 2);
}

TEST(feed_skips_an_oversized_payload_and_stays_in_step)
{
    static char junk[XENSTORE_PAYLOAD_MAX + 100];
    struct xsd_sockmsg hdr = { XS_WRITE, 9, 0, sizeof(junk) };
    char buf[64];
    uint32_t req = 0;
    size_t len;

    xs_setup();
    memset(junk, 'j', sizeof(junk));
    CHECK_EQ(xs_conn_feed(c1, &hdr, sizeof(hdr)), sizeof(hdr));
    CHECK_STR(take_reply(c1, &req), "error");
    CHECK_EQ(req, 9);
    CHECK_EQ(xs_conn_feed(c1, junk, sizeof(junk)), sizeof(junk));
    len = message(buf, XS_READ, 10, "domid\0", 6);
    CHECK_EQ(xs_conn_feed(c1, buf, len), len);
    CHECK_STR(take_reply(c1, &req), "error");   /* ENOENT, in step */
    CHECK_EQ(req, 10);
    CHECK_XS(xs_rd(c0, "/local/domain/1/data"), "!ENOENT");
}

TEST(feed_stops_while_output_is_over_the_limit)
{
    char buf[64];
    size_t len = message(buf, XS_GET_DOMAIN_PATH, 1, "1\0", 2), fed = 0;

    xs_setup();
    while (xs_conn_feed(c1, buf, len) == len && fed < 10000)
        fed++;
    CHECK(fed < 10000);
    CHECK(xs_conn_pending(c1) > XS_OUT_REQUEST_LIMIT);
    while (xs_conn_pending(c1)) {
        char out[256];
        xs_conn_output(c1, out, sizeof(out));
    }
    CHECK_EQ(xs_conn_feed(c1, buf, len), len);
}

static struct xenstore_domain_interface ring;

/* The guest's side: put bytes in req, starting at its producer. */
static void guest_send(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        ring.req[MASK_XENSTORE_IDX(ring.req_prod + (uint32_t)i)] = p[i];
    ring.req_prod += (uint32_t)len;
}

static size_t guest_recv(char *p, size_t max)
{
    size_t n = 0;

    while (ring.rsp_cons != ring.rsp_prod && n < max)
        p[n++] = ring.rsp[MASK_XENSTORE_IDX(ring.rsp_cons++)];
    return n;
}

TEST(ring_pump_moves_requests_and_replies_across_the_wrap)
{
    char buf[256], out[256];
    struct xsd_sockmsg hdr;
    bool notify;
    size_t len;

    xs_setup();
    memset(&ring, 0, sizeof(ring));
    ring.req_cons = ring.req_prod = ring.rsp_cons = ring.rsp_prod = 0xfffffff0u;
    len = message(buf, XS_GET_DOMAIN_PATH, 5, "1\0", 2);
    guest_send(buf, len);
    CHECK_EQ(xs_ring_pump(&ring, c1, &notify), 0);
    CHECK(notify);
    CHECK_EQ(ring.req_cons, ring.req_prod);
    CHECK_EQ(guest_recv(out, sizeof(out)), sizeof(hdr) + 16);
    memcpy(&hdr, out, sizeof(hdr));
    CHECK_EQ(hdr.req_id, 5);
    CHECK_STR(out + sizeof(hdr), "/local/domain/1");
    CHECK_EQ(xs_ring_pump(&ring, c1, &notify), 0);
    CHECK(!notify);
}

TEST(ring_with_corrupt_indices_is_left_alone)
{
    bool notify;

    xs_setup();
    memset(&ring, 0, sizeof(ring));
    ring.req_prod = XENSTORE_RING_SIZE + 1;
    CHECK_EQ(xs_ring_pump(&ring, c1, &notify), -1);
    CHECK_EQ(ring.error, XENSTORE_ERROR_RINGIDX);
    memset(&ring, 0, sizeof(ring));
    ring.rsp_cons = 5;                          /* consumer ahead of producer */
    CHECK_EQ(xs_ring_pump(&ring, c1, &notify), -1);
}

TEST(ring_replies_wait_for_room)
{
    char buf[64], out[2 * XENSTORE_RING_SIZE];
    size_t len = message(buf, XS_GET_DOMAIN_PATH, 1, "1\0", 2), got;
    bool notify;

    xs_setup();
    memset(&ring, 0, sizeof(ring));
    for (int i = 0; i < 40; i++)                /* 40 * 32 bytes of replies */
        guest_send(buf, len);
    CHECK(xs_ring_pump(&ring, c1, &notify) >= 0);
    CHECK_EQ(ring.rsp_prod - ring.rsp_cons, XENSTORE_RING_SIZE);
    got = guest_recv(out, sizeof(out));
    CHECK(xs_ring_pump(&ring, c1, &notify) >= 0);
    got += guest_recv(out, sizeof(out));
    CHECK_EQ(got, 40 * (sizeof(struct xsd_sockmsg) + 16));
}

/* ---- Hostile input at random ---- */

TEST(random_bytes_never_break_the_store)
{
    uint32_t seed = 12345;
    char buf[512];

    xs_setup();
    CHECK_XS(xs_wr(c2, "data/keep", "safe"), "OK");
    for (int round = 0; round < 3000; round++) {
        size_t len = 16 + (seed % 200);
        struct xsd_sockmsg *hdr = (struct xsd_sockmsg *)buf;

        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (char)(seed >> 16);
        }
        hdr->type %= XS_TYPE_COUNT + 2;     /* mostly real types */
        hdr->len = hdr->len % 300;
        xs_conn_feed(c1, buf, len);
        while (xs_conn_pending(c1))
            xs_conn_output(c1, buf, sizeof(buf));
    }
    CHECK_XS(xs_rd(c2, "data/keep"), "safe");
    CHECK_XS(xs_rd(c0, "/local/domain/2/data/keep"), "safe");
    CHECK_XS(xs_perms(c0, "/local/domain/2"), "n2");
    CHECK(xs_store_owned(xs, 1) <= XS_QUOTA_NODES);
}
