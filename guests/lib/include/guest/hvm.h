/*
 * The HVM (PVH) flavour of the guest library: what only a PVH guest has.
 * The rest of the library's interface is the same as for PV guests; the
 * HVM flavour implements it over hardware: memory 1:1 (a guest frame
 * number is its physical address >> 12, mapped at that address), the real
 * IDT and RFLAGS.IF, events through a callback vector, a console on COM1
 * for a domU, vCPUs started with a vcpu_hvm_context.
 *
 * A PVH guest also boots with no hypervisor at all (QEMU's -kernel): then
 * g_hvm_native() is true and only the console and g_exit work.
 */
#ifndef GUEST_HVM_H
#define GUEST_HVM_H

#include <stdbool.h>
#include <stdint.h>
#include "hvm_op.h"

#define G_HVM_CALLBACK_VECTOR   0xf3    /* event upcalls (Xen's callback) */
#define G_HVM_SPURIOUS_VECTOR   0xff

extern const struct hvm_start_info *g_hvm_start_info;

bool g_hvm_native(void);
bool g_is_hvm(void);

/* hvm_op get/set_param on ourselves. */
int g_hvm_get_param(uint32_t index, uint64_t *value);
int g_hvm_set_param(uint32_t index, uint64_t value);

/* The x2APIC of this vCPU (apic.c). */
void g_apic_init(void);
uint64_t g_apic_read(uint32_t reg);
void g_apic_write(uint32_t reg, uint64_t val);
void g_apic_eoi(void);
void g_apic_ipi(uint32_t dest, uint8_t vector);
/* A one-shot or periodic interrupt on vector after count bus ticks
 * (divide by 1; Xen's and xen-lite's bus clock: 1 GHz). */
void g_apic_timer(uint8_t vector, uint32_t count, bool periodic);
uint32_t g_apic_timer_count(void);

/* A handler for an interrupt vector >= 32 (runs with IF clear). */
typedef void (*g_irq_handler_t)(unsigned int vector, struct g_frame *f);
void g_set_irq_handler(unsigned int vector, g_irq_handler_t h);

/* Port I/O and MSRs. */
static inline void g_outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port));
}
static inline uint8_t g_inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint64_t g_rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void g_wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
                     : "memory");
}
static inline void g_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

/* Internal: head.S and start.c. */
void g_hvm_start(uint64_t start_info_pa);
void g_hvm_ap_entry(void);
void g_hvm_ap_start(unsigned int id);
void g_hvm_vector(struct g_frame *f);
void g_hvm_traps_init(void);
void g_hvm_mm_init(void);
/* multiboot2.c: a Multiboot2 loader's boot information (head.S keeps its
 * address, 0 under a PVH loader) as an hvm_start_info's physical address. */
extern uint32_t g_multiboot2_info;
uint64_t g_hvm_multiboot2_start_info(void);
extern uint64_t g_hvm_boot_l4[];

#endif /* GUEST_HVM_H */
