/*
 * The audit on a host with no free memory (dom0, `audit-oom` on the
 * command line): dom0 takes every free frame, asks for the page-type
 * audit, and gives the frames back.  The auditor needs memory of its own
 * to recount; with none it must say that it could not run -- an error --
 * never "0 problems" for an audit that did not happen.
 *
 *     hc-fuzz: audit with no free memory: could not run, as it must
 */
#include "domctl.h"
#include "fuzz.h"

#define MAX_TAKEN 4096

static struct { xen_pfn_t mfn; unsigned int order; } taken[MAX_TAKEN];
static unsigned int nr_taken;

static long reservation(unsigned int cmd, xen_pfn_t *mfn, unsigned int order)
{
    struct xen_memory_reservation r = {
        .extent_start = (uint64_t)mfn, .nr_extents = 1,
        .extent_order = order, .domid = DOMID_SELF,
    };

    return hc_memory_op(cmd, &r);
}

/* dom0's limit, in KiB (~0: none). */
static void set_max_kb(uint64_t kb)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.u.max_mem.max_memkb = kb;
    g_domctl(XEN_DOMCTL_max_mem, env.self, &op);
}

/* Every free frame of the host, largest extents first. */
static void take_all(void)
{
    for (int order = 9; order >= 0; order--) {
        xen_pfn_t mfn;

        while (nr_taken < MAX_TAKEN &&
               reservation(XENMEM_increase_reservation, &mfn, (unsigned int)order) == 1) {
            taken[nr_taken].mfn = mfn;
            taken[nr_taken++].order = (unsigned int)order;
        }
    }
}

static void give_back(void)
{
    while (nr_taken) {
        nr_taken--;
        if (reservation(XENMEM_decrease_reservation, &taken[nr_taken].mfn,
                        taken[nr_taken].order) != 1)
            g_printf("hc-fuzz: cannot give back frame 0x%lx\n", taken[nr_taken].mfn);
    }
}

/* 0 if the audit said it could not run, 1 if it claimed a result. */
int audit_out_of_memory(void)
{
    domid_t self = DOMID_SELF;
    long cur = hc_memory_op(XENMEM_maximum_reservation, &self), audit;
    uint64_t left;

    set_max_kb(~0ull >> 12);
    take_all();
    left = g_host_free_pages();
    audit = g_audit_page_types();
    give_back();
    set_max_kb((uint64_t)cur * (G_PAGE_SIZE / 1024));
    if (left) {
        g_printf("hc-fuzz: audit with no free memory: %lu pages could not be taken\n",
                 left);
        return 1;
    }
    if (audit >= 0) {
        g_printf("hc-fuzz: audit with no free memory: claimed %ld problem(s) "
                 "although it could not run\n", audit);
        return 1;
    }
    g_printf("hc-fuzz: audit with no free memory: could not run, as it must\n");
    return 0;
}
