/*
 * The balloon driver following dom0 (see guest/balloon.h): memory/target
 * in xenstore, in KiB, is the target; what the guest holds and what is
 * free inside it go back as memory/actual-kb and memory/free-kb.
 *
 * The watch callback only notes the change; balloon_follow_poll(), from
 * the idle loop, reads the target and works toward it a slice at a time,
 * so a guest stays responsive while it moves a lot of memory.
 */
#include <guest/guest.h>
#include <guest/balloon.h>
#include <guest/physmap.h>
#include <guest/xs.h>

#define TARGET_NODE   "memory/target"
#define SLICE_PAGES   (16u * 256)       /* 16 MiB between polls */
#define REPORT_PAGES  256u              /* report changes of 1 MiB or more */

static int follow_state = 1;            /* 1: not started, 0: following */
static volatile bool target_changed;
static uint64_t reported_actual = UINT64_MAX, reported_free = UINT64_MAX;

static void on_target(const char *path, const char *token, void *data)
{
    target_changed = true;
}

/* Growing past the memory it started with needs every PFN to have a
 * mapping: build the physmap if the hypervisor would let it grow. */
static void prepare_growth(void)
{
    uint64_t max = balloon_max_pages();
    uint64_t limit = max < G_MAX_PFNS ? max : G_MAX_PFNS;
    int rc;

    if (g_physmap_pfns() || g_is_dom0() || limit <= g_nr_pages())
        return;
    if ((rc = g_physmap_init(limit)) < 0)
        g_printf("balloon: no physmap (%d): cannot grow past %lu pages\n",
                 rc, g_nr_pages());
}

void balloon_follow_refuse(void)
{
    follow_state = -XEN_EPERM;
}

int balloon_follow_start(void)
{
    int rc;

    if (follow_state <= 0)
        return follow_state;
    prepare_growth();
    if ((rc = balloon_init(0)) == 0 && (rc = xs_init()) == 0)
        rc = xs_watch(TARGET_NODE, "balloon", on_target, NULL);
    if (rc < 0 && rc != -XEN_ENODEV)
        g_printf("balloon: cannot watch " TARGET_NODE ": %d\n", rc);
    follow_state = rc < 0 ? rc : 0;
    return follow_state;
}

static uint64_t distance(uint64_t a, uint64_t b)
{
    return a > b ? a - b : b - a;
}

/* memory/actual-kb and memory/free-kb, when they moved enough (or the
 * target was reached, so dom0 sees the final figures). */
static void report(bool force)
{
    uint64_t actual = balloon_current_pages(), free = balloon_free_pages();

    if (!force && distance(actual, reported_actual) < REPORT_PAGES &&
        distance(free, reported_free) < REPORT_PAGES)
        return;
    if (xs_printf("memory/actual-kb", "%lu", actual * 4) >= 0 &&
        xs_printf("memory/free-kb", "%lu", free * 4) >= 0) {
        reported_actual = actual;
        reported_free = free;
    }
}

uint64_t balloon_follow_poll(void)
{
    uint64_t kb;
    int rc;

    if (follow_state != 0)
        return 0;
    if (target_changed) {
        target_changed = false;
        if (xs_read_u64(TARGET_NODE, &kb) == 0)
            balloon_request(kb / 4);
    }
    rc = balloon_work(SLICE_PAGES);
    report(rc == 0);
    return balloon_retry_at();
}
