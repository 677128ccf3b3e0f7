/*
 * Bounding guest-chosen indices under speculation (Spectre v1): a CPU that
 * predicts a bounds check wrongly runs on with the index it was given, and
 * a load through it leaves a trace in the cache.  array_index_nospec()
 * turns an index that is not below size into 0 without a branch, so even
 * then nothing beyond the array is touched.  The cmp/sbb mask is the one
 * Linux and Xen use (array_index_mask_nospec).
 */
#ifndef XEN_NOSPEC_H
#define XEN_NOSPEC_H

#include "xen/types.h"

/* ~0 if index < size, else 0. */
static inline unsigned long array_index_mask_nospec(unsigned long index,
                                                    unsigned long size)
{
    unsigned long mask;

    __asm__ ("cmp %[size], %[index]; sbb %[mask], %[mask]"
             : [mask] "=r"(mask) : [size] "re"(size), [index] "r"(index) : "cc");
    return mask;
}

#define array_index_nospec(index, size)                                 \
    ((__typeof__(index))((unsigned long)(index) &                       \
                         array_index_mask_nospec((index), (size))))

#endif
