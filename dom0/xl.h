/*
 * xl, the domain management command, as in Xen: `xl [-vfNtT] <command>
 * [args]`.  Each command is a `main_<name>(argc, argv)` function in
 * dom0/cmd_<area>.c with argv[0] the command's name; it returns 0 on
 * success and non-zero (usually 1) after printing an error in xl's style.
 * Commands may use getopt(): the dispatcher resets it.
 *
 * Adding a command is one line in the XL_COMMANDS table in xl_cmds.h.
 */
#ifndef DOM0_XL_H
#define DOM0_XL_H

/* Global options given before the command. */
extern int xl_verbose;          /* -v, repeatable */
extern int xl_dry_run;          /* -N */
extern int xl_force;            /* -f */

struct xl_cmd {
    const char *name;
    int (*main)(int argc, char **argv);
    unsigned int flags;         /* XL_DRYRUN, XL_MODIFIES (xl_cmds.h) */
    const char *usage;          /* arguments, after the name */
    const char *help;           /* first line: one-line summary; the rest,
                                   if any: option details for 'xl help X' */
};

/* `xl ...` from the shell: argv[0] is "xl". */
int xl_main(int argc, char **argv);

/* The command table entry for name (or a prefix of only its name), or
 * NULL. */
const struct xl_cmd *xl_find_cmd(const char *name);

/* A command's usage, description and options, on standard output. */
void xl_command_help(const struct xl_cmd *cmd);

#endif /* DOM0_XL_H */
