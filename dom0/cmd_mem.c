/*
 * Memory of domains, through the balloon manager (balloon.h).
 *
 *   xl mem-set DOM SIZE|auto the domain's target (memory/target); auto
 *                            hands it back to the balloon manager
 *   xl mem-max DOM SIZE      its limit (XEN_DOMCTL_max_mem, maxmem)
 *   xl balloon-policy [-r SIZE] [-s on|off] [-H SIZE] [-a on|off]
 *                            the host reserve, shifting idle memory to busy
 *                            guests, the free memory a guest keeps for that,
 *                            whether every domain is managed
 *   xl balloon-status [-w] [-t SECONDS] [-u WHAT[,WHAT...]]
 *                            targets, holdings, ranges, states, free memory;
 *                            -w first waits (30 s, or SECONDS) until every
 *                            domain holds its target, and fails naming those
 *                            that do not; -u (implies -w) counts domains
 *                            in the states named (stuck, uncooperative,
 *                            host-short) as there, and with shifted also
 *                            waits for a round of the manager that shifts
 *                            idle memory to a busy guest
 *
 * SIZE is xl's: a number with an optional unit t, g, m, k or b (MiB when
 * there is none).  As in xl, mem-set takes any target up to maxmem (the
 * guest's balloon driver does what it can) and mem-max any limit not
 * below the target; Domain-0 is ballooned like the others.
 */
#include <stdio.h>
#include <string.h>

#include <guest/time.h>

#include "balloon.h"
#include "cmd_common.h"
#include "xl_cmds.h"

#define WAIT_S 30

static int mem_cmd(int argc, char **argv,
                   int (*set)(domid_t domid, uint64_t kb, FILE *err),
                   const char *what)
{
    struct xl_opts o;
    uint64_t kb = BALLOON_AUTO;
    int domid, rc = xl_scan(argc, argv, "", NULL, 2, &o);

    if (rc >= 0)
        return rc;
    if ((domid = xl_domain_arg(o.args[0], NULL)) < 0)
        return 1;
    if ((set != balloon_mem_set || strcmp(o.args[1], "auto")) &&
        xl_parse_mem_kb(o.args[1], &kb, stderr))
        return 1;
    if (set((domid_t)domid, kb, stderr)) {
        fprintf(stderr, "cannot set domid %d %s memory to : %s\n", domid,
                what, o.args[1]);
        return 1;
    }
    return 0;
}

int main_mem_set(int argc, char **argv)
{
    return mem_cmd(argc, argv, balloon_mem_set, "dynamic max");
}

int main_mem_max(int argc, char **argv)
{
    return mem_cmd(argc, argv, balloon_mem_max, "static max");
}

/* An on|off option; false after a message. */
static bool on_off(const struct xl_opts *o, char opt, bool *val)
{
    const char *s = o->arg[(int)opt];

    if (!o->seen[(int)opt])
        return true;
    if (strcmp(s, "on") && strcmp(s, "off")) {
        fprintf(stderr, "xl balloon-policy: -%c takes on or off, not '%s'\n",
                opt, s);
        return false;
    }
    *val = !strcmp(s, "on");
    return true;
}

int main_balloon_policy(int argc, char **argv)
{
    static const struct xl_longopt longopts[] = {
        { "reserve", true, 'r' }, { "shift-idle", true, 's' },
        { "headroom", true, 'H' }, { "all", true, 'a' },
        { NULL, false, 0 } };
    uint64_t reserve, headroom;
    bool shift, all;
    struct balloon_settings s = { 0 };
    struct xl_opts o;
    int rc = xl_scan(argc, argv, "r:s:H:a:", longopts, 0, &o);

    if (rc >= 0)
        return rc;
    if ((o.seen['r'] && xl_parse_mem_kb(o.arg['r'], &reserve, stderr)) ||
        (o.seen['H'] && xl_parse_mem_kb(o.arg['H'], &headroom, stderr)) ||
        !on_off(&o, 's', &shift) || !on_off(&o, 'a', &all))
        return 1;
    s.reserve_kb = o.seen['r'] ? &reserve : NULL;
    s.shift = o.seen['s'] ? &shift : NULL;
    s.headroom_kb = o.seen['H'] ? &headroom : NULL;
    s.manage_all = o.seen['a'] ? &all : NULL;
    return balloon_policy(&s, stdout, stderr) ? 1 : 0;
}

/* -u's comma-separated words as BALLOON_UNTIL_* flags; false after a
 * message. */
static bool until_arg(const char *s, unsigned int *until)
{
    static const struct { const char *name; unsigned int flag; } words[] = {
        { "stuck", BALLOON_UNTIL_STUCK },
        { "uncooperative", BALLOON_UNTIL_UNCOOP },
        { "host-short", BALLOON_UNTIL_HOST_SHORT },
        { "shifted", BALLOON_UNTIL_SHIFTED },
    };

    for (const char *w = s; *w; w += *w == ',') {
        size_t len = strcspn(w, ","), i;

        for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
            if (strlen(words[i].name) == len && !strncmp(w, words[i].name, len))
                break;
        if (i == sizeof(words) / sizeof(words[0])) {
            fprintf(stderr, "xl balloon-status: -u takes stuck, "
                    "uncooperative, host-short or shifted (comma-separated), "
                    "not '%s'\n", s);
            return false;
        }
        *until |= words[i].flag;
        w += len;
    }
    return true;
}

int main_balloon_status(int argc, char **argv)
{
    static const struct xl_longopt longopts[] = {
        { "wait", false, 'w' }, { "timeout", true, 't' },
        { "until", true, 'u' }, { NULL, false, 0 } };
    unsigned int until = 0;
    unsigned long timeout = WAIT_S;
    struct xl_opts o;
    uint64_t took = 0;
    bool wait;
    int rc = xl_scan(argc, argv, "wt:u:", longopts, 0, &o);

    if (rc >= 0)
        return rc;
    if (o.seen['t'] && (xl_parse_ulong(o.arg['t'], 86400, &timeout) ||
                        !timeout)) {
        fprintf(stderr, "xl balloon-status: invalid timeout: %s\n",
                o.arg['t']);
        return 1;
    }
    if (o.seen['u'] && !until_arg(o.arg['u'], &until))
        return 1;
    wait = o.seen['w'] || o.seen['u'];
    if (wait)
        rc = balloon_wait(timeout * G_NS_PER_SEC, until, &took, stderr);
    balloon_print_status(stdout);
    if (wait && rc)
        return 1;
    if (wait)
        printf("Targets reached in %.3f s\n", (double)took / 1e9);
    return 0;
}
