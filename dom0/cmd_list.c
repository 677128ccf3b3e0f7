/*
 * Looking at domains: xl list, xl vm-list, xl uptime and xl top.
 *
 *   xl list [-l] [-v] [DOM ...]
 *   xl vm-list
 *   xl uptime [-s] [DOM ...]
 *   xl top [-b] [-i N] [-d SECONDS]
 *
 * Every figure comes from the hypervisor (getdomaininfo); names, and the
 * time each domain was created, from dom0's table of domains.  list -l
 * prints the configurations of the domains dom0 built as JSON, with what
 * has changed since (name, memory, vCPUs online, credit), as xl does;
 * Domain-0 has no stored configuration and is left out, as in xl.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <guest/guest.h>
#include <guest/time.h>

#include "cmd_common.h"
#include "xl_cmds.h"
#include "xlfmt.h"
#include "xljson.h"
#include "xlstate.h"
#include "xsd.h"

/* A domain argument: a number is an id as it stands (as in xl, the
 * hypervisor then says whether it exists); a name must be one dom0 knows. */
static int domain_arg(const char *s)
{
    unsigned long id;

    if (xl_parse_ulong(s, DOMID_FIRST_RESERVED - 1, &id) == 0)
        return (int)id;
    return dom_lookup(s, stderr);
}

/* The rows of the domains named in args (all of them if none); NULL
 * after a message.  *n rows. */
static struct xl_dominfo *gather(char **args, int nargs, unsigned int *n)
{
    unsigned int count = 0, i;
    xc_dominfo_t *raw = nargs ? malloc(nargs * sizeof(*raw))
                              : xl_list_domains(&count);
    struct xl_dominfo *rows = NULL;

    for (i = 0; raw && i < (unsigned int)nargs; i++, count++) {
        int domid = domain_arg(args[i]);

        if (domid < 0 || !xl_domain_info((domid_t)domid, args[i], &raw[i]))
            goto out;
    }
    if (!raw || !(rows = calloc(count ? count : 1, sizeof(*rows))))
        goto out;
    for (i = 0; i < count; i++)
        xlstate_dominfo(&raw[i], xl_domain_name(raw[i].domain), &rows[i]);
    *n = count;
out:
    free(raw);
    return rows;
}

/* A KiB figure from the domain's memory/ in xenstore, or dflt. */
static uint64_t store_kib(domid_t domid, const char *key, uint64_t dflt)
{
    char buf[32], *end;
    unsigned long long v;

    if (xsd_domain_read(domid, key, buf, sizeof(buf)) <= 0)
        return dflt;
    v = strtoull(buf, &end, 10);
    return *end ? dflt : v;
}

/* The vCPUs of the domain that are up, as a bitmap. */
static uint64_t online_vcpus(domid_t domid, unsigned int max_vcpus)
{
    uint64_t map = 0;

    for (unsigned int v = 0; v < max_vcpus && v < 64; v++) {
        struct xen_domctl_getvcpuinfo vi;

        if (!xc_vcpu_info(domid, v, &vi) && vi.online)
            map |= 1ull << v;
    }
    return map;
}

/* One domain of xl list -l (nothing for one without a configuration). */
static void long_entry(struct xljson *j, const struct xl_dominfo *row)
{
    const struct dom *d = dom_find((domid_t)row->domid);
    struct xljson_live live;
    unsigned int weight = 0, cap = 0;

    if (!d || !d->cfg)
        return;
    xc_sched_credit_get((domid_t)row->domid, &weight, &cap);
    live = (struct xljson_live){
        .domid = row->domid, .name = d->name, .uuid = row->uuid,
        .max_memkb = store_kib((domid_t)row->domid, "memory/static-max",
                               d->cfg->maxmem_mb * 1024),
        .target_memkb = store_kib((domid_t)row->domid, "memory/target",
                                  d->cfg->memory_mb * 1024),
        .online_vcpus = online_vcpus((domid_t)row->domid, row->max_vcpus),
        .weight = weight, .cap = cap,
    };
    xljson_domain(j, d->cfg, &live);
}

static void list_long(const struct xl_dominfo *rows, unsigned int n)
{
    struct xljson j;

    xljson_init(&j, stdout);
    xljson_array_open(&j);
    for (unsigned int i = 0; i < n; i++)
        long_entry(&j, &rows[i]);
    xljson_array_close(&j);
    putchar('\n');                      /* xl puts() what yajl made */
}

int main_list(int argc, char **argv)
{
    static const struct xl_longopt longopts[] = {
        { "long", false, 'l' }, { "verbose", false, 'v' },
        { NULL, false, 0 },
    };
    struct xl_dominfo *rows;
    struct xl_opts o;
    unsigned int n;
    int rc = xl_scan(argc, argv, "lv", longopts, 0, &o);

    if (rc >= 0)
        return rc;
    if (o.nargs > 1)
        return xl_help_status(argv[0], 1);
    if (!(rows = gather(o.args, o.nargs, &n)))
        return 1;
    if (o.seen['l'])
        list_long(rows, n);
    else
        xlfmt_list(stdout, rows, n, o.seen['v']);
    free(rows);
    return 0;
}

/* ---- xl vm-list ---- */

int main_vm_list(int argc, char **argv)
{
    struct xl_dominfo *rows;
    struct xl_opts o;
    unsigned int n;
    int rc = xl_scan(argc, argv, "", NULL, 0, &o);

    if (rc >= 0)
        return rc;
    if (!(rows = gather(NULL, 0, &n)))
        return 1;
    printf("UUID                                  ID    name\n");
    /* Domain-0 too: libxl_list_vm leaves out only stub domains, whatever
     * xl's help says. */
    for (unsigned int i = 0; i < n; i++) {
        xlfmt_uuid(stdout, rows[i].uuid);
        printf("  %u    %-30s\n", rows[i].domid, rows[i].name);
    }
    free(rows);
    return 0;
}

/* ---- xl uptime ---- */

/* Seconds since the domain was created (since boot for Domain-0: system
 * time counts from the hypervisor's start). */
static uint64_t uptime_of(domid_t domid, uint64_t now_ns)
{
    struct dom *d = dom_find(domid);
    uint64_t since = d && domid ? d->created_ns : 0;

    return now_ns > since ? (now_ns - since) / G_NS_PER_SEC : 0;
}

static void now_hms(char *buf, size_t size)
{
    struct timeval tv;
    time_t t;

    gettimeofday(&tv, NULL);
    t = tv.tv_sec;
    strftime(buf, size, "%H:%M:%S", gmtime(&t));
}

int main_uptime(int argc, char **argv)
{
    struct xl_dominfo *rows;
    struct xl_uptime *up;
    struct xl_opts o;
    uint64_t now = g_now_ns();
    unsigned int n;
    char hms[16];
    int rc = xl_scan(argc, argv, "s", NULL, 0, &o);

    if (rc >= 0)
        return rc;
    if (!(rows = gather(o.args, o.nargs, &n)))
        return 1;
    if (!(up = calloc(n ? n : 1, sizeof(*up)))) {
        free(rows);
        return 1;
    }
    for (unsigned int i = 0; i < n; i++)
        up[i] = (struct xl_uptime){ rows[i].name, rows[i].domid,
                                    uptime_of((domid_t)rows[i].domid, now) };
    if (o.seen['s']) {
        now_hms(hms, sizeof(hms));
        xlfmt_uptime_short(stdout, up, n, hms);
    } else {
        xlfmt_uptime(stdout, up, n);
    }
    free(up);
    free(rows);
    return 0;
}

/* ---- xl top ---- */

/* Typed input ends an interactive xl top. */
static bool key_pressed(void)
{
    char c;

    return hc_console_io(CONSOLEIO_read, 1, &c) > 0;
}

/* Wait delay_s, or less if a key ends an interactive run. */
static bool top_wait(uint64_t delay_s, bool batch)
{
    uint64_t until = g_now_ns() + delay_s * G_NS_PER_SEC;

    while (g_now_ns() < until) {
        uint64_t step = g_now_ns() + G_NS_PER_SEC / 10;

        dom0_idle(step < until ? step : until);
        if (!batch && key_pressed())
            return false;
    }
    return true;
}

static uint64_t host_kb(void)
{
    struct xen_sysctl_physinfo pi;

    return xc_physinfo(&pi) ? 0 : pi.total_pages * XLSTATE_PAGE_KB;
}

int main_top(int argc, char **argv)
{
    struct xl_top_args a;
    struct xl_dominfo *prev = NULL, *rows;
    unsigned int nprev = 0, n;
    uint64_t total_kb = host_kb(), last = 0;
    int rc = xl_parse_top_args(argc, argv, &a, stderr);

    if (rc)
        return xl_parse_status(argv[0], rc);
    for (unsigned long i = 0; !a.iterations || i < a.iterations; i++) {
        uint64_t now;

        if (i && !top_wait(a.delay_s, a.batch))
            break;
        now = g_now_ns();
        if (!(rows = gather(NULL, 0, &n)))
            break;
        if (!a.batch)
            fputs("\033[H\033[2J", stdout);     /* home, clear the screen */
        xlfmt_top(stdout, rows, n, prev, nprev, now - last, total_kb);
        fflush(stdout);
        free(prev);
        prev = rows;
        nprev = n;
        last = now;
    }
    free(prev);
    return 0;
}
