/*
 * The per-CPU syscall entry of 64-bit PV guests: LSTAR points at a stub of
 * this CPU's that switches to its stack, then jumps to syscall_enter
 * (entry.S), which dispatches hypercalls from the guest kernel.
 */
#include "asm/current.h"
#include "asm/desc.h"
#include "asm/msr.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "xen/lib.h"
#include "xen/percpu.h"
#include "xen/sched.h"
#include "xen.h"

extern const char syscall_enter[], compat_syscall_enter[];

/*
 * LSTAR points at a per-CPU stub that switches to this CPU's stack without
 * touching GS (the guest's GS bases stay live in the hypervisor):
 *   movabs %rax, scratch ; mov %rsp, %rax ; movabs $rsp0, %rsp
 *   push $FLAT_USER_SS   ; push %rax      ; movabs scratch, %rax
 *   jmp syscall_enter
 */
/*
 * Written at boot, in pages of their own inside the text (.stubs, see
 * xen.lds.S), which becomes read-only once every CPU is up.  No data
 * shares their pages: an emulator rechecks its translations of a page on
 * every write to it.
 */
#define STUBS_PER_PAGE (PAGE_SIZE / 64)
static uint8_t syscall_stubs[DIV_ROUND_UP(NR_CPUS, STUBS_PER_PAGE) * STUBS_PER_PAGE][64]
    __attribute__((section(".stubs"), aligned(PAGE_SIZE)));

static uint8_t *emit64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
    return p + 8;
}

void percpu_syscall_init(unsigned int cpu)
{
    struct cpu_info *ci = stack_cpu_info(per_cpu(cpu)->stack);
    uint8_t *p = syscall_stubs[cpu];
    int32_t rel;

    *p++ = 0x48; *p++ = 0xa3; p = emit64(p, (unsigned long)&ci->syscall_scratch);
    *p++ = 0x48; *p++ = 0x89; *p++ = 0xe0;
    *p++ = 0x48; *p++ = 0xbc; p = emit64(p, cpu_info_rsp0(ci));
    *p++ = 0x68; *(uint32_t *)p = FLAT_USER_SS64; p += 4;
    *p++ = 0x50;
    *p++ = 0x48; *p++ = 0xa1; p = emit64(p, (unsigned long)&ci->syscall_scratch);
    *p++ = 0xe9;
    rel = (int32_t)((unsigned long)syscall_enter - (unsigned long)(p + 4));
    memcpy(p, &rel, 4);
    wrmsr(MSR_STAR, ((uint64_t)FLAT_RING3_CS32 << 48) | ((uint64_t)__HYPERVISOR_CS << 32));
    wrmsr(MSR_LSTAR, (unsigned long)syscall_stubs[cpu]);
    wrmsr(MSR_CSTAR, (unsigned long)compat_syscall_enter);
    wrmsr(MSR_SFMASK, X86_EFLAGS_VM | X86_EFLAGS_RF | X86_EFLAGS_NT | X86_EFLAGS_DF |
                      X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_AC);
    /*
     * No sysenter into ring 0: with a null SYSENTER_CS it raises #GP(0) in
     * the guest on Intel (SDM vol. 2B, SYSENTER); AMD has #UD in long mode.
     * Firmware may have left anything here, an entry point and a stack
     * included.
     */
    wrmsr(MSR_IA32_SYSENTER_CS, 0);
    wrmsr(MSR_IA32_SYSENTER_ESP, 0);
    wrmsr(MSR_IA32_SYSENTER_EIP, 0);
}

