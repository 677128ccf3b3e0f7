/*
 * xl's JSON (see xljson.h): a generator that lays text out as yajl does
 * with libxl's settings (beautify, four-space indent), and the domain
 * configuration in libxl_domain_config's shape.
 */
#include <string.h>

#include "xljson.h"

/* Where the generator is at each depth, as yajl's states. */
enum {
    J_START, J_MAP_START, J_MAP_KEY, J_MAP_VAL, J_ARRAY_START, J_IN_ARRAY,
    J_COMPLETE,
};

#define INDENT "    "

void xljson_init(struct xljson *j, FILE *f)
{
    memset(j, 0, sizeof(*j));
    j->f = f;
    j->state[0] = J_START;
}

static void indent(struct xljson *j)
{
    if (j->state[j->depth] != J_MAP_VAL)
        for (unsigned int i = 0; i < j->depth; i++)
            fputs(INDENT, j->f);
}

/* Before a value or key: the separator its position needs, then the
 * indentation of a new line. */
static void before(struct xljson *j)
{
    unsigned char s = j->state[j->depth];

    if (s == J_MAP_KEY || s == J_IN_ARRAY)
        fputs(",\n", j->f);
    else if (s == J_MAP_VAL)
        fputs(": ", j->f);
    indent(j);
}

/* After a whole value or key: the state that follows it. */
static void appended(struct xljson *j)
{
    unsigned char *s = &j->state[j->depth];

    switch (*s) {
    case J_START: *s = J_COMPLETE; break;
    case J_MAP_START:
    case J_MAP_KEY: *s = J_MAP_VAL; break;
    case J_ARRAY_START: *s = J_IN_ARRAY; break;
    case J_MAP_VAL: *s = J_MAP_KEY; break;
    default: break;
    }
}

/* The whole document is out: it ends with a newline. */
static void final_newline(struct xljson *j)
{
    if (j->state[j->depth] == J_COMPLETE)
        fputc('\n', j->f);
}

static void open_container(struct xljson *j, char c, unsigned char state)
{
    before(j);
    if (j->depth < XLJSON_MAX_DEPTH)
        j->state[++j->depth] = state;
    fprintf(j->f, "%c\n", c);
}

static void close_container(struct xljson *j, char c)
{
    if (j->depth)
        j->depth--;
    fputc('\n', j->f);
    appended(j);
    indent(j);
    fputc(c, j->f);
    final_newline(j);
}

void xljson_map_open(struct xljson *j)
{
    open_container(j, '{', J_MAP_START);
}

void xljson_map_close(struct xljson *j)
{
    close_container(j, '}');
}

void xljson_array_open(struct xljson *j)
{
    open_container(j, '[', J_ARRAY_START);
}

void xljson_array_close(struct xljson *j)
{
    close_container(j, ']');
}

/* yajl's escapes: the two-character ones, \u00XX for other controls. */
void xljson_string(struct xljson *j, const char *s)
{
    static const char plain[] = "\"\"\\\\\bb\ff\nn\rr\tt";

    before(j);
    fputc('"', j->f);
    for (; *s; s++) {
        const char *esc = strchr(plain, *s);
        unsigned char c = (unsigned char)*s;

        if (esc && (esc - plain) % 2 == 0)
            fprintf(j->f, "\\%c", esc[1]);
        else if (c < 0x20)
            fprintf(j->f, "\\u%04x", c);
        else
            fputc(c, j->f);
    }
    fputc('"', j->f);
    appended(j);
    final_newline(j);
}

void xljson_integer(struct xljson *j, long long n)
{
    before(j);
    fprintf(j->f, "%lld", n);
    appended(j);
    final_newline(j);
}

void xljson_kv_string(struct xljson *j, const char *key, const char *s)
{
    xljson_string(j, key);
    xljson_string(j, s);
}

void xljson_kv_integer(struct xljson *j, const char *key, long long n)
{
    xljson_string(j, key);
    xljson_integer(j, n);
}

/* ---- libxl_domain_config ---- */

static void empty_map(struct xljson *j, const char *key)
{
    xljson_string(j, key);
    xljson_map_open(j);
    xljson_map_close(j);
}

static void bitmap(struct xljson *j, uint64_t bits)
{
    xljson_array_open(j);
    for (unsigned int i = 0; i < 64; i++)
        if (bits >> i & 1)
            xljson_integer(j, i);
    xljson_array_close(j);
}

static void uuid_string(const uint8_t u[16], char out[37])
{
    for (int i = 0, n = 0; i < 16; i++)
        n += snprintf(out + n, 37 - n, "%s%02x",
                      i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", u[i]);
}

static void c_info(struct xljson *j, const struct xlcfg *cfg,
                   const char *name, const uint8_t uuid[16])
{
    char text[37];

    xljson_string(j, "c_info");
    xljson_map_open(j);
    xljson_kv_string(j, "type", xlcfg_type_name(cfg->type));
    if (cfg->type != XLCFG_PV && xlcfg_find(cfg, "hap"))
        xljson_kv_string(j, "hap", cfg->hap ? "True" : "False");
    if (name)
        xljson_kv_string(j, "name", name);
    uuid_string(uuid, text);
    xljson_kv_string(j, "uuid", text);
    xljson_kv_string(j, "run_hotplug_scripts", "True");
    xljson_map_close(j);
}

/* vcpu_hard_affinity (or _soft): one bitmap per vCPU, when cpus= (or
 * cpus_soft=) pins them.  A map that cannot be parsed stays empty. */
static void affinities(struct xljson *j, const struct xlcfg *cfg,
                       const char *key, bool soft)
{
    const struct xlcfg_value *v = soft ? cfg->cpus_soft : cfg->cpus;
    unsigned int n = v && v->kind == XLCFG_LIST ? (unsigned int)v->nitems
                                                : cfg->maxvcpus;

    if (!v || !n)
        return;
    xljson_string(j, key);
    xljson_array_open(j);
    for (unsigned int i = 0; i < n; i++) {
        const struct xlcfg_value *item = v->kind == XLCFG_LIST ? &v->items[i]
                                                               : v;
        struct xl_cpumap map;

        xl_cpumap_clear(&map);
        if (item->kind != XLCFG_LIST)
            xl_parse_cpulist(item->str, 64, &map, NULL);
        bitmap(j, map.bits[0]);
    }
    xljson_array_close(j);
}

static void sched_params(struct xljson *j, const struct xlcfg *cfg,
                         const struct xljson_live *live)
{
    xljson_string(j, "sched_params");
    xljson_map_open(j);
    if (live)
        xljson_kv_string(j, "sched", "credit");
    if (live || cfg->cpu_weight)
        xljson_kv_integer(j, "weight", live ? live->weight : cfg->cpu_weight);
    if (live || xlcfg_find(cfg, "cap"))
        xljson_kv_integer(j, "cap", live ? live->cap : cfg->cap);
    xljson_map_close(j);
}

static void b_info(struct xljson *j, const struct xlcfg *cfg,
                   const struct xljson_live *live)
{
    uint64_t online = live ? live->online_vcpus
                           : (cfg->vcpus >= 64 ? ~0ull
                                               : (1ull << cfg->vcpus) - 1);

    xljson_string(j, "b_info");
    xljson_map_open(j);
    xljson_kv_integer(j, "max_vcpus", cfg->maxvcpus);
    xljson_string(j, "avail_vcpus");
    bitmap(j, online);
    affinities(j, cfg, "vcpu_hard_affinity", false);
    affinities(j, cfg, "vcpu_soft_affinity", true);
    xljson_kv_integer(j, "max_memkb", live ? (long long)live->max_memkb
                                           : (long long)cfg->maxmem_mb * 1024);
    xljson_kv_integer(j, "target_memkb",
                      live ? (long long)live->target_memkb
                           : (long long)cfg->memory_mb * 1024);
    sched_params(j, cfg, live);
    if (cfg->kernel)
        xljson_kv_string(j, "kernel", cfg->kernel);
    if (cfg->cmdline)
        xljson_kv_string(j, "cmdline", cfg->cmdline);
    if (cfg->ramdisk)
        xljson_kv_string(j, "ramdisk", cfg->ramdisk);
    empty_map(j, cfg->type == XLCFG_PV ? "type.pv" :
                 cfg->type == XLCFG_PVH ? "type.pvh" : "type.hvm");
    empty_map(j, "arch_arm");
    empty_map(j, "arch_x86");
    xljson_map_close(j);
}

/* libxl's names of the on_* actions, which differ from xl.cfg's. */
static const char *const action_json[] = {
    "destroy", "restart", "restart_rename", "preserve", "coredump_destroy",
    "coredump_restart", "soft_reset",
};

static void action(struct xljson *j, const char *key, enum xlcfg_action a)
{
    if (a != XLCFG_DESTROY && (unsigned int)a < sizeof(action_json) /
                                                sizeof(action_json[0]))
        xljson_kv_string(j, key, action_json[a]);
}

static void config(struct xljson *j, const struct xlcfg *cfg,
                   const struct xljson_live *live, const uint8_t uuid[16])
{
    xljson_map_open(j);
    c_info(j, cfg, live ? live->name : cfg->name, live ? live->uuid : uuid);
    b_info(j, cfg, live);
    action(j, "on_poweroff", cfg->on_poweroff);
    action(j, "on_reboot", cfg->on_reboot);
    action(j, "on_crash", cfg->on_crash);
    action(j, "on_soft_reset", XLCFG_SOFT_RESET);
    xljson_map_close(j);
}

void xljson_config(FILE *f, const struct xlcfg *cfg, const uint8_t uuid[16])
{
    struct xljson j;

    xljson_init(&j, f);
    config(&j, cfg, NULL, uuid);
}

void xljson_domain(struct xljson *j, const struct xlcfg *cfg,
                   const struct xljson_live *live)
{
    xljson_map_open(j);
    xljson_kv_integer(j, "domid", live->domid);
    xljson_string(j, "config");
    config(j, cfg, live, NULL);
    xljson_map_close(j);
}
