/*
 * The hypercall page of a 64-bit PV guest: stub n at n * 32 does
 * `push %rcx; push %r11; mov $n, %eax; syscall; pop %r11; pop %rcx; ret`
 * (syscall clobbers rcx and r11).  The iret stub pushes rcx, r11 and rax
 * to complete struct iret_context and does not return.  These are the
 * bytes Xen writes, so a guest that jumps into the page behaves the same.
 */
#include "xen/domctl_int.h"
#include "xen/lib.h"
#include "xen.h"

void write_hypercall_page(void *page)
{
    static const uint8_t call[] = { 0x51, 0x41, 0x53, 0xb8, 0, 0, 0, 0,
                                    0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3 };
    static const uint8_t iret[] = { 0x51, 0x41, 0x53, 0x50, 0xb8, __HYPERVISOR_iret,
                                    0, 0, 0, 0x0f, 0x05 };
    uint8_t *p = page;

    for (unsigned int i = 0; i < XEN_HYPERCALL_PAGE_SLOTS; i++, p += XEN_HYPERCALL_STUB_SIZE) {
        memset(p, 0xcc, XEN_HYPERCALL_STUB_SIZE);           /* int3 padding */
        memcpy(p, call, sizeof(call));
        memcpy(p + 4, &i, 4);
    }
    p = (uint8_t *)page + __HYPERVISOR_iret * XEN_HYPERCALL_STUB_SIZE;
    memcpy(p, iret, sizeof(iret));
}
