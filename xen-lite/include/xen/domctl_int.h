/* Inside the domctl/sysctl implementation (common/domctl*.c, sysctl.c). */
#ifndef XEN_DOMCTL_INT_H
#define XEN_DOMCTL_INT_H

#include "domctl.h"
#include "xen/types.h"

struct domain;

void getdomaininfo(const struct domain *d, struct xen_domctl_getdomaininfo *info);
long domctl_vcpuinfo(struct domain *d, struct xen_domctl_getvcpuinfo *vi);
long domctl_affinity(struct domain *d, struct xen_domctl_vcpuaffinity *a, bool set);
long domctl_sched(struct domain *d, struct xen_domctl_scheduler_op *s);
long domctl_hypercall_init(struct domain *d, uint64_t gmfn);

/* arch/x86/pv/hypercall_page.c: Xen's 32-byte stubs, one per hypercall. */
void write_hypercall_page(void *page);

#endif
