/*
 * The jumps an attack makes into code at the edge of the lower half, and
 * the ways of leaving the kernel's stack behind that never come back.
 */
#include "xen.h"
#include "vcpu.h"

#define IRET_STUB (hypercall_page + __HYPERVISOR_iret * XEN_HYPERCALL_STUB_SIZE)

        .text

/*
 * uint64_t edge_jump(uint64_t target, uint64_t rax, uint64_t rdi)
 * Run the code at target with rax and rdi (rcx = 0); the fault it ends in
 * is caught by exits.c, which resumes at edge_resume with the frame's rax.
 * cpuid and syscall clobber rbx, rcx, rdx, r11: rbx is saved here.
 */
        .globl  edge_jump, edge_resume
edge_jump:
        push    %rbx
        mov     %rdi, %r9
        mov     %rsi, %rax
        mov     %rdx, %rdi
        xor     %ecx, %ecx
        jmp     *%r9
edge_resume:
        pop     %rbx
        ret

/* void iret_frame_at(const uint64_t *frame): frame is flags, rip, cs,
 * rflags, rsp, ss -- the iret stub pushes rcx, r11 and rax below it. */
        .globl  iret_frame_at
iret_frame_at:
        mov     %rdi, %rsp
        jmp     IRET_STUB

/* void int3_on_stack(uint64_t rsp): the #BP bounce frame goes there. */
        .globl  int3_on_stack
int3_on_stack:
        mov     %rdi, %rsp
        int3
        ud2

/*
 * void upcall_on_stack(uint64_t rsp, volatile uint8_t *upcall_mask):
 * with an event pending, unmask events and make a hypercall; the upcall
 * on the way back needs a frame on rsp.
 */
        .globl  upcall_on_stack
upcall_on_stack:
        mov     %rdi, %rsp
        movb    $0, (%rsi)
        mov     $__HYPERVISOR_xen_version, %eax
        xor     %edi, %edi
        xor     %esi, %esi
        syscall
        ud2

/*
 * The first instructions of the vCPU context.c initialises (rdi: its id):
 * note the selectors and flags it started with, then go down for good.
 */
        .globl  v3_entry
v3_entry:
        mov     %rdi, %rbx
        mov     %cs, %eax
        mov     %rax, v3_seen(%rip)
        mov     %ss, %eax
        mov     %rax, v3_seen+8(%rip)
        pushfq
        pop     %rax
        mov     %rax, v3_seen+16(%rip)
        movq    $1, v3_seen+24(%rip)
1:      mov     $__HYPERVISOR_vcpu_op, %eax
        mov     $VCPUOP_down, %edi
        mov     %rbx, %rsi
        xor     %edx, %edx
        syscall
        jmp     1b

        .section .note.GNU-stack, "", @progbits
