/*
 * The Intel VMX back end (Intel SDM vol. 3C ch. 23-31): a VMCS per vCPU,
 * the world switch, and the operations the common HVM layer uses
 * (hvm/backend.h).  Detection, VMXON, the controls, the VMCS contents and
 * the VM-entry checklist are in the other files of hvm/vmx/.
 *
 * A VMCS is current on at most one pCPU.  A vCPU's VMCS is loaded when the
 * vCPU is switched in (vcpu_load) and cleared when it is switched out
 * (vcpu_put), so it is never active on a pCPU the vCPU left and no remote
 * VMCLEAR is needed; the common layer's reads and writes of a vCPU that is
 * not running (VCPUOP_initialise of a sibling, the domain builder) load
 * its VMCS here for the moment (vmx_use).
 */
#include "asm/msr.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "asm/vmx.h"
#include "asm/vmx_cpu.h"
#include "asm/vmx_exit.h"
#include "asm/vmx_insn.h"
#include "xen/lib.h"
#include "xen/mm.h"
#include "xen/p2m.h"
#include "xen/percpu.h"
#include "xen/sched.h"
#include "xen_errno.h"

#include "vmx.h"

struct vmx_cpu vmx_cpus[NR_CPUS];
uint64_t vmx_msr_bitmap_pa, vmx_io_bitmap_pa[2];

static const uint32_t lazy_msr_index[NR_LAZY_MSRS] = {
    [LAZY_STAR] = MSR_STAR, [LAZY_LSTAR] = MSR_LSTAR, [LAZY_CSTAR] = MSR_CSTAR,
    [LAZY_SFMASK] = MSR_SFMASK, [LAZY_KERNEL_GS_BASE] = MSR_SHADOW_GS_BASE,
};

/* MSRs the guest reaches directly: switched by VM entry and exit (the
 * VMCS's FS/GS bases and SYSENTER fields) or lazily (lazy_msr_index). */
static const uint32_t passthrough_msrs[] = {
    MSR_FS_BASE, MSR_GS_BASE, MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP,
    MSR_IA32_SYSENTER_EIP,
    MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK, MSR_SHADOW_GS_BASE,
};

/* One MSR bitmap and one pair of I/O bitmaps (every port exits) for all. */
static int bitmaps_init(void)
{
    uint8_t *msr = alloc_xenheap_pages(0, 0);
    uint8_t *io_a = alloc_xenheap_pages(0, 0), *io_b = alloc_xenheap_pages(0, 0);

    if (!msr || !io_a || !io_b)
        return -XEN_ENOMEM;
    vmx_msr_bitmap_init(msr);
    for (size_t i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
        vmx_msr_passthrough(msr, passthrough_msrs[i], true, true);
    memset(io_a, 0xff, PAGE_SIZE);
    memset(io_b, 0xff, PAGE_SIZE);
    vmx_msr_bitmap_pa = virt_to_maddr(msr);
    vmx_io_bitmap_pa[0] = virt_to_maddr(io_a);
    vmx_io_bitmap_pa[1] = virt_to_maddr(io_b);
    return 0;
}

static const char *vmx_init(void)
{
    const char *why = vmx_probe();

    if (why)
        return why;
    if (bitmaps_init())
        return "no memory for the MSR and I/O bitmaps";
    if (vmx_config()->hap)
        vmx_backend.hap_max_order = vmx_config()->ept_1g ? 18 : vmx_config()->ept_2m ? 9 : 0;
    return NULL;
}

static int vmx_cpu_up(unsigned int cpu)
{
    struct vmx_cpu *c = &vmx_cpus[cpu];
    int rc = vmx_cpu_enable();

    if (rc)
        return rc;
    for (unsigned int i = 0; i < NR_LAZY_MSRS; i++)
        c->host_lazy[i] = rdmsr(lazy_msr_index[i]);
    c->next_vpid = 1;
    c->generation = 1;
    return 0;
}

static int vmx_domain_create(struct domain *d)
{
    struct vmx_domain *x = xzalloc(struct vmx_domain);

    if (!x)
        return -XEN_ENOMEM;
    d->arch.hvm.hw = x;
    return 0;
}

static void vmx_domain_destroy(struct domain *d)
{
    xfree(d->arch.hvm.hw);
    d->arch.hvm.hw = NULL;
}

/* Make s's VMCS current here, with this pCPU's host state. */
static void load_here(struct vmx_vcpu *s)
{
    struct vmcs_host host;

    vmcs_load(s->vmcs);
    if (s->active_cpu == (int)smp_processor_id())
        return;
    s->active_cpu = smp_processor_id();
    s->launched = false;
    vmcs_host_state(&host);
    vmcs_write_host(&vmcs_current, &host);
}

static void clear_here(struct vmx_vcpu *s)
{
    vmcs_clear(s->vmcs);
    s->active_cpu = -1;
}

struct vmx_vcpu *vmx_use(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx(v);

    if (s->active_cpu >= 0 && s->active_cpu != (int)smp_processor_id())
        panic("d%uv%u: its VMCS is in use on CPU%d", v->domain->domain_id, v->vcpu_id,
              s->active_cpu);
    load_here(s);
    return s;
}

/* After using a vCPU that is not this pCPU's current one: clear it, so
 * that it can be loaded wherever it runs next, and reload current's. */
void vmx_release(struct vcpu *v)
{
    struct vcpu *cur = current;

    if (v == cur)
        return;
    clear_here(vmx(v));
    if (cur && is_hvm_vcpu(cur) && vmx(cur) && vmx(cur)->active_cpu >= 0)
        vmcs_load(vmx(cur)->vmcs);
}

static int vmx_vcpu_create(struct vcpu *v)
{
    struct vmx_vcpu *s = xzalloc(struct vmx_vcpu);
    struct vmcs_controls ctl = {
        .io_bitmap_a = vmx_io_bitmap_pa[0], .io_bitmap_b = vmx_io_bitmap_pa[1],
        .msr_bitmap = vmx_msr_bitmap_pa,
    };

    if (!s || !(s->vmcs = vmcs_alloc())) {
        xfree(s);
        return -XEN_ENOMEM;
    }
    s->active_cpu = -1;
    v->arch.hvm.hw = s;
    vmcs_clear(s->vmcs);
    vmx_use(v);
    vmcs_write_controls(&vmcs_current, vmx_config(), &ctl);
    vmcs_write_pvh_start(&vmcs_current, 0);
    vmx_release(v);
    return 0;
}

static void vmx_vcpu_destroy(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx(v);

    if (!s)
        return;
    if (s->active_cpu == (int)smp_processor_id())
        clear_here(s);
    vmcs_free(s->vmcs);
    xfree(s);
    v->arch.hvm.hw = NULL;
}

static void vmx_vcpu_load(struct vcpu *v)
{
    load_here(vmx(v));
}

/* v leaves this pCPU: its syscall MSRs back to the host's, its VMCS
 * cleared (written back to memory) so another pCPU may load it. */
static void vmx_vcpu_put(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx(v);
    const struct vmx_cpu *c = &vmx_cpus[smp_processor_id()];

    if (s->msrs_loaded) {
        for (unsigned int i = 0; i < NR_LAZY_MSRS; i++) {
            s->lazy[i] = rdmsr(lazy_msr_index[i]);
            wrmsr(lazy_msr_index[i], c->host_lazy[i]);
        }
        s->msrs_loaded = false;
    }
    if (s->active_cpu >= 0)
        clear_here(s);
}

static void load_guest_msrs(struct vmx_vcpu *s)
{
    for (unsigned int i = 0; i < NR_LAZY_MSRS; i++)
        wrmsr(lazy_msr_index[i], s->lazy[i]);
    s->msrs_loaded = true;
}

/*
 * The world switch: RIP, RSP and RFLAGS go to the VMCS, the other
 * registers through vmx_enter; CR2 and the debug registers VMX leaves
 * alone are switched here.  An entry that fails is an exit of its own.
 */
static void vmx_run(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx(v);
    struct cpu_user_regs *regs = guest_cpu_user_regs();
    enum vmx_status st;

    vmx_tlb_before_entry(v, smp_processor_id());
    if (!s->msrs_loaded)
        load_guest_msrs(s);
    vmwrite(GUEST_RIP, regs->rip);
    vmwrite(GUEST_RSP, regs->rsp);
    vmwrite(GUEST_RFLAGS, regs->rflags);
    if (read_cr2() != s->cr2)
        write_cr2(s->cr2);
    st = vmx_enter(regs, s->launched);
    if (vmx_entry_failed(st, &s->fail)) {
        v->arch.hvm.exit = (struct hvm_exit){ .reason = HVM_EXIT_BAD_ENTRY,
                                              .code = s->fail.exit_reason };
        return;
    }
    s->launched = true;
    s->cr2 = read_cr2();
    regs->rip = vmread(GUEST_RIP);
    regs->rsp = vmread(GUEST_RSP);
    regs->rflags = vmread(GUEST_RFLAGS);
    vmx_reinject_after_exit();
    vmx_decode_exit(v, regs);
}

struct hvm_backend vmx_backend = {
    .name = "VMX",
    .hap_max_order = HVM_NO_HAP,
    .shadow = true,
    .p2m_format = &p2m_format_ept,
    .hypercall_insn = { 0x0f, 0x01, 0xc1 },     /* VMCALL */
    .init = vmx_init,
    .cpu_up = vmx_cpu_up,
    .domain_create = vmx_domain_create,
    .domain_destroy = vmx_domain_destroy,
    .vcpu_create = vmx_vcpu_create,
    .vcpu_destroy = vmx_vcpu_destroy,
    .vcpu_load = vmx_vcpu_load,
    .vcpu_put = vmx_vcpu_put,
    .run = vmx_run,
    .inject_event = vmx_inject_event,
    .event_pending = vmx_event_pending,
    .interrupt_blocked = vmx_interrupt_blocked,
    .set_intr_window = vmx_set_intr_window,
    .advance_rip = vmx_advance_rip,
    .get_reg = vmx_get_reg,
    .set_reg = vmx_set_reg,
    .get_seg = vmx_get_seg,
    .set_seg = vmx_set_seg,
    .cpl = vmx_cpl,
    .flush_guest_tlb = vmx_flush_guest_tlb,
    .invlpg = vmx_invlpg,
    .p2m_flush = vmx_p2m_flush,
    .set_paging = vmx_set_paging,
    .dump = vmx_dump,
};
