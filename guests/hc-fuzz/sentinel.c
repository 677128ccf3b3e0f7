/*
 * The well-behaved guest that runs beside the stream (sentinel[=MiB] on
 * the command line): it fills MiB of its memory with a pattern that
 * depends on each word's place, checks all of it twice a second while
 * it idles, and once more when it is told to shut down:
 *
 *     hc-fuzz sentinel: N pages, C checks, intact
 *     hc-fuzz sentinel: CORRUPTED page P word W: ...   (the first one)
 *
 * Another domain's hypercalls must never reach its memory.  The lines go
 * to its console and through console_io to the hypervisor's, where they
 * outlive the domain (nobody need be attached to its console).
 */
#include <guest/control.h>
#include "fuzz.h"

#define MAX_PAGES 8192

static uint64_t *pages[MAX_PAGES];
static unsigned int nr_pages;
static uint64_t checks;
static bool corrupted;

static void say(const char *fmt, ...) G_PRINTF(1, 2);

static void say(const char *fmt, ...)
{
    char line[200];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = g_vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(line))
        n = sizeof(line) - 1;
    g_printf("%s", line);
    hc_console_io(CONSOLEIO_write, (unsigned int)n, line);
}

static uint64_t expected(unsigned int p, unsigned int w)
{
    return ((uint64_t)p << 32 | w) * 0x9e3779b97f4a7c15ull ^ 0x5e471e15e471e1ull;
}

static void check_all(void)
{
    for (unsigned int p = 0; p < nr_pages && !corrupted; p++)
        for (unsigned int w = 0; w < G_PAGE_SIZE / 8; w++)
            if (pages[p][w] != expected(p, w)) {
                say("hc-fuzz sentinel: CORRUPTED page %u (mfn 0x%lx) word %u: "
                         "0x%lx, not 0x%lx\n", p, g_virt_to_mfn(pages[p]), w,
                         pages[p][w], expected(p, w));
                corrupted = true;
                break;
            }
    checks++;
}

static void on_shutdown(unsigned int reason)
{
    check_all();
    if (!corrupted)
        say("hc-fuzz sentinel: %u pages, %lu checks, intact\n", nr_pages, checks);
}

int sentinel_main(void)
{
    size_t len;
    const char *v = g_cmdline_value("sentinel", &len);
    unsigned int mib = 8;

    if (v && len) {
        mib = 0;
        for (size_t i = 0; i < len && v[i] >= '0' && v[i] <= '9'; i++)
            mib = mib * 10 + (unsigned int)(v[i] - '0');
    }
    while (nr_pages < mib * 256 && nr_pages < MAX_PAGES &&
           (pages[nr_pages] = g_page_alloc_mapped()))
        nr_pages++;
    for (unsigned int p = 0; p < nr_pages; p++)
        for (unsigned int w = 0; w < G_PAGE_SIZE / 8; w++)
            pages[p][w] = expected(p, w);
    g_set_shutdown_hook(on_shutdown);
    say("hc-fuzz sentinel: %u pages filled; checking while idle\n", nr_pages);
    for (;;) {
        g_idle(g_now_ns() + 500 * G_NS_PER_MS);
        check_all();
    }
}
