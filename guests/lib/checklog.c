/* A self-test's reasons and info lines (guest/checklog.h). */
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
