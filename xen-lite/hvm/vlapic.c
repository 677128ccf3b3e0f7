/*
 * The x2APIC of an HVM vCPU (Intel SDM vol. 3 §10.12; register numbers
 * are the xAPIC offsets / 16 + 0x800).  Interrupts are requested in the
 * IRR (by the timer, IPIs and event upcalls), delivered in priority order
 * above the processor priority (TPR and the ISR), and retired by EOI.
 * The timer counts a 1 GHz bus clock divided by TDCR, one-shot or
 * periodic; its count is derived from the time since it was loaded.
 */
#include "asm/apic.h"
#include "asm/msr.h"
#include "xen/lib.h"
#include "xen/sched.h"

#include "hvm/hvm.h"

#define X2APIC_MSR(off)     (MSR_X2APIC_BASE + ((off) >> 4))
#define APIC_BASE_ADDR      0xfee00000UL
#define APIC_VERSION_VALUE  (0x14 | ((VLAPIC_LVT_NR - 1) << 16))    /* integrated, 7 LVTs */
#define APIC_ISR            0x100
#define APIC_TMR            0x180
#define APIC_IRR            0x200
#define APIC_PPR            0x0a0
#define APIC_SELF_IPI       0x3f0       /* x2APIC only */
#define APIC_LVT_CMCI       0x2f0
#define APIC_LVT_THERMAL    0x330
#define APIC_LVT_PERF       0x340
#define  LVT_TIMER_PERIODIC (1U << 17)
#define  LVT_VECTOR         0xffU
#define  ICR_DEST_SHIFT     32
#define  ICR_SHORTHAND      (3U << 18)
#define  ICR_SELF           (1U << 18)
#define  ICR_ALL            (2U << 18)
#define  ICR_DELIVERY_MODE  (7U << 8)
#define  SVR_VALID          0x1ffU      /* vector and software enable */
#define BUS_NS              1           /* the timer's bus clock: 1 GHz */
/* A periodic timer fires at most this often, as on Xen: every shorter
 * period would keep its pCPU in the timer softirq for good. */
#define MIN_PERIOD_NS       100000

/* The LVT registers, in the order of struct vlapic.lvt. */
static const uint16_t lvt_reg[VLAPIC_LVT_NR] = {
    APIC_LVT_CMCI, APIC_LVT_TIMER, APIC_LVT_THERMAL, APIC_LVT_PERF, APIC_LVT_LINT0,
    APIC_LVT_LINT1,
    APIC_LVT_ERROR };
#define LVT_TIMER 1

static struct vlapic *vl(struct vcpu *v) { return &v->arch.hvm.vlapic; }

static bool x2apic_on(const struct vlapic *l)
{
    return (l->apic_base & (APIC_BASE_ENABLE | APIC_BASE_X2APIC)) ==
           (APIC_BASE_ENABLE | APIC_BASE_X2APIC);
}

static int highest(const uint32_t *bits)
{
    for (int w = 7; w >= 0; w--)
        if (bits[w])
            return w * 32 + 31 - __builtin_clz(bits[w]);
    return -1;
}

static uint32_t ppr(const struct vlapic *l)
{
    int isr = highest(l->isr);
    uint32_t isrv = isr < 0 ? 0 : (uint32_t)isr & 0xf0;

    return (l->tpr & 0xf0) >= isrv ? l->tpr & 0xff : isrv;
}

int vlapic_pending(struct vcpu *v)
{
    struct vlapic *l = vl(v);
    int irr = highest(l->irr);

    if (irr < 0 || !(l->svr & APIC_SVR_ENABLE) || ((uint32_t)irr & 0xf0) <= (ppr(l) & 0xf0))
        return -1;
    return irr;
}

void vlapic_ack(struct vcpu *v, uint8_t vector)
{
    struct vlapic *l = vl(v);

    /* Other pCPUs set IRR bits at any time: clear ours atomically. */
    __atomic_fetch_and(&l->irr[vector / 32], ~(1U << (vector % 32)), __ATOMIC_SEQ_CST);
    spin_lock(&l->lock);
    l->isr[vector / 32] |= 1U << (vector % 32);
    spin_unlock(&l->lock);
}

void vlapic_set_irq(struct vcpu *v, uint8_t vector)
{
    struct vlapic *l = vl(v);

    if (vector < 16)
        return;                         /* illegal vectors are not delivered */
    __atomic_fetch_or(&l->irr[vector / 32], 1U << (vector % 32), __ATOMIC_SEQ_CST);
    vcpu_kick(v);
}

static void eoi(struct vlapic *l)
{
    int isr = highest(l->isr);

    if (isr >= 0)
        l->isr[isr / 32] &= ~(1U << (isr % 32));
}

/* ---- the timer (SDM §10.5.4) ---- */

static unsigned int divider(const struct vlapic *l)
{
    unsigned int code = (l->tdcr & 3) | ((l->tdcr >> 1) & 4);

    return code == 7 ? 1 : 2U << code;
}

static void timer_fired(void *data)
{
    struct vcpu *v = data;
    struct vlapic *l = vl(v);
    uint32_t lvt = l->lvt[LVT_TIMER];

    spin_lock(&l->lock);
    if ((lvt & LVT_TIMER_PERIODIC) && l->timer_period) {
        s_time_t step = MAX(l->timer_period, MIN_PERIOD_NS), now = NOW();

        /* Periods missed while late (the host busy, the vCPU away) are one
         * interrupt, as the IRR holds one; the next is due after now. */
        l->timer_start += step;
        if (l->timer_start + step <= now)
            l->timer_start += (now - l->timer_start) / step * step;
        set_timer(&l->timer, l->timer_start + step);
    }
    spin_unlock(&l->lock);
    if (!(lvt & LVT_MASKED))
        vlapic_set_irq(v, lvt & LVT_VECTOR);
}

static void timer_load(struct vlapic *l, uint32_t count)
{
    l->tmict = count;
    stop_timer(&l->timer);
    l->timer_period = (s_time_t)count * divider(l) * BUS_NS;
    l->timer_start = NOW();
    if (count)
        set_timer(&l->timer, l->timer_start + l->timer_period);
}

static uint32_t timer_current(const struct vlapic *l)
{
    s_time_t left;

    if (!l->tmict || !l->timer_period)
        return 0;
    left = l->timer_start + l->timer_period - NOW();
    if (left <= 0)
        return 0;
    /* A period under MIN_PERIOD_NS restarts a step later than it ends:
     * the count never reads above what the guest loaded. */
    return MIN(left, l->timer_period) / (BUS_NS * divider(l));
}

void vlapic_follow(struct vcpu *v, unsigned int cpu)
{
    if (vl(v)->timer.cpu != cpu)
        migrate_timer(&vl(v)->timer, cpu);
}

/* ---- registers ---- */

static bool read_reg(struct vcpu *v, unsigned int off, uint64_t *val)
{
    struct vlapic *l = vl(v);

    for (unsigned int i = 0; i < VLAPIC_LVT_NR; i++)
        if (off == lvt_reg[i]) {
            *val = l->lvt[i];
            return true;
        }
    if (off >= APIC_ISR && off < APIC_IRR + 0x80) {
        const uint32_t *bank = off < APIC_TMR ? l->isr : off < APIC_IRR ? l->tmr : l->irr;
        *val = bank[(off & 0x7f) >> 4];
        return true;
    }
    switch (off) {
    case APIC_ID:      *val = v->vcpu_id; return true;
    case APIC_VERSION: *val = APIC_VERSION_VALUE; return true;
    case APIC_TPR:     *val = l->tpr; return true;
    case APIC_PPR:     *val = ppr(l); return true;
    case APIC_LDR:     *val = ((v->vcpu_id >> 4) << 16) | (1U << (v->vcpu_id & 15)); return true;
    case APIC_SVR:     *val = l->svr; return true;
    case APIC_ESR:     *val = l->esr; return true;
    case APIC_ICR:     *val = 0; return true;
    case APIC_TMICT:   *val = l->tmict; return true;
    case APIC_TMCCT:   *val = timer_current(l); return true;
    case APIC_TDCR:    *val = l->tdcr; return true;
    }
    return false;
}

/* Fixed IPIs to this domain's vCPUs by x2APIC id (= vCPU id), or shorthand. */
static bool vlapic_send_ipi(struct vcpu *v, uint64_t icr)
{
    struct domain *d = v->domain;
    uint32_t dest = icr >> ICR_DEST_SHIFT, sh = icr & ICR_SHORTHAND;
    uint8_t vector = icr & LVT_VECTOR;

    if ((icr & ICR_DELIVERY_MODE) != ICR_FIXED)
        return true;                    /* INIT/SIPI: PVH starts vCPUs by VCPUOP_up */
    for_each_vcpu(d, t) {
        bool hit = sh == ICR_SELF ? t == v : sh == ICR_ALL ? true :
                   sh ? t != v : (dest == 0xffffffff || dest == t->vcpu_id);
        if (hit)
            vlapic_set_irq(t, vector);
    }
    return true;
}

static bool write_lvt(struct vlapic *l, unsigned int i, uint32_t val)
{
    if (!(l->svr & APIC_SVR_ENABLE))
        val |= LVT_MASKED;              /* SDM §10.4.7.2: masked while disabled */
    l->lvt[i] = val & (i == LVT_TIMER ? 0x700ff | LVT_MASKED : 0x1f7ff);
    return true;
}

static bool write_reg(struct vcpu *v, unsigned int off, uint64_t val)
{
    struct vlapic *l = vl(v);

    for (unsigned int i = 0; i < VLAPIC_LVT_NR; i++)
        if (off == lvt_reg[i])
            return write_lvt(l, i, val);
    switch (off) {
    case APIC_TPR:   l->tpr = val & 0xff; return true;
    case APIC_EOI:   eoi(l); return true;
    case APIC_SVR:
        l->svr = val & SVR_VALID;
        if (!(l->svr & APIC_SVR_ENABLE))
            for (unsigned int i = 0; i < VLAPIC_LVT_NR; i++)
                l->lvt[i] |= LVT_MASKED;
        return true;
    case APIC_ESR:   l->esr = 0; return true;
    case APIC_ICR:   return vlapic_send_ipi(v, val);
    case APIC_SELF_IPI: vlapic_set_irq(v, val & LVT_VECTOR); return true;
    case APIC_TMICT: timer_load(l, val); return true;
    case APIC_TDCR:  l->tdcr = val & 0xb; return true;
    }
    return false;
}

bool vlapic_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    unsigned int off = (msr - MSR_X2APIC_BASE) << 4;

    if (!x2apic_on(vl(v)) || off == APIC_EOI || off == APIC_SELF_IPI)
        return false;                   /* write-only registers */
    return read_reg(v, off, val);
}

/* Reserved bits 63:32 must be clear except in the ICR (SDM §10.12.1.2). */
bool vlapic_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    unsigned int off = (msr - MSR_X2APIC_BASE) << 4;
    bool ok;

    if (!x2apic_on(vl(v)) || (off != APIC_ICR && (val >> 32)))
        return false;
    spin_lock(&vl(v)->lock);
    ok = write_reg(v, off, val);
    spin_unlock(&vl(v)->lock);
    return ok;
}

uint64_t vlapic_get_base(struct vcpu *v)
{
    return vl(v)->apic_base;
}

/* Only the architectural steps: xAPIC <-> x2APIC, or off (SDM §10.12.5). */
bool vlapic_set_base(struct vcpu *v, uint64_t val)
{
    struct vlapic *l = vl(v);
    uint64_t fixed = APIC_BASE_ADDR | (v->vcpu_id == 0 ? APIC_BASE_BSP : 0);

    if ((val & ~(APIC_BASE_ENABLE | APIC_BASE_X2APIC)) != fixed ||
        (val & (APIC_BASE_ENABLE | APIC_BASE_X2APIC)) == APIC_BASE_X2APIC ||
        (x2apic_on(l) && !(val & APIC_BASE_X2APIC) && (val & APIC_BASE_ENABLE)))
        return false;
    l->apic_base = val;
    return true;
}

void vlapic_init(struct vcpu *v)
{
    struct vlapic *l = vl(v);

    memset(l, 0, sizeof(*l));
    spin_lock_init(&l->lock);
    l->apic_base = APIC_BASE_ADDR | APIC_BASE_ENABLE | (v->vcpu_id == 0 ? APIC_BASE_BSP : 0);
    l->svr = 0xff;                      /* reset: disabled, spurious vector 0xff */
    for (unsigned int i = 0; i < VLAPIC_LVT_NR; i++)
        l->lvt[i] = LVT_MASKED;
    init_timer(&l->timer, timer_fired, v, v->processor);
}

void vlapic_destroy(struct vcpu *v)
{
    stop_timer(&vl(v)->timer);
}
