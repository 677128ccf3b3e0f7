/* Number parsing shared by the command line and the boot-info parsers. */
#include "xen/lib.h"

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

unsigned long long simple_strtoull(const char *s, const char **end, int base)
{
    unsigned long long v = 0;
    int d;

    if (!base) {
        base = 10;
        if (s[0] == '0') {
            base = 8;
            if (s[1] == 'x' || s[1] == 'X') {
                base = 16;
                if (digit_value(s[2]) < 16)
                    s += 2;
            }
        }
    } else if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
               digit_value(s[2]) < 16) {
        s += 2;
    }
    while ((d = digit_value(*s)) < base) {
        v = v * base + d;
        s++;
    }
    if (end)
        *end = s;
    return v;
}

unsigned long long parse_size(const char *s, const char **end)
{
    unsigned long long v = simple_strtoull(s, &s, 0);

    switch (*s) {
    case 'T': case 't': v <<= 10; /* fall through */
    case 'G': case 'g': v <<= 10; /* fall through */
    case 'M': case 'm': v <<= 10; /* fall through */
    case 'K': case 'k': v <<= 10; s++; break;
    case 'B': case 'b': s++; break;
    }
    if (end)
        *end = s;
    return v;
}
