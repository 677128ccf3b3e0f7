/*
 * x86-64 specifics of the Xen PV ABI: the address-space split, the flat
 * selectors Xen provides, the iret frame, and the CPU context used by
 * set_trap_table, VCPUOP_initialise and XEN_DOMCTL_{get,set}vcpucontext.
 *
 * Numbers and layouts are Xen's (x86-64).  Included by xen.h; also usable
 * on its own and from assembly (C parts are hidden from the assembler).
 */
#ifndef XENLITE_HYPERCALLS_ARCH_X86_H
#define XENLITE_HYPERCALLS_ARCH_X86_H

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>
#endif

/*
 * Virtual address space.  The hypervisor owns [VIRT_START, VIRT_END)
 * (L4 slots 256..271) in every PV address space; its first 256 GiB hold the
 * read-only machine-to-phys table (one 8-byte PFN per machine frame).
 */
#define HYPERVISOR_VIRT_START  0xFFFF800000000000
#define HYPERVISOR_VIRT_END    0xFFFF880000000000
#define MACH2PHYS_VIRT_START   0xFFFF800000000000
#define MACH2PHYS_VIRT_END     0xFFFF804000000000
#define MACH2PHYS_NR_ENTRIES   ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)

/*
 * Flat segments in the hypervisor-reserved part of every GDT.  A 64-bit PV
 * kernel runs in ring 3, so kernel and user share the ring-3 selectors.
 */
#define FLAT_RING3_CS32  0xe023   /* GDT entry 0x1c04 */
#define FLAT_RING3_CS64  0xe033   /* GDT entry 0x1c06 */
#define FLAT_RING3_DS32  0xe02b   /* GDT entry 0x1c05 */
#define FLAT_RING3_DS64  0x0000   /* null selector */
#define FLAT_RING3_SS32  0xe02b
#define FLAT_RING3_SS64  0xe02b

#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_CS   FLAT_KERNEL_CS64
#define FLAT_KERNEL_DS   FLAT_KERNEL_DS64
#define FLAT_KERNEL_SS   FLAT_KERNEL_SS64

#define FLAT_USER_CS64   FLAT_RING3_CS64
#define FLAT_USER_CS32   FLAT_RING3_CS32
#define FLAT_USER_DS64   FLAT_RING3_DS64
#define FLAT_USER_DS32   FLAT_RING3_DS32
#define FLAT_USER_SS64   FLAT_RING3_SS64
#define FLAT_USER_SS32   FLAT_RING3_SS32
#define FLAT_USER_CS     FLAT_USER_CS64
#define FLAT_USER_DS     FLAT_USER_DS64
#define FLAT_USER_SS     FLAT_USER_SS64

/* GDT pages 14 and 15 (entries from 0x1c00 on) belong to the hypervisor;
 * set_gdt accepts at most this many guest entries. */
#define FIRST_RESERVED_GDT_PAGE   14
#define FIRST_RESERVED_GDT_BYTE   (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY  (FIRST_RESERVED_GDT_BYTE / 8)

/* set_segment_base(which, base) */
#define SEGBASE_FS           0
#define SEGBASE_GS_USER      1
#define SEGBASE_GS_KERNEL    2
#define SEGBASE_GS_USER_SEL  3   /* load user %gs selector from base[15:0] */

/* vcpu_guest_context.flags (and iret_context.flags for VGCF_in_syscall) */
#define _VGCF_i387_valid                0
#define VGCF_i387_valid                 (1 << _VGCF_i387_valid)
#define _VGCF_in_kernel                 2
#define VGCF_in_kernel                  (1 << _VGCF_in_kernel)
#define _VGCF_failsafe_disables_events  3
#define VGCF_failsafe_disables_events   (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events   4
#define VGCF_syscall_disables_events    (1 << _VGCF_syscall_disables_events)
#define _VGCF_online                    5
#define VGCF_online                     (1 << _VGCF_online)
#define _VGCF_in_syscall                8
#define VGCF_in_syscall                 (1 << _VGCF_in_syscall)
#define VGCF_I387_VALID                 VGCF_i387_valid
#define VGCF_IN_KERNEL                  VGCF_in_kernel
#define VGCF_IN_SYSCALL                 VGCF_in_syscall

/*
 * Forced emulation: `ud2; .ascii "xen"` before an instruction (cpuid)
 * asks the hypervisor to emulate it, so a PV kernel sees the virtual CPUID.
 */
#ifdef __ASSEMBLY__
#define XEN_EMULATE_PREFIX  .byte 0x0f, 0x0b, 0x78, 0x65, 0x6e ;
#define XEN_CPUID           XEN_EMULATE_PREFIX cpuid
#else
#define XEN_EMULATE_PREFIX  ".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e ; "
#define XEN_CPUID           XEN_EMULATE_PREFIX "cpuid"
#endif
#define XEN_EMULATE_PREFIX_LEN  5

#ifndef __ASSEMBLY__

typedef uint64_t xen_callback_t;   /* a guest kernel virtual address */

/* A 64-bit PV guest's cr3 holds the L4's machine frame shifted by 12. */
#define xen_pfn_to_cr3(pfn)  ((uint64_t)(pfn) << 12)
#define xen_cr3_to_pfn(cr3)  ((uint64_t)(cr3) >> 12)

/*
 * set_trap_table(traps): the virtual IDT, terminated by address == 0.
 * flags bits 1:0 = lowest ring allowed to raise it with `int`; bit 2 set =
 * mask events (the virtual IF) on entry.
 */
struct trap_info {
    uint8_t  vector;
    uint8_t  flags;
    uint16_t cs;
    uint32_t _pad0;
    uint64_t address;
};
_Static_assert(sizeof(struct trap_info) == 16, "trap_info");

#define TI_GET_DPL(ti)        ((ti)->flags & 3)
#define TI_GET_IF(ti)         ((ti)->flags & 4)
#define TI_SET_DPL(ti, dpl)   ((ti)->flags |= (dpl))
#define TI_SET_IF(ti, i)      ((ti)->flags |= ((!!(i)) << 2))

/*
 * HYPERVISOR_iret takes no register arguments: the guest pushes this frame
 * (rax at the lowest address) and jumps to the iret stub.  With
 * VGCF_in_syscall in flags only rax, rip, rflags and rsp are restored;
 * otherwise rax, r11, rcx, cs:rip, rflags and ss:rsp.  A saved CS with RPL
 * 0..2 returns to guest kernel mode, RPL 3 to guest user mode.
 */
struct iret_context {
    uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct iret_context) == 72, "iret_context");

/* General-purpose state, in the order Xen's entry code saves it. */
struct cpu_user_regs {
    uint64_t r15, r14, r13, r12;
    uint64_t rbp, rbx;
    uint64_t r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint32_t error_code;           /* hypervisor-private */
    uint32_t entry_vector;         /* hypervisor-private */
    uint64_t rip;
    uint16_t cs, _pad0[1];
    uint8_t  saved_upcall_mask;    /* the virtual IF, inverted */
    uint8_t  _pad1[3];
    uint64_t rflags;
    uint64_t rsp;
    uint16_t ss, _pad2[3];
    uint16_t es, _pad3[3];
    uint16_t ds, _pad4[3];
    uint16_t fs, _pad5[3];         /* non-zero overrides fs_base */
    uint16_t gs, _pad6[3];         /* non-zero overrides gs_base_user */
};
_Static_assert(sizeof(struct cpu_user_regs) == 200, "cpu_user_regs");
_Static_assert(offsetof(struct cpu_user_regs, error_code) == 120,
               "cpu_user_regs.error_code");
_Static_assert(offsetof(struct cpu_user_regs, rip) == 128,
               "cpu_user_regs.rip");
_Static_assert(offsetof(struct cpu_user_regs, rflags) == 144,
               "cpu_user_regs.rflags");
_Static_assert(offsetof(struct cpu_user_regs, ss) == 160,
               "cpu_user_regs.ss");

/*
 * Full vCPU state of a 64-bit PV guest (VCPUOP_initialise,
 * XEN_DOMCTL_setvcpucontext / getvcpucontext).  ctrlreg[3] is the kernel
 * cr3 and ctrlreg[1] the user cr3, both in xen_pfn_to_cr3() form.
 */
struct vcpu_guest_context {
    uint8_t  fpu_ctxt[512];             /* FXSAVE image; 16-byte aligned use */
    uint64_t flags;                     /* VGCF_* */
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];    /* virtual IDT */
    uint64_t ldt_base, ldt_ents;        /* LDT linear address, entries */
    uint64_t gdt_frames[16], gdt_ents;  /* GDT machine frames, entries */
    uint64_t kernel_ss, kernel_sp;      /* stack for entering the kernel */
    uint64_t ctrlreg[8];
    uint64_t debugreg[8];
    uint64_t event_callback_eip;
    uint64_t failsafe_callback_eip;
    uint64_t syscall_callback_eip;
    uint64_t vm_assist;                 /* bitmap of VMASST_TYPE_* */
    uint64_t fs_base;
    uint64_t gs_base_kernel;
    uint64_t gs_base_user;
};
_Static_assert(sizeof(struct vcpu_guest_context) == 5168,
               "vcpu_guest_context");
_Static_assert(offsetof(struct vcpu_guest_context, flags) == 512,
               "vcpu_guest_context.flags");
_Static_assert(offsetof(struct vcpu_guest_context, user_regs) == 520,
               "vcpu_guest_context.user_regs");
_Static_assert(offsetof(struct vcpu_guest_context, trap_ctxt) == 720,
               "vcpu_guest_context.trap_ctxt");
_Static_assert(offsetof(struct vcpu_guest_context, ctrlreg) == 4984,
               "vcpu_guest_context.ctrlreg");
_Static_assert(offsetof(struct vcpu_guest_context, event_callback_eip) == 5112,
               "vcpu_guest_context.event_callback_eip");
_Static_assert(offsetof(struct vcpu_guest_context, fs_base) == 5144,
               "vcpu_guest_context.fs_base");

#endif /* !__ASSEMBLY__ */

#endif /* XENLITE_HYPERCALLS_ARCH_X86_H */
