/* Basic types and small helpers used everywhere in the hypervisor. */
#ifndef XEN_TYPES_H
#define XEN_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;
typedef uint64_t mfn_t;
typedef uint16_t domid_t;          /* as hypercalls/xen.h */

#define ARRAY_SIZE(a)       (sizeof(a) / sizeof((a)[0]))
#define ROUNDUP(x, a)       (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ROUNDDOWN(x, a)     ((x) & ~((__typeof__(x))(a) - 1))
#define DIV_ROUND_UP(n, d)  (((n) + (d) - 1) / (d))
#define IS_ALIGNED(x, a)    (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define MIN(a, b)           ((a) < (b) ? (a) : (b))
#define MAX(a, b)           ((a) > (b) ? (a) : (b))

#define likely(x)           __builtin_expect(!!(x), 1)
#define unlikely(x)         __builtin_expect(!!(x), 0)
#define __packed            __attribute__((packed))
#define __aligned(n)        __attribute__((aligned(n)))
#define __noreturn          __attribute__((noreturn))
#define __used              __attribute__((used))
#define __section(s)        __attribute__((section(s)))
#define __printf(a, b)      __attribute__((format(printf, a, b)))
#define __init              __section(".init.text")

#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))

#define BUILD_BUG_ON(c)     _Static_assert(!(c), #c)

#define READ_ONCE(x)        (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)    (*(volatile __typeof__(x) *)&(x) = (v))
#define barrier()           __asm__ __volatile__("" ::: "memory")

#endif
