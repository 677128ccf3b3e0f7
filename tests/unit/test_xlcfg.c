/*
 * The xl.cfg parser (dom0/xlcfg.c): example configurations in the forms
 * Xen's xl.cfg(5) documents, malformed ones with their exact messages,
 * the syntax corners (lists, escapes, numbers, ';', '+=') and the checks.
 * Command-line overrides and the dry-run printout: test_xlcfg_print.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../dom0/xlcfg.h"
#include "../../dom0/xlfmt.h"

#include "unit.h"
#include "xlcfg_util.h"

/* ---- documented examples ---- */

TEST(example_pv_linux_guest)
{
    struct xlcfg cfg;
    FILE *err = sink();

    CHECK_EQ(parse_file(&cfg, "pvlinux.cfg", err), 0);
    CHECK_EQ(xlcfg_check(&cfg, err), 0);
    CHECK_STR(said(err), "pvlinux.cfg:26: 'vif' is not supported by "
                         "xen-lite (ignored)\n"
                         "pvlinux.cfg:27: 'disk' is not supported by "
                         "xen-lite (ignored)\n");
    CHECK_STR(cfg.name, "example.pvlinux");
    CHECK_EQ(cfg.type, XLCFG_PV);
    CHECK_STR(cfg.kernel, "/boot/vmlinuz");
    CHECK(cfg.ramdisk == NULL);
    CHECK_STR(cfg.cmdline, "root=/dev/xvda1");
    CHECK_EQ(cfg.memory_mb, 128);
    CHECK_EQ(cfg.maxmem_mb, 128);
    CHECK_EQ(cfg.vcpus, 2);
    CHECK_EQ(cfg.maxvcpus, 2);
    CHECK(cfg.cpus == NULL);
    CHECK_EQ(cfg.on_poweroff, XLCFG_DESTROY);
    CHECK_EQ(cfg.on_reboot, XLCFG_RESTART);
    CHECK_EQ(cfg.on_crash, XLCFG_DESTROY);
    CHECK(cfg.hap);
    CHECK_EQ(cfg.nsettings, 7);
    CHECK(!xlcfg_find(&cfg, "vif")->known);
    CHECK_EQ(xlcfg_find(&cfg, "disk")->value.kind, XLCFG_LIST);
    xlcfg_free(&cfg);
}

TEST(example_hello_guest_and_defaults)
{
    struct xlcfg cfg;

    parse_good(&cfg, "hello.cfg");
    CHECK_STR(cfg.name, "hello");
    CHECK_STR(cfg.kernel, "/boot/hello");
    CHECK_EQ(cfg.memory_mb, 64);
    CHECK_EQ(cfg.maxmem_mb, 64);
    CHECK_EQ(cfg.memory_min_mb, 64);
    CHECK_EQ(cfg.memory_dynamic_max_mb, 64);
    CHECK_EQ(cfg.vcpus, 1);
    CHECK(cfg.cmdline == NULL);
    CHECK_EQ(cfg.on_crash, XLCFG_PRESERVE);
    CHECK_EQ(xlcfg_find(&cfg, "memory")->line, 5);
    CHECK_STR(xlcfg_find(&cfg, "memory")->source, "hello.cfg");
    xlcfg_free(&cfg);
}

TEST(example_every_key)
{
    struct xlcfg cfg;

    parse_good(&cfg, "full.cfg");
    CHECK_STR(cfg.name, "full-example");
    CHECK_EQ(cfg.memory_mb, 256);
    CHECK_EQ(cfg.maxmem_mb, 512);
    CHECK_EQ(cfg.memory_min_mb, 128);
    CHECK_EQ(cfg.memory_dynamic_max_mb, 384);
    CHECK_EQ(cfg.vcpus, 2);
    CHECK_EQ(cfg.maxvcpus, 4);
    CHECK_STR(cfg.ramdisk, "/boot/initrd.img");
    CHECK_STR(cfg.cmdline, "console=hvc0 msg=\"it's\"\tend AA");
    CHECK_EQ(cfg.on_poweroff, XLCFG_PRESERVE);
    CHECK_EQ(cfg.on_reboot, XLCFG_RENAME_RESTART);
    CHECK_EQ(cfg.on_crash, XLCFG_COREDUMP_RESTART);
    CHECK(!cfg.hap);
    CHECK_EQ(cfg.cpus->kind, XLCFG_LIST);
    CHECK_EQ(cfg.cpus->nitems, 3);
    CHECK_EQ(affinity(&cfg, 0, 4), 0x3);
    CHECK_EQ(affinity(&cfg, 1, 4), 0x4);
    CHECK_EQ(affinity(&cfg, 2, 4), 0xe);
    CHECK_EQ(affinity(&cfg, 3, 4), 0);      /* beyond the list: anywhere */
    CHECK_EQ(xlcfg_find(&cfg, "memory_dynamic_max")->line, 5);
    CHECK_EQ(xlcfg_find(&cfg, "kernel")->line, 15);
    xlcfg_free(&cfg);
}

TEST(cpus_beyond_the_host_fail_apart_from_pinning)
{
    struct xlcfg cfg;
    struct xl_cpumap map;
    FILE *err;

    parse_good(&cfg, "cpus-docs.cfg");
    err = sink();
    /* 1 means pinned; a CPU the host lacks is -1, after xl's message. */
    CHECK_EQ(xlcfg_vcpu_affinity(&cfg, 0, 8, &map, err), 1);
    CHECK_EQ(xlcfg_vcpu_affinity(&cfg, 0, 2, &map, err), -1);
    CHECK_STR(said(err), "Invalid pcpu range: 0-3.\n");
    xlcfg_free(&cfg);
}

TEST(example_cpu_list_for_every_vcpu)
{
    struct xlcfg cfg;

    parse_good(&cfg, "cpus-docs.cfg");
    for (unsigned int v = 0; v < 3; v++)
        CHECK_EQ(affinity(&cfg, v, 8), 0x2d);
    xlcfg_free(&cfg);
}

TEST(example_root_and_extra_make_the_command_line)
{
    struct xlcfg cfg;

    parse_good(&cfg, "root-extra.cfg");
    CHECK_STR(cfg.cmdline, "root=/dev/xvda1 ro console=hvc0 quiet");
    xlcfg_free(&cfg);
}

TEST(example_hvm_parses_but_is_not_supported_yet)
{
    struct xlcfg cfg;
    FILE *err = sink();

    CHECK_EQ(parse_file(&cfg, "hvm.cfg", err), 0);
    CHECK_EQ(cfg.type, XLCFG_HVM);
    CHECK_EQ(cfg.memory_mb, 512);
    CHECK_EQ(xlcfg_check(&cfg, err), -EINVAL);
    CHECK_STR(said(err), "hvm.cfg:3: type 'hvm' is not supported by "
                         "xen-lite: hardware-virtualized guests run as type "
                         "= \"pvh\"\n");
    xlcfg_free(&cfg);
}

/* ---- malformed files ---- */

static const char explode_choices[] =
    "(destroy, restart, rename-restart, preserve, coredump-destroy, "
    "coredump-restart, soft-reset)";

TEST(bad_syntax_messages)
{
    check_bad("bad/missing-equals.cfg",
              "missing-equals.cfg:3: expected '=' after 'memory'\n");
    check_bad("bad/unterminated-string.cfg",
              "unterminated-string.cfg:5: unterminated string\n");
    check_bad("bad/bare-word.cfg",
              "bare-word.cfg:2: expected a value after 'type =', got 'pv' "
              "(put strings in quotes)\n");
    check_bad("bad/no-value.cfg",
              "no-value.cfg:2: expected a value after 'kernel =', got the "
              "end of the line\n");
    check_bad("bad/stray-equals.cfg",
              "stray-equals.cfg:2: expected a setting name, got '='\n");
    check_bad("bad/two-values.cfg",
              "two-values.cfg:1: expected a new line or ';' after the value "
              "of 'name', got \"b\"\n");
    check_bad("bad/list-missing-comma.cfg",
              "list-missing-comma.cfg:2: expected ',' or ']' in the list for "
              "'cpus', got \"1\"\n");
    check_bad("bad/unterminated-list.cfg",
              "unterminated-list.cfg:3: unterminated list for 'cpus' (no ']' "
              "before the end of the file)\n");
    check_bad("bad/bad-escape.cfg",
              "bad-escape.cfg:2: invalid escape '\\q' in string\n");
    check_bad("bad/bad-char.cfg",
              "bad-char.cfg:2: unexpected character '$'\n");
    check_bad("bad/control-char.cfg",
              "control-char.cfg:2: unexpected character '\\x01'\n");
    check_bad("bad/plus-number.cfg",
              "plus-number.cfg:3: can't use += with a number\n");
    check_bad("bad/plus-mixed.cfg",
              "plus-mixed.cfg:3: can't add a list to a string or a string "
              "to a list\n");
    check_bad("bad/nested-deep.cfg",
              "nested-deep.cfg:2: lists nested too deeply in 'x'\n");
}

TEST(bad_value_messages)
{
    check_bad("bad/memory-lots.cfg",
              "memory-lots.cfg:2: memory must be a number of MiB, got "
              "\"lots\"\n");
    check_bad("bad/memory-unit.cfg",
              "memory-unit.cfg:2: memory must be a number of MiB, got "
              "\"128M\"\n");
    check_bad("bad/vcpus-word.cfg",
              "vcpus-word.cfg:3: vcpus must be a number, got \"two\"\n");
    check_bad("bad/hap-yes.cfg",
              "hap-yes.cfg:3: hap must be a number (0 or 1), got \"yes\"\n");
    check_bad("bad/kernel-list.cfg",
              "kernel-list.cfg:2: kernel must be a single value, not a "
              "list\n");
    check_bad("bad/type-unknown.cfg",
              "type-unknown.cfg:2: unknown value 'xen' for type (pv, pvh, "
              "hvm)\n");
    check_bad("bad/cpus-bad.cfg",
              "cpus-bad.cfg:3: invalid CPU list \"0-3,x\" for cpus\n");
    check_bad("bad/on-crash-explode.cfg",
              "on-crash-explode.cfg:7: unknown value 'explode' for on_crash "
              "(destroy, restart, rename-restart, preserve, coredump-destroy,"
              " coredump-restart, soft-reset)\n");
}

TEST(bad_values_are_all_reported)
{
    char want[512];

    snprintf(want, sizeof(want),
             "two-bad-values.cfg:2: memory must be a number of MiB, got "
             "\"lots\"\n"
             "two-bad-values.cfg:3: vcpus must be a number, got \"many\"\n"
             "two-bad-values.cfg:4: unknown value 'shrug' for on_reboot %s\n",
             explode_choices);
    check_bad("bad/two-bad-values.cfg", want);
}

TEST(bad_configurations_fail_the_checks)
{
    check_bad("bad/no-name.cfg", "Domain name must be specified.\n");
    check_bad("bad/memory-zero.cfg",
              "memory-zero.cfg:3: memory must be greater than 0\n");
    check_bad("bad/maxmem-small.cfg",
              "maxmem-small.cfg:4: maxmem (64 MiB) must not be less than "
              "memory (128 MiB)\n");
    check_bad("bad/vcpus-zero.cfg",
              "vcpus-zero.cfg:3: vcpus must be at least 1\n");
    check_bad("bad/maxvcpus-small.cfg",
              "maxvcpus-small.cfg:4: maxvcpus (1) must not be less than "
              "vcpus (2)\n");
    check_bad("bad/no-kernel.cfg",
              "no-kernel.cfg: kernel must be specified for a PV guest\n");
    check_bad("bad/balloon-range.cfg",
              "balloon-range.cfg:5: memory_min (192 MiB) must not be more "
              "than memory (128 MiB)\n"
              "balloon-range.cfg:6: memory_dynamic_max (512 MiB) must be "
              "between memory (128 MiB) and maxmem (256 MiB)\n");
}

/* ---- syntax corners ---- */

TEST(semicolons_comments_blank_lines_and_crlf)
{
    struct xlcfg cfg;
    FILE *err = sink();

    CHECK_EQ(parse_text(&cfg, "\n  # comment only\r\n\r\n"
                              "name=\"h0\"; type=\"pv\" ;memory=96;\r\n"
                              "\tkernel = '/k' # trailing comment", err), 0);
    CHECK_STR(said(err), "");
    CHECK_STR(cfg.name, "h0");
    CHECK_EQ(cfg.memory_mb, 96);
    CHECK_STR(cfg.kernel, "/k");
    CHECK_EQ(xlcfg_find(&cfg, "memory")->line, 4);
    CHECK_EQ(xlcfg_find(&cfg, "kernel")->line, 5);
    xlcfg_free(&cfg);
}

TEST(empty_file_gives_the_defaults)
{
    struct xlcfg cfg;

    CHECK_EQ(parse_text(&cfg, "", NULL), 0);
    CHECK_EQ(cfg.nsettings, 0);
    CHECK(cfg.name == NULL);
    CHECK_EQ(cfg.memory_mb, 32);
    CHECK_EQ(cfg.vcpus, 1);
    CHECK(cfg.hap);
    xlcfg_free(&cfg);
}

TEST(numbers_decimal_hex_octal_and_quoted)
{
    struct xlcfg cfg;

    CHECK_EQ(parse_text(&cfg, "memory = 0x80\nmaxmem = 0400\n"
                              "vcpus = \"3\"\nmaxvcpus = '0x4'\n", NULL), 0);
    CHECK_EQ(cfg.memory_mb, 128);
    CHECK_EQ(cfg.maxmem_mb, 256);
    CHECK_EQ(cfg.vcpus, 3);
    CHECK_EQ(cfg.maxvcpus, 4);
    CHECK_EQ(xlcfg_find(&cfg, "memory")->value.kind, XLCFG_NUMBER);
    CHECK_STR(xlcfg_find(&cfg, "memory")->value.str, "0x80");
    xlcfg_free(&cfg);
}

TEST(number_out_of_range_or_negative)
{
    struct xlcfg cfg;
    FILE *err = sink();

    CHECK_EQ(parse_text(&cfg, "memory = 99999999999999999999\n"
                              "vcpus = -1\nmaxmem = 08\n", err), -EINVAL);
    CHECK_STR(said(err),
              "t.cfg:1: memory must be a number of MiB, got "
              "\"99999999999999999999\"\n"
              "t.cfg:2: vcpus must be a number, got \"-1\"\n"
              "t.cfg:3: maxmem must be a number of MiB, got \"08\"\n");
    xlcfg_free(&cfg);
}

TEST(string_escapes)
{
    struct xlcfg cfg;

    CHECK_EQ(parse_text(&cfg, "cmdline = \"q\\\" s\\' b\\\\ \\a\\b\\f\\n\\r"
                              "\\t\\v \\x7e\\x7E \\101\\60\\0101\"\n"
                              "extra = 'it\\'s \"fine\"'\n", NULL), 0);
    CHECK_STR(cfg.cmdline, "q\" s' b\\ \a\b\f\n\r\t\v ~~ A0\0101");
    CHECK_STR(xlcfg_find(&cfg, "extra")->value.str, "it's \"fine\"");
    xlcfg_free(&cfg);
}

TEST(bad_escapes)
{
    static const char *const bad[] = {
        "x = \"\\x4\"", "x = \"\\xzz\"", "x = \"\\400\"", "x = \"\\0\"",
        "x = \"\\x00\"", "x = \"\\8\"",
    };
    static const char *const want[] = {
        "t.cfg:1: invalid escape '\\x' in string\n",
        "t.cfg:1: invalid escape '\\x' in string\n",
        "t.cfg:1: invalid escape '\\4' in string\n",
        "t.cfg:1: invalid escape '\\0' in string\n",
        "t.cfg:1: invalid escape '\\x' in string\n",
        "t.cfg:1: invalid escape '\\8' in string\n",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct xlcfg cfg;
        FILE *err = sink();

        CHECK_EQ(parse_text(&cfg, bad[i], err), -EINVAL);
        CHECK_STR(said(err), want[i]);
        xlcfg_free(&cfg);
    }
}

TEST(string_may_not_span_lines)
{
    struct xlcfg cfg;
    FILE *err = sink();

    CHECK_EQ(parse_text(&cfg, "name = 'a\nb'\n", err), -EINVAL);
    CHECK_STR(said(err), "t.cfg:1: unterminated string\n");
    xlcfg_free(&cfg);
    err = sink();
    CHECK_EQ(parse_text(&cfg, "name = \"a\\\nb\"\n", err), -EINVAL);
    CHECK_STR(said(err), "t.cfg:1: unterminated string\n");
    xlcfg_free(&cfg);
}

TEST(lists_empty_nested_multiline_and_trailing_comma)
{
    struct xlcfg cfg;
    const struct xlcfg_value *v;

    CHECK_EQ(parse_text(&cfg, "a = []\nb = [\n]\n"
                              "c = [ [\"x\", 1], [],\n  [ 'y' ], ]\n"
                              "d = [ 1,\n\n 2 # two\n ,3 ]\nname = 'n'\n",
                        NULL), 0);
    CHECK_EQ(xlcfg_find(&cfg, "a")->value.nitems, 0);
    CHECK_EQ(xlcfg_find(&cfg, "b")->value.nitems, 0);
    v = &xlcfg_find(&cfg, "c")->value;
    CHECK_EQ(v->nitems, 3);
    CHECK_EQ(v->items[0].kind, XLCFG_LIST);
    CHECK_EQ(v->items[0].nitems, 2);
    CHECK_STR(v->items[0].items[0].str, "x");
    CHECK_EQ(v->items[0].items[1].kind, XLCFG_NUMBER);
    CHECK_EQ(v->items[1].nitems, 0);
    CHECK_STR(v->items[2].items[0].str, "y");
    v = &xlcfg_find(&cfg, "d")->value;
    CHECK_EQ(v->nitems, 3);
    CHECK_STR(v->items[2].str, "3");
    CHECK_EQ(xlcfg_find(&cfg, "name")->line, 10);
    xlcfg_free(&cfg);
}

TEST(list_with_a_stray_comma_or_key)
{
    struct xlcfg cfg;
    FILE *err = sink();

    CHECK_EQ(parse_text(&cfg, "cpus = [ , ]\n", err), -EINVAL);
    CHECK_STR(said(err), "t.cfg:1: expected a value after 'cpus =', got "
                         "','\n");
    xlcfg_free(&cfg);
    err = sink();
    CHECK_EQ(parse_text(&cfg, "cpus = [ \"1\",, ]\n", err), -EINVAL);
    CHECK_STR(said(err), "t.cfg:1: expected a value after 'cpus =', got "
                         "','\n");
    xlcfg_free(&cfg);
}

TEST(duplicate_keys_the_last_wins)
{
    struct xlcfg cfg;

    CHECK_EQ(parse_text(&cfg, "memory = 64\nname = 'a'\nmemory = 128\n"
                              "memory = \"lots\"\nmemory = 256\n", NULL), 0);
    CHECK_EQ(cfg.memory_mb, 256);
    CHECK_EQ(cfg.nsettings, 5);
    CHECK_EQ(xlcfg_find(&cfg, "memory")->line, 5);
    xlcfg_free(&cfg);
}

TEST(plus_equals_appends_strings_and_lists)
{
    struct xlcfg cfg;
    const struct xlcfg_value *v;

    CHECK_EQ(parse_text(&cfg, "cmdline = 'a'\ncmdline += \" b\"\n"
                              "cpus = [ '0' ]\ncpus += [ '1', '2' ]\n"
                              "extra += 'new'\n", NULL), 0);
    CHECK_STR(cfg.cmdline, "a b");
    v = cfg.cpus;
    CHECK_EQ(v->nitems, 3);
    CHECK_STR(v->items[0].str, "0");
    CHECK_STR(v->items[2].str, "2");
    CHECK_STR(xlcfg_find(&cfg, "extra")->value.str, "new");
    CHECK_EQ(xlcfg_find(&cfg, "cpus")->line, 4);
    xlcfg_free(&cfg);
}

TEST(unknown_keys_warn_and_parsing_goes_on)
{
    struct xlcfg cfg;
    FILE *err = sink();

    CHECK_EQ(parse_text(&cfg, "name = 'a'\nvif = [ 'bridge=xenbr0' ]\n"
                              "Memory = 5\nmemory = 80\n", err), 0);
    CHECK_STR(said(err), "t.cfg:2: 'vif' is not supported by xen-lite "
                         "(ignored)\n"
                         "t.cfg:3: unknown key 'Memory' (did you mean "
                         "'memory'?)\n");
    CHECK_EQ(cfg.memory_mb, 80);
    CHECK_EQ(cfg.nsettings, 4);
    CHECK(cfg.settings[0].known && !cfg.settings[1].known);
    xlcfg_free(&cfg);
}

TEST(typos_get_the_nearest_key_and_xl_keys_are_not_supported)
{
    struct xlcfg cfg;
    FILE *err = sink();

    CHECK_EQ(parse_text(&cfg, "memroy = 64\nmaxmen = 128\nvcpu = 2\n"
                              "kernle = 'k'\ntsc_mode = 'native'\n"
                              "nestedhvm = 1\nbootloader = 'pygrub'\n"
                              "frobnicate = 1\nx = 1\n", err), 0);
    CHECK_STR(said(err),
              "t.cfg:1: unknown key 'memroy' (did you mean 'memory'?)\n"
              "t.cfg:2: unknown key 'maxmen' (did you mean 'maxmem'?)\n"
              "t.cfg:3: unknown key 'vcpu' (did you mean 'vcpus'?)\n"
              "t.cfg:4: unknown key 'kernle' (did you mean 'kernel'?)\n"
              "t.cfg:5: 'tsc_mode' is not supported by xen-lite (ignored)\n"
              "t.cfg:6: 'nestedhvm' is not supported by xen-lite (ignored)\n"
              "t.cfg:7: 'bootloader' is not supported by xen-lite "
              "(ignored)\n"
              "t.cfg:8: unknown key 'frobnicate'\n"
              "t.cfg:9: unknown key 'x'\n");
    xlcfg_free(&cfg);
}

TEST(builder_is_xls_old_spelling_of_type)
{
    struct xlcfg cfg;
    FILE *err = sink();

    CHECK_EQ(parse_text(&cfg, "name = 'a'\nkernel = 'k'\nbuilder = 'hvm'\n",
                        err), 0);
    CHECK_EQ(cfg.type, XLCFG_HVM);
    CHECK_EQ(xlcfg_check(&cfg, err), -EINVAL);
    CHECK_STR(said(err), "t.cfg:3: type 'hvm' is not supported by xen-lite: "
                         "hardware-virtualized guests run as type = "
                         "\"pvh\"\n");
    xlcfg_free(&cfg);
    err = sink();
    CHECK_EQ(parse_text(&cfg, "name = 'a'\nkernel = 'k'\n"
                              "builder = 'generic'\n", err), 0);
    CHECK_EQ(cfg.type, XLCFG_PV);
    CHECK_EQ(xlcfg_check(&cfg, err), 0);
    CHECK_STR(said(err), "");
    xlcfg_free(&cfg);
    err = sink();
    CHECK_EQ(parse_text(&cfg, "type = 'pv'\nbuilder = 'hvm'\n", err),
             -EINVAL);
    CHECK_STR(said(err), "t.cfg:2: builder = \"hvm\" contradicts type = "
                         "\"pv\" (t.cfg:1)\n");
    xlcfg_free(&cfg);
    err = sink();
    CHECK_EQ(parse_text(&cfg, "builder = 'linux'\n", err), -EINVAL);
    CHECK_STR(said(err), "t.cfg:1: unknown value 'linux' for builder "
                         "(generic, hvm)\n");
    xlcfg_free(&cfg);
}

TEST(uuid_is_read_or_refused)
{
    static const uint8_t want[16] = {
        0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
        0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
    };
    struct xlcfg cfg;
    FILE *err = sink();

    CHECK_EQ(parse_text(&cfg, "uuid = '01234567-89AB-cdef-fedc-ba9876543210'\n",
                        err), 0);
    CHECK(cfg.has_uuid);
    CHECK(!memcmp(cfg.uuid, want, sizeof(want)));
    CHECK_STR(said(err), "");
    xlcfg_free(&cfg);
    err = sink();
    CHECK_EQ(parse_text(&cfg, "uuid = '01234567-89ab-cdef-fedc-ba987654321'\n",
                        err), -EINVAL);
    CHECK(!cfg.has_uuid);
    CHECK_STR(said(err), "t.cfg:1: uuid must look like xxxxxxxx-xxxx-xxxx-"
                         "xxxx-xxxxxxxxxxxx (hex), got "
                         "\"01234567-89ab-cdef-fedc-ba987654321\"\n");
    xlcfg_free(&cfg);
}

TEST(values_that_do_not_fit_are_refused_with_key_and_line)
{
    struct xlcfg cfg;
    FILE *err = sink();

    CHECK_EQ(parse_text(&cfg, "name = 'a'\nmemory = 18014398509481983\n",
                        err), -EINVAL);
    CHECK_STR(said(err), "t.cfg:2: memory = 18014398509481983 MiB does not "
                         "fit: at most 4294967296 MiB (the x86-64 physical "
                         "address space)\n");
    xlcfg_free(&cfg);
    err = sink();
    CHECK_EQ(parse_text(&cfg, "maxmem = 99999999999999999999\n", err),
             -EINVAL);
    CHECK_STR(said(err), "t.cfg:1: maxmem must be a number of MiB, got "
                         "\"99999999999999999999\"\n");
    xlcfg_free(&cfg);
    err = sink();
    CHECK_EQ(parse_text(&cfg, "name = 'a'\nkernel = 'k'\nvcpus = 33\n", err),
             0);
    CHECK_EQ(xlcfg_check(&cfg, err), -EINVAL);
    CHECK_STR(said(err), "t.cfg:3: vcpus = 33: a domain has at most 32 "
                         "vCPUs\n");
    xlcfg_free(&cfg);
    err = sink();
    CHECK_EQ(parse_text(&cfg, "name = 'a'\nkernel = 'k'\nvcpus = 2\n"
                              "maxvcpus = 40\n", err), 0);
    CHECK_EQ(xlcfg_check(&cfg, err), -EINVAL);
    CHECK_STR(said(err), "t.cfg:4: maxvcpus = 40: a domain has at most 32 "
                         "vCPUs\n");
    xlcfg_free(&cfg);
}

TEST(names_xl_could_not_use_are_refused)
{
    struct xlcfg cfg;
    FILE *err = sink();
    char text[160];

    CHECK_EQ(parse_text(&cfg, "name = '123'\nkernel = 'k'\n", err), 0);
    CHECK_EQ(xlcfg_check(&cfg, err), -EINVAL);
    CHECK_STR(said(err), "t.cfg:1: name \"123\" is all digits: xl takes "
                         "such an argument for a domain id\n");
    xlcfg_free(&cfg);
    snprintf(text, sizeof(text), "name = '%064d'\nkernel = 'k'\n", 7);
    text[8] = 'x';                      /* not all digits: 64 characters */
    err = sink();
    CHECK_EQ(parse_text(&cfg, text, err), 0);
    CHECK_EQ(xlcfg_check(&cfg, err), -EINVAL);
    CHECK(strstr(said(err), "is too long: at most 63 characters\n"));
    xlcfg_free(&cfg);
    text[8 + 63] = '\'';                 /* 63 characters: fine */
    strcpy(text + 8 + 64, "\nkernel = 'k'\n");
    err = sink();
    CHECK_EQ(parse_text(&cfg, text, err), 0);
    CHECK_EQ(xlcfg_check(&cfg, err), 0);
    CHECK_STR(said(err), "");
    xlcfg_free(&cfg);
    CHECK(xlcfg_name_problem("web1") == NULL);
    CHECK(xlcfg_name_problem("1web") == NULL);
}

TEST(dynamic_range_is_noted_only_when_given)
{
    struct xlcfg cfg;
    FILE *err = sink();

    CHECK_EQ(parse_text(&cfg, "memory = 256\nmaxmem = 512\n", err), 0);
    CHECK(!cfg.dynamic_range);
    CHECK_EQ(cfg.memory_min_mb, 256);
    CHECK_EQ(cfg.memory_dynamic_max_mb, 512);
    xlcfg_free(&cfg);
    CHECK_EQ(parse_text(&cfg, "memory = 256\nmaxmem = 512\nmemory_min = 64\n",
                        err), 0);
    CHECK(cfg.dynamic_range);
    xlcfg_free(&cfg);
    CHECK_STR(said(err), "");
}

TEST(cmdline_wins_over_root_and_extra_with_a_warning)
{
    struct xlcfg cfg;
    FILE *err = sink();

    CHECK_EQ(parse_text(&cfg, "name='a'\nkernel='/k'\nextra='x'\n"
                              "cmdline='c'\n", err), 0);
    CHECK_EQ(xlcfg_check(&cfg, err), 0);
    CHECK_STR(said(err), "t.cfg:4: warning: ignoring root= and extra= in "
                         "favour of cmdline=\n");
    CHECK_STR(cfg.cmdline, "c");
    xlcfg_free(&cfg);
}

TEST(type_names_and_actions)
{
    struct xlcfg cfg;

    CHECK_EQ(parse_text(&cfg, "type = 'pvh'\non_reboot = 'preserve'\n"
                              "on_poweroff = 'coredump-destroy'\n"
                              "on_crash = 'soft-reset'\n", NULL), 0);
    CHECK_EQ(cfg.type, XLCFG_PVH);
    CHECK_STR(xlcfg_type_name(cfg.type), "pvh");
    CHECK_EQ(cfg.on_reboot, XLCFG_PRESERVE);
    CHECK_STR(xlcfg_action_name(cfg.on_poweroff), "coredump-destroy");
    CHECK_STR(xlcfg_action_name(cfg.on_crash), "soft-reset");
    xlcfg_free(&cfg);
}

TEST(check_of_nothing_at_all)
{
    struct xlcfg cfg;
    FILE *err = sink();

    xlcfg_init(&cfg);
    CHECK_EQ(xlcfg_check(&cfg, err), -EINVAL);
    CHECK_STR(said(err), "Domain name must be specified.\n"
                         "config: kernel must be specified for a PV guest\n");
    xlcfg_free(&cfg);
}

TEST(check_reports_every_problem_name_first)
{
    struct xlcfg cfg;
    FILE *err = sink();

    CHECK_EQ(parse_text(&cfg, "type = 'hvm'\nmemory = 0\nvcpus = 0\n", err),
             0);
    CHECK_EQ(xlcfg_check(&cfg, err), -EINVAL);
    CHECK_STR(said(err), "Domain name must be specified.\n"
                         "t.cfg:1: type 'hvm' is not supported by xen-lite: "
                         "hardware-virtualized guests run as type = \"pvh\"\n"
                         "t.cfg:2: memory must be greater than 0\n"
                         "t.cfg:3: vcpus must be at least 1\n");
    xlcfg_free(&cfg);
}

TEST(pvh_needs_a_kernel_and_may_ask_for_shadow_paging)
{
    struct xlcfg cfg;
    FILE *err = sink();

    CHECK_EQ(parse_text(&cfg, "name = 'p'\ntype = 'pvh'\nkernel = '/boot/k'\n", err), 0);
    CHECK_EQ(xlcfg_check(&cfg, err), 0);
    CHECK_STR(said(err), "");
    xlcfg_free(&cfg);

    err = sink();
    CHECK_EQ(parse_text(&cfg, "name = 'p'\ntype = 'pvh'\nhap = 0\nshadow_memory = 4\n"
                              "kernel = '/boot/k'\n", err), 0);
    CHECK_EQ(xlcfg_check(&cfg, err), 0);
    CHECK_STR(said(err), "");
    CHECK(!cfg.hap);
    CHECK_EQ(cfg.shadow_memory_mb, 4);
    xlcfg_free(&cfg);

    err = sink();
    CHECK_EQ(parse_text(&cfg, "name = 'p'\ntype = 'pvh'\n", err), 0);
    CHECK_EQ(xlcfg_check(&cfg, err), -EINVAL);
    CHECK_STR(said(err), "t.cfg: kernel must be specified for a PVH guest\n");
    xlcfg_free(&cfg);
}
