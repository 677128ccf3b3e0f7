/*
 * The architecture's part of a vCPU and of a domain, in Xen's shape: state
 * every guest has (its general registers and FPU image), then a union of
 * what only a PV or only an HVM guest has.  What differs between the two
 * kinds at run time -- switching a pCPU to or from a vCPU, entering it,
 * restarting a hypercall, bringing a vCPU up -- goes through the domain's
 * table of operations (struct vcpu_type_ops), so common code never asks
 * which kind it holds.
 */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include "asm/pv.h"
#include "hvm/hvm.h"
#include "asm/regs.h"
#include "xen/types.h"

struct vcpu;
struct domain;
struct p2m_domain;

/* What a domain is: its guest type and how its memory is virtualized. */
enum guest_type {
    GUEST_PV,                           /* 64-bit paravirtual */
    GUEST_HVM,                          /* hardware-virtualized (PVH) */
};

enum paging_mode {
    PAGING_PV,                          /* the guest's own validated tables */
    PAGING_HAP,                         /* nested paging: NPT or EPT over the p2m */
    PAGING_SHADOW,                      /* shadow tables built from the guest's */
};

/*
 * The operations of one guest type (pv_vcpu_ops, hvm_vcpu_ops).  Every
 * vCPU of a domain uses its domain's table.
 */
struct vcpu_type_ops {
    const char *name;
    /* Type-specific set-up of a new vCPU / its release when freed. */
    int (*vcpu_create)(struct vcpu *v);
    void (*vcpu_destroy)(struct vcpu *v);
    /* Context switch, interrupts off: v's state leaves / enters this pCPU. */
    void (*ctxt_switch_from)(struct vcpu *v);
    void (*ctxt_switch_to)(struct vcpu *v);
    /* Run v, which ctxt_switch_to has just loaded on this pCPU. */
    __attribute__((noreturn)) void (*resume)(struct vcpu *v);
    /* Domain death: drop every reference v holds on the domain's frames. */
    void (*relinquish)(struct vcpu *v);
    /* Has v been given a context it can start from (VCPUOP_up)? */
    bool (*is_initialised)(const struct vcpu *v);
    /* VCPUOP_initialise: take a start context from guest memory at arg. */
    long (*initialise)(struct vcpu *v, unsigned long arg);
    /*
     * Make the running hypercall start again when the guest resumes, with
     * args[0..n) in its argument registers (hypercall_create_continuation).
     */
    void (*continuation)(struct cpu_user_regs *regs, const unsigned long *args,
                         unsigned int n);
};

struct arch_vcpu {
    struct cpu_user_regs user_regs;     /* saved frame while descheduled */
    uint8_t fpu[512] __attribute__((aligned(16)));  /* FXSAVE image */
    union {
        struct pv_vcpu pv;
        struct hvm_vcpu hvm;
    };
};

struct arch_domain {
    enum guest_type type;
    enum paging_mode paging;
    const struct vcpu_type_ops *ops;
    struct p2m_domain *p2m;             /* translated domains: gfn -> mfn */
    uint32_t pci_cf8;                   /* PV: PCI config address (port 0xcf8) */
    union {
        struct hvm_domain hvm;
    };
};

extern const struct vcpu_type_ops pv_vcpu_ops, hvm_vcpu_ops;

#endif
