/*
 * Messages no client should send.  Each must be answered with XS_ERROR
 * and the error Xen's xenstored gives, and the next request must still
 * work (the connection stays in step).
 */
#include "attack.h"

static char junk[XENSTORE_PAYLOAD_MAX + 1024];

/* Send type/tx with len payload bytes (the header says hdr_len); the
 * answer as an error: -errno for XS_ERROR, else its length. */
static int raw(uint32_t type, uint32_t tx, uint32_t hdr_len, const void *p,
               size_t len)
{
    struct xsd_sockmsg hdr = { type, xs_next_req_id(), tx, hdr_len };
    char reply[64];
    uint32_t rtype = 0;
    int rc = xs_request_raw(&hdr, p, len, &rtype, reply, sizeof(reply));

    if (rc < 0 || rtype != XS_ERROR)
        return rc;
    for (int e = 1; e < 200; e++)
        if (xs_strerror(-e) && strcmp(xs_strerror(-e), reply) == 0)
            return -e;
    return -XEN_EIO;                    /* an error name we do not know */
}

static int msg(uint32_t type, uint32_t tx, const char *p, size_t len)
{
    return raw(type, tx, (uint32_t)len, p, len);
}

static void lengths(void)
{
    memset(junk, 'j', sizeof(junk));
    verdict("length_beyond_payload_max",
            raw(XS_WRITE, 0, XENSTORE_PAYLOAD_MAX + 1, junk,
                XENSTORE_PAYLOAD_MAX + 1), -XEN_E2BIG);
    verdict("length_far_beyond_payload_max",
            raw(XS_READ, 0, sizeof(junk), junk, sizeof(junk)), -XEN_E2BIG);
    verdict("read_without_nul", msg(XS_READ, 0, "name", 4), -XEN_EINVAL);
    verdict("read_with_empty_payload", msg(XS_READ, 0, "", 0), -XEN_EINVAL);
    verdict("write_without_nul", msg(XS_WRITE, 0, "data", 4), -XEN_EINVAL);
    verdict("read_with_two_paths", msg(XS_READ, 0, "name\0domid", 11),
            -XEN_EINVAL);
    verdict("watch_without_token", msg(XS_WATCH, 0, "name", 5), -XEN_EINVAL);
    verdict("set_perms_without_perms", msg(XS_SET_PERMS, 0, "name", 5),
            -XEN_EINVAL);
}

static void paths(void)
{
    static const char *const bad[] = {
        "//", "data//x", "data/", "da ta", "data/*", "@releaseDomain",
        "/local/domain/../0",
    };
    char name[48];

    for (unsigned int i = 0; i < G_ARRAY_SIZE(bad); i++) {
        g_snprintf(name, sizeof(name), "bad_path_%u", i);
        verdict(name, msg(XS_WRITE, 0, bad[i], strlen(bad[i]) + 1),
                -XEN_EINVAL);
    }
    memset(junk, 'p', 3100);
    junk[0] = '/';
    junk[3100] = '\0';
    verdict("path_too_long", msg(XS_READ, 0, junk, 3101), -XEN_EINVAL);
    verdict("watch_bad_special_path", request(XS_WATCH, 0, 2, "@nosuch", "t"),
            -XEN_EINVAL);
    verdict("watch_bad_path", request(XS_WATCH, 0, 2, "a//b", "t"),
            -XEN_EINVAL);
    verdict("bad_permission", request(XS_SET_PERMS, 0, 2, "name", "x1"),
            -XEN_EINVAL);
    verdict("bad_domain_id", request(XS_GET_DOMAIN_PATH, 0, 1, "1x"),
            -XEN_EINVAL);
}

static void types_and_transactions(void)
{
    uint32_t tx;

    verdict("unknown_type_99", msg(99, 0, "name", 5), -XEN_EINVAL);
    verdict("unknown_type_max", msg(0xffffffff, 0, "name", 5), -XEN_EINVAL);
    verdict("server_only_watch_event", msg(XS_WATCH_EVENT, 0, "a\0b", 4),
            -XEN_EINVAL);
    verdict("server_only_error", msg(XS_ERROR, 0, "EINVAL", 7), -XEN_EINVAL);
    verdict("control_message", msg(XS_CONTROL, 0, "print", 6), -XEN_ENOSYS);
    verdict("huge_transaction_id", msg(XS_READ, 0xffffffff, "name", 5),
            -XEN_ENOENT);
    verdict("end_no_transaction", msg(XS_TRANSACTION_END, 0, "T", 2),
            -XEN_ENOENT);
    verdict("watch_in_transaction", msg(XS_WATCH, 1, "name\0t", 7),
            -XEN_EINVAL);
    if (xs_transaction_start(&tx) == 0) {
        verdict("end_transaction_with_bad_argument",
                msg(XS_TRANSACTION_END, tx, "maybe", 6), -XEN_EINVAL);
        expect(xs_transaction_end(tx, false) == 0, "abort failed");
    }
}

void malformed_attacks(void)
{
    char name[64];

    lengths();
    paths();
    types_and_transactions();
    expect(xs_read("name", name, sizeof(name)) > 0,
           "the connection is out of step after the malformed messages");
    g_printf("xs-attack: malformed: the connection is still in step\n");
}
