/*
 * Formatted output for printk and friends: %d %i %u %x %X %o %p %s %c %%,
 * with flags '-' '0' ' ' '+' '#', width and precision (also '*'), and the
 * length modifiers h, hh, l, ll, z, t.
 */
#include "xen/lib.h"

struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

struct spec {
    bool left, zero, plus, space, alt;
    bool ptr;                           /* %p: 0x even before a zero */
    int width, prec;
};

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
    int len;

    if (!s)
        s = "(null)";
    len = sp->prec >= 0 ? (int)strnlen(s, sp->prec) : (int)strlen(s);
    if (!sp->left)
        pad(o, ' ', sp->width - len);
    for (int i = 0; i < len; i++)
        put(o, s[i]);
    if (sp->left)
        pad(o, ' ', sp->width - len);
}

static void put_num(struct out *o, unsigned long long v, bool neg,
                    unsigned int base, bool upper, const struct spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24], sign = 0;
    const char *prefix = "";
    int n = 0, zeros, plen;
    size_t start = o->len;
    bool zero = v == 0;

    /* C11 7.21.6.1: a zero value with precision 0 has no digits at all. */
    if (!zero || sp->prec != 0) {
        do {
            tmp[n++] = digits[v % base];
            v /= base;
        } while (v);
    }
    if (neg)
        sign = '-';
    else if (sp->plus)
        sign = '+';
    else if (sp->space)
        sign = ' ';
    zeros = sp->prec > n ? sp->prec - n : 0;
    /* '#' puts 0x before a nonzero value only, and a 0 before octal
     * digits only if they (with the precision's zeros) lack one. */
    if (base == 16 && ((sp->alt && !zero) || sp->ptr))
        prefix = upper ? "0X" : "0x";
    else if (sp->alt && base == 8 && !zeros && (n == 0 || tmp[n - 1] != '0'))
        prefix = "0";
    plen = strlen(prefix) + (sign != 0);
    if (sp->zero && !sp->left && sp->prec < 0 && sp->width > n + plen)
        zeros = sp->width - n - plen;
    if (!sp->left)
        pad(o, ' ', sp->width - n - zeros - plen);
    if (sign)
        put(o, sign);
    for (; *prefix; prefix++)
        put(o, *prefix);
    pad(o, '0', zeros);
    while (n)
        put(o, tmp[--n]);
    if (sp->left)
        pad(o, ' ', sp->width - (int)(o->len - start));
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){ .prec = -1 };
    for (;; f++) {
        if (*f == '-') sp->left = true;
        else if (*f == '0') sp->zero = true;
        else if (*f == '+') sp->plus = true;
        else if (*f == ' ') sp->space = true;
        else if (*f == '#') sp->alt = true;
        else break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->left = true;
            sp->width = -sp->width;
        }
        f++;
    } else {
        while (*f >= '0' && *f <= '9')
            sp->width = sp->width * 10 + (*f++ - '0');
    }
    if (*f == '.') {
        f++;
        sp->prec = 0;
        if (*f == '*') {
            sp->prec = va_arg(*ap, int);
            f++;
        } else {
            while (*f >= '0' && *f <= '9')
                sp->prec = sp->prec * 10 + (*f++ - '0');
        }
    }
    return f;
}

/* Length modifier: -2 char, -1 short, 0 int, 1 long, 2 long long. */
static const char *parse_len(const char *f, int *len)
{
    *len = 0;
    if (*f == 'h') {
        f++;
        *len = -1;
        if (*f == 'h') {
            f++;
            *len = -2;
        }
    } else if (*f == 'l') {
        f++;
        *len = 1;
        if (*f == 'l') {
            f++;
            *len = 2;
        }
    } else if (*f == 'z' || *f == 't' || *f == 'j') {
        f++;
        *len = 1;
    }
    return f;
}

static void put_conv(struct out *o, char c, int len, const struct spec *sp,
                     va_list *ap)
{
    unsigned long long u;
    long long s;

    switch (c) {
    case 'd': case 'i':
        s = len == 2 ? va_arg(*ap, long long) :
            len == 1 ? va_arg(*ap, long) : va_arg(*ap, int);
        s = len == -2 ? (signed char)s : len == -1 ? (short)s : s;
        put_num(o, s < 0 ? -(unsigned long long)s : (unsigned long long)s,
                s < 0, 10, false, sp);
        break;
    case 'u': case 'x': case 'X': case 'o': {
        struct spec us = *sp;
        us.plus = us.space = false;     /* signs are for signed conversions */
        u = len == 2 ? va_arg(*ap, unsigned long long) :
            len == 1 ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned int);
        u = len == -2 ? (unsigned char)u : len == -1 ? (unsigned short)u : u;
        put_num(o, u, false, c == 'u' ? 10 : c == 'o' ? 8 : 16, c == 'X', &us);
        break;
    }
    case 'p': {
        struct spec p = *sp;
        p.ptr = true;
        put_num(o, (unsigned long)va_arg(*ap, void *), false, 16, false, &p);
        break;
    }
    case 's':
        put_str(o, va_arg(*ap, const char *), sp);
        break;
    case 'c':
        /* A char, not a one-character string: %c of 0 writes a NUL. */
        if (!sp->left)
            pad(o, ' ', sp->width - 1);
        put(o, (char)va_arg(*ap, int));
        if (sp->left)
            pad(o, ' ', sp->width - 1);
        break;
    default:
        put(o, '%');
        if (c)
            put(o, c);
    }
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = { buf, size, 0 };
    va_list ap;

    va_copy(ap, ap_in);
    while (*fmt) {
        struct spec sp;
        int len;

        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        if (fmt[1] == '%') {
            put(&o, '%');
            fmt += 2;
            continue;
        }
        fmt = parse_spec(fmt + 1, &sp, &ap);
        fmt = parse_len(fmt, &len);
        put_conv(&o, *fmt, len, &sp, &ap);
        if (*fmt)
            fmt++;
    }
    va_end(ap);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
