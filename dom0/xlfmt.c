/*
 * xl's output formats (see xlfmt.h).  Column widths and separators are
 * those of Xen 4.17's tools/xl and tools/xentop, TABs included.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xlfmt.h"

/*
 * Times and percentages are computed in floating point exactly as xl and
 * xentop compute them, so that printf rounds them the same way (6.25
 * prints as 6.2).  None of this runs in an event handler.
 */

/* xl's "%W.1f" of (float)ns / 1e9. */
static void print_secs(FILE *f, int width, uint64_t ns)
{
    fprintf(f, "%*.1f", width, (float)ns / 1e9);
}

/* xentop's "%W.1f" of part / whole * 100. */
static void print_pct(FILE *f, int width, double part, double whole)
{
    fprintf(f, "%*.1f", width, whole > 0 ? part / whole * 100 : 0.0);
}

/* ---- xl list ---- */

/* The shutdown reason letters of xl list's fifth state column. */
static char reason_letter(const struct xl_dominfo *d)
{
    static const char letters[] = "-rscwS";
    unsigned int reason = d->shutdown ? d->shutdown_reason : 0;

    return reason < sizeof(letters) - 1 ? letters[reason] : '?';
}

void xlfmt_uuid(FILE *f, const uint8_t u[16])
{
    for (int i = 0; i < 16; i++)
        fprintf(f, "%s%02x", i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "",
                u[i]);
}

void xlfmt_list(FILE *f, const struct xl_dominfo *doms, size_t n,
                bool verbose)
{
    fputs("Name                                        ID   Mem VCPUs\tState"
          "\tTime(s)", f);
    if (verbose)
        fputs("   UUID                            Reason-Code\tSecurity Label"
              "  Paging", f);
    fputc('\n', f);
    for (const struct xl_dominfo *d = doms; d < doms + n; d++) {
        fprintf(f, "%-40s %5u %5llu %5u     %c%c%c%c%c%c  ", d->name,
                d->domid, (unsigned long long)(d->mem_kb / 1024),
                d->vcpus_online, d->running ? 'r' : '-',
                d->blocked ? 'b' : '-', d->paused ? 'p' : '-',
                d->shutdown ? 's' : '-', reason_letter(d),
                d->dying ? 'd' : '-');
        print_secs(f, 8, d->cpu_time_ns);
        if (verbose) {
            fputc(' ', f);
            xlfmt_uuid(f, d->uuid);
            if (d->shutdown)
                fprintf(f, " %8x", d->shutdown_reason);
            else
                fprintf(f, " %8s", "-");
            fprintf(f, " %16s", d->ssid_label ? d->ssid_label : "-");
            fprintf(f, "  %s", d->paging ? d->paging : "-");
        }
        fputc('\n', f);
    }
}

/* ---- xl vcpu-list ---- */

void xlfmt_cpumap(FILE *f, const struct xl_cpumap *map,
                  unsigned int nr_cpus)
{
    unsigned int cpu = 0, first, runs = 0;

    if (nr_cpus > XL_MAX_CPUS)
        nr_cpus = XL_MAX_CPUS;
    while (cpu < nr_cpus) {
        if (!xl_cpumap_test(map, cpu)) {
            cpu++;
            continue;
        }
        for (first = cpu; cpu < nr_cpus && xl_cpumap_test(map, cpu); cpu++)
            ;
        if (first == 0 && cpu == nr_cpus) {
            fputs("all", f);
            return;
        }
        fprintf(f, "%s%u", runs++ ? "," : "", first);
        if (cpu - 1 > first)
            fprintf(f, "-%u", cpu - 1);
    }
    if (!runs)
        fputs("none", f);
}

void xlfmt_vcpu_list(FILE *f, const struct xl_vcpuinfo *vcpus, size_t n,
                     unsigned int nr_cpus)
{
    fprintf(f, "%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU",
            "State", "Time(s)", "Affinity (Hard / Soft)");
    for (const struct xl_vcpuinfo *v = vcpus; v < vcpus + n; v++) {
        fprintf(f, "%-32s %5u %5u", v->name, v->domid, v->vcpu);
        if (!v->online)
            fprintf(f, "%5c %3c%cp ", '-', '-', '-');
        else
            fprintf(f, "%5u %3c%c- ", v->cpu, v->running ? 'r' : '-',
                    v->blocked ? 'b' : '-');
        print_secs(f, 9, v->time_ns);
        fputs("  ", f);
        xlfmt_cpumap(f, &v->hard, nr_cpus);
        fputs(" / ", f);
        xlfmt_cpumap(f, &v->soft, nr_cpus);
        fputc('\n', f);
    }
}

/* ---- xl uptime ---- */

static void print_uptime(FILE *f, uint64_t s, bool short_mode)
{
    unsigned long long day = s / 86400;
    unsigned int hour = s / 3600 % 24, min = s / 60 % 60, sec = s % 60;

    if (day)
        fprintf(f, "%llu day%s, ", day, day > 1 ? "s" : "");
    fprintf(f, "%2u:%02u", hour, min);
    if (!short_mode)
        fprintf(f, ":%02u", sec);
}

void xlfmt_uptime(FILE *f, const struct xl_uptime *doms, size_t n)
{
    fprintf(f, "%-33s %4s %s\n", "Name", "ID", "Uptime");
    for (const struct xl_uptime *d = doms; d < doms + n; d++) {
        fprintf(f, "%-33s %4u ", d->name, d->domid);
        print_uptime(f, d->uptime_s, false);
        fputc('\n', f);
    }
}

void xlfmt_uptime_short(FILE *f, const struct xl_uptime *doms, size_t n,
                        const char *now_hms)
{
    for (const struct xl_uptime *d = doms; d < doms + n; d++) {
        fprintf(f, " %s up ", now_hms);
        print_uptime(f, d->uptime_s, true);
        fprintf(f, ", %s (%u)\n", d->name, d->domid);
    }
}

/* ---- xl info ---- */

/* One "key                    : value" line, or with only set, just the
 * value of a line that starts with only (xl's maybe_printf). */
static void info_line(FILE *f, const char *only, const char *key,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void info_line(FILE *f, const char *only, const char *key,
                      const char *fmt, ...)
{
    char head[32], *line;
    va_list ap;
    int hlen = snprintf(head, sizeof(head), "%-23s:", key), vlen;

    va_start(ap, fmt);
    vlen = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    line = malloc((size_t)(hlen + vlen) + 1);
    if (!line)
        return;
    memcpy(line, head, (size_t)hlen);
    va_start(ap, fmt);
    vsnprintf(line + hlen, (size_t)vlen + 1, fmt, ap);
    va_end(ap);
    if (!only)
        fprintf(f, "%s\n", line);
    else if (!strncmp(line, only, strlen(only)) && line[hlen] == ' ')
        fprintf(f, "%s\n", line + hlen + 1);
    free(line);
}

static void info_host(FILE *f, const struct xl_info *i, const char *only)
{
    const uint32_t *c = i->hw_caps;

    info_line(f, only, "host", " %s", i->host);
    info_line(f, only, "release", " %s", i->release);
    info_line(f, only, "version", " %s", i->version);
    info_line(f, only, "machine", " %s", i->machine);
    info_line(f, only, "nr_cpus", " %u", i->nr_cpus);
    info_line(f, only, "max_cpu_id", " %u", i->max_cpu_id);
    info_line(f, only, "nr_nodes", " %u", i->nr_nodes);
    info_line(f, only, "cores_per_socket", " %u", i->cores_per_socket);
    info_line(f, only, "threads_per_core", " %u", i->threads_per_core);
    info_line(f, only, "cpu_mhz", " %lu.%03lu", i->cpu_khz / 1000,
              i->cpu_khz % 1000);
    info_line(f, only, "hw_caps", " %08x:%08x:%08x:%08x:%08x:%08x:%08x:%08x",
              c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
    /* xl prints each capability as " cap": nothing at all if none. */
    info_line(f, only, "virt_caps", "%s%s", *i->virt_caps ? " " : "",
              i->virt_caps);
    info_line(f, only, "total_memory", " %llu",
              (unsigned long long)i->total_memory);
    info_line(f, only, "free_memory", " %llu",
              (unsigned long long)i->free_memory);
    info_line(f, only, "sharing_freed_memory", " %llu",
              (unsigned long long)i->sharing_freed_memory);
    info_line(f, only, "sharing_used_memory", " %llu",
              (unsigned long long)i->sharing_used_memory);
    info_line(f, only, "outstanding_claims", " %llu",
              (unsigned long long)i->outstanding_claims);
    info_line(f, only, "free_cpus", " %u", i->free_cpus);
}

void xlfmt_info(FILE *f, const struct xl_info *i, const char *only)
{
    info_host(f, i, only);
    info_line(f, only, "xen_major", " %u", i->xen_major);
    info_line(f, only, "xen_minor", " %u", i->xen_minor);
    info_line(f, only, "xen_extra", " %s", i->xen_extra);
    info_line(f, only, "xen_version", " %u.%u%s", i->xen_major, i->xen_minor,
              i->xen_extra);
    info_line(f, only, "xen_caps", " %s", i->xen_caps);
    info_line(f, only, "xen_scheduler", " %s", i->xen_scheduler);
    info_line(f, only, "xen_pagesize", " %lu", i->xen_pagesize);
    info_line(f, only, "platform_params", " virt_start=0x%llx",
              (unsigned long long)i->virt_start);
    info_line(f, only, "xen_changeset", " %s", i->xen_changeset);
    info_line(f, only, "xen_commandline", " %s", i->xen_commandline);
    info_line(f, only, "cc_compiler", " %s", i->cc_compiler);
    info_line(f, only, "cc_compile_by", " %s", i->cc_compile_by);
    info_line(f, only, "cc_compile_domain", " %s", i->cc_compile_domain);
    info_line(f, only, "cc_compile_date", " %s", i->cc_compile_date);
    info_line(f, only, "build_id", " %s", i->build_id);
    info_line(f, only, "xend_config_format", " %u", 4);
}

/* ---- xl sched-credit ---- */

void xlfmt_sched_credit_pool(FILE *f, const char *pool,
                             const struct xl_credit_params *p)
{
    if (!p)
        fprintf(f, "Cpupool %s: [sched params unavailable]\n", pool);
    else
        fprintf(f, "Cpupool %s: tslice=%ums ratelimit=%uus "
                "migration-delay=%uus\n", pool, p->tslice_ms,
                p->ratelimit_us, p->migr_delay_us);
}

void xlfmt_sched_credit_doms(FILE *f, const struct xl_credit_dom *doms,
                             size_t n)
{
    fprintf(f, "%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
    for (const struct xl_credit_dom *d = doms; d < doms + n; d++)
        fprintf(f, "%-33s %4u %6u %4u\n", d->name, d->domid, d->weight,
                d->cap);
}

/* ---- xl top -b (xentop) ---- */

static const struct { const char *name; int width; } top_fields[] = {
    { "NAME", 10 }, { "STATE", 6 }, { "CPU(sec)", 10 }, { "CPU(%)", 6 },
    { "MEM(k)", 10 }, { "MEM(%)", 6 }, { "MAXMEM(k)", 10 },
    { "MAXMEM(%)", 9 }, { "VCPUS", 5 }, { "NETS", 4 }, { "NETTX(k)", 8 },
    { "NETRX(k)", 8 }, { "VBDS", 4 }, { "VBD_OO", 8 }, { "VBD_RD", 8 },
    { "VBD_WR", 8 }, { "VBD_RSECT", 10 }, { "VBD_WSECT", 10 },
    { "SSID", 4 },
};

static void top_header(FILE *f)
{
    for (size_t i = 0; i < sizeof(top_fields) / sizeof(top_fields[0]); i++)
        fprintf(f, "%s%*s", i ? " " : "", top_fields[i].width,
                top_fields[i].name);
    fputc('\n', f);
}

/* xentop's state letters: dying, shutdown, blocked, crashed, paused,
 * running. */
static void top_state(FILE *f, const struct xl_dominfo *d)
{
    bool crashed = d->shutdown && d->shutdown_reason == XL_SHUTDOWN_CRASH;

    fprintf(f, "%c%c%c%c%c%c", d->dying ? 'd' : '-',
            d->shutdown && !crashed ? 's' : '-', d->blocked ? 'b' : '-',
            crashed ? 'c' : '-', d->paused ? 'p' : '-',
            d->running ? 'r' : '-');
}

static void top_line(FILE *f, const struct xl_dominfo *d, uint64_t cpu_ns,
                     uint64_t elapsed_ns, uint64_t total_kb)
{
    fprintf(f, "%10.10s ", d->name);
    top_state(f, d);
    fprintf(f, " %10llu ", (unsigned long long)(d->cpu_time_ns / 1000000000));
    /* xentop: nanoseconds / 10 / elapsed microseconds */
    fprintf(f, "%6.1f", elapsed_ns >= 1000 ? (cpu_ns / 10.0) / (elapsed_ns / 1000)
                                   : 0.0);
    fprintf(f, " %10llu ", (unsigned long long)d->mem_kb);
    print_pct(f, 6, (double)d->mem_kb, (double)total_kb);
    if (d->max_mem_kb == XL_MEM_UNLIMITED) {
        fprintf(f, " %10s %9s", "no limit", "n/a");
    } else {
        fprintf(f, " %10llu ", (unsigned long long)d->max_mem_kb);
        print_pct(f, 9, (double)d->max_mem_kb, (double)total_kb);
    }
    /* No network or block devices yet: their columns stay at 0. */
    fprintf(f, " %5u %4u %8u %8u %4u %8u %8u %8u %10u %10u %4u\n",
            d->max_vcpus, 0, 0, 0, 0, 0, 0, 0, 0, 0, d->ssidref);
}

/* CPU time used since the previous round, if the domain was in it. */
static uint64_t cpu_since(const struct xl_dominfo *d,
                          const struct xl_dominfo *prev, size_t nprev)
{
    for (size_t i = 0; prev && i < nprev; i++)
        if (prev[i].domid == d->domid)
            return d->cpu_time_ns > prev[i].cpu_time_ns
                       ? d->cpu_time_ns - prev[i].cpu_time_ns : 0;
    return 0;
}

void xlfmt_top(FILE *f, const struct xl_dominfo *doms, size_t n,
               const struct xl_dominfo *prev, size_t nprev,
               uint64_t elapsed_ns, uint64_t total_kb)
{
    const struct xl_dominfo **order = malloc((n ? n : 1) * sizeof(*order));

    if (!order)
        return;
    /* xentop sorts by name, ignoring case (insertion sort: few domains). */
    for (size_t i = 0; i < n; i++) {
        size_t j = i;

        for (; j > 0 && strcasecmp(order[j - 1]->name, doms[i].name) > 0; j--)
            order[j] = order[j - 1];
        order[j] = &doms[i];
    }
    if (n)
        top_header(f);
    for (size_t i = 0; i < n; i++)
        top_line(f, order[i],
                 prev ? cpu_since(order[i], prev, nprev) : 0,
                 prev ? elapsed_ns : 0, total_kb);
    free(order);
}

/* ---- the configuration (xl create -n) ---- */

static void print_string(FILE *f, const char *s)
{
    static const char plain[] = "\\\\\"\"\nn\tt\rr";

    fputc('"', f);
    for (; *s; s++) {
        const char *esc = strchr(plain, *s);
        unsigned char c = (unsigned char)*s;

        if (esc && (esc - plain) % 2 == 0)
            fprintf(f, "\\%c", esc[1]);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\x%02x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void print_value(FILE *f, const struct xlcfg_value *v)
{
    if (v->kind != XLCFG_LIST) {
        print_string(f, v->str);
        return;
    }
    fputs("[ ", f);
    for (size_t i = 0; i < v->nitems; i++) {
        print_value(f, &v->items[i]);
        fputs(i + 1 < v->nitems ? ", " : " ", f);
    }
    fputc(']', f);
}

static void print_key_string(FILE *f, const char *key, const char *s)
{
    if (!s)
        return;
    fprintf(f, "%s = ", key);
    print_string(f, s);
    fputc('\n', f);
}

void xlfmt_config(FILE *f, const struct xlcfg *cfg)
{
    print_key_string(f, "name", cfg->name);
    print_key_string(f, "type", xlcfg_type_name(cfg->type));
    fprintf(f, "memory = %lu\nmaxmem = %lu\n", cfg->memory_mb,
            cfg->maxmem_mb);
    fprintf(f, "memory_min = %lu\nmemory_dynamic_max = %lu\n",
            cfg->memory_min_mb, cfg->memory_dynamic_max_mb);
    fprintf(f, "vcpus = %u\nmaxvcpus = %u\n", cfg->vcpus, cfg->maxvcpus);
    if (cfg->cpus) {
        fputs("cpus = ", f);
        print_value(f, cfg->cpus);
        fputc('\n', f);
    }
    print_key_string(f, "kernel", cfg->kernel);
    print_key_string(f, "ramdisk", cfg->ramdisk);
    print_key_string(f, "cmdline", cfg->cmdline);
    print_key_string(f, "on_poweroff", xlcfg_action_name(cfg->on_poweroff));
    print_key_string(f, "on_reboot", xlcfg_action_name(cfg->on_reboot));
    print_key_string(f, "on_crash", xlcfg_action_name(cfg->on_crash));
    fprintf(f, "hap = %d\n", cfg->hap);
}
