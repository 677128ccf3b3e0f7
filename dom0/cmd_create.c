/*
 * xl create and xl destroy.
 *
 *   xl create [-c] [-p] [-n] FILE [KEY=VALUE ...]
 *   xl destroy DOM
 *
 * create parses FILE (messages name the file and line), applies the
 * overrides, checks the result, and builds the domain; -n prints the
 * resulting configuration instead, -p leaves it paused, -c attaches to its
 * console.  A failure leaves nothing behind.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom.h"
#include "ramfs.h"
#include "xl.h"
#include "xl_cmds.h"
#include "xlargs.h"
#include "xlcfg.h"
#include "xlfmt.h"

static int read_config(struct xlcfg *cfg, const char *file)
{
    FILE *f = fopen(file, "r");
    int rc;

    if (!f) {
        fprintf(stderr, "Failed to read config file: %s: %s\n", file, strerror(errno));
        return -1;
    }
    rc = xlcfg_parse_stream(cfg, file, f, stderr);
    fclose(f);
    return rc ? -1 : 0;
}

int main_create(int argc, char **argv)
{
    struct xl_create_args a;
    struct xlcfg *cfg = calloc(1, sizeof(*cfg));
    domid_t domid;
    int rc = xl_parse_create_args(argc, argv, &a, stderr);

    if (rc || !cfg || !a.file) {
        free(cfg);
        if (!rc && !a.file)
            fprintf(stderr, "xl create: a configuration file is required\n");
        return rc == XL_OPT_HELP ? 0 : 1;
    }
    xlcfg_init(cfg);
    if (!a.quiet)
        fprintf(stderr, "Parsing config from %s\n", a.file);
    if (read_config(cfg, a.file) ||
        xlcfg_apply_overrides(cfg, a.noverrides, a.overrides, stderr) ||
        xlcfg_check(cfg, stderr))
        goto fail;
    if (a.dryrun) {
        xlfmt_config(stdout, cfg);
        xlcfg_free(cfg);
        free(cfg);
        return 0;
    }
    if (dom_create(cfg, a.paused, &domid, stderr))
        goto fail;                      /* nothing is left behind */
    if (a.console)
        dom_console_attach(domid, stderr);
    return 0;
fail:
    xlcfg_free(cfg);
    free(cfg);
    return 1;
}

int main_destroy(int argc, char **argv)
{
    int domid;

    if (argc != 2) {
        fprintf(stderr, "Usage: xl destroy <Domain>\n");
        return 1;
    }
    domid = dom_lookup(argv[1], stderr);
    if (domid < 0)
        return 1;
    return dom_destroy((domid_t)domid, stderr) ? 1 : 0;
}
