/*
 * Xen ELF notes: how a guest kernel image describes itself to the domain
 * builder.  Each note lives in a PT_NOTE segment with name "Xen"; numeric
 * values are 4 or 8 bytes (by descsz), strings are NUL-terminated.
 *
 * Numbers are Xen's.  Plain defines so guests can emit notes from
 * assembly.
 */
#ifndef XENLITE_HYPERCALLS_ELFNOTE_H
#define XENLITE_HYPERCALLS_ELFNOTE_H

#define XEN_ELFNOTE_NAME               "Xen"

#define XEN_ELFNOTE_INFO                0   /* string: NAME=VALUE */
#define XEN_ELFNOTE_ENTRY               1   /* number: entry VA */
#define XEN_ELFNOTE_HYPERCALL_PAGE      2   /* number: VA to fill with stubs */
#define XEN_ELFNOTE_VIRT_BASE           3   /* number: VA of the image base */
#define XEN_ELFNOTE_PADDR_OFFSET        4   /* number: p_paddr bias */
#define XEN_ELFNOTE_XEN_VERSION         5   /* string: e.g. "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS            6   /* string: e.g. "linux" */
#define XEN_ELFNOTE_GUEST_VERSION       7   /* string */
#define XEN_ELFNOTE_LOADER              8   /* string: "generic" */
#define XEN_ELFNOTE_PAE_MODE            9   /* string: 32-bit guests only */
#define XEN_ELFNOTE_FEATURES           10   /* string: "a|!b|..." XENFEAT
                                               names, ! = required */
#define XEN_ELFNOTE_BSD_SYMTAB         11   /* string: "yes" loads symbols */
#define XEN_ELFNOTE_HV_START_LOW       12   /* number: lowest hole start */
#define XEN_ELFNOTE_L1_MFN_VALID       13   /* numbers: mask/value pairs */
#define XEN_ELFNOTE_SUSPEND_CANCEL     14   /* number */
#define XEN_ELFNOTE_INIT_P2M           15   /* number: VA for the p2m list */
#define XEN_ELFNOTE_MOD_START_PFN      16   /* number: module may be unmapped */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17   /* number: XENFEAT bitmap */
#define XEN_ELFNOTE_PHYS32_ENTRY       18   /* number: PVH 32-bit entry PA */
#define XEN_ELFNOTE_MAX                XEN_ELFNOTE_PHYS32_ENTRY

/* Notes written into crash dumps and dump-core files, not read at boot. */
#define XEN_ELFNOTE_CRASH_INFO                0x1000001
#define XEN_ELFNOTE_CRASH_REGS                0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE             0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER           0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION      0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION   0x2000003

#endif /* XENLITE_HYPERCALLS_ELFNOTE_H */
