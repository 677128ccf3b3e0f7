/*
 * grant_table_op (hypercall 20): grant tables, version 1.  Numbers and
 * layouts are Xen's public grant_table.h; xen-lite implements the
 * commands ABI.md lists.
 */
#ifndef XENLITE_HYPERCALLS_GRANT_TABLE_H
#define XENLITE_HYPERCALLS_GRANT_TABLE_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t grant_ref_t;

#define GNTTABOP_map_grant_ref      0
#define GNTTABOP_unmap_grant_ref    1
#define GNTTABOP_setup_table        2
#define GNTTABOP_dump_table         3
#define GNTTABOP_transfer           4
#define GNTTABOP_copy               5
#define GNTTABOP_query_size         6
#define GNTTABOP_unmap_and_replace  7
#define GNTTABOP_set_version        8
#define GNTTABOP_get_status_frames  9
#define GNTTABOP_get_version        10
#define GNTTABOP_swap_grant_ref     11
#define GNTTABOP_cache_flush        12

/* A version-1 entry, as the granting domain writes it in its table. */
struct grant_entry_v1 {
    uint16_t flags;                     /* GTF_* */
    uint16_t domid;                     /* who may use it */
    uint32_t frame;                     /* the frame granted (PV: an MFN) */
};
_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1");

#define GTF_invalid         (0U << 0)
#define GTF_permit_access   (1U << 0)
#define GTF_accept_transfer (2U << 0)
#define GTF_transitive      (3U << 0)
#define GTF_type_mask       (3U << 0)
#define GTF_readonly        (1U << 2)
#define GTF_reading         (1U << 3)
#define GTF_writing         (1U << 4)

/* Status values of the individual operations. */
#define GNTST_okay              0
#define GNTST_general_error     (-1)
#define GNTST_bad_domain        (-2)
#define GNTST_bad_gntref        (-3)
#define GNTST_bad_handle        (-4)
#define GNTST_bad_virt_addr     (-5)
#define GNTST_bad_dev_addr      (-6)
#define GNTST_no_device_space   (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page          (-9)
#define GNTST_bad_copy_arg      (-10)
#define GNTST_address_too_big   (-11)
#define GNTST_eagain            (-12)
#define GNTST_no_space          (-13)

struct gnttab_setup_table {
    uint16_t dom;                       /* IN: DOMID_SELF, or a domain (dom0) */
    uint16_t _pad0;
    uint32_t nr_frames;                 /* IN */
    int16_t status;                     /* OUT: GNTST_* */
    uint16_t _pad1[3];
    uint64_t frame_list;                /* IN: XEN_GUEST_HANDLE(xen_pfn_t), OUT: frames */
};
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "gnttab_setup_table");
_Static_assert(offsetof(struct gnttab_setup_table, frame_list) == 16, "frame_list");

struct gnttab_query_size {
    uint16_t dom;                       /* IN */
    uint16_t _pad;
    uint32_t nr_frames;                 /* OUT */
    uint32_t max_nr_frames;             /* OUT */
    int16_t status;                     /* OUT */
    uint16_t _pad1;
};
_Static_assert(sizeof(struct gnttab_query_size) == 16, "gnttab_query_size");

struct gnttab_set_version {
    uint32_t version;                   /* IN: 1 or 2; OUT: the version in force */
};

struct gnttab_get_version {
    uint16_t dom;                       /* IN */
    uint16_t _pad;
    uint32_t version;                   /* OUT */
};
_Static_assert(sizeof(struct gnttab_get_version) == 8, "gnttab_get_version");

/* GNTTABOP_map_grant_ref / unmap_grant_ref */
#define GNTMAP_device_map       (1U << 0)
#define GNTMAP_host_map         (1U << 1)
#define GNTMAP_readonly         (1U << 2)
#define GNTMAP_application_map  (1U << 3)
#define GNTMAP_contains_pte     (1U << 4)
#define _GNTMAP_guest_avail0    16      /* bits kept in the PTE's software bits */

typedef uint32_t grant_handle_t;

struct gnttab_map_grant_ref {
    uint64_t host_addr;                 /* IN: where (a VA of the caller's) */
    uint32_t flags;                     /* IN: GNTMAP_* */
    grant_ref_t ref;                    /* IN */
    uint16_t dom;                       /* IN: the granting domain */
    int16_t status;                     /* OUT: GNTST_* */
    grant_handle_t handle;              /* OUT */
    uint64_t dev_bus_addr;              /* OUT (device_map) */
};
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "gnttab_map_grant_ref");
_Static_assert(offsetof(struct gnttab_map_grant_ref, handle) == 20, "handle");

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;                 /* IN: 0, or the mapping's VA */
    uint64_t dev_bus_addr;              /* IN */
    grant_handle_t handle;              /* IN */
    int16_t status;                     /* OUT */
    uint16_t _pad;
};
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "gnttab_unmap_grant_ref");

/* GNTTABOP_copy: len bytes from source to dest, each a grant or a frame. */
#define GNTCOPY_source_gref (1U << 0)
#define GNTCOPY_dest_gref   (1U << 1)

struct gnttab_copy_ptr {
    uint64_t u;                         /* grant_ref_t ref, or xen_pfn_t gmfn */
    uint16_t domid;
    uint16_t offset;
    uint32_t _pad;
};

struct gnttab_copy {
    struct gnttab_copy_ptr source, dest;
    uint16_t len;
    uint16_t flags;                     /* GNTCOPY_* */
    int16_t status;                     /* OUT: GNTST_* */
    uint16_t _pad;
};
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy");
_Static_assert(offsetof(struct gnttab_copy, status) == 36, "gnttab_copy.status");

#endif
