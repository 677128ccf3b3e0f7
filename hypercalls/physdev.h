/*
 * physdev_op (hypercall 33): the operations a PV guest uses for I/O
 * privilege.  Numbers and layouts are Xen's public physdev.h; xen-lite
 * implements set_iopl and set_iobitmap (ABI.md).
 */
#ifndef XENLITE_HYPERCALLS_PHYSDEV_H
#define XENLITE_HYPERCALLS_PHYSDEV_H

#include <stdint.h>

#define PHYSDEVOP_eoi                   12
#define PHYSDEVOP_pirq_eoi_gmfn_v1      17
#define PHYSDEVOP_pirq_eoi_gmfn_v2      28
#define PHYSDEVOP_irq_status_query       5
#define PHYSDEVOP_set_iopl               6
#define PHYSDEVOP_set_iobitmap           7
#define PHYSDEVOP_apic_read              8
#define PHYSDEVOP_apic_write             9
#define PHYSDEVOP_alloc_irq_vector      10
#define PHYSDEVOP_free_irq_vector       11
#define PHYSDEVOP_map_pirq              13
#define PHYSDEVOP_unmap_pirq            14
#define PHYSDEVOP_get_free_pirq         23

/* The vCPU's I/O privilege level (0-3), as EFLAGS.IOPL would hold it. */
struct physdev_set_iopl {
    uint32_t iopl;
};
_Static_assert(sizeof(struct physdev_set_iopl) == 4, "physdev_set_iopl");

/* An I/O permission bitmap in guest memory (a set bit denies the port). */
struct physdev_set_iobitmap {
    uint64_t bitmap;                    /* XEN_GUEST_HANDLE(uint8) */
    uint32_t nr_ports;
    uint32_t _pad;
};
_Static_assert(sizeof(struct physdev_set_iobitmap) == 16, "physdev_set_iobitmap");

#endif
