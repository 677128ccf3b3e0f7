/*
 * dom0_mem= on the hypervisor command line, Xen's syntax:
 *
 *     dom0_mem=[min:<size>,][max:<size>,][<size>]
 *
 * sizes with a unit K, M, G or T (either case; KiB without one).  The
 * hypervisor builds dom0 with <size> (or all memory but a reserve),
 * clamped to [min, max], and never lets it hold more than max; dom0's
 * balloon manager takes [min, max] as dom0's dynamic range.  Shared by
 * both, so they read the option alike.
 */
#ifndef XEN_DOM0_MEM_H
#define XEN_DOM0_MEM_H

#include <stdint.h>

struct dom0_mem {
    uint64_t amount, min, max;          /* bytes; 0: not given */
};

/* Parse the option's value into m (zeroed first): 0, or -1 for a
 * malformed value (m then holds what came before). */
int dom0_mem_parse(const char *s, struct dom0_mem *m);

/* The value of dom0_mem= in a whole command line, parsed: 0, 1 if the
 * line has none, -1 if it is malformed. */
int dom0_mem_from_cmdline(const char *cmdline, struct dom0_mem *m);

#endif /* XEN_DOM0_MEM_H */
