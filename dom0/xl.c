/*
 * The xl dispatcher: global options, the command table, `xl help` and
 * `xl --version`.  The commands themselves live in dom0/cmd_<area>.c.
 */
#include <stdio.h>
#include <string.h>

#include <guest/guest.h>

#include "xl.h"

int xl_verbose, xl_dry_run, xl_force;

#include "xl_cmds.h"

#define XL_ENTRY(name, fn, usage, help) { name, main_##fn, usage, help },

static const struct xl_cmd xl_cmds[] = {
    XL_COMMANDS(XL_ENTRY)
};

/* ========================================================================== */

const struct xl_cmd *xl_find_cmd(const char *name)
{
    size_t i;

    for (i = 0; i < G_ARRAY_SIZE(xl_cmds); i++)
        if (strcmp(xl_cmds[i].name, name) == 0)
            return &xl_cmds[i];
    return NULL;
}

static void list_commands(void)
{
    size_t i;

    printf("Usage xl [-vfN] <subcommand> [args]\n\n");
    printf("xl full list of subcommands:\n\n");
    for (i = 0; i < G_ARRAY_SIZE(xl_cmds); i++) {
        const char *help = xl_cmds[i].help;
        int len = (int)strcspn(help, "\n");

        printf(" %-19s %.*s\n", xl_cmds[i].name, len, help);
    }
    printf("\n");
}

static void command_help(const struct xl_cmd *cmd)
{
    const char *help = cmd->help;
    int len = (int)strcspn(help, "\n");

    printf("Usage: xl [-v] %s %s\n\n%.*s.\n", cmd->name, cmd->usage, len,
           help);
    if (help[len])
        printf("\n%s\n", help + len + 1);
}

int main_help(int argc, char **argv)
{
    const struct xl_cmd *cmd;

    if (argc < 2) {
        list_commands();
        return 0;
    }
    cmd = xl_find_cmd(argv[1]);
    if (!cmd) {
        fprintf(stderr, "command '%s' not implemented\n", argv[1]);
        return 1;
    }
    command_help(cmd);
    return 0;
}

int main_version(int argc, char **argv)
{
    xen_extraversion_t extra;
    long v = hc_xen_version(XENVER_version, NULL);

    memset(extra, 0, sizeof(extra));
    if (v < 0 || hc_xen_version(XENVER_extraversion, extra) < 0) {
        fprintf(stderr, "xl: cannot read the hypervisor version (%ld)\n", v);
        return 1;
    }
    extra[sizeof(extra) - 1] = '\0';
    printf("xl (xen-lite dom0), hypervisor %ld.%ld%s\n", v >> 16, v & 0xffff,
           extra);
    return 0;
}

/* Global options before the command; index of the command, or -1. */
static int global_options(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] &&
                strcmp(argv[i], "--version") != 0; i++) {
        const char *o;

        for (o = argv[i] + 1; *o; o++) {
            if (*o == 'v')
                xl_verbose++;
            else if (*o == 'N')
                xl_dry_run = 1;
            else if (*o == 'f')
                xl_force = 1;
            else if (*o != 't' && *o != 'T') {
                fprintf(stderr, "xl: invalid option -- '%c'\n", *o);
                return -1;
            }
        }
    }
    return i;
}

int xl_main(int argc, char **argv)
{
    const struct xl_cmd *cmd;
    int first;

    xl_verbose = xl_dry_run = xl_force = 0;
    first = global_options(argc, argv);
    if (first < 0 || first == argc) {
        list_commands();
        return 1;
    }
    cmd = xl_find_cmd(argv[first]);
    if (!cmd) {
        fprintf(stderr, "command not implemented\n"
                "Run 'xl help' for the list of commands.\n");
        return 1;
    }
    return cmd->main(argc - first, argv + first);
}
