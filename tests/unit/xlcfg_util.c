/*
 * What the xl.cfg parser's unit tests share: parsing a file of
 * tests/unit/data/xlcfg/ or a string, and the good-file / bad-file checks
 * (what the parser says goes to sink.h's stream).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../dom0/xlcfg.h"

#include "unit.h"
#include "xlcfg_util.h"

#define DATA "tests/unit/data/xlcfg/"

/* Parse DATA/rel into a fresh cfg, named by its base name. */
int parse_file(struct xlcfg *cfg, const char *rel, FILE *err)
{
    const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
    char path[256];
    FILE *in;
    int rc;

    snprintf(path, sizeof(path), DATA "%s", rel);
    in = fopen(path, "r");
    if (!in)
        unit_fail(__FILE__, __LINE__, "cannot open %s", path);
    xlcfg_init(cfg);
    rc = xlcfg_parse_stream(cfg, base, in, err);
    fclose(in);
    return rc;
}

int parse_text(struct xlcfg *cfg, const char *text, FILE *err)
{
    xlcfg_init(cfg);
    return xlcfg_parse(cfg, "t.cfg", text, strlen(text), err);
}

/* Parse a valid file: nothing said, checks pass. */
void parse_good(struct xlcfg *cfg, const char *rel)
{
    FILE *err = sink();

    CHECK_EQ(parse_file(cfg, rel, err), 0);
    CHECK_EQ(xlcfg_check(cfg, err), 0);
    CHECK_STR(said(err), "");
}

/* Parsing then (if that worked) checking file fails with exactly want. */
void check_bad(const char *file, const char *want)
{
    struct xlcfg cfg;
    FILE *err = sink();
    int rc = parse_file(&cfg, file, err);

    if (rc == 0)
        rc = xlcfg_check(&cfg, err);
    CHECK_EQ(rc, -EINVAL);
    CHECK_STR(said(err), want);
    xlcfg_free(&cfg);
}

uint64_t affinity(const struct xlcfg *cfg, unsigned int vcpu,
                         unsigned int nr_cpus)
{
    struct xl_cpumap map;
    int rc = xlcfg_vcpu_affinity(cfg, vcpu, nr_cpus, &map, NULL);

    CHECK(rc == 0 || rc == 1);
    return rc ? map.bits[0] : 0;
}
