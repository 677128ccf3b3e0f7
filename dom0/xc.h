/*
 * The hypervisor as the toolstack sees it: domctl, sysctl, memory_op and
 * event-channel operations on other domains, and foreign mappings of their
 * frames -- in the spirit of Xen's libxc, returning 0 or a negative Xen
 * errno (-XEN_E*).
 */
#ifndef DOM0_XC_H
#define DOM0_XC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domctl.h"
#include "sysctl.h"
#include "xen.h"
#include "hvm_op.h"
#include "xenlite.h"

typedef struct xen_domctl_getdomaininfo xc_dominfo_t;

/* A hypervisor error for messages: its name ("ESRCH"), or "error -N" for
 * one without a name (a static buffer). */
const char *xc_strerror(int rc);

int xc_domctl(struct xen_domctl *op);            /* fills interface_version */
/* XEN_DOMCTL_set_paging_mempool_size: a shadow-paged domain's pool. */
int xc_paging_mempool_set(domid_t domid, uint64_t bytes);
int xc_sysctl(struct xen_sysctl *op);

/* Domains. */
/* flags: XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap for a PVH guest, 0 for PV. */
int xc_domain_create(uint32_t max_vcpus, const uint8_t handle[16], uint32_t flags,
                     domid_t *domid);
int xc_domain_destroy(domid_t domid);
int xc_domain_pause(domid_t domid);
int xc_domain_unpause(domid_t domid);
int xc_domain_shutdown(domid_t domid, unsigned int reason);  /* SHUTDOWN_* */
int xc_domain_info(domid_t domid, xc_dominfo_t *info);
/* Up to max domains from first (by id); returns how many, or -errno. */
int xc_domain_list(domid_t first, xc_dominfo_t *buf, unsigned int max);
int xc_domain_max_mem(domid_t domid, uint64_t max_kb);
int xc_domain_set_memmap_limit(domid_t domid, uint64_t max_kb);
int xc_domain_hypercall_init(domid_t domid, uint64_t mfn);
int xc_vcpu_setcontext(domid_t domid, uint32_t vcpu, struct vcpu_guest_context *ctx);
int xc_vcpu_info(domid_t domid, uint32_t vcpu, struct xen_domctl_getvcpuinfo *info);
/* Hard and soft affinity of the first 64 CPUs; NULL leaves one as it is. */
int xc_vcpu_set_affinity(domid_t domid, uint32_t vcpu, const uint64_t *hard,
                         const uint64_t *soft);
int xc_vcpu_get_affinity(domid_t domid, uint32_t vcpu, uint64_t *hard,
                         uint64_t *soft);
int xc_sched_credit_get(domid_t domid, unsigned int *weight, unsigned int *cap);
int xc_sched_credit_set(domid_t domid, unsigned int weight, unsigned int cap);

/* Pool-0's scheduler (XEN_SCHEDULER_*, or -errno), and its parameters:
 * params (size bytes, xen_sysctl_credit_schedule for credit) in and out
 * of XEN_SYSCTL_SCHEDOP_getinfo / putinfo for scheduler sched_id. */
int xc_sched_id(void);
int xc_sched_pool_params(uint32_t sched_id, uint32_t cmd, void *params,
                         size_t size);

/* The machine. */
int xc_physinfo(struct xen_sysctl_physinfo *info);
/* Copy the hypervisor console: *len in = room, out = bytes; clear after. */
int xc_readconsole(char *buf, uint32_t *len, bool clear);
int xc_audit(void);                              /* problems found, or -errno */
/* A domain's hypercall and ptwr counters (XEN_SYSCTL_xenlite_domain_stats). */
int xc_domain_stats(domid_t domid, struct xenlite_domain_stats *out);
uint64_t xc_free_pages(void);

/* Memory of another domain: populate_physmap of pfns [0, n) (order 0 or
 * 9 extents); the machine frames come back in mfns[]. */
int xc_populate(domid_t domid, uint64_t nr_pages, uint64_t *mfns);

/* A translated (HVM) domain: its gfns [gfn, gfn + n) populated with the
 * largest extents alignment allows; its parameters; vCPU start contexts
 * (which bring the vCPU online); its p2m's shape. */
int xc_populate_gfns(domid_t domid, uint64_t gfn, uint64_t n);
int xc_hvm_param_set(domid_t domid, uint32_t index, uint64_t value);
int xc_hvm_vcpu_context(domid_t domid, uint32_t vcpu, const struct vcpu_hvm_context *ctx);
int xc_p2m_info(domid_t domid, struct xen_sysctl_xenlite_p2m_info *out);

/* Event channels on behalf of another domain. */
int xc_evtchn_alloc_unbound(domid_t domid, domid_t remote, uint32_t *port);
int xc_evtchn_bind_interdomain(domid_t remote, uint32_t remote_port, uint32_t *local);
int xc_evtchn_close(uint32_t port);

/* MMU operations on another domain's frames (foreigndom). */
int xc_pin_table(domid_t domid, unsigned int level, uint64_t mfn);

/*
 * Foreign mappings: a frame of another domain, writable, in one of a fixed
 * set of windows in dom0's address space (NULL when all are in use).
 */
void *xc_map_foreign(domid_t domid, uint64_t mfn);
void *xc_remap_foreign(void *va, domid_t domid, uint64_t mfn);
void xc_unmap_foreign(void *va);

#endif
