/*
 * Debug registers of a PV vCPU: set_debugreg/get_debugreg (Xen's checks),
 * loaded into the CPU while the vCPU runs with breakpoints enabled, and
 * DR6 kept across a #DB.  DR0-3 must be guest addresses; DR6 and DR7 are
 * 32-bit values; DR7 may not set GD (the hypervisor's), and I/O
 * breakpoints need the guest's CR4.DE; DR4/DR5 alias DR6/DR7 unless
 * CR4.DE is set (Intel SDM vol. 3 §18.2).
 */
#include "asm/guest_access.h"
#include "asm/processor.h"
#include "xen/hypercall.h"
#include "xen/sched.h"
#include "xen_errno.h"

#define DR6_RESERVED_ONE    0xffff0ff0UL    /* reads as one */
#define DR7_RESERVED_ONE    (1UL << 10)
#define DR7_RESERVED_ZERO   ((3UL << 11) | (3UL << 14))
#define DR7_GENERAL_DETECT  (1UL << 13)
#define DR7_ACTIVE_MASK     0xffUL          /* L0-3, G0-3 */
#define DR7_CONTROL_SHIFT   16
#define DR7_CONTROL_SIZE    4
#define DR7_RW_IO           2               /* R/W field: an I/O breakpoint */

#define WRITE_DR(n, v) __asm__ __volatile__("mov %0, %%db" #n :: "r"((unsigned long)(v)))
#define READ_DR(n) ({ unsigned long v_; __asm__ __volatile__("mov %%db" #n ", %0" : "=r"(v_)); v_; })

static void load_dr0_3(const struct pv_vcpu *pv)
{
    WRITE_DR(0, pv->dr[0]);
    WRITE_DR(1, pv->dr[1]);
    WRITE_DR(2, pv->dr[2]);
    WRITE_DR(3, pv->dr[3]);
}

/* Context switch: v's breakpoints on this CPU, or none. */
void pv_load_debugregs(const struct vcpu *v)
{
    const struct pv_vcpu *pv = &v->arch.pv;

    if (pv->dr7 & DR7_ACTIVE_MASK) {
        load_dr0_3(pv);
        WRITE_DR(6, pv->dr6);
        WRITE_DR(7, pv->dr7);
    } else if (READ_DR(7) & DR7_ACTIVE_MASK) {
        WRITE_DR(7, DR7_RESERVED_ONE);
    }
}

/* Switching away from v: no breakpoint of its stays armed. */
void pv_unload_debugregs(const struct vcpu *v)
{
    if (v->arch.pv.dr7 & DR7_ACTIVE_MASK)
        WRITE_DR(7, DR7_RESERVED_ONE);
}

/*
 * A #DB in the hypervisor: a guest's data breakpoint hit by a copy to or
 * from its memory.  It is a trap (the access is done); forget it.
 */
void pv_debug_in_hypervisor(void)
{
    WRITE_DR(6, DR6_RESERVED_ONE);
}

/* A #DB for the guest: what DR6 says goes to its virtual DR6. */
void pv_debug_trap(struct vcpu *v)
{
    v->arch.pv.dr6 = READ_DR(6) | DR6_RESERVED_ONE;
    WRITE_DR(6, DR6_RESERVED_ONE);
}

static bool cr4_de(const struct vcpu *v)
{
    return v->arch.pv.ctrlreg4 & X86_CR4_DE;
}

static long set_dr7(struct vcpu *v, unsigned long value)
{
    struct pv_vcpu *pv = &v->arch.pv;

    if (value != (uint32_t)value)
        return -XEN_EINVAL;
    value = (value & ~DR7_RESERVED_ZERO) | DR7_RESERVED_ONE;
    if (value & DR7_GENERAL_DETECT)
        return -XEN_EPERM;
    for (unsigned int i = DR7_CONTROL_SHIFT; i < 32; i += DR7_CONTROL_SIZE)
        if (((value >> i) & 3) == DR7_RW_IO && (value & DR7_ACTIVE_MASK) && !cr4_de(v))
            return -XEN_EPERM;
    if (!(pv->dr7 & DR7_ACTIVE_MASK) && (value & DR7_ACTIVE_MASK))
        load_dr0_3(pv);                 /* not loaded while nothing was active */
    pv->dr7 = value;
    WRITE_DR(7, value);
    return 0;
}

long do_set_debugreg(int reg, unsigned long value)
{
    struct vcpu *v = current;
    struct pv_vcpu *pv = &v->arch.pv;

    switch (reg) {
    case 0: case 1: case 2: case 3:
        if (!guest_range_ok(value, sizeof(long)))
            return -XEN_EPERM;
        pv->dr[reg] = value;
        if (pv->dr7 & DR7_ACTIVE_MASK)
            load_dr0_3(pv);
        return 0;
    case 4:
        if (cr4_de(v))
            return -XEN_ENODEV;
        /* fall through */
    case 6:
        if (value != (uint32_t)value)
            return -XEN_EINVAL;
        pv->dr6 = value | DR6_RESERVED_ONE;
        WRITE_DR(6, pv->dr6);
        return 0;
    case 5:
        if (cr4_de(v))
            return -XEN_ENODEV;
        /* fall through */
    case 7:
        return set_dr7(v, value);
    }
    return -XEN_ENODEV;
}

long do_get_debugreg(int reg)
{
    struct vcpu *v = current;
    const struct pv_vcpu *pv = &v->arch.pv;

    switch (reg) {
    case 0: case 1: case 2: case 3:
        return pv->dr[reg];
    case 4:
        if (cr4_de(v))
            return -XEN_ENODEV;
        /* fall through */
    case 6:
        return pv->dr6 | DR6_RESERVED_ONE;
    case 5:
        if (cr4_de(v))
            return -XEN_ENODEV;
        /* fall through */
    case 7:
        return pv->dr7 | DR7_RESERVED_ONE;
    }
    return -XEN_ENODEV;
}
