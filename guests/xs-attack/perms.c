/*
 * Another domain's nodes, dom0's and the top of the tree: nothing of it
 * may be read, written, removed, listed, re-permitted or watched, and
 * what only dom0 may send is refused.  A missing node where we may not
 * read says EACCES, not ENOENT: its absence is not ours to learn.
 */
#include "attack.h"

static char scratch[XENSTORE_PAYLOAD_MAX];

static void reads(void)
{
    verdict("read_other_domains_name", xs_read(tpath("name"), scratch,
            sizeof(scratch)), -XEN_EACCES);
    verdict("read_other_domains_missing_node", xs_read(tpath("no/such"),
            scratch, sizeof(scratch)), -XEN_EACCES);
    verdict("read_dom0s_name", xs_read(tpath_of(0, "name"), scratch,
            sizeof(scratch)), -XEN_EACCES);
    verdict("list_other_domain", xs_directory(tpath(""), scratch,
            sizeof(scratch)), -XEN_EACCES);
    verdict("list_all_domains", xs_directory("/local/domain", scratch,
            sizeof(scratch)), -XEN_EACCES);
    verdict("list_root", xs_directory("/", scratch, sizeof(scratch)),
            -XEN_EACCES);
    verdict("get_perms_of_other_domains_node",
            request(XS_GET_PERMS, 0, 1, tpath("name")), -XEN_EACCES);
    verdict("relative_path_escape", xs_read("../1/name", scratch,
            sizeof(scratch)), -XEN_EINVAL);
}

static void writes(void)
{
    verdict("write_other_domains_name", xs_write(tpath("name"), "pwned"),
            -XEN_EACCES);
    verdict("write_other_domains_control_shutdown",
            xs_write(tpath("control/shutdown"), "poweroff"), -XEN_EACCES);
    verdict("write_other_domains_memory_target",
            xs_write(tpath("memory/target"), "1"), -XEN_EACCES);
    verdict("create_node_under_other_domain",
            xs_write(tpath("data/evil"), "x"), -XEN_EACCES);
    verdict("mkdir_under_other_domain", xs_mkdir(tpath("evil")), -XEN_EACCES);
    verdict("write_dom0s_name", xs_write(tpath_of(0, "name"), "x"),
            -XEN_EACCES);
    verdict("write_at_the_root", xs_write("/evil", "x"), -XEN_EACCES);
    verdict("make_a_domain_directory", xs_write(tpath_of(999, "name"), "x"),
            -XEN_EACCES);
    verdict("rm_other_domains_node", xs_rm(tpath("name")), -XEN_EACCES);
    verdict("rm_other_domains_directory", xs_rm(tpath("")), -XEN_EACCES);
    verdict("rm_other_domains_missing_node", xs_rm(tpath("no/such")),
            -XEN_EACCES);
    verdict("rm_local", xs_rm("/local"), -XEN_EACCES);
}

static void permissions(void)
{
    char me[8], them[8];

    g_snprintf(me, sizeof(me), "b%u", self);
    g_snprintf(them, sizeof(them), "n%u", target);
    verdict("set_perms_to_take_other_domains_node",
            request(XS_SET_PERMS, 0, 2, tpath("name"), me), -XEN_EACCES);
    verdict("set_perms_to_open_other_domains_dir",
            request(XS_SET_PERMS, 0, 3, tpath(""), them, "r0"), -XEN_EACCES);
    expect(xs_write("data/mine", "1") >= 0, "cannot write my own data/mine");
    verdict("give_own_node_away", request(XS_SET_PERMS, 0, 2, "data/mine",
            them), -XEN_EPERM);
}

static void watches(void)
{
    verdict("watch_other_domains_node",
            request(XS_WATCH, 0, 2, tpath("memory/target"), "spy"),
            -XEN_EACCES);
    verdict("watch_other_domains_directory",
            request(XS_WATCH, 0, 2, tpath(""), "spy"), -XEN_EACCES);
    verdict("watch_the_root", request(XS_WATCH, 0, 2, "/", "spy"),
            -XEN_EACCES);
}

static void dom0_only(void)
{
    char id[8];

    g_snprintf(id, sizeof(id), "%u", target);
    verdict("introduce_a_domain", request(XS_INTRODUCE, 0, 3, id, "1", "1"),
            -XEN_EACCES);
    verdict("release_a_domain", request(XS_RELEASE, 0, 1, id), -XEN_EACCES);
    verdict("ask_if_introduced", request(XS_IS_DOMAIN_INTRODUCED, 0, 1, id),
            -XEN_EACCES);
}

static void in_a_transaction(void)
{
    uint32_t tx;
    int rc = xs_transaction_start(&tx);

    expect(rc == 0, "transaction_start: %d", rc);
    if (rc)
        return;
    verdict("write_other_domain_in_transaction",
            request(XS_WRITE, tx, 2, tpath("name"), "tx"), -XEN_EACCES);
    verdict("rm_other_domain_in_transaction",
            request(XS_RM, tx, 1, tpath("")), -XEN_EACCES);
    rc = xs_transaction_end(tx, true);
    expect(rc == 0, "the transaction did not commit: %d", rc);
}

void perms_attacks(void)
{
    reads();
    writes();
    permissions();
    watches();
    dom0_only();
    in_a_transaction();
    /* Our own nodes are ours. */
    expect(xs_read("name", scratch, sizeof(scratch)) > 0,
           "cannot read my own name");
    expect(xs_rm("data/mine") >= 0, "cannot remove my own data/mine");
}
