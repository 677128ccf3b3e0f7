/*
 * dom0's own memory, for the balloon manager (see balloon.h): its range
 * from dom0_mem= on the hypervisor's command line, and its balloon
 * driver (guests/lib's, run here a slice at a time from the background
 * work, as a guest runs it from its idle loop).
 *
 * dom0 gives memory back and takes it again up to what it booted with;
 * it has no physmap to grow into beyond that (its heap maps each page it
 * uses), so a larger max: is taken as that size.
 */
#include <stdio.h>
#include <string.h>

#include <guest/balloon.h>
#include <guest/guest.h>
#include <guest/time.h>

#include "balloon.h"
#include "xen/dom0_mem.h"
#include "xen_errno.h"

#define PAGE_SHIFT  12
#define SLICE_PAGES (16u * 256)         /* 16 MiB between other work */

static bool ready;

void balloon_dom0_range(struct balloon_dom0 *r)
{
    xen_commandline_t cmdline;
    struct dom0_mem m;
    uint64_t booted = g_nr_pages();

    memset(cmdline, 0, sizeof(cmdline));
    hc_xen_version(XENVER_commandline, cmdline);
    cmdline[sizeof(cmdline) - 1] = '\0';
    *r = (struct balloon_dom0){ .booted = booted, .min = booted,
                                .max = booted };
    if (dom0_mem_from_cmdline(cmdline, &m) != 0)
        return;
    r->ranged = m.min || m.max;
    if (m.max && (m.max >> PAGE_SHIFT) < booted)
        r->max = m.max >> PAGE_SHIFT;
    if (m.min)
        r->min = m.min >> PAGE_SHIFT < r->max ? m.min >> PAGE_SHIFT : r->max;
}

int balloon_dom0_target(uint64_t pages)
{
    int rc;

    if (!ready) {
        if ((rc = balloon_init(0)) < 0)
            return rc;
        ready = true;
    }
    rc = balloon_request(pages);
    return rc == -XEN_EBUSY ? 0 : rc;
}

uint64_t balloon_dom0_work(void)
{
    if (!ready)
        return 0;
    balloon_work(SLICE_PAGES);
    return balloon_retry_at();
}
