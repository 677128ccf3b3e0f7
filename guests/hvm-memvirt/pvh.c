/*
 * memvirt as a PVH guest (and as the same kernel with no hypervisor): the
 * guest's own page tables, written with plain stores and switched with
 * mov to CR3 -- what the hypervisor sees of that depends on how it
 * virtualizes memory: nothing with nested paging, a write fault per
 * table write with shadow paging.  Frames are guest-physical; the data
 * of a 2 MiB mapping is 2 MiB aligned and contiguous.
 *
 * The counts come from the hypervisor's own per-domain counters (VM
 * exits, hypercalls, page-table writes it emulated), which xen-lite gives
 * a PVH dom0 through XEN_SYSCTL_xenlite_domain_stats; the sysctls made to
 * read them are taken off.  Natively, and on a hypervisor without that
 * sysctl, there is nothing to count.
 */
#include <guest/guest.h>
#include <guest/hvm.h>
#include <guest/hypercall.h>

#include "../memvirt/memvirt.h"
#include "sysctl.h"
#include "xenlite.h"

#define FRAMES_MAX      ((1u << 18) + 4096u)
#define LARGE_PAGES     512u

static uint64_t frames[FRAMES_MAX], nr_frames, home;
static uint64_t own_calls;              /* the sysctls counts() made */

static volatile uint64_t *table(uint64_t frame)
{
    return (volatile uint64_t *)g_pfn_to_virt(frame);
}

static uint64_t pvh_table_alloc(void)
{
    uint64_t pfn = g_page_alloc();

    if (pfn == G_INVALID_PFN)
        return 0;
    memset((void *)table(pfn), 0, G_PAGE_SIZE);
    return pfn;
}

static void pvh_pte_write(uint64_t t, unsigned int slot, uint64_t val)
{
    table(t)[slot] = val;
}

static void pvh_table_ready(uint64_t t, unsigned int level) { }
static int pvh_commit(void) { return 0; }

static void pvh_switch_to(uint64_t l4)
{
    __asm__ volatile("mov %0, %%cr3" :: "r"(l4 << G_PAGE_SHIFT) : "memory");
}

static uint64_t pvh_home_l4(void)
{
    return home;
}

static uint64_t pvh_kernel_l4e(unsigned int slot)
{
    return table(home)[slot];
}

/* n free frames in a row from base, taken; false (none taken) if not. */
static bool take_run(uint64_t base, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (!g_page_is_free(base + i))
            return false;
    for (uint64_t i = 0; i < n; i++)
        if (g_page_alloc_above(base + i) != base + i)
            g_panic("memvirt: frame 0x%lx was free and could not be taken", base + i);
    return true;
}

/* The first 2 MiB-aligned run of n free frames, taken. */
static bool take_aligned(uint64_t n, uint64_t *base)
{
    for (*base = LARGE_PAGES; *base + n <= g_max_pfn(); *base += LARGE_PAGES)
        if (take_run(*base, n))
            return true;
    return false;
}

static bool pvh_frames_alloc(uint64_t n, bool large, uint64_t *first)
{
    uint64_t base = 0;

    if (nr_frames + n > FRAMES_MAX || (large && !take_aligned(n, &base)))
        return false;
    for (uint64_t i = 0; i < n; i++) {
        frames[nr_frames + i] = large ? base + i : g_page_alloc();
        if (frames[nr_frames + i] == G_INVALID_PFN)
            return false;
    }
    *first = nr_frames;
    nr_frames += n;
    return true;
}

static uint64_t pvh_frame(uint64_t index)
{
    return frames[index];
}

static void pvh_counts(struct mv_counts *c)
{
    static struct xenlite_domain_stats s;
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_xenlite_domain_stats,
                             .interface_version = XEN_SYSCTL_INTERFACE_VERSION };
    struct xen_sysctl_xenlite_domain_stats q = { .domid = 0, .buffer = (uint64_t)&s };
    uint64_t calls = 0;

    *c = (struct mv_counts){ ~0ULL, 0, ~0ULL };
    if (g_hvm_native() || !g_is_dom0())
        return;
    memcpy(op.u.pad, &q, sizeof(q));
    if (g_hypercall_raw(__HYPERVISOR_sysctl, (uint64_t)&op, 0, 0, 0, 0) < 0)
        return;
    own_calls++;
    for (unsigned int i = 0; i < XENLITE_STATS_HYPERCALLS; i++)
        calls += s.hypercalls[i];
    *c = (struct mv_counts){ .exits = s.vm_exits - own_calls, .hypercalls = calls - own_calls,
                             .emulations = s.ptwr_emulations };
}

static struct mv_platform pvh = {
    .name = "pvh",
    .large_pages = true,
    .table_alloc = pvh_table_alloc,
    .pte_write = pvh_pte_write,
    .table_ready = pvh_table_ready,
    .switch_to = pvh_switch_to,
    .commit = pvh_commit,
    .home_l4 = pvh_home_l4,
    .kernel_l4e = pvh_kernel_l4e,
    .frames_alloc = pvh_frames_alloc,
    .frame = pvh_frame,
    .counts = pvh_counts,
};

const struct mv_platform *mv_platform(void)
{
    uint64_t cr3;

    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    home = cr3 >> G_PAGE_SHIFT;
    if (g_hvm_native())
        pvh.name = "native";
    return &pvh;
}
