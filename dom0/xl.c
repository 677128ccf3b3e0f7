/*
 * The xl dispatcher: global options, the command table, `xl help` and
 * `xl --version`.  The commands themselves live in dom0/cmd_<area>.c.
 *
 * As in Xen 4.17's xl: a command may be abbreviated to any prefix that
 * names only it; -N is refused by commands that cannot dry-run; help goes
 * to standard output.
 */
#include <stdio.h>
#include <string.h>

#include <guest/guest.h>

#include "xl.h"
#include "xl_cmds.h"

int xl_verbose, xl_dry_run, xl_force;

#define XL_ENTRY(name, fn, flags, usage, help) \
    { name, main_##fn, flags, usage, help },

static const struct xl_cmd xl_cmds[] = {
    XL_COMMANDS(XL_ENTRY)
};

#define NAME_COLUMN 19          /* xl help's first column */

/* ========================================================================== */

const struct xl_cmd *xl_find_cmd(const char *name)
{
    const struct xl_cmd *found = NULL;
    size_t len = strlen(name), matches = 0;

    for (size_t i = 0; i < G_ARRAY_SIZE(xl_cmds); i++) {
        if (strncmp(name, xl_cmds[i].name, len))
            continue;
        if (len == strlen(xl_cmds[i].name))
            return &xl_cmds[i];         /* exact, even if a prefix of more */
        found = &xl_cmds[i];
        matches++;
    }
    return matches == 1 ? found : NULL;
}

static void list_commands(void)
{
    printf("Usage xl [-vfNtT] <subcommand> [args]\n\n");
    printf("xl full list of subcommands:\n\n");
    for (size_t i = 0; i < G_ARRAY_SIZE(xl_cmds); i++) {
        const char *help = xl_cmds[i].help;

        printf(" %-*s ", NAME_COLUMN, xl_cmds[i].name);
        if (strlen(xl_cmds[i].name) > NAME_COLUMN)
            printf("\n %-*s ", NAME_COLUMN, "");
        printf("%.*s\n", (int)strcspn(help, "\n"), help);
    }
}

void xl_command_help(const struct xl_cmd *cmd)
{
    const char *help = cmd->help;
    int len = (int)strcspn(help, "\n");

    printf("Usage: xl [-vtT%s%s] %s %s\n\n%.*s.\n\n",
           cmd->flags & XL_MODIFIES ? "f" : "",
           cmd->flags & XL_DRYRUN ? "N" : "", cmd->name, cmd->usage, len,
           help);
    if (help[len])
        printf("Options:\n\n%s\n", help + len + 1);
}

int main_help(int argc, char **argv)
{
    const struct xl_cmd *cmd;

    if (argc < 2 || !strcmp(argv[1], "help")) {
        list_commands();
        return 0;
    }
    if ((cmd = xl_find_cmd(argv[1])))
        xl_command_help(cmd);
    else
        printf("command \"%s\" not implemented\n", argv[1]);
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

/* Global options before the command (xl's "+vftTN"); index of the
 * command, or -1 after a message. */
static int global_options(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] &&
                argv[i][1] != '-'; i++) {
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'v')
                xl_verbose++;
            else if (*o == 'N')
                xl_dry_run = 1;
            else if (*o == 'f')
                xl_force = 1;
            else if (*o != 't' && *o != 'T') {
                fprintf(stderr, "unknown global option\n");
                return -1;
            }
        }
    }
    if (i < argc && !strcmp(argv[i], "--"))
        i++;
    return i;
}

int xl_main(int argc, char **argv)
{
    const struct xl_cmd *cmd;
    int first;

    xl_verbose = xl_dry_run = xl_force = 0;
    first = global_options(argc, argv);
    if (first < 0)
        return 1;
    if (first == argc) {
        list_commands();
        return 1;
    }
    if (!strcmp(argv[first], "help"))
        return main_help(argc - first, argv + first);
    cmd = xl_find_cmd(argv[first]);
    if (!cmd) {
        fprintf(stderr, "command not implemented\n"
                "Run 'xl help' for the list of commands.\n");
        return 1;
    }
    if (xl_dry_run && !(cmd->flags & XL_DRYRUN)) {
        fprintf(stderr, "command does not implement -N (dryrun) option\n");
        return 1;
    }
    return cmd->main(argc - first, argv + first);
}
