/*
 * Port I/O from an HVM guest.  The emulated devices are the COM1 16550
 * (0x3f8-0x3ff, hvm/vuart.c) and Xen's debug console port 0xe9 (bytes to
 * the hypervisor console, a line at a time); every other port reads as
 * all ones and ignores writes, as unclaimed ports do on a PC.  String
 * forms (INS/OUTS, with REP) move their data through the guest's memory,
 * a bounded number of elements per exit.
 */
#include "asm/processor.h"
#include "xen/lib.h"
#include "xen/sched.h"

#include "hvm/hvm.h"

#define COM1_BASE       0x3f8
#define COM1_LAST       0x3ff
#define XEN_DEBUG_PORT  0xe9
#define STRING_MAX      4096            /* elements per exit: others re-execute */

static uint32_t size_mask(unsigned int size)
{
    return size == 4 ? 0xffffffffU : (1U << (8 * size)) - 1;
}

/* One element: true if a device claimed the port. */
static void port_io(struct domain *d, uint16_t port, unsigned int size, bool in, uint32_t *val)
{
    if (port >= COM1_BASE && port <= COM1_LAST && size == 1) {
        vuart_io(d, port - COM1_BASE, in, val);
        return;
    }
    if (port == XEN_DEBUG_PORT) {
        if (in)
            *val = XEN_DEBUG_PORT;      /* Bochs's and Xen's answer: it is there */
        else
            hvm_debug_putc(d, *val);
        return;
    }
    if (in)
        *val = size_mask(size);
}

/* The linear address of a string element: ES:RDI for INS, DS:RSI for OUTS. */
static unsigned long string_addr(struct vcpu *v, const struct cpu_user_regs *regs, bool in,
                                 unsigned int addr_size)
{
    struct hvm_segment seg;
    uint64_t off = in ? regs->rdi : regs->rsi;

    hvm_backend->get_seg(v, in ? HVM_SEG_ES : HVM_SEG_DS, &seg);
    if (addr_size < 8)
        off &= addr_size == 4 ? 0xffffffffULL : 0xffffULL;
    return (addr_size == 8 ? 0 : seg.base) + off;
}

static void string_io(struct vcpu *v, struct cpu_user_regs *regs, const struct hvm_exit *e)
{
    unsigned int size = e->u.io.size, done = 0;
    uint64_t count = e->u.io.rep ? regs->rcx & (e->u.io.addr_size == 8 ? ~0ULL :
                                                e->u.io.addr_size == 4 ? 0xffffffffULL : 0xffff) : 1;
    int64_t step = (regs->rflags & X86_EFLAGS_DF) ? -(int64_t)size : size;
    uint64_t *index = e->u.io.in ? &regs->rdi : &regs->rsi;

    unsigned long la = 0;

    for (; done < count && done < STRING_MAX; done++) {
        uint32_t val = 0;

        la = string_addr(v, regs, e->u.io.in, e->u.io.addr_size);
        if (!e->u.io.in && hvm_copy_from_guest(&val, la, size))
            break;
        port_io(v->domain, e->u.io.port, size, e->u.io.in, &val);
        if (e->u.io.in && hvm_copy_to_guest(la, &val, size))
            break;
        *index += step;
    }
    if (e->u.io.rep)
        regs->rcx -= done;
    if (done < count && done < STRING_MAX) {
        /* An element the guest's tables do not map (or not writably). */
        hvm_backend->set_reg(v, HVM_REG_CR2, la);
        hvm_inject_exception(v, TRAP_page_fault, e->u.io.in ? PFEC_write_access : 0);
        return;
    }
    if (done == count)
        hvm_advance_rip(v);             /* else it runs again for the rest */
}

void hvm_io(struct vcpu *v, struct cpu_user_regs *regs)
{
    const struct hvm_exit *e = &v->arch.hvm.exit;
    uint32_t mask = size_mask(e->u.io.size), val = regs->rax & mask;

    if (e->u.io.str) {
        string_io(v, regs, e);
        return;
    }
    port_io(v->domain, e->u.io.port, e->u.io.size, e->u.io.in, &val);
    if (e->u.io.in)                     /* a 32-bit IN clears RAX[63:32] */
        regs->rax = e->u.io.size == 4 ? val : (regs->rax & ~(uint64_t)mask) | (val & mask);
    hvm_advance_rip(v);
}
