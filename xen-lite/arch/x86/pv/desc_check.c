/*
 * The descriptors a 64-bit PV guest may put in its GDT and LDT (Xen's
 * check_descriptor).  Pure code over descriptor words: the page-type code
 * runs it when a frame becomes a descriptor page, update_descriptor on
 * each new entry, and the host unit tests on their own.
 *
 * The guest kernel runs in ring 3, so a descriptor's DPL is raised to 3 (a
 * "kernel" segment of DPL 0 would otherwise be unusable, and nothing of
 * the guest's may ever be usable in rings 0-2).  Code and data segments
 * are harmless at DPL 3 whatever their base, limit and flags; a system
 * descriptor is refused unless it is type 0, the upper half of a 16-byte
 * one.  Call gates are refused too (Xen accepts them and emulates the far
 * calls through them; ABI.md lists the difference).
 */
#include "asm/desc.h"
#include "xen_errno.h"

bool pv_check_descriptor(uint64_t *desc)
{
    uint64_t d = *desc;

    if (!(d & SEG_DESC_P))
        return true;                    /* not present: always faults */
    if (!(d & SEG_DESC_S))
        return !(d & SEG_DESC_TYPE_MASK);
    *desc = d | SEG_DESC_DPL_MASK;
    return true;
}

int pv_validate_descriptor_page(uint64_t *descs)
{
    for (unsigned int i = 0; i < DESCS_PER_PAGE; i++)
        if (!pv_check_descriptor(&descs[i]))
            return -XEN_EINVAL;
    return 0;
}
