/*
 * An HVM guest's memory as the hypervisor reaches it: a guest-virtual
 * address goes through the guest's own page tables (the one walker, its
 * tables reached through the p2m), then the p2m; the frame is referenced
 * for as long as it is touched, and must be the domain's own RAM (or a
 * hypervisor page it was given).  Paging off: virtual is physical.  The
 * guest's 32-bit paged modes are not walked: pointers from them fail
 * (ABI.md).  copy_from_guest and friends come here for HVM vCPUs.
 */
#include "asm/msr.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "xen/lib.h"
#include "xen/physmap.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen_errno.h"

#include "hvm/hvm.h"

/* The RAM frame at gfn, with a reference; NULL if d has none there. */
static struct page_info *get_ram_page(struct domain *d, unsigned long gfn)
{
    enum p2m_type t;
    unsigned long mfn = guest_physmap_lookup(d, gfn, &t);
    struct page_info *pg;

    if (mfn == P2M_INVALID_MFN || (t != p2m_ram_rw && t != p2m_xen_page) || !mfn_valid(mfn))
        return NULL;
    pg = mfn_to_page(mfn);
    return get_page(pg, d->domain_id) ? pg : NULL;
}

void *hvm_map_gfn(struct domain *d, unsigned long gfn, struct page_info **pg)
{
    *pg = get_ram_page(d, gfn);
    return *pg ? mfn_to_virt(page_to_mfn(*pg)) : NULL;
}

void hvm_unmap_gfn(struct page_info *pg)
{
    put_page(pg);
}

/*
 * A table of the guest's: read through the p2m, no reference kept -- a
 * stale read yields only a gfn, which is itself looked up in this p2m.
 */
static uint64_t *map_guest_table(const struct pt_ctx *c, unsigned long gfn)
{
    enum p2m_type t;
    unsigned long mfn = guest_physmap_lookup(c->priv, gfn, &t);

    if (mfn == P2M_INVALID_MFN || t != p2m_ram_rw || !mfn_valid(mfn))
        return NULL;
    return mfn_to_virt(mfn);
}

static bool canonical(unsigned long va)
{
    return (long)(va << 16) >> 16 == (long)va;
}

/* The gfn behind va for v's current mode; write: the mapping must allow it. */
static bool gva_to_gfn(struct vcpu *v, unsigned long va, bool write, unsigned long *gfn)
{
    struct pt_ctx c = { .fmt = &pt_format_x86, .map = map_guest_table, .priv = v->domain };
    uint64_t cr0 = hvm_get_reg(v, HVM_REG_CR0);
    struct pt_walk w;

    if (!(cr0 & X86_CR0_PG)) {
        *gfn = (uint32_t)va >> PAGE_SHIFT;
        return true;
    }
    if (!(hvm_get_reg(v, HVM_REG_EFER) & EFER_LMA) || !canonical(va))
        return false;
    if (!pt_walk(&c, (hvm_get_reg(v, HVM_REG_CR3) & PT_ADDR_MASK) >> PAGE_SHIFT, va, 1, &w) ||
        !pt_present(&pt_format_x86, w.entry))
        return false;
    if (write && !(w.perm & PT_X86_RW) && (cr0 & X86_CR0_WP))
        return false;
    *gfn = (pt_frame(&pt_format_x86, w.entry) & ~(pt_level_frames(w.level) - 1)) +
           ((va >> PAGE_SHIFT) & (pt_level_frames(w.level) - 1));
    return true;
}

enum copy_dir { FROM_GUEST, TO_GUEST, CLEAR_GUEST };

/* Page by page; returns the bytes not copied, as raw_copy_*_guest. */
static unsigned long copy(struct vcpu *v, unsigned long va, void *buf, unsigned long len,
                          enum copy_dir dir)
{
    while (len) {
        unsigned long gfn, off = va & (PAGE_SIZE - 1), n = MIN(len, PAGE_SIZE - off);
        struct page_info *pg;
        char *p;

        if (!gva_to_gfn(v, va, dir != FROM_GUEST, &gfn) || !(p = hvm_map_gfn(v->domain, gfn, &pg)))
            return len;
        if (dir == FROM_GUEST)
            memcpy(buf, p + off, n);
        else if (dir == TO_GUEST)
            memcpy(p + off, buf, n);
        else
            memset(p + off, 0, n);
        hvm_unmap_gfn(pg);
        va += n;
        buf = dir == CLEAR_GUEST ? buf : (char *)buf + n;
        len -= n;
    }
    return 0;
}

unsigned long hvm_copy_from_guest(void *dst, unsigned long va, unsigned long len)
{
    return copy(current, va, dst, len, FROM_GUEST);
}

unsigned long hvm_copy_to_guest(unsigned long va, const void *src, unsigned long len)
{
    return copy(current, va, (void *)src, len, TO_GUEST);
}

unsigned long hvm_clear_guest(unsigned long va, unsigned long len)
{
    return copy(current, va, NULL, len, CLEAR_GUEST);
}

/* The bytes at the current vCPU's CS:RIP (its next instruction). */
unsigned long hvm_fetch_insn(void *dst, unsigned long len)
{
    struct hvm_segment cs;

    hvm_backend->get_seg(current, HVM_SEG_CS, &cs);
    return copy(current, cs.base + guest_cpu_user_regs()->rip, dst, len, FROM_GUEST);
}

/* Guest-physical copies into d (builders, the hypercall page, devices). */
static int copy_gpa(struct domain *d, uint64_t gpa, void *buf, size_t len, bool to)
{
    while (len) {
        size_t off = gpa & (PAGE_SIZE - 1), n = MIN(len, PAGE_SIZE - off);
        struct page_info *pg;
        char *p = hvm_map_gfn(d, gpa >> PAGE_SHIFT, &pg);

        if (!p)
            return -XEN_EFAULT;
        if (!to)
            memcpy(buf, p + off, n);
        else if (buf)
            memcpy(p + off, buf, n);
        else
            memset(p + off, 0, n);
        hvm_unmap_gfn(pg);
        gpa += n;
        buf = buf ? (char *)buf + n : NULL;
        len -= n;
    }
    return 0;
}

int hvm_copy_to_gpa(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
    return copy_gpa(d, gpa, (void *)src, len, true);
}

int hvm_copy_from_gpa(struct domain *d, uint64_t gpa, void *dst, size_t len)
{
    return copy_gpa(d, gpa, dst, len, false);
}
