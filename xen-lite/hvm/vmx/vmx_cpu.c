/*
 * VMX on each physical CPU (Intel SDM vol. 3C 23.6-23.8).  The boot CPU
 * detects VMX (CPUID.1:ECX.VMX), makes sure the firmware left it enabled
 * (IA32_FEATURE_CONTROL, locking it ourselves if it did not), reads the
 * capability MSRs and computes the controls (vmx_caps.c).  Every CPU then
 * enters VMX root operation with a VMXON region of its own, once CR0 and
 * CR4 meet the bits VMX fixes.  A CPU where any step fails leaves VMX off on
 * the whole machine, with the reason in the boot log: PV guests are not
 * affected.
 */
#include "asm/msr.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "asm/vmx.h"
#include "asm/vmx_cpu.h"
#include "asm/vmx_insn.h"
#include "xen/lib.h"
#include "xen/mm.h"
#include "xen/percpu.h"
#include "xen_errno.h"

static struct vmx_msrs msrs;
static struct vmx_config config;
static char unusable[80];
static bool vmx_in_use;                 /* usable for HVM guests */
static void *vmxon_region[NR_CPUS];

const struct vmx_config *vmx_config(void)
{
    return vmx_in_use ? &config : NULL;
}

const struct vmx_msrs *vmx_msrs(void)
{
    return &msrs;
}

bool vmx_cpu_on(unsigned int cpu)
{
    return cpu < NR_CPUS && vmxon_region[cpu];
}

/* The capability MSRs; those a CPU may lack only where it has them (A.1,
 * A.3.3: the secondary and EPT/VPID MSRs exist only if allowed). */
static void read_msrs(struct vmx_msrs *m)
{
    bool true_ctls;

    m->basic = rdmsr(MSR_IA32_VMX_BASIC);
    true_ctls = m->basic & VMX_BASIC_TRUE_CTLS;
    m->misc = rdmsr(MSR_IA32_VMX_MISC);
    m->ctl[VMX_CTL_PIN] = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS
                                          : MSR_IA32_VMX_PINBASED_CTLS);
    m->ctl[VMX_CTL_PROC] = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS
                                           : MSR_IA32_VMX_PROCBASED_CTLS);
    m->ctl[VMX_CTL_EXIT] = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS
                                           : MSR_IA32_VMX_EXIT_CTLS);
    m->ctl[VMX_CTL_ENTRY] = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS
                                            : MSR_IA32_VMX_ENTRY_CTLS);
    if ((m->ctl[VMX_CTL_PROC] >> 32) & PROC_SECONDARY_CONTROLS)
        m->ctl[VMX_CTL_PROC2] = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
    if ((m->ctl[VMX_CTL_PROC2] >> 32) & (PROC2_EPT | PROC2_VPID))
        m->ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
    m->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
    m->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
    m->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
    m->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
}

/* 23.7: VMXON needs IA32_FEATURE_CONTROL locked with VMX outside SMX on. */
static bool feature_control_allows_vmx(void)
{
    uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

    if (!(fc & FEATURE_CONTROL_LOCK)) {
        fc |= FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX;
        wrmsr(MSR_IA32_FEATURE_CONTROL, fc);
    }
    return fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX;
}

static int vmx_off(const char *why)
{
    printk(XENLOG_ERR "VMX: CPU%u: %s\n", smp_processor_id(), why);
    return -XEN_ENODEV;
}

/* Enter VMX root operation on this CPU (23.8). */
int vmx_cpu_enable(void)
{
    unsigned int cpu = smp_processor_id();
    uint64_t cr0 = read_cr0(), cr4 = read_cr4() | X86_CR4_VMXE;
    uint32_t *region;

    if (!vmx_in_use)
        return -XEN_ENODEV;
    if (!feature_control_allows_vmx())
        return vmx_off("disabled by the firmware (IA32_FEATURE_CONTROL)");
    if ((cr0 & config.cr0_fixed0) != config.cr0_fixed0 || (cr0 & ~config.cr0_fixed1) ||
        (cr4 & config.cr4_fixed0) != config.cr4_fixed0 || (cr4 & ~config.cr4_fixed1))
        return vmx_off("CR0/CR4 do not meet VMX's fixed bits");
    region = alloc_xenheap_pages(0, config.below_4g ? MEMF_below_4G : 0);
    if (!region)
        return vmx_off("no memory for the VMXON region");
    region[0] = config.revision;        /* bit 31 clear: not a shadow VMCS */
    write_cr4(cr4);
    if (vmxon(virt_to_maddr(region)) != VMX_SUCCEED) {
        write_cr4(cr4 & ~X86_CR4_VMXE);
        free_xenheap_pages(region, 0);
        return vmx_off("VMXON failed");
    }
    vmxon_region[cpu] = region;
    return 0;
}

const char *vmx_probe(void)
{
    char desc[200];

    if (!(cpuid(1).ecx & CPUID1_ECX_VMX))
        return "this CPU has no VMX";
    if (!feature_control_allows_vmx())
        return "VMX is disabled by the firmware (IA32_FEATURE_CONTROL)";
    read_msrs(&msrs);
    vmx_compute_config(&msrs, &config);
    if (!config.usable) {
        snprintf(unusable, sizeof(unusable), "VMX lacks %s", config.why);
        return unusable;
    }
    vmx_describe(&config, desc, sizeof(desc));
    printk("VMX: %s\n", desc);
    if (!config.hap)
        printk("VMX: no nested paging: this CPU has no %s\n", config.why);
    vmx_in_use = true;
    return NULL;
}
