/*
 * dom0 as a PVH guest (dom0=pvh), Xen's PVH boot: RAM from guest-physical
 * 0 (below 3 GiB, the rest from 4 GiB) backed by the largest aligned
 * allocations (1 GiB, 2 MiB, 4 KiB) so the p2m can use its largest
 * entries; the kernel's segments at their physical addresses; after them
 * hvm_start_info with the command line, the memory map and the ramdisk as
 * module 1; vCPU 0 in 32-bit protected mode, paging off, flat segments,
 * at XEN_ELFNOTE_PHYS32_ENTRY with %ebx pointing at the start info.
 */
#include "asm/page.h"
#include "asm/processor.h"
#include "xen/bootinfo.h"
#include "xen/lib.h"
#include "xen/libelf.h"
#include "xen/param.h"
#include "xen/physmap.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen/setup.h"
#include "xen/shadow.h"
#include "memory_op.h"
#include "xen.h"

#include "hvm/hvm.h"

#define LOW_RAM_END     (3UL << 30)     /* RAM below; MMIO hole up to 4 GiB */
#define HIGH_RAM_START  (4UL << 30)

struct layout {
    uint64_t ram_pages, low_pages;
    uint64_t info, cmdline, modlist, memmap, initrd;    /* guest-physical */
    struct hvm_memmap_table_entry map[2];
    unsigned int nr_map;
};

/* Allocate and map [gfn, gfn + n): the largest aligned blocks first. */
static void populate(struct domain *d, unsigned long gfn, unsigned long n)
{
    static const unsigned int orders[] = { 18, 9, 0 };

    while (n) {
        struct page_info *pg = NULL;
        unsigned int order = 0;

        for (unsigned int i = 0; i < ARRAY_SIZE(orders) && !pg; i++) {
            order = orders[i];
            if (n >= (1UL << order) && !(gfn & ((1UL << order) - 1)))
                pg = alloc_domain_pages(d, order, MEMF_no_scrub);
        }
        if (!pg)
            panic("Could not set up DOM0: out of memory at gfn %#lx", gfn);
        if (guest_physmap_add_page(d, gfn, page_to_mfn(pg), order))
            panic("Could not set up DOM0: no memory for its p2m");
        gfn += 1UL << order;
        n -= 1UL << order;
    }
}

static void plan(struct layout *l, const struct elf_image *img, size_t initrd_len,
                 unsigned long nr_pages)
{
    l->ram_pages = nr_pages;
    l->low_pages = MIN(nr_pages, LOW_RAM_END >> PAGE_SHIFT);
    l->map[0] = (struct hvm_memmap_table_entry){ 0, l->low_pages << PAGE_SHIFT,
                                                 XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    l->nr_map = 1;
    if (nr_pages > l->low_pages)
        l->map[l->nr_map++] = (struct hvm_memmap_table_entry){
            HIGH_RAM_START, (nr_pages - l->low_pages) << PAGE_SHIFT, XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    /* One page after the kernel: start info, module list, map, command line. */
    l->info = ROUNDUP(img->virt_kend, PAGE_SIZE);
    l->modlist = l->info + sizeof(struct hvm_start_info);
    l->memmap = l->modlist + sizeof(struct hvm_modlist_entry);
    l->cmdline = l->memmap + sizeof(l->map);
    l->initrd = l->info + PAGE_SIZE;
    if (((l->initrd + initrd_len) >> PAGE_SHIFT) > l->low_pages)
        panic("Could not set up DOM0: the kernel and ramdisk need %lu MB below 3 GiB",
              (unsigned long)((l->initrd + initrd_len) >> 20) + 1);
}

static int put_gpa(uint64_t gpa, const void *src, size_t len, void *d)
{
    return hvm_copy_to_gpa(d, gpa, src, len);
}

static void write_info(struct domain *d, const struct layout *l, size_t initrd_len,
                       const char *cmdline)
{
    struct hvm_start_info si = {
        .magic = XEN_HVM_START_MAGIC_VALUE, .version = 1,
        .flags = SIF_PRIVILEGED | SIF_INITDOMAIN,
        .nr_modules = initrd_len ? 1 : 0, .modlist_paddr = initrd_len ? l->modlist : 0,
        .cmdline_paddr = l->cmdline, .memmap_paddr = l->memmap, .memmap_entries = l->nr_map };
    struct hvm_modlist_entry mod = { .paddr = l->initrd, .size = initrd_len };
    size_t room = PAGE_SIZE - (l->cmdline - l->info);
    char line[512] = "";

    if (cmdline)
        strlcpy(line, cmdline, MIN(sizeof(line), room));
    if (put_gpa(l->info, &si, sizeof(si), d) || put_gpa(l->modlist, &mod, sizeof(mod), d) ||
        put_gpa(l->memmap, l->map, sizeof(l->map), d) ||
        put_gpa(l->cmdline, line, strlen(line) + 1, d))
        panic("Could not set up DOM0: cannot write its start info");
    for (unsigned int i = 0; i < l->nr_map; i++)
        d->e820[i] = (struct xen_e820_entry){ l->map[i].addr, l->map[i].size, E820_RAM };
    d->nr_e820 = l->nr_map;
}

/* vCPU 0: Xen's PVH start state (public/arch-x86/hvm/start_info.h). */
static void start_vcpu0(struct domain *d, uint32_t entry, uint64_t info)
{
    struct vcpu_hvm_context c = { .mode = VCPU_HVM_MODE_32B };
    struct vcpu_hvm_x86_32 *r = &c.cpu_regs.x86_32;
    int rc;

    r->eip = entry;
    r->ebx = info;
    r->eflags = X86_EFLAGS_MBS;
    r->cr0 = X86_CR0_PE | X86_CR0_ET;
    r->cs_limit = r->ds_limit = r->ss_limit = r->es_limit = 0xffffffff;
    r->cs_ar = VCPU_HVM_AR_CODE32;
    r->ds_ar = r->ss_ar = r->es_ar = VCPU_HVM_AR_DATA32;
    r->tr_limit = VCPU_HVM_TSS_LIMIT;
    r->tr_ar = VCPU_HVM_AR_TSS32;
    if ((rc = hvm_set_vcpu_context(d->vcpu[0], &c)))
        panic("Could not set up DOM0: its start context is refused (%d)", rc);
    clear_bit(_VPF_down, &d->vcpu[0]->pause_flags);
}

/*
 * dom0_shadow_memory=<size>: a PVH dom0's shadow pool, as xl.cfg's
 * shadow_memory sizes a domU's (xen-lite's option; Xen sizes dom0's pool
 * itself).  Default: libxl's rule for dom0's memory and vCPUs.
 */
static unsigned long opt_dom0_shadow_memory;
size_param("dom0_shadow_memory", opt_dom0_shadow_memory);

/* The paging pool for dom0's memory, taken before dom0's RAM. */
static void size_paging_pool(struct domain *d, unsigned int nr_vcpus)
{
    const struct hvm_paging *pg = d->arch.hvm.paging;
    unsigned long pages = opt_dom0_shadow_memory >> PAGE_SHIFT;
    int rc;

    if (!pages)
        pages = shadow_default_pages(dom0_nr_pages() >> 8, nr_vcpus);

    if (pg->set_pool && (rc = pg->set_pool(d, (uint64_t)pages << PAGE_SHIFT)))
        panic("Could not set up DOM0: no %lu pages for its %s pool (%d)", pages, pg->name,
              rc);
}

void construct_pvh_dom0(const struct boot_module *kern, const struct boot_module *initrd)
{
    unsigned int nr_vcpus = dom0_nr_vcpus();
    size_t initrd_len = initrd ? initrd->end - initrd->start : 0;
    struct elf_image img;
    struct p2m_stats st;
    struct layout l;
    struct domain *d;
    const char *err;
    int rc;

    if ((err = elf_parse_pvh(maddr_to_virt(kern->start), kern->end - kern->start, &img)))
        panic("Could not set up DOM0 guest OS: %s", err);
    if (!(d = domain_create(0, nr_vcpus, DOMCRF_privileged | DOMCRF_hvm |
                            (dom0_shadow() ? 0 : DOMCRF_hap), &rc)))
        panic("Could not set up a PVH DOM0 (%d): it needs SVM", rc);
    dom0 = d;
    for (unsigned int i = 0; i < nr_vcpus; i++)
        if (!vcpu_create(d, i))
            panic("Could not set up DOM0: vCPU %u", i);
    d->max_pages = dom0_max_pages();
    size_paging_pool(d, nr_vcpus);
    plan(&l, &img, initrd_len, dom0_nr_pages());
    printk("*** Building a PVH Dom0 ***\n");
    printk(" Dom0 alloc.:   %lu pages (%lu MB), %u vCPUs, paging %s\n",
           (unsigned long)l.ram_pages, (unsigned long)l.ram_pages >> 8, nr_vcpus,
           d->arch.hvm.paging->name);
    printk(" Kernel:        %#lx->%#lx, entry %#lx\n", (unsigned long)img.virt_kstart,
           (unsigned long)img.virt_kend, (unsigned long)img.entry);
    populate(d, 0, l.low_pages);
    if (l.ram_pages > l.low_pages)
        populate(d, HIGH_RAM_START >> PAGE_SHIFT, l.ram_pages - l.low_pages);
    p2m_stats(d->arch.p2m, &st);
    printk(" p2m:           %lu x 1 GiB, %lu x 2 MiB, %lu x 4 KiB entries, %lu tables\n",
           st.entries[2], st.entries[1], st.entries[0], st.tables);
    if (elf_load(&img, put_gpa, d) ||
        (initrd_len && put_gpa(l.initrd, maddr_to_virt(initrd->start), initrd_len, d)))
        panic("Could not set up DOM0: cannot load its kernel");
    write_info(d, &l, initrd_len, kern->cmdline);
    start_vcpu0(d, img.entry, l.info);
    printk("Dom0 has maximum %u VCPUs\n", nr_vcpus);
}
