/*
 * Exceptions, the event upcall and the syscall callback: one register
 * frame for all of them.
 *
 * A 64-bit PV kernel runs in ring 3, so the CPU delivers its exceptions to
 * the hypervisor, which "bounces" them to the handlers registered with
 * set_trap_table.  The hypervisor builds this frame on the guest kernel
 * stack (Xen's create_bounce_frame, lowest address first):
 *
 *     RCX, R11, [error code], RIP, CS, RFLAGS, RSP, SS
 *
 * The error code is there only for vectors where the CPU has one.  CS
 * carries the interrupted vCPU's saved upcall mask in bits 32..39 and has
 * RPL 0 when the kernel was interrupted (RPL 3: guest user mode); RFLAGS.IF
 * is the inverse of that saved mask.  For #PF the faulting address is in
 * vcpu_info.arch.cr2.
 *
 * The entry stubs (entry.S) pop RCX and R11 back into their registers,
 * push a zero error code where there is none, push a vector number and
 * then every general register, giving struct g_frame.  Handlers may change
 * any field (rip to skip an instruction); the return path restores them
 * all and leaves through the iret hypercall, which also restores the
 * upcall mask from RFLAGS.IF.
 */
#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stdint.h>
#endif

/* CPU exception vectors (Intel SDM vol. 3A, table 6-1). */
#define G_VEC_DE   0    /* divide error */
#define G_VEC_DB   1    /* debug */
#define G_VEC_NMI  2
#define G_VEC_BP   3    /* int3 */
#define G_VEC_OF   4    /* into */
#define G_VEC_BR   5    /* bound */
#define G_VEC_UD   6    /* invalid opcode */
#define G_VEC_NM   7    /* device not available */
#define G_VEC_DF   8    /* double fault */
#define G_VEC_TS  10    /* invalid TSS */
#define G_VEC_NP  11    /* segment not present */
#define G_VEC_SS  12    /* stack fault */
#define G_VEC_GP  13    /* general protection */
#define G_VEC_PF  14    /* page fault */
#define G_VEC_MF  16    /* x87 error */
#define G_VEC_AC  17    /* alignment check */
#define G_VEC_MC  18    /* machine check */
#define G_VEC_XM  19    /* SIMD error */
#define G_NR_EXCEPTIONS 32

/* Pseudo vectors for the callbacks that share the frame. */
#define G_VEC_EVENT    0x100
#define G_VEC_SYSCALL  0x101

/* #PF error code bits (Intel SDM vol. 3A, 4.7).  The hypervisor sets
 * PF_USER from the guest's own mode, not the CPU's ring. */
#define G_PF_PRESENT  (1 << 0)
#define G_PF_WRITE    (1 << 1)
#define G_PF_USER     (1 << 2)
#define G_PF_RSVD     (1 << 3)
#define G_PF_INSTR    (1 << 4)

#define G_RFLAGS_CF  (1 << 0)
#define G_RFLAGS_IF  (1 << 9)

#ifndef __ASSEMBLY__

struct g_frame {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint64_t vector;        /* G_VEC_* */
    uint64_t error_code;    /* 0 where the CPU has none */
    uint64_t rip;
    uint64_t cs;            /* bits 32..39: saved upcall mask */
    uint64_t rflags;
    uint64_t rsp;
    uint64_t ss;
};

static inline uint16_t g_frame_cs(const struct g_frame *f)
{
    return (uint16_t)f->cs;
}

static inline bool g_frame_from_user(const struct g_frame *f)
{
    return (f->cs & 3) == 3;
}

/* Return true if handled (the frame is then resumed, rip as the handler
 * left it); false falls through to the register dump and g_exit. */
typedef bool (*g_trap_handler_t)(struct g_frame *f);

/* Per vector, shared by all vCPUs; returns the previous handler. */
g_trap_handler_t g_set_trap_handler(unsigned int vector, g_trap_handler_t h);

/* The faulting address of the last #PF bounced to this vCPU. */
uint64_t g_fault_cr2(void);

const char *g_trap_name(unsigned int vector);
void g_dump_frame(const struct g_frame *f);

/* The virtual IDT this library registers (also handed to new vCPUs). */
extern const struct trap_info g_trap_table[];

/* Syscall from guest user mode (CALLBACKTYPE_syscall).  The handler runs
 * in kernel mode with events masked; on return the frame is resumed in
 * user mode through iret with VGCF_in_syscall. */
typedef void (*g_syscall_handler_t)(struct g_frame *f);
int g_set_syscall_handler(g_syscall_handler_t h);

/* C entry points called by entry.S. */
void g_trap_dispatch(struct g_frame *f);
void g_syscall_dispatch(struct g_frame *f);
void g_failsafe_dispatch(const uint64_t *frame);

/* Entry points in entry.S. */
void g_event_entry(void);
void g_failsafe_entry(void);
void g_syscall_entry(void);
/* Resume a frame (rsp = &frame) through the iret hypercall. */
void g_frame_return(void);

#endif /* !__ASSEMBLY__ */

#endif /* GUEST_TRAPS_H */
