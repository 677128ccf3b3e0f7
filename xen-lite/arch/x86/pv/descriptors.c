/*
 * A PV guest's own descriptor tables: set_gdt, update_descriptor and
 * MMUEXT_SET_LDT, the per-CPU GDT/LDT windows that show the running
 * vCPU's tables to the CPU, and the guest's segment selectors across a
 * context switch.
 *
 * Model (Xen's): a frame holding guest descriptors has the page type
 * "segment descriptor page" while a GDT or LDT uses it.  Taking that type
 * validates every descriptor in it (desc_check.c), and a frame of that type
 * is never mapped writable, so the guest changes a live descriptor only
 * through update_descriptor, which validates it first.
 *
 * Each CPU has a 16-page GDT window (pages 0-13 the guest's frames or a
 * zero page, page 14 the hypervisor's descriptors) and a 16-page LDT
 * window; switching to a vCPU rewrites the entries that differ.  An LDT's
 * pages are looked up and typed when SET_LDT is called (Xen maps each on
 * its first use), so they must be mapped at that moment.
 */
#include "asm/desc.h"
#include "asm/guest_access.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "asm/traps.h"
#include "xen/audit.h"
#include "xen/hypercall.h"
#include "xen/lib.h"
#include "xen/percpu.h"
#include "xen/pt_walk.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen.h"
#include "xen_errno.h"

#define LDT_DESC_INDEX  ((LDT_SELECTOR >> SEL_INDEX_SHIFT) % DESCS_PER_PAGE)

/* ---- frames ---- */

/* Type nr frames of d as descriptor pages: all or none. */
static int take_frames(struct domain *d, const unsigned long *frames, unsigned int nr)
{
    for (unsigned int i = 0; i < nr; i++) {
        int rc = mfn_valid(frames[i])
                 ? get_page_and_type(mfn_to_page(frames[i]), d->domain_id,
                                     PGT_seg_desc_page, false)
                 : -XEN_EINVAL;
        if (rc) {
            while (i-- > 0)
                put_page_and_type(mfn_to_page(frames[i]));
            return -XEN_EINVAL;
        }
    }
    return 0;
}

static void drop_frames(unsigned long *frames, unsigned int nr)
{
    for (unsigned int i = 0; i < nr; i++)
        if (frames[i]) {
            put_page_and_type(mfn_to_page(frames[i]));
            frames[i] = 0;
        }
}

/* The frames behind [base, base + nr pages) in the kernel page tables at l4. */
static int ldt_lookup(unsigned long l4, unsigned long base, unsigned int nr,
                      unsigned long *frames)
{
    for (unsigned int i = 0; i < nr; i++) {
        unsigned long va = base + (unsigned long)i * PAGE_SIZE;
        struct pt_walk w = { .entry = 0 };

        if (!l4 || !guest_range_ok(va, PAGE_SIZE) ||
            !pt_walk(&pt_ctx_machine, l4, va, 1, &w) || w.level != 1 ||
            !(w.entry & _PAGE_PRESENT))
            return -XEN_EINVAL;
        frames[i] = pte_mfn(w.entry);
    }
    return 0;
}

/* ---- the windows ---- */

static void set_window_entry(uint64_t *l1e, unsigned long va, unsigned long frame)
{
    uint64_t want = frame ? ((uint64_t)frame << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | pte_nx()
                          : desc_window_empty_pte();

    if (*l1e != want) {
        *l1e = want;
        invlpg(va);
    }
}

/* The 16-byte LDT descriptor for this CPU's window (SDM vol. 3 §7.2.3, §3.5). */
static void set_ldt_descriptor(struct percpu *pc, unsigned int ents)
{
    unsigned long base = LDT_VIRT_START + (unsigned long)pc->cpu * LDT_PAGES * PAGE_SIZE;
    uint64_t *d = &pc->gdt_page[LDT_DESC_INDEX];

    d[0] = ((uint64_t)ents * 8 - 1) | ((base & 0xffffff) << 16) |
           ((uint64_t)SEG_TYPE_LDT << SEG_DESC_TYPE_SHIFT) | SEG_DESC_P |
           (((base >> 24) & 0xff) << 56);
    d[1] = base >> 32;
}

/* Show v's tables on this CPU (v is about to run, or is running). */
void pv_desc_load(struct vcpu *v)
{
    struct percpu *pc = this_cpu();
    const struct pv_desc_tables *t = &v->arch.pv.desc;

    for (unsigned int i = 0; i < FIRST_RESERVED_GDT_PAGE; i++)
        set_window_entry(&pc->gdt_l1e[i], pc->gdt_va + i * PAGE_SIZE, t->gdt_frames[i]);
    for (unsigned int i = 0; i < LDT_PAGES; i++)
        set_window_entry(&pc->ldt_l1e[i], LDT_VIRT_START +
                         ((unsigned long)pc->cpu * LDT_PAGES + i) * PAGE_SIZE,
                         t->ldt_frames[i]);
    if (t->ldt_ents) {
        set_ldt_descriptor(pc, t->ldt_ents);
        __asm__ __volatile__("lldt %w0" :: "r"(LDT_SELECTOR) : "memory");
    } else {
        __asm__ __volatile__("lldt %w0" :: "r"(0) : "memory");
    }
}

/* ---- hypercalls ---- */

/* Take the frames of a GDT of `entries` into t (which held none). */
static int take_gdt(struct domain *d, const unsigned long *frames, unsigned int entries,
                    struct pv_desc_tables *t)
{
    unsigned int nr = DIV_ROUND_UP(entries, DESCS_PER_PAGE);
    int rc;

    if (entries > FIRST_RESERVED_GDT_ENTRY)
        return -XEN_EINVAL;
    if ((rc = take_frames(d, frames, nr)))
        return rc;
    memcpy(t->gdt_frames, frames, nr * sizeof(frames[0]));
    t->gdt_ents = entries;
    return 0;
}

/* Take the pages of an LDT of ents entries at base (kernel tables at l4). */
static int take_ldt(struct domain *d, unsigned long l4, unsigned long base,
                    unsigned int ents, struct pv_desc_tables *t)
{
    unsigned int nr = DIV_ROUND_UP(ents, DESCS_PER_PAGE);
    int rc;

    if ((base & ~PAGE_MASK) || ents > LDT_MAX_ENTRIES)
        return -XEN_EINVAL;
    if ((rc = ldt_lookup(l4, base, nr, t->ldt_frames)) ||
        (rc = take_frames(d, t->ldt_frames, nr))) {
        memset(t->ldt_frames, 0, sizeof(t->ldt_frames));
        return rc;
    }
    t->ldt_base = base;
    t->ldt_ents = ents;
    return 0;
}

long do_set_gdt(unsigned long frame_list, unsigned int entries)
{
    unsigned long frames[FIRST_RESERVED_GDT_PAGE];
    struct pv_desc_tables n = { .gdt_ents = 0 };
    struct vcpu *v = current;
    struct pv_desc_tables *t = &v->arch.pv.desc;
    long rc;

    if (entries > FIRST_RESERVED_GDT_ENTRY)
        return -XEN_EINVAL;
    if (copy_from_guest(frames, frame_list,
                        DIV_ROUND_UP(entries, DESCS_PER_PAGE) * sizeof(frames[0])))
        return -XEN_EFAULT;
    if ((rc = take_gdt(v->domain, frames, entries, &n)))
        return rc;
    drop_frames(t->gdt_frames, FIRST_RESERVED_GDT_PAGE);
    memcpy(t->gdt_frames, n.gdt_frames, sizeof(t->gdt_frames));
    t->gdt_ents = n.gdt_ents;
    pv_desc_load(v);
    return 0;
}

long do_update_descriptor(uint64_t maddr, uint64_t desc)
{
    unsigned long mfn = maddr >> PAGE_SHIFT;
    struct domain *d = current->domain;
    struct page_info *pg;
    unsigned long type;
    long rc = -XEN_EINVAL;

    if ((maddr & 7) || !pv_check_descriptor(&desc) || !mfn_valid(mfn))
        return -XEN_EINVAL;
    pg = mfn_to_page(mfn);
    if (!get_page(pg, d->domain_id))
        return -XEN_EINVAL;
    /* A live descriptor page keeps its type; anything else must be writable. */
    type = (pg->type_info & PGT_type_mask) == PGT_seg_desc_page ? PGT_seg_desc_page
                                                                  : PGT_writable_page;
    if (!get_page_type(pg, type, false)) {
        __atomic_store_n((uint64_t *)((char *)mfn_to_virt(mfn) + (maddr & ~PAGE_MASK)),
                         desc, __ATOMIC_SEQ_CST);
        put_page_type(pg, false);
        rc = 0;
    }
    put_page(pg);
    return rc;
}

/* MMUEXT_SET_LDT for the running vCPU. */
long pv_set_ldt(unsigned long base, unsigned int ents)
{
    struct pv_desc_tables n = { .ldt_ents = 0 };
    struct vcpu *v = current;
    struct pv_desc_tables *t = &v->arch.pv.desc;
    long rc;

    if ((rc = take_ldt(v->domain, v->arch.pv.guest_table, ents ? base : 0, ents, &n)))
        return rc;
    drop_frames(t->ldt_frames, LDT_PAGES);
    memcpy(t->ldt_frames, n.ldt_frames, sizeof(t->ldt_frames));
    t->ldt_base = n.ldt_base;
    t->ldt_ents = n.ldt_ents;
    pv_desc_load(v);
    return 0;
}

/* ---- vCPU context ---- */

/*
 * The tables of a vCPU context (VCPUOP_initialise, setvcpucontext), taken
 * into t -- nothing published: the caller installs t under its lock.
 */
int pv_desc_take_context(struct domain *d, const struct vcpu_guest_context *c,
                         unsigned long l4, struct pv_desc_tables *t)
{
    unsigned long frames[FIRST_RESERVED_GDT_PAGE];
    int rc;

    memset(t, 0, sizeof(*t));
    if (c->gdt_ents > FIRST_RESERVED_GDT_ENTRY || c->ldt_ents > LDT_MAX_ENTRIES)
        return -XEN_EINVAL;
    for (unsigned int i = 0; i < DIV_ROUND_UP(c->gdt_ents, DESCS_PER_PAGE); i++)
        frames[i] = c->gdt_frames[i];
    if ((rc = take_gdt(d, frames, c->gdt_ents, t)))
        return rc;
    if ((rc = take_ldt(d, l4, c->ldt_ents ? c->ldt_base : 0, c->ldt_ents, t)))
        pv_desc_put(t);
    return rc;
}

void pv_desc_get_context(const struct vcpu *v, struct vcpu_guest_context *c)
{
    const struct pv_desc_tables *t = &v->arch.pv.desc;

    for (unsigned int i = 0; i < FIRST_RESERVED_GDT_PAGE; i++)
        c->gdt_frames[i] = t->gdt_frames[i];
    c->gdt_ents = t->gdt_ents;
    c->ldt_base = t->ldt_base;
    c->ldt_ents = t->ldt_ents;
}

/* Drop every frame the tables hold. */
void pv_desc_put(struct pv_desc_tables *t)
{
    drop_frames(t->gdt_frames, FIRST_RESERVED_GDT_PAGE);
    drop_frames(t->ldt_frames, LDT_PAGES);
    t->gdt_ents = t->ldt_ents = 0;
    t->ldt_base = 0;
}

void pv_desc_release(struct vcpu *v)
{
    pv_desc_put(&v->arch.pv.desc);
}

/* The type references v's tables hold, for the auditor. */
unsigned int pv_desc_audit_refs(const struct vcpu *v, struct audit_ref *refs)
{
    const struct pv_desc_tables *t = &v->arch.pv.desc;
    unsigned int n = 0;

    for (unsigned int i = 0; i < FIRST_RESERVED_GDT_PAGE; i++)
        if (t->gdt_frames[i])
            refs[n++] = (struct audit_ref){ t->gdt_frames[i], 1 };
    for (unsigned int i = 0; i < LDT_PAGES; i++)
        if (t->ldt_frames[i])
            refs[n++] = (struct audit_ref){ t->ldt_frames[i], 1 };
    return n;
}

/* ---- selectors ---- */

/* The descriptor sel names in v's own GDT or LDT; false if there is none. */
static bool guest_descriptor(const struct vcpu *v, uint16_t sel, uint64_t *desc)
{
    const struct pv_desc_tables *t = &v->arch.pv.desc;
    unsigned int idx = sel >> SEL_INDEX_SHIFT;
    unsigned long frame;

    if (sel & SEL_TI) {
        if (idx >= t->ldt_ents)
            return false;
        frame = t->ldt_frames[idx / DESCS_PER_PAGE];
    } else {
        if (idx >= t->gdt_ents)
            return false;
        frame = t->gdt_frames[idx / DESCS_PER_PAGE];
    }
    *desc = __atomic_load_n((uint64_t *)mfn_to_virt(frame) + idx % DESCS_PER_PAGE,
                            __ATOMIC_RELAXED);
    return true;
}

/*
 * pv_iret_selector_ok's slow half: sel names a present DPL-3 segment of the
 * guest's own tables of the right kind, so that the CPU's iretq will not
 * fault on it.
 */
bool pv_iret_descriptor_ok(const struct vcpu *v, uint16_t sel, bool code)
{
    uint64_t d, type;

    if ((sel & SEL_RPL_MASK) != 3 || !guest_descriptor(v, sel, &d))
        return false;
    type = (d & SEG_DESC_TYPE_MASK) >> SEG_DESC_TYPE_SHIFT;
    if (!(d & SEG_DESC_P) || !(d & SEG_DESC_S) || (d & SEG_DESC_DPL_MASK) != SEG_DESC_DPL_MASK)
        return false;
    if (code)                           /* L with D set is reserved */
        return (type & SEG_TYPE_CODE) && !((d & SEG_DESC_L) && (d & SEG_DESC_DB));
    return !(type & SEG_TYPE_CODE) && (type & SEG_TYPE_WRITABLE);
}

/* The exit guard (entry.S): may iretq load this frame's CS and SS? */
bool pv_exit_selectors_ok(const struct cpu_user_regs *regs);
bool pv_exit_selectors_ok(const struct cpu_user_regs *regs)
{
    const struct vcpu *v = current;

    return pv_iret_selector_ok(v, regs->cs, true) && pv_iret_selector_ok(v, regs->ss, false);
}

/* Load a data segment register, or the null selector if sel would fault. */
#define LOAD_SEG(seg, sel) ({                                           \
    int bad_ = 0;                                                       \
    __asm__ __volatile__(                                               \
        "1: mov %w1, %%" #seg "\n"                                      \
        "2:\n"                                                          \
        ".section .fixup.text, \"ax\"\n"                                \
        "3: xor %%eax, %%eax\n"                                         \
        "   mov %%eax, %%" #seg "\n"                                    \
        "   movl $1, %0\n"                                              \
        "   jmp 2b\n"                                                   \
        ".previous\n"                                                   \
        _ASM_EXTABLE(1b, 3b)                                            \
        : "+r"(bad_) : "r"((uint32_t)(sel)) : "rax", "memory");         \
    bad_; })

#define READ_SEG(seg) ({ uint16_t s_; __asm__ __volatile__("mov %%" #seg ", %0" : "=r"(s_)); s_; })

/* The data segment selectors a vCPU had loaded when it was switched out. */
void pv_save_segments(struct vcpu *v)
{
    struct cpu_user_regs *r = &v->arch.user_regs;

    r->ds = READ_SEG(ds);
    r->es = READ_SEG(es);
    r->fs = READ_SEG(fs);
    r->gs = READ_SEG(gs);
}

/*
 * Load them again (after pv_desc_load).  A selector whose descriptor the
 * guest has removed meanwhile is loaded null, and the result is false:
 * the caller hands the vCPU to its failsafe callback.  FS and GS bases are
 * written by the caller afterwards: a selector load sets them from the
 * descriptor.
 */
bool pv_load_segments(const struct vcpu *v)
{
    const struct cpu_user_regs *r = &v->arch.user_regs;

    /* `|`, not `||`: every register is loaded. */
    return !(LOAD_SEG(ds, r->ds) | LOAD_SEG(es, r->es) | LOAD_SEG(fs, r->fs) |
             LOAD_SEG(gs, r->gs));
}
