/* The version xen-lite reports: Xen's ABI level it implements, and its own. */
#ifndef XEN_VERSION_H
#define XEN_VERSION_H

#define XEN_LITE_ABI_MAJOR      4
#define XEN_LITE_ABI_MINOR      17
#define XEN_LITE_EXTRAVERSION   "-xen-lite"
#define XEN_LITE_CAPABILITIES   "xen-3.0-x86_64"

#endif
