/*
 * The end of boot: run the self-tests when asked, otherwise build dom0
 * from the first Multiboot2 module.
 */
#include "xen/console.h"
#include "xen/lib.h"
#include "xen/sched.h"
#include "xen/param.h"
#include "xen/selftest.h"
#include "xen/setup.h"
#include "xen/shutdown.h"
#include "xen/smp.h"

static char opt_selftest[32];
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
    construct_dom0(&boot_info.modules[0],
                   boot_info.nr_modules > 1 ? &boot_info.modules[1] : NULL);
    idle_scrub_start();
    console_start_input_poll();
    start_scheduling();
}
