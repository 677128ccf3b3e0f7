/*
 * Ways to make the hypervisor end the domain; returning from one is a
 * failure (exit status 1).
 *   crash=gfn     give one frame back, then read it: the hypervisor must
 *                 name that frame
 *   crash=triple  no IDT, then an exception: a triple fault
 */
#include "selftest.h"

void crash_on_unpopulated_gfn(void)
{
    uint64_t pfn = g_page_alloc();
    struct xen_memory_reservation r = { .extent_start = (uint64_t)&pfn, .nr_extents = 1,
                                        .domid = DOMID_SELF };

    if (hc_memory_op(XENMEM_decrease_reservation, &r) != 1)
        g_panic("could not give frame 0x%lx back", pfn);
    g_printf("hvm-selftest: reading unpopulated gfn 0x%lx\n", pfn);
    probe_read(g_pfn_to_virt(pfn));
    g_printf("hvm-selftest: the read of gfn 0x%lx returned\n", pfn);
    g_exit(1);
}

void probe_triple_fault(void);

void crash_by_triple_fault(void)
{
    g_printf("hvm-selftest: triple fault\n");
    probe_triple_fault();
    g_printf("hvm-selftest: survived a triple fault\n");
    g_exit(1);
}
