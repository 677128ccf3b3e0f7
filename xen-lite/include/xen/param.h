/*
 * Hypervisor command-line options, declared next to the code that uses them
 * in Xen's style:  boolean_param("noreboot", opt_noreboot);
 * The declarations are collected in the .data.param section; cmdline_parse()
 * walks any table of them (the unit tests pass their own).
 */
#ifndef XEN_PARAM_H
#define XEN_PARAM_H

#include "xen/types.h"

enum param_type {
    PARAM_BOOL,         /* "name", "no-name", "name=<bool>" */
    PARAM_UINT,         /* "name=<number>" */
    PARAM_SIZE,         /* "name=<number>[KMGT]", bytes */
    PARAM_STRING,       /* "name=<text>", copied into a buffer */
    PARAM_CUSTOM,       /* "name[=<text>]", handed to a function */
};

struct param {
    const char *name;
    enum param_type type;
    void *var;
    size_t len;                         /* PARAM_STRING buffer size */
    int (*fn)(const char *val);         /* PARAM_CUSTOM; val may be NULL */
};

/* What cmdline_parse() reports about options it could not take. */
enum param_error {
    PARAM_ERR_UNKNOWN,      /* no such option */
    PARAM_ERR_VALUE,        /* option known, value malformed */
};

typedef void (*param_error_fn)(enum param_error err, const char *opt,
                               size_t optlen, void *ctx);

/* Parse cmdline against params[0..n); returns the number of errors. */
int cmdline_parse(const char *cmdline, const struct param *params, size_t n,
                  param_error_fn on_error, void *ctx);

/* Parse a boolean word: 1/0, yes/no, on/off, true/false, enable/disable. */
int parse_bool(const char *s, size_t len);

#define __param(nm, ty, v, l, f)                                        \
    static const struct param __param_##v __used                       \
        __section(".data.param") __aligned(8) =                         \
        { .name = nm, .type = ty, .var = &v, .len = l, .fn = f }

#define boolean_param(nm, v)    __param(nm, PARAM_BOOL, v, 0, NULL)
#define integer_param(nm, v)    __param(nm, PARAM_UINT, v, 0, NULL)
#define size_param(nm, v)       __param(nm, PARAM_SIZE, v, 0, NULL)
#define string_param(nm, v)     __param(nm, PARAM_STRING, v, sizeof(v), NULL)
#define custom_param(nm, f)                                             \
    static const struct param __param_##f __used                       \
        __section(".data.param") __aligned(8) =                         \
        { .name = nm, .type = PARAM_CUSTOM, .fn = f }

extern const struct param __param_start[], __param_end[];

#endif
