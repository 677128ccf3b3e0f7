/*
 * The shell: running a built-in command, the line editor of the
 * interactive prompt, and scripts.  A line's words, pipes, redirections,
 * && and || are shell_line.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shell.h"

/* Control keys of the line editor. */
#define KEY_CTRL_C    0x03
#define KEY_BACKSPACE 0x08
#define KEY_CTRL_U    0x15
#define KEY_ESCAPE    0x1b
#define KEY_DELETE    0x7f

/* ---- Commands ---------------------------------------------------------- */

static const struct shell_cmd *find_cmd(const char *name)
{
    size_t i;

    for (i = 0; i < shell_nr_cmds; i++)
        if (strcmp(shell_cmds[i].name, name) == 0)
            return &shell_cmds[i];
    return NULL;
}

int shell_run_argv(int argc, char **argv)
{
    const struct shell_cmd *cmd = find_cmd(argv[0]);
    int status;

    if (!cmd) {
        fprintf(stderr, "%s: command not found (try 'help')\n", argv[0]);
        return SHELL_STATUS_UNKNOWN;
    }
    optind = 0;                 /* newlib's getopt starts afresh */
    status = cmd->fn(argc, argv);
    fflush(stdout);
    fflush(stderr);
    return status;
}

/* ---- The line editor ---------------------------------------------------- */

static char input[64];
static size_t input_len, input_pos;

/* The next byte typed; shows pending output first. */
static int get_key(void)
{
    while (input_pos == input_len) {
        int n;

        fflush(stdout);
        n = read(STDIN_FILENO, input, sizeof(input));
        if (n < 0)
            return -1;
        input_len = (size_t)n;
        input_pos = 0;
    }
    return (unsigned char)input[input_pos++];
}

/* Swallow the rest of an escape sequence (arrow keys and the like):
 * ESC [ params final, ESC O final, or ESC and one character. */
static void skip_escape(void)
{
    int c = get_key();

    if (c != '[' && c != 'O')
        return;
    do
        c = get_key();
    while (c >= 0 && !(c >= 0x40 && c <= 0x7e));
}

static void erase_chars(size_t n)
{
    while (n--)
        fputs("\b \b", stdout);
}

/* Edit one line; true when Enter ends it, false for Ctrl-C (or no
 * input). */
static bool read_line(char *line, size_t size)
{
    static bool after_cr;
    size_t len = 0;

    for (;;) {
        int c = get_key();

        if (c < 0)
            return false;
        if (c == '\n' && after_cr) {    /* CR LF is one Enter */
            after_cr = false;
            continue;
        }
        after_cr = c == '\r';
        if (c == '\r' || c == '\n') {
            fputc('\n', stdout);
            line[len] = '\0';
            return true;
        } else if (c == KEY_BACKSPACE || c == KEY_DELETE) {
            if (len) {
                len--;
                erase_chars(1);
            }
        } else if (c == KEY_CTRL_U) {
            erase_chars(len);
            len = 0;
        } else if (c == KEY_CTRL_C) {
            fputs("^C\n", stdout);
            return false;
        } else if (c == KEY_ESCAPE) {
            skip_escape();
        } else if (isprint(c) && len + 1 < size) {
            line[len++] = (char)c;
            fputc(c, stdout);
        }
    }
}

void shell_interactive(void)
{
    char line[SHELL_LINE_MAX];

    for (;;) {
        fputs(SHELL_PROMPT, stdout);
        if (read_line(line, sizeof(line)))
            shell_run_line(line);
    }
}

/* ---- Scripts ------------------------------------------------------------ */

/* Strip the line end and trailing blanks; returns the first non-blank. */
static char *trim(char *s)
{
    size_t len = strlen(s);

    while (len && isspace((unsigned char)s[len - 1]))
        s[--len] = '\0';
    while (isblank((unsigned char)*s))
        s++;
    return s;
}

/* One script line; returns the status that ends the script, or 0. */
static int script_line(const char *path, int lineno, char *text)
{
    bool tolerant = text[0] == '-';
    int status;

    printf(SHELL_PROMPT "%s\n", text);
    status = shell_run_line(tolerant ? text + 1 : text);
    if (status == 0 || tolerant)
        return 0;
    printf("run: %s:%d: status %d, stopping\n", path, lineno, status);
    return status;
}

int shell_run_script(const char *path)
{
    char line[SHELL_LINE_MAX];
    FILE *f = fopen(path, "r");
    int lineno = 0, status = 0;

    if (!f) {
        fprintf(stderr, "run: %s: %s\n", path, strerror(errno));
        return 1;
    }
    while (status == 0 && fgets(line, sizeof(line), f)) {
        char *text;

        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            fprintf(stderr, "run: %s:%d: line too long\n", path, lineno);
            status = SHELL_STATUS_USAGE;
            break;
        }
        text = trim(line);
        if (text[0] != '\0' && text[0] != '#')
            status = script_line(path, lineno, text);
    }
    fclose(f);
    return status;
}
