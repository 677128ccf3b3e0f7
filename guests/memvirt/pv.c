/*
 * memvirt as a PV guest: page-table writes are mmu_update requests and
 * pins and address-space switches mmuext_op requests, queued in order and
 * sent as one multicall per commit -- the way a PV kernel batches in its
 * lazy MMU mode -- so a churn round costs one hypercall.  PV guests map no
 * 2 MiB pages (Xen 4.17 has no PV superpages).
 */
#include <guest/guest.h>
#include <guest/pt.h>

#include "memvirt.h"

#define MMU_MAX         1024u
#define EXT_MAX         64u
#define SEG_MAX         16u
#define FRAMES_MAX      ((1u << 18) + 4096u)

/* A run of requests of one kind: one multicall entry. */
struct segment {
    bool ext;
    unsigned int first, n, done;
};

static struct mmu_update mmu[MMU_MAX];
static struct mmuext_op ext[EXT_MAX];
static struct segment seg[SEG_MAX];
static struct multicall_entry mc[SEG_MAX];
static unsigned int nr_mmu, nr_ext, nr_seg;
static uint64_t hypercalls, frames[FRAMES_MAX], nr_frames;

static int pv_commit(void);

/* The segment new requests of this kind join (a new one if the kind changes). */
static struct segment *tail(bool is_ext)
{
    bool full = is_ext ? nr_ext == EXT_MAX : nr_mmu == MMU_MAX;

    if (full || (nr_seg == SEG_MAX && seg[nr_seg - 1].ext != is_ext))
        pv_commit();
    if (!nr_seg || seg[nr_seg - 1].ext != is_ext)
        seg[nr_seg++] = (struct segment){ is_ext, is_ext ? nr_ext : nr_mmu, 0, 0 };
    return &seg[nr_seg - 1];
}

static void pv_pte_write(uint64_t table, unsigned int slot, uint64_t val)
{
    struct segment *s = tail(false);

    mmu[nr_mmu++] = (struct mmu_update){ (table << 12) | (slot * 8) | MMU_NORMAL_PT_UPDATE, val };
    s->n++;
}

static void ext_op(unsigned int cmd, uint64_t mfn)
{
    struct segment *s = tail(true);

    ext[nr_ext++] = (struct mmuext_op){ .cmd = cmd, .arg1.mfn = mfn };
    s->n++;
}

static int pv_commit(void)
{
    long rc;

    if (!nr_seg)
        return 0;
    for (unsigned int i = 0; i < nr_seg; i++) {
        struct segment *s = &seg[i];
        mc[i] = (struct multicall_entry){
            .op = s->ext ? __HYPERVISOR_mmuext_op : __HYPERVISOR_mmu_update,
            .args = { s->ext ? (uint64_t)&ext[s->first] : (uint64_t)&mmu[s->first], s->n,
                      (uint64_t)&s->done, DOMID_SELF } };
    }
    rc = hc_multicall(mc, nr_seg);
    hypercalls++;
    for (unsigned int i = 0; rc == 0 && i < nr_seg; i++)
        if ((long)mc[i].result < 0 || seg[i].done != seg[i].n)
            rc = (long)mc[i].result < 0 ? (long)mc[i].result : -XEN_EIO;
    nr_mmu = nr_ext = nr_seg = 0;
    return (int)rc;
}

static void pv_table_ready(uint64_t table, unsigned int level)
{
    ext_op(MMUEXT_PIN_L1_TABLE + level - 1, table);
}

static void pv_switch_to(uint64_t l4)
{
    ext_op(MMUEXT_NEW_BASEPTR, l4);
}

static uint64_t pv_home_l4(void)
{
    return g_virt_to_mfn((const void *)g_start_info->pt_base);
}

/* The kernel's entries, not the hypervisor's (slots 256-271, filled on pin). */
static uint64_t pv_kernel_l4e(unsigned int slot)
{
    if (slot >= 256 && slot <= 271)
        return 0;
    return g_pt_read(pv_home_l4(), slot);
}

static bool pv_frames_alloc(uint64_t n, bool large, uint64_t *first)
{
    if (large || nr_frames + n > FRAMES_MAX)
        return false;
    *first = nr_frames;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t pfn = g_page_alloc();
        if (pfn == G_INVALID_PFN)
            return false;
        frames[nr_frames++] = g_pfn_to_mfn(pfn);
    }
    return true;
}

static uint64_t pv_frame(uint64_t index)
{
    return frames[index];
}

/* Exits are not a PV guest's; its hypercalls it counts itself. */
static void pv_counts(struct mv_counts *c)
{
    *c = (struct mv_counts){ .exits = ~0ULL, .hypercalls = hypercalls, .emulations = ~0ULL };
}

static const struct mv_platform pv = {
    .name = "pv",
    .large_pages = false,
    .table_alloc = g_pt_alloc_table,
    .pte_write = pv_pte_write,
    .table_ready = pv_table_ready,
    .switch_to = pv_switch_to,
    .commit = pv_commit,
    .home_l4 = pv_home_l4,
    .kernel_l4e = pv_kernel_l4e,
    .frames_alloc = pv_frames_alloc,
    .frame = pv_frame,
    .counts = pv_counts,
};

const struct mv_platform *mv_platform(void)
{
    return &pv;
}
