/*
 * Ways to make the hypervisor end the domain; returning from one is a
 * failure (exit status 1).
 *   crash=gfn     give one frame back, then read it: the hypervisor must
 *                 name that frame
 *   crash=triple  no IDT, then an exception: a triple fault
 * And one it must refuse:
 *   paging32      start vCPU 1 with 32-bit paging (CR0.PG, no PAE), which
 *                 shadow paging does not run: VCPUOP_initialise must say
 *                 -EINVAL (exit status 0), never leave the vCPU to run with
 *                 no shadow for the hardware to walk
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

#define CR0_PE_ET_PG    0x80000011U

G_NORETURN void start_vcpu_with_32bit_paging(void)
{
    struct vcpu_hvm_context ctx = { .mode = VCPU_HVM_MODE_32B };
    struct vcpu_hvm_x86_32 *c = &ctx.cpu_regs.x86_32;
    long rc;

    /* A page directory of nothing, flat ring-0 segments. */
    *c = (struct vcpu_hvm_x86_32){
        .eip = 0x1000, .eflags = 2, .cr0 = CR0_PE_ET_PG, .cr3 = g_page_alloc() << 12,
        .cs_limit = 0xffffffff, .ds_limit = 0xffffffff, .ss_limit = 0xffffffff,
        .es_limit = 0xffffffff, .tr_limit = VCPU_HVM_TSS_LIMIT,
        .cs_ar = VCPU_HVM_AR_CODE32, .ds_ar = VCPU_HVM_AR_DATA32, .ss_ar = VCPU_HVM_AR_DATA32,
        .es_ar = VCPU_HVM_AR_DATA32, .tr_ar = VCPU_HVM_AR_TSS32,
    };
    rc = hc_vcpu_op(VCPUOP_initialise, 1, &ctx);
    g_printf("hvm-selftest: VCPUOP_initialise of vCPU 1 with 32-bit paging: %ld\n", rc);
    g_exit(rc == -XEN_EINVAL ? 0 : 1);
}
