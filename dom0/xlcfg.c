/*
 * xl.cfg parser (see xlcfg.h): a lexer, a recursive-descent parser that
 * records every KEY = VALUE, then the known keys read from the last
 * setting of each, and the checks that decide whether the domain can be
 * built.  The grammar is the one of Xen's libxlu (tools/libs/util).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xlcfg.h"

#define MAX_LIST_DEPTH 8
#define MAX_MIB        (ULONG_MAX >> 10)     /* KiB must fit too */

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

static void report(FILE *err, const char *source, int line,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void report(FILE *err, const char *source, int line,
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
        report((ps)->err, (ps)->source, (line), __VA_ARGS__);       \
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

static void value_free(struct xlcfg_value *v)
{
    for (size_t i = 0; i < v->nitems; i++)
        value_free(&v->items[i]);
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
        return value_free(&joined), -ENOMEM;
    for (size_t i = 0; i < v->nitems; i++)
        if (list_append(&joined, &v->items[i]))
            return value_free(&joined), -ENOMEM;
    v->nitems = 0;
    value_free(v);
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
            return value_free(&item), false;
        if (list_append(v, &item)) {
            value_free(&item);
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

/* ---- the keys xen-lite knows ---- */

enum rule_kind { R_STRING, R_MIB, R_COUNT, R_BOOL, R_TYPE, R_ACTION, R_CPUS };

struct rule {
    const char *key;
    enum rule_kind kind;
    size_t off;                 /* field of struct xlcfg, or NO_FIELD */
};

#define F(field) offsetof(struct xlcfg, field)
#define NO_FIELD SIZE_MAX

static const struct rule rules[] = {
    { "name", R_STRING, F(name) },
    { "type", R_TYPE, F(type) },
    { "memory", R_MIB, F(memory_mb) },
    { "maxmem", R_MIB, F(maxmem_mb) },
    { "memory_min", R_MIB, F(memory_min_mb) },
    { "memory_dynamic_max", R_MIB, F(memory_dynamic_max_mb) },
    { "vcpus", R_COUNT, F(vcpus) },
    { "maxvcpus", R_COUNT, F(maxvcpus) },
    { "cpus", R_CPUS, F(cpus) },
    { "kernel", R_STRING, F(kernel) },
    { "ramdisk", R_STRING, F(ramdisk) },
    { "cmdline", R_STRING, F(cmdline) },
    { "root", R_STRING, NO_FIELD },
    { "extra", R_STRING, NO_FIELD },
    { "on_poweroff", R_ACTION, F(on_poweroff) },
    { "on_reboot", R_ACTION, F(on_reboot) },
    { "on_crash", R_ACTION, F(on_crash) },
    { "hap", R_BOOL, F(hap) },
};

static const char *const type_names[] = { "pv", "pvh", "hvm" };
static const char *const action_names[] = {
    "destroy", "restart", "rename-restart", "preserve",
    "coredump-destroy", "coredump-restart", "soft-reset",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const struct rule *rule_for(const char *key)
{
    for (size_t i = 0; i < ARRAY_LEN(rules); i++)
        if (!strcmp(rules[i].key, key))
            return &rules[i];
    return NULL;
}

/* ---- statements ---- */

static const char *intern_source(struct xlcfg *cfg, const char *source)
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
        return value_free(v), false;
    cfg->settings = set;
    set += cfg->nsettings++;
    *set = (struct xlcfg_setting){ .key = key->text, .value = *v,
                                   .source = ps->source, .line = key->line,
                                   .known = rule_for(key->text) != NULL };
    if (!set->known)
        report(ps->err, ps->source, key->line, "unknown key '%s'", key->text);
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
        return value_free(&v), false;
    if (t.kind != T_NL && t.kind != T_SEMI && t.kind != T_EOF) {
        describe(&t, what, sizeof(what));
        perr(ps, t.line, "expected a new line or ';' after the value of "
             "'%s', got %s", key->text, what);
        free(t.text);
        return value_free(&v), false;
    }
    return store(ps, key, append, &v);
}

static int parse_text(struct xlcfg *cfg, const char *source, int line,
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

/* ---- reading the known keys ---- */

/* A whole number as xl reads one: decimal, 0x hex or 0 octal. */
static bool number_of(const struct xlcfg_value *v, unsigned long max,
                      unsigned long *n)
{
    char *end;
    unsigned long long x;

    if (!isdigit((unsigned char)v->str[0]))
        return false;
    errno = 0;
    x = strtoull(v->str, &end, 0);
    if (errno || *end || x > max)
        return false;
    *n = (unsigned long)x;
    return true;
}

static bool read_number(const struct xlcfg_setting *s, unsigned long max,
                        const char *what, unsigned long *n, FILE *err)
{
    if (number_of(&s->value, max, n))
        return true;
    report(err, s->source, s->line, "%s must be %s, got \"%s\"", s->key,
           what, s->value.str);
    return false;
}

static bool choice_of(const char *s, const char *const *names, size_t n,
                      int *val)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s, names[i])) {
            *val = (int)i;
            return true;
        }
    return false;
}

static bool bad_choice(const struct xlcfg_setting *s,
                       const char *const *names, size_t n, FILE *err)
{
    char list[160] = "";

    for (size_t i = 0; i < n; i++)
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
                 i ? ", " : "", names[i]);
    report(err, s->source, s->line, "unknown value '%s' for %s (%s)",
           s->value.str, s->key, list);
    return false;
}

static bool cpus_ok(const struct xlcfg_setting *s, FILE *err)
{
    const struct xlcfg_value *v = &s->value;
    size_t n = v->kind == XLCFG_LIST ? v->nitems : 1;
    struct xl_cpumap map;

    for (size_t i = 0; i < n; i++) {
        const struct xlcfg_value *item = v->kind == XLCFG_LIST ? &v->items[i]
                                                               : v;

        if (item->kind == XLCFG_LIST ||
            xl_parse_cpulist(item->str, 0, &map, NULL)) {
            report(err, s->source, s->line, "invalid CPU list \"%s\" for %s",
                   item->kind == XLCFG_LIST ? "[...]" : item->str, s->key);
            return false;
        }
    }
    return true;
}

/* Sets the field of r from s; false after a message. */
static bool apply_rule(struct xlcfg *cfg, const struct rule *r,
                       const struct xlcfg_setting *s, FILE *err)
{
    void *field = (char *)cfg + (r->off == NO_FIELD ? 0 : r->off);
    const struct xlcfg_value *v = &s->value;
    unsigned long n;
    int c;

    if (v->kind == XLCFG_LIST && r->kind != R_CPUS) {
        report(err, s->source, s->line, "%s must be a single value, not a "
               "list", s->key);
        return false;
    }
    switch (r->kind) {
    case R_STRING:
        if (r->off != NO_FIELD)
            *(const char **)field = v->str;
        return true;
    case R_MIB:
        if (!read_number(s, MAX_MIB, "a number of MiB", &n, err))
            return false;
        *(unsigned long *)field = n;
        return true;
    case R_COUNT:
        if (!read_number(s, UINT_MAX, "a number", &n, err))
            return false;
        *(unsigned int *)field = (unsigned int)n;
        return true;
    case R_BOOL:
        if (!read_number(s, ULONG_MAX, "a number (0 or 1)", &n, err))
            return false;
        *(bool *)field = n != 0;
        return true;
    case R_TYPE:
        if (!choice_of(v->str, type_names, ARRAY_LEN(type_names), &c))
            return bad_choice(s, type_names, ARRAY_LEN(type_names), err);
        *(enum xlcfg_type *)field = (enum xlcfg_type)c;
        return true;
    case R_ACTION:
        if (!choice_of(v->str, action_names, ARRAY_LEN(action_names), &c))
            return bad_choice(s, action_names, ARRAY_LEN(action_names), err);
        *(enum xlcfg_action *)field = (enum xlcfg_action)c;
        return true;
    default:
        *(const struct xlcfg_value **)field = v;
        return cpus_ok(s, err);
    }
}

static const char *string_of(const struct xlcfg *cfg, const char *key)
{
    const struct xlcfg_setting *s = xlcfg_find(cfg, key);

    return s && s->value.kind != XLCFG_LIST ? s->value.str : NULL;
}

/* No cmdline=: xl makes one of root= and extra=. */
static int join_cmdline(struct xlcfg *cfg)
{
    const char *root = string_of(cfg, "root");
    const char *extra = string_of(cfg, "extra");
    size_t len;

    if (cfg->cmdline || !root) {
        cfg->cmdline = cfg->cmdline ? cfg->cmdline : extra;
        return 0;
    }
    len = strlen(root) + (extra ? strlen(extra) + 1 : 0) + sizeof("root=");
    cfg->cmdline_buf = malloc(len);
    if (!cfg->cmdline_buf)
        return -ENOMEM;
    snprintf(cfg->cmdline_buf, len, "root=%s%s%s", root, extra ? " " : "",
             extra ? extra : "");
    cfg->cmdline = cfg->cmdline_buf;
    return 0;
}

static void set_defaults(struct xlcfg *cfg)
{
    free(cfg->cmdline_buf);
    cfg->cmdline_buf = NULL;
    cfg->name = cfg->kernel = cfg->ramdisk = cfg->cmdline = NULL;
    cfg->cpus = NULL;
    cfg->type = XLCFG_PV;
    cfg->memory_mb = 32;
    cfg->vcpus = 1;
    cfg->on_poweroff = XLCFG_DESTROY;
    cfg->on_reboot = XLCFG_RESTART;
    cfg->on_crash = XLCFG_DESTROY;
    cfg->hap = true;
}

/* The known keys from the last setting of each, then derived defaults. */
static int interpret(struct xlcfg *cfg, FILE *err)
{
    const struct xlcfg_setting *s;
    int rc = 0;

    set_defaults(cfg);
    /* In file order, so that messages are too; only the last of a key. */
    for (s = cfg->settings; s < cfg->settings + cfg->nsettings; s++)
        if (s->known && xlcfg_find(cfg, s->key) == s &&
            !apply_rule(cfg, rule_for(s->key), s, err))
            rc = -EINVAL;
    if (!xlcfg_find(cfg, "maxmem"))
        cfg->maxmem_mb = cfg->memory_mb;
    if (!xlcfg_find(cfg, "memory_min"))
        cfg->memory_min_mb = cfg->memory_mb;
    if (!xlcfg_find(cfg, "memory_dynamic_max"))
        cfg->memory_dynamic_max_mb = cfg->maxmem_mb;
    if (!xlcfg_find(cfg, "maxvcpus"))
        cfg->maxvcpus = cfg->vcpus;
    return join_cmdline(cfg) ? -ENOMEM : rc;
}

/* ---- checks ---- */

/* Where key was set (for messages): source and line, or the file. */
#define at(cfg, key) at_source(cfg, key), at_line(cfg, key)

static const char *at_source(const struct xlcfg *cfg, const char *key)
{
    const struct xlcfg_setting *s = xlcfg_find(cfg, key);

    return s ? s->source : cfg->file ? cfg->file : "config";
}

static int at_line(const struct xlcfg *cfg, const char *key)
{
    const struct xlcfg_setting *s = xlcfg_find(cfg, key);

    return s ? s->line : 0;
}

static int check_memory(const struct xlcfg *cfg, FILE *err)
{
    int errors = 0;

    if (cfg->memory_mb == 0 && ++errors)
        report(err, at(cfg, "memory"), "memory must be greater than 0");
    if (cfg->maxmem_mb < cfg->memory_mb && ++errors)
        report(err, at(cfg, "maxmem"), "maxmem (%lu MiB) must not be less "
               "than memory (%lu MiB)", cfg->maxmem_mb, cfg->memory_mb);
    /* The balloon keys default to memory and maxmem: only a value given
     * can be out of place. */
    if (xlcfg_find(cfg, "memory_min") &&
        cfg->memory_min_mb > cfg->memory_mb && ++errors)
        report(err, at(cfg, "memory_min"), "memory_min (%lu MiB) must not be "
               "more than memory (%lu MiB)", cfg->memory_min_mb,
               cfg->memory_mb);
    if (xlcfg_find(cfg, "memory_dynamic_max") &&
        (cfg->memory_dynamic_max_mb < cfg->memory_mb ||
         cfg->memory_dynamic_max_mb > cfg->maxmem_mb) && ++errors)
        report(err, at(cfg, "memory_dynamic_max"), "memory_dynamic_max (%lu "
               "MiB) must be between memory (%lu MiB) and maxmem (%lu MiB)",
               cfg->memory_dynamic_max_mb, cfg->memory_mb, cfg->maxmem_mb);
    return errors;
}

int xlcfg_check(const struct xlcfg *cfg, FILE *err)
{
    int errors = 0;

    if ((!cfg->name || !*cfg->name) && ++errors && err)
        fprintf(err, "Domain name must be specified.\n");
    if (cfg->type != XLCFG_PV && ++errors)
        report(err, at(cfg, "type"), "type '%s' is not supported yet",
               xlcfg_type_name(cfg->type));
    errors += check_memory(cfg, err);
    if (cfg->vcpus == 0 && ++errors)
        report(err, at(cfg, "vcpus"), "vcpus must be at least 1");
    if (cfg->maxvcpus < cfg->vcpus && ++errors)
        report(err, at(cfg, "maxvcpus"), "maxvcpus (%u) must not be less "
               "than vcpus (%u)", cfg->maxvcpus, cfg->vcpus);
    if (cfg->type == XLCFG_PV && !cfg->kernel && ++errors)
        report(err, at_source(cfg, "kernel"), 0,
               "kernel must be specified for a PV guest");
    if (xlcfg_find(cfg, "cmdline") &&
        (xlcfg_find(cfg, "root") || xlcfg_find(cfg, "extra")))
        report(err, at(cfg, "cmdline"), "warning: ignoring root= and extra= "
               "in favour of cmdline=");
    return errors ? -EINVAL : 0;
}

/* ---- public ---- */

void xlcfg_init(struct xlcfg *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    set_defaults(cfg);
    cfg->maxmem_mb = cfg->memory_min_mb = cfg->memory_mb;
    cfg->memory_dynamic_max_mb = cfg->memory_mb;
    cfg->maxvcpus = cfg->vcpus;
}

void xlcfg_free(struct xlcfg *cfg)
{
    for (size_t i = 0; i < cfg->nsettings; i++) {
        free(cfg->settings[i].key);
        value_free(&cfg->settings[i].value);
    }
    for (size_t i = 0; i < cfg->nsources; i++)
        free(cfg->sources[i]);
    free(cfg->settings);
    free(cfg->sources);
    free(cfg->cmdline_buf);
    memset(cfg, 0, sizeof(*cfg));
}

const struct xlcfg_setting *xlcfg_find(const struct xlcfg *cfg,
                                       const char *key)
{
    for (size_t i = cfg->nsettings; i-- > 0;)
        if (!strcmp(cfg->settings[i].key, key))
            return &cfg->settings[i];
    return NULL;
}

int xlcfg_parse(struct xlcfg *cfg, const char *source, const char *text,
                size_t len, FILE *err)
{
    const char *src = intern_source(cfg, source);
    int rc = src ? parse_text(cfg, src, 1, text, len, err) : -ENOMEM;
    int rc2 = interpret(cfg, rc ? NULL : err);

    return rc ? rc : rc2;
}

int xlcfg_parse_stream(struct xlcfg *cfg, const char *source, FILE *in,
                       FILE *err)
{
    size_t len = 0, size = 4096, got;
    char *buf = NULL, *bigger;
    int rc;

    do {
        if (!buf || len == size) {
            size = buf ? size * 2 : size;
            if (!(bigger = realloc(buf, size))) {
                free(buf);
                return -ENOMEM;
            }
            buf = bigger;
        }
        got = fread(buf + len, 1, size - len, in);
        len += got;
    } while (got);
    rc = ferror(in) ? -EIO : xlcfg_parse(cfg, source, buf, len, err);
    free(buf);
    return rc;
}

int xlcfg_apply_overrides(struct xlcfg *cfg, int n, char *const *kv,
                          FILE *err)
{
    static const char source[] = "command line";
    const char *src = intern_source(cfg, source);
    int rc = src ? 0 : -ENOMEM;

    for (int i = 0; i < n && !rc; i++)
        rc = is_bare_override(kv[i])
                 ? bare_override(cfg, kv[i], src, i + 1, err)
                 : parse_text(cfg, src, i + 1, kv[i], strlen(kv[i]), err);
    if (!rc || rc == -EINVAL) {
        int rc2 = interpret(cfg, rc ? NULL : err);

        rc = rc ? rc : rc2;
    }
    return rc;
}

int xlcfg_vcpu_affinity(const struct xlcfg *cfg, unsigned int vcpu,
                        unsigned int nr_cpus, struct xl_cpumap *map,
                        FILE *err)
{
    const struct xlcfg_value *v = cfg->cpus;

    if (!v || (v->kind == XLCFG_LIST && vcpu >= v->nitems))
        return 0;
    if (v->kind == XLCFG_LIST)
        v = &v->items[vcpu];
    return xl_parse_cpulist(v->str, nr_cpus, map, err) ? XL_EXIT_FAILURE : 1;
}

const char *xlcfg_type_name(enum xlcfg_type type)
{
    return (unsigned int)type < ARRAY_LEN(type_names) ? type_names[type]
                                                      : "?";
}

const char *xlcfg_action_name(enum xlcfg_action action)
{
    return (unsigned int)action < ARRAY_LEN(action_names)
               ? action_names[action] : "?";
}
