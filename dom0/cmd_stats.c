/*
 * xl hypercall-stats and xl p2m-info (xen-lite extensions).
 *
 * xl hypercall-stats: a domain's hypercalls by
 * name since it was created -- made directly and as multicall entries --
 * and the page-table writes the hypervisor emulated for it (writable page
 * tables), from XEN_SYSCTL_xenlite_domain_stats.
 *
 *     xen-lite# xl hypercall-stats linux
 *     hypercall                       direct   in multicalls
 *     mmu_update                        1234             56
 *     ...
 *     writable page-table writes emulated: 1834
 *
 * xl p2m-info: the shape of a PVH domain's p2m (the gfn -> mfn table the
 * CPU's nested paging walks), from XEN_SYSCTL_xenlite_p2m_info.
 *
 *     xen-lite# xl p2m-info hvm-selftest
 *     1 GiB entries                 0
 *     2 MiB entries                31
 *     4 KiB entries               514
 *     RAM                       65536 KiB
 *     ...
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd_common.h"
#include "xc.h"
#include "xen.h"
#include "xl_cmds.h"
#include "xen_errno.h"
#include "xenlite.h"

static const char *const names[XENLITE_STATS_HYPERCALLS] = {
    [__HYPERVISOR_set_trap_table] = "set_trap_table",
    [__HYPERVISOR_mmu_update] = "mmu_update",
    [__HYPERVISOR_set_gdt] = "set_gdt",
    [__HYPERVISOR_stack_switch] = "stack_switch",
    [__HYPERVISOR_set_callbacks] = "set_callbacks",
    [__HYPERVISOR_fpu_taskswitch] = "fpu_taskswitch",
    [__HYPERVISOR_sched_op_compat] = "sched_op_compat",
    [__HYPERVISOR_set_debugreg] = "set_debugreg",
    [__HYPERVISOR_get_debugreg] = "get_debugreg",
    [__HYPERVISOR_update_descriptor] = "update_descriptor",
    [__HYPERVISOR_memory_op] = "memory_op",
    [__HYPERVISOR_multicall] = "multicall",
    [__HYPERVISOR_update_va_mapping] = "update_va_mapping",
    [__HYPERVISOR_set_timer_op] = "set_timer_op",
    [__HYPERVISOR_xen_version] = "xen_version",
    [__HYPERVISOR_console_io] = "console_io",
    [__HYPERVISOR_grant_table_op] = "grant_table_op",
    [__HYPERVISOR_vm_assist] = "vm_assist",
    [__HYPERVISOR_update_va_mapping_otherdomain] = "update_va_mapping_otherdomain",
    [__HYPERVISOR_iret] = "iret",
    [__HYPERVISOR_vcpu_op] = "vcpu_op",
    [__HYPERVISOR_set_segment_base] = "set_segment_base",
    [__HYPERVISOR_mmuext_op] = "mmuext_op",
    [__HYPERVISOR_callback_op] = "callback_op",
    [__HYPERVISOR_sched_op] = "sched_op",
    [__HYPERVISOR_event_channel_op] = "event_channel_op",
    [__HYPERVISOR_physdev_op] = "physdev_op",
    [__HYPERVISOR_sysctl] = "sysctl",
    [__HYPERVISOR_domctl] = "domctl",
    [__HYPERVISOR_hvm_op] = "hvm_op",
};

/* The command's one <Domain>: its id, or -1 - the status to exit with. */
static int domain_of(int argc, char **argv)
{
    struct xl_opts o;
    int rc = xl_scan(argc, argv, "", NULL, 1, &o);

    if (rc >= 0)
        return -1 - rc;
    rc = xl_domain_arg(o.args[0], NULL);
    return rc < 0 ? -2 : rc;
}

int main_hypercall_stats(int argc, char **argv)
{
    struct xenlite_domain_stats *s;
    int rc, domid = domain_of(argc, argv);

    if (domid < 0)
        return -1 - domid;
    if (!(s = calloc(1, sizeof(*s))))
        return 1;
    if ((rc = xc_domain_stats((domid_t)domid, s))) {
        fprintf(stderr, "xl: cannot read the counters of domain %d (%d)\n", domid, rc);
        free(s);
        return 1;
    }
    printf("%-32s %10s %15s\n", "hypercall", "direct", "in multicalls");
    for (unsigned int i = 0; i < XENLITE_STATS_HYPERCALLS; i++) {
        char num[16];
        if (!s->hypercalls[i] && !s->multicall_entries[i])
            continue;
        snprintf(num, sizeof(num), "#%u", i);
        printf("%-32s %10llu %15llu\n", names[i] ? names[i] : num,
               (unsigned long long)s->hypercalls[i],
               (unsigned long long)s->multicall_entries[i]);
    }
    printf("writable page-table writes emulated: %llu\n",
           (unsigned long long)s->ptwr_emulations);
    printf("VM exits: %llu\n", (unsigned long long)s->vm_exits);
    free(s);
    return 0;
}

int main_p2m_info(int argc, char **argv)
{
    struct xen_sysctl_xenlite_p2m_info p;
    int rc, domid = domain_of(argc, argv);

    if (domid < 0)
        return -1 - domid;
    if ((rc = xc_p2m_info((domid_t)domid, &p))) {
        if (rc == -XEN_EINVAL)
            fprintf(stderr, "xl: domain %d is PV: it has no p2m\n", domid);
        else
            fprintf(stderr, "xl: cannot read the p2m of domain %d (%d)\n", domid, rc);
        return 1;
    }
    printf("%-20s %12llu\n", "1 GiB entries", (unsigned long long)p.entries_1g);
    printf("%-20s %12llu\n", "2 MiB entries", (unsigned long long)p.entries_2m);
    printf("%-20s %12llu\n", "4 KiB entries", (unsigned long long)p.entries_4k);
    printf("%-20s %12llu KiB\n", "RAM", (unsigned long long)p.ram_pages * 4);
    printf("%-20s %12llu KiB\n", "MMIO (emulated)", (unsigned long long)p.mmio_pages * 4);
    printf("%-20s %12llu KiB\n", "Xen pages", (unsigned long long)p.xen_pages * 4);
    printf("%-20s %12llu KiB\n", "tables", (unsigned long long)p.tables * 4);
    printf("%-20s %#12llx\n", "highest gfn", (unsigned long long)p.max_gfn);
    return 0;
}
