/*
 * Working with VMCS regions on this CPU (hvm/vmx/vmcs.c) and entering a
 * guest through one (hvm/vmx/vmx_entry.S), with the report of an entry that
 * failed (hvm/vmx/vmx_fail.c).
 */
#ifndef ASM_VMCS_OPS_H
#define ASM_VMCS_OPS_H

#include "arch_x86.h"
#include "asm/vmcs.h"
#include "asm/vmx_insn.h"
#include "xen/types.h"

void *vmcs_alloc(void);                 /* NULL without VMX or memory */
void vmcs_free(void *vmcs);
void vmcs_clear(void *vmcs);
void vmcs_load(void *vmcs);             /* make it this CPU's current VMCS */

/* VMWRITE / VMREAD of the current VMCS as callbacks. */
extern const struct vmcs_writer vmcs_current;
uint64_t vmcs_read_current(void *opaque, uint32_t field);

void vmcs_host_state(struct vmcs_host *h);

/*
 * Enter the guest of the current VMCS with its general registers from
 * regs (VMRESUME if resume, else VMLAUNCH); on its VM exit, store them
 * back and return VMX_SUCCEED.  If the entry fails as an instruction,
 * return at once with VMX_FAIL_INVALID or VMX_FAIL_VALID.  Interrupts
 * must be off; a VM exit leaves them off.
 */
enum vmx_status vmx_enter(struct cpu_user_regs *regs, bool resume);

/* Why a VM entry failed, down to the field (SDM 26.2, 26.3, 26.8). */
struct vmx_entry_failure {
    enum vmx_status status;             /* VMX_SUCCEED: failed as a VM exit */
    uint32_t error;                     /* VM-instruction error (30.4) */
    uint32_t exit_reason;               /* 33 or 34 with bit 31 */
    uint64_t qualification;
    uint32_t field;                     /* the field a broken rule names */
    uint64_t value;
    const char *rule;                   /* NULL: the checklist found none */
};

/* After vmx_enter: did the entry fail?  If so, fill f. */
bool vmx_entry_failed(enum vmx_status st, struct vmx_entry_failure *f);
/* One line per fact, each prefixed with who ("d1v0"). */
void vmx_print_entry_failure(const char *who, const struct vmx_entry_failure *f);

#endif
