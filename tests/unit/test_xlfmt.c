/*
 * xl's output formats (dom0/xlfmt.c), byte for byte: the expected texts
 * are the outputs of Xen 4.17.7's xl and xentop captured on the real
 * thing (TABs included), fed the same values.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "../../dom0/xlfmt.h"

#include "sink.h"
#include "unit.h"

#define SEC 1000000000ULL

static struct xl_dominfo dom0 = {
    .name = "Domain-0", .domid = 0, .mem_kb = 1048576,
    .max_mem_kb = XL_MEM_UNLIMITED, .vcpus_online = 2, .max_vcpus = 2,
    .running = true, .cpu_time_ns = 38 * SEC + 812345678,
};

static struct xl_dominfo paused_guest = {
    .name = "test-pv64-example", .domid = 1, .mem_kb = 131072,
    .max_mem_kb = 132096, .vcpus_online = 1, .max_vcpus = 1,
    .paused = true, .cpu_time_ns = 12345,
};

/* ---- xl list ---- */

TEST(list_matches_xl)
{
    struct xl_dominfo doms[] = { dom0, paused_guest };
    FILE *f = sink();

    xlfmt_list(f, doms, 2, false);
    CHECK_STR(said(f),
        "Name                                        ID   Mem VCPUs\tState\tTime(s)\n"
        "Domain-0                                     0  1024     2     r-----      38.8\n"
        "test-pv64-example                            1   128     1     --p---       0.0\n");
}

TEST(list_verbose_matches_xl)
{
    struct xl_dominfo d = dom0;
    FILE *f = sink();

    d.cpu_time_ns = 43 * SEC + 800000000;
    d.paging = "pv";
    xlfmt_list(f, &d, 1, true);
    CHECK_STR(said(f),
        "Name                                        ID   Mem VCPUs\tState\tTime(s)   UUID                            Reason-Code\tSecurity Label  Paging\n"
        "Domain-0                                     0  1024     2     r-----      43.8 00000000-0000-0000-0000-000000000000        -                -  pv\n");
}

TEST(list_shutdown_states_reasons_and_long_times)
{
    struct xl_dominfo d = paused_guest;
    FILE *f = sink();

    d.paused = false;
    d.shutdown = true;
    d.shutdown_reason = XL_SHUTDOWN_POWEROFF;
    d.cpu_time_ns = 1234567 * SEC + 49999999;
    for (int i = 0; i < 16; i++)
        d.uuid[i] = (uint8_t)(0x10 * i + i);
    xlfmt_list(f, &d, 1, true);
    d.shutdown_reason = XL_SHUTDOWN_CRASH;
    d.dying = true;
    d.ssid_label = "system_u:system_r:domU_t";
    xlfmt_list(f, &d, 1, false);
    CHECK_STR(said(f),
        "Name                                        ID   Mem VCPUs\tState\tTime(s)   UUID                            Reason-Code\tSecurity Label  Paging\n"
        "test-pv64-example                            1   128     1     ---s--  1234567.0 00112233-4455-6677-8899-aabbccddeeff        0                -  -\n"
        "Name                                        ID   Mem VCPUs\tState\tTime(s)\n"
        "test-pv64-example                            1   128     1     ---scd  1234567.0\n");
}

/* ---- xl vcpu-list ---- */

static void all_cpus(struct xl_cpumap *m, unsigned int n)
{
    xl_cpumap_clear(m);
    for (unsigned int cpu = 0; cpu < n; cpu++)
        xl_cpumap_set(m, cpu);
}

TEST(vcpu_list_matches_xl)
{
    struct xl_vcpuinfo v[3] = {
        { .name = "Domain-0", .domid = 0, .vcpu = 0, .cpu = 0,
          .online = true, .running = true, .time_ns = 23 * SEC + 4 * SEC / 10 },
        { .name = "Domain-0", .domid = 0, .vcpu = 1, .cpu = 1,
          .online = true, .blocked = true, .time_ns = 21 * SEC + 389000000 },
        { .name = "test-pv64-example", .domid = 1, .vcpu = 0, .cpu = 1,
          .online = true, .time_ns = 7 },
    };
    FILE *f = sink();

    for (int i = 0; i < 3; i++) {
        all_cpus(&v[i].hard, 2);
        all_cpus(&v[i].soft, 2);
    }
    xlfmt_vcpu_list(f, v, 3, 2);
    CHECK_STR(said(f),
        "Name                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)\n"
        "Domain-0                             0     0    0   r--      23.4  all / all\n"
        "Domain-0                             0     1    1   -b-      21.4  all / all\n"
        "test-pv64-example                    1     0    1   ---       0.0  all / all\n");
}

TEST(vcpu_list_offline_vcpu_and_pinned_maps)
{
    struct xl_vcpuinfo v = { .name = "web1", .domid = 3, .vcpu = 2 };
    FILE *f = sink();

    xl_parse_cpulist("0-1,3", 8, &v.hard, NULL);
    xl_parse_cpulist("5", 8, &v.soft, NULL);
    xlfmt_vcpu_list(f, &v, 1, 8);
    CHECK_STR(said(f),
        "Name                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)\n"
        "web1                                 3     2    -   --p       0.0  0-1,3 / 5\n");
}

static const char *cpumap_text(const char *list, unsigned int nr_cpus)
{
    struct xl_cpumap m;
    FILE *f = sink();

    xl_cpumap_clear(&m);
    if (*list)
        CHECK_EQ(xl_parse_cpulist(list, 0, &m, NULL), 0);
    xlfmt_cpumap(f, &m, nr_cpus);
    return said(f);
}

TEST(cpumap_prints_as_xl)
{
    CHECK_STR(cpumap_text("", 4), "none");
    CHECK_STR(cpumap_text("0-3", 4), "all");
    CHECK_STR(cpumap_text("0-2", 4), "0-2");
    CHECK_STR(cpumap_text("1-3", 4), "1-3");
    CHECK_STR(cpumap_text("0,2-3,5,7", 8), "0,2-3,5,7");
    CHECK_STR(cpumap_text("0-7", 4), "all");      /* beyond the host */
    CHECK_STR(cpumap_text("6", 4), "none");
}

/* ---- xl uptime ---- */

TEST(uptime_matches_xl)
{
    struct xl_uptime u[] = {
        { "Domain-0", 0, 36 },
        { "web1", 4, 86400 + 2 * 3600 + 3 * 60 + 4 },
        { "long-running-guest", 12, 3 * 86400 + 59 },
    };
    FILE *f = sink();

    xlfmt_uptime(f, u, 3);
    CHECK_STR(said(f),
        "Name                                ID Uptime\n"
        "Domain-0                             0  0:00:36\n"
        "web1                                 4 1 day,  2:03:04\n"
        "long-running-guest                  12 3 days,  0:00:59\n");
}

TEST(uptime_short_matches_xl)
{
    struct xl_uptime u[] = { { "Domain-0", 0, 36 }, { "web1", 4, 2 * 86400 + 11 * 3600 + 7 * 60 } };
    FILE *f = sink();

    xlfmt_uptime_short(f, u, 2, "10:20:30");
    CHECK_STR(said(f),
        " 10:20:30 up  0:00, Domain-0 (0)\n"
        " 10:20:30 up 2 days, 11:07, web1 (4)\n");
}

/* ---- xl sched-credit ---- */

TEST(sched_credit_matches_xl)
{
    struct xl_credit_params p = { .tslice_ms = 30, .ratelimit_us = 1000 };
    struct xl_credit_dom d[] = { { "Domain-0", 0, 256, 0 },
                                 { "web1", 5, 512, 50 } };
    FILE *f = sink();

    xlfmt_sched_credit_pool(f, "Pool-0", &p);
    xlfmt_sched_credit_doms(f, d, 2);
    xlfmt_sched_credit_pool(f, "Pool-0", NULL);
    CHECK_STR(said(f),
        "Cpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us\n"
        "Name                                ID Weight  Cap\n"
        "Domain-0                             0    256    0\n"
        "web1                                 5    512   50\n"
        "Cpupool Pool-0: [sched params unavailable]\n");
}

/* ---- xl info ---- */

static const struct xl_info info = {
    .host = "(none)", .release = "6.1.0-56-amd64",
    .version = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)",
    .machine = "x86_64", .nr_cpus = 2, .max_cpu_id = 1, .nr_nodes = 1,
    .cores_per_socket = 2, .threads_per_core = 1, .cpu_khz = 2445404,
    .hw_caps = { 0x178bf3fd, 0xf6d83203, 0x2c500800, 0x00000077,
                 0x00000005, 0x008801a9, 0, 0 },
    .virt_caps = "pv hvm hap gnttab-v1 gnttab-v2",
    .total_memory = 2047, .free_memory = 1000, .free_cpus = 0,
    .xen_major = 4, .xen_minor = 17, .xen_extra = ".7",
    .xen_caps = "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p "
                "hvm-3.0-x86_64",
    .xen_scheduler = "credit2", .xen_pagesize = 4096,
    .virt_start = 0xffff800000000000ULL, .xen_changeset = "",
    .xen_commandline = "loglvl=all guest_loglvl=all console=com1 "
                       "com1=115200,8n1 noreboot dom0_mem=1024M "
                       "dom0_max_vcpus=2",
    .cc_compiler = "x86_64-linux-gnu-gcc (Debian 12.2.0-14+deb12u1) 12.2.0",
    .cc_compile_by = "pkg-xen-devel",
    .cc_compile_domain = "lists.alioth.debian.org",
    .cc_compile_date = "Wed Nov  4 16:52:28 UTC 2026",
    .build_id = "151b373fd64b321593bf987fd923cd10dabadac4",
};

/* xl prints "key : %s": an empty value leaves the space at the end. */
TEST(info_matches_xl)
{
    FILE *f = sink();

    xlfmt_info(f, &info, NULL);
    CHECK_STR(said(f),
        "host                   : (none)\n"
        "release                : 6.1.0-56-amd64\n"
        "version                : #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)\n"
        "machine                : x86_64\n"
        "nr_cpus                : 2\n"
        "max_cpu_id             : 1\n"
        "nr_nodes               : 1\n"
        "cores_per_socket       : 2\n"
        "threads_per_core       : 1\n"
        "cpu_mhz                : 2445.404\n"
        "hw_caps                : 178bf3fd:f6d83203:2c500800:00000077:00000005:008801a9:00000000:00000000\n"
        "virt_caps              : pv hvm hap gnttab-v1 gnttab-v2\n"
        "total_memory           : 2047\n"
        "free_memory            : 1000\n"
        "sharing_freed_memory   : 0\n"
        "sharing_used_memory    : 0\n"
        "outstanding_claims     : 0\n"
        "free_cpus              : 0\n"
        "xen_major              : 4\n"
        "xen_minor              : 17\n"
        "xen_extra              : .7\n"
        "xen_version            : 4.17.7\n"
        "xen_caps               : xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64\n"
        "xen_scheduler          : credit2\n"
        "xen_pagesize           : 4096\n"
        "platform_params        : virt_start=0xffff800000000000\n"
        "xen_changeset          : \n"
        "xen_commandline        : loglvl=all guest_loglvl=all console=com1 com1=115200,8n1 noreboot dom0_mem=1024M dom0_max_vcpus=2\n"
        "cc_compiler            : x86_64-linux-gnu-gcc (Debian 12.2.0-14+deb12u1) 12.2.0\n"
        "cc_compile_by          : pkg-xen-devel\n"
        "cc_compile_domain      : lists.alioth.debian.org\n"
        "cc_compile_date        : Wed Nov  4 16:52:28 UTC 2026\n"
        "build_id               : 151b373fd64b321593bf987fd923cd10dabadac4\n"
        "xend_config_format     : 4\n");
}

static const char *info_only(const struct xl_info *i, const char *only)
{
    FILE *f = sink();

    xlfmt_info(f, i, only);
    return said(f);
}

TEST(info_key_selects_lines_by_prefix_as_xl)
{
    struct xl_info none = info;

    CHECK_STR(info_only(&info, "free_memory"), "1000\n");
    CHECK_STR(info_only(&info, "free"), "1000\n0\n");
    CHECK_STR(info_only(&info, "xen_version"), "4.17.7\n");
    CHECK_STR(info_only(&info, "xen_changeset"), "\n");
    CHECK_STR(info_only(&info, "nosuchkey"), "");
    none.virt_caps = "";
    CHECK(strstr(info_only(&none, NULL), "\nvirt_caps              :\n"));
    CHECK_STR(info_only(&none, "virt_caps"), "");
}

/* ---- xl top -b ---- */

static const char top_header[] =
    "      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID\n";

/* The header followed by rows. */
static const char *with_header(const char *rows)
{
    static char buf[2048];

    snprintf(buf, sizeof(buf), "%s%s", top_header, rows);
    return buf;
}

TEST(top_batch_matches_xentop)
{
    struct xl_dominfo d = dom0;
    FILE *f = sink();

    d.cpu_time_ns = 52 * SEC + 999999999;      /* xentop truncates */
    xlfmt_top(f, &d, 1, NULL, 0, 0, 2097152);
    CHECK_STR(said(f), with_header(
        "  Domain-0 -----r         52    0.0    1048576   50.0   no limit       n/a     2    0        0        0    0        0        0        0          0          0    0\n"));
}

TEST(top_sorts_by_name_and_shows_states_and_limits)
{
    struct xl_dominfo d[3] = { dom0, paused_guest, paused_guest };
    FILE *f = sink();

    d[1].name = "zeta";
    d[2].name = "Alpha-with-a-long-name";
    d[2].paused = false;
    d[2].shutdown = true;
    d[2].shutdown_reason = XL_SHUTDOWN_CRASH;
    d[2].dying = true;
    d[2].mem_kb = 65536;
    d[2].max_mem_kb = 65536 * 3;
    d[2].max_vcpus = 4;
    d[2].ssidref = 7;
    xlfmt_top(f, d, 3, NULL, 0, 0, 2097152);
    CHECK_STR(said(f), with_header(
        "Alpha-with d--c--          0    0.0      65536    3.1     196608       9.4     4    0        0        0    0        0        0        0          0          0    7\n"
        "  Domain-0 -----r         38    0.0    1048576   50.0   no limit       n/a     2    0        0        0    0        0        0        0          0          0    0\n"
        "      zeta ----p-          0    0.0     131072    6.2     132096       6.3     1    0        0        0    0        0        0        0          0          0    0\n"));
}

TEST(top_cpu_percent_from_the_previous_round)
{
    struct xl_dominfo before[2] = { dom0, paused_guest };
    struct xl_dominfo now[2] = { dom0, paused_guest };
    FILE *f = sink();

    now[0].cpu_time_ns += 3 * SEC / 2;         /* 1.5 s of 3 s: 50.0 % */
    now[1].cpu_time_ns += 3 * SEC * 3 / 2;     /* 4.5 s on many vCPUs */
    xlfmt_top(f, now, 2, before, 1, 3 * SEC, 2097152);
    CHECK_STR(said(f), with_header(
        "  Domain-0 -----r         40   50.0    1048576   50.0   no limit       n/a     2    0        0        0    0        0        0        0          0          0    0\n"
        "test-pv64- ----p-          4    0.0     131072    6.2     132096       6.3     1    0        0        0    0        0        0        0          0          0    0\n"));
    f = sink();
    xlfmt_top(f, now, 2, before, 2, 3 * SEC, 2097152);
    CHECK(strstr(said(f), "test-pv64- ----p-          4  150.0 "));
    f = sink();
    xlfmt_top(f, now, 0, NULL, 0, 0, 2097152);
    CHECK_STR(said(f), "");
}

/* xl rounds (float)ns / 1e9 with printf: the same ties, the same
 * float-sized steps. */
TEST(times_round_as_xls_float_arithmetic)
{
    struct xl_dominfo d = dom0;
    FILE *f = sink();
    const char *text;

    d.cpu_time_ns = 50000000;                  /* 0.05: just above in double */
    xlfmt_list(f, &d, 1, false);
    d.cpu_time_ns = 43 * SEC + 750000000;      /* as a float: 43.7499986 */
    xlfmt_list(f, &d, 1, false);
    text = said(f);
    CHECK(strstr(text, "r-----       0.1\n"));
    CHECK(strstr(text, "r-----      43.7\n"));
}
