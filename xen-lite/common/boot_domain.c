/*
 * The end of boot: run the self-tests when asked, otherwise build dom0
 * from the first Multiboot2 module -- as a PV domain, or as PVH with
 * dom0=pvh -- sized by dom0_mem= and dom0_max_vcpus= (Xen's options).
 */
#include "asm/page.h"
#include "xen/console.h"
#include "xen/dom0_mem.h"
#include "hvm/hvm.h"
#include "xen/lib.h"
#include "xen/mm.h"
#include "xen/percpu.h"
#include "xen/sched.h"
#include "xen/param.h"
#include "xen/selftest.h"
#include "xen/setup.h"
#include "xen/shutdown.h"
#include "xen/smp.h"

#define MB(x)           ((unsigned long)(x) << 20)

static char opt_selftest[32];
static struct dom0_mem opt_dom0_mem;   /* 0s: all but a reserve, no limit */
static unsigned long opt_dom0_max_vcpus;
static bool opt_dom0_pvh, opt_dom0_shadow;

static int parse_dom0_mem(const char *s)
{
    return dom0_mem_parse(s, &opt_dom0_mem);
}
custom_param("dom0_mem", parse_dom0_mem);
integer_param("dom0_max_vcpus", opt_dom0_max_vcpus);

/*
 * dom0=<word>[,<word>...]: "pvh" or "pv", and for a PVH dom0 "shadow"
 * (shadow=<bool>, no-shadow) for shadow paging instead of HAP; Xen's
 * other words are accepted.
 */
static int parse_dom0(const char *s)
{
    while (s && *s) {
        size_t n = strcspn(s, ",");

        if (n == 3 && !strncmp(s, "pvh", 3))
            opt_dom0_pvh = true;
        else if (n == 2 && !strncmp(s, "pv", 2))
            opt_dom0_pvh = false;
        else if ((n == 6 && !strncmp(s, "shadow", 6)) || (n == 8 && !strncmp(s, "shadow=1", 8)))
            opt_dom0_shadow = true;
        else if ((n == 9 && !strncmp(s, "no-shadow", 9)) || (n == 8 && !strncmp(s, "shadow=0", 8)))
            opt_dom0_shadow = false;
        s += n + (s[n] == ',');
    }
    return 0;
}

bool dom0_shadow(void)
{
    return opt_dom0_shadow;
}
custom_param("dom0", parse_dom0);

/* dom0_mem=<size> (or all memory but a reserve), clamped to its min:
 * and max: as Xen clamps it, and never more than the host has. */
unsigned long dom0_nr_pages(void)
{
    unsigned long avail = heap_free_pages();
    unsigned long reserve = MIN(avail / 16, MB(128) >> PAGE_SHIFT);
    unsigned long pages = opt_dom0_mem.amount
                              ? opt_dom0_mem.amount >> PAGE_SHIFT
                              : avail - reserve;

    if (opt_dom0_mem.min)
        pages = MAX(pages, opt_dom0_mem.min >> PAGE_SHIFT);
    if (opt_dom0_mem.max)
        pages = MIN(pages, opt_dom0_mem.max >> PAGE_SHIFT);
    return MIN(pages, avail - MIN(avail, 256UL));
}

/* dom0 may grow, as on Xen: up to dom0_mem's max: if it has one. */
unsigned long dom0_max_pages(void)
{
    return opt_dom0_mem.max ? MIN(opt_dom0_mem.max >> PAGE_SHIFT, (uint64_t)UINT32_MAX)
                            : UINT32_MAX;
}

unsigned int dom0_nr_vcpus(void)
{
    unsigned int n = opt_dom0_max_vcpus ? opt_dom0_max_vcpus : nr_cpus_online;

    return MIN(n, (unsigned int)MAX_VIRT_CPUS);
}
static int parse_selftest(const char *val)
{
    strlcpy(opt_selftest, val ? val : "all", sizeof(opt_selftest));
    return 0;
}
custom_param("selftest", parse_selftest);

__noreturn void start_first_domain(void)
{
    if (opt_selftest[0]) {
        int failed = run_selftests(opt_selftest);
        machine_power_off(failed);
    }
    if (!boot_info.nr_modules)
        panic("No dom0 kernel was given (module 1)");
    (opt_dom0_pvh ? construct_pvh_dom0 : construct_dom0)(
        &boot_info.modules[0], boot_info.nr_modules > 1 ? &boot_info.modules[1] : NULL);
    idle_scrub_start();
    console_start_input_poll();
    start_scheduling();
}
