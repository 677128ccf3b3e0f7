/*
 * dom0's shell: a line editor on the console, a table of built-in
 * commands (cmd_shell.c) and scripts (run=<path> on dom0's command line).
 *
 * Every command is `int fn(int argc, char **argv)` with argv[0] its name
 * and returns a status: 0 for success, 1 for a failure, 2 for a usage
 * error; the shell answers 127 for a command it does not know.
 */
#ifndef DOM0_SHELL_H
#define DOM0_SHELL_H

#include <stddef.h>
#include <stdio.h>

#define SHELL_PROMPT        "xen-lite# "
#define SHELL_LINE_MAX      1024
#define SHELL_ARGS_MAX      64
#define SHELL_STATUS_USAGE  2
#define SHELL_STATUS_UNKNOWN 127

struct shell_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;          /* arguments, after the name */
    const char *help;           /* one line */
};

/* Text builtins for pipes and files (cmd_text.c). */
int cmd_grep(int argc, char **argv);
int cmd_head(int argc, char **argv);
int cmd_tail(int argc, char **argv);
int cmd_wc(int argc, char **argv);

/* The built-in commands (cmd_shell.c). */
extern const struct shell_cmd shell_cmds[];
extern const size_t shell_nr_cmds;

/* Split and run one command line (pipes, > and >>, ;, && and ||, $?:
 * shell_line.c); returns its status (0 for an empty line). */
int shell_run_line(const char *line);
/* The status of the last command line run ($?). */
int shell_last_status(void);
/* What was piped into the command now running, or NULL (not piped). */
FILE *shell_stdin(void);
/* Run one command already split into words (argv[argc] is NULL). */
int shell_run_argv(int argc, char **argv);

/* Prompt, edit and run lines until a command powers off. */
void shell_interactive(void);

/* Run a script from the ramdisk: each line echoed after the prompt, '#'
 * lines skipped, stopping at the first failing command unless its line
 * starts with '-'.  Returns the failing command's status, else 0. */
int shell_run_script(const char *path);

/* The system-call layer (syscalls.c): heap and console input.  Call once,
 * before anything uses newlib.  0, or -XEN_E*. */
int dom0_syscalls_init(void);

#endif /* DOM0_SHELL_H */
