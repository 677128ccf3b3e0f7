/*
 * A VM entry that failed, explained.  The CPU says only which group of
 * checks failed: VM-instruction error 7 or 8 for controls or host state
 * (Intel SDM vol. 3C 26.2), or a VM exit with reason 33 "invalid guest
 * state" / 34 "MSR loading" and an exit qualification that rarely names a
 * cause (26.8).  Running the same group of the checklist (vmx_check*.c)
 * over the current VMCS finds the field.
 */
#include "asm/vmcs.h"
#include "asm/vmcs_ops.h"
#include "asm/vmx.h"
#include "asm/vmx_check.h"
#include "asm/vmx_cpu.h"
#include "xen/lib.h"
#include "xen/mm.h"
#include "xen/pv_mm.h"

/* VM-instruction error numbers (30.4). */
static const char *const instruction_errors[VMX_ERR_MAX + 1] = {
    [1] = "VMCALL executed in VMX root operation",
    [2] = "VMCLEAR with invalid physical address",
    [3] = "VMCLEAR with VMXON pointer",
    [4] = "VMLAUNCH with non-clear VMCS",
    [5] = "VMRESUME with non-launched VMCS",
    [6] = "VMRESUME after VMXOFF",
    [VMX_ERR_ENTRY_INVALID_CONTROL] = "VM entry with invalid control field(s)",
    [VMX_ERR_ENTRY_INVALID_HOST] = "VM entry with invalid host-state field(s)",
    [9] = "VMPTRLD with invalid physical address",
    [10] = "VMPTRLD with VMXON pointer",
    [11] = "VMPTRLD with incorrect VMCS revision identifier",
    [VMX_ERR_UNSUPPORTED_FIELD] = "VMREAD/VMWRITE of an unsupported VMCS component",
    [13] = "VMWRITE to a read-only VMCS component",
    [15] = "VMXON executed in VMX root operation",
    [16] = "VM entry with invalid executive-VMCS pointer",
    [17] = "VM entry with non-launched executive VMCS",
    [18] = "VM entry with executive-VMCS pointer not VMXON pointer",
    [19] = "VMCALL with non-clear VMCS",
    [20] = "VMCALL with invalid VM-exit control fields",
    [22] = "VMCALL with incorrect MSEG revision identifier",
    [23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
    [24] = "VMCALL with invalid SMM-monitor features",
    [25] = "VM entry with invalid VM-execution control fields in executive VMCS",
    [26] = "VM entry with events blocked by MOV SS",
    [28] = "invalid operand to INVEPT/INVVPID",
};

static const char *entry_exit_reasons[] = {
    [EXIT_REASON_INVALID_GUEST_STATE] = "invalid guest state",
    [EXIT_REASON_MSR_LOADING] = "MSR loading",
    [EXIT_REASON_MCE_DURING_ENTRY] = "machine-check event",
};

/* Run one group of the checklist over the current VMCS. */
static void find_field(struct vmx_entry_failure *f,
                       bool (*group)(struct vmx_check *c))
{
    struct vmx_check c = {
        .read = vmcs_read_current, .msrs = vmx_msrs(), .paddr_bits = paddr_bits,
    };

    if (group(&c))
        return;
    f->field = c.field;
    f->value = c.value;
    f->rule = c.rule;
}

static void explain_exit(struct vmx_entry_failure *f)
{
    f->qualification = vmread(EXIT_QUALIFICATION);
    switch (EXIT_REASON_BASIC(f->exit_reason)) {
    case EXIT_REASON_INVALID_GUEST_STATE:
        if (f->qualification == ENTRY_FAIL_QUAL_LINK_POINTER) {
            f->field = VMCS_LINK_POINTER;
            f->value = vmread(VMCS_LINK_POINTER);
            f->rule = "invalid VMCS link pointer";
            return;
        }
        find_field(f, vmx_check_guest_state);
        return;
    case EXIT_REASON_MSR_LOADING:
        f->field = VM_ENTRY_MSR_LOAD_ADDR;
        f->value = vmread(VM_ENTRY_MSR_LOAD_ADDR);
        f->rule = "an entry of the VM-entry MSR-load area (the qualification's)";
        return;
    }
}

bool vmx_entry_failed(enum vmx_status st, struct vmx_entry_failure *f)
{
    *f = (struct vmx_entry_failure){ .status = st };
    if (st == VMX_FAIL_INVALID)
        return true;
    if (st == VMX_FAIL_VALID) {
        f->error = vmread(VM_INSTRUCTION_ERROR);
        if (f->error == VMX_ERR_ENTRY_INVALID_CONTROL)
            find_field(f, vmx_check_controls);
        else if (f->error == VMX_ERR_ENTRY_INVALID_HOST)
            find_field(f, vmx_check_host_state);
        return true;
    }
    f->exit_reason = vmread(VM_EXIT_REASON);
    if (!(f->exit_reason & EXIT_REASON_ENTRY_FAILED))
        return false;
    explain_exit(f);
    return true;
}

static const char *lookup(const char *const *table, size_t n, unsigned int i)
{
    return i < n && table[i] ? table[i] : "unknown";
}

void vmx_print_entry_failure(const char *who, const struct vmx_entry_failure *f)
{
    if (f->status == VMX_FAIL_INVALID) {
        printk(XENLOG_ERR "%s: VM entry failed: no current VMCS (VMfailInvalid)\n", who);
        return;
    }
    if (f->status == VMX_FAIL_VALID)
        printk(XENLOG_ERR "%s: VM entry failed: VM-instruction error %u (%s)\n", who,
               f->error, lookup(instruction_errors, ARRAY_SIZE(instruction_errors), f->error));
    else
        printk(XENLOG_ERR "%s: VM entry failed: exit reason %#x (%s), exit qualification %#lx\n",
               who, f->exit_reason,
               lookup(entry_exit_reasons, ARRAY_SIZE(entry_exit_reasons),
                      EXIT_REASON_BASIC(f->exit_reason)),
               (unsigned long)f->qualification);
    if (f->rule)
        printk(XENLOG_ERR "%s: VMCS field %s = %#lx: %s\n", who,
               vmcs_field_name(f->field) ?: "?", (unsigned long)f->value, f->rule);
    else
        printk(XENLOG_ERR "%s: no rule of the VM-entry checklist is broken\n", who);
}
