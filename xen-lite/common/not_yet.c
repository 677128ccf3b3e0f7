/*
 * Hypercalls whose subsystems are not built yet answer -ENOSYS, as Xen does
 * for anything it does not implement: grant tables, physical-device
 * operations, and the domctl/sysctl control interface (dom0's toolstack).
 */
#include "xen/hypercall.h"
#include "xen_errno.h"

long do_grant_table_op(unsigned int cmd, unsigned long uop, unsigned int count)
{
    return -XEN_ENOSYS;
}

long do_physdev_op(int cmd, unsigned long arg)
{
    return -XEN_ENOSYS;
}

long do_domctl(unsigned long arg)
{
    return -XEN_ENOSYS;
}

long do_sysctl(unsigned long arg)
{
    return -XEN_ENOSYS;
}
