/*
 * Memory set-up at boot: read the firmware's RAM map, protect what must
 * survive, extend the direct map over all RAM, build the frame table and
 * hand every remaining frame to the buddy allocator.  Also the hypervisor's
 * own page-table editing (map_pages_to_xen).
 */
#include "asm/page.h"
#include "asm/processor.h"
#include "xen/bootinfo.h"
#include "xen/lib.h"
#include "xen/mm.h"
#include "xen/pt_walk.h"
#include "xen/pv_mm.h"
#include "xen/smp.h"
#include "xen/spinlock.h"

#define DOMID_XEN_      0x7ff2

extern char __image_start[], __image_end[], _etext[], __rodata_start[], __data_start[];
extern uint64_t boot_l2_directmap[];    /* head.S: the first 4 GiB, 2 MiB pages */

unsigned long total_pages;
static bool heap_ready;
static DEFINE_SPINLOCK(map_lock);

static uint64_t *pt_alloc(void)
{
    uint64_t *t;

    if (heap_ready) {
        t = alloc_xenheap_pages(0, 0);
    } else {
        paddr_t pa = bootmem_alloc(&boot_free, PAGE_SIZE, PAGE_SIZE,
                                   BOOT_DIRECTMAP_END);
        t = pa ? maddr_to_virt(pa) : NULL;
        if (t)
            memset(t, 0, PAGE_SIZE);
    }
    if (!t)
        panic("out of memory for hypervisor page tables");
    return t;
}

static unsigned long xen_table_alloc(const struct pt_ctx *c)
{
    return virt_to_mfn(pt_alloc());
}

/* The hypervisor's tables: tables made on the way are writable, and user
 * where a user mapping (the guests' read-only M2P) lies below. */
static struct pt_ctx xen_ctx(uint64_t flags)
{
    return (struct pt_ctx){ .fmt = &pt_format_x86, .map = pt_map_machine,
                            .alloc = xen_table_alloc,
                            .table_flags = _PAGE_PRESENT | _PAGE_RW | (flags & _PAGE_USER) };
}

static unsigned long xen_root(void)
{
    return virt_to_mfn(idle_pg_table);
}

int map_pages_to_xen(unsigned long va, unsigned long mfn, unsigned long nr,
                     uint64_t flags)
{
    unsigned long f = spin_lock_irqsave(&map_lock);
    struct pt_ctx c = xen_ctx(flags);

    while (nr) {
        unsigned long step = 1;

        if (IS_ALIGNED(va, L2_PAGE_SIZE) && IS_ALIGNED(mfn, 512) && nr >= 512) {
            *pt_walk_make(&c, xen_root(), va, 2) = (mfn << PAGE_SHIFT) | flags | _PAGE_PSE;
            step = 512;
        } else {
            *pt_walk_make(&c, xen_root(), va, 1) = (mfn << PAGE_SHIFT) | flags;
        }
        for (unsigned long i = 0; i < step; i += 512)
            invlpg(va + i * PAGE_SIZE);
        va += step << PAGE_SHIFT;
        mfn += step;
        nr -= step;
    }
    spin_unlock_irqrestore(&map_lock, f);
    return 0;
}

/*
 * The L1 entry that maps va in the hypervisor's tables, for windows whose
 * entries are rewritten often (the per-CPU GDT/LDT windows): va must have
 * been mapped with 4 KiB pages by map_pages_to_xen.
 */
uint64_t *xen_l1e_ptr(unsigned long va)
{
    struct pt_walk w;

    BUG_ON(!pt_walk(&pt_ctx_machine, virt_to_mfn(idle_pg_table), va, 1, &w) || w.level != 1);
    return (uint64_t *)mfn_to_virt(w.table) + w.slot;
}

uint64_t pte_nx(void)
{
    return cpu_has_nx ? _PAGE_NX : 0;
}

/*
 * After boot -- every CPU up, its syscall stub written, the trampoline
 * gone -- nothing needs to execute outside the hypervisor's text or write
 * into it: the text (with the stubs) becomes read-only, the read-only data
 * and everything else non-executable, including the direct map of all RAM
 * (guests' memory among it).  head.S's 2 MiB mappings of the image are
 * split into 4 KiB pages, the RAM beside the image in them too; the direct
 * map shares those pages, so its L2 entries there keep no NX bit of their
 * own.
 */
void protect_xen_image(void)
{
    char *first = (char *)ROUNDDOWN((unsigned long)__image_start, L2_PAGE_SIZE);
    char *last = (char *)ROUNDUP((unsigned long)__image_end, L2_PAGE_SIZE);
    unsigned long l2_first = virt_to_maddr(first) >> L2_PAGE_SHIFT;
    unsigned long l2_last = virt_to_maddr(last) >> L2_PAGE_SHIFT;

    /* The image's 2 MiB pages, in 4 KiB pages: the rest of them is RAM. */
    for (char *p = first; p < last; p += PAGE_SIZE) {
        uint64_t flags = _PAGE_PRESENT;

        if (p < __image_start || p >= __rodata_start)
            flags |= pte_nx();
        if (p < __image_start || p >= __data_start)
            flags |= _PAGE_RW;
        map_pages_to_xen((unsigned long)p, virt_to_mfn(p), 1, flags);
    }
    for (unsigned long i = 0; i < 4 * PAGETABLE_ENTRIES; i++)
        if ((i < l2_first || i >= l2_last) && (boot_l2_directmap[i] & _PAGE_PSE))
            boot_l2_directmap[i] |= pte_nx();
    flush_tlb_mask(cpu_online_mask());
    printk("Hypervisor text read-only, its data and the direct map %s; SMEP %s\n",
           cpu_has_nx ? "not executable" : "executable (this CPU has no NX)",
           (read_cr4() & X86_CR4_SMEP) ? "on" : "not available");
}

static const char *mem_type_name(uint32_t type, char *buf, size_t len)
{
    static const char *const names[] = {
        [MEM_RAM] = "usable", [MEM_RESERVED] = "reserved",
        [MEM_ACPI] = "ACPI data", [MEM_NVS] = "ACPI NVS",
        [MEM_UNUSABLE] = "unusable" };

    if (type < ARRAY_SIZE(names) && names[type])
        return names[type];
    snprintf(buf, len, "type %u, reserved", type);
    return buf;
}

static void reserve_boot_data(const struct boot_info *bi)
{
    bootmem_reserve(&boot_free, 0, PAGE_SIZE);          /* real-mode IVT/BDA */
    bootmem_reserve(&boot_free, virt_to_maddr(__image_start),
                    virt_to_maddr(__image_end));
    bootmem_reserve(&boot_free, bi->info_start, bi->info_end);
    for (unsigned int i = 0; i < bi->nr_modules; i++)
        bootmem_reserve(&boot_free, bi->modules[i].start, bi->modules[i].end);
}

/* Read the RAM map; returns the end of the highest RAM range. */
static paddr_t scan_memmap(const struct boot_info *bi)
{
    char buf[24];

    printk("Xen-e820 RAM map:\n");
    for (unsigned int i = 0; i < bi->nr_memmap; i++) {
        const struct memmap_entry *e = &bi->memmap[i];
        printk(" [%016llx, %016llx] (%s)\n", (unsigned long long)e->addr,
               (unsigned long long)(e->addr + e->len - 1),
               mem_type_name(e->type, buf, sizeof(buf)));
    }
    if (bi->nr_memmap_dropped || bi->nr_memmap_bad)
        printk(XENLOG_WARNING "RAM map: %u ranges beyond the %u kept and %u "
               "empty or wrapping ones ignored\n", bi->nr_memmap_dropped,
               MAX_MEMMAP, bi->nr_memmap_bad);
    return bootmem_add_map(&boot_free, bi->memmap, bi->nr_memmap);
}

/* Give every hypervisor L4 slot an L3 now, so the slots never change later
 * and guests' copies of them stay valid. */
static void populate_xen_l4_slots(void)
{
    struct pt_ctx c = xen_ctx(0);

    for (unsigned int s = XEN_L4_FIRST_SLOT; s <= XEN_L4_LAST_SLOT; s++)
        pt_walk_make(&c, xen_root(), (unsigned long)s << L4_SHIFT, 3);
}

static void init_frame_table(paddr_t top)
{
    size_t bytes = ROUNDUP((top >> PAGE_SHIFT) * sizeof(struct page_info), PAGE_SIZE);
    paddr_t pa = bootmem_alloc(&boot_free, bytes, L2_PAGE_SIZE, BOOT_DIRECTMAP_END);
    struct page_info *ft;

    if (!pa)
        pa = bootmem_alloc(&boot_free, bytes, PAGE_SIZE, BOOT_DIRECTMAP_END);
    if (!pa)
        panic("no room below 4 GiB for a %zu kB frame table", bytes >> 10);
    ft = maddr_to_virt(pa);
    for (unsigned long i = 0; i < (top >> PAGE_SHIFT); i++)
        ft[i] = (struct page_info){ .next = PAGE_LIST_NULL, .prev = PAGE_LIST_NULL,
                                    .count_info = PGC_reserved, .owner = DOMID_XEN_ };
    heap_init(ft, top >> PAGE_SHIFT);
}

void mm_init(const struct boot_info *bi)
{
    paddr_t top = scan_memmap(bi);

    for (unsigned int i = 0; i < boot_free.nr; i++)
        total_pages += (boot_free.r[i].end - boot_free.r[i].start) >> PAGE_SHIFT;
    reserve_boot_data(bi);
    populate_xen_l4_slots();
    /* head.S mapped the first 4 GiB; map the rest of RAM now. */
    for (unsigned int i = 0; i < boot_free.nr; i++) {
        paddr_t s = MAX(boot_free.r[i].start, BOOT_DIRECTMAP_END);
        paddr_t e = boot_free.r[i].end;
        if (s < e)
            map_pages_to_xen(DIRECTMAP_VIRT_START + s, s >> PAGE_SHIFT,
                             (e - s) >> PAGE_SHIFT, _PAGE_PRESENT | _PAGE_RW | pte_nx());
    }
    init_frame_table(top);
    for (unsigned int i = 0; i < boot_free.nr; i++) {
        unsigned long mfn = boot_free.r[i].start >> PAGE_SHIFT;
        unsigned long nr = (boot_free.r[i].end - boot_free.r[i].start) >> PAGE_SHIFT;

        /* Free RAM still holds what firmware and the boot loader left
         * (copies of the modules among it): like a domain's freed frames,
         * it is zeroed before a domain gets it, by the idle scrubber or by
         * the allocation (Xen's bootscrub=idle). */
        for (unsigned long f = mfn; f < mfn + nr; f++)
            frame_table[f].count_info |= PGC_need_scrub;
        heap_add_range(mfn, nr);
    }
    boot_free.nr = 0;
    heap_ready = true;
    printk("System RAM: %luMB (%lukB)\n", total_pages >> (20 - PAGE_SHIFT),
           total_pages << (PAGE_SHIFT - 10));
}
