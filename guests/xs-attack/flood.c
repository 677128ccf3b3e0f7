/*
 * Flooding xenstore from our own subtree: nodes until EQUOTA, a value
 * over the size quota, watches and transactions beyond theirs.  After
 * each, our nodes still work; after cleaning up, we can write again.
 */
#include "attack.h"

#define FLOOD_MAX  5000        /* well past any sane node quota */

static char value[XENSTORE_PAYLOAD_MAX];

static void nodes(void)
{
    char path[48];
    int rc = 0, n;

    memset(value, 'f', 64);
    value[64] = '\0';
    for (n = 0; n < FLOOD_MAX; n++) {
        g_snprintf(path, sizeof(path), "flood/n%d", n);
        if ((rc = xs_write(path, value)) < 0)
            break;
    }
    g_printf("xs-attack: flood: %d nodes written, then %s\n", n,
             rc < 0 && xs_strerror(rc) ? xs_strerror(rc) : "no refusal");
    verdict("flood_nodes", rc < 0 ? rc : n, -XENSTORE_EQUOTA);
    expect(xs_read("flood/n0", value, sizeof(value)) == 64,
           "flood/n0 unreadable after the flood");
    expect(xs_write("flood/n0", "rewritten") >= 0,
           "an existing node cannot be rewritten after the flood");
    expect(xs_read("name", value, sizeof(value)) > 0,
           "my name unreadable after the flood");
}

static void big_value(void)
{
    memset(value, 'b', 3000);
    value[3000] = '\0';
    verdict("value_over_quota", xs_write("big", value), -XENSTORE_EQUOTA);
}

static void many_watches(void)
{
    char token[16];
    int rc = 0, n;

    for (n = 0; n < 1000; n++) {
        g_snprintf(token, sizeof(token), "w%d", n);
        if ((rc = request(XS_WATCH, 0, 2, "flood", token)) < 0)
            break;
    }
    g_printf("xs-attack: flood: %d watches set, then %s\n", n,
             rc < 0 && xs_strerror(rc) ? xs_strerror(rc) : "no refusal");
    verdict("flood_watches", rc < 0 ? rc : n, -XENSTORE_EQUOTA);
    expect(request(XS_RESET_WATCHES, 0, 0) >= 0, "reset_watches failed");
    xs_poll();                          /* the initial events: dropped */
}

static void many_transactions(void)
{
    uint32_t tx[64];
    int rc = 0, n;

    for (n = 0; n < 64; n++)
        if ((rc = xs_transaction_start(&tx[n])) < 0)
            break;
    g_printf("xs-attack: flood: %d transactions open, then %s\n", n,
             rc < 0 && xs_strerror(rc) ? xs_strerror(rc) : "no refusal");
    verdict("flood_transactions", rc < 0 ? rc : n, -XENSTORE_EQUOTA);
    for (int i = 0; i < n; i++)
        expect(xs_transaction_end(tx[i], false) == 0, "abort %d failed", i);
}

void flood_attacks(void)
{
    nodes();
    big_value();
    many_watches();
    many_transactions();
    expect(xs_rm("flood") >= 0, "cannot remove my flood");
    expect(xs_write("after/flood", "ok") >= 0,
           "cannot write again after cleaning up");
    expect(xs_read("after/flood", value, sizeof(value)) == 2,
           "cannot read back after cleaning up");
    g_printf("xs-attack: flood: cleaned up, writing works again\n");
}
