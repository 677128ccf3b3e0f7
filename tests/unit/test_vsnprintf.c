/*
 * The hypervisor's formatted output (lib/vsnprintf.c) against the host C
 * library's snprintf: conversions, flags, width, precision, length
 * modifiers and truncation.  Under UNIT_TEST lib.h maps snprintf onto the
 * host's, so the source is compiled here under other names.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "xen/types.h"

int xl_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int xl_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#define vsnprintf xl_vsnprintf
#define snprintf xl_snprintf
#include "../../xen-lite/lib/vsnprintf.c"
#undef vsnprintf
#undef snprintf

#include "unit.h"

/*
 * Format with ours and the host's into buffers of every size from 0 to
 * the full length + 1, each allocated to exactly that size so that
 * AddressSanitizer sees any write past it; the bytes and return values
 * must match.
 */
__printf(2, 3)
static void same_as_host(int line, const char *fmt, ...)
{
    char want[1024], *got;
    va_list ap, aq;
    int n, m;

    va_start(ap, fmt);
    va_copy(aq, ap);
    n = vsnprintf(want, sizeof(want), fmt, aq);
    va_end(aq);
    unit_count_check();
    if (n < 0 || n >= (int)sizeof(want))
        unit_fail(__FILE__, line, "host snprintf(\"%s\") failed", fmt);
    for (int size = n + 1; size >= 0; size--) {
        got = malloc(size ? size : 1);
        va_copy(aq, ap);
        m = xl_vsnprintf(size ? got : NULL, size, fmt, aq);
        va_end(aq);
        if (m != n || (size && memcmp(got, want, size - 1)) ||
            (size && got[MIN(n, size - 1)] != '\0')) {
            char full[1024];
            va_copy(aq, ap);
            xl_vsnprintf(full, sizeof(full), fmt, aq);
            va_end(aq);
            free(got);
            va_end(ap);
            unit_fail(__FILE__, line, "\"%s\" size %d: got \"%s\" (%d), "
                      "host \"%s\" (%d)", fmt, size, full, m, want, n);
        }
        free(got);
    }
    va_end(ap);
}

#define SAME(...) same_as_host(__LINE__, __VA_ARGS__)

/*
 * The same for formats the compiler rightly warns about (flags that C
 * defines as ignored, a NULL string): hidden from -Wformat behind a call.
 */
__attribute__((noipa)) static const char *unchecked(const char *fmt)
{
    return fmt;
}
#define LOOSE(fmt, ...) same_as_host(__LINE__, unchecked(fmt), __VA_ARGS__)

/* Ours alone, for what the host prints differently by design. */
#define OURS(want, ...)                                                 \
    do {                                                                \
        char b_[256];                                                   \
        CHECK_EQ(xl_snprintf(b_, sizeof(b_), __VA_ARGS__),              \
                 (long long)strlen(want));                              \
        CHECK_STR(b_, want);                                            \
    } while (0)

/* ---- plain text and conversions ---- */

TEST(vsnprintf_plain_text_and_percent)
{
    SAME("hello, world");
    SAME("100%%");
    SAME("%%d%%");
    SAME("a%%b%%c%d", 1);
}

TEST(vsnprintf_signed_decimal)
{
    SAME("%d", 0);
    SAME("%d", 1);
    SAME("%d", -1);
    SAME("%i", 12345);
    SAME("%d", INT_MAX);
    SAME("%d", INT_MIN);
    SAME("%d|%i|%d", 7, -8, 9);
}

TEST(vsnprintf_unsigned_hex_octal)
{
    SAME("%u", 0U);
    SAME("%u", UINT_MAX);
    SAME("%x", 0xdeadbeefU);
    SAME("%X", 0xdeadbeefU);
    SAME("%o", 8U);
    SAME("%o", 0U);
    SAME("%x", (unsigned int)-1);
    SAME("%x %X %o %u", 255U, 255U, 255U, 255U);
}

TEST(vsnprintf_chars_and_strings)
{
    SAME("%c", 'A');
    SAME("[%c%c%c]", 'x', 'y', 'z');
    SAME("%s", "abc");
    SAME("%s|%s", "", "x");
    SAME("%s", "a long string of text that goes on for quite a while, "
               "longer than most lines printed to the console");
}

TEST(vsnprintf_nul_char_is_written)
{
    SAME("%c", 0);
    SAME("a%cb", 0);
}

TEST(vsnprintf_pointers)
{
    SAME("%p", (void *)0x1234);
    SAME("%p", (void *)0xffff82d080200000UL);
    SAME("%20p|", (void *)0xabc);
    SAME("%-20p|", (void *)0xabc);
}

TEST(vsnprintf_null_pointer_and_string)
{
    LOOSE("%s", (char *)NULL);
    LOOSE("[%10s]", (char *)NULL);
    OURS("0x0", "%p", NULL);            /* glibc prints "(nil)" */
}

/* ---- width and precision ---- */

TEST(vsnprintf_width)
{
    SAME("[%5d]", 42);
    SAME("[%-5d]", 42);
    SAME("[%05d]", 42);
    SAME("[%05d]", -42);
    SAME("[%2d]", 12345);
    SAME("[%8x]", 0xbeefU);
    SAME("[%5s]", "ab");
    SAME("[%-5s]", "ab");
    SAME("[%1s]", "abc");
    SAME("[%3c][%-3c]", 'a', 'b');
    SAME("[%300d]", 1);
}

TEST(vsnprintf_integer_precision)
{
    SAME("[%.3d]", 7);
    SAME("[%.3d]", -7);
    SAME("[%.5x]", 0xabU);
    SAME("[%8.3d]", 7);
    SAME("[%-8.3d]", 7);
    LOOSE("[%08.3d]", 7);                /* '0' is ignored with a precision */
    SAME("[%.1d]", 12345);
}

TEST(vsnprintf_precision_zero_and_value_zero)
{
    SAME("[%.0d]", 0);
    SAME("[%.0x]", 0U);
    SAME("[%5.0d]", 0);
    SAME("[%.0d]", 3);
    SAME("[%.d]", 0);
}

TEST(vsnprintf_string_precision)
{
    SAME("[%.2s]", "hello");
    SAME("[%10.2s]", "hello");
    SAME("[%-10.2s]", "hello");
    SAME("[%.0s]", "hello");
    SAME("[%.10s]", "hi");
}

TEST(vsnprintf_string_precision_reads_no_further)
{
    char unterminated[3] = { 'a', 'b', 'c' };

    SAME("[%.3s]", unterminated);
    SAME("[%.2s]", unterminated);
}

TEST(vsnprintf_star_width_and_precision)
{
    SAME("[%*d]", 5, 42);
    SAME("[%*d]", -5, 42);              /* negative width: left-justify */
    SAME("[%.*d]", 3, 7);
    SAME("[%.*s]", 2, "hello");
    SAME("[%.*d]", -1, 7);              /* negative precision: none */
    SAME("[%0*d]", 6, -3);
    SAME("[%*.*d]", 8, 4, 99);
    SAME("[%-*.*s]", 6, 1, "xyz");
}

/* ---- flags ---- */

TEST(vsnprintf_sign_flags)
{
    SAME("[%+d]", 5);
    SAME("[%+d]", -5);
    SAME("[%+d]", 0);
    SAME("[% d]", 5);
    SAME("[% d]", -5);
    LOOSE("[%+ d]", 5);                  /* '+' wins over ' ' */
    SAME("[%+05d]", 5);
    SAME("[% 05d]", 5);
    SAME("[%-+5d]", 5);
    SAME("[%+.3d]", 5);
}

TEST(vsnprintf_sign_flags_ignored_for_unsigned)
{
    LOOSE("[%+u]", 5U);
    LOOSE("[% u]", 5U);
    LOOSE("[%+x]", 0x1fU);
    LOOSE("[% o]", 8U);
}

TEST(vsnprintf_alternate_form)
{
    SAME("[%#x]", 255U);
    SAME("[%#X]", 255U);
    SAME("[%#o]", 8U);
    SAME("[%#o]", 0U);
    SAME("[%#10x]", 255U);
    SAME("[%#010x]", 255U);
    SAME("[%-#10x]", 255U);
    SAME("[%#08o]", 8U);
}

TEST(vsnprintf_alternate_form_of_zero_has_no_prefix)
{
    SAME("[%#x]", 0U);
    SAME("[%#5X]", 0U);
    SAME("[%#.0x]", 0U);
}

TEST(vsnprintf_alternate_octal_with_precision)
{
    SAME("[%#.5o]", 8U);
    SAME("[%#.1o]", 8U);
    SAME("[%#.0o]", 0U);
    SAME("[%#.3o]", 0U);
}

TEST(vsnprintf_left_flag_beats_zero)
{
    LOOSE("[%-05d]", 42);
    LOOSE("[%0-5d]", -42);
    LOOSE("[%-#08x]", 0xaU);
}

/* ---- length modifiers ---- */

TEST(vsnprintf_char_length_truncates)
{
    SAME("%hhd", 300);
    SAME("%hhd", 200);
    SAME("%hhd", -1);
    SAME("%hhu", 300U);
    SAME("%hhx", 0x1ffU);
    SAME("%hhx", (unsigned int)(signed char)-1);
}

TEST(vsnprintf_short_length_truncates)
{
    SAME("%hd", 70000);
    SAME("%hd", 40000);
    SAME("%hd", -2);
    SAME("%hu", 70000U);
    SAME("%hx", 0x12345U);
    SAME("%ho", 0x10008U);
}

TEST(vsnprintf_long_lengths)
{
    SAME("%ld", LONG_MIN);
    SAME("%ld", LONG_MAX);
    SAME("%lu", ULONG_MAX);
    SAME("%lx", 0xffff830000000000UL);
    SAME("%lld", LLONG_MIN);
    SAME("%llu", ULLONG_MAX);
    SAME("%llx", 0x123456789abcdefULL);
    SAME("%llo", ULLONG_MAX);
    SAME("%#llo", ULLONG_MAX);
}

TEST(vsnprintf_size_and_ptrdiff_lengths)
{
    SAME("%zu", SIZE_MAX);
    SAME("%zd", (ssize_t)-1);
    SAME("%zx", (size_t)0xabcdef);
    SAME("%td", (ptrdiff_t)-12345);
    SAME("%jd", (intmax_t)INT64_MIN);
}

TEST(vsnprintf_mixed_arguments_stay_in_step)
{
    SAME("%d %ld %lld %s %c %x %zu %p %hhd %%", 1, 2L, 3LL, "four", '5',
         6U, (size_t)7, (void *)8, 9);
    SAME("%s=%*d (%.*s)", "x", 4, 3, 2, "abcdef");
}

/* ---- truncation ---- */

TEST(vsnprintf_truncation_returns_full_length)
{
    char b[8];

    memset(b, 'Z', sizeof(b));
    CHECK_EQ(xl_snprintf(b, 5, "hello world"), 11);
    CHECK_STR(b, "hell");
    CHECK_EQ(b[5], 'Z');
    CHECK_EQ(xl_snprintf(b, 1, "%d", 12345), 5);
    CHECK_STR(b, "");
    CHECK_EQ(b[1], 'e');                /* left over from before */
}

TEST(vsnprintf_size_0_writes_nothing)
{
    char b[4] = "abc";

    CHECK_EQ(xl_snprintf(b, 0, "%s", "longer"), 6);
    CHECK_STR(b, "abc");
    CHECK_EQ(xl_snprintf(NULL, 0, "%d-%d", 10, 20), 5);
}

TEST(vsnprintf_exact_fit)
{
    char b[6];

    CHECK_EQ(xl_snprintf(b, 6, "%05d", 42), 5);
    CHECK_STR(b, "00042");
    CHECK_EQ(xl_snprintf(b, 5, "%05d", 42), 5);
    CHECK_STR(b, "0004");
}

TEST(vsnprintf_truncation_at_every_size_matches_host)
{
    LOOSE("%-10s|%+08.3d|%#x|%c", "trunc", -7, 0x1234U, 'q');
    SAME("%30s", "padded on the left");
}

/* ---- malformed formats ---- */

TEST(vsnprintf_unknown_conversion_printed_as_is)
{
    const char *fmt = "%y %";           /* not checked by the compiler */
    char b[16];

    CHECK_EQ(xl_snprintf(b, sizeof(b), fmt, 0), 4);
    CHECK_STR(b, "%y %");
}
