/* A self-test's reasons and info lines, and the verdict of a run in
 * rounds (guest/checklog.h). */
#include <guest/checklog.h>

static char reason[200];

const char *g_check_why(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    return reason;
}

void g_check_info(const char *who, const char *fmt, ...)
{
    char buf[200];
    va_list ap;

    va_start(ap, fmt);
    g_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    g_printf("%s: info: %s\n", who, buf);
}

int g_rounds_verdict(const char *who, unsigned int rounds, unsigned int failed,
                     uint64_t free_before)
{
    if (!failed && g_pages_free() != free_before) {
        g_printf("%s: FAILED: %ld pages not given back\n", who,
                 (long)(free_before - g_pages_free()));
        failed++;
    }
    if (failed)
        return 1;
    g_printf("%s: %u rounds ok\n", who, rounds);
    return 0;
}
