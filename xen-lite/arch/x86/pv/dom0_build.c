/*
 * Building dom0 from the first Multiboot2 module, laid out exactly as Xen
 * lays out a 64-bit PV guest (public xen.h, "start_info"): from VIRT_BASE,
 * the kernel, the ramdisk, the p2m list, start_info, the bootstrap page
 * tables and a stack, all mapped 1:1 onto the first pseudo-physical frames
 * and padded to a 4 MiB boundary with at least 512 KiB to spare.  The page
 * tables are then validated through the same page-type code as any guest's.
 */
#include "asm/atomic.h"
#include "asm/page.h"
#include "asm/time.h"
#include "xen/bootinfo.h"
#include "xen/domctl_int.h"
#include "xen/event.h"
#include "xen/lib.h"
#include "xen/libelf.h"
#include "xen/m2p.h"
#include "xen/param.h"
#include "xen/pv_layout.h"
#include "xen/percpu.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen/setup.h"
#include "xen/version.h"
#include "version.h"
#include "xen.h"

#define SUPPORTED_FEATURES (ELF_FEATURES_SUPPORTED | (1U << XENFEAT_dom0))

static unsigned long *dom0_mfns;        /* pfn -> mfn while building */
static const struct pv_layout *dom0_layout;

static void *va_ptr(uint64_t va)
{
    return (char *)mfn_to_virt(dom0_mfns[pv_layout_pfn(dom0_layout, va)]) +
           (va & (PAGE_SIZE - 1));
}

/* Copy (or zero) bytes into the new domain at virtual address va. */
static int put_bytes(uint64_t va, const void *src, size_t len, void *unused)
{
    while (len) {
        size_t n = MIN(len, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
        if (src) {
            memcpy(va_ptr(va), src, n);
            src = (const char *)src + n;
        } else {
            memset(va_ptr(va), 0, n);
        }
        va += n;
        len -= n;
    }
    return 0;
}

static void allocate_memory(struct domain *d, unsigned long nr_pages)
{
    /* dom0 may grow, as on Xen: up to dom0_mem's max: if it has one. */
    d->max_pages = dom0_max_pages();
    dom0_mfns = xmalloc_bytes(nr_pages * sizeof(unsigned long));
    if (!dom0_mfns)
        panic("Could not set up DOM0: no memory for its frame list");
    for (unsigned long i = 0; i < nr_pages; ) {
        /* 2 MiB at a time where possible: fewer, cheaper allocations. */
        unsigned int order = nr_pages - i >= 512 ? 9 : 0;
        /* Boot leftovers need no zeroing for dom0 (as on Xen). */
        struct page_info *pg = alloc_domain_pages(d, order, MEMF_no_scrub);
        if (!pg && order)
            pg = alloc_domain_pages(d, order = 0, MEMF_no_scrub);
        if (!pg)
            panic("Could not set up DOM0: out of memory after %lu of %lu pages", i, nr_pages);
        for (unsigned long j = 0; j < (1UL << order); j++, i++) {
            dom0_mfns[i] = page_to_mfn(pg) + j;
            set_gpfn_from_mfn(dom0_mfns[i], i);
        }
    }
}

static uint64_t *map_mfn(unsigned long mfn, void *unused)
{
    return mfn_to_virt(mfn);
}

static void write_start_info(struct domain *d, const struct pv_layout *l,
                             unsigned long nr_pages, size_t initrd_len,
                             const char *cmdline)
{
    struct start_info *si = va_ptr(l->si_start);

    memset(si, 0, PAGE_SIZE);
    /* The ABI generation, not the hypervisor version: Xen 4.17 says 3.0 too. */
    strlcpy(si->magic, "xen-3.0-x86_64", sizeof(si->magic));
    si->nr_pages = nr_pages;
    si->shared_info = virt_to_maddr(d->shared_info);
    si->flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
    si->pt_base = l->pt_start;
    si->nr_pt_frames = l->nr_pt_pages;
    si->mfn_list = l->p2m_start;
    si->first_p2m_pfn = l->p2m_pfn;
    si->nr_p2m_frames = l->nr_p2m_frames;
    si->mod_start = initrd_len ? l->initrd_start : 0;
    si->mod_len = initrd_len;
    if (cmdline)
        strlcpy((char *)si->cmd_line, cmdline, sizeof(si->cmd_line));
}

static void print_layout(const struct pv_layout *l, unsigned long nr_pages, uint64_t entry)
{
    printk("*** Building a PV Dom0 ***\n");
    printk("PHYSICAL MEMORY ARRANGEMENT:\n");
    printk(" Dom0 alloc.:   %lu pages (%lu MB)\n", nr_pages, nr_pages >> 8);
    printk("VIRTUAL MEMORY ARRANGEMENT:\n");
    printk(" Loaded kernel: %016lx->%016lx\n", l->kern_start, l->kern_end);
    printk(" Init. ramdisk: %016lx->%016lx\n", l->initrd_start, l->initrd_end);
    printk(" Phys-Mach map: %016lx->%016lx\n", l->p2m_start, l->p2m_end);
    printk(" Start info:    %016lx->%016lx\n", l->si_start, l->si_start + PAGE_SIZE);
    printk(" Page tables:   %016lx->%016lx\n", l->pt_start, l->pt_end);
    printk(" Boot stack:    %016lx->%016lx\n", l->stack_start, l->stack_start + PAGE_SIZE);
    printk(" TOTAL:         %016lx->%016lx\n", l->v_start, l->v_end);
    printk(" ENTRY ADDRESS: %016lx\n", entry);
}

static void start_vcpus(struct domain *d, unsigned long l4, const struct pv_layout *l,
                        uint64_t entry)
{
    struct vcpu *v0 = d->vcpu[0];
    int rc;

    /* The same validation as a guest's own pin: no short cut. */
    if ((rc = get_page_and_type(mfn_to_page(l4), d->domain_id, PGT_l4_page_table, false)))
        panic("Could not set up DOM0: its page tables fail validation (%d)", rc);
    v0->arch.pv.guest_table = l4;
    v0->is_initialised = true;
    pv_vcpu_init_context(v0, entry, l->stack_start + PAGE_SIZE, l->si_start);
    clear_bit(_VPF_down, &v0->pause_flags);
}

void construct_dom0(const struct boot_module *kern, const struct boot_module *initrd)
{
    struct elf_image img;
    struct pv_layout l;
    struct domain *d;
    unsigned int nr_vcpus = dom0_nr_vcpus();
    size_t initrd_len = initrd ? initrd->end - initrd->start : 0;
    unsigned long nr_pages;
    const char *err;
    int rc;

    err = elf_parse(maddr_to_virt(kern->start), kern->end - kern->start,
                    SUPPORTED_FEATURES, &img);
    if (err)
        panic("Could not set up DOM0 guest OS: %s", err);
    if (!(d = domain_create(0, nr_vcpus, DOMCRF_privileged, &rc)))
        panic("Could not set up DOM0: domain creation failed (%d)", rc);
    dom0 = d;
    for (unsigned int i = 0; i < nr_vcpus; i++)
        if (!vcpu_create(d, i))
            panic("Could not set up DOM0: vCPU %u", i);
    nr_pages = dom0_nr_pages();
    pv_layout_compute(&img, initrd_len, nr_pages, false, &l);
    if (nr_pages < pv_layout_pages(&l))
        panic("Could not set up DOM0: it needs at least %lu MB for its bootstrap region",
              (pv_layout_pages(&l) >> 8) + 1);
    print_layout(&l, nr_pages, img.entry);
    allocate_memory(d, nr_pages);
    dom0_layout = &l;
    elf_load(&img, put_bytes, NULL);
    if (initrd_len)
        put_bytes(l.initrd_start, maddr_to_virt(initrd->start), initrd_len, NULL);
    put_bytes(l.p2m_start, dom0_mfns, nr_pages * sizeof(unsigned long), NULL);
    put_bytes(l.stack_start, NULL, PAGE_SIZE, NULL);
    if (img.hypercall_page)
        write_hypercall_page(va_ptr(img.hypercall_page));
    write_start_info(d, &l, nr_pages, initrd_len, kern->cmdline);
    start_vcpus(d, pv_build_page_tables(&l, dom0_mfns, map_mfn, NULL), &l, img.entry);
    printk("Dom0 has maximum %u VCPUs\n", nr_vcpus);
    xfree(dom0_mfns);
}
