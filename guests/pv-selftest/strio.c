/*
 * String port I/O and the hypercall-page MSR, as a PV kernel sees them on
 * Xen 4.17: rep insl/outsl with I/O privilege move each element between
 * the port and memory (both directions of DF), stop at a page fault with
 * the elements before it done, and #GP without the privilege; MSR
 * 0x40000000 reads as zero and fills a frame of ours with the hypercall
 * page, and refuses a page-table frame or a page index.  Port 0xcf8 (the
 * PCI configuration address, 32-bit) reads back what was written on both
 * hypervisors.
 */
#include "selftest.h"

#define PCI_CONFIG_ADDRESS  0xcf8
#define CF8_A               0x80000000u
#define CF8_B               0x80000800u
#define HYPERCALL_MSR       0x40000000u
#define SENTINEL            0x5a5a5a5au

/* The fault a probe is expected to take, and what it was. */
static struct {
    unsigned int vector;
    const char *fault, *resume;
    bool hit;
    uint64_t cr2, error_code;
} caught;

static bool on_fault(struct g_frame *f)
{
    if (f->vector != caught.vector || f->rip != (uint64_t)caught.fault || caught.hit)
        return false;
    caught.hit = true;
    caught.error_code = f->error_code;
    caught.cr2 = f->vector == G_VEC_PF ? g_fault_cr2() : 0;
    f->rip = (uint64_t)caught.resume;
    return true;
}

static void expect_fault(unsigned int vector, const char *fault, const char *resume)
{
    memset(&caught, 0, sizeof(caught));
    caught.vector = vector;
    caught.fault = fault;
    caught.resume = resume;
    g_set_trap_handler(vector, on_fault);
}

static bool fault_seen(void)
{
    g_set_trap_handler(caught.vector, NULL);
    return caught.hit;
}

static uint32_t buf[8] __attribute__((aligned(64)));
/* Two pages; the second is made read-only. */
static uint8_t pages[2][G_PAGE_SIZE] __attribute__((aligned(4096), section(".bss.page_aligned")));

static void set_direction(bool down)
{
    if (down)
        __asm__ volatile("std" ::: "memory");
    else
        __asm__ volatile("cld" ::: "memory");
}

/* rep insl of three elements up, two down; outsl of one. */
static const char *ins_and_outs(void)
{
    uint64_t end;

    for (unsigned int i = 0; i < 8; i++)
        buf[i] = SENTINEL;
    probe_rep_outsl((uint32_t[]){ CF8_A }, 1, PCI_CONFIG_ADDRESS);
    end = probe_rep_insl(&buf[1], 3, PCI_CONFIG_ADDRESS);
    if (buf[0] != SENTINEL || buf[1] != CF8_A || buf[2] != CF8_A || buf[3] != CF8_A ||
        buf[4] != SENTINEL)
        return why("rep insl x3 up: %x %x %x %x %x", buf[0], buf[1], buf[2], buf[3], buf[4]);
    if (end != (uint64_t)&buf[4] || probe_string_rcx != 0)
        return why("rep insl up left rdi %+ld bytes, rcx %lu", (long)(end - (uint64_t)&buf[1]),
                   (unsigned long)probe_string_rcx);
    static const uint32_t b = CF8_B;
    end = probe_rep_outsl(&b, 1, PCI_CONFIG_ADDRESS);
    if (end != (uint64_t)(&b + 1))
        return why("rep outsl left rsi %+ld bytes", (long)(end - (uint64_t)&b));
    set_direction(true);
    end = probe_rep_insl(&buf[6], 2, PCI_CONFIG_ADDRESS);
    set_direction(false);
    if (buf[5] != CF8_B || buf[6] != CF8_B || buf[7] != SENTINEL || buf[4] != SENTINEL)
        return why("rep insl x2 down: %x %x %x %x", buf[4], buf[5], buf[6], buf[7]);
    if (end != (uint64_t)&buf[4])
        return why("rep insl down left rdi %+ld bytes", (long)(end - (uint64_t)&buf[6]));
    return NULL;
}

/* rep insl running into a read-only page: #PF at its first byte, with
 * the elements before it written and rcx counting the rest. */
static const char *ins_page_fault(void)
{
    uint8_t *ro = pages[1];
    uint32_t *dst = (uint32_t *)ro - 2;
    uint64_t mfn = g_virt_to_mfn(ro);
    const char *r = NULL;
    int rc;

    dst[0] = dst[1] = SENTINEL;
    if ((rc = g_map_page((uint64_t)ro, mfn, G_PTE_KERNEL_RO)) < 0)
        return why("update_va_mapping returned %d", rc);
    expect_fault(G_VEC_PF, probe_rep_insl_fault, probe_rep_insl_resume);
    probe_rep_insl(dst, 4, PCI_CONFIG_ADDRESS);
    if (!fault_seen())
        r = why("no #PF writing a read-only page");
    else if (caught.cr2 != (uint64_t)ro)
        r = why("cr2 0x%lx, expected 0x%lx", (unsigned long)caught.cr2, (unsigned long)ro);
    else if (caught.error_code != G_PF_WRITE)   /* Xen's emulator: the direction only */
        r = why("error code 0x%lx, expected 0x%x", (unsigned long)caught.error_code, G_PF_WRITE);
    else if (probe_string_rcx != 2 || dst[0] != CF8_B || dst[1] != CF8_B)
        r = why("after the fault rcx %lu (expected 2), before it %x %x",
                (unsigned long)probe_string_rcx, dst[0], dst[1]);
    g_map_page((uint64_t)ro, mfn, G_PTE_KERNEL_RW);
    return r;
}

static const char *string_io(void)
{
    const char *r;
    long rc;

    if ((rc = set_iopl(1)))
        return why("iopl 1: %ld", rc);
    if (!(r = ins_and_outs()))
        r = ins_page_fault();
    probe_rep_outsl((uint32_t[]){ 0 }, 1, PCI_CONFIG_ADDRESS);
    set_iopl(0);
    if (r)
        return r;
    /* Without I/O privilege: #GP, nothing moved. */
    buf[0] = SENTINEL;
    expect_fault(G_VEC_GP, probe_rep_insl_fault, probe_rep_insl_resume);
    probe_rep_insl(buf, 1, PCI_CONFIG_ADDRESS);
    if (!fault_seen())
        return why("rep insl without I/O privilege did not fault");
    if (buf[0] != SENTINEL || probe_string_rcx != 1)
        return why("rep insl without privilege wrote %x, rcx %lu", buf[0],
                   (unsigned long)probe_string_rcx);
    return NULL;
}

/* ---- MSR 0x40000000 ---- */

static uint8_t call_page[G_PAGE_SIZE] __attribute__((aligned(4096), section(".bss.page_aligned")));

static bool wrmsr_faults(uint64_t val)
{
    expect_fault(G_VEC_GP, probe_wrmsr_fault, probe_wrmsr_resume);
    probe_wrmsr(HYPERCALL_MSR, val);
    return fault_seen();
}

static const char *hypercall_msr(void)
{
    uint64_t mfn = g_virt_to_mfn(call_page), cr3, v;
    long (*stub)(long, void *);

    expect_fault(G_VEC_GP, probe_rdmsr_fault, probe_rdmsr_resume);
    v = probe_rdmsr(HYPERCALL_MSR);
    if (fault_seen() || v != 0)
        return why("rdmsr 0x40000000: %s, 0x%lx", caught.hit ? "#GP" : "no fault",
                   (unsigned long)v);
    if (!wrmsr_faults((mfn << 12) | 1))
        return why("a page index of 1 was taken");
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    if (!wrmsr_faults(cr3 & ~0xfffUL))
        return why("the L4 table's frame was taken");
    memset(call_page, 0, sizeof(call_page));
    if (wrmsr_faults(mfn << 12))
        return why("wrmsr of our own frame faulted");
    /* Stub n loads n into eax (b8 n): call xen_version through it. */
    if (call_page[__HYPERVISOR_xen_version * XEN_HYPERCALL_STUB_SIZE + 3] != 0xb8)
        return why("stub 17 starts %02x %02x %02x %02x", call_page[17 * 32],
                   call_page[17 * 32 + 1], call_page[17 * 32 + 2], call_page[17 * 32 + 3]);
    stub = (long (*)(long, void *))(call_page + __HYPERVISOR_xen_version * XEN_HYPERCALL_STUB_SIZE);
    if ((v = stub(XENVER_version, NULL)) != (uint64_t)hc_xen_version(XENVER_version, NULL))
        return why("xen_version through the page returned 0x%lx", (unsigned long)v);
    return NULL;
}

const struct check strio_checks[] = {
    { "rep_ins_outs_with_iopl_fault_and_direction", string_io },
    { "hypercall_page_msr_0x40000000", hypercall_msr },
    { NULL, NULL },
};
