/*
 * The x86 memory_op commands: memory maps (the host's for dom0, the one the
 * toolstack set for each guest) and where the machine-to-phys table is.
 */
#include "asm/config.h"
#include "asm/guest_access.h"
#include "xen/bootinfo.h"
#include "xen/hypercall.h"
#include "xen/lib.h"
#include "xen/m2p.h"
#include "xen/sched.h"
#include "xen/setup.h"
#include "memory_op.h"
#include "xen_errno.h"

/* Copy n entries out and say how many; the caller's buffer holds map->nr_entries. */
static long put_map(unsigned long arg, struct xen_memory_map *map,
                    const struct xen_e820_entry *e, unsigned int n)
{
    if (n > map->nr_entries)
        return -XEN_EINVAL;
    if (n && copy_to_guest(map->buffer, e, n * sizeof(*e)))
        return -XEN_EFAULT;
    map->nr_entries = n;
    return copy_to_guest_obj(arg, map) ? -XEN_EFAULT : 0;
}

/* The map the toolstack gave this domain; none set: -ENOSYS, as Xen. */
static long memory_map(unsigned long arg)
{
    struct domain *d = current->domain;
    struct xen_e820_entry e[DOMAIN_E820_MAX];
    struct xen_memory_map map;
    unsigned long f;
    unsigned int n;

    if (copy_from_guest_obj(&map, arg))
        return -XEN_EFAULT;
    f = spin_lock_irqsave(&d->page_alloc_lock);
    n = d->nr_e820;
    memcpy(e, d->e820, n * sizeof(e[0]));
    spin_unlock_irqrestore(&d->page_alloc_lock, f);
    return n ? put_map(arg, &map, e, n) : -XEN_ENOSYS;
}

/* The firmware's map, as GRUB passed it on (dom0 only). */
static long machine_memory_map(unsigned long arg)
{
    struct xen_memory_map map;
    unsigned int n = boot_info.nr_memmap;

    if (!current->domain->is_privileged)
        return -XEN_EPERM;
    if (copy_from_guest_obj(&map, arg))
        return -XEN_EFAULT;
    if (n > map.nr_entries)
        return -XEN_EINVAL;
    for (unsigned int i = 0; i < n; i++) {
        const struct memmap_entry *m = &boot_info.memmap[i];
        struct xen_e820_entry e = { m->addr, m->len, m->type };

        if (copy_to_guest(map.buffer + i * sizeof(e), &e, sizeof(e)))
            return -XEN_EFAULT;
    }
    map.nr_entries = n;
    return copy_to_guest_obj(arg, &map) ? -XEN_EFAULT : 0;
}

/* The toolstack sets a guest's map (dom0, before or while the guest runs). */
static long set_memory_map(unsigned long arg)
{
    struct xen_e820_entry e[DOMAIN_E820_MAX];
    struct xen_foreign_memory_map fm;
    struct domain *d;
    unsigned long f;

    if (!current->domain->is_privileged)
        return -XEN_EPERM;
    if (copy_from_guest_obj(&fm, arg))
        return -XEN_EFAULT;
    if (fm.map.nr_entries > DOMAIN_E820_MAX)
        return -XEN_EINVAL;
    if (copy_from_guest(e, fm.map.buffer, fm.map.nr_entries * sizeof(e[0])))
        return -XEN_EFAULT;
    if (!(d = get_domain_by_id(fm.domid)))
        return -XEN_ESRCH;
    f = spin_lock_irqsave(&d->page_alloc_lock);
    memcpy(d->e820, e, fm.map.nr_entries * sizeof(e[0]));
    d->nr_e820 = fm.map.nr_entries;
    spin_unlock_irqrestore(&d->page_alloc_lock, f);
    put_domain(d);
    return 0;
}

static long machphys_mfn_list(unsigned long arg)
{
    struct xen_machphys_mfn_list l;
    unsigned int n;

    if (copy_from_guest_obj(&l, arg))
        return -XEN_EFAULT;
    /* One entry per 2 MiB of the table, as Xen reports it. */
    n = MIN(l.max_extents, DIV_ROUND_UP(m2p_nr_frames(), 512U));
    for (unsigned int i = 0; i < n; i++) {
        xen_pfn_t mfn = m2p_frame_mfn(i * 512);
        if (copy_to_guest(l.extent_start + i * sizeof(mfn), &mfn, sizeof(mfn)))
            return -XEN_EFAULT;
    }
    l.nr_extents = n;
    return copy_to_guest_obj(arg, &l) ? -XEN_EFAULT : 0;
}

/* The whole reserved range, as Xen reports it; the table fills its start. */
static long machphys_mapping(unsigned long arg)
{
    struct xen_machphys_mapping m = {
        .v_start = RO_MPT_VIRT_START,
        .v_end = RO_MPT_VIRT_END,
        .max_mfn = (RO_MPT_VIRT_END - RO_MPT_VIRT_START) / sizeof(unsigned long) - 1,
    };

    return copy_to_guest_obj(arg, &m) ? -XEN_EFAULT : 0;
}

long arch_memory_op(unsigned int op, unsigned long arg)
{
    switch (op) {
    case XENMEM_memory_map:         return memory_map(arg);
    case XENMEM_machine_memory_map: return machine_memory_map(arg);
    case XENMEM_set_memory_map:     return set_memory_map(arg);
    case XENMEM_machphys_mfn_list:  return machphys_mfn_list(arg);
    case XENMEM_machphys_mapping:   return machphys_mapping(arg);
    }
    return -XEN_ENOSYS;
}
