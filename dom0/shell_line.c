/*
 * One command line of the shell: words, quotes, $?, and the operators a
 * person types on any dom0 -- pipes into the text builtins, > and >> into
 * /tmp, && and || and ;.
 *
 *     xl list | grep hello | wc -l
 *     xl dmesg > /tmp/boot.log; grep -c Domain /tmp/boot.log
 *     xl create /etc/xen/hello.cfg && echo created || echo failed: $?
 *
 * Words are separated by blanks; '...' keeps everything literally,
 * "..." keeps blanks and operators (a backslash escapes " \ and $ inside,
 * and $? is expanded), a backslash outside quotes escapes the next
 * character, and # starts a comment at the start of a word.  A pipeline's
 * status is its last command's; && and || run what follows only after
 * success or failure, as sh does.  Every command is a builtin: a pipe
 * hands the whole output of one to the next (shell_stdin()).
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

#define TOKENS_MAX SHELL_ARGS_MAX

enum tok_kind { T_WORD, T_PIPE, T_AND, T_OR, T_SEMI, T_TO, T_APPEND };

struct token {
    enum tok_kind kind;
    char *word;                 /* T_WORD: in the line's word buffer */
};

struct line {
    struct token tok[TOKENS_MAX];
    int n;
    char words[SHELL_LINE_MAX * 2];     /* $? may grow a word a little */
    size_t used;
};

static int last_status;
static FILE *piped_in;

FILE *shell_stdin(void)
{
    return piped_in;
}

int shell_last_status(void)
{
    return last_status;
}

/* ---- Tokens ------------------------------------------------------------- */

static bool put_char(struct line *l, char c)
{
    if (l->used >= sizeof(l->words))
        return false;
    l->words[l->used++] = c;
    return true;
}

/* $? at s (outside single quotes): a mark expanded when the command
 * runs (after what ran before it on the line), and *s past it. */
#define STATUS_MARK '\x01'

static bool expand_status(struct line *l, const char **s)
{
    *s += 2;
    return put_char(l, STATUS_MARK);
}

/* One quoted or plain word from *sp; false if a quote is not closed (or
 * the word does not fit). */
static bool read_word(struct line *l, const char **sp)
{
    const char *s = *sp;

    while (*s && !isblank((unsigned char)*s) && !strchr("|&;><", *s)) {
        char q = *s;
        bool ok = true;

        if (q == '\'' || q == '"') {
            for (s++; *s && *s != q && ok; ) {
                if (q == '"' && s[0] == '$' && s[1] == '?')
                    ok = expand_status(l, &s);
                else if (q == '"' && *s == '\\' && strchr("\"\\$", s[1]))
                    ok = put_char(l, s[1]), s += 2;
                else
                    ok = put_char(l, *s++);
            }
            if (!*s)
                return false;
            s++;
        } else if (q == '$' && s[1] == '?') {
            ok = expand_status(l, &s);
        } else if (q == '\\' && s[1]) {
            ok = put_char(l, s[1]), s += 2;
        } else {
            ok = put_char(l, *s++);
        }
        if (!ok)
            return false;
    }
    *sp = s;
    return put_char(l, '\0');
}

/* An operator at s: its kind and length, or 0. */
static int operator_at(const char *s, enum tok_kind *kind)
{
    static const struct { const char *text; enum tok_kind kind; } ops[] = {
        { "||", T_OR }, { "&&", T_AND }, { ">>", T_APPEND }, { "|", T_PIPE },
        { ";", T_SEMI }, { ">", T_TO },
    };

    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (!strncmp(s, ops[i].text, strlen(ops[i].text))) {
            *kind = ops[i].kind;
            return (int)strlen(ops[i].text);
        }
    return 0;
}

/* Split s into l's tokens; false after a message. */
static bool tokenize(struct line *l, const char *s)
{
    l->n = 0;
    l->used = 0;
    for (;;) {
        enum tok_kind kind = T_WORD;
        int len;

        while (isblank((unsigned char)*s))
            s++;
        if (!*s || *s == '#')
            return true;
        if (l->n == TOKENS_MAX - 1) {
            fprintf(stderr, "shell: more than %d words\n", TOKENS_MAX - 1);
            return false;
        }
        if ((len = operator_at(s, &kind))) {
            l->tok[l->n++] = (struct token){ kind, NULL };
            s += len;
            continue;
        }
        if (*s == '&' || *s == '<') {
            fprintf(stderr, "shell: '%c' is not supported (no background "
                    "jobs, no input redirection)\n", *s);
            return false;
        }
        l->tok[l->n] = (struct token){ T_WORD, l->words + l->used };
        if (!read_word(l, &s)) {
            fprintf(stderr, "shell: unterminated quote\n");
            return false;
        }
        l->n++;
    }
}

/* ---- Running ------------------------------------------------------------ */

/* Where a command's output goes: > or >> FILE in its tokens (removed). */
struct command {
    char *argv[SHELL_ARGS_MAX];
    int argc;
    const char *file;
    bool append;
    char expanded[SHELL_LINE_MAX * 2];  /* words with $? in them */
    size_t used;
};

/* word, with each $? mark replaced by the last status; NULL if it does
 * not fit. */
static char *expand(struct command *c, char *word)
{
    char *out = c->expanded + c->used, digits[12];
    size_t room = sizeof(c->expanded) - c->used, n = 0;

    if (!strchr(word, STATUS_MARK))
        return word;
    snprintf(digits, sizeof(digits), "%d", last_status);
    for (const char *w = word; *w; w++) {
        const char *add = *w == STATUS_MARK ? digits : (char[]){ *w, '\0' };

        if (n + strlen(add) + 1 > room)
            return NULL;
        memcpy(out + n, add, strlen(add));
        n += strlen(add);
    }
    out[n++] = '\0';
    c->used += n;
    return out;
}

/* The command in tokens [from, to); false after a message. */
static bool make_command(const struct line *l, int from, int to,
                         struct command *c)
{
    c->argc = 0;
    c->file = NULL;
    c->append = false;
    c->used = 0;
    for (int i = from; i < to; i++) {
        const struct token *t = &l->tok[i];

        if (t->kind == T_WORD) {
            if (!(c->argv[c->argc++] = expand(c, t->word))) {
                fprintf(stderr, "shell: line too long once $? is expanded\n");
                return false;
            }
            continue;
        }
        if (i + 1 >= to || l->tok[i + 1].kind != T_WORD) {
            fprintf(stderr, "shell: '%s' needs a file name\n",
                    t->kind == T_APPEND ? ">>" : ">");
            return false;
        }
        if (!(c->file = expand(c, l->tok[++i].word))) {
            fprintf(stderr, "shell: line too long once $? is expanded\n");
            return false;
        }
        c->append = t->kind == T_APPEND;
    }
    c->argv[c->argc] = NULL;
    if (!c->argc) {
        fprintf(stderr, "shell: a command is missing around '|'\n");
        return false;
    }
    return true;
}

/* Run c with in (len bytes, or NULL) as its piped input and out (or the
 * console) as its standard output. */
static int run_command(struct command *c, char *in, size_t len, FILE *out)
{
    static char nothing[1];
    FILE *saved = stdout;
    int status;

    piped_in = in ? fmemopen(len ? in : nothing, len ? len : 1, "r") : NULL;
    if (in && !len && piped_in)
        fgetc(piped_in);                /* an empty pipe: at its end */
    fflush(stdout);
    if (out)
        stdout = out;
    status = shell_run_argv(c->argc, c->argv);
    fflush(stdout);
    stdout = saved;
    if (piped_in)
        fclose(piped_in);
    piped_in = NULL;
    return status;
}

static FILE *open_output(const struct command *c, char **buf, size_t *len,
                         bool piped)
{
    FILE *f;

    if (!c->file)
        return piped ? open_memstream(buf, len) : NULL;
    if (!(f = fopen(c->file, c->append ? "a" : "w")))
        fprintf(stderr, "shell: %s: %s\n", c->file, strerror(errno));
    return f;
}

/* The pipeline in tokens [from, to): its last command's status. */
static int run_pipeline(const struct line *l, int from, int to)
{
    static struct command c;            /* one command runs at a time */
    char *in = NULL;
    size_t in_len = 0;
    int status = 0;

    for (int start = from; start < to; ) {
        int end = start;
        char *out = NULL;
        size_t out_len = 0;
        FILE *o;

        while (end < to && l->tok[end].kind != T_PIPE)
            end++;
        if (!make_command(l, start, end, &c)) {
            status = SHELL_STATUS_USAGE;
            break;
        }
        o = open_output(&c, &out, &out_len, end < to);
        if (c.file && !o)
            status = 1;
        else
            status = run_command(&c, in, in_len, o);
        if (o)
            fclose(o);                  /* out (if piped) is complete */
        free(in);
        in = out;
        in_len = out_len;
        start = end + 1;
    }
    free(in);
    return status;
}

int shell_run_line(const char *text)
{
    struct line *l;
    enum tok_kind op = T_SEMI;
    int status = last_status;

    if (strlen(text) >= SHELL_LINE_MAX) {
        fprintf(stderr, "shell: line longer than %d characters\n",
                SHELL_LINE_MAX - 1);
        return last_status = SHELL_STATUS_USAGE;
    }
    if (!(l = malloc(sizeof(*l))) || !tokenize(l, text)) {
        free(l);
        return last_status = SHELL_STATUS_USAGE;
    }
    for (int i = 0; i < l->n; ) {
        int j = i;

        while (j < l->n && l->tok[j].kind != T_AND &&
               l->tok[j].kind != T_OR && l->tok[j].kind != T_SEMI)
            j++;
        if (j == i && j < l->n && l->tok[j].kind != T_SEMI) {
            fprintf(stderr, "shell: syntax error near '%s'\n",
                    l->tok[j].kind == T_AND ? "&&" : "||");
            status = last_status = SHELL_STATUS_USAGE;
            break;
        }
        if (j > i && !(op == T_AND && status) && !(op == T_OR && !status))
            status = last_status = run_pipeline(l, i, j);
        op = j < l->n ? l->tok[j].kind : T_SEMI;
        i = j + 1;
    }
    free(l);
    return status;
}
