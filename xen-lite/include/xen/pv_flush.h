/* TLB flushes requested by PV guests, and page-table references, gathered inside a multicall. */
#ifndef XEN_PV_FLUSH_H
#define XEN_PV_FLUSH_H

#include "xen/types.h"

struct domain;
struct vcpu;

bool in_multicall(void);
/* Flush va (or everything if !one) on the pCPUs in mask. */
void pv_tlb_flush(uint64_t pcpu_mask, unsigned long va, bool one);
void pv_flush_deferred_tlb(void);
/* Drop the L1 references update_va_mapping keeps during a multicall. */
void pv_release_held_l1(struct vcpu *v);
/* Run consecutive update_va_mapping entries of a multicall list; returns how many. */
unsigned int pv_multicall_uvm_run(unsigned long list, unsigned int n);
/* pCPUs running vCPUs of d right now (this one included if it does). */
uint64_t domain_running_mask(const struct domain *d);
void flush_guest_tlb_local(void);

#endif
