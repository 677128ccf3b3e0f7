/* What the xl.cfg parser's unit tests share (tests/unit/xlcfg_util.c). */
#ifndef XLCFG_UTIL_H
#define XLCFG_UTIL_H

#include <stdint.h>
#include <stdio.h>

#include "../../dom0/xlcfg.h"
#include "sink.h"

/* Parse tests/unit/data/xlcfg/rel (named by its base name), or text as
 * "t.cfg", into a fresh cfg. */
int parse_file(struct xlcfg *cfg, const char *rel, FILE *err);
int parse_text(struct xlcfg *cfg, const char *text, FILE *err);

/* A valid file: nothing said, checks pass. */
void parse_good(struct xlcfg *cfg, const char *rel);
/* Parsing then (if that worked) checking file fails with exactly want. */
void check_bad(const char *file, const char *want);

/* vCPU vcpu's hard affinity on nr_cpus CPUs (0: anywhere). */
uint64_t affinity(const struct xlcfg *cfg, unsigned int vcpu,
                  unsigned int nr_cpus);

#endif
