/*
 * memory_op(cmd, arg): grow and shrink a domain's memory (ballooning),
 * query reservations and maps, and place special pages in a translated
 * guest's physical address space.
 *
 * Numbers and layouts are Xen's.
 */
#ifndef XENLITE_HYPERCALLS_MEMORY_OP_H
#define XENLITE_HYPERCALLS_MEMORY_OP_H

#include "xen.h"

/*
 * cmd encoding: the low 6 bits are the XENMEM_* command.  For the
 * reservation commands the hypervisor keeps the extent to resume from in
 * the upper bits when it preempts itself; guests pass zero there.
 */
#define MEMOP_EXTENT_SHIFT  6
#define MEMOP_CMD_MASK      ((1 << MEMOP_EXTENT_SHIFT) - 1)

#define XENMEM_increase_reservation      0  /* reservation; returns done */
#define XENMEM_decrease_reservation      1  /* reservation; returns done */
#define XENMEM_maximum_ram_page          2  /* arg unused; highest MFN */
#define XENMEM_current_reservation       3  /* arg: domid_t; pages */
#define XENMEM_maximum_reservation       4  /* arg: domid_t; pages */
#define XENMEM_machphys_mfn_list         5  /* arg: xen_machphys_mfn_list */
#define XENMEM_populate_physmap          6  /* reservation; returns done */
#define XENMEM_add_to_physmap            7  /* arg: xen_add_to_physmap */
#define XENMEM_memory_map                9  /* arg: xen_memory_map */
#define XENMEM_machine_memory_map       10  /* arg: xen_memory_map (dom0) */
#define XENMEM_exchange                 11  /* arg: xen_memory_exchange */
#define XENMEM_machphys_mapping         12  /* arg: xen_machphys_mapping */
#define XENMEM_set_memory_map           13  /* arg: xen_foreign_memory_map */
#define XENMEM_maximum_gpfn             14  /* arg: domid_t */
#define XENMEM_remove_from_physmap      15  /* arg: xen_remove_from_physmap */
#define XENMEM_set_pod_target           16
#define XENMEM_get_pod_target           17
#define XENMEM_get_sharing_freed_pages  18
#define XENMEM_get_sharing_shared_pages 19
#define XENMEM_paging_op                20
#define XENMEM_access_op                21
#define XENMEM_sharing_op               22
#define XENMEM_add_to_physmap_batch     23
#define XENMEM_claim_pages              24  /* reservation, nr_extents = pages */
#define XENMEM_machphys_compat_mfn_list 25
#define XENMEM_get_vnumainfo            26
#define XENMEM_reserved_device_memory_map 27
#define XENMEM_acquire_resource         28

/* xen_memory_reservation.mem_flags */
#define XENMEMF_address_bits(x)      (x)          /* limit MFNs to x bits */
#define XENMEMF_get_address_bits(x)  ((x) & 0xffu)
#define XENMEMF_node(n)              (((n) + 1) << 8)
#define XENMEMF_get_node(x)          ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand   (1 << 16)
#define XENMEMF_exact_node_request   (1 << 17)
#define XENMEMF_exact_node(n)        (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode                (1 << 18)

/* xen_add_to_physmap.space */
#define XENMAPSPACE_shared_info   0   /* idx 0: the shared_info page */
#define XENMAPSPACE_grant_table   1   /* idx: grant frame */
#define XENMAPSPACE_gmfn          2   /* idx: a GFN to move */
#define XENMAPSPACE_gmfn_range    3   /* idx..idx+size-1 */
#define XENMAPSPACE_gmfn_foreign  4   /* batch only */
#define XENMAPSPACE_dev_mmio      5   /* Arm only */
#define XENMAPIDX_grant_table_status  0x80000000

/* E820 entry types used by the memory maps. */
#define E820_RAM        1
#define E820_RESERVED   2
#define E820_ACPI       3
#define E820_NVS        4
#define E820_UNUSABLE   5

#ifndef __ASSEMBLY__

/*
 * increase / decrease_reservation, populate_physmap.  extent_start lists
 * nr_extents frame numbers, each the base of 2^extent_order pages:
 *   increase: OUT machine frames allocated;
 *   decrease: IN frames to release (guest frames; a PV guest passes MFNs);
 *   populate: IN guest PFNs to back, OUT the frames used (PV: MFNs; the
 *             hypervisor also updates the M2P).
 * The return value is how many extents were done; fewer than nr_extents
 * means the rest failed.
 */
struct xen_memory_reservation {
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
    xen_ulong_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags;          /* XENMEMF_* */
    domid_t  domid;              /* DOMID_SELF unless privileged */
    uint16_t _pad0[3];
};
_Static_assert(sizeof(struct xen_memory_reservation) == 32,
               "xen_memory_reservation");
_Static_assert(offsetof(struct xen_memory_reservation, extent_order) == 16,
               "xen_memory_reservation.extent_order");
_Static_assert(offsetof(struct xen_memory_reservation, domid) == 24,
               "xen_memory_reservation.domid");

/* Swap the `in` extents for newly allocated `out` ones (PV only).
 * nr_exchanged must be zero on entry; it reports progress. */
struct xen_memory_exchange {
    struct xen_memory_reservation in;
    struct xen_memory_reservation out;
    xen_ulong_t nr_exchanged;
};
_Static_assert(sizeof(struct xen_memory_exchange) == 72,
               "xen_memory_exchange");

/* The 2 MiB extents holding the M2P table; a zero entry marks a hole. */
struct xen_machphys_mfn_list {
    uint32_t max_extents;                     /* IN: size of extent_start */
    uint32_t _pad0;
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start; /* OUT */
    uint32_t nr_extents;                      /* OUT */
    uint32_t _pad1;
};
_Static_assert(sizeof(struct xen_machphys_mfn_list) == 24,
               "xen_machphys_mfn_list");
_Static_assert(offsetof(struct xen_machphys_mfn_list, nr_extents) == 16,
               "xen_machphys_mfn_list.nr_extents");

/* Where the read-only M2P sits in the guest's address space. */
struct xen_machphys_mapping {
    xen_ulong_t v_start, v_end;
    xen_ulong_t max_mfn;
};
_Static_assert(sizeof(struct xen_machphys_mapping) == 24,
               "xen_machphys_mapping");

/* Map a special page at gpfn (auto-translated guests). */
struct xen_add_to_physmap {
    domid_t  domid;
    uint16_t size;              /* pages, for XENMAPSPACE_gmfn_range */
    uint32_t space;             /* XENMAPSPACE_* */
    xen_ulong_t idx;
    xen_pfn_t gpfn;
};
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap");
_Static_assert(offsetof(struct xen_add_to_physmap, idx) == 8,
               "xen_add_to_physmap.idx");

struct xen_remove_from_physmap {
    domid_t  domid;
    uint16_t _pad0[3];
    xen_pfn_t gpfn;
};
_Static_assert(sizeof(struct xen_remove_from_physmap) == 16,
               "xen_remove_from_physmap");

/* One BIOS-style E820 entry: 20 bytes, packed, as the firmware gives it. */
struct xen_e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;              /* E820_* */
} __attribute__((packed));
_Static_assert(sizeof(struct xen_e820_entry) == 20, "xen_e820_entry");

/* IN: room in buffer (entries); OUT: entries written.  For
 * machine_memory_map a zero buffer asks for the count only. */
struct xen_memory_map {
    uint32_t nr_entries;
    uint32_t _pad0;
    XEN_GUEST_HANDLE(struct xen_e820_entry) buffer;
};
_Static_assert(sizeof(struct xen_memory_map) == 16, "xen_memory_map");

struct xen_foreign_memory_map {
    domid_t  domid;
    uint16_t _pad0[3];
    struct xen_memory_map map;
};
_Static_assert(sizeof(struct xen_foreign_memory_map) == 24,
               "xen_foreign_memory_map");
_Static_assert(offsetof(struct xen_foreign_memory_map, map) == 8,
               "xen_foreign_memory_map.map");

#endif /* !__ASSEMBLY__ */

#endif /* XENLITE_HYPERCALLS_MEMORY_OP_H */
