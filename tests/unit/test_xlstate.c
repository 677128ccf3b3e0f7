/*
 * The hypervisor's answers as xl shows them (dom0/xlstate.c): state
 * flags, memory, vCPU counts and UUIDs of getdomaininfo, down to the
 * `xl list` row they print as; vCPU rows; sched-credit's merge.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "../../dom0/xlstate.h"

#include "sink.h"
#include "unit.h"

/* xl list's line for info (the header dropped). */
static const char *list_row(const struct xen_domctl_getdomaininfo *info,
                            const char *name)
{
    struct xl_dominfo row;
    FILE *f = sink();
    const char *out, *nl;

    xlstate_dominfo(info, name, &row);
    xlfmt_list(f, &row, 1, false);
    out = said(f);
    nl = strchr(out, '\n');
    return nl ? nl + 1 : out;
}

static struct xen_domctl_getdomaininfo guest(uint32_t flags)
{
    return (struct xen_domctl_getdomaininfo){
        .domain = 3, .flags = flags, .tot_pages = 16384, .max_pages = 32768,
        .cpu_time = 1500000000ull, .nr_online_vcpus = 2, .max_vcpu_id = 3,
    };
}

#define SHUT(reason) (XEN_DOMINF_shutdown | ((reason) << XEN_DOMINF_shutdownshift))

TEST(state_flags_map_to_xl_list_letters)
{
    static const struct { uint32_t flags; const char *state; } cases[] = {
        { 0, "------" },
        { XEN_DOMINF_running, "r-----" },
        { XEN_DOMINF_blocked, "-b----" },
        { XEN_DOMINF_paused, "--p---" },
        { XEN_DOMINF_paused | XEN_DOMINF_blocked, "-bp---" },
        { SHUT(0), "---s--" },                  /* poweroff */
        { SHUT(1), "---sr-" },                  /* reboot */
        { SHUT(2), "---ss-" },                  /* suspend */
        { SHUT(3), "---sc-" },                  /* crash */
        { SHUT(4), "---sw-" },                  /* watchdog */
        { SHUT(5), "---sS-" },                  /* soft reset */
        { SHUT(9), "---s?-" },
        { XEN_DOMINF_dying, "-----d" },
        { SHUT(3) | XEN_DOMINF_dying, "---scd" },
        /* Flags xl does not show. */
        { XEN_DOMINF_hvm_guest | XEN_DOMINF_hap | XEN_DOMINF_debugged, "------" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct xen_domctl_getdomaininfo info = guest(cases[i].flags);
        char expect[128];

        snprintf(expect, sizeof(expect),
                 "web                                          3    64     2     %s       1.5\n",
                 cases[i].state);
        CHECK_STR(list_row(&info, "web"), expect);
    }
}

TEST(reason_is_read_only_when_shut_down)
{
    struct xen_domctl_getdomaininfo info = guest(3 << XEN_DOMINF_shutdownshift);
    struct xl_dominfo row;

    xlstate_dominfo(&info, "x", &row);
    CHECK(!row.shutdown);
    CHECK_EQ(row.shutdown_reason, 0);
    info.flags |= XEN_DOMINF_shutdown;
    xlstate_dominfo(&info, "x", &row);
    CHECK(row.shutdown);
    CHECK_EQ(row.shutdown_reason, XL_SHUTDOWN_CRASH);
}

TEST(paging_mode_follows_hvm_and_hap_flags)
{
    static const struct { uint32_t flags; const char *mode; } cases[] = {
        { XEN_DOMINF_running, "pv" },
        { XEN_DOMINF_hap, "pv" },       /* hap means nothing without hvm */
        { XEN_DOMINF_hvm_guest, "shadow" },
        { XEN_DOMINF_hvm_guest | XEN_DOMINF_hap, "hap" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct xen_domctl_getdomaininfo info = guest(cases[i].flags);
        struct xl_dominfo row;

        xlstate_dominfo(&info, "x", &row);
        CHECK_STR(row.paging, cases[i].mode);
    }
}

TEST(memory_counts_pages_and_claims_in_kib)
{
    struct xen_domctl_getdomaininfo info = guest(XEN_DOMINF_running);
    struct xl_dominfo row;

    info.tot_pages = 65536;
    info.outstanding_pages = 256;
    xlstate_dominfo(&info, "Domain-0", &row);
    CHECK_EQ(row.mem_kb, (65536 + 256) * 4);
    CHECK_EQ(row.max_mem_kb, 32768 * 4);
    info.outstanding_pages = 0;
    info.domain = 0;
    CHECK_STR(list_row(&info, "Domain-0"),
              "Domain-0                                     0   256     2     r-----       1.5\n");
}

TEST(max_pages_of_all_ones_is_no_limit)
{
    struct xen_domctl_getdomaininfo info = guest(0);
    struct xl_dominfo row;

    info.max_pages = UINT64_MAX;
    xlstate_dominfo(&info, "a", &row);
    CHECK(row.max_mem_kb == XL_MEM_UNLIMITED);
    info.max_pages = UINT32_MAX;
    xlstate_dominfo(&info, "a", &row);
    CHECK(row.max_mem_kb == XL_MEM_UNLIMITED);
    info.max_pages = UINT32_MAX - 1;
    xlstate_dominfo(&info, "a", &row);
    CHECK_EQ(row.max_mem_kb, (uint64_t)(UINT32_MAX - 1) * 4);
}

TEST(vcpus_online_for_list_and_highest_id_for_top)
{
    struct xen_domctl_getdomaininfo info = guest(0);
    struct xl_dominfo row;

    xlstate_dominfo(&info, "a", &row);
    CHECK_EQ(row.vcpus_online, 2);
    CHECK_EQ(row.max_vcpus, 4);
    info.max_vcpu_id = XEN_INVALID_MAX_VCPU_ID;
    xlstate_dominfo(&info, "a", &row);
    CHECK_EQ(row.max_vcpus, 0);
}

TEST(uuid_and_ssidref_are_copied)
{
    struct xen_domctl_getdomaininfo info = guest(0);
    struct xl_dominfo row;
    FILE *f;

    for (int i = 0; i < 16; i++)
        info.handle[i] = (uint8_t)(0x11 * i);
    info.ssidref = 7;
    xlstate_dominfo(&info, "a", &row);
    CHECK_EQ(row.uuid[15], 0xff);
    CHECK_EQ(row.ssidref, 7);
    CHECK(row.ssid_label == NULL);
    f = sink();
    xlfmt_list(f, &row, 1, true);
    CHECK(strstr(said(f), " 00112233-4455-6677-8899-aabbccddeeff        -                -  pv\n"));
}

TEST(vcpu_row_from_getvcpuinfo_and_maps)
{
    struct xen_domctl_getvcpuinfo vi = {
        .vcpu = 1, .online = 1, .running = 1, .cpu = 3,
        .cpu_time = 2250000000ull,
    };
    struct xl_vcpuinfo row;
    FILE *f;

    xlstate_vcpuinfo(&vi, "web", 3, 0x5, ~0ull, &row);
    CHECK_EQ(row.vcpu, 1);
    CHECK_EQ(row.cpu, 3);
    CHECK(row.online && row.running && !row.blocked);
    f = sink();
    xlfmt_vcpu_list(f, &row, 1, 4);
    CHECK_STR(strchr(said(f), '\n') + 1,
              "web                                  3     1    3   r--       2.2  0,2 / all\n");
}

TEST(offline_vcpu_row)
{
    struct xen_domctl_getvcpuinfo vi = { .vcpu = 1, .cpu = 0 };
    struct xl_vcpuinfo row;
    FILE *f;

    xlstate_vcpuinfo(&vi, "web", 3, ~0ull, ~0ull, &row);
    f = sink();
    xlfmt_vcpu_list(f, &row, 1, 2);
    CHECK_STR(strchr(said(f), '\n') + 1,
              "web                                  3     1    -   --p       0.0  all / all\n");
}

TEST(cpumap_bits_round_trip)
{
    struct xl_cpumap map;

    xlstate_cpumap_from(0x8000000000000001ull, &map);
    CHECK(xl_cpumap_test(&map, 0));
    CHECK(xl_cpumap_test(&map, 63));
    CHECK(!xl_cpumap_test(&map, 1));
    CHECK_EQ(xl_cpumap_weight(&map), 2);
    CHECK(xlstate_cpumap_bits(&map) == 0x8000000000000001ull);
    xl_cpumap_set(&map, 64);            /* beyond what the hypervisor takes */
    CHECK(xlstate_cpumap_bits(&map) == 0x8000000000000001ull);
}

TEST(credit_merge_keeps_what_was_not_given)
{
    struct xl_sched_credit_args a = { 0 };
    unsigned int weight = 256, cap = 20;

    CHECK(!xlstate_credit_merge(&a, &weight, &cap));
    CHECK_EQ(weight, 256);
    CHECK_EQ(cap, 20);
    a.set_weight = true;
    a.weight = 512;
    CHECK(xlstate_credit_merge(&a, &weight, &cap));
    CHECK_EQ(weight, 512);
    CHECK_EQ(cap, 20);
    a = (struct xl_sched_credit_args){ .set_cap = true, .cap = 0 };
    CHECK(xlstate_credit_merge(&a, &weight, &cap));
    CHECK_EQ(weight, 512);
    CHECK_EQ(cap, 0);
}
