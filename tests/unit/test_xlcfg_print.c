/*
 * xl create's command-line overrides (KEY=VALUE after the file) and the
 * dry-run printout (dom0/xlfmt.c) parsing back to the same configuration.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../dom0/xlcfg.h"
#include "../../dom0/xlfmt.h"

#include "unit.h"
#include "xlcfg_util.h"

/* ---- xl create FILE KEY=VALUE ... ---- */

TEST(overrides_apply_after_the_file)
{
    static char *const kv[] = {
        "memory=256", "name=web1", "cmdline=console=hvc0 root=/dev/xvda",
        "vcpus = 2", "on_crash=\"restart\"", "cpus=['0', '1']",
    };
    struct xlcfg cfg;
    FILE *err = sink();

    CHECK_EQ(parse_file(&cfg, "hello.cfg", err), 0);
    CHECK_EQ(xlcfg_apply_overrides(&cfg, 6, kv, err), 0);
    CHECK_EQ(xlcfg_check(&cfg, err), 0);
    CHECK_STR(said(err), "");
    CHECK_EQ(cfg.memory_mb, 256);
    CHECK_EQ(cfg.maxmem_mb, 256);
    CHECK_STR(cfg.name, "web1");
    CHECK_STR(cfg.cmdline, "console=hvc0 root=/dev/xvda");
    CHECK_EQ(cfg.vcpus, 2);
    CHECK_EQ(cfg.on_crash, XLCFG_RESTART);
    CHECK_EQ(affinity(&cfg, 1, 4), 0x2);
    CHECK_STR(cfg.kernel, "/boot/hello");
    CHECK_STR(xlcfg_find(&cfg, "vcpus")->source, "command line");
    CHECK_EQ(xlcfg_find(&cfg, "vcpus")->line, 4);
    CHECK_STR(xlcfg_find(&cfg, "kernel")->source, "hello.cfg");
    xlcfg_free(&cfg);
}

TEST(override_appends_with_plus_equals)
{
    static char *const kv[] = { "extra+=\" debug\"", "extra += loglevel=9" };
    struct xlcfg cfg;

    CHECK_EQ(parse_file(&cfg, "root-extra.cfg", NULL), 0);
    CHECK_EQ(xlcfg_apply_overrides(&cfg, 2, kv, NULL), 0);
    CHECK_STR(cfg.cmdline,
              "root=/dev/xvda1 ro console=hvc0 quiet debugloglevel=9");
    xlcfg_free(&cfg);
}

static void check_bad_override(const char *kv, const char *want)
{
    char *const args[] = { "vcpus=2", (char *)kv };
    struct xlcfg cfg;
    FILE *err = sink();

    CHECK_EQ(parse_file(&cfg, "hello.cfg", err), 0);
    CHECK_EQ(xlcfg_apply_overrides(&cfg, 2, args, err), -EINVAL);
    CHECK_STR(said(err), want);
    xlcfg_free(&cfg);
}

TEST(bad_overrides_name_the_command_line)
{
    check_bad_override("memory=lots", "command line:2: memory must be a "
                       "number of MiB, got \"lots\"\n");
    check_bad_override("memory=[1", "command line:2: unterminated list for "
                       "'memory' (no ']' before the end of the file)\n");
    check_bad_override("memory", "command line:2: expected '=' after "
                       "'memory'\n");
    check_bad_override("=5", "command line:2: expected a setting name, got "
                       "'='\n");
    check_bad_override("on_crash=explode", "command line:2: unknown value "
                       "'explode' for on_crash (destroy, restart, "
                       "rename-restart, preserve, coredump-destroy, "
                       "coredump-restart, soft-reset)\n");
}

TEST(unknown_override_key_is_a_warning)
{
    static char *const kv[] = { "foo=1" };
    struct xlcfg cfg;
    FILE *err = sink();

    CHECK_EQ(parse_file(&cfg, "hello.cfg", err), 0);
    CHECK_EQ(xlcfg_apply_overrides(&cfg, 1, kv, err), 0);
    CHECK_STR(said(err), "command line:1: unknown key 'foo'\n");
    xlcfg_free(&cfg);
}

/* ---- the dry run's printout ---- */

static char *dump(const struct xlcfg *cfg)
{
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);

    xlfmt_config(f, cfg);
    fclose(f);
    return buf;
}

static void check_same_config(const struct xlcfg *a, const struct xlcfg *b)
{
    CHECK_STR(a->name, b->name);
    CHECK_EQ(a->type, b->type);
    CHECK_EQ(a->memory_mb, b->memory_mb);
    CHECK_EQ(a->maxmem_mb, b->maxmem_mb);
    CHECK_EQ(a->memory_min_mb, b->memory_min_mb);
    CHECK_EQ(a->memory_dynamic_max_mb, b->memory_dynamic_max_mb);
    CHECK_EQ(a->vcpus, b->vcpus);
    CHECK_EQ(a->maxvcpus, b->maxvcpus);
    CHECK_STR(a->kernel, b->kernel);
    CHECK_STR(a->ramdisk, b->ramdisk);
    CHECK_STR(a->cmdline, b->cmdline);
    CHECK_EQ(a->on_poweroff, b->on_poweroff);
    CHECK_EQ(a->on_reboot, b->on_reboot);
    CHECK_EQ(a->on_crash, b->on_crash);
    CHECK_EQ(a->hap, b->hap);
    CHECK_EQ(a->cpus == NULL, b->cpus == NULL);
    for (unsigned int v = 0; v < 8; v++)
        CHECK_EQ(affinity(a, v, 16), affinity(b, v, 16));
}

/* Printing cfg and parsing the text gives the same configuration, whose
 * printout is the same text. */
static void check_round_trip(const struct xlcfg *cfg)
{
    struct xlcfg again;
    char *text = dump(cfg), *text2;
    FILE *err = sink();

    CHECK_EQ(parse_text(&again, text, err), 0);
    CHECK_STR(said(err), "");
    check_same_config(cfg, &again);
    text2 = dump(&again);
    CHECK_STR(text2, text);
    free(text);
    free(text2);
    xlcfg_free(&again);
}

TEST(dry_run_prints_one_key_per_line)
{
    struct xlcfg cfg;
    char *text;

    parse_good(&cfg, "hello.cfg");
    text = dump(&cfg);
    CHECK_STR(text, "name = \"hello\"\n"
                    "type = \"pv\"\n"
                    "memory = 64\n"
                    "maxmem = 64\n"
                    "memory_min = 64\n"
                    "memory_dynamic_max = 64\n"
                    "vcpus = 1\n"
                    "maxvcpus = 1\n"
                    "kernel = \"/boot/hello\"\n"
                    "on_poweroff = \"destroy\"\n"
                    "on_reboot = \"restart\"\n"
                    "on_crash = \"preserve\"\n"
                    "hap = 1\n");
    free(text);
    xlcfg_free(&cfg);
}

TEST(dry_run_prints_lists_and_escapes)
{
    struct xlcfg cfg;
    char *text;

    parse_good(&cfg, "full.cfg");
    text = dump(&cfg);
    CHECK(strstr(text, "\ncpus = [ \"0-1\", \"2\", \"all,^0\" ]\n"));
    CHECK(strstr(text, "\ncmdline = \"console=hvc0 msg=\\\"it's\\\"\\tend "
                       "AA\"\n"));
    CHECK(strstr(text, "\nramdisk = \"/boot/initrd.img\"\n"));
    CHECK(strstr(text, "\nhap = 0\n"));
    free(text);
    xlcfg_free(&cfg);
}

TEST(dry_run_round_trip_of_every_example)
{
    static const char *const files[] = {
        "pvlinux.cfg", "hello.cfg", "full.cfg", "cpus-docs.cfg",
        "root-extra.cfg", "hvm.cfg",
    };

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        struct xlcfg cfg;

        CHECK_EQ(parse_file(&cfg, files[i], NULL), 0);
        check_round_trip(&cfg);
        xlcfg_free(&cfg);
    }
}

TEST(dry_run_round_trip_of_awkward_strings_and_overrides)
{
    static char *const kv[] = { "name=we\"b 1", "ramdisk=/a\\b" };
    struct xlcfg cfg;

    CHECK_EQ(parse_text(&cfg, "kernel = '/k'\n"
                              "cmdline = \"a\\x01b\\x7f\\n\\r\\\\c'\"\n"
                              "cpus = \"all,^1\"\n", NULL), 0);
    CHECK_EQ(xlcfg_apply_overrides(&cfg, 2, kv, NULL), 0);
    CHECK_STR(cfg.name, "we\"b 1");
    CHECK_STR(cfg.ramdisk, "/a\\b");
    check_round_trip(&cfg);
    xlcfg_free(&cfg);
}
