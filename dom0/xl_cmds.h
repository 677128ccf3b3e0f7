/*
 * The xl command table, shared by the dispatcher (xl.c) and the command
 * files (cmd_<area>.c), which get their main_<fn> prototypes from it.
 */
#ifndef DOM0_XL_CMDS_H
#define DOM0_XL_CMDS_H

/*
 * ==========================================================================
 * THE XL COMMAND TABLE -- one line per command:
 *
 *     X("name", fn, "usage", "help")
 *
 * declares `int main_<fn>(int argc, char **argv)` (defined in some
 * dom0/cmd_<area>.c) and lists it under "name".  'xl help' prints the
 * commands in this order.  The help's first line is the summary; further
 * lines (after "\n") are shown by 'xl help name'.
 * ==========================================================================
 */
#define XL_COMMANDS(X)                                                      \
    X("help", help, "[command]", "Print the list of commands, or help on one") \
    X("--version", version, "", "Print the versions of xl and the hypervisor") \
    X("create", create, "[-c] [-p] [-n] <ConfigFile> [key=value ...]", \
      "Create a domain from a config file\n" \
      "  -c  attach to its console after creating it\n" \
      "  -p  leave it paused\n" \
      "  -n  dry run: print the resulting configuration") \
    X("destroy", destroy, "<Domain>", "Terminate a domain immediately") \
    /* add new commands above this line */

#define XL_DECLARE(name, fn, usage, help) int main_##fn(int argc, char **argv);
XL_COMMANDS(XL_DECLARE)

#endif
