/*
 * The virtual interrupt flag of a PV vCPU: vcpu_info.evtchn_upcall_mask
 * (events.h).  An HVM vCPU uses its real RFLAGS.IF instead (hvm/irq.c).
 */
#include <guest/guest.h>

/* Events arrive through the event callback (and the failsafe one). */
void g_upcall_init(void)
{
    struct callback_register event = {
        .type = CALLBACKTYPE_event,
        .address = (uint64_t)g_event_entry,
    };
    struct callback_register failsafe = {
        .type = CALLBACKTYPE_failsafe,
        .flags = CALLBACKF_mask_events,
        .address = (uint64_t)g_failsafe_entry,
    };

    if (hc_callback_op(CALLBACKOP_register, &event) < 0 ||
        hc_callback_op(CALLBACKOP_register, &failsafe) < 0)
        g_panic("callback_op(register) failed");
}

void g_force_upcall(void)
{
    hc_xen_version(XENVER_version, NULL);
}

void g_irq_disable(void)
{
    g_this_vcpu_info()->evtchn_upcall_mask = 1;
    g_barrier();
}

void g_irq_enable(void)
{
    struct vcpu_info *vi = g_this_vcpu_info();

    g_barrier();
    vi->evtchn_upcall_mask = 0;
    g_barrier();
    /* Anything that arrived while masked is delivered on the way out of
     * the next hypercall: make one. */
    if (vi->evtchn_upcall_pending)
        g_force_upcall();
}

unsigned int g_irq_save(void)
{
    struct vcpu_info *vi = g_this_vcpu_info();
    unsigned int old = vi->evtchn_upcall_mask;

    vi->evtchn_upcall_mask = 1;
    g_barrier();
    return old;
}

void g_irq_restore(unsigned int old_mask)
{
    if (old_mask == 0)
        g_irq_enable();
}

bool g_irqs_enabled(void)
{
    return g_this_vcpu_info()->evtchn_upcall_mask == 0;
}

void g_block(void)
{
    hc_sched_op(SCHEDOP_block, NULL);
}
