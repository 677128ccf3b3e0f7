/*
 * xl create and xl destroy.
 *
 *   xl create [-c] [-p] [-n] [-q] FILE [KEY=VALUE ...]
 *   xl destroy [-f] DOM
 *
 * create reads FILE, parses it (messages name the file and line), applies
 * the overrides, checks the result, and builds the domain; -n (or xl's
 * global -N) prints the resulting configuration as xl does, in JSON,
 * instead; -p leaves it paused, -c attaches to its console.  A failure
 * leaves nothing behind.  Exit statuses are xl's: 1 for a configuration
 * that cannot be used, 3 (libxl's ERROR_FAIL) when the file cannot be
 * read or the domain cannot be built.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_common.h"
#include "dom.h"
#include "xl.h"
#include "xl_cmds.h"
#include "xlargs.h"
#include "xlcfg.h"
#include "xljson.h"

#define EXIT_FAIL   3                   /* -ERROR_FAIL, as xl exits */

/* Parse the opened file and the overrides, and check the result. */
static int parse(struct xlcfg *cfg, const struct xl_create_args *a, FILE *f)
{
    int rc = xlcfg_parse_stream(cfg, a->file, f, stderr);

    fclose(f);
    if (rc || xlcfg_apply_overrides(cfg, a->noverrides, a->overrides, stderr) ||
        xlcfg_check(cfg, stderr))
        return 1;
    return 0;
}

/* cpus= and cpus_soft= against the CPUs this host has; 1 after a
 * message (once, before anything is built). */
static int check_affinities(const struct xlcfg *cfg)
{
    struct xen_sysctl_physinfo pi;
    struct xl_cpumap map;

    if (xc_physinfo(&pi))
        return 0;                       /* the builder will say */
    for (unsigned int v = 0; v < cfg->maxvcpus; v++)
        if (xlcfg_vcpu_affinity(cfg, v, pi.nr_cpus, &map, stderr) < 0 ||
            xlcfg_vcpu_soft_affinity(cfg, v, pi.nr_cpus, &map, stderr) < 0)
            return 1;
    return 0;
}

static void dry_run(const struct xlcfg *cfg)
{
    uint8_t uuid[16];

    if (cfg->has_uuid)
        memcpy(uuid, cfg->uuid, sizeof(uuid));
    else
        dom_new_uuid(uuid);
    xljson_config(stdout, cfg, uuid);
}

static int create(const struct xl_create_args *a, struct xlcfg *cfg)
{
    FILE *f = fopen(a->file, "r");
    domid_t domid;

    if (!f) {
        fprintf(stderr, "Failed to read config file: %s: %s\n", a->file,
                strerror(errno));
        return EXIT_FAIL;
    }
    if (!a->quiet)
        fprintf(stderr, "Parsing config from %s\n", a->file);
    if (parse(cfg, a, f) || check_affinities(cfg))
        return 1;
    if (a->dryrun || xl_dry_run) {
        dry_run(cfg);
        return 0;
    }
    if (dom_create(cfg, a->paused, &domid, stderr))
        return EXIT_FAIL;               /* nothing is left behind */
    if (a->console)
        dom_console_attach(domid, stderr);
    return 0;
}

int main_create(int argc, char **argv)
{
    struct xl_create_args a;
    struct xlcfg *cfg;
    int rc = xl_parse_create_args(argc, argv, &a, stderr);

    if (rc)
        return xl_parse_status(argv[0], rc);
    if (!(cfg = calloc(1, sizeof(*cfg))))
        return EXIT_FAIL;
    xlcfg_init(cfg);
    rc = create(&a, cfg);
    if (rc || a.dryrun || xl_dry_run) {   /* a built domain keeps its cfg */
        xlcfg_free(cfg);
        free(cfg);
    }
    return rc;
}

int main_destroy(int argc, char **argv)
{
    struct xl_opts o;
    int domid, rc = xl_scan(argc, argv, "f", NULL, 1, &o);

    if (rc >= 0)
        return rc;
    if ((domid = xl_domain_arg(o.args[0], NULL)) < 0)
        return 1;
    if (domid == 0 && !o.seen['f']) {
        fprintf(stderr, "Not destroying domain 0; use -f to force.\n"
                "This can only be done when using a disaggregated hardware "
                "domain and toolstack.\n\n");
        return 1;
    }
    if (dom_destroy((domid_t)domid, stderr)) {
        fprintf(stderr, "destroy failed (rc=%d)\n", -EXIT_FAIL);
        return 1;
    }
    return 0;
}
