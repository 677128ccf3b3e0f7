/* The domain builders: PV (dom0/build.c) and PVH (dom0/build_pvh.c). */
#ifndef DOM0_BUILD_H
#define DOM0_BUILD_H

#include <stdint.h>
#include <stdio.h>

#include "xen.h"

struct dom_build {
    /* In: */
    domid_t domid;                      /* created, paused, max_mem set */
    const char *kernel, *ramdisk;       /* ramdisk paths */
    const char *cmdline;
    unsigned long nr_pages;
    /* Out: */
    size_t ramdisk_len;
    uint32_t console_port, store_port;  /* the guest's unbound ends */
    uint64_t console_mfn, store_mfn;
};

/* The kernel checked (a bzImage decompressed) before a domain is created;
 * then the domain laid out and vCPU 0 set up.  Messages go to err. */
int pv_kernel_check(const char *path, FILE *err);
int build_pv_domain(struct dom_build *db, FILE *err);
/* build_pvh.c: the same for a PVH guest (XEN_ELFNOTE_PHYS32_ENTRY). */
int pvh_kernel_check(const char *path, FILE *err);
int build_pvh_domain(struct dom_build *db, FILE *err);
/* Copy (or zero, when src is NULL) len bytes to a guest at addr, a page
 * at a time through map(page's addr) -- a mapping of that page. */
int build_copy(uint64_t addr, const void *src, size_t len,
               void *(*map)(uint64_t addr, void *ctx), void *ctx);
/* A file of the ramdisk (a message on err if there is none). */
int build_read_file(const char *path, const uint8_t **data, size_t *size, FILE *err);

#endif
