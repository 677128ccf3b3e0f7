/*
 * One command line of the shell: words, quotes, $?, and the operators a
 * person types on any dom0 -- pipes into the text builtins, > and >> into
 * /tmp or /dev/null (2> and 2>> for standard error, 2>&1 and >&2 to send
 * one where the other goes), && and || and ;.
 *
 *     xl list | grep hello | wc -l
 *     xl dmesg > /tmp/boot.log; grep -c Domain /tmp/boot.log
 *     xl create /etc/xen/hello.cfg && echo created || echo failed: $?
 *     xl list web > /dev/null 2>&1 || echo no web
 *
 * Words are separated by blanks; '...' keeps everything literally,
 * "..." keeps blanks and operators (a backslash escapes " \ and $ inside,
 * and $? is expanded), a backslash outside quotes escapes the next
 * character, and # starts a comment at the start of a word.  A pipeline's
 * status is its last command's; && and || run what follows only after
 * success or failure, as sh does.  Every command is a builtin: a pipe
 * hands the whole output of one to the next (shell_stdin()).  As in sh,
 * the pipe is set up first and a command's redirections then apply from
 * left to right (`2>&1 | grep` sends both into the pipe).
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

#define TOKENS_MAX SHELL_ARGS_MAX
#define REDIRS_MAX 4            /* redirections of one command */

enum tok_kind { T_WORD, T_PIPE, T_AND, T_OR, T_SEMI, T_TO, T_APPEND, T_DUP };

struct token {
    enum tok_kind kind;
    char *word;                 /* T_WORD: in the line's word buffer */
    int fd;                     /* T_TO, T_APPEND, T_DUP: 1 or 2 */
    int dup;                    /* T_DUP: the fd it becomes a copy of */
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

/* A redirection's fd: "2>" names standard error, "1>" and ">" standard
 * output; *s is moved past the digit. */
static int redirected_fd(const char **s)
{
    if ((**s == '1' || **s == '2') && (*s)[1] == '>')
        return *(*s)++ - '0';
    return 1;
}

/* An operator at *s into *t (a redirection with its fd, and >&1 or >&2
 * as a copy); its length, or 0. */
static int read_operator(const char *s, struct token *t)
{
    const char *start = s;
    int fd = redirected_fd(&s), len = operator_at(s, &t->kind);

    if (!len)
        return 0;
    s += len;
    t->fd = fd;
    if (t->kind == T_TO && s[0] == '&' && (s[1] == '1' || s[1] == '2') &&
        !isalnum((unsigned char)s[2])) {
        t->kind = T_DUP;
        t->dup = s[1] - '0';
        s += 2;
    }
    return (int)(s - start);
}

/* Split s into l's tokens; false after a message. */
static bool tokenize(struct line *l, const char *s)
{
    l->n = 0;
    l->used = 0;
    for (;;) {
        struct token op = { T_WORD, NULL, 1, 0 };
        int len;

        while (isblank((unsigned char)*s))
            s++;
        if (!*s || *s == '#')
            return true;
        if (l->n == TOKENS_MAX - 1) {
            fprintf(stderr, "shell: more than %d words\n", TOKENS_MAX - 1);
            return false;
        }
        if ((len = read_operator(s, &op))) {
            l->tok[l->n++] = op;
            s += len;
            continue;
        }
        if (*s == '&' || *s == '<') {
            fprintf(stderr, "shell: '%c' is not supported (no background "
                    "jobs, no input redirection)\n", *s);
            return false;
        }
        l->tok[l->n] = (struct token){ T_WORD, l->words + l->used, 0, 0 };
        if (!read_word(l, &s)) {
            fprintf(stderr, "shell: unterminated quote\n");
            return false;
        }
        l->n++;
    }
}

/* ---- Running ------------------------------------------------------------ */

/* One redirection: fd to a file (written or appended), or to where fd
 * dup goes at that point. */
struct redir {
    int fd;
    const char *file;           /* NULL: a copy of dup */
    bool append;
    int dup;
};

/* A command: its words and, in order, its redirections (removed from
 * the words). */
struct command {
    char *argv[SHELL_ARGS_MAX];
    int argc;
    struct redir redir[REDIRS_MAX];
    int nredir;
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

/* The redirection at tokens[*i] (and its file name) into c; false after
 * a message. */
static bool add_redir(const struct line *l, int *i, int to, struct command *c)
{
    const struct token *t = &l->tok[*i];
    struct redir *r = &c->redir[c->nredir];

    if (c->nredir == REDIRS_MAX) {
        fprintf(stderr, "shell: more than %d redirections\n", REDIRS_MAX);
        return false;
    }
    *r = (struct redir){ .fd = t->fd, .append = t->kind == T_APPEND,
                         .dup = t->dup };
    if (t->kind != T_DUP) {
        if (*i + 1 >= to || l->tok[*i + 1].kind != T_WORD) {
            fprintf(stderr, "shell: '%s' needs a file name\n",
                    t->kind == T_APPEND ? ">>" : ">");
            return false;
        }
        if (!(r->file = expand(c, l->tok[++*i].word))) {
            fprintf(stderr, "shell: line too long once $? is expanded\n");
            return false;
        }
    }
    c->nredir++;
    return true;
}

/* The command in tokens [from, to); false after a message. */
static bool make_command(const struct line *l, int from, int to,
                         struct command *c)
{
    c->argc = 0;
    c->nredir = 0;
    c->used = 0;
    for (int i = from; i < to; i++) {
        const struct token *t = &l->tok[i];

        if (t->kind != T_WORD) {
            if (!add_redir(l, &i, to, c))
                return false;
        } else if (!(c->argv[c->argc++] = expand(c, t->word))) {
            fprintf(stderr, "shell: line too long once $? is expanded\n");
            return false;
        }
    }
    c->argv[c->argc] = NULL;
    if (!c->argc) {
        fprintf(stderr, "shell: a command is missing around '|'\n");
        return false;
    }
    return true;
}

/* Where a command's standard output and error go ([1] and [2]; NULL:
 * the console), and the files opened for it. */
struct outputs {
    FILE *to[3];
    FILE *opened[REDIRS_MAX + 1];
    int nopened;
};

/* Run c with in (len bytes, or NULL) as its piped input and o's streams
 * as its standard output and error. */
static int run_command(struct command *c, char *in, size_t len,
                       const struct outputs *o)
{
    static char nothing[1];
    FILE *saved_out = stdout, *saved_err = stderr;
    int status;

    piped_in = in ? fmemopen(len ? in : nothing, len ? len : 1, "r") : NULL;
    if (in && !len && piped_in)
        fgetc(piped_in);                /* an empty pipe: at its end */
    fflush(stdout);
    fflush(stderr);
    stdout = o->to[1] ? o->to[1] : saved_out;
    stderr = o->to[2] ? o->to[2] : saved_err;
    status = shell_run_argv(c->argc, c->argv);
    fflush(stdout);
    fflush(stderr);
    stdout = saved_out;
    stderr = saved_err;
    if (piped_in)
        fclose(piped_in);
    piped_in = NULL;
    return status;
}

static FILE *opened(struct outputs *o, FILE *f)
{
    if (f)
        o->opened[o->nopened++] = f;
    return f;
}

/* c's outputs into *o: the pipe (into *buf, *len) if piped, then its
 * redirections in order; false after a message. */
static bool open_outputs(const struct command *c, char **buf, size_t *len,
                         bool piped, struct outputs *o)
{
    *o = (struct outputs){ .nopened = 0 };
    if (piped && !(o->to[1] = opened(o, open_memstream(buf, len))))
        return false;
    for (int i = 0; i < c->nredir; i++) {
        const struct redir *r = &c->redir[i];

        if (!r->file) {
            o->to[r->fd] = o->to[r->dup];
            continue;
        }
        if (!(o->to[r->fd] = opened(o, fopen(r->file, r->append ? "a" : "w")))) {
            fprintf(stderr, "shell: %s: %s\n", r->file, strerror(errno));
            return false;
        }
    }
    return true;
}

static void close_outputs(struct outputs *o)
{
    for (int i = 0; i < o->nopened; i++)
        fclose(o->opened[i]);           /* a pipe's buffer is complete */
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
        struct outputs o;

        while (end < to && l->tok[end].kind != T_PIPE)
            end++;
        if (!make_command(l, start, end, &c)) {
            status = SHELL_STATUS_USAGE;
            break;
        }
        if (open_outputs(&c, &out, &out_len, end < to, &o))
            status = run_command(&c, in, in_len, &o);
        else
            status = 1;
        close_outputs(&o);
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
