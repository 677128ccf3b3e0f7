/*
 * The PV domain builder: from a checked xl configuration to a paused
 * domain ready to run -- kernel loaded from the ramdisk and checked (the
 * same ELF/notes code as the hypervisor's dom0 builder), memory populated,
 * the start-of-day layout written through foreign mappings, page tables
 * built and pinned through the validated MMU, start_info, console and
 * xenstore pages with their event channels, vCPU 0's context.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <guest/guest.h>
#include <guest/mm.h>

#include "build.h"
#include "consback.h"
#include "kernel_image.h"
#include "ramfs.h"
#include "version.h"
#include "xc.h"
#include "xen/libelf.h"
#include "xen/pv_layout.h"
#include "xen_errno.h"


/* Foreign frames kept mapped at once: the table walk touches four levels. */
#define BUILD_WINDOWS 4

struct builder {
    domid_t domid;
    const struct pv_layout *l;
    uint64_t *p2m;                      /* pfn -> mfn */
    void *win[BUILD_WINDOWS];           /* frames mapped now */
    uint64_t win_mfn[BUILD_WINDOWS];
    uint64_t win_used[BUILD_WINDOWS];   /* when each was last asked for */
    uint64_t clock;
};

/*
 * A few foreign frames stay mapped, the least recently used one moved on
 * a miss: the page-table walk maps L4, L3, L2 and L1 for every entry, and
 * with one window each of those was a remap (four hypercalls an entry).
 */
static uint64_t *map_mfn(unsigned long mfn, void *ctx)
{
    struct builder *b = ctx;
    unsigned int victim = 0;

    b->clock++;
    for (unsigned int i = 0; i < BUILD_WINDOWS; i++) {
        if (b->win[i] && b->win_mfn[i] == mfn) {
            b->win_used[i] = b->clock;
            return b->win[i];
        }
        if (!b->win[i] || (b->win[victim] && b->win_used[i] < b->win_used[victim]))
            victim = i;
    }
    if (b->win[victim])
        b->win[victim] = xc_remap_foreign(b->win[victim], b->domid, mfn);
    else
        b->win[victim] = xc_map_foreign(b->domid, mfn);
    b->win_mfn[victim] = mfn;
    b->win_used[victim] = b->clock;
    return b->win[victim];
}

static uint64_t *map_pfn(unsigned long pfn, struct builder *b)
{
    return map_mfn(b->p2m[pfn], b);
}

static void unmap_window(struct builder *b)
{
    for (unsigned int i = 0; i < BUILD_WINDOWS; i++) {
        if (b->win[i])
            xc_unmap_foreign(b->win[i]);
        b->win[i] = NULL;
    }
}

int build_copy(uint64_t addr, const void *src, size_t len,
               void *(*map)(uint64_t addr, void *ctx), void *ctx)
{
    while (len) {
        size_t off = addr & (G_PAGE_SIZE - 1), n = G_PAGE_SIZE - off;
        uint8_t *page = map(addr, ctx);

        if (!page)
            return -XEN_ENOMEM;
        n = n < len ? n : len;
        if (src) {
            memcpy(page + off, src, n);
            src = (const uint8_t *)src + n;
        } else {
            memset(page + off, 0, n);
        }
        addr += n;
        len -= n;
    }
    return 0;
}

static void *map_va(uint64_t va, void *ctx)
{
    struct builder *b = ctx;

    return map_pfn(pv_layout_pfn(b->l, va), b);
}

/* Copy (or zero, when src is NULL) bytes to a virtual address of the guest. */
static int put_bytes(uint64_t va, const void *src, size_t len, void *ctx)
{
    return build_copy(va, src, len, map_va, ctx);
}

int build_read_file(const char *path, const uint8_t **data, size_t *size,
                     FILE *err)
{
    struct ramfs_node node;

    if (ramfs_lookup(path, &node) || (node.mode & 0170000) != 0100000) {
        fprintf(err, "%s: no such file\n", path);
        return -1;
    }
    *data = node.data;
    *size = node.size;
    return 0;
}

static void fill_start_info(struct builder *b, const struct dom_build *db,
                            const xc_dominfo_t *info, struct start_info *si)
{
    const struct pv_layout *l = b->l;

    memset(si, 0, sizeof(*si));
    strncpy(si->magic, "xen-3.0-x86_64", sizeof(si->magic) - 1);
    si->nr_pages = db->nr_pages;
    si->shared_info = info->shared_info_frame << G_PAGE_SHIFT;
    si->store_mfn = b->p2m[pv_layout_pfn(l, l->store_start)];
    si->store_evtchn = db->store_port;
    si->console.domU.mfn = b->p2m[pv_layout_pfn(l, l->console_start)];
    si->console.domU.evtchn = db->console_port;
    si->pt_base = l->pt_start;
    si->nr_pt_frames = l->nr_pt_pages;
    si->mfn_list = l->p2m_start;
    si->first_p2m_pfn = l->p2m_pfn;
    si->nr_p2m_frames = l->nr_p2m_frames;
    si->mod_start = db->ramdisk_len ? l->initrd_start : 0;
    si->mod_len = db->ramdisk_len;
    if (db->cmdline)
        strncpy((char *)si->cmd_line, db->cmdline, sizeof(si->cmd_line) - 1);
}

static int set_vcpu0(struct builder *b, const struct elf_image *img, uint64_t l4)
{
    struct vcpu_guest_context *ctx = calloc(1, sizeof(*ctx));
    const struct pv_layout *l = b->l;
    int rc;

    if (!ctx)
        return -XEN_ENOMEM;
    ctx->flags = VGCF_in_kernel | VGCF_online;
    ctx->user_regs.rip = img->entry;
    ctx->user_regs.rsp = l->stack_start + G_PAGE_SIZE;
    ctx->user_regs.rsi = l->si_start;
    ctx->user_regs.rflags = 1u << 9;
    ctx->user_regs.cs = FLAT_KERNEL_CS;
    ctx->user_regs.ss = FLAT_KERNEL_SS;
    ctx->kernel_ss = FLAT_KERNEL_SS;
    ctx->kernel_sp = ctx->user_regs.rsp;
    ctx->ctrlreg[3] = xen_pfn_to_cr3(l4);
    rc = xc_vcpu_setcontext(b->domid, 0, ctx);
    free(ctx);
    return rc;
}

/* Write the start-of-day region and make the domain ready to unpause. */
static int lay_out(struct builder *b, struct dom_build *db, const struct elf_image *img,
                   const uint8_t *ramdisk)
{
    const struct pv_layout *l = b->l;
    struct start_info si;
    xc_dominfo_t info;
    uint64_t l4;
    int rc;

    if ((rc = elf_load(img, put_bytes, b)) ||
        (db->ramdisk_len && (rc = put_bytes(l->initrd_start, ramdisk, db->ramdisk_len, b))) ||
        (rc = put_bytes(l->p2m_start, b->p2m, db->nr_pages * 8, b)) ||
        (rc = put_bytes(l->store_start, NULL, G_PAGE_SIZE, b)) ||
        (rc = put_bytes(l->console_start, NULL, G_PAGE_SIZE, b)) ||
        (rc = put_bytes(l->stack_start, NULL, G_PAGE_SIZE, b)))
        return rc;
    if ((rc = xc_evtchn_alloc_unbound(b->domid, 0, &db->console_port)) ||
        (rc = xc_evtchn_alloc_unbound(b->domid, 0, &db->store_port)) ||
        (rc = xc_domain_info(b->domid, &info)))
        return rc;
    fill_start_info(b, db, &info, &si);
    if ((rc = put_bytes(l->si_start, &si, sizeof(si), b)))
        return rc;
    l4 = pv_build_page_tables(l, b->p2m, map_mfn, b);
    unmap_window(b);
    if (!l4)
        return -XEN_EINVAL;
    if (img->hypercall_page &&
        (rc = xc_domain_hypercall_init(b->domid, b->p2m[pv_layout_pfn(l, img->hypercall_page)])))
        return rc;
    db->console_mfn = b->p2m[pv_layout_pfn(l, l->console_start)];
    db->store_mfn = b->p2m[pv_layout_pfn(l, l->store_start)];
    /* The validator checks every table here, as for any guest's pin. */
    if ((rc = xc_pin_table(b->domid, 4, l4)))
        return rc;
    return set_vcpu0(b, img, l4);
}

/*
 * The kernel a domain would be built from, checked before the domain is
 * created: a bzImage is decompressed here (kept for the build), an ELF
 * image's notes checked.  0, or -XEN_E* after a message naming the problem.
 */
int pv_kernel_check(const char *path, FILE *err)
{
    const uint8_t *kernel;
    size_t len;
    struct elf_image img;
    const char *why;

    if (build_read_file(path, &kernel, &len, err))
        return -XEN_ENOENT;
    if ((why = kernel_image_elf(kernel, len, &kernel, &len))) {
        fprintf(err, "%s: %s\n", path, why);
        return -XEN_ENOEXEC;
    }
    if ((why = elf_parse(kernel, len, ELF_FEATURES_SUPPORTED, &img))) {
        fprintf(err, "%s: not a PV kernel xen-lite can run: %s\n", path, why);
        return -XEN_ENOEXEC;
    }
    return 0;
}

int build_pv_domain(struct dom_build *db, FILE *err)
{
    const uint8_t *kernel, *ramdisk = NULL;
    size_t kernel_len;
    struct elf_image img;
    struct pv_layout l;
    struct builder b = { .domid = db->domid, .l = &l };
    const char *why;
    int rc;

    if (build_read_file(db->kernel, &kernel, &kernel_len, err) ||
        (db->ramdisk && build_read_file(db->ramdisk, &ramdisk, &db->ramdisk_len, err)))
        return -XEN_ENOENT;
    /* A bzImage carries the ELF compressed: nothing is built before it is out. */
    if ((why = kernel_image_elf(kernel, kernel_len, &kernel, &kernel_len))) {
        fprintf(err, "%s: %s\n", db->kernel, why);
        return -XEN_ENOEXEC;
    }
    if ((why = elf_parse(kernel, kernel_len, ELF_FEATURES_SUPPORTED, &img))) {
        fprintf(err, "%s: not a PV kernel xen-lite can run: %s\n", db->kernel, why);
        return -XEN_ENOEXEC;
    }
    pv_layout_compute(&img, db->ramdisk_len, db->nr_pages, true, &l);
    if (pv_layout_pages(&l) > db->nr_pages) {
        fprintf(err, "%s needs at least %lu MiB to boot; memory is %lu MiB\n",
                db->kernel, (pv_layout_pages(&l) + 255) / 256, db->nr_pages / 256);
        return -XEN_ENOMEM;
    }
    if (!(b.p2m = malloc(db->nr_pages * sizeof(uint64_t))))
        return -XEN_ENOMEM;
    rc = xc_populate(db->domid, db->nr_pages, b.p2m);
    if (rc)
        fprintf(err, "cannot allocate %lu MiB for the domain (%d)\n", db->nr_pages / 256, rc);
    else if ((rc = lay_out(&b, db, &img, ramdisk)))
        fprintf(err, "cannot lay out the domain (%d)\n", rc);
    unmap_window(&b);
    free(b.p2m);
    return rc;
}
