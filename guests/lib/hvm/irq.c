/*
 * The interrupt flag of a PVH vCPU is its RFLAGS.IF: events come as the
 * callback vector (HVM_PARAM_CALLBACK_IRQ), an interrupt like any other.
 * Blocking is `sti; hlt`: the hypervisor wakes the vCPU when an event or
 * an APIC interrupt is due.
 */
#include <guest/guest.h>
#include <guest/hvm.h>

static void callback(unsigned int vector, struct g_frame *f)
{
    g_event_dispatch(f);
}

void g_upcall_init(void)
{
    g_set_irq_handler(G_HVM_CALLBACK_VECTOR, callback);
    if (g_hvm_set_param(HVM_PARAM_CALLBACK_IRQ,
                        ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR <<
                         HVM_PARAM_CALLBACK_TYPE_SHIFT) | G_HVM_CALLBACK_VECTOR) < 0)
        g_panic("cannot set the event callback vector");
}

/* An event already pending is taken as soon as interrupts are on. */
void g_force_upcall(void)
{
}

void g_irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}

void g_irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}

unsigned int g_irq_save(void)
{
    uint64_t f;

    __asm__ volatile("pushf; pop %0; cli" : "=r"(f) :: "memory");
    return !(f & G_RFLAGS_IF);          /* 1: was disabled, as the PV mask */
}

void g_irq_restore(unsigned int old_mask)
{
    if (old_mask == 0)
        g_irq_enable();
}

bool g_irqs_enabled(void)
{
    uint64_t f;

    __asm__ volatile("pushf; pop %0" : "=r"(f));
    return f & G_RFLAGS_IF;
}

/* sti's one-instruction shadow covers the hlt: no wake-up is lost. */
void g_block(void)
{
    __asm__ volatile("sti; hlt" ::: "memory");
}
