/*
 * The event callback of the send + upcall + iret benchmark: as little
 * guest work as a correct handler can do, so that the loop measures the
 * hypervisor's delivery and return paths.
 *
 * Entry (Xen's bounce frame, lowest address first): RCX, R11, RIP, CS,
 * RFLAGS, RSP, SS, with upcalls masked.  Every other register still holds
 * the interrupted value and must hold it again at the iret stub, which
 * pushes RCX, R11 and RAX to complete struct iret_context.
 *
 * The handler acknowledges the way Xen's 2-level ABI expects: clear
 * vcpu_info.evtchn_upcall_pending and evtchn_pending_sel (one port, one
 * vCPU: nothing else can be pending), then the port's bit in
 * shared_info.evtchn_pending.
 */
#include "xen.h"

#define IRET_STUB \
        (hypercall_page + __HYPERVISOR_iret * XEN_HYPERCALL_STUB_SIZE)

/* Offsets in struct vcpu_info (xen.h asserts them). */
#define VI_UPCALL_PENDING 0
#define VI_PENDING_SEL    8

        .data
        .balign 8
        .globl  bench_upcall_vi, bench_upcall_bits, bench_upcall_port
        .globl  bench_upcalls
bench_upcall_vi:    .quad 0     /* this vCPU's vcpu_info */
bench_upcall_bits:  .quad 0     /* shared_info.evtchn_pending */
bench_upcall_port:  .quad 0
bench_upcalls:      .quad 0

        .text
        .globl  bench_upcall_entry
bench_upcall_entry:
        pop     %rcx
        pop     %r11
        push    %rax
        push    %rdx
        mov     bench_upcall_vi(%rip), %rax
        movb    $0, VI_UPCALL_PENDING(%rax)
        movq    $0, VI_PENDING_SEL(%rax)
        mov     bench_upcall_bits(%rip), %rax
        mov     bench_upcall_port(%rip), %rdx
        lock btr %rdx, (%rax)
        incq    bench_upcalls(%rip)
        pop     %rdx
        pop     %rax
        push    $0                      /* iret flags: not from syscall */
        jmp     IRET_STUB

        .section .note.GNU-stack, "", @progbits
