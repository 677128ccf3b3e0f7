/*
 * xen_version(cmd, arg): version strings and the feature bitmap.
 *
 * Numbers and layouts are Xen's.  Every command returns 0 on success
 * except XENVER_version (major << 16 | minor), XENVER_pagesize (the page
 * size) and XENVER_build_id (bytes written).
 */
#ifndef XENLITE_HYPERCALLS_VERSION_H
#define XENLITE_HYPERCALLS_VERSION_H

#include "xen.h"

#define XENVER_version              0   /* arg unused */
#define XENVER_extraversion         1   /* arg: xen_extraversion_t */
#define XENVER_compile_info         2   /* arg: struct xen_compile_info */
#define XENVER_capabilities         3   /* arg: xen_capabilities_info_t */
#define XENVER_changeset            4   /* arg: xen_changeset_info_t */
#define XENVER_platform_parameters  5   /* arg: xen_platform_parameters */
#define XENVER_get_features         6   /* arg: struct xen_feature_info */
#define XENVER_pagesize             7   /* arg unused */
#define XENVER_guest_handle         8   /* arg: xen_domain_handle_t */
#define XENVER_commandline          9   /* arg: xen_commandline_t (dom0) */
#define XENVER_build_id            10   /* arg: struct xen_build_id */

/*
 * XENVER_get_features, submap 0.  A guest lists the ones it needs or
 * supports in its XEN_ELFNOTE_FEATURES / SUPPORTED_FEATURES notes.
 */
#define XENFEAT_writable_page_tables        0  /* PTs may be written directly */
#define XENFEAT_writable_descriptor_tables  1  /* GDT/LDT may be written */
#define XENFEAT_auto_translated_physmap     2  /* hypervisor does the p2m */
#define XENFEAT_supervisor_mode_kernel      3  /* kernel runs in ring 0 */
#define XENFEAT_pae_pgdir_above_4gb         4
#define XENFEAT_mmu_pt_update_preserve_ad   5  /* MMU_PT_UPDATE_PRESERVE_AD */
#define XENFEAT_highmem_assist              6  /* MMUEXT_{CLEAR,COPY}_PAGE */
#define XENFEAT_gnttab_map_avail_bits       7
#define XENFEAT_hvm_callback_vector         8
#define XENFEAT_hvm_safe_pvclock            9
#define XENFEAT_hvm_pirqs                  10
#define XENFEAT_dom0                       11  /* kernel can run as dom0 */
/* 12 was grant_map_identity, retired; not reported. */
#define XENFEAT_memory_op_vnode_supported  13
#define XENFEAT_ARM_SMCCC_supported        14
#define XENFEAT_linux_rsdp_unrestricted    15
#define XENFEAT_not_direct_mapped          16
#define XENFEAT_direct_mapped              17
#define XENFEAT_NR_SUBMAPS                  1

#ifndef __ASSEMBLY__

typedef char xen_extraversion_t[16];        /* e.g. ".0" or "-xenlite" */
typedef char xen_capabilities_info_t[1024]; /* e.g. "xen-3.0-x86_64 ..." */
typedef char xen_changeset_info_t[64];
typedef char xen_commandline_t[1024];

#define XEN_EXTRAVERSION_LEN       (sizeof(xen_extraversion_t))
#define XEN_CAPABILITIES_INFO_LEN  (sizeof(xen_capabilities_info_t))
#define XEN_CHANGESET_INFO_LEN     (sizeof(xen_changeset_info_t))

struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
_Static_assert(sizeof(struct xen_compile_info) == 144, "xen_compile_info");

struct xen_platform_parameters {
    xen_ulong_t virt_start;     /* start of the hypervisor hole */
};
_Static_assert(sizeof(struct xen_platform_parameters) == 8,
               "xen_platform_parameters");

struct xen_feature_info {
    uint32_t submap_idx;        /* IN: which 32-bit word of features */
    uint32_t submap;            /* OUT: XENFEAT_* bits of that word */
};
_Static_assert(sizeof(struct xen_feature_info) == 8, "xen_feature_info");

/* A NULL arg asks for the size needed; len 0 is -XEN_EINVAL. */
struct xen_build_id {
    uint32_t len;               /* IN: size of buf */
    unsigned char buf[];        /* OUT */
};
_Static_assert(sizeof(struct xen_build_id) == 4, "xen_build_id");

#endif /* !__ASSEMBLY__ */

#endif /* XENLITE_HYPERCALLS_VERSION_H */
