/*
 * VMX self-checks (part of the `selftest` boot option): every CPU is in VMX
 * root operation; VMREAD/VMWRITE work and report an unsupported field; a
 * PVH start state built by vmcs_state.c passes the VM-entry checklist and
 * really enters the guest, whose first instruction fetch meets an empty EPT
 * (exit 48 at the entry point); and entries broken on purpose -- a guest,
 * a control and a host field -- fail on the CPU and are reported with the
 * field the checklist names, so the checklist is proven against the CPU.
 */
#include "asm/msr.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "asm/vmcs.h"
#include "asm/vmcs_ops.h"
#include "asm/vmx.h"
#include "asm/vmx_check.h"
#include "asm/vmx_cpu.h"
#include "xen/lib.h"
#include "xen/mm.h"
#include "xen/percpu.h"
#include "xen/pv_mm.h"
#include "xen/selftest.h"

#define GUEST_ENTRY     0x100000UL
#define EPTP_WB_4LEVEL  (VMX_MEMTYPE_WB | (3 << 3))    /* SDM 24.6.11 */
#define NO_SUCH_FIELD   0x4c02                          /* no such encoding */

/* A VMCS, its bitmaps and an empty EPT, made current on this CPU. */
struct test_vm {
    void *vmcs, *io_a, *io_b, *msr, *ept;
    struct cpu_user_regs regs;
};

static void *zeroed_page(void)
{
    void *p = alloc_xenheap_pages(0, 0);

    if (p)
        memset(p, 0, PAGE_SIZE);
    return p;
}

static void test_vm_free(struct test_vm *vm)
{
    if (vm->vmcs)
        vmcs_clear(vm->vmcs);
    vmcs_free(vm->vmcs);
    for (void **p = &vm->io_a; p <= &vm->ept; p++)
        if (*p)
            free_xenheap_pages(*p, 0);
}

static const char *test_vm_init(struct test_vm *vm)
{
    const struct vmx_config *cfg = vmx_config();
    struct vmcs_controls ctl;
    struct vmcs_host host;

    *vm = (struct test_vm){ .vmcs = vmcs_alloc() };
    vm->io_a = zeroed_page();
    vm->io_b = zeroed_page();
    vm->msr = zeroed_page();
    vm->ept = zeroed_page();
    if (!vm->vmcs || !vm->io_a || !vm->io_b || !vm->msr || !vm->ept)
        return "out of memory";
    vmcs_clear(vm->vmcs);
    vmcs_load(vm->vmcs);
    ctl = (struct vmcs_controls){
        .vpid = cfg->vpid ? 1 : 0, .eptp = virt_to_maddr(vm->ept) | EPTP_WB_4LEVEL,
        .io_bitmap_a = virt_to_maddr(vm->io_a), .io_bitmap_b = virt_to_maddr(vm->io_b),
        .msr_bitmap = virt_to_maddr(vm->msr),
    };
    vmcs_write_controls(&vmcs_current, cfg, &ctl);
    vmcs_host_state(&host);
    vmcs_write_host(&vmcs_current, &host);
    vmcs_write_pvh_start(&vmcs_current, GUEST_ENTRY);
    return NULL;
}

static enum vmx_status enter(struct test_vm *vm)
{
    enum vmx_status st;

    local_irq_disable();
    st = vmx_enter(&vm->regs, false);
    local_irq_enable();
    return st;
}

static const char *test_every_cpu_in_vmx_operation(void)
{
    for_each_online_cpu(cpu)
        if (!vmx_cpu_on(cpu))
            return "a CPU did not execute VMXON";
    return NULL;
}

static const char *test_vmread_vmwrite(void)
{
    struct test_vm vm;
    const char *bad = test_vm_init(&vm);
    uint64_t v;

    if (!bad) {
        vmwrite(GUEST_RSP, 0x12345678);
        if (vmread(GUEST_RSP) != 0x12345678)
            bad = "GUEST_RSP did not read back";
        else if (vmread_safe(NO_SUCH_FIELD, &v) != VMX_FAIL_VALID ||
                 vmread(VM_INSTRUCTION_ERROR) != VMX_ERR_UNSUPPORTED_FIELD)
            bad = "VMREAD of a field that does not exist did not fail with error 12";
    }
    test_vm_free(&vm);
    return bad;
}

static const char *checklist_passes(void)
{
    struct vmx_check c = { .read = vmcs_read_current, .msrs = vmx_msrs(),
                           .paddr_bits = paddr_bits };

    if (!vmx_check_controls(&c) || !vmx_check_host_state(&c) ||
        !vmx_check_guest_state(&c)) {
        printk(XENLOG_ERR "selftest: vmx: %s = %#lx: %s\n", vmcs_field_name(c.field),
               (unsigned long)c.value, c.rule);
        return "the PVH start state breaks the VM-entry checklist";
    }
    return NULL;
}

static const char *test_pvh_start_enters_guest(void)
{
    struct test_vm vm;
    const char *bad = test_vm_init(&vm);
    struct vmx_entry_failure f;
    enum vmx_status st;

    if (!bad)
        bad = checklist_passes();
    if (!bad) {
        vm.regs.rbx = 0x5eed;
        st = enter(&vm);
        if (vmx_entry_failed(st, &f)) {
            vmx_print_entry_failure("selftest", &f);
            bad = "the VM entry failed";
        } else if (vmread(VM_EXIT_REASON) != EXIT_REASON_EPT_VIOLATION)
            bad = "the first exit was not an EPT violation";
        else if (vmread(GUEST_PHYSICAL_ADDRESS) != GUEST_ENTRY)
            bad = "the EPT violation was not at the entry point";
        else if (vm.regs.rbx != 0x5eed)
            bad = "the guest's rbx did not survive the round trip";
    }
    test_vm_free(&vm);
    return bad;
}

/* Break one field, enter, and expect the failure to name that field. */
static const char *expect_named_failure(uint32_t field, uint64_t value,
                                        enum vmx_status want)
{
    struct test_vm vm;
    const char *bad = test_vm_init(&vm);
    struct vmx_entry_failure f;

    if (bad) {
        test_vm_free(&vm);
        return bad;
    }
    vmwrite(field, value);
    if (!vmx_entry_failed(enter(&vm), &f))
        bad = "the CPU entered the guest";
    else if (f.status != want)
        bad = "the entry failed another way than expected";
    else if (!f.rule || f.field != field)
        bad = "the report does not name the broken field";
    if (f.rule || bad)
        vmx_print_entry_failure("selftest", &f);
    test_vm_free(&vm);
    return bad;
}

static const char *test_bad_guest_field_named(void)
{
    /* CR0.PG without CR0.PE: invalid even for an unrestricted guest. */
    return expect_named_failure(GUEST_CR0, X86_CR0_PG | X86_CR0_NE, VMX_SUCCEED);
}

static const char *test_bad_control_named(void)
{
    const struct vmx_config *cfg = vmx_config();
    uint32_t may1 = vmx_msrs()->ctl[VMX_CTL_PIN] >> 32;
    uint32_t bit = ~may1 & -~may1;          /* the lowest forbidden bit */

    if (!bit)
        return NULL;                        /* every pin control allowed */
    return expect_named_failure(PIN_BASED_VM_EXEC_CONTROL,
                                cfg->ctl[VMX_CTL_PIN] | bit, VMX_FAIL_VALID);
}

static const char *test_bad_host_field_named(void)
{
    return expect_named_failure(HOST_CR4, read_cr4() & ~X86_CR4_VMXE, VMX_FAIL_VALID);
}

void vmx_selftests(selftest_report_fn *report)
{
    if (!vmx_config())
        return;
    report("vmx_every_cpu_in_vmx_operation", test_every_cpu_in_vmx_operation());
    report("vmx_vmread_vmwrite", test_vmread_vmwrite());
    if (!vmx_config()->hap)
        return;
    report("vmx_pvh_start_enters_guest", test_pvh_start_enters_guest());
    report("vmx_bad_guest_field_named", test_bad_guest_field_named());
    report("vmx_bad_control_named", test_bad_control_named());
    report("vmx_bad_host_field_named", test_bad_host_field_named());
}
