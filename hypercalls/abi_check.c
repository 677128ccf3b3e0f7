/*
 * Compile-only check of the ABI headers: including every one of them in a
 * single translation unit proves they are self-contained, do not clash
 * with each other, and that all their _Static_asserts hold.  Built by the
 * unit-test target both freestanding and hosted; it has no code to run.
 */
#include "xen.h"
#include "arch_x86.h"
#include "xen_errno.h"
#include "event_channel.h"
#include "sched_op.h"
#include "vcpu.h"
#include "version.h"
#include "console.h"
#include "callback.h"
#include "memory_op.h"
#include "elfnote.h"
#include "xenstore.h"
#include "domctl.h"
#include "sysctl.h"
#include "xenlite.h"
#include "hvm_op.h"

/* A few cross-header facts the implementation relies on. */
_Static_assert(sizeof(struct shared_info) <= 4096, "shared_info fits a page");
_Static_assert(sizeof(struct start_info) <= 4096, "start_info fits a page");
_Static_assert(sizeof(struct xencons_interface) <= 4096,
               "console ring fits a page");
_Static_assert(sizeof(struct xenstore_domain_interface) <= 4096,
               "xenstore ring fits a page");
_Static_assert(sizeof(((struct shared_info *)0)->evtchn_pending) * 8 ==
               EVTCHN_2L_NR_CHANNELS, "one pending bit per port");
_Static_assert(sizeof(struct xen_domctl_getdomaininfo) <=
               sizeof(((struct xen_domctl *)0)->u), "domctl union room");
_Static_assert(sizeof(struct xen_sysctl_physinfo) <=
               sizeof(((struct xen_sysctl *)0)->u), "sysctl union room");
_Static_assert(__HYPERVISOR_arch_7 < XEN_HYPERCALL_PAGE_SLOTS,
               "hypercall page covers every number");
_Static_assert(XEN_HYPERCALL_PAGE_SLOTS * XEN_HYPERCALL_STUB_SIZE == 4096,
               "hypercall page is one page");
_Static_assert(SCHEDOP_xenlite_exit_status > SCHEDOP_pin_override,
               "extension outside Xen's SCHEDOP range");
_Static_assert(XEN_SYSCTL_xenlite_audit_page_types > XEN_SYSCTL_get_cpu_policy,
               "extension outside Xen's sysctl range");
_Static_assert(MMU_UPDATE_CMD_MASK == 3, "mmu_update command in ptr[1:0]");

/* ISO C wants at least one declaration in a translation unit. */
typedef int xenlite_abi_check_unit;
