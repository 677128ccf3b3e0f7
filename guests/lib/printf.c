/*
 * A small printf: %d %i %u %x %X %o %p %s %c %%, the length modifiers
 * l, ll, z, flags '-' and '0', a field width and, for %s, a precision
 * (both may be '*').
 */
#include <guest/guest.h>

struct out {
    char *buf;
    size_t size;
    size_t len;         /* characters produced, even past size */
};

struct spec {
    bool left, zero;
    int width;
    int prec;           /* %s: at most this many characters; -1 = all */
    int lng;            /* 0 int, 1 long, 2 long long, 3 size_t */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, int n, char c)
{
    while (n-- > 0)
        put(o, c);
}

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
    int n;

    if (!s)
        s = "(null)";
    n = (int)(sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s));
    if (!sp->left)
        pad(o, sp->width - n, ' ');
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->left)
        pad(o, sp->width - n, ' ');
}

static void put_num(struct out *o, uint64_t v, bool neg, unsigned int base,
                    bool upper, const struct spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, len;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    len = n + neg;
    if (sp->left) {
        if (neg)
            put(o, '-');
        while (n)
            put(o, tmp[--n]);
        pad(o, sp->width - len, ' ');
        return;
    }
    if (!sp->zero)
        pad(o, sp->width - len, ' ');
    if (neg)
        put(o, '-');
    if (sp->zero)
        pad(o, sp->width - len, '0');
    while (n)
        put(o, tmp[--n]);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    memset(sp, 0, sizeof(*sp));
    sp->prec = -1;
    for (;; f++) {
        if (*f == '-')
            sp->left = true;
        else if (*f == '0')
            sp->zero = true;
        else
            break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        f++;
    }
    while (*f >= '0' && *f <= '9')
        sp->width = sp->width * 10 + (*f++ - '0');
    if (*f == '.') {
        sp->prec = 0;
        if (*++f == '*') {
            sp->prec = va_arg(*ap, int);
            f++;
        }
        while (*f >= '0' && *f <= '9')
            sp->prec = sp->prec * 10 + (*f++ - '0');
    }
    for (;; f++) {
        if (*f == 'l')
            sp->lng++;
        else if (*f == 'z')
            sp->lng = 3;
        else
            break;
    }
    return f;
}

static uint64_t arg_unsigned(const struct spec *sp, va_list *ap)
{
    if (sp->lng == 0)
        return va_arg(*ap, unsigned int);
    return va_arg(*ap, uint64_t);
}

static int64_t arg_signed(const struct spec *sp, va_list *ap)
{
    if (sp->lng == 0)
        return va_arg(*ap, int);
    return va_arg(*ap, int64_t);
}

static void convert(struct out *o, char c, struct spec *sp, va_list *ap)
{
    int64_t s;

    switch (c) {
    case 'd':
    case 'i':
        s = arg_signed(sp, ap);
        put_num(o, s < 0 ? -(uint64_t)s : (uint64_t)s, s < 0, 10, false, sp);
        break;
    case 'u':
        put_num(o, arg_unsigned(sp, ap), false, 10, false, sp);
        break;
    case 'x':
    case 'X':
        put_num(o, arg_unsigned(sp, ap), false, 16, c == 'X', sp);
        break;
    case 'o':
        put_num(o, arg_unsigned(sp, ap), false, 8, false, sp);
        break;
    case 'p':
        put(o, '0');
        put(o, 'x');
        sp->width = 16;
        sp->zero = true;
        put_num(o, (uint64_t)va_arg(*ap, void *), false, 16, false, sp);
        break;
    case 's':
        put_str(o, va_arg(*ap, const char *), sp);
        break;
    case 'c':
        put(o, (char)va_arg(*ap, int));
        break;
    default:
        put(o, '%');
        put(o, c);
    }
}

int g_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    struct spec sp;
    va_list aq;

    va_copy(aq, ap);
    while (*fmt) {
        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt = parse_spec(fmt + 1, &sp, &aq);
        if (*fmt == '%')
            put(&o, '%');
        else if (*fmt)
            convert(&o, *fmt, &sp, &aq);
        if (*fmt)
            fmt++;
    }
    va_end(aq);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int g_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = g_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int g_vprintf(const char *fmt, va_list ap)
{
    char buf[256];
    int n = g_vsnprintf(buf, sizeof(buf), fmt, ap);

    g_console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n
                                                  : sizeof(buf) - 1);
    return n;
}

int g_printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = g_vprintf(fmt, ap);
    va_end(ap);
    return n;
}
