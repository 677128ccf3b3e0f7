/*
 * What a VM exit's qualification says (Intel SDM vol. 3C 27.2.1, tables
 * 27-3 to 27-7), decoded once for the exit handlers, and the MSR bitmap
 * (24.6.9).  Pure logic.
 */
#ifndef ASM_VMX_EXIT_H
#define ASM_VMX_EXIT_H

#include "arch_x86.h"
#include "xen/types.h"

/* Table 27-3: control-register accesses. */
enum vmx_cr_access { CR_MOV_TO, CR_MOV_FROM, CR_CLTS, CR_LMSW };
struct vmx_cr_qual {
    unsigned int cr;                    /* 0, 3, 4 or 8 */
    enum vmx_cr_access type;
    unsigned int gpr;                   /* operand of MOV (x86 encoding) */
    uint16_t lmsw_data;                 /* LMSW's source operand */
};

/* Table 27-4: MOV DR. */
struct vmx_dr_qual {
    unsigned int dr;
    bool from_dr;                       /* MOV from DR (else to DR) */
    unsigned int gpr;
};

/* Table 27-5: I/O instructions. */
struct vmx_io_qual {
    unsigned int size;                  /* bytes: 1, 2 or 4 */
    bool in, string, rep;
    uint16_t port;
};

/* Table 27-7: EPT violations. */
struct vmx_ept_qual {
    bool read, write, fetch;            /* the access */
    bool readable, writable, executable; /* what the entry allowed */
    bool gla_valid;                     /* a guest-linear address is known */
};

void vmx_decode_cr(uint64_t q, struct vmx_cr_qual *d);
void vmx_decode_dr(uint64_t q, struct vmx_dr_qual *d);
void vmx_decode_io(uint64_t q, struct vmx_io_qual *d);
void vmx_decode_ept(uint64_t q, struct vmx_ept_qual *d);

/*
 * The general register numbered n in instruction encodings (0 rax, 1 rcx,
 * 2 rdx, 3 rbx, 4 rsp, 5 rbp, 6 rsi, 7 rdi, 8-15 r8-r15) in a register
 * frame (which holds the guest's rsp between exits); NULL past 15.
 */
uint64_t *vmx_gpr(struct cpu_user_regs *regs, unsigned int n);

/*
 * The MSR bitmap: 4 KiB, a bit per MSR and direction for MSRs 0-0x1fff
 * and 0xc0000000-0xc0001fff (a set bit exits; MSRs outside both ranges
 * always exit).
 */
#define VMX_MSR_BITMAP_SIZE     4096
void vmx_msr_bitmap_init(uint8_t *bitmap);          /* every MSR exits */
/* Let the guest read (and/or write) msr without an exit; false if msr is
 * outside the bitmap's ranges. */
bool vmx_msr_passthrough(uint8_t *bitmap, uint32_t msr, bool read, bool write);
bool vmx_msr_exits(const uint8_t *bitmap, uint32_t msr, bool write);

#endif
