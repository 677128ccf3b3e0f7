/*
 * Page-table writes ("ptwr"): the instructions a kernel uses to write its
 * own page-table entries, decoded and performed on a copy of the entry
 * (arch/x86/ptwr_insn.c, pure, tested on the host).  Two users: a PV
 * kernel writing its L1 tables directly (writable page tables: the fault
 * handler in arch/x86/pv/ptwr.c validates and applies the result), and
 * an HVM guest writing tables that shadow paging keeps read-only
 * (hvm/shadow/emulate.c), which also meets REP STOS and CMPXCHG8B/16B.
 */
#ifndef ASM_PTWR_H
#define ASM_PTWR_H

#include "arch_x86.h"                   /* struct cpu_user_regs */
#include "xen/types.h"

/* Arithmetic flags the emulated instructions set (SDM vol. 1 §3.4.3.1). */
#define PTWR_FLAG_CF    (1UL << 0)
#define PTWR_FLAG_PF    (1UL << 2)
#define PTWR_FLAG_AF    (1UL << 4)
#define PTWR_FLAG_ZF    (1UL << 6)
#define PTWR_FLAG_SF    (1UL << 7)
#define PTWR_FLAG_OF    (1UL << 11)

#define PTWR_INSN_MAX   15              /* the longest x86 instruction */

enum ptwr_op {
    PTWR_MOV, PTWR_XCHG, PTWR_CMPXCHG, PTWR_AND, PTWR_OR, PTWR_BTS, PTWR_BTR,
    PTWR_STOS,                          /* stores rAX at [rDI]; rep: rCX times */
    PTWR_CMPXCHG_DBL,                   /* cmpxchg8b (size 8), cmpxchg16b (16) */
};

enum ptwr_seg { PTWR_SEG_NONE, PTWR_SEG_FS, PTWR_SEG_GS };

struct ptwr_insn {
    enum ptwr_op op;
    unsigned int len;                   /* bytes of the instruction */
    unsigned int size;                  /* operand bytes: 1, 2, 4, 8 (16: cmpxchg16b) */
    bool lock;
    bool rep;                           /* stos only */
    bool has_imm;                       /* the source is imm, else register reg */
    uint64_t imm;                       /* sign-extended to 64 bits */
    unsigned int reg;                   /* ModRM.reg with REX.R */
    bool rex;                           /* byte registers 4-7 are spl..dil */
    /* The memory operand: seg:[base + index * scale + disp] (or rip + disp). */
    enum ptwr_seg seg;
    int base, index;                    /* register numbers, -1: none */
    unsigned int scale;
    int64_t disp;
    bool rip_relative;
    bool addr32;                        /* 0x67: the address is 32 bits */
};

/* Decode bytes[0..n) of 64-bit code; 0, or -XEN_EINVAL for anything else. */
int ptwr_decode(const uint8_t *bytes, unsigned int n, struct ptwr_insn *in);

/* The general register ModRM/SIB number n (0-15) names. */
uint64_t *ptwr_gpr(struct cpu_user_regs *r, unsigned int n);

/*
 * The linear address of the operand the instruction accesses (for bts/btr
 * with a register bit offset, the operand-sized unit that holds the bit),
 * with the running rip (the instruction's address) and segment bases.
 */
uint64_t ptwr_operand_address(const struct ptwr_insn *in, struct cpu_user_regs *r,
                              uint64_t fs_base, uint64_t gs_base);

/*
 * Perform the instruction on old, the operand's value (size bytes): the
 * value to store in *val; registers and flags of r updated as the CPU
 * would, rip not.  Returns false when nothing is stored (a cmpxchg that
 * did not match).
 */
bool ptwr_execute(const struct ptwr_insn *in, struct cpu_user_regs *r, uint64_t old,
                  uint64_t *val);
/* The same for any size: old[] and val[] hold 16 bytes (cmpxchg16b), low first. */
bool ptwr_execute_wide(const struct ptwr_insn *in, struct cpu_user_regs *r,
                       const uint64_t old[2], uint64_t val[2]);

#ifndef UNIT_TEST
/* A write fault of the running PV kernel: emulated (true) or not its kind. */
bool pv_ptwr_fault(struct cpu_user_regs *regs, unsigned long cr2);
#endif

#endif
