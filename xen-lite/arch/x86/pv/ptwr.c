/*
 * Writable page tables (VMASST_TYPE_writable_pagetables, Xen's "ptwr").
 *
 * A PV kernel with this assist may write the entries of its own L1 page
 * tables directly, through the read-only mappings it has of them.  The
 * write faults; the faulting instruction is decoded (ptwr_insn.c) and
 * performed on a copy of the entry, the new entry is validated exactly as
 * mmu_update validates it, and then stored with a compare-and-exchange
 * against the entry the instruction saw (a concurrent change makes the
 * guest run the instruction again).  Anything else -- another instruction,
 * a table of another level, an entry that would not validate -- reaches
 * the guest as the page fault it was.
 */
#include "asm/desc.h"
#include "asm/guest_access.h"
#include "asm/msr.h"
#include "asm/page.h"
#include "asm/ptwr.h"
#include "xen/lib.h"
#include "xen/pt_walk.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen_errno.h"

enum outcome { PTWR_DONE, PTWR_RETRY, PTWR_REFUSED };

static uint64_t operand_mask(unsigned int size)
{
    return size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* Emulate the write at regs->rip into L1 table mfn, the page that cr2 hits. */
static enum outcome emulate(struct cpu_user_regs *regs, unsigned long cr2,
                            unsigned long mfn, domid_t owner)
{
    uint8_t bytes[PTWR_INSN_MAX];
    unsigned int n = PTWR_INSN_MAX;
    struct cpu_user_regs r = *regs;
    struct ptwr_insn in;
    uint64_t addr, old, val, m;
    unsigned int slot, shift;

    /* An instruction that ends near the end of its page: take what there is. */
    if (!guest_range_ok(regs->rip, n) || copy_from_guest(bytes, regs->rip, n)) {
        unsigned long to_end = PAGE_SIZE - (regs->rip & ~PAGE_MASK);
        n = to_end < PTWR_INSN_MAX && guest_range_ok(regs->rip, to_end) &&
            !copy_from_guest(bytes, regs->rip, to_end) ? to_end : 0;
    }
    /* A PV kernel's L1 writes are single entries (as Xen's ptwr takes them). */
    if (!n || ptwr_decode(bytes, n, &in) || in.op == PTWR_STOS ||
        in.op == PTWR_CMPXCHG_DBL)
        return PTWR_REFUSED;
    addr = ptwr_operand_address(&in, &r, rdmsr(MSR_FS_BASE), rdmsr(MSR_GS_BASE));
    /* Only a naturally aligned operand in the page that faulted (Xen's rule). */
    if (((addr ^ cr2) & PAGE_MASK) || (addr & (in.size - 1)))
        return PTWR_REFUSED;
    slot = (addr & ~PAGE_MASK) >> 3;
    shift = (addr & 7) * 8;
    m = operand_mask(in.size) << shift;
    old = __atomic_load_n(pt_map_frame(mfn) + slot, __ATOMIC_SEQ_CST);
    if (ptwr_execute(&in, &r, old >> shift, &val)) {
        int rc = cmpxchg_l1_entry(mfn, slot, old, (old & ~m) | ((val << shift) & m), owner);
        if (rc == -XEN_EAGAIN)
            return PTWR_RETRY;
        if (rc)
            return PTWR_REFUSED;
    }
    r.rip += in.len;
    *regs = r;
    return PTWR_DONE;
}

bool pv_ptwr_fault(struct cpu_user_regs *regs, unsigned long cr2)
{
    const uint32_t want = PFEC_write_access | PFEC_page_present;
    struct vcpu *v = current;
    struct domain *d = v->domain;
    struct page_info *pg;
    struct pt_walk w = { .level = 0 };
    enum outcome o;

    if (!v->arch.pv.kernel_mode || !(d->vm_assist & (1UL << VMASST_TYPE_writable_pagetables)) ||
        (regs->error_code & (want | PFEC_reserved_bit | PFEC_insn_fetch)) != want ||
        !guest_range_ok(cr2, 1) || !v->arch.pv.guest_table)
        return false;
    /* The entry mapping cr2 must be a read-only mapping of one of d's L1 tables. */
    if (!pt_walk(&pt_ctx_machine, v->arch.pv.guest_table, cr2, 1, &w) || w.level != 1 ||
        (w.entry & (_PAGE_PRESENT | _PAGE_RW)) != _PAGE_PRESENT || !mfn_valid(pte_mfn(w.entry)))
        return false;
    pg = mfn_to_page(pte_mfn(w.entry));
    if (!get_page(pg, d->domain_id))
        return false;
    if (!get_page_type_validated(pg, PGT_l1_page_table)) {
        put_page(pg);
        return false;
    }
    o = emulate(regs, cr2, pte_mfn(w.entry), d->domain_id);
    put_page_and_type(pg);
    if (o == PTWR_REFUSED)
        return false;
    if (o == PTWR_DONE)
        v->stats.ptwr_emulations++;
    return true;
}
