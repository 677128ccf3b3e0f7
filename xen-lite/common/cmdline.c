/*
 * Hypervisor command-line parsing (Xen's conventions): options are separated
 * by spaces; each is "name", "no-name" or "name=value".  Pure logic, unit
 * tested on the host.
 */
#include "xen/lib.h"
#include "xen/param.h"

static bool word_is(const char *s, size_t len, const char *w)
{
    return strlen(w) == len && !strncmp(s, w, len);
}

int parse_bool(const char *s, size_t len)
{
    static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
    static const char *const no[] = { "0", "no", "off", "false", "disable" };

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (word_is(s, len, yes[i]))
            return 1;
        if (word_is(s, len, no[i]))
            return 0;
    }
    return -1;
}

static const struct param *find(const struct param *p, size_t n,
                                const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (word_is(name, len, p[i].name))
            return &p[i];
    return NULL;
}

/* Parse an unsigned number that must fill val[0..len) exactly. */
static bool parse_whole_number(const char *val, size_t len, bool size,
                               unsigned long long *out)
{
    const char *end;

    if (!len || val[0] < '0' || val[0] > '9')
        return false;
    *out = size ? parse_size(val, &end) : simple_strtoull(val, &end, 0);
    return end == val + len;
}

/* Apply one option's value; val is NULL when there was no '='. */
static bool apply(const struct param *p, const char *val, size_t vlen,
                  bool negated)
{
    unsigned long long n;
    int b;

    switch (p->type) {
    case PARAM_BOOL:
        b = val ? parse_bool(val, vlen) : 1;
        if (b < 0)
            return false;
        *(bool *)p->var = negated ? !b : b;
        return true;
    case PARAM_UINT:
    case PARAM_SIZE:
        if (!val || negated ||
            !parse_whole_number(val, vlen, p->type == PARAM_SIZE, &n))
            return false;
        *(unsigned long *)p->var = n;
        return true;
    case PARAM_STRING:
        if (!val || negated || vlen >= p->len)
            return false;
        memcpy(p->var, val, vlen);
        ((char *)p->var)[vlen] = '\0';
        return true;
    case PARAM_CUSTOM: {
        char buf[128];
        if (negated || vlen >= sizeof(buf))
            return false;
        if (val) {
            memcpy(buf, val, vlen);
            buf[vlen] = '\0';
        }
        return p->fn(val ? buf : NULL) == 0;
    }
    }
    return false;
}

static int parse_one(const char *opt, size_t len, const struct param *params,
                     size_t n, param_error_fn on_error, void *ctx)
{
    const char *eq = memchr(opt, '=', len);
    size_t nlen = eq ? (size_t)(eq - opt) : len;
    const char *val = eq ? eq + 1 : NULL;
    size_t vlen = eq ? len - nlen - 1 : 0;
    const struct param *p = find(params, n, opt, nlen);
    bool negated = false;

    if (!p && nlen > 3 && !strncmp(opt, "no-", 3)) {
        p = find(params, n, opt + 3, nlen - 3);
        negated = p && p->type == PARAM_BOOL && !val;
        if (!negated)
            p = NULL;
    }
    if (!p) {
        on_error(PARAM_ERR_UNKNOWN, opt, len, ctx);
        return 1;
    }
    if (!apply(p, val, vlen, negated)) {
        on_error(PARAM_ERR_VALUE, opt, len, ctx);
        return 1;
    }
    return 0;
}

int cmdline_parse(const char *cmdline, const struct param *params, size_t n,
                  param_error_fn on_error, void *ctx)
{
    const char *s = cmdline;
    int errors = 0;

    while (s && *s) {
        size_t len;

        while (*s == ' ' || *s == '\t')
            s++;
        for (len = 0; s[len] && s[len] != ' ' && s[len] != '\t'; len++)
            ;
        if (len)
            errors += parse_one(s, len, params, n, on_error, ctx);
        s += len;
    }
    return errors;
}
