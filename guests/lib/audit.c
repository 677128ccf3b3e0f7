/*
 * xen-lite's page-type audit (its sysctl extension, dom0 only): the
 * hypervisor recounts every frame's references and prints the result.
 */
#include <guest/guest.h>
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
