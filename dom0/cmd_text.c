/*
 * The shell's text builtins, for the ends of pipes and for files:
 *
 *   grep [-vicqnEF] [-e] PATTERN [FILE...]
 *   head [-n N | -N] [FILE...]        tail [-n [+]N | -N] [FILE...]
 *   wc [-lwc] [FILE...]
 *
 * With no FILE they read what was piped in (shell_stdin()); there is no
 * terminal to read from otherwise.  grep's patterns are textmatch.h's.
 * Statuses are the tools': grep 0 when a line was selected, 1 when none,
 * 2 for an error; tail -n +N prints from line N on.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"
#include "textmatch.h"

#define DEFAULT_LINES 10

/* ---- Reading lines ------------------------------------------------------ */

/* The next line of f without its newline, in *buf (grown as needed);
 * false at the end. */
static bool next_line(FILE *f, char **buf, size_t *cap)
{
    size_t n = 0;
    int c;

    while ((c = fgetc(f)) != EOF && c != '\n') {
        if (n + 2 > *cap) {
            size_t bigger = *cap ? *cap * 2 : 256;
            char *b = realloc(*buf, bigger);

            if (!b)
                break;
            *buf = b;
            *cap = bigger;
        }
        (*buf)[n++] = (char)c;
    }
    if (c == EOF && n == 0)
        return false;
    if (!*buf && !(*buf = malloc(*cap = 256)))
        return false;
    (*buf)[n] = '\0';
    return true;
}

typedef int (*text_fn)(FILE *in, const char *name, void *state);

/* Run fn over each file of args (or the piped input); the worst status,
 * 2 for a file that cannot be read or no input at all. */
static int each_input(const char *tool, int nargs, char **args, text_fn fn,
                      void *state)
{
    int status = 0;

    if (!nargs) {
        if (shell_stdin())
            return fn(shell_stdin(), NULL, state);
        fprintf(stderr, "%s: no input: give a file, or pipe into it\n", tool);
        return SHELL_STATUS_USAGE;
    }
    for (int i = 0; i < nargs; i++) {
        FILE *f = fopen(args[i], "r");
        int rc;

        if (!f) {
            fprintf(stderr, "%s: %s: %s\n", tool, args[i], strerror(errno));
            status = SHELL_STATUS_USAGE;
            continue;
        }
        rc = fn(f, args[i], state);
        fclose(f);
        status = rc > status ? rc : status;
    }
    return status;
}

/* ---- grep --------------------------------------------------------------- */

struct grep {
    struct textmatch pat;
    bool invert, count, quiet, number, names;
    unsigned long selected;
};

static int grep_file(FILE *in, const char *name, void *state)
{
    struct grep *g = state;
    unsigned long here = 0, lineno = 0;
    size_t cap = 0;
    char *line = NULL;

    while (next_line(in, &line, &cap)) {
        lineno++;
        if (textmatch(&g->pat, line) == g->invert)
            continue;
        here++;
        if (g->quiet || g->count)
            continue;
        if (g->names)
            printf("%s:", name);
        if (g->number)
            printf("%lu:", lineno);
        printf("%s\n", line);
    }
    free(line);
    if (g->count)
        g->names ? printf("%s:%lu\n", name, here) : printf("%lu\n", here);
    g->selected += here;
    return 0;
}

int cmd_grep(int argc, char **argv)
{
    struct grep g = { 0 };
    int i = 1;

    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "-e") || !strcmp(argv[i], "--")) {
            i += !strcmp(argv[i], "--") ? 1 : 0;
            break;
        }
        for (const char *o = argv[i] + 1; *o; o++) {
            switch (*o) {
            case 'v': g.invert = true; break;
            case 'i': g.pat.icase = true; break;
            case 'c': g.count = true; break;
            case 'q': g.quiet = true; break;
            case 'n': g.number = true; break;
            case 'E': g.pat.extended = true; break;
            case 'F': g.pat.fixed = true; break;
            default:
                fprintf(stderr, "grep: invalid option -- '%c'\n", *o);
                return SHELL_STATUS_USAGE;
            }
        }
    }
    i += i < argc && !strcmp(argv[i], "-e");
    if (i >= argc) {
        fprintf(stderr, "usage: grep [-vicqnEF] PATTERN [FILE...]\n");
        return SHELL_STATUS_USAGE;
    }
    g.pat.re = argv[i++];
    g.names = argc - i > 1;
    if (each_input("grep", argc - i, argv + i, grep_file, &g) ==
        SHELL_STATUS_USAGE && !g.selected)
        return SHELL_STATUS_USAGE;
    return g.selected ? 0 : 1;
}

/* ---- head, tail --------------------------------------------------------- */

/* How many lines: the last (or first) n, or from line n on (tail -n +N). */
struct lines {
    long n;
    bool from;
};

/* -n N, -nN, -n +N or -N: the count, and the index of the first file; -1
 * after a message. */
static int line_count(const char *tool, int argc, char **argv,
                      struct lines *l)
{
    const char *num;
    char *end;
    int i = 1;

    *l = (struct lines){ DEFAULT_LINES, false };
    if (i < argc && !strcmp(argv[i], "-n") && i + 1 < argc)
        num = argv[++i];
    else if (i < argc && !strncmp(argv[i], "-n", 2) && argv[i][2])
        num = argv[i] + 2;
    else if (i < argc && argv[i][0] == '-' && isdigit((unsigned char)argv[i][1]))
        num = argv[i] + 1;
    else
        return i < argc && argv[i][0] == '-' && argv[i][1]
                   ? (fprintf(stderr, "usage: %s [-n N] [FILE...]\n", tool), -1)
                   : i;
    l->from = *num == '+';
    l->n = strtol(num + l->from, &end, 10);
    if (*end || l->n < 0 || !isdigit((unsigned char)num[l->from])) {
        fprintf(stderr, "%s: invalid number of lines\n", tool);
        return -1;
    }
    return i + 1;
}

static int head_file(FILE *in, const char *name, void *state)
{
    long n = ((struct lines *)state)->n;
    size_t cap = 0;
    char *line = NULL;

    while (n-- > 0 && next_line(in, &line, &cap))
        printf("%s\n", line);
    free(line);
    return 0;
}

/* tail -n +N: from line N (1 for N = 0, as tail does) to the end. */
static int tail_from(FILE *in, long first)
{
    size_t cap = 0;
    char *line = NULL;

    for (long at = 1; next_line(in, &line, &cap); at++)
        if (at >= first)
            printf("%s\n", line);
    free(line);
    return 0;
}

/* The last n lines, kept in a ring. */
static int tail_last(FILE *in, long n)
{
    char **ring = n ? calloc((size_t)n, sizeof(*ring)) : NULL;
    size_t cap = 0;
    char *line = NULL;
    long seen = 0;

    if (n && !ring)
        return 1;
    while (next_line(in, &line, &cap)) {
        if (!n)
            continue;
        free(ring[seen % n]);
        ring[seen++ % n] = strdup(line);
    }
    for (long i = seen > n ? seen - n : 0; i < seen; i++)
        printf("%s\n", ring[i % n] ? ring[i % n] : "");
    for (long i = 0; i < n; i++)
        free(ring[i]);
    free(ring);
    free(line);
    return 0;
}

static int tail_file(FILE *in, const char *name, void *state)
{
    const struct lines *l = state;

    return l->from ? tail_from(in, l->n) : tail_last(in, l->n);
}

static int head_tail(int argc, char **argv, text_fn fn)
{
    struct lines l;
    int first = line_count(argv[0], argc, argv, &l);

    if (first < 0)
        return SHELL_STATUS_USAGE;
    return each_input(argv[0], argc - first, argv + first, fn, &l);
}

int cmd_head(int argc, char **argv)
{
    return head_tail(argc, argv, head_file);
}

int cmd_tail(int argc, char **argv)
{
    return head_tail(argc, argv, tail_file);
}

/* ---- wc ----------------------------------------------------------------- */

struct wc {
    bool lines, words, bytes;
};

static int wc_file(FILE *in, const char *name, void *state)
{
    const struct wc *w = state;
    unsigned long l = 0, wd = 0, b = 0;
    bool in_word = false;
    int c;

    while ((c = fgetc(in)) != EOF) {
        b++;
        l += c == '\n';
        if (isspace(c))
            in_word = false;
        else if (!in_word && ++wd)
            in_word = true;
    }
    if (w->lines + w->words + w->bytes == 1 && !name) {
        printf("%lu\n", w->lines ? l : w->words ? wd : b);   /* as GNU wc */
        return 0;
    }
    if (w->lines)
        printf("%7lu", l);
    if (w->words)
        printf("%s%7lu", w->lines ? " " : "", wd);
    if (w->bytes)
        printf("%s%7lu", w->lines || w->words ? " " : "", b);
    printf("%s%s\n", name ? " " : "", name ? name : "");
    return 0;
}

int cmd_wc(int argc, char **argv)
{
    struct wc w = { 0 };
    int i = 1;

    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'l') w.lines = true;
            else if (*o == 'w') w.words = true;
            else if (*o == 'c') w.bytes = true;
            else {
                fprintf(stderr, "usage: wc [-lwc] [FILE...]\n");
                return SHELL_STATUS_USAGE;
            }
        }
    if (!w.lines && !w.words && !w.bytes)
        w.lines = w.words = w.bytes = true;
    return each_input("wc", argc - i, argv + i, wc_file, &w);
}
