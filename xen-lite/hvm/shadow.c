/*
 * Shadow paging as an HVM paging mode (struct hvm_paging, hvm/backend.h):
 * used when a domain is created without HAP (hap = 0 in its xl.cfg,
 * dom0=pvh,shadow, or hap=0 on the hypervisor's command line) or when the
 * CPU has no nested paging.  The shadows themselves are hvm/shadow/
 * (pure, host-tested); this file gives them the machine -- pool frames
 * from the hypervisor heap, the p2m, TLB flushes through the back end --
 * and turns their answers into what the guest sees: a fixed fault, an
 * emulated write, its own #PF, or its domain's crash.
 *
 * One lock per domain (struct shadow_domain.lock) covers every shadow
 * operation; it is taken with interrupts on, since a flush waits for the
 * other pCPUs to answer an IPI.  Lock order: shadow lock, then the p2m's.
 */
#include "asm/msr.h"
#include "asm/desc.h"
#include "xen/lib.h"
#include "xen/param.h"
#include "xen/physmap.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen/shadow.h"
#include "xen_errno.h"

#include "hvm/hvm.h"

#define SEG_AR_L            (1U << 9)   /* CS.L in vcpu_hvm_context's attributes */

/* shadow_audit: check every shadow at every CR3 load and at the end (slow). */
static bool opt_shadow_audit;
boolean_param("shadow_audit", opt_shadow_audit);
#define P2M_MAX_ORDER       18          /* the software p2m may use 1 GiB entries */

static struct shadow_domain *sd_of(struct domain *d)
{
    return d->arch.hvm.paging_state;
}

static struct shadow_vcpu *sv_of(struct vcpu *v)
{
    return v->arch.hvm.paging_state;
}

/* ---- what the shadows need from the machine (xen/shadow.h) ---- */

unsigned long shadow_host_alloc(struct shadow_domain *sd, bool below_4g)
{
    void *p = alloc_xenheap_pages(0, below_4g ? MEMF_below_4G : 0);

    return p ? virt_to_mfn(p) : 0;
}

void shadow_host_free(struct shadow_domain *sd, unsigned long mfn)
{
    free_xenheap_pages(mfn_to_virt(mfn), 0);
}

/* The domain's RAM (and hypervisor pages it was given, such as shared_info). */
unsigned long shadow_p2m_lookup(struct shadow_domain *sd, unsigned long gfn,
                                unsigned int *order, bool *writable)
{
    struct domain *d = sd->owner;
    enum p2m_type t;
    unsigned long mfn = p2m_get(d->arch.p2m, gfn, &t, order);

    if (mfn == P2M_INVALID_MFN || (t != p2m_ram_rw && t != p2m_xen_page))
        return SH_INVALID_MFN;
    *writable = true;
    return mfn;
}

void shadow_flush_tlbs(struct shadow_domain *sd)
{
    hvm_backend->p2m_flush(sd->owner);
}

/* ---- the domain and its vCPUs ---- */

static void flush_p2m(struct p2m_domain *p)
{
    hvm_backend->p2m_flush(p->owner);
}

static void sh_domain_destroy(struct domain *d);
static void sh_p2m_changed(struct p2m_domain *p, unsigned long gfn, unsigned long mfn,
                           unsigned int order);

static int sh_domain_init(struct domain *d)
{
    struct shadow_domain *sd = xzalloc(struct shadow_domain);
    int rc;

    if (!sd)
        return -XEN_ENOMEM;
    d->arch.hvm.paging_state = sd;
    if ((rc = shadow_domain_init(sd, d->max_vcpus, d)) ||
        (rc = physmap_init(d, &p2m_format_npt, P2M_MAX_ORDER, flush_p2m)))
        goto fail;
    d->arch.p2m->changed = sh_p2m_changed;
    sd->paddr_bits = paddr_bits;
    /* Enough to start; the toolstack (or dom0's builder) sets the real size. */
    if (!(rc = shadow_set_allocation(sd, shadow_default_pages(0, d->max_vcpus))))
        return 0;
fail:
    sh_domain_destroy(d);
    return rc;
}

/* Report what the auditor finds (the lock held). */
static unsigned long audit(struct domain *d, struct shadow_domain *sd, const char *when)
{
    char why[200] = "";
    unsigned long problems = shadow_audit(sd, why, sizeof(why));

    printk("d%u: shadow audit %s: %lu problems%s%s\n", d->domain_id, when, problems,
           problems ? ": " : "", why);
    return problems;
}

static void report(struct domain *d, const struct shadow_domain *sd)
{
    const struct shadow_stats *s = &sd->stats;

    printk("d%u: shadow: %lu faults fixed, %lu the guest's, %lu writes emulated, "
           "%lu unshadowed, %lu CR3 loads (%lu cached), %lu 2 MiB entries, %lu split, "
           "%lu entries dropped for the p2m, %lu evictions, %lu blowups, %lu flushes, "
           "pool %u pages (%u at most used)\n", d->domain_id, s->faults_fixed,
           s->faults_guest, s->emulations, s->unshadows, s->cr3_switches, s->cr3_cache_hits,
           s->large_leaves, s->splinters, s->rmap_drops, s->evictions, s->blowups,
           s->flushes, sd->nr_pages, sd->peak_used);
}

static void sh_domain_destroy(struct domain *d)
{
    struct shadow_domain *sd = sd_of(d);

    if (sd) {
        spin_lock(&sd->lock);
        if (sd->vcpus) {
            if (opt_shadow_audit)
                audit(d, sd, "at the end");
            report(d, sd);
            shadow_teardown(sd);
        }
        spin_unlock(&sd->lock);
        xfree(sd);
        d->arch.hvm.paging_state = NULL;
    }
    physmap_teardown(d);
}

static int sh_vcpu_init(struct vcpu *v)
{
    struct shadow_domain *sd = sd_of(v->domain);
    struct shadow_vcpu *sv = xzalloc(struct shadow_vcpu);

    if (!sv)
        return -XEN_ENOMEM;
    shadow_vcpu_init(sv);
    v->arch.hvm.paging_state = sv;
    spin_lock(&sd->lock);
    shadow_vcpu_attach(sd, v->vcpu_id, sv);
    spin_unlock(&sd->lock);
    return 0;
}

static void sh_vcpu_destroy(struct vcpu *v)
{
    struct shadow_domain *sd = sd_of(v->domain);
    struct shadow_vcpu *sv = sv_of(v);

    if (sd && sv) {
        spin_lock(&sd->lock);
        shadow_vcpu_release(sd, sv);
        shadow_vcpu_attach(sd, v->vcpu_id, NULL);
        spin_unlock(&sd->lock);
    }
    xfree(sv);
    v->arch.hvm.paging_state = NULL;
}

/*
 * The guest changed CR0, CR3, CR4 or EFER (or got a context): load the
 * shadow that translates for it.  A mode the shadows do not cover, or a
 * CR3 outside its RAM, ends the domain -- never a vCPU run unpaged on
 * host memory.
 */
static void sh_update_paging(struct vcpu *v)
{
    struct shadow_domain *sd = sd_of(v->domain);
    struct shadow_vcpu *sv = sv_of(v);
    struct hvm_hw_paging *hw = &v->arch.hvm.paging;
    int rc;

    sv->cr0 = hvm_get_reg(v, HVM_REG_CR0);
    sv->cr3 = hvm_get_reg(v, HVM_REG_CR3);
    sv->cr4 = hvm_get_reg(v, HVM_REG_CR4);
    sv->efer = hvm_get_reg(v, HVM_REG_EFER);
    spin_lock(&sd->lock);
    rc = shadow_update_paging(sd, sv);
    if (opt_shadow_audit && sv->mode == SH_MODE_LONG)
        audit(v->domain, sd, "at a CR3 load");
    *hw = (struct hvm_hw_paging){ .nested = false, .hw_cr3 = shadow_hw_cr3(sd, sv),
                                  .hw_cr0 = shadow_hw_cr0(sv), .hw_cr4 = shadow_hw_cr4(sv, 0),
                                  .hw_efer = shadow_hw_efer(sv), .intercept_pf = true,
                                  .intercept_cr3 = true };
    spin_unlock(&sd->lock);
    hvm_backend->set_paging(v, hw);
    if (rc == -XEN_EOPNOTSUPP && v->arch.hvm.initialised)
        hvm_crash(v, "shadow paging runs no guest in real mode or with 32-bit paging "
                  "(cr0 %#lx cr4 %#lx efer %#lx)", (unsigned long)sv->cr0,
                  (unsigned long)sv->cr4, (unsigned long)sv->efer);
    else if (rc && rc != -XEN_EOPNOTSUPP)
        hvm_crash(v, "its CR3 %#lx is not in its RAM", (unsigned long)sv->cr3);
}

/* ---- faults ---- */

static void inject_pf(struct vcpu *v, const struct shadow_fault_info *info)
{
    hvm_backend->set_reg(v, HVM_REG_CR2, info->cr2);
    hvm_inject_exception(v, TRAP_page_fault, (int)info->pfec);
}

/* A write to a page table: performed here, with the shadows kept in step. */
static void emulate(struct vcpu *v, struct shadow_domain *sd, unsigned long va,
                    struct shadow_fault_info *info)
{
    struct cpu_user_regs *regs = guest_cpu_user_regs();
    uint64_t rip = regs->rip;
    struct hvm_segment cs;
    struct shadow_emul_env env;
    int rc;

    hvm_backend->get_seg(v, HVM_SEG_CS, &cs);
    env = (struct shadow_emul_env){
        .long_mode_cs = (hvm_get_reg(v, HVM_REG_EFER) & EFER_LMA) && (cs.ar & SEG_AR_L),
        .cpl = hvm_backend->cpl(v) };
    spin_lock(&sd->lock);
    rc = shadow_emulate_write(sd, sv_of(v), regs, &env, va, info->gfn, info);
    spin_unlock(&sd->lock);
    if (regs->rip != rip) {
        hvm_backend->advance_rip(v, 0);     /* the instruction is done: no shadow */
        v->stats.ptwr_emulations++;
    }
    if (rc == -XEN_EFAULT)
        inject_pf(v, info);
    else if (rc == -XEN_ENXIO)
        hvm_crash(v, "its code at rip %#lx is in gfn %#lx, not its RAM", (unsigned long)rip,
                  info->gfn);
    else if (rc)
        hvm_crash(v, "a write at rip %#lx to gfn %#lx, one of its page tables, that "
                  "cannot be emulated", (unsigned long)rip, info->gfn);
}

static bool sh_page_fault(struct vcpu *v, unsigned long va, uint32_t error)
{
    struct shadow_domain *sd = sd_of(v->domain);
    struct shadow_fault_info info;
    enum shadow_fault r;

    spin_lock(&sd->lock);
    r = shadow_page_fault(sd, sv_of(v), va, error, guest_cpu_user_regs(), &info);
    spin_unlock(&sd->lock);
    switch (r) {
    case SH_FIXED:
        if (info.flush_va)
            hvm_backend->invlpg(v, va);
        break;
    case SH_GUEST:
        inject_pf(v, &info);
        break;
    case SH_EMULATE:
        emulate(v, sd, va, &info);
        break;
    case SH_BAD_GFN:
        hvm_crash(v, "%s access to unpopulated gfn %#lx (address %#lx) at rip %#lx",
                  error & PFEC_FETCH ? "execute" : error & PFEC_WRITE ? "write" : "read",
                  info.gfn, va, (unsigned long)guest_cpu_user_regs()->rip);
        break;
    }
    return true;
}

/* The shadows follow every guest write, so only the TLB entry goes. */
static void sh_invlpg(struct vcpu *v, unsigned long va)
{
    hvm_backend->invlpg(v, va);
}

/* Before the frames may be freed: no shadow may map them any more. */
static void sh_p2m_changed(struct p2m_domain *p, unsigned long gfn, unsigned long mfn,
                           unsigned int order)
{
    struct shadow_domain *sd = sd_of(p->owner);

    if (!sd)
        return;
    spin_lock(&sd->lock);
    shadow_p2m_changed(sd, gfn, mfn, order);
    spin_unlock(&sd->lock);
}

static uint64_t sh_get_pool(struct domain *d)
{
    return (uint64_t)sd_of(d)->nr_pages << PAGE_SHIFT;
}

static int sh_set_pool(struct domain *d, uint64_t bytes)
{
    struct shadow_domain *sd = sd_of(d);
    int rc;

    if (bytes & (PAGE_SIZE - 1))
        return -XEN_EINVAL;
    spin_lock(&sd->lock);
    rc = shadow_set_allocation(sd, bytes >> PAGE_SHIFT);
    spin_unlock(&sd->lock);
    return rc;
}

/* Every run that ends with dom0's shutdown checks the shadows too. */
static unsigned long sh_audit(struct domain *d)
{
    struct shadow_domain *sd = sd_of(d);
    unsigned long problems;

    spin_lock(&sd->lock);
    problems = audit(d, sd, "at dom0's shutdown");
    report(d, sd);
    spin_unlock(&sd->lock);
    return problems;
}

const struct hvm_paging shadow_paging = {
    .name = "shadow",
    .domain_init = sh_domain_init,
    .domain_destroy = sh_domain_destroy,
    .vcpu_init = sh_vcpu_init,
    .vcpu_destroy = sh_vcpu_destroy,
    .update_paging = sh_update_paging,
    .page_fault = sh_page_fault,
    .invlpg = sh_invlpg,
    .get_pool = sh_get_pool,
    .set_pool = sh_set_pool,
    .audit = sh_audit,
};
