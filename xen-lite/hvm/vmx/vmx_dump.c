/*
 * A vCPU's VMCS, printed when its domain crashes for something the back
 * end saw (a failed VM entry, an exit nothing handles); a failed entry
 * comes with the field the VM-entry checklist names (vmx_fail.c).
 */
#include "asm/vmx.h"
#include "xen/lib.h"
#include "xen/sched.h"

#include "vmx.h"

static const uint32_t dumped[] = {
    VM_EXIT_REASON, EXIT_QUALIFICATION, GUEST_PHYSICAL_ADDRESS, VM_EXIT_INTR_INFO,
    IDT_VECTORING_INFO, VM_ENTRY_INTR_INFO, GUEST_RIP, GUEST_RSP, GUEST_RFLAGS,
    GUEST_CR0, CR0_READ_SHADOW, GUEST_CR3, GUEST_CR4, CR4_READ_SHADOW, GUEST_IA32_EFER,
    GUEST_CS_SELECTOR, GUEST_CS_AR_BYTES, GUEST_SS_AR_BYTES, GUEST_TR_AR_BYTES,
    GUEST_INTERRUPTIBILITY_INFO, GUEST_ACTIVITY_STATE, PIN_BASED_VM_EXEC_CONTROL,
    CPU_BASED_VM_EXEC_CONTROL, SECONDARY_VM_EXEC_CONTROL, VM_ENTRY_CONTROLS,
    VM_EXIT_CONTROLS, EPT_POINTER, VIRTUAL_PROCESSOR_ID,
};

void vmx_dump(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx_use(v);
    char who[16];

    snprintf(who, sizeof(who), "d%uv%u", v->domain->domain_id, v->vcpu_id);
    if (s->fail.status != VMX_SUCCEED || s->fail.exit_reason)
        vmx_print_entry_failure(who, &s->fail);
    printk("%s VMCS:\n", who);
    for (size_t i = 0; i < ARRAY_SIZE(dumped); i += 2)
        printk("  %-28s %016lx  %-28s %016lx\n", vmcs_field_name(dumped[i]),
               (unsigned long)vmcs_read_current(NULL, dumped[i]),
               i + 1 < ARRAY_SIZE(dumped) ? vmcs_field_name(dumped[i + 1]) : "",
               i + 1 < ARRAY_SIZE(dumped) ? (unsigned long)vmcs_read_current(NULL, dumped[i + 1]) : 0UL);
    if (s->own_view)
        printk("  the guest's own CR3 %016lx EFER %016lx (the VMCS has the shadows')\n",
               (unsigned long)s->cr3, (unsigned long)s->efer);
    vmx_release(v);
}
