/*
 * pv-selftest: checks of the PV ABI that must behave the same on Xen 4.17
 * and xen-lite.  Each check returns NULL when it passes, SKIP(...) when it
 * cannot run here (e.g. needs two vCPUs), or a reason made with why().
 */
#ifndef PV_SELFTEST_H
#define PV_SELFTEST_H

/* User-mode round trip (user.c, probes.S): what the user code passes in
 * rax, and what the kernel answers. */
#define USER_MAGIC_FIRST  0x5c1
#define USER_MAGIC_SECOND 0x5c2
#define USER_MAGIC_BAD    0x5cbad
#define USER_RETURN_VALUE 0x600d

#define PROBE_NREGS 15

#ifndef __ASSEMBLY__

#include <guest/checklog.h>
#include <guest/guest.h>

struct check {
    const char *name;
    const char *(*run)(void);
};

/* A failure reason (formatted into a static buffer). */
#define why(...) g_check_why(__VA_ARGS__)
/* A reason to skip: starts with this marker. */
#define SKIP_MARK "\001"
#define SKIP(text) (SKIP_MARK text)

/* Extra facts for the log, "pv-selftest: info: ...". */
#define info(...) g_check_info("pv-selftest", __VA_ARGS__)

/* Each file's checks, ending with { NULL, NULL }. */
extern const struct check fault_checks[];
extern const struct check user_checks[];
extern const struct check event_checks[];
extern const struct check time_checks[];
extern const struct check misc_checks[];
extern const struct check memory_checks[];
extern const struct check desc_checks[];
extern const struct check abi_checks[];
extern const struct check strio_checks[];
extern const struct check fifo_checks[];      /* last: it leaves the 2-level ABI */

/* probes.S: tiny functions whose named instruction faults.  The fault
 * handler resumes at the matching *_resume label. */
uint64_t probe_read(const volatile void *va);
void probe_write(volatile void *va);
void probe_ud(void);
uint8_t probe_in61(void);
extern char probe_in61_fault[], probe_in61_resume[];
void probe_div0(void);
void probe_int3(void);
void probe_noncanonical(void);
void probe_regs(void);
extern char probe_read_fault[], probe_read_resume[];
extern char probe_write_fault[], probe_write_resume[];
extern char probe_ud_fault[], probe_ud_resume[];
extern char probe_div0_fault[], probe_div0_resume[];
extern char probe_int3_resume[];
extern char probe_noncanonical_fault[], probe_noncanonical_resume[];
extern char probe_regs_fault[], probe_regs_resume[];
/* probe_regs: the values it loads, what it found after the fault, and
 * its rsp at the faulting instruction.  regs_out[15] holds CF. */
extern const uint64_t probe_regs_in[PROBE_NREGS];
extern uint64_t probe_regs_out[PROBE_NREGS + 1];
extern uint64_t probe_regs_rsp;

/* String I/O and MSRs (probes.S): rep insl/outsl with rcx left in
 * probe_string_rcx, rdmsr/wrmsr. */
uint64_t probe_rep_insl(uint32_t *dst, uint64_t count, uint16_t port);
uint64_t probe_rep_outsl(const uint32_t *src, uint64_t count, uint16_t port);
extern char probe_rep_insl_fault[], probe_rep_insl_resume[];
extern char probe_rep_outsl_fault[], probe_rep_outsl_resume[];
extern uint64_t probe_string_rcx;
uint64_t probe_rdmsr(uint32_t msr);
void probe_wrmsr(uint32_t msr, uint64_t val);
extern char probe_rdmsr_fault[], probe_rdmsr_resume[];
extern char probe_wrmsr_fault[], probe_wrmsr_resume[];

/* A failsafe callback (probes.S) that keeps its frame and counts calls. */
void failsafe_entry(void);
extern uint64_t failsafe_frame[11];
extern uint64_t failsafe_hits;

/* abi.c: the vCPU's I/O privilege (PHYSDEVOP_set_iopl). */
long set_iopl(uint32_t iopl);

/* User mode (probes.S): the code page mapped into the user address space,
 * and a setjmp-like pair to enter it and come back. */
extern char user_code_page[], user_code_after_first[];
struct user_jmp {
    uint64_t rbx, rbp, r12, r13, r14, r15, rsp;
};
/* Returns 1 when user_leave() is called (from the syscall handler). */
int user_enter(uint64_t rip, uint64_t rsp, struct user_jmp *jmp, uint64_t cs,
               uint64_t ss);
G_NORETURN void user_leave(struct user_jmp *jmp);

/* CPUID through the forced-emulation prefix. */
static inline void xen_cpuid(uint32_t leaf, uint32_t r[4])
{
    __asm__ volatile(XEN_CPUID
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(0));
}

#endif /* !__ASSEMBLY__ */

#endif /* PV_SELFTEST_H */
