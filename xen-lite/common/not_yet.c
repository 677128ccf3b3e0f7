/*
 * Hypercalls whose subsystems xen-lite does not have answer -ENOSYS, as
 * Xen does for anything it does not implement: grant tables.
 */
#include "xen/hypercall.h"
#include "xen_errno.h"

long do_grant_table_op(unsigned int cmd, unsigned long uop, unsigned int count)
{
    return -XEN_ENOSYS;
}
