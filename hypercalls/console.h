/*
 * Consoles.
 *
 * 1. console_io(cmd, count, buffer): the hypervisor's own console.  dom0
 *    writes everything it prints there; other domains' output is filtered
 *    to printable characters and may be held until a newline.
 * 2. The PV console ring page (start_info.console.domU), shared between a
 *    guest and the console backend in dom0 and signalled on the console
 *    event channel.
 *
 * Numbers and layouts are Xen's.
 */
#ifndef XENLITE_HYPERCALLS_CONSOLE_H
#define XENLITE_HYPERCALLS_CONSOLE_H

#include "xen.h"

#define CONSOLEIO_write  0   /* returns 0, or -XEN_E* */
#define CONSOLEIO_read   1   /* returns the number of bytes read */

#ifndef __ASSEMBLY__

typedef uint32_t XENCONS_RING_IDX;

/* Free-running indices; reduce them modulo the ring size to index. */
#define MASK_XENCONS_IDX(idx, ring)  ((idx) & (sizeof(ring) - 1))

/*
 * in:  backend -> guest (keyboard input); guest consumes.
 * out: guest -> backend (output); guest produces.
 * A producer writes data, then (after a write barrier) the prod index.
 */
struct xencons_interface {
    char in[1024];
    char out[2048];
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
};
_Static_assert(sizeof(struct xencons_interface) == 3088, "xencons_interface");
_Static_assert(offsetof(struct xencons_interface, out) == 1024,
               "xencons_interface.out");
_Static_assert(offsetof(struct xencons_interface, in_cons) == 3072,
               "xencons_interface.in_cons");
_Static_assert(offsetof(struct xencons_interface, out_cons) == 3080,
               "xencons_interface.out_cons");

#endif /* !__ASSEMBLY__ */

#endif /* XENLITE_HYPERCALLS_CONSOLE_H */
