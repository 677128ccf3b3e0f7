/*
 * VMCS regions (Intel SDM vol. 3C 24.2, 24.11): allocation, VMCLEAR and
 * VMPTRLD with the current VMCS of each CPU remembered, VMREAD/VMWRITE of
 * fields the code knows, and this CPU's host state for the fields every VM
 * exit loads (27.5).
 */
#include "asm/desc.h"
#include "asm/msr.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "asm/vmcs.h"
#include "asm/vmcs_ops.h"
#include "asm/vmx_cpu.h"
#include "asm/vmx_insn.h"
#include "xen/lib.h"
#include "xen/mm.h"
#include "xen/percpu.h"

static void *current_vmcs[NR_CPUS];

void *vmcs_alloc(void)
{
    const struct vmx_config *cfg = vmx_config();
    uint32_t *vmcs;

    if (!cfg)
        return NULL;
    vmcs = alloc_xenheap_pages(0, cfg->below_4g ? MEMF_below_4G : 0);
    if (vmcs)
        vmcs[0] = cfg->revision;        /* bit 31 clear: an ordinary VMCS */
    return vmcs;
}

void vmcs_free(void *vmcs)
{
    if (vmcs)
        free_xenheap_pages(vmcs, 0);
}

/* Write the VMCS back to memory and make it inactive: needed before it is
 * loaded on another CPU, and before it is freed (24.11.1). */
void vmcs_clear(void *vmcs)
{
    unsigned int cpu = smp_processor_id();

    if (vmclear(virt_to_maddr(vmcs)) != VMX_SUCCEED)
        panic("VMCLEAR of the VMCS at %p failed", vmcs);
    if (current_vmcs[cpu] == vmcs)
        current_vmcs[cpu] = NULL;
}

void vmcs_load(void *vmcs)
{
    unsigned int cpu = smp_processor_id();

    if (current_vmcs[cpu] == vmcs)
        return;
    if (vmptrld(virt_to_maddr(vmcs)) != VMX_SUCCEED)
        panic("VMPTRLD of the VMCS at %p failed", vmcs);
    current_vmcs[cpu] = vmcs;
}

static __noreturn void field_failed(const char *op, uint32_t field, enum vmx_status st)
{
    uint64_t err = 0;

    if (st == VMX_FAIL_VALID)
        vmread_safe(VM_INSTRUCTION_ERROR, &err);
    panic("%s of %s (%#x) failed: %s, VM-instruction error %lu", op,
          vmcs_field_name(field) ?: "an unknown field", field,
          st == VMX_FAIL_VALID ? "VMfailValid" : "no current VMCS",
          (unsigned long)err);
}

uint64_t vmread(uint32_t field)
{
    uint64_t value;
    enum vmx_status st = vmread_safe(field, &value);

    if (st != VMX_SUCCEED)
        field_failed("VMREAD", field, st);
    return value;
}

void vmwrite(uint32_t field, uint64_t value)
{
    enum vmx_status st = vmwrite_safe(field, value);

    if (st != VMX_SUCCEED)
        field_failed("VMWRITE", field, st);
}

static void write_current(void *opaque, uint32_t field, uint64_t value)
{
    vmwrite(field, value);
}

const struct vmcs_writer vmcs_current = { write_current, NULL };

uint64_t vmcs_read_current(void *opaque, uint32_t field)
{
    uint64_t value;

    /* A field this CPU lacks reads as 0 for the checklist. */
    return vmread_safe(field, &value) == VMX_SUCCEED ? value : 0;
}

extern const char vmx_exit_entry[];

/* This CPU's state as a VM exit must restore it: the hypervisor's own page
 * tables (what an HVM vCPU runs over), whatever CR3 is loaded now. */
void vmcs_host_state(struct vmcs_host *h)
{
    struct desc_ptr gdtr, idtr;

    __asm__ __volatile__("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
    *h = (struct vmcs_host){
        .cr0 = read_cr0(), .cr3 = virt_to_maddr(idle_pg_table), .cr4 = read_cr4(),
        .efer = rdmsr(MSR_EFER), .pat = rdmsr(MSR_IA32_PAT),
        .cs = __HYPERVISOR_CS, .ss = __HYPERVISOR_DS, .tr = TSS_SELECTOR,
        .tr_base = (unsigned long)&this_cpu()->tss,
        .gdtr_base = gdtr.base, .idtr_base = idtr.base,
        .rip = (unsigned long)vmx_exit_entry,
    };
}
