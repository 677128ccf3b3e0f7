/*
 * AMD SVM: the virtual machine control block (AMD APM vol. 2 appendix B,
 * tables B-1 and B-2), intercept bits (§15.9-15.13), exit codes (appendix
 * C), event injection (§15.20), the SVM MSRs and CPUID bits.  Only the
 * fields xen-lite uses are named; the rest is padding at its offset.
 */
#ifndef HVM_SVM_H
#define HVM_SVM_H

#include "xen/types.h"

/* CPUID Fn8000_0001 ECX and Fn8000_000A EDX (APM vol. 3 appendix E). */
#define CPUID_SVM_LEAF          0x8000000a
#define CPUIDX1_ECX_SVM         (1U << 2)
#define SVM_FEATURE_NPT         (1U << 0)
#define SVM_FEATURE_NRIPS       (1U << 3)

/* MSRs (APM vol. 2 §15.30). */
#define MSR_VM_CR               0xc0010114
#define  VM_CR_SVMDIS           (1UL << 4)
#define MSR_VM_HSAVE_PA         0xc0010117

/* Segment register as the VMCB holds it. */
struct vmcb_seg {
    uint16_t sel;
    uint16_t attrib;                    /* descriptor bits 47:40 and 55:52 */
    uint32_t limit;
    uint64_t base;
};

/* The control area (offsets 0x000-0x3ff), then the state save area. */
struct vmcb {
    uint32_t cr_intercepts;             /* 0x000: reads 15:0, writes 31:16 */
    uint32_t dr_intercepts;             /* 0x004 */
    uint32_t exception_intercepts;      /* 0x008 */
    uint32_t intercepts1;               /* 0x00c: VMCB_I1_* */
    uint32_t intercepts2;               /* 0x010: VMCB_I2_* */
    uint8_t  _r0[0x040 - 0x014];
    uint64_t iopm_base_pa;              /* 0x040 */
    uint64_t msrpm_base_pa;             /* 0x048 */
    uint64_t tsc_offset;                /* 0x050 */
    uint32_t asid;                      /* 0x058 */
    uint8_t  tlb_control;               /* 0x05c: VMCB_TLB_* */
    uint8_t  _r1[3];
    uint64_t vintr;                     /* 0x060: VMCB_VINTR_* */
    uint64_t interrupt_shadow;          /* 0x068: bit 0 */
    uint64_t exitcode;                  /* 0x070 */
    uint64_t exitinfo1;                 /* 0x078 */
    uint64_t exitinfo2;                 /* 0x080 */
    uint64_t exitintinfo;               /* 0x088 */
    uint64_t np_enable;                 /* 0x090: bit 0 */
    uint8_t  _r2[0x0a8 - 0x098];
    uint64_t eventinj;                  /* 0x0a8: VMCB_EVENT_* */
    uint64_t n_cr3;                     /* 0x0b0: nested page table root */
    uint64_t lbr_virt;                  /* 0x0b8 */
    uint32_t clean_bits;                /* 0x0c0 */
    uint32_t _r3;
    uint64_t nrip;                      /* 0x0c8: next RIP (NRIP save) */
    uint8_t  insn_len;                  /* 0x0d0 */
    uint8_t  insn_bytes[15];
    uint8_t  _r4[0x400 - 0x0e0];
    /* State save area (0x400). */
    struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;   /* 0x400-0x49f */
    uint8_t  _r5[0x4cb - 0x4a0];
    uint8_t  cpl;                       /* 0x4cb */
    uint32_t _r6;
    uint64_t efer;                      /* 0x4d0 */
    uint8_t  _r7[0x548 - 0x4d8];
    uint64_t cr4;                       /* 0x548 */
    uint64_t cr3;                       /* 0x550 */
    uint64_t cr0;                       /* 0x558 */
    uint64_t dr7;                       /* 0x560 */
    uint64_t dr6;                       /* 0x568 */
    uint64_t rflags;                    /* 0x570 */
    uint64_t rip;                       /* 0x578 */
    uint8_t  _r8[0x5d8 - 0x580];
    uint64_t rsp;                       /* 0x5d8 */
    uint8_t  _r9[0x5f8 - 0x5e0];
    uint64_t rax;                       /* 0x5f8 */
    uint64_t star, lstar, cstar, sfmask, kernel_gs_base;            /* 0x600 */
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;               /* 0x628 */
    uint64_t cr2;                       /* 0x640 */
    uint8_t  _r10[0x668 - 0x648];
    uint64_t g_pat;                     /* 0x668 */
    uint64_t dbgctl;                    /* 0x670 */
    uint8_t  _r11[0x1000 - 0x678];
};
_Static_assert(sizeof(struct vmcb) == 4096, "vmcb is one page");
_Static_assert(__builtin_offsetof(struct vmcb, exitcode) == 0x070, "vmcb.exitcode");
_Static_assert(__builtin_offsetof(struct vmcb, n_cr3) == 0x0b0, "vmcb.n_cr3");
_Static_assert(__builtin_offsetof(struct vmcb, nrip) == 0x0c8, "vmcb.nrip");
_Static_assert(__builtin_offsetof(struct vmcb, tr) == 0x490, "vmcb.tr");
_Static_assert(__builtin_offsetof(struct vmcb, cpl) == 0x4cb, "vmcb.cpl");
_Static_assert(__builtin_offsetof(struct vmcb, efer) == 0x4d0, "vmcb.efer");
_Static_assert(__builtin_offsetof(struct vmcb, cr4) == 0x548, "vmcb.cr4");
_Static_assert(__builtin_offsetof(struct vmcb, rip) == 0x578, "vmcb.rip");
_Static_assert(__builtin_offsetof(struct vmcb, rsp) == 0x5d8, "vmcb.rsp");
_Static_assert(__builtin_offsetof(struct vmcb, rax) == 0x5f8, "vmcb.rax");
_Static_assert(__builtin_offsetof(struct vmcb, cr2) == 0x640, "vmcb.cr2");
_Static_assert(__builtin_offsetof(struct vmcb, g_pat) == 0x668, "vmcb.g_pat");

/* intercepts1 (VMCB 0x00c). */
#define VMCB_I1_INTR            (1U << 0)
#define VMCB_I1_NMI             (1U << 1)
#define VMCB_I1_SMI             (1U << 2)
#define VMCB_I1_INIT            (1U << 3)
#define VMCB_I1_VINTR           (1U << 4)
#define VMCB_I1_CPUID           (1U << 18)
#define VMCB_I1_INVD            (1U << 22)
#define VMCB_I1_HLT             (1U << 24)
#define VMCB_I1_INVLPG          (1U << 25)
#define VMCB_I1_INVLPGA         (1U << 26)
#define VMCB_I1_IOIO            (1U << 27)
#define VMCB_I1_MSR             (1U << 28)
#define VMCB_I1_TASK_SWITCH     (1U << 29)
#define VMCB_I1_SHUTDOWN        (1U << 31)
/* intercepts2 (VMCB 0x010). */
#define VMCB_I2_VMRUN           (1U << 0)
#define VMCB_I2_VMMCALL         (1U << 1)
#define VMCB_I2_VMLOAD          (1U << 2)
#define VMCB_I2_VMSAVE          (1U << 3)
#define VMCB_I2_STGI            (1U << 4)
#define VMCB_I2_CLGI            (1U << 5)
#define VMCB_I2_SKINIT          (1U << 6)
#define VMCB_I2_RDTSCP          (1U << 7)
#define VMCB_I2_ICEBP           (1U << 8)
#define VMCB_I2_MONITOR         (1U << 10)
#define VMCB_I2_MWAIT           (1U << 11)
#define VMCB_I2_MWAIT_ARMED     (1U << 12)
#define VMCB_I2_XSETBV          (1U << 13)
/* cr_intercepts: CR n read is bit n, write is bit 16 + n. */
#define VMCB_CR_READ(n)         (1U << (n))
#define VMCB_CR_WRITE(n)        (1U << (16 + (n)))

#define VMCB_TLB_NOTHING        0
#define VMCB_TLB_FLUSH_ALL      1       /* every ASID */
#define VMCB_TLB_FLUSH_ASID     3       /* this guest's */

#define VMCB_VINTR_TPR_MASK     0xffULL
#define VMCB_VINTR_IRQ          (1ULL << 8)     /* a virtual interrupt waits */
#define VMCB_VINTR_IGN_TPR      (1ULL << 20)
#define VMCB_VINTR_MASKING      (1ULL << 24)    /* host IF masks physical ones */

/* eventinj / exitintinfo (APM §15.20). */
#define VMCB_EVENT_VECTOR_MASK  0xffULL
#define VMCB_EVENT_TYPE_INTR    (0ULL << 8)
#define VMCB_EVENT_TYPE_NMI     (2ULL << 8)
#define VMCB_EVENT_TYPE_EXCEPT  (3ULL << 8)
#define VMCB_EVENT_TYPE_SOFT    (4ULL << 8)
#define VMCB_EVENT_ERR_VALID    (1ULL << 11)
#define VMCB_EVENT_VALID        (1ULL << 31)
#define VMCB_EVENT_ERR_SHIFT    32

/* Exit codes (APM vol. 2 appendix C). */
#define VMEXIT_CR0_READ         0x000
#define VMEXIT_CR0_WRITE        0x010
#define VMEXIT_EXCEPTION_BASE   0x040
#define VMEXIT_INTR             0x060
#define VMEXIT_NMI              0x061
#define VMEXIT_SMI              0x062
#define VMEXIT_INIT             0x063
#define VMEXIT_VINTR            0x064
#define VMEXIT_CPUID            0x072
#define VMEXIT_INVD             0x076
#define VMEXIT_HLT              0x078
#define VMEXIT_INVLPG           0x079
#define VMEXIT_INVLPGA          0x07a
#define VMEXIT_IOIO             0x07b
#define VMEXIT_MSR              0x07c
#define VMEXIT_TASK_SWITCH      0x07d
#define VMEXIT_SHUTDOWN         0x07f
#define VMEXIT_VMRUN            0x080
#define VMEXIT_VMMCALL          0x081
#define VMEXIT_VMLOAD           0x082
#define VMEXIT_VMSAVE           0x083
#define VMEXIT_STGI             0x084
#define VMEXIT_CLGI             0x085
#define VMEXIT_SKINIT           0x086
#define VMEXIT_RDTSCP           0x087
#define VMEXIT_ICEBP            0x088
#define VMEXIT_MONITOR          0x08a
#define VMEXIT_MWAIT            0x08b
#define VMEXIT_MWAIT_ARMED      0x08c
#define VMEXIT_XSETBV           0x08d
#define VMEXIT_NPF              0x400
#define VMEXIT_INVALID          (~0ULL)

/* IOIO exitinfo1 (APM §15.10.2). */
#define IOIO_TYPE_IN            (1U << 0)
#define IOIO_STR                (1U << 2)
#define IOIO_REP                (1U << 3)
#define IOIO_SIZE_SHIFT         4       /* one-hot: 8, 16, 32 bits */
#define IOIO_ADDR_SHIFT         7       /* one-hot: 16, 32, 64 bits */
#define IOIO_PORT_SHIFT         16

/* Sizes of the permission maps (APM §15.10.1, §15.11). */
#define SVM_IOPM_ORDER          2       /* 12 KiB used */
#define SVM_MSRPM_ORDER         1       /* 8 KiB */

/* Opcode lengths, for exits without NRIP save (TCG). */
#define SVM_LEN_CPUID           2
#define SVM_LEN_INVD            2
#define SVM_LEN_RDMSR           2
#define SVM_LEN_HLT             1
#define SVM_LEN_VMMCALL         3
#define SVM_LEN_XSETBV          3

#endif
