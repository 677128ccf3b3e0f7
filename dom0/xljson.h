/*
 * xl's JSON: the domain configurations `xl list -l` and `xl create -n`
 * print, in the shape of libxl's libxl_domain_config (its IDL,
 * tools/libs/light/libxl_types.idl) and laid out as libxl's yajl
 * generator lays it out (four-space indents, "key": value, an empty
 * object as "{", a blank line and "}").  A field that has its default
 * value is left out, as libxl leaves it out.
 *
 * Pure: no hypercalls, no global state (unit-tested on the host).
 */
#ifndef DOM0_XLJSON_H
#define DOM0_XLJSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "xlcfg.h"

/* ---- A generator in the manner of yajl's, beautified ---- */

#define XLJSON_MAX_DEPTH 16

struct xljson {
    FILE *f;
    unsigned int depth;
    unsigned char state[XLJSON_MAX_DEPTH + 1];
};

void xljson_init(struct xljson *j, FILE *f);
void xljson_map_open(struct xljson *j);
void xljson_map_close(struct xljson *j);
void xljson_array_open(struct xljson *j);
void xljson_array_close(struct xljson *j);
/* A string: a map's key or a value, as the position asks. */
void xljson_string(struct xljson *j, const char *s);
void xljson_integer(struct xljson *j, long long n);
/* "key": "value" and "key": n in one call. */
void xljson_kv_string(struct xljson *j, const char *key, const char *s);
void xljson_kv_integer(struct xljson *j, const char *key, long long n);

/* ---- Domain configurations ---- */

/* What the hypervisor and dom0 know of a running domain, beside its
 * configuration (xl list -l); each replaces the configuration's value. */
struct xljson_live {
    uint32_t domid;
    const char *name;
    const uint8_t *uuid;                /* 16 bytes */
    uint64_t max_memkb, target_memkb;
    uint64_t online_vcpus;              /* bitmap of vCPUs 0..63 */
    unsigned int weight, cap;           /* credit */
};

/*
 * One libxl_domain_config object for cfg (xl create -n: uuid is the one
 * the domain would get), or with live for a running domain, as the
 * member "config" of {"domid": N, "config": ...} (xl list -l's array
 * elements).  Ends with a newline at the top level, as libxl's does.
 */
void xljson_config(FILE *f, const struct xlcfg *cfg, const uint8_t uuid[16]);
void xljson_domain(struct xljson *j, const struct xlcfg *cfg,
                   const struct xljson_live *live);

#endif /* DOM0_XLJSON_H */
