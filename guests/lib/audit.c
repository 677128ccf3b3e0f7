/*
 * dom0's view of the host: xen-lite's page-type audit (its sysctl
 * extension: the hypervisor recounts every frame's references and prints
 * the result), domctls, and the host's free memory.
 */
#include <guest/guest.h>
#include "domctl.h"
#include "sysctl.h"
#include "xenlite.h"

long g_audit_page_types(void)
{
    struct xen_sysctl op;
    long rc;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_xenlite_audit_page_types;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    rc = G_HYPERCALL(__HYPERVISOR_sysctl, &op, 0, 0, 0, 0);
    return rc < 0 ? -1 : rc;
}

long g_domctl(uint32_t cmd, domid_t dom, struct xen_domctl *op)
{
    op->cmd = cmd;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op->domain = dom;
    return G_HYPERCALL(__HYPERVISOR_domctl, op, 0, 0, 0, 0);
}

uint64_t g_host_free_pages(void)
{
    struct xen_sysctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_physinfo;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    if (G_HYPERCALL(__HYPERVISOR_sysctl, &op, 0, 0, 0, 0) < 0)
        return 0;
    return op.u.physinfo.free_pages;
}
