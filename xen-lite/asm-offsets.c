/*
 * Structure offsets for assembly.  Compiled to assembler only; the build
 * turns each "->NAME value" marker into "#define NAME value".
 */
#include "asm/current.h"
#include "asm/vmcs.h"
#include "xen/percpu.h"
#include "xen/sched.h"

#define DEFINE(sym, val) \
    __asm__ __volatile__("\n.ascii \"->" #sym " %0\"" :: "i"(val))
#define OFFSET(sym, str, mem) DEFINE(sym, offsetof(struct str, mem))

void asm_offsets(void);
void asm_offsets(void)
{
    OFFSET(UREGS_r15, cpu_user_regs, r15);
    OFFSET(UREGS_r14, cpu_user_regs, r14);
    OFFSET(UREGS_r13, cpu_user_regs, r13);
    OFFSET(UREGS_r12, cpu_user_regs, r12);
    OFFSET(UREGS_rbp, cpu_user_regs, rbp);
    OFFSET(UREGS_rbx, cpu_user_regs, rbx);
    OFFSET(UREGS_r10, cpu_user_regs, r10);
    OFFSET(UREGS_r9, cpu_user_regs, r9);
    OFFSET(UREGS_r8, cpu_user_regs, r8);
    OFFSET(UREGS_rdx, cpu_user_regs, rdx);
    OFFSET(UREGS_rsi, cpu_user_regs, rsi);
    OFFSET(UREGS_rdi, cpu_user_regs, rdi);
    OFFSET(UREGS_rax, cpu_user_regs, rax);
    OFFSET(UREGS_error_code, cpu_user_regs, error_code);
    OFFSET(UREGS_entry_vector, cpu_user_regs, entry_vector);
    OFFSET(UREGS_rip, cpu_user_regs, rip);
    OFFSET(UREGS_cs, cpu_user_regs, cs);
    OFFSET(UREGS_rflags, cpu_user_regs, rflags);
    OFFSET(UREGS_rsp, cpu_user_regs, rsp);
    OFFSET(UREGS_ss, cpu_user_regs, ss);
    OFFSET(UREGS_es, cpu_user_regs, es);
    DEFINE(UREGS_kernel_sizeof, offsetof(struct cpu_user_regs, es));
    DEFINE(CPUINFO_sizeof, sizeof(struct cpu_info));
    OFFSET(CPUINFO_guest_regs, cpu_info, guest_regs);
    OFFSET(CPUINFO_processor_id, cpu_info, processor_id);
    OFFSET(CPUINFO_current_vcpu, cpu_info, current_vcpu);
    OFFSET(CPUINFO_percpu, cpu_info, percpu);
    OFFSET(UREGS_rcx, cpu_user_regs, rcx);
    OFFSET(UREGS_r11, cpu_user_regs, r11);
    DEFINE(VMCS_HOST_RSP, HOST_RSP);
    OFFSET(UREGS_r14, cpu_user_regs, r14);
    OFFSET(UREGS_r13, cpu_user_regs, r13);
    OFFSET(UREGS_r12, cpu_user_regs, r12);
    OFFSET(UREGS_rbp, cpu_user_regs, rbp);
    OFFSET(UREGS_rbx, cpu_user_regs, rbx);
    OFFSET(UREGS_r10, cpu_user_regs, r10);
    OFFSET(UREGS_r9, cpu_user_regs, r9);
    OFFSET(UREGS_r8, cpu_user_regs, r8);
    OFFSET(UREGS_rdx, cpu_user_regs, rdx);
    OFFSET(UREGS_rsi, cpu_user_regs, rsi);
    OFFSET(UREGS_rdi, cpu_user_regs, rdi);
    OFFSET(PERCPU_softirq_pending, percpu, softirq_pending);
    OFFSET(VCPU_vcpu_info, vcpu, vcpu_info);
    OFFSET(VCPU_kernel_mode, vcpu, arch.pv.kernel_mode);
    OFFSET(VCPU_stats_hypercalls, vcpu, stats.hypercalls);
    OFFSET(CPUINFO_preempt_budget, cpu_info, preempt_budget);
    OFFSET(VCPU_trap_bounce_flags, vcpu, arch.pv.trap_bounce.flags);
    OFFSET(VCPUINFO_upcall_pending, vcpu_info, evtchn_upcall_pending);
    OFFSET(VCPUINFO_upcall_mask, vcpu_info, evtchn_upcall_mask);
}
