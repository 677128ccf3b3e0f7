/*
 * Events for the guest (Intel SDM vol. 3C 26.6): one injected through the
 * VM-entry interruption-information field at the next entry, the
 * interrupt window (24.6.2: exit as soon as the guest can take an
 * interrupt), skipping the exiting instruction together with the interrupt
 * shadow it leaves, and an event the exit interrupted on its way into the
 * guest, which is delivered again (27.2.4).
 */
#include "asm/processor.h"
#include "asm/vmx.h"
#include "xen/lib.h"
#include "xen/sched.h"

#include "vmx.h"

static const uint32_t event_type[] = {
    [HVM_EVENT_EXT_INTR] = INTR_TYPE_EXT_INTR,
    [HVM_EVENT_NMI] = INTR_TYPE_NMI,
    [HVM_EVENT_EXCEPTION] = INTR_TYPE_HW_EXCEPTION,
};

void vmx_inject_event(struct vcpu *v, const struct hvm_event *e)
{
    uint32_t info = INTR_INFO_VALID | (event_type[e->type] << INTR_INFO_TYPE_SHIFT) | e->vector;

    vmx_use(v);
    if (e->has_error) {
        info |= INTR_INFO_DELIVER_CODE;
        vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, e->error);
    }
    vmwrite(VM_ENTRY_INTR_INFO, info);
    vmx_release(v);
}

bool vmx_event_pending(struct vcpu *v)
{
    bool pending;

    vmx_use(v);
    pending = vmread(VM_ENTRY_INTR_INFO) & INTR_INFO_VALID;
    vmx_release(v);
    return pending;
}

enum hvm_intblk vmx_interrupt_blocked(struct vcpu *v)
{
    enum hvm_intblk why = HVM_INTBLK_NONE;

    vmx_use(v);
    if (!(guest_cpu_user_regs()->rflags & X86_EFLAGS_IF) ||
        (vmread(VM_ENTRY_INTR_INFO) & INTR_INFO_VALID))
        why = HVM_INTBLK_OTHER;
    else if (vmread(GUEST_INTERRUPTIBILITY_INFO) & (INTR_STATE_STI | INTR_STATE_MOV_SS))
        why = HVM_INTBLK_SHADOW;
    vmx_release(v);
    return why;
}

void vmx_set_intr_window(struct vcpu *v, bool on)
{
    uint64_t proc;

    vmx_use(v);
    proc = vmread(CPU_BASED_VM_EXEC_CONTROL);
    if (!!(proc & PROC_INTR_WINDOW_EXITING) != on)
        vmwrite(CPU_BASED_VM_EXEC_CONTROL, proc ^ PROC_INTR_WINDOW_EXITING);
    vmx_release(v);
}

void vmx_advance_rip(struct vcpu *v, unsigned int len)
{
    uint64_t intr;

    vmx_use(v);
    guest_cpu_user_regs()->rip += len;
    intr = vmread(GUEST_INTERRUPTIBILITY_INFO);
    if (intr & (INTR_STATE_STI | INTR_STATE_MOV_SS))
        vmwrite(GUEST_INTERRUPTIBILITY_INFO, intr & ~(INTR_STATE_STI | INTR_STATE_MOV_SS));
    vmx_release(v);
}

/* An event cut short by the exit: deliver it at the next entry (27.2.4). */
void vmx_reinject_after_exit(void)
{
    uint64_t idt = vmread(IDT_VECTORING_INFO);
    unsigned int type = (idt >> INTR_INFO_TYPE_SHIFT) & 7;

    if (!(idt & INTR_INFO_VALID))
        return;
    if (idt & INTR_INFO_DELIVER_CODE)
        vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, vmread(IDT_VECTORING_ERROR_CODE));
    if (type == INTR_TYPE_SW_INTR || type == INTR_TYPE_PRIV_SW_EXCEPTION ||
        type == INTR_TYPE_SW_EXCEPTION)
        vmwrite(VM_ENTRY_INSTRUCTION_LEN, vmread(VM_EXIT_INSTRUCTION_LEN));
    vmwrite(VM_ENTRY_INTR_INFO, idt & ~INTR_INFO_RESERVED);
}
