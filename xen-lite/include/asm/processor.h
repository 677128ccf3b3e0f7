/* Control registers, CPUID, flags and other CPU primitives. */
#ifndef ASM_PROCESSOR_H
#define ASM_PROCESSOR_H

#ifdef __ASSEMBLY__
#define _UL(x) (x)
#else
#define _UL(x) (x##UL)
#include "xen/types.h"
#endif

#define X86_CR0_PE      (1UL << 0)
#define X86_CR0_MP      (1UL << 1)
#define X86_CR0_EM      (1UL << 2)
#define X86_CR0_TS      (1UL << 3)
#define X86_CR0_ET      (1UL << 4)
#define X86_CR0_NE      (1UL << 5)
#define X86_CR0_WP      (1UL << 16)
#define X86_CR0_AM      (1UL << 18)
#define X86_CR0_NW      (1UL << 29)
#define X86_CR0_CD      (1UL << 30)
#define X86_CR0_PG      (1UL << 31)

#define X86_CR4_TSD     (1UL << 2)
#define X86_CR4_DE      (1UL << 3)
#define X86_CR4_PAE     (1UL << 5)
#define X86_CR4_MCE     (1UL << 6)
#define X86_CR4_PGE     (1UL << 7)
#define X86_CR4_OSFXSR  (1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)
#define X86_CR4_FSGSBASE (1UL << 16)
#define X86_CR4_OSXSAVE (1UL << 18)
#define X86_CR4_SMEP    (1UL << 20)
#define X86_CR4_SMAP    (1UL << 21)
#define CPUID7_EBX_SMEP (1U << 7)
#define CPUID7_EBX_FSGSBASE (1U << 0)

#define X86_EFLAGS_CF   (_UL(1) << 0)
#define X86_EFLAGS_MBS  (_UL(1) << 1)      /* must be set */
#define X86_EFLAGS_TF   (_UL(1) << 8)
#define X86_EFLAGS_IF   (_UL(1) << 9)
#define X86_EFLAGS_DF   (_UL(1) << 10)
#define X86_EFLAGS_IOPL (_UL(3) << 12)
#define X86_EFLAGS_NT   (_UL(1) << 14)
#define X86_EFLAGS_RF   (_UL(1) << 16)
#define X86_EFLAGS_VM   (_UL(1) << 17)
#define X86_EFLAGS_AC   (_UL(1) << 18)

/* CPUID feature bits we look at (leaf, register, bit). */
#define CPUID1_ECX_X2APIC       (1U << 21)
#define CPUID1_ECX_TSC_DEADLINE (1U << 24)
#define CPUID1_ECX_XSAVE        (1U << 26)
#define CPUID1_ECX_HYPERVISOR   (1U << 31)
#define CPUID1_EDX_APIC         (1U << 9)
#define CPUIDX1_EDX_NX          (1U << 20)
#define CPUIDX1_EDX_PAGE1GB     (1U << 26)
#define CPUIDX1_EDX_LM          (1U << 29)
#define CPUIDX7_EDX_INVARIANT_TSC (1U << 8)   /* leaf 0x80000007 */

#ifndef __ASSEMBLY__
struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid_count(uint32_t leaf, uint32_t sub)
{
    struct cpuid_regs r;
    __asm__ __volatile__("cpuid"
                         : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                         : "a"(leaf), "c"(sub));
    return r;
}

static inline struct cpuid_regs cpuid(uint32_t leaf)
{
    return cpuid_count(leaf, 0);
}

#define DEFINE_CR(n)                                                    \
    static inline unsigned long read_cr##n(void)                        \
    {                                                                   \
        unsigned long v;                                                \
        __asm__ __volatile__("mov %%cr" #n ", %0" : "=r"(v));           \
        return v;                                                       \
    }                                                                   \
    static inline void write_cr##n(unsigned long v)                     \
    {                                                                   \
        __asm__ __volatile__("mov %0, %%cr" #n :: "r"(v) : "memory");   \
    }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* rdtsc ordered against surrounding loads and stores. */
static inline uint64_t rdtsc_ordered(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_relax(void)   { __asm__ __volatile__("pause" ::: "memory"); }
#ifdef UNIT_TEST
/* Host unit tests run in user mode, where cli and sti fault. */
static inline void local_irq_disable(void) { }
static inline void local_irq_enable(void)  { }
#else
static inline void local_irq_disable(void) { __asm__ __volatile__("cli" ::: "memory"); }
static inline void local_irq_enable(void)  { __asm__ __volatile__("sti" ::: "memory"); }
#endif
static inline void halt(void)        { __asm__ __volatile__("hlt" ::: "memory"); }
/* Enable interrupts and halt with no window for a wake-up to slip in. */
static inline void safe_halt(void)   { __asm__ __volatile__("sti; hlt" ::: "memory"); }

static inline unsigned long read_rflags(void)
{
    unsigned long f;
    __asm__ __volatile__("pushf; pop %0" : "=r"(f) :: "memory");
    return f;
}

static inline bool local_irq_is_enabled(void)
{
    return read_rflags() & X86_EFLAGS_IF;
}

static inline unsigned long local_irq_save(void)
{
    unsigned long f = read_rflags();
    local_irq_disable();
    return f;
}

static inline void local_irq_restore(unsigned long f)
{
    if (f & X86_EFLAGS_IF)
        local_irq_enable();
}

/* Clear CR0.TS. */
static inline void clts(void)        { __asm__ __volatile__("clts" ::: "memory"); }

static inline void invlpg(unsigned long va)
{
    __asm__ __volatile__("invlpg (%0)" :: "r"(va) : "memory");
}

/* Flush the whole TLB including global entries (toggle CR4.PGE). */
static inline void flush_tlb_all_local(void)
{
    unsigned long cr4 = read_cr4();
    write_cr4(cr4 ^ X86_CR4_PGE);
    write_cr4(cr4);
}

extern bool cpu_has_x2apic, cpu_has_nx, cpu_has_page1gb;

#endif /* __ASSEMBLY__ */

#endif
