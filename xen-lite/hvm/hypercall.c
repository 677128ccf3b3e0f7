/*
 * Hypercalls from HVM guests: VMMCALL (or VMCALL) with the number in RAX
 * and the arguments in RDI, RSI, RDX, R10, R8, R9 (64-bit mode), as Xen.
 * The table is the HVM subset: what manages memory as page tables (the
 * PV MMU, trap tables, callbacks, iret, segment bases) is not there, nor
 * are grant tables and physdev_op (PV-only here), and memory_op is
 * limited to what a translated guest may ask.  Only ring 0
 * may call (-EPERM otherwise, as Xen); calls from 32-bit code get
 * -ENOSYS (ABI.md).  A preempted call leaves RIP on the instruction.
 */
#include "asm/guest_access.h"
#include "asm/msr.h"
#include "xen/event.h"
#include "xen/hypercall.h"
#include "xen/lib.h"
#include "xen/nospec.h"
#include "xen/preempt.h"
#include "xen/sched.h"
#include "memory_op.h"
#include "xen_errno.h"

#include "hvm/hvm.h"

/* A translated guest has no machine frames to ask about. */
static long hvm_memory_op(unsigned long cmd, unsigned long arg)
{
    switch (cmd & MEMOP_CMD_MASK) {
    case XENMEM_machphys_mfn_list:
    case XENMEM_machphys_mapping:
    case XENMEM_machphys_compat_mfn_list:
        return -XEN_ENOSYS;
    }
    return do_memory_op(cmd, arg);
}

/* EVTCHNOP_send's fast path reads its port as a PV address: not here. */
static long hvm_event_channel_op(int cmd, unsigned long arg)
{
    evtchn_port_t port;

    if (cmd != EVTCHNOP_send)
        return do_event_channel_op(cmd, arg);
    if (copy_from_guest(&port, arg, sizeof(port)))
        return -XEN_EFAULT;
    return evtchn_send_from(current->domain, port);
}

#define HC(nr, fn)  [__HYPERVISOR_##nr] = (hypercall_fn_t)(void (*)(void))(fn)
static const hypercall_fn_t hvm_hypercall_table[NR_HYPERCALLS] = {
    HC(memory_op, hvm_memory_op),
    HC(multicall, hvm_multicall),
    HC(set_timer_op, do_set_timer_op),
    HC(xen_version, do_xen_version),
    HC(console_io, do_console_io),
    HC(vcpu_op, do_vcpu_op),
    HC(sched_op, do_sched_op),
    HC(event_channel_op, hvm_event_channel_op),
    HC(hvm_op, do_hvm_op),
    HC(sysctl, do_sysctl),
    HC(domctl, do_domctl),
};

/* Used by multicall entries too. */
long hvm_hypercall_nr(unsigned long nr, const unsigned long *a)
{
    if (nr >= NR_HYPERCALLS)
        return -XEN_ENOSYS;
    nr = array_index_nospec(nr, NR_HYPERCALLS);
    if (!hvm_hypercall_table[nr])
        return -XEN_ENOSYS;
    return hvm_hypercall_table[nr](a[0], a[1], a[2], a[3], a[4], a[5]);
}

void hvm_hypercall(struct vcpu *v, struct cpu_user_regs *regs)
{
    struct hvm_segment cs;
    long rc;

    hvm_backend->get_seg(v, HVM_SEG_CS, &cs);
    if (hvm_backend->cpl(v) != 0) {
        rc = -XEN_EPERM;
    } else if (!(hvm_get_reg(v, HVM_REG_EFER) & EFER_LMA) || !(cs.ar & (1U << 9))) {
        rc = -XEN_ENOSYS;               /* 32-bit callers: no compat layouts here */
    } else {
        unsigned long a[6] = { regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8, regs->r9 };

        v->arch.hvm.hcall_preempted = false;
        hypercall_budget_reset();
        if (regs->rax < NR_HYPERCALLS)
            v->stats.hypercalls[regs->rax]++;   /* xl hypercall-stats */
        rc = hvm_hypercall_nr(regs->rax, a);
        if (v->arch.hvm.hcall_preempted)
            return;                     /* RIP stays: the guest calls again */
    }
    regs->rax = rc;
    hvm_advance_rip(v);
}

/*
 * The hypercall page (Xen's layout): 32 bytes per hypercall,
 * `mov $nr, %eax; <vmmcall or vmcall>; ret`; iret does not exist for
 * HVM guests, its slot is ud2.
 */
void hvm_write_hypercall_page(void *page)
{
    uint8_t *p = page;

    memset(page, 0xcc, 4096);           /* int3 padding */
    for (unsigned int i = 0; i < 4096 / XEN_HYPERCALL_STUB_SIZE; i++, p += XEN_HYPERCALL_STUB_SIZE) {
        p[0] = 0xb8;                    /* mov $i, %eax */
        memcpy(p + 1, &i, 4);
        memcpy(p + 5, hvm_backend->hypercall_insn, 3);
        p[8] = 0xc3;                    /* ret */
    }
    p = (uint8_t *)page + __HYPERVISOR_iret * XEN_HYPERCALL_STUB_SIZE;
    p[0] = 0x0f;                        /* ud2 */
    p[1] = 0x0b;
}
