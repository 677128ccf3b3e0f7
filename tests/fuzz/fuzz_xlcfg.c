/*
 * libFuzzer harness: the xl.cfg parser (dom0/xlcfg*.c) over any bytes,
 * then the checks xl create makes of what it read (the build checks, the
 * affinity lists) and the KEY=VALUE overrides.  A bad file must end in a
 * message, never in a crash, a leak or undefined behaviour.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../dom0/xlcfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *err;
    struct xlcfg cfg;
    struct xl_cpumap map;
    /* The last line, if it has an '=', doubles as an override. */
    char override[128];
    char *kv[1] = { override };
    const uint8_t *nl = size ? memchr(data, '\n', size) : NULL;
    size_t olen = nl ? (size_t)(nl - data) : 0;

    if (!err)
        err = fopen("/dev/null", "w");
    if (olen >= sizeof(override))
        olen = sizeof(override) - 1;
    memcpy(override, data, olen);
    override[olen] = '\0';

    xlcfg_init(&cfg);
    if (xlcfg_parse(&cfg, "fuzz.cfg", (const char *)data, size, err) == 0) {
        xlcfg_check(&cfg, err);
        for (unsigned int v = 0; v < 4; v++) {
            xlcfg_vcpu_affinity(&cfg, v, 8, &map, err);
            xlcfg_vcpu_soft_affinity(&cfg, v, 8, &map, err);
        }
        if (strchr(override, '='))
            xlcfg_apply_overrides(&cfg, 1, kv, err);
    }
    xlcfg_free(&cfg);
    return 0;
}
