/*
 * Copies to and from guest virtual addresses.  For a PV guest the copy is
 * one `rep movsq`/`rep movsb` listed in the exception table: if it faults,
 * the fault handler resumes at the fix-up with RCX still holding what is
 * left, which we return.  An HVM guest's memory is not mapped where its
 * addresses point: those copies go page by page through its page tables
 * and the p2m.
 */
#include "asm/config.h"
#include "asm/guest_access.h"
#include "asm/traps.h"
#include "xen/lib.h"
#include "asm/current.h"
#include "hvm/hvm.h"

/*
 * Eight bytes at a time, then the tail.  If the quadword copy faults, RCX
 * holds the quadwords left: the bytes not copied are those plus the tail.
 */
static unsigned long copy_guarded(void *dst, const void *src, unsigned long n)
{
    unsigned long q = n / 8, r = n % 8;

    __asm__ __volatile__(
        ASM_STAC
        "1: rep movsq\n"
        "   mov %[r], %%rcx\n"
        "2: rep movsb\n"
        "   jmp 4f\n"
        "3: lea (%[r], %%rcx, 8), %%rcx\n"
        "4:\n"
        ASM_CLAC
        _ASM_EXTABLE(1b, 3b)
        _ASM_EXTABLE(2b, 4b)
        : "+D"(dst), "+S"(src), "+c"(q) : [r] "r"(r) : "memory");
    return q;
}

/* An HVM guest's addresses go through its tables and the p2m (hvm/guest_access.c). */
static bool translated(void)
{
    return unlikely(get_cpu_info()->guest_translated);
}

unsigned long raw_copy_from_guest(void *dst, unsigned long src, unsigned long len)
{
    if (translated())
        return hvm_copy_from_guest(dst, src, len);
    if (!guest_range_ok(src, len))
        return len;
    return copy_guarded(dst, (const void *)src, len);
}

unsigned long raw_copy_to_guest(unsigned long dst, const void *src, unsigned long len)
{
    if (translated())
        return hvm_copy_to_guest(dst, src, len);
    if (!guest_range_ok(dst, len))
        return len;
    return copy_guarded((void *)dst, src, len);
}

unsigned long raw_clear_guest(unsigned long dst, unsigned long len)
{
    if (translated())
        return hvm_clear_guest(dst, len);
    if (!guest_range_ok(dst, len))
        return len;
    __asm__ __volatile__(
        ASM_STAC
        "1: rep stosb\n"
        "2:\n"
        ASM_CLAC
        _ASM_EXTABLE(1b, 2b)
        : "+D"(dst), "+c"(len) : "a"(0) : "memory");
    return len;
}
