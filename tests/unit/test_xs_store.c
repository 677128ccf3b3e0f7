/*
 * xenstored's rules (dom0/xs_store.c, xs_ops.c, xs_watch.c): who may read
 * and write what, what dom0 grants, quotas on nodes, values, watches and
 * transactions (and that everyone else keeps working when a domain hits
 * one), transactions that commit, conflict with EAGAIN or abort, watches
 * on nodes and their descendants, and a dead domain's nodes going away.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_client.h"

/* ---- Permissions ---- */

TEST(domu_reads_and_writes_its_own_subtree)
{
    xs_setup();
    CHECK_XS(xs_wr(c1, "data/a", "1"), "OK");
    CHECK_XS(xs_rd(c1, "data/a"), "1");
    CHECK_XS(xs_rd(c1, "/local/domain/1/data/a"), "1");
    CHECK_XS(xs_perms(c1, "data/a"), "n1");
    CHECK_EQ(xs_store_owned(xs, 1), 3);         /* the domain dir, data, a */
}

TEST(domu_cannot_touch_another_domains_nodes)
{
    xs_setup();
    CHECK_XS(xs_wr(c0, "/local/domain/2/name", "secret"), "OK");
    CHECK_XS(xs_rd(c1, "/local/domain/2/name"), "!EACCES");
    CHECK_XS(xs_wr(c1, "/local/domain/2/name", "x"), "!EACCES");
    CHECK_XS(xs_wr(c1, "/local/domain/2/new/node", "x"), "!EACCES");
    CHECK_XS(xs_mk(c1, "/local/domain/2/dir"), "!EACCES");
    CHECK_XS(xs_rm_(c1, "/local/domain/2/name"), "!EACCES");
    CHECK_XS(xs_rm_(c1, "/local/domain/2"), "!EACCES");
    CHECK_XS(xs_ls(c1, "/local/domain/2"), "!EACCES");
    CHECK_XS(xs_perms(c1, "/local/domain/2/name"), "!EACCES");
    CHECK_XS(xs_chmod(c1, "/local/domain/2/name", "b1", NULL), "!EACCES");
    CHECK_XS(xs_watch_(c1, "/local/domain/2/name", "t"), "!EACCES");
    CHECK_XS(xs_rd(c2, "name"), "secret");
    CHECK_XS(xs_perms(c0, "/local/domain/2/name"), "n2");
}

TEST(missing_nodes_where_you_cannot_read_are_eacces_not_enoent)
{
    xs_setup();
    CHECK_XS(xs_rd(c1, "/local/domain/2/nosuch"), "!EACCES");
    CHECK_XS(xs_rd(c1, "/local/domain/9/name"), "!EACCES");
    CHECK_XS(xs_rd(c1, "/nosuch"), "!EACCES");
    CHECK_XS(xs_rm_(c1, "/local/domain/2/nosuch"), "!EACCES");
    CHECK_XS(xs_rd(c1, "nosuch"), "!ENOENT");
    CHECK_XS(xs_rd(c0, "/local/domain/2/nosuch"), "!ENOENT");
}

TEST(domu_cannot_list_or_write_the_top_of_the_tree)
{
    xs_setup();
    CHECK_XS(xs_ls(c1, "/"), "!EACCES");
    CHECK_XS(xs_ls(c1, "/local/domain"), "!EACCES");
    CHECK_XS(xs_wr(c1, "/tool", "x"), "!EACCES");
    CHECK_XS(xs_wr(c1, "/local/domain/3/name", "x"), "!EACCES");
    CHECK_XS(xs_rm_(c1, "/local"), "!EACCES");
    CHECK_XS(xs_ls(c0, "/"), "local");
}

TEST(dom0_grants_read_and_write_separately)
{
    xs_setup();
    CHECK_XS(xs_wr(c0, "/shared/ro", "r"), "OK");
    CHECK_XS(xs_wr(c0, "/shared/rw", "w"), "OK");
    CHECK_XS(xs_chmod(c0, "/shared/ro", "n0", "r1"), "OK");
    CHECK_XS(xs_chmod(c0, "/shared/rw", "n0", "b1"), "OK");
    CHECK_XS(xs_rd(c1, "/shared/ro"), "r");
    CHECK_XS(xs_wr(c1, "/shared/ro", "x"), "!EACCES");
    CHECK_XS(xs_wr(c1, "/shared/rw", "mine"), "OK");
    CHECK_XS(xs_rd(c0, "/shared/rw"), "mine");
    CHECK_XS(xs_rd(c2, "/shared/ro"), "!EACCES");
    CHECK_XS(xs_chmod(c0, "/shared/ro", "n0", "w2"), "OK");
    CHECK_XS(xs_wr(c2, "/shared/ro", "blind"), "OK");
    CHECK_XS(xs_rd(c2, "/shared/ro"), "!EACCES");
}

TEST(default_permission_applies_to_domains_not_listed)
{
    xs_setup();
    CHECK_XS(xs_wr(c0, "/pub", "all"), "OK");
    CHECK_XS(xs_chmod(c0, "/pub", "r0", "n2"), "OK");
    CHECK_XS(xs_rd(c1, "/pub"), "all");
    CHECK_XS(xs_rd(c2, "/pub"), "!EACCES");
}

TEST(node_made_by_domu_in_granted_dir_is_its_own)
{
    xs_setup();
    CHECK_XS(xs_mk(c0, "/backend"), "OK");
    CHECK_XS(xs_chmod(c0, "/backend", "n0", "b1"), "OK");
    CHECK_XS(xs_wr(c1, "/backend/vif", "1"), "OK");
    CHECK_XS(xs_perms(c0, "/backend/vif"), "n1|b1");
    CHECK_EQ(xs_store_owned(xs, 1), 2);
}

TEST(only_the_owner_sets_perms_and_only_dom0_gives_nodes_away)
{
    xs_setup();
    CHECK_XS(xs_wr(c1, "data/share", "x"), "OK");
    CHECK_XS(xs_chmod(c1, "data/share", "n1", "r2"), "OK");
    CHECK_XS(xs_rd(c2, "/local/domain/1/data/share"), "x");
    CHECK_XS(xs_chmod(c1, "data/share", "n2", NULL), "!EPERM");
    CHECK_XS(xs_chmod(c1, "data/share", "b1", "r2"), "OK");
    /* Write access is not ownership. */
    CHECK_XS(xs_chmod(c1, "data/share", "n1", "b2"), "OK");
    CHECK_XS(xs_chmod(c2, "/local/domain/1/data/share", "n2", NULL), "!EACCES");
    CHECK_XS(xs_chmod(c2, "/local/domain/1/data/share", "n1", NULL), "!EACCES");
    CHECK_XS(xs_chmod(c0, "/local/domain/1/data/share", "n2", NULL), "OK");
    CHECK_EQ(xs_store_owned(xs, 2), 2);
}

TEST(relative_paths_resolve_to_the_callers_domain)
{
    xs_setup();
    CHECK_XS(xs_wr(c1, "same", "one"), "OK");
    CHECK_XS(xs_wr(c2, "same", "two"), "OK");
    CHECK_XS(xs_rd(c0, "/local/domain/1/same"), "one");
    CHECK_XS(xs_rd(c0, "/local/domain/2/same"), "two");
    /* dom0's relative paths are under /local/domain/0. */
    CHECK_XS(xs_wr(c0, "name", "Domain-0"), "OK");
    CHECK_XS(xs_rd(c0, "/local/domain/0/name"), "Domain-0");
}

/* ---- Quotas ---- */

/* Write count nodes data/f<i> as c; returns the first refusal. */
static const char *flood(struct xs_conn *c, int count, int *done)
{
    char path[32];

    for (*done = 0; *done < count; (*done)++) {
        const char *a;

        snprintf(path, sizeof(path), "data/f%d", *done);
        a = xs_wr(c, path, "0123456789");
        if (strcmp(a, "OK"))
            return a;
    }
    return "OK";
}

TEST(node_quota_gives_equota_and_others_keep_working)
{
    int done;

    xs_setup();
    CHECK_XS(xs_wr(c2, "data/keep", "v"), "OK");
    CHECK_XS(flood(c1, 2000, &done), "!EQUOTA");
    /* Its domain dir and data count too. */
    CHECK_EQ(done, XS_QUOTA_NODES - 2);
    CHECK_EQ(xs_store_owned(xs, 1), XS_QUOTA_NODES);
    CHECK_XS(xs_mk(c1, "more"), "!EQUOTA");
    CHECK_XS(xs_rd(c1, "data/f0"), "0123456789");
    CHECK_XS(xs_wr(c1, "data/f0", "changed"), "OK");    /* no new node */
    CHECK_XS(xs_wr(c2, "data/other", "fine"), "OK");
    CHECK_XS(xs_rd(c2, "data/keep"), "v");
    CHECK_XS(xs_wr(c0, "/local/domain/1/by-dom0", "x"), "OK");
    CHECK_XS(xs_rm_(c1, "data"), "OK");
    CHECK_EQ(xs_store_owned(xs, 1), 2);         /* dir and by-dom0 */
    CHECK_XS(xs_wr(c1, "data/again", "x"), "OK");
}

TEST(write_creating_parents_counts_every_new_node)
{
    int done;

    xs_setup();
    CHECK_XS(flood(c1, XS_QUOTA_NODES - 4, &done), "OK");
    CHECK_EQ(xs_store_owned(xs, 1), XS_QUOTA_NODES - 2);
    CHECK_XS(xs_wr(c1, "x/y/z", "1"), "!EQUOTA");
    CHECK_XS(xs_rd(c1, "x"), "!ENOENT");        /* nothing half-made */
    CHECK_XS(xs_wr(c1, "x/y", "1"), "OK");
}

TEST(value_quota_is_2048_bytes_for_domus_only)
{
    char big[XS_QUOTA_VALUE + 2];

    xs_setup();
    memset(big, 'v', sizeof(big) - 1);
    big[XS_QUOTA_VALUE + 1] = '\0';
    CHECK_XS(xs_wr(c1, "big", big), "!EQUOTA");
    CHECK_XS(xs_wr(c0, "/local/domain/1/big", big), "OK");
    CHECK_XS(xs_wr(c1, "big", "small"), "OK");
    big[XS_QUOTA_VALUE] = '\0';
    CHECK_XS(xs_wr(c1, "big", big), "OK");
    CHECK_EQ(strlen(xs_rd(c1, "big")), XS_QUOTA_VALUE);
}

TEST(watch_quota)
{
    char token[16];

    xs_setup();
    for (int i = 0; i < XS_QUOTA_WATCHES; i++) {
        snprintf(token, sizeof(token), "t%d", i);
        CHECK_XS(xs_watch_(c1, "data", token), "OK");
    }
    CHECK_XS(xs_watch_(c1, "data", "one-more"), "!EQUOTA");
    CHECK_XS(xs_watch_(c2, "data", "t"), "OK");
    CHECK_XS(xs_watch_(c0, "/", "dom0-has-none"), "OK");
}

TEST(transaction_quotas)
{
    uint32_t tx = 0;
    char path[32];

    xs_setup();
    for (int i = 0; i < XS_QUOTA_TXNS; i++)
        tx = xs_tx_start(c1);
    CHECK_XS(xs_call(c1, XS_TRANSACTION_START, 0, 1, ""), "!EQUOTA");
    xs_tx_start(c2);
    CHECK_XS(xs_tx_end(c1, tx, false), "OK");
    tx = xs_tx_start(c1);
    for (int i = 0; i < XS_QUOTA_TXN_NODES; i++) {
        snprintf(path, sizeof(path), "/local/domain/1/t%d", i);
        if (strcmp(xs_call(c1, XS_READ, tx, 1, path), "!ENOENT"))
            break;
    }
    CHECK_XS(xs_call(c1, XS_READ, tx, 1, "data"), "!EQUOTA");
}

/* Watch events a transaction keeps until it commits. */
static unsigned int journal_len(struct xs_conn *c, uint32_t tx)
{
    unsigned int n = 0;

    for (struct xs_event *ev = xs_txn_find(c, tx)->events; ev; ev = ev->next)
        n++;
    return n;
}

TEST(transaction_rewriting_one_path_journals_one_event)
{
    const char *path = "data/a/rather/long/path/that/one/transaction/rewrites";
    char value[16];
    uint32_t tx;
    size_t bytes;

    xs_setup();
    CHECK_XS(xs_watch_(c0, "/local/domain/1/data", "w"), "OK");
    xs_events(c0);
    tx = xs_tx_start(c1);
    CHECK_XS(xs_wr_tx(c1, tx, path, "first"), "OK");
    bytes = xs_txn_find(c1, tx)->bytes;
    for (int i = 0; i < 100000; i++) {
        snprintf(value, sizeof(value), "%d", i);
        CHECK_XS(xs_wr_tx(c1, tx, path, value), "OK");
    }
    /* The journal was an unbounded list, outside the byte quota. */
    CHECK(journal_len(c1, tx) <= 9);            /* the path and its parents */
    CHECK(xs_txn_find(c1, tx)->bytes < bytes + 64);
    CHECK_XS(xs_tx_end(c1, tx, true), "OK");
    CHECK_XS(xs_rd(c1, path), "99999");
    CHECK(strstr(xs_events(c0), "/local/domain/1/data/a/rather/long/path/that/one/"
                                "transaction/rewrites|w"));
}

TEST(transaction_journal_counts_in_the_byte_quota)
{
    uint32_t tx;
    size_t before;

    xs_setup();
    tx = xs_tx_start(c1);
    CHECK_XS(xs_mk(c1, "data/x"), "OK");        /* outside: no journal */
    before = xs_txn_find(c1, tx)->bytes;
    CHECK_XS(xs_wr_tx(c1, tx, "data/x", "1"), "OK");
    CHECK_EQ(journal_len(c1, tx), 1);
    /* The node's record, its new value and the event's path. */
    CHECK(xs_txn_find(c1, tx)->bytes >= before + strlen("/local/domain/1/data/x") +
                                        sizeof(struct xs_event));
    CHECK_XS(xs_tx_end(c1, tx, false), "OK");
}

TEST(dom0_never_loses_watch_events_a_domu_does)
{
    char value[16];

    xs_setup();
    CHECK_XS(xs_wr(c1, "data/shared", "0"), "OK");
    CHECK_XS(xs_chmod(c1, "data/shared", "n1", "r2"), "OK");
    CHECK_XS(xs_watch_(c0, "/local/domain/1/data", "w0"), "OK");
    CHECK_XS(xs_watch_(c2, "/local/domain/1/data/shared", "w2"), "OK");
    /* Neither reads while domain 1 writes on. */
    for (int i = 0; i < 5000; i++) {
        snprintf(value, sizeof(value), "%d", i);
        CHECK_XS(xs_wr(c1, "data/shared", value), "OK");
    }
    CHECK_EQ(c0->events_dropped, 0);
    CHECK(c2->events_dropped > 0);
    CHECK(c2->out_bytes <= XS_OUT_EVENT_LIMIT + XENSTORE_PAYLOAD_MAX);
}

TEST(transaction_byte_quota)
{
    char big[XS_QUOTA_VALUE + 1], path[32];
    const char *a = "OK";
    uint32_t tx;
    int i;

    xs_setup();
    memset(big, 'v', XS_QUOTA_VALUE);
    big[XS_QUOTA_VALUE] = '\0';
    tx = xs_tx_start(c1);
    for (i = 0; i < 1000 && !strcmp(a, "OK"); i++) {
        snprintf(path, sizeof(path), "b%d", i);
        a = xs_wr_tx(c1, tx, path, big);
    }
    CHECK_XS(a, "!EQUOTA");
    CHECK(i * XS_QUOTA_VALUE <= XS_QUOTA_TXN_BYTES + XS_QUOTA_VALUE);
    CHECK_XS(xs_tx_end(c1, tx, false), "OK");
    tx = xs_tx_start(c0);                       /* dom0 has no such quota */
    for (i = 0; i < 200; i++) {
        snprintf(path, sizeof(path), "/big/b%d", i);
        CHECK_XS(xs_wr_tx(c0, tx, path, big), "OK");
    }
    CHECK_XS(xs_tx_end(c0, tx, true), "OK");
}

TEST(permission_list_quota)
{
    xs_setup();
    CHECK_XS(xs_wr(c1, "p", ""), "OK");
    CHECK_XS(xs_call(c1, XS_SET_PERMS, 0, 7, "p", "n1", "r2", "r3", "r4",
                     "r5", "r6"), "!EQUOTA");
    CHECK_XS(xs_call(c1, XS_SET_PERMS, 0, 6, "p", "n1", "r2", "r3", "r4",
                     "r5"), "OK");
}

/* ---- Transactions ---- */

TEST(transaction_sees_its_own_writes_others_see_them_at_commit)
{
    uint32_t tx;

    xs_setup();
    CHECK_XS(xs_wr(c1, "v", "old"), "OK");
    tx = xs_tx_start(c1);
    CHECK_XS(xs_wr_tx(c1, tx, "v", "new"), "OK");
    CHECK_XS(xs_wr_tx(c1, tx, "w/x", "made"), "OK");
    CHECK_XS(xs_call(c1, XS_READ, tx, 1, "v"), "new");
    CHECK_XS(xs_call(c1, XS_DIRECTORY, tx, 1, "w"), "x");
    CHECK_XS(xs_rd(c1, "v"), "old");
    CHECK_XS(xs_rd(c0, "/local/domain/1/w"), "!ENOENT");
    CHECK_XS(xs_tx_end(c1, tx, true), "OK");
    CHECK_XS(xs_rd(c1, "v"), "new");
    CHECK_XS(xs_rd(c1, "w/x"), "made");
    CHECK_EQ(xs_store_owned(xs, 1), 4);
}

TEST(transaction_abort_changes_nothing)
{
    uint32_t tx;
    size_t nodes;

    xs_setup();
    nodes = xs_store_nodes(xs);
    tx = xs_tx_start(c1);
    CHECK_XS(xs_wr_tx(c1, tx, "a/b/c", "1"), "OK");
    CHECK_XS(xs_call(c1, XS_RM, tx, 1, "/local/domain/1"), "OK");
    CHECK_XS(xs_tx_end(c1, tx, false), "OK");
    CHECK_EQ(xs_store_nodes(xs), nodes);
    CHECK_XS(xs_perms(c1, "/local/domain/1"), "n1");
}

TEST(conflicting_write_makes_commit_eagain)
{
    uint32_t tx;

    xs_setup();
    CHECK_XS(xs_wr(c1, "v", "0"), "OK");
    tx = xs_tx_start(c1);
    CHECK_XS(xs_call(c1, XS_READ, tx, 1, "v"), "0");
    CHECK_XS(xs_wr_tx(c1, tx, "v", "1"), "OK");
    CHECK_XS(xs_wr(c0, "/local/domain/1/v", "dom0"), "OK");
    CHECK_XS(xs_tx_end(c1, tx, true), "!EAGAIN");
    CHECK_XS(xs_rd(c1, "v"), "dom0");
    CHECK_XS(xs_tx_end(c1, tx, true), "!ENOENT");   /* it is gone */
}

TEST(a_node_read_in_a_transaction_that_changed_is_a_conflict)
{
    uint32_t tx;

    xs_setup();
    CHECK_XS(xs_wr(c1, "in", "a"), "OK");
    tx = xs_tx_start(c1);
    CHECK_XS(xs_call(c1, XS_READ, tx, 1, "in"), "a");
    CHECK_XS(xs_wr_tx(c1, tx, "out", "a"), "OK");
    CHECK_XS(xs_rm_(c1, "in"), "OK");
    CHECK_XS(xs_tx_end(c1, tx, true), "!EAGAIN");
    CHECK_XS(xs_rd(c1, "out"), "!ENOENT");
}

TEST(transactions_on_different_nodes_both_commit)
{
    uint32_t t1, t2;

    xs_setup();
    CHECK_XS(xs_wr(c1, "a", "0"), "OK");
    CHECK_XS(xs_wr(c1, "b", "0"), "OK");
    t1 = xs_tx_start(c1);
    t2 = xs_tx_start(c1);
    CHECK_XS(xs_wr_tx(c1, t1, "a", "1"), "OK");
    CHECK_XS(xs_wr_tx(c1, t2, "b", "2"), "OK");
    CHECK_XS(xs_tx_end(c1, t2, true), "OK");
    CHECK_XS(xs_tx_end(c1, t1, true), "OK");
    CHECK_XS(xs_rd(c1, "a"), "1");
    CHECK_XS(xs_rd(c1, "b"), "2");
}

TEST(transactions_adding_children_to_one_node_conflict)
{
    uint32_t t1, t2;

    xs_setup();
    t1 = xs_tx_start(c1);
    t2 = xs_tx_start(c1);
    CHECK_XS(xs_wr_tx(c1, t1, "x", "1"), "OK");
    CHECK_XS(xs_wr_tx(c1, t2, "y", "2"), "OK");
    CHECK_XS(xs_tx_end(c1, t1, true), "OK");
    CHECK_XS(xs_tx_end(c1, t2, true), "!EAGAIN");
    CHECK_XS(xs_ls(c1, "/local/domain/1"), "x");
}

TEST(transaction_respects_permissions)
{
    uint32_t tx;

    xs_setup();
    tx = xs_tx_start(c1);
    CHECK_XS(xs_wr_tx(c1, tx, "/local/domain/2/x", "1"), "!EACCES");
    CHECK_XS(xs_call(c1, XS_READ, tx, 1, "/local/domain/2"), "!EACCES");
    CHECK_XS(xs_tx_end(c1, tx, true), "OK");
    CHECK_XS(xs_ls(c0, "/local/domain/2"), "");
}

TEST(commit_over_quota_is_equota)
{
    uint32_t tx;
    int done;

    xs_setup();
    CHECK_XS(xs_mk(c1, "data"), "OK");         /* the flood does not conflict */
    tx = xs_tx_start(c1);
    CHECK_XS(xs_wr_tx(c1, tx, "late", "1"), "OK");
    CHECK_XS(flood(c1, 2000, &done), "!EQUOTA");
    CHECK_XS(xs_tx_end(c1, tx, true), "!EQUOTA");
    CHECK_XS(xs_rd(c1, "late"), "!ENOENT");
}

TEST(rm_inside_a_transaction)
{
    uint32_t tx;

    xs_setup();
    CHECK_XS(xs_wr(c1, "t/a", "1"), "OK");
    CHECK_XS(xs_wr(c1, "t/b/c", "2"), "OK");
    tx = xs_tx_start(c1);
    CHECK_XS(xs_wr_tx(c1, tx, "t/new", "3"), "OK");
    CHECK_XS(xs_call(c1, XS_RM, tx, 1, "t"), "OK");
    CHECK_XS(xs_call(c1, XS_READ, tx, 1, "t/new"), "!ENOENT");
    CHECK_XS(xs_rd(c1, "t/b/c"), "2");
    CHECK_XS(xs_tx_end(c1, tx, true), "OK");
    CHECK_XS(xs_rd(c1, "t/b/c"), "!ENOENT");
    CHECK_XS(xs_ls(c1, "/local/domain/1"), "");
    CHECK_EQ(xs_store_owned(xs, 1), 1);
}

/* ---- Watches ---- */

TEST(watch_fires_for_the_node_and_its_descendants_only)
{
    xs_setup();
    CHECK_XS(xs_watch_(c0, "/w/a", "tok"), "OK");
    xs_events(c0);
    CHECK_XS(xs_wr(c0, "/w/a", "1"), "OK");
    CHECK_XS(xs_wr(c0, "/w/a/b/c", "1"), "OK");
    CHECK_XS(xs_wr(c0, "/w/ab", "1"), "OK");
    CHECK_XS(xs_wr(c0, "/w", "1"), "OK");
    CHECK_XS(xs_events(c0), "/w/a|tok;/w/a/b/c|tok");
    CHECK_XS(xs_rm_(c0, "/w/a/b"), "OK");
    CHECK_XS(xs_events(c0), "/w/a/b|tok");
}

TEST(removing_an_ancestor_fires_watches_below_it)
{
    xs_setup();
    CHECK_XS(xs_wr(c1, "dev/vif/0/state", "4"), "OK");
    CHECK_XS(xs_watch_(c1, "dev/vif/0/state", "st"), "OK");
    xs_events(c1);
    CHECK_XS(xs_rm_(c0, "/local/domain/1/dev"), "OK");
    CHECK_XS(xs_events(c1), "dev/vif/0/state|st");
}

TEST(watches_see_only_what_they_may_read)
{
    xs_setup();
    CHECK_XS(xs_wr(c0, "/open/x", "1"), "OK");
    CHECK_XS(xs_chmod(c0, "/open", "r0", NULL), "OK");
    CHECK_XS(xs_chmod(c0, "/open/x", "r0", NULL), "OK");
    CHECK_XS(xs_watch_(c1, "/open", "t"), "OK");
    xs_events(c1);
    CHECK_XS(xs_wr(c0, "/open/x", "2"), "OK");
    CHECK_XS(xs_events(c1), "/open/x|t");
    CHECK_XS(xs_chmod(c0, "/open/x", "n0", NULL), "OK");
    CHECK_XS(xs_wr(c0, "/open/x", "3"), "OK");
    CHECK_XS(xs_events(c1), "");
}

TEST(duplicate_and_unknown_watches)
{
    xs_setup();
    CHECK_XS(xs_watch_(c1, "data", "t"), "OK");
    CHECK_XS(xs_watch_(c1, "data", "t"), "!EEXIST");
    CHECK_XS(xs_watch_(c1, "/local/domain/1/data", "t"), "!EEXIST");
    CHECK_XS(xs_watch_(c1, "data", "u"), "OK");
    CHECK_XS(xs_unwatch_(c1, "data", "nope"), "!ENOENT");
    CHECK_XS(xs_unwatch_(c1, "/local/domain/1/data", "t"), "OK");
    CHECK_XS(xs_unwatch_(c1, "data", "t"), "!ENOENT");
}

TEST(transaction_events_fire_at_commit_and_not_on_abort)
{
    uint32_t tx;

    xs_setup();
    CHECK_XS(xs_watch_(c1, "cfg", "c"), "OK");
    xs_events(c1);
    tx = xs_tx_start(c1);
    CHECK_XS(xs_wr_tx(c1, tx, "cfg/a", "1"), "OK");
    CHECK_XS(xs_events(c1), "");
    CHECK_XS(xs_tx_end(c1, tx, true), "OK");
    CHECK_XS(xs_events(c1), "cfg/a|c");
    tx = xs_tx_start(c1);
    CHECK_XS(xs_wr_tx(c1, tx, "cfg/b", "1"), "OK");
    CHECK_XS(xs_tx_end(c1, tx, false), "OK");
    CHECK_XS(xs_events(c1), "");
}

TEST(special_watches_reach_dom0_only)
{
    xs_setup();
    CHECK_XS(xs_watch_(c1, "@releaseDomain", "r"), "OK");
    CHECK_XS(xs_watch_(c0, "@releaseDomain", "r"), "OK");
    xs_events(c0);
    CHECK_XS(xs_events(c1), "@releaseDomain|r");    /* the first one only */
    xs_store_release_domain(xs, 2);
    CHECK_XS(xs_events(c0), "@releaseDomain|r");
    CHECK_XS(xs_events(c1), "");
}

TEST(events_beyond_the_backlog_are_dropped)
{
    xs_setup();
    CHECK_XS(xs_watch_(c1, "data", "t"), "OK");
    for (int i = 0; i < 4000; i++)
        CHECK_XS(xs_wr(c0, "/local/domain/1/data", "x"), "OK");
    CHECK(xs_conn_pending(c1) <= XS_OUT_EVENT_LIMIT + 64);
    CHECK(xs_conn_events_dropped(c1) > 0);
    xs_events(c1);
    CHECK_XS(xs_rd(c1, "data"), "x");
}

/* ---- A domain dies ---- */

TEST(release_removes_the_domains_nodes_and_keeps_others)
{
    xs_setup();
    CHECK_XS(xs_wr(c0, "/local/domain/1/name", "one"), "OK");
    CHECK_XS(xs_wr(c1, "data/x", "1"), "OK");
    CHECK_XS(xs_mk(c0, "/backend"), "OK");
    CHECK_XS(xs_chmod(c0, "/backend", "n0", "b1"), "OK");
    CHECK_XS(xs_wr(c1, "/backend/vif1", "1"), "OK");
    CHECK_XS(xs_wr(c0, "/backend/vif2", "2"), "OK");
    CHECK_XS(xs_wr(c2, "data", "2"), "OK");
    xs_conn_free(c1);
    xs_store_release_domain(xs, 1);
    CHECK_EQ(xs_store_owned(xs, 1), 0);
    CHECK_XS(xs_rd(c0, "/local/domain/1"), "!ENOENT");
    CHECK_XS(xs_ls(c0, "/local/domain"), "2");
    CHECK_XS(xs_ls(c0, "/backend"), "vif2");
    CHECK_XS(xs_rd(c2, "data"), "2");
}
