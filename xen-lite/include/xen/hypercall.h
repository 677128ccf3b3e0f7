/* Hypercall dispatch, continuations and the handlers' prototypes. */
#ifndef XEN_HYPERCALL_H
#define XEN_HYPERCALL_H

#include "asm/regs.h"
#include "xen/types.h"

#include "xen/hypercall_asm.h"

typedef long (*hypercall_fn_t)(unsigned long, unsigned long, unsigned long,
                               unsigned long, unsigned long, unsigned long);

/* Indexed by hypercall number; every slot holds a handler (-ENOSYS for
 * numbers with none).  entry.S calls it. */
extern const hypercall_fn_t hypercall_table[NR_HYPERCALLS];

/*
 * Make the current hypercall start again (with these arguments) when the
 * guest resumes, as Xen's hypercall_create_continuation: fmt has one letter
 * per argument ('i' int, 'l' long, 'h' guest pointer).  Returns the value
 * the handler must return.  Inside a multicall, the entry is rewritten and
 * the multicall itself continues instead.
 */
long hypercall_create_continuation(unsigned int op, const char *fmt, ...);
/* hypercall_preempt_check(): xen/preempt.h. */

long do_xen_version(int cmd, unsigned long arg);
long do_console_io(int cmd, int count, unsigned long buffer);
long do_sched_op(int cmd, unsigned long arg);
long do_set_timer_op(int64_t timeout);
long do_vcpu_op(int cmd, unsigned int vcpuid, unsigned long arg);
long do_multicall(unsigned long call_list, unsigned int nr_calls);
long hvm_multicall(unsigned long call_list, unsigned int nr_calls);
long do_mmu_update(unsigned long ureqs, unsigned int count, unsigned long pdone,
                   unsigned int foreigndom);
long do_mmuext_op(unsigned long uops, unsigned int count, unsigned long pdone,
                  unsigned int foreigndom);
long do_update_va_mapping(unsigned long va, uint64_t val, unsigned long flags);
long do_update_va_mapping_otherdomain(unsigned long va, uint64_t val,
                                      unsigned long flags, domid_t domid);
long do_memory_op(unsigned long cmd, unsigned long arg);
long arch_memory_op(unsigned int op, unsigned long arg);   /* x86 maps, M2P */
long do_set_trap_table(unsigned long traps);
long do_stack_switch(unsigned long ss, unsigned long esp);
long do_set_segment_base(unsigned int which, unsigned long base);
long do_callback_op(int cmd, unsigned long arg);
long do_set_callbacks(unsigned long event, unsigned long failsafe, unsigned long syscall);
long do_vm_assist(unsigned int cmd, unsigned int type);
long do_iret(void);
long do_fpu_taskswitch(int set);
long do_set_gdt(unsigned long frames, unsigned int entries);
long do_update_descriptor(uint64_t maddr, uint64_t desc);
long do_set_debugreg(int reg, unsigned long value);
long do_get_debugreg(int reg);
long do_physdev_op(int cmd, unsigned long arg);
long do_domctl(unsigned long arg);
long do_sysctl(unsigned long arg);
long do_grant_table_op(unsigned int cmd, unsigned long uop, unsigned int count);
long do_hvm_op(unsigned long op, unsigned long arg);

#endif
