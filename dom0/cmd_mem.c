/*
 * Memory of domains, through the balloon manager (balloon.h).
 *
 *   xl mem-set DOM SIZE      the domain's target (memory/target)
 *   xl mem-max DOM SIZE      its limit (XEN_DOMCTL_max_mem, maxmem)
 *   xl balloon-policy [-r SIZE] [-s on|off] [-H SIZE]
 *                            the host reserve, shifting idle memory to busy
 *                            guests, the free memory a guest keeps for that
 *   xl balloon-status [-w]   targets, holdings, ranges, states, free memory;
 *                            -w first waits (up to 30 s) until every domain
 *                            followed holds its target
 *
 * SIZE is xl's: a number with an optional unit t, g, m, k or b (MiB when
 * there is none).  mem-set below the domain's memory_min or above its
 * maxmem is refused, as is more than the host can give; mem-max below
 * memory_min is refused.  Domain-0 is not ballooned by dom0.
 */
#include <stdio.h>
#include <string.h>

#include "balloon.h"
#include "cmd_common.h"
#include "xl_cmds.h"

static int mem_cmd(int argc, char **argv,
                   int (*set)(domid_t domid, uint64_t kb, FILE *err))
{
    struct xl_opts o;
    uint64_t kb;
    int domid, rc = xl_scan(argc, argv, "", NULL, 2, &o);

    if (rc >= 0)
        return rc;
    if ((domid = xl_domain_arg(o.args[0], argv[0])) < 0 ||
        xl_parse_mem_kb(o.args[1], &kb, stderr))
        return 1;
    return set((domid_t)domid, kb, stderr) ? 1 : 0;
}

int main_mem_set(int argc, char **argv)
{
    return mem_cmd(argc, argv, balloon_mem_set);
}

int main_mem_max(int argc, char **argv)
{
    return mem_cmd(argc, argv, balloon_mem_max);
}

int main_balloon_policy(int argc, char **argv)
{
    static const struct xl_longopt longopts[] = {
        { "reserve", true, 'r' }, { "shift-idle", true, 's' },
        { "headroom", true, 'H' }, { NULL, false, 0 } };
    uint64_t reserve, headroom;
    bool shift;
    struct xl_opts o;
    int rc = xl_scan(argc, argv, "r:s:H:", longopts, 0, &o);

    if (rc >= 0)
        return rc;
    if ((o.seen['r'] && xl_parse_mem_kb(o.arg['r'], &reserve, stderr)) ||
        (o.seen['H'] && xl_parse_mem_kb(o.arg['H'], &headroom, stderr)))
        return 1;
    if (o.seen['s'] && strcmp(o.arg['s'], "on") && strcmp(o.arg['s'], "off")) {
        fprintf(stderr, "xl balloon-policy: -s takes on or off, not '%s'\n",
                o.arg['s']);
        return 1;
    }
    shift = o.seen['s'] && !strcmp(o.arg['s'], "on");
    return balloon_policy(o.seen['r'] ? &reserve : NULL,
                          o.seen['s'] ? &shift : NULL,
                          o.seen['H'] ? &headroom : NULL, stdout, stderr)
               ? 1 : 0;
}

#define WAIT_NS (30ull * 1000 * 1000 * 1000)

int main_balloon_status(int argc, char **argv)
{
    static const struct xl_longopt longopts[] = { { "wait", false, 'w' },
                                                  { NULL, false, 0 } };
    struct xl_opts o;
    int64_t took = 0;
    int rc = xl_scan(argc, argv, "w", longopts, 0, &o);

    if (rc >= 0)
        return rc;
    if (o.seen['w'])
        took = balloon_wait(WAIT_NS);
    balloon_print_status(stdout);
    if (o.seen['w'] && took < 0) {
        printf("Targets not reached after %llu s\n",
               (unsigned long long)(WAIT_NS / 1000000000ull));
        return 1;
    }
    if (o.seen['w'])
        printf("Targets reached in %.3f s\n", (double)took / 1e9);
    return 0;
}
