/*
 * Virtual devices: xl network-list and xl block-list.
 *
 *   xl network-list DOM...
 *   xl block-list DOM...
 *
 * xen-lite's guests have a console and xenstore but no network or block
 * devices yet: both print xl's header and no rows.  An unknown domain is
 * an error as in xl (network-list stops, block-list goes on).
 */
#include <stdio.h>

#include "cmd_common.h"
#include "xl_cmds.h"

int main_network_list(int argc, char **argv)
{
    struct xl_opts o;
    int rc = xl_scan(argc, argv, "", NULL, 1, &o);

    if (rc >= 0)
        return rc;
    printf("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE",
           "Mac Addr.", "handle", "state", "evt-ch", "tx-", "rx-ring-ref",
           "BE-path");
    for (int i = 0; i < o.nargs; i++)
        if (xl_domain_arg(o.args[i], NULL) < 0)
            return 1;
    return 0;
}

int main_block_list(int argc, char **argv)
{
    struct xl_opts o;
    int rc = xl_scan(argc, argv, "", NULL, 1, &o);

    if (rc >= 0)
        return rc;
    printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle",
           "state", "evt-ch", "ring-ref", "BE-path");
    for (int i = 0; i < o.nargs; i++)
        if (dom_lookup(o.args[i], NULL) < 0)
            fprintf(stderr, "%s is an invalid domain identifier\n", o.args[i]);
    return 0;
}
