/*
 * dom0_mem= (see xen/dom0_mem.h): shared by the hypervisor's dom0 builder
 * and dom0's balloon manager.  Pure: no allocation, no globals.
 */
#include "xen/dom0_mem.h"

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* One size with its unit; *end after it.  0 or -1. */
static int parse_size(const char *s, const char **end, uint64_t *bytes)
{
    uint64_t v = 0;
    unsigned int shift = 10;

    if (!is_digit(*s))
        return -1;
    for (; is_digit(*s); s++) {
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    switch (*s | 0x20) {
    case 'k': shift = 10; s++; break;
    case 'm': shift = 20; s++; break;
    case 'g': shift = 30; s++; break;
    case 't': shift = 40; s++; break;
    default: break;
    }
    if (v > UINT64_MAX >> shift)
        return -1;
    *bytes = v << shift;
    *end = s;
    return 0;
}

static int has_prefix(const char *s, const char *p)
{
    while (*p)
        if (*s++ != *p++)
            return 0;
    return 1;
}

int dom0_mem_parse(const char *s, struct dom0_mem *m)
{
    *m = (struct dom0_mem){ 0, 0, 0 };
    while (*s) {
        uint64_t *field = &m->amount;
        const char *end;

        if (has_prefix(s, "min:"))
            field = &m->min, s += 4;
        else if (has_prefix(s, "max:"))
            field = &m->max, s += 4;
        if (parse_size(s, &end, field) || (*end && *end != ',' && *end != ' '))
            return -1;
        if (*end != ',')
            return 0;
        s = end + 1;
    }
    return 0;
}

int dom0_mem_from_cmdline(const char *cmdline, struct dom0_mem *m)
{
    static const char key[] = "dom0_mem=";
    const char *p = cmdline, *found = 0;

    for (; *p; p++)
        if ((p == cmdline || p[-1] == ' ') && has_prefix(p, key))
            found = p + sizeof(key) - 1;    /* the last one wins */
    if (!found) {
        *m = (struct dom0_mem){ 0, 0, 0 };
        return 1;
    }
    return dom0_mem_parse(found, m);
}
