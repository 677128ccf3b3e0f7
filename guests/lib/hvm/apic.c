/*
 * This vCPU's local APIC in x2APIC mode (Intel SDM vol. 3 §10.12):
 * registers are MSRs 0x800 + offset / 16.
 */
#include <guest/guest.h>
#include <guest/hvm.h>

#define MSR_APIC_BASE       0x1b
#define  APIC_BASE_EN       (1ull << 11)
#define  APIC_BASE_EXTD     (1ull << 10)
#define X2APIC(off)         (0x800 + ((off) >> 4))
#define APIC_EOI            0x0b0
#define APIC_SVR            0x0f0
#define  SVR_ENABLE         (1u << 8)
#define APIC_ICR            0x300
#define APIC_LVT_TIMER      0x320
#define  LVT_PERIODIC       (1u << 17)
#define APIC_TMICT          0x380
#define APIC_TMCCT          0x390
#define APIC_TDCR           0x3e0
#define  TDCR_DIV_1         0xb

uint64_t g_apic_read(uint32_t reg)
{
    return g_rdmsr(X2APIC(reg));
}

void g_apic_write(uint32_t reg, uint64_t val)
{
    g_wrmsr(X2APIC(reg), val);
}

void g_apic_eoi(void)
{
    g_apic_write(APIC_EOI, 0);
}

/* x2APIC on (xAPIC first, as the SDM's state machine wants), software enabled. */
void g_apic_init(void)
{
    uint64_t base = g_rdmsr(MSR_APIC_BASE);

    if (!(base & APIC_BASE_EXTD))
        g_wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN | APIC_BASE_EXTD);
    g_apic_write(APIC_SVR, SVR_ENABLE | G_HVM_SPURIOUS_VECTOR);
}

void g_apic_ipi(uint32_t dest, uint8_t vector)
{
    g_apic_write(APIC_ICR, ((uint64_t)dest << 32) | vector);
}

void g_apic_timer(uint8_t vector, uint32_t count, bool periodic)
{
    g_apic_write(APIC_TDCR, TDCR_DIV_1);
    g_apic_write(APIC_LVT_TIMER, vector | (periodic ? LVT_PERIODIC : 0));
    g_apic_write(APIC_TMICT, count);
}

uint32_t g_apic_timer_count(void)
{
    return (uint32_t)g_apic_read(APIC_TMCCT);
}
