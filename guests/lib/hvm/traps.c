/*
 * The IDT of a PVH guest: every vector enters g_hvm_vector with a struct
 * g_frame (head.S); exceptions go to the handlers of trap_dispatch.c,
 * interrupt vectors to their g_set_irq_handler handlers, which end with
 * an EOI of the local APIC -- except the callback vector, which Xen
 * injects directly, not through the APIC.
 */
#include <guest/guest.h>
#include <guest/hvm.h>

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
};
#define GATE_INTR       0x8e            /* present, DPL 0, 64-bit interrupt gate */
#define SEL_CODE64      0x08
#define STUB_SIZE       16

extern const char g_hvm_vectors[];
static struct idt_gate idt[256] __attribute__((aligned(16)));
static g_irq_handler_t irq_handlers[256];

static void load_idt(void)
{
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) p = {
        sizeof(idt) - 1, (uint64_t)idt };

    __asm__ volatile("lidt %0" :: "m"(p));
}

void g_hvm_traps_init(void)
{
    for (unsigned int v = 0; v < 256; v++) {
        uint64_t a = (uint64_t)g_hvm_vectors + v * STUB_SIZE;
        idt[v] = (struct idt_gate){ (uint16_t)a, SEL_CODE64, 0, GATE_INTR,
                                    (uint16_t)(a >> 16), (uint32_t)(a >> 32), 0 };
    }
    load_idt();
}

/* A secondary vCPU shares the table. */
void g_traps_init(void)
{
    load_idt();
}

uint64_t g_fault_cr2(void)
{
    uint64_t cr2;

    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    return cr2;
}

void g_set_irq_handler(unsigned int vector, g_irq_handler_t h)
{
    if (vector >= G_NR_EXCEPTIONS && vector < 256)
        irq_handlers[vector] = h;
}

void g_hvm_vector(struct g_frame *f)
{
    unsigned int v = (unsigned int)f->vector;

    if (v < G_NR_EXCEPTIONS) {
        g_trap_dispatch(f);
        return;
    }
    if (irq_handlers[v])
        irq_handlers[v](v, f);
    if (v != G_HVM_CALLBACK_VECTOR && v != G_HVM_SPURIOUS_VECTOR && !g_hvm_native())
        g_apic_eoi();
}
