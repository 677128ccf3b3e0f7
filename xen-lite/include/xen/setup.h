/* Boot-time globals and the hand-over from platform set-up to domains. */
#ifndef XEN_SETUP_H
#define XEN_SETUP_H

#include "xen/bootinfo.h"

#define XEN_LITE_VERSION "0.1"

extern struct boot_info boot_info;
extern char xen_cmdline[1024];

/* Run the self-tests, or build dom0 from module 1; never returns. */
__attribute__((noreturn)) void start_first_domain(void);
void construct_dom0(const struct boot_module *kern, const struct boot_module *initrd);
/* dom0's size from dom0_mem= and dom0_max_vcpus= (common/boot_domain.c). */
unsigned long dom0_nr_pages(void);
unsigned long dom0_max_pages(void);
unsigned int dom0_nr_vcpus(void);
bool dom0_shadow(void);                 /* dom0=pvh,shadow */

#endif
