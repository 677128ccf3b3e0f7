/*
 * memory_op queries: reservations, the machine's size and memory map, where
 * the M2P sits, and the translated-guest commands a PV guest may not use.
 */
#include "selftest.h"

#include <memory_op.h>

static const char *reservation_queries(void)
{
    domid_t self = DOMID_SELF;
    long cur = hc_memory_op(XENMEM_current_reservation, &self);
    long max = hc_memory_op(XENMEM_maximum_reservation, &self);
    long top = hc_memory_op(XENMEM_maximum_ram_page, NULL);

    info("reservation %ld pages, maximum %ld, highest RAM frame below %ld", cur, max, top);
    if (cur <= 0 || max < cur)
        return why("current %ld, maximum %ld", cur, max);
    if (top <= (long)g_start_info->nr_pages)
        return why("maximum_ram_page %ld below our %lu pages", top, g_start_info->nr_pages);
    self = 0x7fe0;                      /* below the reserved ids: no such domain */
    if ((cur = hc_memory_op(XENMEM_current_reservation, &self)) != -XEN_ESRCH &&
        cur != -XEN_EPERM)
        return why("another domain's reservation: %ld", cur);
    return NULL;
}

static const char *machphys_mapping(void)
{
    struct xen_machphys_mapping m;
    long top = hc_memory_op(XENMEM_maximum_ram_page, NULL);
    long rc = hc_memory_op(XENMEM_machphys_mapping, &m);

    if (rc)
        return why("returned %ld", rc);
    if (m.v_start != 0xffff800000000000UL || m.v_end <= m.v_start)
        return why("range 0x%lx-0x%lx", (unsigned long)m.v_start, (unsigned long)m.v_end);
    if ((long)m.max_mfn < top - 1)
        return why("max_mfn 0x%lx below the RAM top 0x%lx", (unsigned long)m.max_mfn, top);
    return NULL;
}

/* dom0 sees the firmware's map: some RAM, sizes page-granular enough. */
static const char *machine_memory_map(void)
{
    static struct xen_e820_entry e[128];
    struct xen_memory_map map = { .nr_entries = 128 };
    uint64_t ram = 0;
    long rc;

    map.buffer = xen_guest_handle(e);
    rc = hc_memory_op(XENMEM_machine_memory_map, &map);
    if (!g_is_dom0())
        return rc == -XEN_EPERM ? NULL : why("domU got %ld", rc);
    if (rc || !map.nr_entries || map.nr_entries > 128)
        return why("returned %ld, %u entries", rc, map.nr_entries);
    for (unsigned int i = 0; i < map.nr_entries; i++)
        if (e[i].type == E820_RAM)
            ram += e[i].size;
    info("machine memory map: %u entries, %lu MiB of RAM", map.nr_entries,
         (unsigned long)(ram >> 20));
    if (ram < (g_start_info->nr_pages << 12))
        return why("%lu bytes of RAM, less than dom0 has", (unsigned long)ram);
    return NULL;
}

/* A domU's map is the one its toolstack set: RAM covering its maximum. */
static const char *memory_map(void)
{
    struct xen_e820_entry e[8];
    struct xen_memory_map map = { .nr_entries = 8, .buffer = xen_guest_handle(e) };
    long rc = hc_memory_op(XENMEM_memory_map, &map);

    if (g_is_dom0()) {
        info("memory_map as dom0: %ld, %u entries", rc, rc ? 0 : map.nr_entries);
        return rc == 0 || rc == -XEN_ENOSYS ? NULL : why("returned %ld", rc);
    }
    if (rc || map.nr_entries < 1)
        return why("returned %ld, %u entries", rc, map.nr_entries);
    info("memory map: RAM 0x%lx-0x%lx", (unsigned long)e[0].addr,
         (unsigned long)(e[0].addr + e[0].size));
    if (e[0].type != E820_RAM || e[0].addr || e[0].size < (g_start_info->nr_pages << 12))
        return why("first entry type %u at 0x%lx size 0x%lx", e[0].type,
                   (unsigned long)e[0].addr, (unsigned long)e[0].size);
    return NULL;
}

/* PV guests name machine frames: the translated-guest op is refused. */
static const char *add_to_physmap_refused(void)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0, .gpfn = 0x1000,
    };
    long rc = hc_memory_op(XENMEM_add_to_physmap, &x);

    if (rc != -XEN_EACCES)
        return why("shared_info: %ld", rc);
    x.space = XENMAPSPACE_gmfn_foreign;
    if ((rc = hc_memory_op(XENMEM_add_to_physmap, &x)) != -XEN_ENOSYS)
        return why("gmfn_foreign: %ld", rc);
    if ((rc = hc_memory_op(XENMEM_add_to_physmap, (void *)0xffff830000000000UL)) !=
        -XEN_EFAULT)
        return why("bad pointer: %ld", rc);
    return NULL;
}

static const char *unknown_memory_op(void)
{
    long rc = hc_memory_op(63, NULL);

    return rc == -XEN_ENOSYS ? NULL : why("returned %ld", rc);
}

const struct check memory_checks[] = {
    { "memory_op_reservation_queries", reservation_queries },
    { "memory_op_machphys_mapping", machphys_mapping },
    { "memory_op_machine_memory_map", machine_memory_map },
    { "memory_op_memory_map", memory_map },
    { "memory_op_add_to_physmap_pv_eacces", add_to_physmap_refused },
    { "memory_op_unknown_enosys", unknown_memory_op },
    { NULL, NULL },
};
