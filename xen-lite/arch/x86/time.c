/*
 * System time: nanoseconds since boot, from the TSC.  The TSC frequency is
 * measured against PIT channel 2 (Intel 8254 datasheet: 1.193182 MHz; gate
 * and output through port 0x61) over a short window, and the LAPIC timer is
 * calibrated in the same window.  Each CPU keeps its own (TSC, time) stamp
 * so that guests' vcpu_time_info can be derived from it later.
 */
#include "asm/acpi.h"
#include "asm/apic.h"
#include "asm/io.h"
#include "asm/processor.h"
#include "asm/time.h"
#include "xen/lib.h"
#include "xen/percpu.h"
#include "xen/sched.h"
#include "xen/timer.h"
#include "xen.h"

#define PIT_HZ          1193182
#define CALIBRATE_MS    5
#define CALIBRATE_WINDOWS 5

static uint64_t tsc_khz;
static struct cpu_time cpu_times[NR_CPUS];

void set_time_scale(struct time_scale *ts, uint64_t ticks_per_sec)
{
    uint64_t tps = ticks_per_sec;
    int shift = 0;

    /* Find shift so that 1e9 / (tps * 2^shift) is in [0.5, 1). */
    while (tps > 2000000000ULL) {
        tps >>= 1;
        shift--;
    }
    while (tps <= 1000000000ULL) {
        tps <<= 1;
        shift++;
    }
    ts->shift = shift;
    ts->mul_frac = (uint32_t)(((unsigned __int128)1000000000ULL << 32) / tps);
}

uint64_t scale_delta(uint64_t delta, const struct time_scale *ts)
{
    if (ts->shift < 0)
        delta >>= -ts->shift;
    else
        delta <<= ts->shift;
    return (uint64_t)(((unsigned __int128)delta * ts->mul_frac) >> 32);
}

const struct cpu_time *cpu_time_of(unsigned int cpu)
{
    return &cpu_times[cpu];
}

const struct cpu_time *this_cpu_time(void)
{
    return &cpu_times[smp_processor_id()];
}

s_time_t NOW(void)
{
    const struct cpu_time *t = this_cpu_time();
    uint64_t tsc = rdtsc_ordered();

    return t->stime_stamp + scale_delta(tsc - t->tsc_stamp, &t->scale);
}

uint64_t tsc_khz_get(void)
{
    return tsc_khz;
}

uint64_t ns_to_tsc(s_time_t ns)
{
    return (uint64_t)ns * tsc_khz / 1000000;
}

s_time_t tsc_to_ns(uint64_t tsc)
{
    return scale_delta(tsc, &this_cpu_time()->scale);
}

void udelay(unsigned long us)
{
    uint64_t end = rdtsc() + us * tsc_khz / 1000;

    while (rdtsc() < end)
        cpu_relax();
}

/*
 * Calibration.  Reference clocks are read in pairs with the TSC; a pair
 * whose two TSC readings are far apart was interrupted by the host and is
 * taken again.  Over the interval between two good pairs host delays do
 * not matter, since both clocks keep running.  The ACPI PM timer (24 bits
 * at 3.579545 MHz, ACPI 6.4 §4.8.3.3) is used when the FADT names one,
 * PIT channel 2 otherwise.
 */
#define PMTMR_HZ        3579545
#define PMTMR_MASK      0xffffff
#define PAIR_MAX_TSC    20000           /* a pair must take less than this */

struct pair {
    uint64_t tsc;
    uint32_t ref;
};

static struct pair read_pair(uint32_t (*ref)(void))
{
    for (;;) {
        uint64_t a = rdtsc_ordered();
        uint32_t r = ref();
        uint64_t b = rdtsc_ordered();
        if (b - a < PAIR_MAX_TSC)
            return (struct pair){ a + (b - a) / 2, r };
    }
}

static uint32_t pmtmr_read(void)
{
    return inl(acpi.pm_tmr) & PMTMR_MASK;
}

/* TSC ticks per kHz of the PM timer over about CALIBRATE_MS * windows. */
static uint64_t calibrate_pmtmr(void)
{
    uint32_t span = PMTMR_HZ / 1000 * CALIBRATE_MS * CALIBRATE_WINDOWS;
    struct pair p0 = read_pair(pmtmr_read), p1;

    do
        p1 = read_pair(pmtmr_read);
    while (((p1.ref - p0.ref) & PMTMR_MASK) < span);
    return (p1.tsc - p0.tsc) * PMTMR_HZ / 1000 / ((p1.ref - p0.ref) & PMTMR_MASK);
}

/* PIT fallback: the shortest of several gated windows (a delayed window
 * only looks longer). */
static uint64_t pit_window(void)
{
    uint32_t latch = PIT_HZ * CALIBRATE_MS / 1000;
    uint64_t t0, t1;

    outb((inb(0x61) & ~0x02) | 0x01, 0x61);     /* gate on, speaker off */
    outb(0xb0, 0x43);                           /* ch2, lo/hi, mode 0 */
    outb(latch & 0xff, 0x42);
    outb(latch >> 8, 0x42);
    t0 = rdtsc_ordered();
    while (!(inb(0x61) & 0x20))                 /* OUT2 goes high at 0 */
        ;
    t1 = rdtsc_ordered();
    outb(inb(0x61) & ~0x01, 0x61);              /* gate off */
    return t1 - t0;
}

static uint64_t calibrate_pit(void)
{
    uint64_t best = UINT64_MAX;

    for (int i = 0; i < CALIBRATE_WINDOWS; i++) {
        uint64_t t = pit_window();
        best = t < best ? t : best;
    }
    return best / CALIBRATE_MS;
}

static uint32_t lapic_read_count(void)
{
    return apic_read(APIC_TMCCT);
}

/* The LAPIC timer against the (now calibrated) TSC, the same way. */
static void calibrate_lapic(uint64_t khz)
{
    struct pair p0, p1;

    apic_timer_calibrate_start();
    p0 = read_pair(lapic_read_count);
    do
        p1 = read_pair(lapic_read_count);
    while (p1.tsc - p0.tsc < khz * CALIBRATE_MS * CALIBRATE_WINDOWS);
    /* The count runs down: ticks = p0 - p1 over (p1.tsc - p0.tsc) TSC ticks. */
    apic_timer_calibrate_end((p1.tsc - p0.tsc) * 1000000 / khz, p0.ref - p1.ref);
}

static uint64_t calibrate(void)
{
    uint64_t khz = acpi.pm_tmr ? calibrate_pmtmr() : calibrate_pit();

    calibrate_lapic(khz);
    return khz;
}

void time_init(void)
{
    struct cpu_time *t = &cpu_times[0];

    tsc_khz = calibrate();
    if (!tsc_khz)
        panic("TSC calibration failed");
    set_time_scale(&t->scale, tsc_khz * 1000);
    t->tsc_stamp = rdtsc_ordered();
    t->stime_stamp = 0;
    printk("Detected %lu.%03lu MHz processor\n", tsc_khz / 1000, tsc_khz % 1000);
}

/*
 * An AP takes the BSP's scale and a (TSC, time) stamp agreed with the BSP:
 * the AP reads its TSC, asks, the BSP answers with its NOW(), the AP reads
 * its TSC again; the BSP's answer falls between the two readings.  Of
 * several rounds the quickest is kept (its midpoint), so a round the host
 * happened to delay does not skew the AP's clock.
 */
#define SYNC_ROUNDS 16

static volatile s_time_t sync_time;
static volatile uint64_t sync_tsc;
static volatile int sync_state;
static bool tsc_unsynced;               /* some AP's TSC is offset from the BSP's */

static void sync_wait(int state)
{
    while (__atomic_load_n(&sync_state, __ATOMIC_ACQUIRE) != state)
        cpu_relax();
}

void time_sync_bsp(void)
{
    for (int r = 0; r < SYNC_ROUNDS; r++) {
        sync_wait(1);
        sync_tsc = rdtsc_ordered();
        sync_time = NOW();
        __atomic_store_n(&sync_state, 2, __ATOMIC_RELEASE);
        sync_wait(3);
        __atomic_store_n(&sync_state, 0, __ATOMIC_RELEASE);
    }
}

void time_init_secondary(void)
{
    struct cpu_time *t = &cpu_times[smp_processor_id()];
    uint64_t best = UINT64_MAX;
    int64_t offset = 0;

    for (int r = 0; r < SYNC_ROUNDS; r++) {
        uint64_t t0, t1;

        sync_wait(0);
        t0 = rdtsc_ordered();
        __atomic_store_n(&sync_state, 1, __ATOMIC_RELEASE);
        sync_wait(2);
        t1 = rdtsc_ordered();
        if (t1 - t0 < best) {
            best = t1 - t0;
            t->tsc_stamp = t0 + (t1 - t0) / 2;
            t->stime_stamp = sync_time;
            offset = (int64_t)(t->tsc_stamp - sync_tsc);
        }
        __atomic_store_n(&sync_state, 3, __ATOMIC_RELEASE);
    }
    t->scale = cpu_times[0].scale;
    /*
     * A TSC that reads the same as the BSP's (within what the rendezvous
     * can tell) is the same clock: share the BSP's stamp exactly, so time
     * never steps between CPUs.
     */
    if ((uint64_t)(offset < 0 ? -offset : offset) <= best / 2 + 1) {
        t->tsc_stamp = cpu_times[0].tsc_stamp;
        t->stime_stamp = cpu_times[0].stime_stamp;
    } else {
        tsc_unsynced = true;
    }
}

/* ---- guest time: vcpu_time_info (Xen's version protocol) and wallclock ---- */

static uint64_t boot_wallclock_sec;     /* wall time at system time 0 */
static uint32_t boot_wallclock_nsec;

bool tsc_synchronized(void)
{
    return !tsc_unsynced;
}

void update_vcpu_system_time(struct vcpu *v)
{
    const struct cpu_time *t = &cpu_times[v->processor];
    struct vcpu_time_info *u = &v->vcpu_info->time;

    u->version = (u->version + 1) | 1;  /* odd: an update is under way */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    u->tsc_timestamp = t->tsc_stamp;
    u->system_time = t->stime_stamp;
    u->tsc_to_system_mul = t->scale.mul_frac;
    u->tsc_shift = t->scale.shift;
    /* Stable only if every CPU reads one TSC: time is then exact across vCPUs. */
    u->flags = tsc_unsynced ? 0 : XEN_PVCLOCK_TSC_STABLE_BIT;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    u->version++;
    if (v->domain->arch.type == GUEST_PV)
        pv_time_area_changed(v);        /* the guest's second copy */
}

void update_domain_wallclock(struct domain *d)
{
    struct shared_info *s = d->shared_info;

    s->wc_version = (s->wc_version + 1) | 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    s->wc_sec = (uint32_t)boot_wallclock_sec;
    s->wc_sec_hi = boot_wallclock_sec >> 32;
    s->wc_nsec = boot_wallclock_nsec;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    s->wc_version++;
}

uint64_t wallclock_now_sec(void)
{
    return boot_wallclock_sec + NOW() / 1000000000;
}

/* CMOS real-time clock (MC146818 datasheet; register B says BCD or binary). */
static unsigned int cmos_read(unsigned int reg)
{
    outb(reg, 0x70);
    return inb(0x71);
}

static unsigned int bcd(unsigned int v, bool is_bcd)
{
    return is_bcd ? (v & 0xf) + (v >> 4) * 10 : v;
}

static uint64_t days_from_civil(unsigned int y, unsigned int m, unsigned int d)
{
    /* Days since 1970-01-01 of a Gregorian date. */
    y -= m <= 2;
    unsigned int era = y / 400, yoe = y - era * 400;
    unsigned int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (uint64_t)era * 146097 + doe - 719468;
}

void wallclock_init(void)
{
    unsigned int sec, min, hour, day, mon, year, cent, regb;
    bool is_bcd;

    for (int i = 0; i < 1000000 && (cmos_read(0x0a) & 0x80); i++)
        cpu_relax();                    /* wait out an update */
    sec = cmos_read(0x00);
    min = cmos_read(0x02);
    hour = cmos_read(0x04);
    day = cmos_read(0x07);
    mon = cmos_read(0x08);
    year = cmos_read(0x09);
    cent = cmos_read(0x32);
    regb = cmos_read(0x0b);
    is_bcd = !(regb & 4);
    year = bcd(year, is_bcd) + (cent ? bcd(cent, is_bcd) * 100 : 2000);
    if (year < 1970)
        year += 100;
    boot_wallclock_sec = days_from_civil(year, bcd(mon, is_bcd), bcd(day, is_bcd)) * 86400 +
                         bcd(hour & 0x7f, is_bcd) * 3600 + bcd(min, is_bcd) * 60 +
                         bcd(sec, is_bcd);
    boot_wallclock_sec -= NOW() / 1000000000;
    boot_wallclock_nsec = 0;
}
