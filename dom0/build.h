/* The PV domain builder (dom0/build.c). */
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

/* Lay the domain out and set vCPU 0 up; messages go to err. */
/* The kernel checked (a bzImage decompressed) before a domain is created. */
int pv_kernel_check(const char *path, FILE *err);
int build_pv_domain(struct dom_build *db, FILE *err);

#endif
