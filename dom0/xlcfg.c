/*
 * xl.cfg configurations (see xlcfg.h): the keys xen-lite knows, read
 * from the last setting of each with their defaults, the checks that
 * decide whether the domain can be built, and the public interface.  The
 * syntax is read by xlcfg_syntax.c.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xlcfg.h"
#include "xlcfg_int.h"

#define MAX_MIB        (ULONG_MAX >> 10)     /* KiB must fit too */

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

bool xlcfg_key_known(const char *key)
{
    return rule_for(key) != NULL;
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
    xlcfg_report(err, s->source, s->line, "%s must be %s, got \"%s\"", s->key,
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
    xlcfg_report(err, s->source, s->line, "unknown value '%s' for %s (%s)",
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
            xlcfg_report(err, s->source, s->line, "invalid CPU list \"%s\" for %s",
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
        xlcfg_report(err, s->source, s->line, "%s must be a single value, not a "
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
        xlcfg_report(err, at(cfg, "memory"), "memory must be greater than 0");
    if (cfg->maxmem_mb < cfg->memory_mb && ++errors)
        xlcfg_report(err, at(cfg, "maxmem"), "maxmem (%lu MiB) must not be less "
               "than memory (%lu MiB)", cfg->maxmem_mb, cfg->memory_mb);
    /* The balloon keys default to memory and maxmem: only a value given
     * can be out of place. */
    if (xlcfg_find(cfg, "memory_min") &&
        cfg->memory_min_mb > cfg->memory_mb && ++errors)
        xlcfg_report(err, at(cfg, "memory_min"), "memory_min (%lu MiB) must not be "
               "more than memory (%lu MiB)", cfg->memory_min_mb,
               cfg->memory_mb);
    if (xlcfg_find(cfg, "memory_dynamic_max") &&
        (cfg->memory_dynamic_max_mb < cfg->memory_mb ||
         cfg->memory_dynamic_max_mb > cfg->maxmem_mb) && ++errors)
        xlcfg_report(err, at(cfg, "memory_dynamic_max"), "memory_dynamic_max (%lu "
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
        xlcfg_report(err, at(cfg, "type"), "type '%s' is not supported yet",
               xlcfg_type_name(cfg->type));
    errors += check_memory(cfg, err);
    if (cfg->vcpus == 0 && ++errors)
        xlcfg_report(err, at(cfg, "vcpus"), "vcpus must be at least 1");
    if (cfg->maxvcpus < cfg->vcpus && ++errors)
        xlcfg_report(err, at(cfg, "maxvcpus"), "maxvcpus (%u) must not be less "
               "than vcpus (%u)", cfg->maxvcpus, cfg->vcpus);
    if (cfg->type == XLCFG_PV && !cfg->kernel && ++errors)
        xlcfg_report(err, at_source(cfg, "kernel"), 0,
               "kernel must be specified for a PV guest");
    if (xlcfg_find(cfg, "cmdline") &&
        (xlcfg_find(cfg, "root") || xlcfg_find(cfg, "extra")))
        xlcfg_report(err, at(cfg, "cmdline"), "warning: ignoring root= and extra= "
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
        xlcfg_value_free(&cfg->settings[i].value);
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
    const char *src = xlcfg_intern_source(cfg, source);
    int rc = src ? xlcfg_parse_text(cfg, src, 1, text, len, err) : -ENOMEM;
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
    const char *src = xlcfg_intern_source(cfg, source);
    int rc = src ? 0 : -ENOMEM;

    for (int i = 0; i < n && !rc; i++)
        rc = xlcfg_parse_override(cfg, kv[i], src, i + 1, err);
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
