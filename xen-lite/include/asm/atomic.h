/* Atomic operations and bit operations on memory (x86 lock prefix). */
#ifndef ASM_ATOMIC_H
#define ASM_ATOMIC_H

#include "xen/types.h"

#define smp_mb()    __asm__ __volatile__("mfence" ::: "memory")
#define smp_rmb()   barrier()
#define smp_wmb()   barrier()

static inline void set_bit(unsigned int nr, volatile void *addr)
{
    __asm__ __volatile__("lock btsq %1, %0"
                         : "+m"(*(volatile long *)addr) : "Ir"((long)nr) : "memory");
}

static inline void clear_bit(unsigned int nr, volatile void *addr)
{
    __asm__ __volatile__("lock btrq %1, %0"
                         : "+m"(*(volatile long *)addr) : "Ir"((long)nr) : "memory");
}

static inline bool test_and_set_bit(unsigned int nr, volatile void *addr)
{
    bool old;
    __asm__ __volatile__("lock btsq %2, %1"
                         : "=@ccc"(old), "+m"(*(volatile long *)addr)
                         : "Ir"((long)nr) : "memory");
    return old;
}

static inline bool test_and_clear_bit(unsigned int nr, volatile void *addr)
{
    bool old;
    __asm__ __volatile__("lock btrq %2, %1"
                         : "=@ccc"(old), "+m"(*(volatile long *)addr)
                         : "Ir"((long)nr) : "memory");
    return old;
}

static inline bool test_bit(unsigned int nr, const volatile void *addr)
{
    return (((const volatile unsigned long *)addr)[nr / 64] >> (nr % 64)) & 1;
}

/* Index of the lowest set bit; x must be non-zero. */
static inline unsigned int ffs64(uint64_t x)
{
    return __builtin_ctzll(x);
}

static inline unsigned int fls64(uint64_t x)
{
    return x ? 64 - __builtin_clzll(x) : 0;
}

#define atomic_inc(p)           __atomic_add_fetch((p), 1, __ATOMIC_SEQ_CST)
#define atomic_dec(p)           __atomic_sub_fetch((p), 1, __ATOMIC_SEQ_CST)
#define atomic_add(p, v)        __atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)
#define atomic_xchg(p, v)       __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define atomic_or(p, v)         __atomic_fetch_or((p), (v), __ATOMIC_SEQ_CST)
#define atomic_and(p, v)        __atomic_fetch_and((p), (v), __ATOMIC_SEQ_CST)
/* Compare-and-swap: returns true and stores n if *p == o. */
#define atomic_cmpxchg(p, o, n) \
    __atomic_compare_exchange_n((p), &(__typeof__(*(p))){ (o) }, (n), false, \
                                __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)

#endif
