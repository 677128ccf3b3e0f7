/* Local APIC (xAPIC MMIO or x2APIC MSRs; Intel SDM vol. 3 ch. 10-11). */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include "xen/types.h"

/* Register offsets in xAPIC MMIO; x2APIC MSR = 0x800 + offset / 16. */
#define APIC_ID         0x020
#define APIC_VERSION    0x030
#define APIC_TPR        0x080
#define APIC_EOI        0x0b0
#define APIC_LDR        0x0d0
#define APIC_DFR        0x0e0
#define APIC_SVR        0x0f0
#define  APIC_SVR_ENABLE (1U << 8)
#define APIC_ESR        0x280
#define APIC_ICR        0x300
#define APIC_ICR2       0x310           /* xAPIC only: destination */
#define  ICR_FIXED      0x00000
#define  ICR_NMI        0x00400
#define  ICR_INIT       0x00500
#define  ICR_STARTUP    0x00600
#define  ICR_BUSY       (1U << 12)
#define  ICR_ASSERT     (1U << 14)
#define  ICR_LEVEL      (1U << 15)
#define  ICR_ALLBUT     (3U << 18)
#define APIC_LVT_TIMER  0x320
#define APIC_LVT_LINT0  0x350
#define APIC_LVT_LINT1  0x360
#define APIC_LVT_ERROR  0x370
#define  LVT_MASKED     (1U << 16)
#define  LVT_NMI        (4U << 8)
#define APIC_TMICT      0x380           /* timer initial count */
#define APIC_TMCCT      0x390           /* timer current count */
#define APIC_TDCR       0x3e0           /* timer divide configuration */
#define  TDCR_DIV_16    0x3

void apic_init_bsp(void);
void apic_init_ap(void);
bool apic_ready(void);
bool apic_is_x2apic(void);
uint32_t apic_read(unsigned int reg);
void apic_write(unsigned int reg, uint32_t v);
uint32_t apic_current_id(void);
void apic_eoi(void);
void send_ipi(uint32_t apic_id, unsigned int vector);
void send_ipi_allbutself(unsigned int vector);
void send_nmi(uint32_t apic_id);
void apic_send_init_sipi(uint32_t apic_id, unsigned int trampoline_page);

/* cpu_topology.c: the APIC mode (why: a note for the log, or NULL). */
bool apic_choose_x2apic(bool cpu_has_x2apic, bool opt_x2apic,
                        uint64_t apic_base, const char **why);
/* The APs to start, in MADT order, at most max CPUs with the BSP; what
 * is left out is counted. */
struct cpu_choice_counts {
    unsigned int over_max;              /* beyond maxcpus / NR_CPUS */
    unsigned int need_x2apic;           /* APIC ID > 254 in xAPIC mode */
};
unsigned int smp_choose_cpus(const uint32_t *apic_ids, unsigned int nr,
                             uint32_t bsp, unsigned int max, bool x2apic,
                             uint32_t *out, struct cpu_choice_counts *c);

/* LAPIC timer, one-shot, calibrated in time.c. */
void apic_timer_calibrate_start(void);
void apic_timer_calibrate_end(uint64_t elapsed_ns, uint32_t ticks);
void apic_timer_set(int64_t ns_from_now);      /* <= 0: as soon as possible */
void apic_timer_stop(void);

#endif
