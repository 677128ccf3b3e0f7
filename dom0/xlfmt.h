/*
 * xl's output formats, byte for byte as Xen 4.17's xl (and xentop) print
 * them: `xl list [-v]`, `xl vcpu-list`, `xl uptime [-s]`, `xl info`,
 * `xl sched-credit`, `xl top -b`, and the configuration `xl create -n`
 * prints.  Each function takes plain structs filled by the caller and
 * writes to a FILE*; nothing here talks to the hypervisor.
 *
 * Times and percentages that xl prints with "%.1f" are computed in floating
 * point as xl computes them, so they round alike: not for code that runs
 * with the SSE registers unsaved (event handlers).
 */
#ifndef DOM0_XLFMT_H
#define DOM0_XLFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "xlargs.h"
#include "xlcfg.h"

#define XL_MEM_UNLIMITED UINT64_MAX     /* max_mem_kb of "no limit" */

/* Why a domain shut down: Xen's SHUTDOWN_* codes (sched.h). */
enum xl_shutdown_reason {
    XL_SHUTDOWN_POWEROFF,
    XL_SHUTDOWN_REBOOT,
    XL_SHUTDOWN_SUSPEND,
    XL_SHUTDOWN_CRASH,
    XL_SHUTDOWN_WATCHDOG,
    XL_SHUTDOWN_SOFT_RESET,
};

struct xl_dominfo {
    const char *name;
    uint32_t domid;
    uint64_t mem_kb;            /* current, with outstanding claims */
    uint64_t max_mem_kb;        /* or XL_MEM_UNLIMITED */
    unsigned int vcpus_online;  /* xl list's VCPUs */
    unsigned int max_vcpus;     /* max vCPU id + 1: xentop's VCPUS */
    bool running, blocked, paused, shutdown, dying;
    unsigned int shutdown_reason;   /* enum xl_shutdown_reason */
    uint64_t cpu_time_ns;
    uint8_t uuid[16];
    const char *ssid_label;     /* NULL: "-" */
    uint32_t ssidref;
    const char *paging;         /* list -v: "pv", "hap", "shadow" (NULL: "-") */
};

struct xl_vcpuinfo {
    const char *name;           /* the domain's */
    uint32_t domid;
    unsigned int vcpu;
    unsigned int cpu;
    bool online, running, blocked;
    uint64_t time_ns;
    struct xl_cpumap hard, soft;
};

struct xl_uptime {
    const char *name;
    uint32_t domid;
    uint64_t uptime_s;
};

/* Everything `xl info` prints; memory in MiB. */
struct xl_info {
    const char *host, *release, *version, *machine;
    unsigned int nr_cpus, max_cpu_id, nr_nodes;
    unsigned int cores_per_socket, threads_per_core;
    unsigned long cpu_khz;
    uint32_t hw_caps[8];
    const char *virt_caps;      /* "pv hvm hap ..." */
    uint64_t total_memory, free_memory;
    uint64_t sharing_freed_memory, sharing_used_memory, outstanding_claims;
    unsigned int free_cpus;
    unsigned int xen_major, xen_minor;
    const char *xen_extra;      /* ".7" */
    const char *xen_caps, *xen_scheduler;
    unsigned long xen_pagesize;
    uint64_t virt_start;
    const char *xen_changeset, *xen_commandline;
    const char *cc_compiler, *cc_compile_by, *cc_compile_domain;
    const char *cc_compile_date, *build_id;
};

/* The credit scheduler's parameters of a cpupool. */
struct xl_credit_params {
    unsigned int tslice_ms, ratelimit_us, migr_delay_us;
};

struct xl_credit_dom {
    const char *name;
    uint32_t domid;
    unsigned int weight, cap;
};

/* xl list [-v]: the header and one line per domain. */
void xlfmt_list(FILE *f, const struct xl_dominfo *doms, size_t n,
                bool verbose);

/* A UUID as xl prints one: "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
void xlfmt_uuid(FILE *f, const uint8_t u[16]);

/* xl vcpu-list: the header and one line per vCPU; nr_cpus host CPUs. */
void xlfmt_vcpu_list(FILE *f, const struct xl_vcpuinfo *vcpus, size_t n,
                     unsigned int nr_cpus);

/* A CPU map as xl prints one: "all", "none" or "0-3,5". */
void xlfmt_cpumap(FILE *f, const struct xl_cpumap *map,
                  unsigned int nr_cpus);

/* xl uptime: the header and "NAME ID [D day(s), ]HH:MM:SS" lines. */
void xlfmt_uptime(FILE *f, const struct xl_uptime *doms, size_t n);

/* xl uptime -s: " HH:MM:SS up [D days, ]HH:MM, NAME (ID)" lines. */
void xlfmt_uptime_short(FILE *f, const struct xl_uptime *doms, size_t n,
                        const char *now_hms);

/*
 * xl info; only (or NULL) selects, as `xl info KEY` does, the lines
 * whose text starts with it, and prints just their values.
 */
void xlfmt_info(FILE *f, const struct xl_info *info, const char *only);

/* xl sched-credit: "Cpupool NAME: tslice=..." (params NULL: unavailable),
 * then the Name/ID/Weight/Cap table of doms. */
void xlfmt_sched_credit_pool(FILE *f, const char *pool,
                             const struct xl_credit_params *params);
void xlfmt_sched_credit_doms(FILE *f, const struct xl_credit_dom *doms,
                             size_t n);

/*
 * One round of `xl top -b` (xentop's batch mode): the header and a line
 * per domain, sorted by name.  CPU(%) compares with prev (the previous
 * round, elapsed_ns before; NULL on the first round: 0.0); MEM(%) is of
 * total_kb, the host's memory.
 */
void xlfmt_top(FILE *f, const struct xl_dominfo *doms, size_t n,
               const struct xl_dominfo *prev, size_t nprev,
               uint64_t elapsed_ns, uint64_t total_kb);

/*
 * The configuration in xl.cfg syntax, one key per line (xl create -n):
 * parsing the output gives the same configuration.
 */
void xlfmt_config(FILE *f, const struct xlcfg *cfg);

#endif /* DOM0_XLFMT_H */
