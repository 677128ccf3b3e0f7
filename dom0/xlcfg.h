/*
 * xl.cfg: the domain configuration files of `xl create` (Xen's xl.cfg(5)).
 *
 * Syntax, as Xen's xl reads it:
 *
 *     # a comment, to the end of the line
 *     name = "hello"; memory = 128        settings end at a newline or ';'
 *     kernel = '/boot/hello'              strings in "..." or '...'
 *     vcpus = 0x2                         numbers: decimal, 0x hex, 0 octal
 *     cpus = [ "0-1",                     lists, over several lines,
 *              "2", ]                     with a trailing comma if wanted
 *     extra += " debug"                   += appends to a string or list
 *
 * Escapes in strings: \" \' \\ \a \b \f \n \r \t \v, \xHH (two hex
 * digits) and \ooo (one to three octal digits).  A duplicated key: the
 * last one wins.  `xl create FILE KEY=VALUE...` overrides are settings
 * appended after the file (xlcfg_apply_overrides); there a value that
 * does not start like a string, number or list is taken as a bare string
 * (name=web1).
 *
 * Messages, each on its own line of the FILE* passed in:
 *
 *     FILE:LINE: expected '=' after 'KEY'
 *     FILE:LINE: unterminated string
 *     FILE:LINE: invalid escape '\C' in string
 *     FILE:LINE: unexpected character 'C'
 *     FILE:LINE: expected a setting name, got TOKEN
 *     FILE:LINE: expected a value after 'KEY =', got TOKEN
 *     FILE:LINE: expected a value after 'KEY =', got 'WORD' (put strings in quotes)
 *     FILE:LINE: expected a new line or ';' after the value of 'KEY', got TOKEN
 *     FILE:LINE: expected ',' or ']' in the list for 'KEY', got TOKEN
 *     FILE:LINE: unterminated list for 'KEY' (no ']' before the end of the file)
 *     FILE:LINE: lists nested too deeply in 'KEY'
 *     FILE:LINE: can't use += with a number
 *     FILE:LINE: can't add a list to a string or a string to a list
 *     FILE:LINE: unknown key 'KEY'                       (a warning only)
 *     FILE:LINE: unknown key 'KEY' (did you mean 'KNOWN'?)          (ditto)
 *     FILE:LINE: 'KEY' is not supported by xen-lite (ignored)        (ditto)
 *     FILE:LINE: KEY = N MiB does not fit: at most 4294967296 MiB (...)
 *     FILE:LINE: uuid must look like xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex), got "VALUE"
 *     FILE:LINE: builder = "hvm" contradicts type = "pv" (FILE:LINE)
 *     FILE:LINE: memory must be a number of MiB, got "VALUE"
 *     FILE:LINE: vcpus must be a number, got "VALUE"
 *     FILE:LINE: hap must be a number (0 or 1), got "VALUE"
 *     FILE:LINE: KEY must be a single value, not a list
 *     FILE:LINE: unknown value 'VALUE' for KEY (CHOICE, CHOICE, ...)
 *     FILE:LINE: invalid CPU list "VALUE" for cpus
 *
 * TOKEN is the offending text in quotes ('=', "a string", '7'), or "the
 * end of the line" / "the end of the file".  For overrides FILE is
 * "command line" and LINE the override's position (1 for the first).
 * xlcfg_check adds:
 *
 *     Domain name must be specified.
 *     FILE:LINE: name "123" is all digits: xl takes such an argument for a domain id
 *     FILE:LINE: name "..." is too long: at most 63 characters
 *     FILE:LINE: type 'hvm' is not supported by xen-lite: hardware-virtualized guests run as type = "pvh"
 *     FILE:LINE: type 'pvh' is not supported yet
 *     FILE:LINE: memory must be greater than 0
 *     FILE:LINE: maxmem (A MiB) must not be less than memory (B MiB)
 *     FILE:LINE: vcpus must be at least 1
 *     FILE:LINE: maxvcpus (A) must not be less than vcpus (B)
 *     FILE:LINE: vcpus = 33: a domain has at most 32 vCPUs
 *     FILE:LINE: memory_min (A MiB) must not be more than memory (B MiB)
 *     FILE:LINE: memory_dynamic_max (A MiB) must be between memory (B MiB) and maxmem (C MiB)
 *     FILE: kernel must be specified for a PV guest
 *     FILE:LINE: warning: ignoring root= and extra= in favour of cmdline=
 */
#ifndef DOM0_XLCFG_H
#define DOM0_XLCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "xlargs.h"

enum xlcfg_type { XLCFG_PV, XLCFG_PVH, XLCFG_HVM };

/* Limits of the values a configuration may give. */
#define XLCFG_NAME_MAX  63              /* the hypervisor's names */
#define XLCFG_MAX_VCPUS 32              /* XEN_LEGACY_MAX_VCPUS */
#define XLCFG_MAX_MIB   (1ull << 32)    /* 4 PiB: x86-64's 52-bit space */

/* on_poweroff / on_reboot / on_crash, in xl's order. */
enum xlcfg_action {
    XLCFG_DESTROY,
    XLCFG_RESTART,
    XLCFG_RENAME_RESTART,
    XLCFG_PRESERVE,
    XLCFG_COREDUMP_DESTROY,
    XLCFG_COREDUMP_RESTART,
    XLCFG_SOFT_RESET,
};

enum xlcfg_kind { XLCFG_STRING, XLCFG_NUMBER, XLCFG_LIST };

struct xlcfg_value {
    enum xlcfg_kind kind;
    char *str;                  /* STRING unquoted; NUMBER as written */
    struct xlcfg_value *items;  /* LIST */
    size_t nitems;
};

/* One KEY = VALUE as written (after += has been applied). */
struct xlcfg_setting {
    char *key;
    struct xlcfg_value value;
    const char *source;         /* file name, or "command line" */
    int line;
    bool known;                 /* a key xen-lite uses */
};

struct xlcfg {
    /* The keys xen-lite knows, defaults applied.  Strings point into
     * settings (or a buffer of the config) and live as long as it. */
    const char *name;                   /* NULL: not given */
    enum xlcfg_type type;               /* default pv */
    unsigned long memory_mb;            /* default 32 (libxl's) */
    unsigned long maxmem_mb;            /* default memory */
    unsigned long memory_min_mb;        /* default memory */
    unsigned long memory_dynamic_max_mb;/* default maxmem */
    unsigned int vcpus;                 /* default 1 */
    unsigned int maxvcpus;              /* default vcpus */
    const struct xlcfg_value *cpus;     /* NULL, a string, or a list */
    const struct xlcfg_value *cpus_soft;/* soft affinity, the same way */
    bool dynamic_range;                 /* memory_min or _dynamic_max given:
                                           the balloon manager moves it */
    bool has_uuid;                      /* uuid= given: */
    uint8_t uuid[16];                   /* ... the domain's handle */
    unsigned int cpu_weight, cap;       /* credit; 0: the scheduler's */
    const char *kernel, *ramdisk;
    const char *cmdline;                /* cmdline=, else root=/extra= */
    enum xlcfg_action on_poweroff;      /* default destroy */
    enum xlcfg_action on_reboot;        /* default restart */
    enum xlcfg_action on_crash;         /* default destroy */
    bool hap;                           /* default 1 */
    unsigned long shadow_memory_mb;     /* 0: libxl's rule (see dom.c) */

    /* Every setting in the order read, duplicates included. */
    struct xlcfg_setting *settings;
    size_t nsettings;

    char *file;                 /* name of the first source parsed */
    char **sources;             /* every source name, owned */
    size_t nsources;
    char *cmdline_buf;          /* root=/extra= joined */
};

void xlcfg_init(struct xlcfg *cfg);
void xlcfg_free(struct xlcfg *cfg);

/*
 * Parse text (len bytes, need not be NUL-terminated) from source, adding
 * its settings to cfg and recomputing the known keys.  Returns 0, -EINVAL
 * (messages printed to err) or -ENOMEM.  Stop at the first failure: cfg
 * then holds what was read.
 */
int xlcfg_parse(struct xlcfg *cfg, const char *source, const char *text,
                size_t len, FILE *err);

/* The same, reading the whole of in (or -EIO). */
int xlcfg_parse_stream(struct xlcfg *cfg, const char *source, FILE *in,
                       FILE *err);

/* `xl create FILE KEY=VALUE...`: overrides applied after the file. */
int xlcfg_apply_overrides(struct xlcfg *cfg, int n, char *const *kv,
                          FILE *err);

/* Whether the configuration can be built: 0 or -EINVAL. */
int xlcfg_check(const struct xlcfg *cfg, FILE *err);

/* Why name cannot be a domain's name ("is all digits: ...", "is too
 * long: ..."), or NULL if it can. */
const char *xlcfg_name_problem(const char *name);

/* The last setting of key, or NULL. */
const struct xlcfg_setting *xlcfg_find(const struct xlcfg *cfg,
                                       const char *key);

/*
 * vCPU vcpu's hard affinity from cpus=: 1 and map filled when cpus= pins
 * it, 0 when it may run anywhere, or -1 after a message (a CPU the host
 * does not have).  A string applies to every vCPU, a list's item N to
 * vCPU N (xl's rules).
 */
int xlcfg_vcpu_affinity(const struct xlcfg *cfg, unsigned int vcpu,
                        unsigned int nr_cpus, struct xl_cpumap *map,
                        FILE *err);

/* The same for cpus_soft=. */
int xlcfg_vcpu_soft_affinity(const struct xlcfg *cfg, unsigned int vcpu,
                             unsigned int nr_cpus, struct xl_cpumap *map,
                             FILE *err);

const char *xlcfg_type_name(enum xlcfg_type type);
const char *xlcfg_action_name(enum xlcfg_action action);

#endif /* DOM0_XLCFG_H */
