/*
 * How a PV vCPU starts (smp.c does the rest): a vcpu_guest_context with
 * our kernel page tables, a fresh stack, the virtual IDT and callbacks,
 * and its g_cpu as kernel GS base.
 */
#include <guest/guest.h>

/* One context at a time: bring-up is serialised by the caller (vCPU 0). */
static struct vcpu_guest_context boot_ctxt;

static void fill_context(struct vcpu_guest_context *ctx, struct g_cpu *c)
{
    const struct trap_info *t;
    uint64_t l4_mfn = g_virt_to_mfn((const void *)g_start_info->pt_base);

    memset(ctx, 0, sizeof(*ctx));
    ctx->flags = VGCF_in_kernel | VGCF_failsafe_disables_events |
                 VGCF_syscall_disables_events;
    ctx->user_regs.rip = (uint64_t)g_ap_entry;
    ctx->user_regs.rsp = c->stack_top;
    ctx->user_regs.rdi = c->id;
    ctx->user_regs.cs = FLAT_KERNEL_CS;
    ctx->user_regs.ss = FLAT_KERNEL_SS;
    ctx->user_regs.rflags = G_RFLAGS_IF | 2;    /* bit 1 always reads 1 */
    for (t = g_trap_table; t->address; t++)
        ctx->trap_ctxt[t->vector] = *t;
    ctx->kernel_ss = FLAT_KERNEL_SS;
    ctx->kernel_sp = c->stack_top;
    ctx->ctrlreg[3] = xen_pfn_to_cr3(l4_mfn);
    ctx->event_callback_eip = (uint64_t)g_event_entry;
    ctx->failsafe_callback_eip = (uint64_t)g_failsafe_entry;
    ctx->syscall_callback_eip = (uint64_t)g_syscall_entry;
    ctx->gs_base_kernel = (uint64_t)c;
}

int g_cpu_boot(struct g_cpu *c)
{
    fill_context(&boot_ctxt, c);
    return (int)hc_vcpu_op(VCPUOP_initialise, c->id, &boot_ctxt);
}

/* C side of a new vCPU: GS base, trap table, callbacks and time come from
 * the context VCPUOP_initialise gave it. */
void g_ap_start(unsigned int id)
{
    struct g_cpu *c = g_this_cpu();

    if (c != &g_cpus[id])
        g_panic("vcpu %u: kernel GS base not set up", id);
    g_ap_online(c);
}
