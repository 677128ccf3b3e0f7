/*
 * xl.cfg syntax (see xlcfg.h): a lexer and a recursive-descent parser
 * that record every KEY = VALUE, with += applied, as a setting of the
 * configuration.  The grammar is the one of Xen's libxlu
 * (tools/libs/util).  What the known keys mean is xlcfg.c's business.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xlcfg.h"
#include "xlcfg_int.h"

#define MAX_LIST_DEPTH 8

enum tok {
    T_EOF, T_NL, T_SEMI, T_EQ, T_PLUSEQ, T_COMMA, T_LBR, T_RBR,
    T_IDENT, T_NUMBER, T_STRING,
};

struct token {
    enum tok kind;
    int line;
    char *text;                 /* IDENT, NUMBER, STRING: malloc'd */
};

struct parser {
    const char *p, *end;
    int line;
    const char *source;
    FILE *err;
    struct xlcfg *cfg;
    int status;                 /* 0, -EINVAL or -ENOMEM */
};

void xlcfg_report(FILE *err, const char *source, int line,
                  const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return;
    if (line > 0)
        fprintf(err, "%s:%d: ", source, line);
    else
        fprintf(err, "%s: ", source);
    va_start(ap, fmt);
    vfprintf(err, fmt, ap);
    va_end(ap);
    fputc('\n', err);
}

#define perr(ps, line, ...) do {                                    \
        xlcfg_report((ps)->err, (ps)->source, (line), __VA_ARGS__);       \
        if (!(ps)->status)                                          \
            (ps)->status = -EINVAL;                                 \
    } while (0)

static char *dup_span(struct parser *ps, const char *s, size_t n)
{
    char *d = malloc(n + 1);

    if (!d) {
        ps->status = -ENOMEM;
        return NULL;
    }
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* ---- lexer ---- */

static int escape_value(const char **pp, const char *end)
{
    const char *p = *pp;
    int v = 0, n = 0;
    static const char simple[] = "\"\"''\\\\a\ab\bf\fn\nr\rt\tv\v";

    for (const char *s = simple; *s; s += 2)
        if (*p == s[0]) {
            *pp = p + 1;
            return (unsigned char)s[1];
        }
    if (*p == 'x') {
        for (p++; n < 2 && p < end && isxdigit((unsigned char)*p); n++, p++)
            v = v * 16 + (isdigit((unsigned char)*p) ? *p - '0'
                                                      : (*p | 0x20) - 'a' + 10);
        if (n != 2)
            return -1;
    } else {
        for (; n < 3 && p < end && *p >= '0' && *p <= '7'; n++, p++)
            v = v * 8 + (*p - '0');
        if (n == 0 || v > 0xff)
            return -1;
    }
    *pp = p;
    return v ? v : -1;          /* a NUL would end the string early */
}

static bool lex_string(struct parser *ps, struct token *t)
{
    char quote = *ps->p++;
    const char *close = ps->p;
    char *out;
    size_t n = 0;

    while (close < ps->end && *close != quote && *close != '\n')
        close += (*close == '\\' && close + 1 < ps->end &&
                  close[1] != '\n') ? 2 : 1;
    if (close >= ps->end || *close != quote) {
        perr(ps, ps->line, "unterminated string");
        return false;
    }
    out = t->text = malloc((size_t)(close - ps->p) + 1);
    if (!out) {
        ps->status = -ENOMEM;
        return false;
    }
    while (ps->p < close) {
        int c = (unsigned char)*ps->p++;

        if (c == '\\') {
            const char *at = ps->p;

            c = escape_value(&ps->p, close);
            if (c < 0) {
                perr(ps, ps->line, "invalid escape '\\%c' in string", *at);
                free(out);
                t->text = NULL;
                return false;
            }
        }
        out[n++] = (char)c;
    }
    out[n] = '\0';
    ps->p = close + 1;
    t->kind = T_STRING;
    return true;
}

static bool lex_word(struct parser *ps, struct token *t, enum tok kind)
{
    const char *s = ps->p;

    ps->p += *s == '-';
    while (ps->p < ps->end &&
           (isalnum((unsigned char)*ps->p) || *ps->p == '_' ||
            (kind == T_NUMBER && *ps->p == '.')))
        ps->p++;
    t->kind = kind;
    t->text = dup_span(ps, s, (size_t)(ps->p - s));
    return t->text != NULL;
}

static bool lex_punct(struct parser *ps, struct token *t)
{
    static const char punct[] = ";=,[]";
    static const enum tok kinds[] = { T_SEMI, T_EQ, T_COMMA, T_LBR, T_RBR };
    const char *hit = strchr(punct, *ps->p);
    unsigned char c = (unsigned char)*ps->p;

    if (c == '+' && ps->p + 1 < ps->end && ps->p[1] == '=') {
        ps->p += 2;
        t->kind = T_PLUSEQ;
        return true;
    }
    if (c && hit) {
        ps->p++;
        t->kind = kinds[hit - punct];
        return true;
    }
    if (isprint(c))
        perr(ps, ps->line, "unexpected character '%c'", c);
    else
        perr(ps, ps->line, "unexpected character '\\x%02x'", c);
    return false;
}

/* The next token; false after a message (or out of memory). */
static bool next(struct parser *ps, struct token *t)
{
    const char *p;

    while (ps->p < ps->end && strchr(" \t\r", *ps->p) && *ps->p)
        ps->p++;
    if (ps->p < ps->end && *ps->p == '#')
        while (ps->p < ps->end && *ps->p != '\n')
            ps->p++;
    memset(t, 0, sizeof(*t));
    t->line = ps->line;
    p = ps->p;
    if (p >= ps->end) {
        t->kind = T_EOF;
        return true;
    }
    if (*p == '\n') {
        ps->p++, ps->line++;
        t->kind = T_NL;
        return true;
    }
    if (*p == '"' || *p == '\'')
        return lex_string(ps, t);
    if (isdigit((unsigned char)*p) ||
        (*p == '-' && p + 1 < ps->end && isdigit((unsigned char)p[1])))
        return lex_word(ps, t, T_NUMBER);
    if (isalpha((unsigned char)*p) || *p == '_')
        return lex_word(ps, t, T_IDENT);
    return lex_punct(ps, t);
}

/* The next token that is not a newline (lists may span lines). */
static bool next_in_list(struct parser *ps, struct token *t)
{
    while (next(ps, t))
        if (t->kind != T_NL)
            return true;
    return false;
}

static void describe(const struct token *t, char *buf, size_t size)
{
    static const char *const names[] = {
        [T_EOF] = "the end of the file", [T_NL] = "the end of the line",
        [T_SEMI] = "';'", [T_EQ] = "'='", [T_PLUSEQ] = "'+='",
        [T_COMMA] = "','", [T_LBR] = "'['", [T_RBR] = "']'",
    };

    if (t->kind == T_STRING)
        snprintf(buf, size, "\"%.40s\"", t->text);
    else if (t->kind == T_IDENT || t->kind == T_NUMBER)
        snprintf(buf, size, "'%.40s'", t->text);
    else
        snprintf(buf, size, "%s", names[t->kind]);
}

/* ---- values ---- */

void xlcfg_value_free(struct xlcfg_value *v)
{
    for (size_t i = 0; i < v->nitems; i++)
        xlcfg_value_free(&v->items[i]);
    free(v->items);
    free(v->str);
    memset(v, 0, sizeof(*v));
}

static int value_copy(struct xlcfg_value *d, const struct xlcfg_value *s)
{
    memset(d, 0, sizeof(*d));
    d->kind = s->kind;
    if (s->str && !(d->str = strdup(s->str)))
        return -ENOMEM;
    if (s->nitems && !(d->items = calloc(s->nitems, sizeof(*d->items))))
        return -ENOMEM;
    for (; d->nitems < s->nitems; d->nitems++)
        if (value_copy(&d->items[d->nitems], &s->items[d->nitems]))
            return -ENOMEM;
    return 0;
}

static int list_append(struct xlcfg_value *list, struct xlcfg_value *item)
{
    struct xlcfg_value *items;

    items = realloc(list->items, (list->nitems + 1) * sizeof(*items));
    if (!items)
        return -ENOMEM;
    list->items = items;
    list->items[list->nitems++] = *item;
    memset(item, 0, sizeof(*item));
    return 0;
}

/* KEY += VALUE: v becomes the previous value followed by v. */
static int value_concat(const struct xlcfg_value *prev, struct xlcfg_value *v)
{
    struct xlcfg_value joined;
    char *s;

    if (v->kind == XLCFG_STRING) {
        s = malloc(strlen(prev->str) + strlen(v->str) + 1);
        if (!s)
            return -ENOMEM;
        strcat(strcpy(s, prev->str), v->str);
        free(v->str);
        v->str = s;
        return 0;
    }
    if (value_copy(&joined, prev))
        return xlcfg_value_free(&joined), -ENOMEM;
    for (size_t i = 0; i < v->nitems; i++)
        if (list_append(&joined, &v->items[i]))
            return xlcfg_value_free(&joined), -ENOMEM;
    v->nitems = 0;
    xlcfg_value_free(v);
    *v = joined;
    return 0;
}

/* ---- parser ---- */

static bool parse_value(struct parser *ps, const char *key, struct token *t,
                        struct xlcfg_value *v, int depth);

static bool list_error(struct parser *ps, const char *key, struct token *t,
                       int open_line)
{
    char what[64];

    if (t->kind == T_EOF) {
        perr(ps, open_line, "unterminated list for '%s' (no ']' before the "
             "end of the file)", key);
    } else {
        describe(t, what, sizeof(what));
        perr(ps, t->line, "expected ',' or ']' in the list for '%s', got %s",
             key, what);
    }
    free(t->text);
    return false;
}

static bool parse_list(struct parser *ps, const char *key,
                       struct xlcfg_value *v, int open_line, int depth)
{
    struct token t;
    struct xlcfg_value item;

    v->kind = XLCFG_LIST;
    if (!next_in_list(ps, &t))
        return false;
    while (t.kind != T_RBR) {
        if (t.kind == T_EOF)
            return list_error(ps, key, &t, open_line);
        memset(&item, 0, sizeof(item));
        if (!parse_value(ps, key, &t, &item, depth + 1))
            return xlcfg_value_free(&item), false;
        if (list_append(v, &item)) {
            xlcfg_value_free(&item);
            ps->status = -ENOMEM;
            return false;
        }
        if (!next_in_list(ps, &t))
            return false;
        if (t.kind == T_COMMA) {
            if (!next_in_list(ps, &t))
                return false;
        } else if (t.kind != T_RBR) {
            return list_error(ps, key, &t, open_line);
        }
    }
    return true;
}

/* The value whose first token is t (consumed). */
static bool parse_value(struct parser *ps, const char *key, struct token *t,
                        struct xlcfg_value *v, int depth)
{
    char what[64];

    if (t->kind == T_STRING || t->kind == T_NUMBER) {
        v->kind = t->kind == T_STRING ? XLCFG_STRING : XLCFG_NUMBER;
        v->str = t->text;
        return true;
    }
    if (t->kind == T_LBR && depth < MAX_LIST_DEPTH)
        return parse_list(ps, key, v, t->line, depth);
    describe(t, what, sizeof(what));
    if (t->kind == T_LBR)
        perr(ps, t->line, "lists nested too deeply in '%s'", key);
    else if (t->kind == T_IDENT)
        perr(ps, t->line, "expected a value after '%s =', got %s (put "
             "strings in quotes)", key, what);
    else
        perr(ps, t->line, "expected a value after '%s =', got %s", key,
             what);
    free(t->text);
    return false;
}

/* ---- statements ---- */

const char *xlcfg_intern_source(struct xlcfg *cfg, const char *source)
{
    char **sources;

    for (size_t i = 0; i < cfg->nsources; i++)
        if (!strcmp(cfg->sources[i], source))
            return cfg->sources[i];
    sources = realloc(cfg->sources, (cfg->nsources + 1) * sizeof(*sources));
    if (!sources)
        return NULL;
    cfg->sources = sources;
    if (!(sources[cfg->nsources] = strdup(source)))
        return NULL;
    if (!cfg->file)
        cfg->file = sources[cfg->nsources];
    return sources[cfg->nsources++];
}

/* KEY (=|+=) v becomes a setting; frees v on failure. */
static bool store(struct parser *ps, struct token *key, bool append,
                  struct xlcfg_value *v)
{
    struct xlcfg *cfg = ps->cfg;
    const struct xlcfg_setting *prev = append ? xlcfg_find(cfg, key->text)
                                              : NULL;
    struct xlcfg_setting *set = NULL;

    if (prev && (v->kind == XLCFG_NUMBER || prev->value.kind == XLCFG_NUMBER))
        perr(ps, key->line, "can't use += with a number");
    else if (prev && v->kind != prev->value.kind)
        perr(ps, key->line, "can't add a list to a string or a string to a "
             "list");
    else if ((prev && value_concat(&prev->value, v)) ||
             !(set = realloc(cfg->settings,
                             (cfg->nsettings + 1) * sizeof(*set))))
        ps->status = -ENOMEM;
    if (ps->status)
        return xlcfg_value_free(v), false;
    cfg->settings = set;
    set += cfg->nsettings++;
    *set = (struct xlcfg_setting){ .key = key->text, .value = *v,
                                   .source = ps->source, .line = key->line,
                                   .known = xlcfg_key_known(key->text) };
    if (!set->known)
        xlcfg_report_key(ps->err, ps->source, key->line, key->text);
    return true;
}

/* KEY (=|+=) VALUE (newline|;|end), KEY already read. */
static bool parse_statement(struct parser *ps, struct token *key)
{
    struct xlcfg_value v = { 0 };
    struct token t;
    char what[64];
    bool append;

    if (!next(ps, &t))
        return false;
    if (t.kind != T_EQ && t.kind != T_PLUSEQ) {
        perr(ps, key->line, "expected '=' after '%s'", key->text);
        free(t.text);
        return false;
    }
    append = t.kind == T_PLUSEQ;
    if (!next(ps, &t) || !parse_value(ps, key->text, &t, &v, 0) ||
        !next(ps, &t))
        return xlcfg_value_free(&v), false;
    if (t.kind != T_NL && t.kind != T_SEMI && t.kind != T_EOF) {
        describe(&t, what, sizeof(what));
        perr(ps, t.line, "expected a new line or ';' after the value of "
             "'%s', got %s", key->text, what);
        free(t.text);
        return xlcfg_value_free(&v), false;
    }
    return store(ps, key, append, &v);
}

int xlcfg_parse_text(struct xlcfg *cfg, const char *source, int line,
                     const char *text, size_t len, FILE *err)
{
    struct parser ps = { .p = text, .end = text + len, .line = line,
                         .source = source, .err = err, .cfg = cfg };
    struct token t;
    char what[64];

    while (!ps.status && next(&ps, &t) && t.kind != T_EOF) {
        if (t.kind == T_NL || t.kind == T_SEMI)
            continue;
        if (t.kind != T_IDENT) {
            describe(&t, what, sizeof(what));
            perr(&ps, t.line, "expected a setting name, got %s", what);
        }
        if (t.kind != T_IDENT || !parse_statement(&ps, &t))
            free(t.text);
    }
    return ps.status;
}

/* An override whose value is not a string, number or list: NAME=web1. */
static int bare_override(struct xlcfg *cfg, const char *arg,
                         const char *source, int line, FILE *err)
{
    size_t klen = strspn(arg, "abcdefghijklmnopqrstuvwxyz"
                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
    const char *op = arg + klen + strspn(arg + klen, " \t");
    bool append = op[0] == '+';
    const char *val = op + append + 1;
    struct parser ps = { .line = line, .source = source, .err = err,
                         .cfg = cfg };
    struct token key = { .kind = T_IDENT, .line = line };
    struct xlcfg_value v = { .kind = XLCFG_STRING };

    val += strspn(val, " \t");
    key.text = dup_span(&ps, arg, klen);
    v.str = dup_span(&ps, val, strlen(val));
    if (ps.status || !store(&ps, &key, append, &v)) {
        free(key.text);
        free(v.str);
        return ps.status ? ps.status : -ENOMEM;
    }
    return 0;
}

static bool is_bare_override(const char *arg)
{
    size_t klen = strspn(arg, "abcdefghijklmnopqrstuvwxyz"
                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
    const char *p = arg + klen + strspn(arg + klen, " \t");

    if (!klen || isdigit((unsigned char)arg[0]))
        return false;
    p += *p == '+';
    if (*p++ != '=')
        return false;
    p += strspn(p, " \t");
    return *p && !strchr("\"'[-", *p) && !isdigit((unsigned char)*p);
}

int xlcfg_parse_override(struct xlcfg *cfg, const char *arg,
                         const char *source, int line, FILE *err)
{
    return is_bare_override(arg)
               ? bare_override(cfg, arg, source, line, err)
               : xlcfg_parse_text(cfg, source, line, arg, strlen(arg), err);
}
