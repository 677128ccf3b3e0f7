/*
 * I/O privilege and port I/O for PV guests: PHYSDEVOP_set_iopl and
 * set_iobitmap, and the in/out instructions a PV kernel runs -- which
 * fault in ring 3 and are emulated here as Xen emulates them for a domain
 * with no I/O ports of its own: the PCI configuration address register
 * (port 0xcf8, 32-bit accesses) is kept per domain and reads back, the
 * data ports 0xcfc-0xcff and every other port read as all ones (the
 * domain has no PIT: Xen's PV PIT and speaker emulation is only for a
 * domain created with it), and writes are dropped.  An access the vCPU's
 * I/O privilege does not allow is a #GP, as on hardware.  The string forms
 * (ins/outs, with rep) move each element between the port and the
 * guest's memory through the guest's own mappings: a bad address is the
 * #PF (or, non-canonical, the #GP) the instruction would take, with the
 * elements before it done and rsi/rdi/rcx saying so.
 */
#include "asm/desc.h"
#include "asm/guest_access.h"
#include "asm/processor.h"
#include "xen/hypercall.h"
#include "xen/lib.h"
#include "xen/sched.h"
#include "physdev.h"
#include "xen_errno.h"

#define PCI_CONFIG_ADDRESS  0xcf8       /* PCI local bus spec 3.0, §3.2.2.3.2 */
#define PCI_CONFIG_DATA     0xcfc
#define IO_PORTS            65536
/* Elements one emulation moves before it returns to the guest, which runs
 * the rep instruction again for the rest (the hypervisor stays preemptible). */
#define STRING_IO_BATCH     1024

/* Does the vCPU's I/O privilege cover the mode it runs in (Xen's iopl_ok)? */
bool pv_iopl_ok(const struct vcpu *v)
{
    unsigned int cpl = v->arch.pv.kernel_mode
                       ? (v->domain->vm_assist & (1UL << VMASST_TYPE_architectural_iopl) ? 0 : 1)
                       : 3;

    return cpl <= v->arch.pv.iopl;
}

/* May the vCPU touch ports [port, port + bytes) (Xen's guest_io_okay)? */
static bool io_allowed(struct vcpu *v, unsigned int port, unsigned int bytes)
{
    bool user = !v->arch.pv.kernel_mode;
    uint8_t map[2] = { 0xff, 0xff };

    if (pv_iopl_ok(v))
        return true;
    if (port + bytes > v->arch.pv.iobmp_limit)
        return false;
    /* The guest's bitmap is kernel memory: read it in kernel mode. */
    if (user)
        pv_toggle_guest_mode(v);
    if (copy_from_guest(map, v->arch.pv.iobmp + (port >> 3), 2))
        (void)copy_from_guest(map, v->arch.pv.iobmp + (port >> 3), 1);
    if (user)
        pv_toggle_guest_mode(v);
    return !(((uint32_t)map[0] | ((uint32_t)map[1] << 8)) & (((1u << bytes) - 1) << (port & 7)));
}

static uint32_t port_read(struct domain *d, unsigned int port, unsigned int bytes)
{
    if (port == PCI_CONFIG_ADDRESS && bytes == 4)
        return d->arch.pci_cf8;
    return bytes == 4 ? 0xffffffffu : (1u << (bytes * 8)) - 1;
}

static void port_write(struct domain *d, unsigned int port, unsigned int bytes, uint32_t val)
{
    if (port == PCI_CONFIG_ADDRESS && bytes == 4)
        d->arch.pci_cf8 = val;
}

/*
 * in/out at regs->rip with operand size bytes and the port in port (an
 * immediate or dx): false if the vCPU may not, so the caller injects #GP.
 */
bool pv_emulate_io(struct cpu_user_regs *regs, bool in, unsigned int port,
                   unsigned int bytes)
{
    struct vcpu *v = current;

    if (!io_allowed(v, port, bytes))
        return false;
    if (in) {
        uint32_t val = port_read(v->domain, port, bytes);
        if (bytes == 4)
            regs->rax = val;            /* 32-bit writes clear the upper half */
        else
            regs->rax = (regs->rax & ~((1UL << (bytes * 8)) - 1)) | val;
    } else {
        port_write(v->domain, port, bytes, (uint32_t)regs->rax);
    }
    return true;
}

static bool canonical(uint64_t va)
{
    return (int64_t)(va << 16) >> 16 == (int64_t)va;
}

/* The #PF (or #GP) a guest access to va that failed takes: Xen's
 * emulator reports only the access's direction in the error code. */
static void memory_fault(struct vcpu *v, uint64_t va, bool write)
{
    if (!canonical(va))
        pv_inject_exception(v, TRAP_gp_fault, 0);
    else
        pv_inject_page_fault(v, va, write ? PFEC_write_access : 0);
}

/* One register of an address-size-dependent width, stepped by delta. */
static void step_reg(uint64_t *reg, int64_t delta, bool addr32)
{
    *reg = addr32 ? (uint32_t)(*reg + delta) : *reg + delta;
}

/*
 * ins (in) or outs at regs->rip: `bytes` an element, rep if `rep`, 32-bit
 * addressing if `addr32`.  False if the vCPU may not touch the port (the
 * caller injects #GP); true once done, or once a fault was injected, with
 * rip past the instruction only when every element moved.
 */
bool pv_emulate_string_io(struct cpu_user_regs *regs, bool in, unsigned int bytes,
                          bool rep, bool addr32, unsigned int len)
{
    struct vcpu *v = current;
    unsigned int port = regs->rdx & 0xffff;
    int64_t delta = regs->rflags & X86_EFLAGS_DF ? -(int64_t)bytes : (int64_t)bytes;
    uint64_t count = rep ? (addr32 ? (uint32_t)regs->rcx : regs->rcx) : 1;

    if (!io_allowed(v, port, bytes))
        return false;
    for (unsigned int n = 0; count && n < STRING_IO_BATCH; n++) {
        uint64_t va = addr32 ? (uint32_t)(in ? regs->rdi : regs->rsi) : (in ? regs->rdi : regs->rsi);
        uint32_t val = 0;

        if (in) {
            val = port_read(v->domain, port, bytes);
            if (!canonical(va) || copy_to_guest(va, &val, bytes)) {
                memory_fault(v, va, true);
                return true;
            }
            step_reg(&regs->rdi, delta, addr32);
        } else {
            if (!canonical(va) || copy_from_guest(&val, va, bytes)) {
                memory_fault(v, va, false);
                return true;
            }
            port_write(v->domain, port, bytes, val);
            step_reg(&regs->rsi, delta, addr32);
        }
        count--;
        if (rep)
            step_reg(&regs->rcx, -1, addr32);
    }
    if (!count)
        regs->rip += len;
    return true;
}

long do_physdev_op(int cmd, unsigned long arg)
{
    struct vcpu *v = current;

    switch (cmd) {
    case PHYSDEVOP_set_iopl: {
        struct physdev_set_iopl s;
        if (copy_from_guest_obj(&s, arg))
            return -XEN_EFAULT;
        if (s.iopl > 3)
            return -XEN_EINVAL;
        v->arch.pv.iopl = s.iopl;
        return 0;
    }
    case PHYSDEVOP_set_iobitmap: {
        struct physdev_set_iobitmap s;
        if (copy_from_guest_obj(&s, arg))
            return -XEN_EFAULT;
        if (!guest_range_ok(s.bitmap, IO_PORTS / 8) || s.nr_ports > IO_PORTS)
            return -XEN_EINVAL;
        v->arch.pv.iobmp = s.bitmap;
        v->arch.pv.iobmp_limit = s.nr_ports;
        return 0;
    }
    }
    return -XEN_ENOSYS;
}
