/*
 * xl's JSON (dom0/xljson.c): the generator lays text out as libxl's yajl
 * does (four-space indents, "{" + blank line + "}" for an empty object,
 * a newline at the end of the document), and a domain configuration has
 * libxl_domain_config's shape: c_info, b_info with "type.pv", the on_*
 * actions that are not "destroy".
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "../../dom0/xlcfg.h"
#include "../../dom0/xljson.h"

#include "sink.h"
#include "unit.h"

static const uint8_t uuid[16] = {
    0x0e, 0x4f, 0x3c, 0x3c, 0x12, 0x34, 0x45, 0x67,
    0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67,
};

static void parse(struct xlcfg *cfg, const char *text)
{
    xlcfg_init(cfg);
    CHECK_EQ(xlcfg_parse(cfg, "t.cfg", text, strlen(text), NULL), 0);
}

TEST(generator_lays_out_as_yajl_beautified)
{
    FILE *f = sink();
    struct xljson j;

    xljson_init(&j, f);
    xljson_map_open(&j);
    xljson_kv_integer(&j, "n", -3);
    xljson_string(&j, "list");
    xljson_array_open(&j);
    xljson_integer(&j, 0);
    xljson_integer(&j, 7);
    xljson_array_close(&j);
    xljson_string(&j, "empty");
    xljson_map_open(&j);
    xljson_map_close(&j);
    xljson_kv_string(&j, "s", "a\"b\\c\n\t\x01/");
    xljson_map_close(&j);
    CHECK_STR(said(f),
              "{\n"
              "    \"n\": -3,\n"
              "    \"list\": [\n"
              "        0,\n"
              "        7\n"
              "    ],\n"
              "    \"empty\": {\n"
              "\n"
              "    },\n"
              "    \"s\": \"a\\\"b\\\\c\\n\\t\\u0001/\"\n"
              "}\n");
}

TEST(dry_run_config_has_libxls_shape)
{
    struct xlcfg cfg;
    FILE *f = sink();

    parse(&cfg, "name = 'web'\nkernel = '/boot/hello'\nmemory = 128\n"
                "maxmem = 256\nvcpus = 2\ncmdline = 'quiet'\n"
                "on_crash = 'preserve'\ncpus = '1'\n");
    xljson_config(f, &cfg, uuid);
    CHECK_STR(said(f),
              "{\n"
              "    \"c_info\": {\n"
              "        \"type\": \"pv\",\n"
              "        \"name\": \"web\",\n"
              "        \"uuid\": \"0e4f3c3c-1234-4567-89ab-cdef01234567\",\n"
              "        \"run_hotplug_scripts\": \"True\"\n"
              "    },\n"
              "    \"b_info\": {\n"
              "        \"max_vcpus\": 2,\n"
              "        \"avail_vcpus\": [\n"
              "            0,\n"
              "            1\n"
              "        ],\n"
              "        \"vcpu_hard_affinity\": [\n"
              "            [\n"
              "                1\n"
              "            ],\n"
              "            [\n"
              "                1\n"
              "            ]\n"
              "        ],\n"
              "        \"max_memkb\": 262144,\n"
              "        \"target_memkb\": 131072,\n"
              "        \"sched_params\": {\n"
              "\n"
              "        },\n"
              "        \"kernel\": \"/boot/hello\",\n"
              "        \"cmdline\": \"quiet\",\n"
              "        \"type.pv\": {\n"
              "\n"
              "        },\n"
              "        \"arch_arm\": {\n"
              "\n"
              "        },\n"
              "        \"arch_x86\": {\n"
              "\n"
              "        }\n"
              "    },\n"
              "    \"on_reboot\": \"restart\",\n"
              "    \"on_crash\": \"preserve\",\n"
              "    \"on_soft_reset\": \"soft_reset\"\n"
              "}\n");
    xlcfg_free(&cfg);
}

TEST(list_long_wraps_each_domain_with_its_domid)
{
    struct xlcfg cfg;
    struct xljson j;
    struct xljson_live live = {
        .domid = 3, .name = "renamed", .uuid = uuid, .max_memkb = 524288,
        .target_memkb = 65536, .online_vcpus = 1, .weight = 512, .cap = 50,
    };
    FILE *f = sink();

    parse(&cfg, "name = 'old'\nkernel = 'k'\nmemory = 128\n"
                "on_reboot = 'destroy'\ncpu_weight = 512\n");
    xljson_init(&j, f);
    xljson_array_open(&j);
    xljson_domain(&j, &cfg, &live);
    xljson_array_close(&j);
    CHECK_STR(said(f),
              "[\n"
              "    {\n"
              "        \"domid\": 3,\n"
              "        \"config\": {\n"
              "            \"c_info\": {\n"
              "                \"type\": \"pv\",\n"
              "                \"name\": \"renamed\",\n"
              "                \"uuid\": \"0e4f3c3c-1234-4567-89ab-cdef01234567\",\n"
              "                \"run_hotplug_scripts\": \"True\"\n"
              "            },\n"
              "            \"b_info\": {\n"
              "                \"max_vcpus\": 1,\n"
              "                \"avail_vcpus\": [\n"
              "                    0\n"
              "                ],\n"
              "                \"max_memkb\": 524288,\n"
              "                \"target_memkb\": 65536,\n"
              "                \"sched_params\": {\n"
              "                    \"sched\": \"credit\",\n"
              "                    \"weight\": 512,\n"
              "                    \"cap\": 50\n"
              "                },\n"
              "                \"kernel\": \"k\",\n"
              "                \"type.pv\": {\n"
              "\n"
              "                },\n"
              "                \"arch_arm\": {\n"
              "\n"
              "                },\n"
              "                \"arch_x86\": {\n"
              "\n"
              "                }\n"
              "            },\n"
              "            \"on_soft_reset\": \"soft_reset\"\n"
              "        }\n"
              "    }\n"
              "]\n");
    xlcfg_free(&cfg);
}

TEST(empty_array_is_a_blank_line_between_brackets)
{
    FILE *f = sink();
    struct xljson j;

    xljson_init(&j, f);
    xljson_array_open(&j);
    xljson_array_close(&j);
    CHECK_STR(said(f), "[\n\n]\n");
}
