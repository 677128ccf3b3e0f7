/*
 * Guest memory, reached only through these checked accessors (STYLE.md
 * rule 4).  A PV guest's addresses are virtual addresses in the page tables
 * currently loaded; they must lie outside the hypervisor's reserved slots,
 * and a fault while copying is caught through the exception table, so a bad
 * pointer costs the guest -EFAULT and nothing else.
 */
#ifndef ASM_GUEST_ACCESS_H
#define ASM_GUEST_ACCESS_H

#include "xen/types.h"
#include "xen_errno.h"

/* Is [va, va + len) a range a guest may name? */
bool guest_range_ok(unsigned long va, unsigned long len);

/* Both return the number of bytes NOT copied (0 on success). */
unsigned long raw_copy_from_guest(void *dst, unsigned long src, unsigned long len);
unsigned long raw_copy_to_guest(unsigned long dst, const void *src, unsigned long len);
unsigned long raw_clear_guest(unsigned long dst, unsigned long len);

static inline int copy_from_guest(void *dst, unsigned long src, unsigned long len)
{
    return raw_copy_from_guest(dst, src, len) ? -XEN_EFAULT : 0;
}

static inline int copy_to_guest(unsigned long dst, const void *src, unsigned long len)
{
    return raw_copy_to_guest(dst, src, len) ? -XEN_EFAULT : 0;
}

/* Copy a whole object of the destination's type. */
#define copy_from_guest_obj(ptr, gva) copy_from_guest((ptr), (gva), sizeof(*(ptr)))
#define copy_to_guest_obj(gva, ptr)   copy_to_guest((gva), (ptr), sizeof(*(ptr)))

/* Read or write one 8-byte word at a guest address; -EFAULT on failure. */
int get_guest_u64(uint64_t *val, unsigned long va);
int put_guest_u64(unsigned long va, uint64_t val);

#endif
