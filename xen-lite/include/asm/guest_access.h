/*
 * Guest memory, reached only through these checked accessors (STYLE.md
 * rule 4).  A PV guest's addresses are virtual addresses in the page tables
 * currently loaded; they must lie outside the hypervisor's reserved slots,
 * and a fault while copying is caught through the exception table, so a bad
 * pointer costs the guest -EFAULT and nothing else.
 */
#ifndef ASM_GUEST_ACCESS_H
#define ASM_GUEST_ACCESS_H

#include "asm/config.h"
#include "asm/smap.h"
#include "asm/traps.h"
#include "xen/types.h"
#include "xen_errno.h"

/* Is [va, va + len) a range a guest may name? */
static inline bool guest_range_ok(unsigned long va, unsigned long len)
{
    unsigned long end = va + len;

    if (end < va)
        return false;
    /* Canonical, and clear of the hypervisor's slots 256-271. */
    if (va < 0x0000800000000000UL)
        return end <= 0x0000800000000000UL;
    return va >= HYPERVISOR_VIRT_END_;
}

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

/*
 * One 8-byte word at a guest address the caller has checked with
 * guest_range_ok(); a fault gives -EFAULT.
 */
static inline int load_guest_u64(uint64_t *val, unsigned long va)
{
    int rc = 0;

    __asm__ __volatile__(
        ASM_STAC
        "1: movq (%[va]), %[v]\n"
        "   jmp 3f\n"
        "2: movl %[efault], %[rc]\n"
        "3:\n"
        ASM_CLAC
        _ASM_EXTABLE(1b, 2b)
        : [v] "=r"(*val), [rc] "+r"(rc)
        : [va] "r"(va), [efault] "i"(-XEN_EFAULT) : "memory");
    return rc;
}

static inline int store_guest_u64(unsigned long va, uint64_t val)
{
    int rc = 0;

    __asm__ __volatile__(
        ASM_STAC
        "1: movq %[v], (%[va])\n"
        "   jmp 3f\n"
        "2: movl %[efault], %[rc]\n"
        "3:\n"
        ASM_CLAC
        _ASM_EXTABLE(1b, 2b)
        : [rc] "+r"(rc)
        : [v] "r"(val), [va] "r"(va), [efault] "i"(-XEN_EFAULT) : "memory");
    return rc;
}

static inline int load_guest_u32(uint32_t *val, unsigned long va)
{
    int rc = 0;

    __asm__ __volatile__(
        ASM_STAC
        "1: movl (%[va]), %[v]\n"
        "   jmp 3f\n"
        "2: movl %[efault], %[rc]\n"
        "3:\n"
        ASM_CLAC
        _ASM_EXTABLE(1b, 2b)
        : [v] "=r"(*val), [rc] "+r"(rc)
        : [va] "r"(va), [efault] "i"(-XEN_EFAULT) : "memory");
    return rc;
}

/*
 * A few 8-byte words to or from guest memory (frames on a guest stack): one
 * `rep movsq` in the exception table, inline.
 */
static inline int copy_words_guarded(void *dst, const void *src, unsigned long n)
{
    __asm__ __volatile__(
        ASM_STAC
        "1: rep movsq\n"
        "2:\n"
        ASM_CLAC
        _ASM_EXTABLE(1b, 2b)
        : "+D"(dst), "+S"(src), "+c"(n) :: "memory");
    return n ? -XEN_EFAULT : 0;
}

static inline int copy_words_to_guest(unsigned long va, const uint64_t *w, unsigned int n)
{
    if (!guest_range_ok(va, n * 8UL))
        return -XEN_EFAULT;
    return copy_words_guarded((void *)va, w, n);
}

static inline int copy_words_from_guest(uint64_t *w, unsigned long va, unsigned int n)
{
    if (!guest_range_ok(va, n * 8UL))
        return -XEN_EFAULT;
    return copy_words_guarded(w, (const void *)va, n);
}

/* Read or write one 8-byte word at any guest address; -EFAULT on failure. */
static inline int get_guest_u64(uint64_t *val, unsigned long va)
{
    return guest_range_ok(va, 8) ? load_guest_u64(val, va) : -XEN_EFAULT;
}

static inline int put_guest_u64(unsigned long va, uint64_t val)
{
    return guest_range_ok(va, 8) ? store_guest_u64(va, val) : -XEN_EFAULT;
}

#endif
