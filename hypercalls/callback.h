/*
 * callback_op(cmd, arg): register the guest kernel's entry points --
 * event upcall, failsafe (a bad segment on return to the guest), syscall
 * from guest user mode and NMI.
 *
 * The older set_callbacks(event, failsafe, syscall) hypercall sets the
 * first three at once, always with events masked on entry.
 *
 * Numbers and layouts are Xen's.
 */
#ifndef XENLITE_HYPERCALLS_CALLBACK_H
#define XENLITE_HYPERCALLS_CALLBACK_H

#include "xen.h"

#define CALLBACKOP_register    0   /* arg: struct callback_register */
#define CALLBACKOP_unregister  1   /* arg: struct callback_unregister */

#define CALLBACKTYPE_event                0
#define CALLBACKTYPE_failsafe             1
#define CALLBACKTYPE_syscall              2   /* 64-bit user syscall */
#define CALLBACKTYPE_sysenter_deprecated  3
#define CALLBACKTYPE_nmi                  4
#define CALLBACKTYPE_sysenter             5   /* 32-bit user sysenter */
#define CALLBACKTYPE_syscall32            7   /* 32-bit user syscall */

/* Mask events (the virtual IF) on entry.  Event and NMI callbacks always
 * mask; for them the flag is ignored. */
#define _CALLBACKF_mask_events  0
#define CALLBACKF_mask_events   (1U << _CALLBACKF_mask_events)

#ifndef __ASSEMBLY__

struct callback_register {
    uint16_t type;              /* CALLBACKTYPE_* */
    uint16_t flags;             /* CALLBACKF_* */
    uint32_t _pad0;
    xen_callback_t address;     /* guest kernel VA */
};
_Static_assert(sizeof(struct callback_register) == 16, "callback_register");
_Static_assert(offsetof(struct callback_register, address) == 8,
               "callback_register.address");

/* Only some types may be unregistered (NMI); others give -XEN_EINVAL. */
struct callback_unregister {
    uint16_t type;
    uint16_t _unused;
};
_Static_assert(sizeof(struct callback_unregister) == 4,
               "callback_unregister");

#endif /* !__ASSEMBLY__ */

#endif /* XENLITE_HYPERCALLS_CALLBACK_H */
