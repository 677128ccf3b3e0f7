/*
 * HAP, hardware-assisted paging: the guest's own page tables are walked by
 * the CPU, then the p2m as nested tables (AMD NPT, Intel EPT); nothing the
 * guest does to its tables exits.  The p2m's largest entry is what the
 * back end's hardware walks, capped by Xen's options hap_1gb=0 and
 * hap_2mb=0; a change that takes translations away is flushed through the
 * back end on every pCPU running the domain.
 */
#include "xen/lib.h"
#include "xen/param.h"
#include "xen/physmap.h"
#include "xen/sched.h"

#include "hvm/hvm.h"

static bool opt_hap_1gb = true, opt_hap_2mb = true;
boolean_param("hap_1gb", opt_hap_1gb);
boolean_param("hap_2mb", opt_hap_2mb);

static unsigned int max_order(void)
{
    unsigned int order = hvm_backend->hap_max_order;

    if (!opt_hap_2mb)
        return 0;
    return !opt_hap_1gb && order > 9 ? 9 : order;
}

static void flush(struct p2m_domain *p)
{
    hvm_backend->p2m_flush(p->owner);
}

static int hap_domain_init(struct domain *d)
{
    return physmap_init(d, hvm_backend->p2m_format, max_order(), flush);
}

static void hap_domain_destroy(struct domain *d)
{
    physmap_teardown(d);
}

static int hap_vcpu_init(struct vcpu *v) { return 0; }
static void hap_vcpu_destroy(struct vcpu *v) { }

/* Whatever the guest's mode, the hardware walks its tables, then the p2m. */
static void hap_update_paging(struct vcpu *v)
{
    struct hvm_hw_paging *hw = &v->arch.hvm.paging;

    *hw = (struct hvm_hw_paging){ .nested = true,
                                  .nested_root = (uint64_t)v->domain->arch.p2m->root << 12 };
    hvm_backend->set_paging(v, hw);
}

const struct hvm_paging hap_paging = {
    .name = "HAP",
    .domain_init = hap_domain_init,
    .domain_destroy = hap_domain_destroy,
    .vcpu_init = hap_vcpu_init,
    .vcpu_destroy = hap_vcpu_destroy,
    .update_paging = hap_update_paging,
};
