/* TSC-based system time. */
#ifndef ASM_TIME_H
#define ASM_TIME_H

#include "xen/types.h"

/*
 * A TSC-to-nanoseconds scale in the form Xen gives guests (vcpu_time_info):
 * ns = ((tsc << shift) * mul_frac) >> 32, with a right shift if negative.
 */
struct time_scale {
    int shift;
    uint32_t mul_frac;
};

void set_time_scale(struct time_scale *ts, uint64_t ticks_per_sec);
uint64_t scale_delta(uint64_t delta, const struct time_scale *ts);

/* Per-CPU calibration record: system time at a TSC stamp. */
struct cpu_time {
    uint64_t tsc_stamp;
    int64_t stime_stamp;
    struct time_scale scale;
};
const struct cpu_time *this_cpu_time(void);
const struct cpu_time *cpu_time_of(unsigned int cpu);

void udelay(unsigned long us);
void time_sync_bsp(void);

struct vcpu;
struct domain;
void update_vcpu_system_time(struct vcpu *v);
void update_domain_wallclock(struct domain *d);
void wallclock_init(void);
bool tsc_synchronized(void);
uint64_t wallclock_now_sec(void);

#endif
