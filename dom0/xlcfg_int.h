/*
 * Between the two halves of the xl.cfg reader: the syntax
 * (xlcfg_syntax.c) and the known keys, checks and public interface
 * (xlcfg.c).  Not for other users: they have xlcfg.h.
 */
#ifndef DOM0_XLCFG_INT_H
#define DOM0_XLCFG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "xlcfg.h"

/* "SOURCE:LINE: message" (or "SOURCE: message" for line 0) on err, if
 * err is not NULL. */
void xlcfg_report(FILE *err, const char *source, int line,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Parse text as lines from line on of source (interned), appending its
 * settings to cfg.  0, -EINVAL (messages on err) or -ENOMEM. */
int xlcfg_parse_text(struct xlcfg *cfg, const char *source, int line,
                     const char *text, size_t len, FILE *err);

/* One `KEY=VALUE` of the xl create command line (a bare word value is a
 * string), as setting number line of source. */
int xlcfg_parse_override(struct xlcfg *cfg, const char *arg,
                         const char *source, int line, FILE *err);

/* source's copy owned by cfg (one per name), or NULL out of memory. */
const char *xlcfg_intern_source(struct xlcfg *cfg, const char *source);

void xlcfg_value_free(struct xlcfg_value *v);

/* Whether key is one xen-lite reads (others are warned about). */
bool xlcfg_key_known(const char *key);
/* The i-th key xen-lite reads, or NULL past the last. */
const char *xlcfg_rule_key(size_t i);

/* The warning for a key xen-lite does not read (xlcfg_keys.c):
 * "'vif' is not supported by xen-lite (ignored)" for a key of Xen's xl,
 * else "unknown key 'memroy' (did you mean 'memory'?)". */
void xlcfg_report_key(FILE *err, const char *source, int line,
                      const char *key);

#endif /* DOM0_XLCFG_INT_H */
