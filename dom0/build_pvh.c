/*
 * The PVH domain builder (type = "pvh"): from a checked xl configuration
 * to a paused HVM domain on nested paging, booting by Xen's PVH ABI --
 * RAM from guest-physical 0 populated with the largest extents alignment
 * allows (1 GiB, 2 MiB, 4 KiB) so the p2m can use its largest entries;
 * the kernel's segments at their physical addresses (the same ELF code
 * as the hypervisor's, elf_parse_pvh); after them the hvm_start_info with
 * the command line, the memory map and the ramdisk as module 1; the
 * xenstore and console rings in two special frames below 4 GiB, named by
 * HVM parameters; vCPU 0 in 32-bit protected mode at the PHYS32 entry.
 * Everything is written through foreign mappings of the guest's frames,
 * named by gfn (the hypervisor translates).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <guest/guest.h>
#include <guest/mm.h>

#include "build.h"
#include "ramfs.h"
#include "xc.h"
#include "xen/libelf.h"
#include "hvm_op.h"
#include "memory_op.h"
#include "xen_errno.h"

#define LOW_RAM_END     (3ull << 30)    /* RAM below, the hole to 4 GiB above */
#define HIGH_RAM_START  (4ull << 30)
#define SPECIAL_GFN     0xfeff0ull      /* store, console: reserved below 4 GiB */
#define STORE_GFN       (SPECIAL_GFN + 0)
#define CONSOLE_GFN     (SPECIAL_GFN + 1)
#define NR_SPECIAL      2

struct pvh {
    domid_t domid;
    uint64_t low_pages, high_pages;
    uint64_t info, modlist, memmap, cmdline, initrd;  /* guest-physical */
    struct hvm_memmap_table_entry map[3];
    unsigned int nr_map;
    void *win;                          /* the one frame mapped now */
    uint64_t win_gfn;
};

static void *map_gfn(struct pvh *p, uint64_t gfn)
{
    if (p->win && p->win_gfn == gfn)
        return p->win;
    if (p->win)
        xc_unmap_foreign(p->win);
    p->win = xc_map_foreign(p->domid, gfn);
    p->win_gfn = gfn;
    return p->win;
}

static void *map_gpa(uint64_t gpa, void *ctx)
{
    return map_gfn(ctx, gpa >> G_PAGE_SHIFT);
}

/* Copy (or zero, when src is NULL) bytes to guest-physical gpa. */
static int put_gpa(uint64_t gpa, const void *src, size_t len, void *ctx)
{
    return build_copy(gpa, src, len, map_gpa, ctx);
}

static int plan(struct pvh *p, const struct elf_image *img, const struct dom_build *db,
                FILE *err)
{
    uint64_t end;

    p->low_pages = db->nr_pages < LOW_RAM_END >> G_PAGE_SHIFT ? db->nr_pages
                                                               : LOW_RAM_END >> G_PAGE_SHIFT;
    p->high_pages = db->nr_pages - p->low_pages;
    p->map[p->nr_map++] = (struct hvm_memmap_table_entry){
        0, p->low_pages << G_PAGE_SHIFT, XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    p->map[p->nr_map++] = (struct hvm_memmap_table_entry){
        SPECIAL_GFN << G_PAGE_SHIFT, NR_SPECIAL * G_PAGE_SIZE, XEN_HVM_MEMMAP_TYPE_RESERVED, 0 };
    if (p->high_pages)
        p->map[p->nr_map++] = (struct hvm_memmap_table_entry){
            HIGH_RAM_START, p->high_pages << G_PAGE_SHIFT, XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    p->info = G_ALIGN_UP(img->virt_kend, G_PAGE_SIZE);
    p->modlist = p->info + sizeof(struct hvm_start_info);
    p->memmap = p->modlist + sizeof(struct hvm_modlist_entry);
    p->cmdline = p->memmap + sizeof(p->map);
    p->initrd = p->info + G_PAGE_SIZE;
    end = p->initrd + db->ramdisk_len;
    if (end > p->low_pages << G_PAGE_SHIFT) {
        fprintf(err, "%s needs at least %lu MiB to boot; memory is %lu MiB\n", db->kernel,
                (unsigned long)((end >> 20) + 1), db->nr_pages / 256);
        return -XEN_ENOMEM;
    }
    return 0;
}

static int write_info(struct pvh *p, const struct dom_build *db, const uint8_t *ramdisk)
{
    struct hvm_start_info si = {
        .magic = XEN_HVM_START_MAGIC_VALUE, .version = 1,
        .nr_modules = db->ramdisk_len ? 1 : 0,
        .modlist_paddr = db->ramdisk_len ? p->modlist : 0,
        .cmdline_paddr = p->cmdline, .memmap_paddr = p->memmap,
        .memmap_entries = p->nr_map };
    struct hvm_modlist_entry mod = { .paddr = p->initrd, .size = db->ramdisk_len };
    size_t room = G_PAGE_SIZE - (p->cmdline - p->info) - 1;
    size_t len = db->cmdline ? strnlen(db->cmdline, room) : 0;
    int rc;

    if ((rc = put_gpa(p->info, NULL, G_PAGE_SIZE, p)) ||
        (rc = put_gpa(p->info, &si, sizeof(si), p)) ||
        (rc = put_gpa(p->modlist, &mod, sizeof(mod), p)) ||
        (rc = put_gpa(p->memmap, p->map, sizeof(p->map), p)) ||
        (len && (rc = put_gpa(p->cmdline, db->cmdline, len, p))))
        return rc;
    return db->ramdisk_len ? put_gpa(p->initrd, ramdisk, db->ramdisk_len, p) : 0;
}

/* The rings and their event channels, named to the guest by parameters. */
static int set_rings(struct pvh *p, struct dom_build *db)
{
    int rc;

    if ((rc = put_gpa(STORE_GFN << G_PAGE_SHIFT, NULL, NR_SPECIAL * G_PAGE_SIZE, p)) ||
        (rc = xc_evtchn_alloc_unbound(p->domid, 0, &db->console_port)) ||
        (rc = xc_evtchn_alloc_unbound(p->domid, 0, &db->store_port)) ||
        (rc = xc_hvm_param_set(p->domid, HVM_PARAM_STORE_PFN, STORE_GFN)) ||
        (rc = xc_hvm_param_set(p->domid, HVM_PARAM_STORE_EVTCHN, db->store_port)) ||
        (rc = xc_hvm_param_set(p->domid, HVM_PARAM_CONSOLE_PFN, CONSOLE_GFN)) ||
        (rc = xc_hvm_param_set(p->domid, HVM_PARAM_CONSOLE_EVTCHN, db->console_port)))
        return rc;
    db->store_mfn = STORE_GFN;          /* dom0 maps a translated guest's gfns */
    db->console_mfn = CONSOLE_GFN;
    return 0;
}

/* vCPU 0: Xen's PVH start state (public/arch-x86/hvm/start_info.h). */
static int start_vcpu0(struct pvh *p, uint32_t entry)
{
    struct vcpu_hvm_context c = { .mode = VCPU_HVM_MODE_32B };
    struct vcpu_hvm_x86_32 *r = &c.cpu_regs.x86_32;

    r->eip = entry;
    r->ebx = p->info;
    r->eflags = 2;                      /* bit 1 always reads 1 */
    r->cr0 = 0x11;                      /* PE, ET */
    r->cs_limit = r->ds_limit = r->ss_limit = r->es_limit = 0xffffffff;
    r->cs_ar = VCPU_HVM_AR_CODE32;
    r->ds_ar = r->ss_ar = r->es_ar = VCPU_HVM_AR_DATA32;
    r->tr_limit = VCPU_HVM_TSS_LIMIT;
    r->tr_ar = VCPU_HVM_AR_TSS32;
    return xc_hvm_vcpu_context(p->domid, 0, &c);
}

static int lay_out(struct pvh *p, struct dom_build *db, const struct elf_image *img,
                   const uint8_t *ramdisk)
{
    int rc;

    if ((rc = xc_populate_gfns(p->domid, 0, p->low_pages)) ||
        (p->high_pages &&
         (rc = xc_populate_gfns(p->domid, HIGH_RAM_START >> G_PAGE_SHIFT, p->high_pages))) ||
        (rc = xc_populate_gfns(p->domid, SPECIAL_GFN, NR_SPECIAL)))
        return rc;
    if ((rc = elf_load(img, put_gpa, p)) || (rc = write_info(p, db, ramdisk)) ||
        (rc = set_rings(p, db)))
        return rc;
    return start_vcpu0(p, (uint32_t)img->entry);
}

/* The kernel read and parsed as a PVH one: 0, or -XEN_E* after a
 * message naming the problem. */
static int pvh_kernel(const char *path, struct elf_image *img, FILE *err)
{
    const uint8_t *kernel;
    size_t len;
    const char *why = NULL;

    if (build_read_file(path, &kernel, &len, err))
        return -XEN_ENOENT;
    if ((why = elf_parse_pvh(kernel, len, img)))
        fprintf(err, "%s: not a PVH kernel xen-lite can run: %s\n", path, why);
    return why ? -XEN_ENOEXEC : 0;
}

/* Checked before the domain is created (no domain for a refused one), as
 * pv_kernel_check does for PV. */
int pvh_kernel_check(const char *path, FILE *err)
{
    struct elf_image img;

    return pvh_kernel(path, &img, err);
}

int build_pvh_domain(struct dom_build *db, FILE *err)
{
    const uint8_t *ramdisk = NULL;
    struct elf_image img;
    struct pvh p = { .domid = db->domid };
    int rc;

    if ((rc = pvh_kernel(db->kernel, &img, err)))
        return rc;
    if (db->ramdisk && build_read_file(db->ramdisk, &ramdisk, &db->ramdisk_len, err))
        return -XEN_ENOENT;
    if ((rc = plan(&p, &img, db, err)))
        return rc;
    if ((rc = lay_out(&p, db, &img, ramdisk)))
        fprintf(err, "cannot lay out the domain (%d)\n", rc);
    if (p.win)
        xc_unmap_foreign(p.win);
    return rc;
}
