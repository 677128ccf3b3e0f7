/*
 * The machine-to-phys table: one 8-byte guest pseudo-physical frame number
 * per machine frame.  Read-only to guests at MACH2PHYS_VIRT_START (L4 slot
 * 256, as in Xen); the hypervisor writes it through a second mapping.
 */
#ifndef XEN_M2P_H
#define XEN_M2P_H

#include "xen/types.h"

#define INVALID_M2P_ENTRY   (~0UL)

void m2p_init(void);
void set_gpfn_from_mfn(unsigned long mfn, unsigned long pfn);
unsigned long get_gpfn_from_mfn(unsigned long mfn);
unsigned long m2p_frame_mfn(unsigned int i);   /* XENMEM_machphys_mfn_list */
unsigned int m2p_nr_frames(void);

#endif
