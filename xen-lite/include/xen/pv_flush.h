/* TLB flushes requested by PV guests, gathered inside a multicall. */
#ifndef XEN_PV_FLUSH_H
#define XEN_PV_FLUSH_H

#include "xen/types.h"

struct domain;

bool in_multicall(void);
/* Flush va (or everything if !one) on the pCPUs in mask. */
void pv_tlb_flush(uint64_t pcpu_mask, unsigned long va, bool one);
void pv_flush_deferred_tlb(void);
/* pCPUs running vCPUs of d right now (this one included if it does). */
uint64_t domain_running_mask(const struct domain *d);
void flush_guest_tlb_local(void);

#endif
