/*
 * Entry points the hypervisor bounces to: exceptions, the event upcall,
 * the syscall callback (guest user mode -> kernel), the failsafe callback
 * -- and the way back, through the iret hypercall.
 *
 * The hypervisor's frame on our stack (lowest address first) is
 *     RCX, R11, [error code], RIP, CS, RFLAGS, RSP, SS
 * Each stub pops RCX and R11 into their registers, makes the error-code
 * slot uniform, pushes a vector number and all general registers: that is
 * struct g_frame (guest/traps.h).
 *
 * Return: restore the registers, drop vector and error code, push the iret
 * flags word and jump to the iret stub of the hypercall page, which pushes
 * RCX, R11 and RAX to complete struct iret_context:
 *     RAX, R11, RCX, flags, RIP, CS, RFLAGS, RSP, SS
 */
#include "xen.h"
#include "xen_errno.h"
#include <guest/asm.h>
#include <guest/traps.h>

#define IRET_STUB (hypercall_page + __HYPERVISOR_iret * XEN_HYPERCALL_STUB_SIZE)

        .text

.macro TRAP_ENTRY vec, has_error_code
        .globl  g_trap_\vec
g_trap_\vec:
        pop     %rcx
        pop     %r11
        .if \has_error_code == 0
        push    $0
        .endif
        push    $\vec
        jmp     g_trap_common
.endm

        TRAP_ENTRY 0, 0         /* #DE */
        TRAP_ENTRY 1, 0         /* #DB */
        TRAP_ENTRY 3, 0         /* #BP */
        TRAP_ENTRY 4, 0         /* #OF */
        TRAP_ENTRY 5, 0         /* #BR */
        TRAP_ENTRY 6, 0         /* #UD */
        TRAP_ENTRY 7, 0         /* #NM */
        TRAP_ENTRY 8, 1         /* #DF */
        TRAP_ENTRY 10, 1        /* #TS */
        TRAP_ENTRY 11, 1        /* #NP */
        TRAP_ENTRY 12, 1        /* #SS */
        TRAP_ENTRY 13, 1        /* #GP */
        TRAP_ENTRY 14, 1        /* #PF */
        TRAP_ENTRY 16, 0        /* #MF */
        TRAP_ENTRY 17, 1        /* #AC */
        TRAP_ENTRY 18, 0        /* #MC */
        TRAP_ENTRY 19, 0        /* #XM */

g_trap_common:
        SAVE_GPRS
        CALL_WITH_FRAME g_trap_dispatch
        jmp     g_frame_return

        .globl  g_event_entry
g_event_entry:
        pop     %rcx
        pop     %r11
        push    $0
        push    $G_VEC_EVENT
        SAVE_GPRS
        CALL_WITH_FRAME g_event_dispatch
        /* fall through */

        .globl  g_frame_return
g_frame_return:
        RESTORE_GPRS
        add     $16, %rsp               /* vector, error code */
        push    $0                      /* iret flags */
        jmp     IRET_STUB

/* From guest user mode: RIP/RFLAGS are the user's rcx/r11 after syscall.
 * Return with VGCF_in_syscall, i.e. the way sysret would. */
        .globl  g_syscall_entry
g_syscall_entry:
        pop     %rcx
        pop     %r11
        push    $0
        push    $G_VEC_SYSCALL
        SAVE_GPRS
        CALL_WITH_FRAME g_syscall_dispatch
        RESTORE_GPRS
        add     $16, %rsp
        push    $VGCF_in_syscall
        jmp     IRET_STUB

/* The hypervisor could not load our segment registers on return.  Frame:
 * RCX, R11, DS, ES, FS, GS, RIP, CS, RFLAGS, RSP, SS.  Fatal here. */
        .globl  g_failsafe_entry
g_failsafe_entry:
        mov     %rsp, %rdi
        and     $-16, %rsp
        call    g_failsafe_dispatch
        ud2

/* A secondary vCPU starts here (VCPUOP_initialise: rdi = its id, rsp =
 * top of its stack, events masked). */
        .globl  g_ap_entry
g_ap_entry:
        and     $-16, %rsp
        xor     %ebp, %ebp
        call    g_ap_start
        ud2

        .section .note.GNU-stack, "", @progbits
