/*
 * xs-attack: the accounting and the order of the attacks (attack.h).
 */
#include <stdarg.h>

#include "attack.h"

domid_t self, target;

static unsigned int nr_refused, nr_succeeded, nr_failed;

void verdict(const char *name, int rc, int want)
{
    const char *got = xs_strerror(rc), *w = xs_strerror(want);

    if (rc >= 0) {
        g_printf("xs-attack %s: SUCCEEDED (answered %d)\n", name, rc);
        nr_succeeded++;
    } else if (rc != want) {
        g_printf("xs-attack %s: FAILED: refused with %s, not %s\n", name,
                 got ? got : "?", w ? w : "?");
        nr_failed++;
    } else {
        g_printf("xs-attack %s: refused (%s)\n", name, got);
        nr_refused++;
    }
}

void expect(bool ok, const char *fmt, ...)
{
    char buf[160];
    va_list ap;

    if (ok)
        return;
    va_start(ap, fmt);
    g_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    g_printf("xs-attack: FAILED: %s\n", buf);
    nr_failed++;
}

const char *tpath_of(domid_t domid, const char *rel)
{
    static char buf[4][128];
    static unsigned int next;
    char *b = buf[next++ % 4];

    g_snprintf(b, sizeof(buf[0]), "/local/domain/%u%s%s", domid,
               *rel ? "/" : "", rel);
    return b;
}

const char *tpath(const char *rel)
{
    return tpath_of(target, rel);
}

int request(uint32_t type, uint32_t tx, int n, ...)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t len = 0;
    va_list ap;

    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        const char *s = va_arg(ap, const char *);
        size_t l = strlen(s) + 1;

        if (len + l > sizeof(buf))
            break;
        memcpy(buf + len, s, l);
        len += l;
    }
    va_end(ap);
    return xs_request(type, tx, buf, len, NULL, 0);
}

/* The value of key=<value> on the command line, or NULL. */
static const char *option(const char *key)
{
    const char *p = (const char *)g_start_info->cmd_line;
    size_t len = strlen(key);

    for (; *p; p++)
        if ((p == (const char *)g_start_info->cmd_line || p[-1] == ' ') &&
            strncmp(p, key, len) == 0 && p[len] == '=')
            return p + len + 1;
    return NULL;
}

static bool wanted(const char *part)
{
    const char *only = option("only");

    return !only || (strncmp(only, part, strlen(part)) == 0 &&
                     (only[strlen(part)] == ' ' || !only[strlen(part)]));
}

static unsigned int number(const char *s)
{
    unsigned int v = 0;

    while (s && *s >= '0' && *s <= '9')
        v = v * 10 + (unsigned int)(*s++ - '0');
    return v;
}

int g_main(void)
{
    char buf[16];
    int rc = xs_read("domid", buf, sizeof(buf));

    if (rc < 0) {
        g_printf("xs-attack: cannot read my domid from xenstore (%s)\n",
                 xs_strerror(rc) ? xs_strerror(rc) : "?");
        return 1;
    }
    self = (domid_t)number(buf);
    target = option("target") ? (domid_t)number(option("target"))
                              : (domid_t)(self > 1 ? self - 1 : 0);
    g_printf("xs-attack: domain %u attacking domain %u's nodes\n", self,
             target);
    if (wanted("perms"))
        perms_attacks();
    if (wanted("flood"))
        flood_attacks();
    if (wanted("malformed"))
        malformed_attacks();
    g_printf("xs-attack: %u refused, %u succeeded, %u failed\n", nr_refused,
             nr_succeeded, nr_failed);
    return (int)(nr_succeeded + nr_failed);
}
