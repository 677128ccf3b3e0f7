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

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the keys xen-lite knows ---- */

enum rule_kind {
    R_STRING, R_MIB, R_COUNT, R_BOOL, R_TYPE, R_ACTION, R_CPUS, R_UUID,
    R_BUILDER,
};

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
    { "cpus_soft", R_CPUS, F(cpus_soft) },
    { "uuid", R_UUID, NO_FIELD },
    { "builder", R_BUILDER, NO_FIELD },
    { "kernel", R_STRING, F(kernel) },
    { "ramdisk", R_STRING, F(ramdisk) },
    { "cmdline", R_STRING, F(cmdline) },
    { "root", R_STRING, NO_FIELD },
    { "extra", R_STRING, NO_FIELD },
    { "on_poweroff", R_ACTION, F(on_poweroff) },
    { "on_reboot", R_ACTION, F(on_reboot) },
    { "on_crash", R_ACTION, F(on_crash) },
    { "hap", R_BOOL, F(hap) },
    { "shadow_memory", R_MIB, F(shadow_memory_mb) },
    { "cpu_weight", R_COUNT, F(cpu_weight) },
    { "cap", R_COUNT, F(cap) },
};

static const char *const type_names[] = { "pv", "pvh", "hvm" };
/* builder= (xl's spelling of type= before Xen 4.10): "generic" is pv. */
static const char *const builder_names[] = { "generic", "hvm" };
static const enum xlcfg_type builder_types[] = { XLCFG_PV, XLCFG_HVM };
static const char *const action_names[] = {
    "destroy", "restart", "rename-restart", "preserve",
    "coredump-destroy", "coredump-restart", "soft-reset",
};

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

const char *xlcfg_rule_key(size_t i)
{
    return i < ARRAY_LEN(rules) ? rules[i].key : NULL;
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

/* A UUID as xl takes one: 32 hex digits, dashes between the groups
 * 8-4-4-4-12. */
static bool uuid_of(const char *str, uint8_t u[16])
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    unsigned int n = 0;

    if (strlen(str) != sizeof(shape) - 1)
        return false;
    for (const char *p = str, *q = shape; *q; p++, q++) {
        if (*q == '-') {
            if (*p != '-')
                return false;
            continue;
        }
        if (!isxdigit((unsigned char)*p))
            return false;
        u[n / 2] = (uint8_t)((n % 2 ? u[n / 2] << 4 : 0) |
                             (isdigit((unsigned char)*p) ? *p - '0'
                                                        : (*p | 0x20) - 'a' + 10));
        n++;
    }
    return true;
}

static bool apply_choice(const struct xlcfg_setting *s, const char *const *names,
                         size_t n, int *val, FILE *err)
{
    return choice_of(s->value.str, names, n, val) ||
           bad_choice(s, names, n, err);
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
        if (!read_number(s, ULONG_MAX, "a number of MiB", &n, err))
            return false;
        if (n > XLCFG_MAX_MIB) {
            xlcfg_report(err, s->source, s->line, "%s = %s MiB does not fit: "
                         "at most %llu MiB (the x86-64 physical address "
                         "space)", s->key, v->str,
                         (unsigned long long)XLCFG_MAX_MIB);
            return false;
        }
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
        if (!apply_choice(s, type_names, ARRAY_LEN(type_names), &c, err))
            return false;
        *(enum xlcfg_type *)field = (enum xlcfg_type)c;
        return true;
    case R_ACTION:
        if (!apply_choice(s, action_names, ARRAY_LEN(action_names), &c, err))
            return false;
        *(enum xlcfg_action *)field = (enum xlcfg_action)c;
        return true;
    case R_BUILDER:
        return apply_choice(s, builder_names, ARRAY_LEN(builder_names), &c,
                            err);
    case R_UUID:
        if ((cfg->has_uuid = uuid_of(v->str, cfg->uuid)))
            return true;
        xlcfg_report(err, s->source, s->line, "uuid must look like "
                     "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex), got \"%s\"",
                     v->str);
        return false;
    default:
        *(const struct xlcfg_value **)field = v;
        return cpus_ok(s, err);
    }
}

/* builder= says what type= says (xl's deprecated spelling): the type,
 * unless type= says otherwise.  False after a message. */
static bool apply_builder(struct xlcfg *cfg, FILE *err)
{
    const struct xlcfg_setting *b = xlcfg_find(cfg, "builder");
    const struct xlcfg_setting *t = xlcfg_find(cfg, "type");
    int c;

    if (!b || !choice_of(b->value.str, builder_names, ARRAY_LEN(builder_names),
                         &c))
        return true;
    if (t && cfg->type != builder_types[c]) {
        xlcfg_report(err, b->source, b->line, "builder = \"%s\" contradicts "
                     "type = \"%s\" (%s:%d)", b->value.str,
                     xlcfg_type_name(cfg->type), t->source, t->line);
        return false;
    }
    cfg->type = builder_types[c];
    return true;
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
    cfg->cpus = cfg->cpus_soft = NULL;
    cfg->has_uuid = false;
    cfg->type = XLCFG_PV;
    cfg->memory_mb = 32;
    cfg->vcpus = 1;
    cfg->on_poweroff = XLCFG_DESTROY;
    cfg->on_reboot = XLCFG_RESTART;
    cfg->on_crash = XLCFG_DESTROY;
    cfg->hap = true;
    cfg->cpu_weight = cfg->cap = 0;
}

/* The known keys from the last setting of each, then derived defaults. */
static int interpret(struct xlcfg *cfg, FILE *err)
{
    const struct xlcfg_setting *s;
    int rc = 0;

    set_defaults(cfg);
    /* In file order, so that messages are too; only the last of a key.
     * By index: an empty file has no settings array at all. */
    for (size_t i = 0; i < cfg->nsettings; i++) {
        s = &cfg->settings[i];
        if (s->known && xlcfg_find(cfg, s->key) == s &&
            !apply_rule(cfg, rule_for(s->key), s, err))
            rc = -EINVAL;
    }
    if (!apply_builder(cfg, err))
        rc = -EINVAL;
    cfg->dynamic_range = xlcfg_find(cfg, "memory_min") ||
                         xlcfg_find(cfg, "memory_dynamic_max");
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

/* A name every xl command can use: xl takes an all-digit argument for a
 * domain id, and the hypervisor's names are 63 characters at most. */
static int check_name(const struct xlcfg *cfg, FILE *err)
{
    if (!cfg->name || !*cfg->name) {
        if (err)
            fprintf(err, "Domain name must be specified.\n");
        return 1;
    }
    if (xlcfg_name_problem(cfg->name)) {
        xlcfg_report(err, at(cfg, "name"), "name \"%.80s%s\" %s",
                     cfg->name, strlen(cfg->name) > 80 ? "..." : "",
                     xlcfg_name_problem(cfg->name));
        return 1;
    }
    return 0;
}

static int check_type(const struct xlcfg *cfg, FILE *err)
{
    const char *key = xlcfg_find(cfg, "type") ? "type" : "builder";

    if (cfg->type == XLCFG_HVM) {
        xlcfg_report(err, at(cfg, key), "type 'hvm' is not supported by "
                     "xen-lite: hardware-virtualized guests run as type = "
                     "\"pvh\"");
        return 1;
    }
    return cfg->type != XLCFG_PV && cfg->type != XLCFG_PVH;
}

static int check_vcpus(const struct xlcfg *cfg, FILE *err)
{
    int errors = 0;

    if (cfg->vcpus == 0 && ++errors)
        xlcfg_report(err, at(cfg, "vcpus"), "vcpus must be at least 1");
    if (cfg->maxvcpus < cfg->vcpus && ++errors)
        xlcfg_report(err, at(cfg, "maxvcpus"), "maxvcpus (%u) must not be less "
               "than vcpus (%u)", cfg->maxvcpus, cfg->vcpus);
    else if (cfg->maxvcpus > XLCFG_MAX_VCPUS && ++errors)
        xlcfg_report(err, at(cfg, xlcfg_find(cfg, "maxvcpus") ? "maxvcpus"
                                                             : "vcpus"),
                     "%s = %u: a domain has at most %u vCPUs",
                     xlcfg_find(cfg, "maxvcpus") ? "maxvcpus" : "vcpus",
                     cfg->maxvcpus, XLCFG_MAX_VCPUS);
    return errors;
}

int xlcfg_check(const struct xlcfg *cfg, FILE *err)
{
    int errors = check_name(cfg, err);

    errors += check_type(cfg, err);
    errors += check_memory(cfg, err);
    errors += check_vcpus(cfg, err);
    if (cfg->type != XLCFG_HVM && !cfg->kernel && ++errors)
        xlcfg_report(err, at_source(cfg, "kernel"), 0,
               "kernel must be specified for a %s guest",
               cfg->type == XLCFG_PVH ? "PVH" : "PV");
    if (xlcfg_find(cfg, "cmdline") &&
        (xlcfg_find(cfg, "root") || xlcfg_find(cfg, "extra")))
        xlcfg_report(err, at(cfg, "cmdline"), "warning: ignoring root= and extra= "
               "in favour of cmdline=");
    return errors ? -EINVAL : 0;
}

const char *xlcfg_name_problem(const char *name)
{
    if (strspn(name, "0123456789") == strlen(name))
        return "is all digits: xl takes such an argument for a domain id";
    if (strlen(name) > XLCFG_NAME_MAX)
        return "is too long: at most 63 characters";
    return NULL;
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

static int vcpu_map(const struct xlcfg_value *v, unsigned int vcpu,
                    unsigned int nr_cpus, struct xl_cpumap *map, FILE *err)
{
    if (!v || (v->kind == XLCFG_LIST && vcpu >= v->nitems))
        return 0;
    if (v->kind == XLCFG_LIST)
        v = &v->items[vcpu];
    return xl_parse_cpulist(v->str, nr_cpus, map, err) ? -1 : 1;
}

int xlcfg_vcpu_affinity(const struct xlcfg *cfg, unsigned int vcpu,
                        unsigned int nr_cpus, struct xl_cpumap *map,
                        FILE *err)
{
    return vcpu_map(cfg->cpus, vcpu, nr_cpus, map, err);
}

int xlcfg_vcpu_soft_affinity(const struct xlcfg *cfg, unsigned int vcpu,
                             unsigned int nr_cpus, struct xl_cpumap *map,
                             FILE *err)
{
    return vcpu_map(cfg->cpus_soft, vcpu, nr_cpus, map, err);
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
