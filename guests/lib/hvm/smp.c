/*
 * How a PVH vCPU starts (smp.c does the rest): VCPUOP_initialise with a
 * 64-bit vcpu_hvm_context -- our page tables, its stack, its id in rdi --
 * at g_hvm_ap_entry (head.S), which loads our GDT; then the GS base, the
 * IDT and its x2APIC.
 */
#include <guest/guest.h>
#include <guest/hvm.h>

#define CR0_BOOT    ((1u << 0) | (1u << 4) | (1u << 5) | (1u << 16) | (1u << 31))
#define CR4_BOOT    ((1u << 5) | (1u << 9) | (1u << 10))   /* PAE OSFXSR OSXMMEXCPT */
#define EFER_BOOT   ((1u << 0) | (1u << 8) | (1u << 10))   /* SCE LME LMA */
#define MSR_GS_BASE 0xc0000101

static struct vcpu_hvm_context boot_ctxt;  /* one bring-up at a time */

int g_cpu_boot(struct g_cpu *c)
{
    struct vcpu_hvm_x86_64 *r = &boot_ctxt.cpu_regs.x86_64;

    memset(&boot_ctxt, 0, sizeof(boot_ctxt));
    boot_ctxt.mode = VCPU_HVM_MODE_64B;
    r->rip = (uint64_t)g_hvm_ap_entry;
    r->rsp = c->stack_top;
    r->rdi = c->id;
    r->rflags = 2;
    r->cr0 = CR0_BOOT;
    r->cr3 = (uint64_t)g_hvm_boot_l4 - G_VIRT_BASE;
    r->cr4 = CR4_BOOT;
    r->efer = EFER_BOOT;
    return (int)hc_vcpu_op(VCPUOP_initialise, c->id, &boot_ctxt);
}

void g_hvm_ap_start(unsigned int id)
{
    struct g_cpu *c = &g_cpus[id];

    g_wrmsr(MSR_GS_BASE, (uint64_t)c);
    g_traps_init();
    g_apic_init();
    g_ap_online(c);
}
