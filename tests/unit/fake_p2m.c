/*
 * The fake HVM guest of fake_p2m.h: its p2m, its page tables, the hooks
 * of xen/shadow.h, and an MMU that walks the shadows.
 */
#include "fake_p2m.h"

#define SMALL_FIRST     FAKE_FIRST
#define RUNS_FIRST      512UL           /* two aligned 2 MiB runs of frames */
#define NR_RUNS         2
#define GFN_FIRST       0x10000UL       /* far from every mfn */
#define GFN_STRIDE      3               /* and not contiguous */

struct fake_guest fg;

static uint32_t p2m_mfn[FG_MAX_GFN];
static uint8_t p2m_order[FG_MAX_GFN];
static unsigned long next_gfn, runs_used, code_gfn, guest_frames;

/* ---- hooks of xen/shadow.h ---- */

unsigned long shadow_host_alloc(struct shadow_domain *sd, bool below_4g)
{
    return fake_alloc(D0);              /* every fake frame is below 4 GiB */
}

void shadow_host_free(struct shadow_domain *sd, unsigned long mfn)
{
    fake_release(mfn);
}

unsigned long shadow_p2m_lookup(struct shadow_domain *sd, unsigned long gfn,
                                unsigned int *order, bool *writable)
{
    if (gfn >= FG_MAX_GFN || !p2m_mfn[gfn])
        return SH_INVALID_MFN;
    *order = p2m_order[gfn];
    *writable = true;
    return p2m_mfn[gfn];
}

void shadow_flush_tlbs(struct shadow_domain *sd)
{
    fg.flushes++;
}

/* ---- the p2m ---- */

unsigned long fg_populate(unsigned long gfn)
{
    unsigned long mfn = fake_alloc(D1);

    BUG_ON(!mfn || gfn >= FG_MAX_GFN);
    guest_frames++;
    p2m_mfn[gfn] = mfn;
    p2m_order[gfn] = 0;
    return mfn;
}

unsigned long fg_populate_2m(unsigned long gfn)
{
    unsigned long base = RUNS_FIRST + runs_used++ * 512;

    BUG_ON(runs_used > NR_RUNS || gfn % 512);
    for (unsigned long i = 0; i < 512; i++) {
        p2m_mfn[gfn + i] = base + i;
        p2m_order[gfn + i] = 9;
        memset(fake_mem(base + i), 0, PAGE_SIZE);
    }
    return base;
}

void fg_set_4k_entries(unsigned long gfn)
{
    for (unsigned long i = 0; i < 512; i++)
        p2m_order[(gfn & ~511UL) + i] = 0;
}

/*
 * As decrease_reservation: the shadows hear of it, then the p2m's flush
 * (as p2m_sync) before the frame goes.
 */
void fg_unmap(unsigned long gfn)
{
    unsigned long mfn = p2m_mfn[gfn];

    if (p2m_order[gfn])
        fg_set_4k_entries(gfn);
    p2m_mfn[gfn] = 0;
    shadow_p2m_changed(&fg.sd, gfn, mfn, 0);
    fg.p2m_flushes++;
}

unsigned long fg_mfn(unsigned long gfn)
{
    return p2m_mfn[gfn];
}

uint64_t *fg_mem(unsigned long gfn)
{
    BUG_ON(!p2m_mfn[gfn]);
    return fake_mem(p2m_mfn[gfn]);
}

unsigned long fg_new_page(void)
{
    unsigned long gfn = next_gfn;

    next_gfn += GFN_STRIDE;
    fg_populate(gfn);
    return gfn;
}

/* ---- the guest's tables ---- */

unsigned long fg_l4(void)
{
    return fg_new_page();
}

uint64_t *fg_entry(unsigned long l4, uint64_t va, unsigned int level)
{
    unsigned long table = l4;

    for (unsigned int l = 4; l > level; l--) {
        uint64_t *e = fg_mem(table) + pt_slot(va, l);
        if (!(*e & _PAGE_PRESENT))
            *e = ((uint64_t)fg_new_page() << PAGE_SHIFT) | G_TABLE;
        table = pte_mfn(*e);
    }
    return fg_mem(table) + pt_slot(va, level);
}

void fg_map(unsigned long l4, uint64_t va, unsigned long gfn, uint64_t flags, unsigned int level)
{
    uint64_t e = ((uint64_t)gfn << PAGE_SHIFT) | flags | (level > 1 ? _PAGE_PSE : 0);
    uint64_t *p = fg_entry(l4, va, level);

    if (*p != e)
        *p = e;
}

/* ---- the vCPU ---- */

void fg_enter_long(unsigned int vcpu, unsigned long l4)
{
    struct shadow_vcpu *sv = &fg.v[vcpu];

    fg_map(l4, FG_CODE_VA, code_gfn, G_P | _PAGE_ACCESSED, 1);
    sv->cr0 = (1UL << 0) | SH_CR0_PG | SH_CR0_WP;
    sv->cr4 = SH_CR4_PAE;
    sv->efer = SH_EFER_LME | SH_EFER_NXE;
    sv->cr3 = (uint64_t)l4 << PAGE_SHIFT;
    CHECK_EQ(shadow_update_paging(&fg.sd, sv), 0);
    CHECK_EQ(sv->mode, SH_MODE_LONG);
}

void fg_unpaged(unsigned int vcpu)
{
    struct shadow_vcpu *sv = &fg.v[vcpu];

    sv->cr0 = 1UL << 0;
    sv->cr4 = 0;
    sv->efer = 0;
    CHECK_EQ(shadow_update_paging(&fg.sd, sv), 0);
    CHECK_EQ(sv->mode, SH_MODE_UNPAGED);
}

void fg_reset(unsigned long pool)
{
    if (fg.sd.vcpus)
        shadow_teardown(&fg.sd);        /* what a failed test left */
    fake_reset();
    memset(p2m_mfn, 0, sizeof(p2m_mfn));
    memset(p2m_order, 0, sizeof(p2m_order));
    memset(&fg, 0, sizeof(fg));
    /* Keep two aligned 2 MiB runs; the frames below them are handed out first. */
    for (unsigned long m = SMALL_FIRST; m < RUNS_FIRST + NR_RUNS * 512; m++)
        BUG_ON(fake_alloc(D1) != m);
    for (unsigned long m = SMALL_FIRST; m < RUNS_FIRST; m++)
        fake_release(m);
    next_gfn = GFN_FIRST;
    runs_used = guest_frames = 0;
    fg.host_frames_at_start = fake_frames_in_use();
    CHECK_EQ(shadow_domain_init(&fg.sd, FG_VCPUS, &fg), 0);
    CHECK_EQ(shadow_set_allocation(&fg.sd, pool), 0);
    for (unsigned int i = 0; i < FG_VCPUS; i++) {
        shadow_vcpu_init(&fg.v[i]);
        shadow_vcpu_attach(&fg.sd, i, &fg.v[i]);
        fg.regs[i].rflags = 0x2;
    }
    code_gfn = fg_new_page();
}

void fg_teardown(void)
{
    shadow_teardown(&fg.sd);
    /* Every pool frame went back. */
    CHECK_EQ(fake_frames_in_use(), fg.host_frames_at_start + guest_frames);
}

/* ---- the MMU ---- */

struct hw_walk {
    uint64_t leaf;
    unsigned int level;
    bool present, allowed;
};

/* Walk the shadows as the CPU does (CR0.WP is always set under shadow paging). */
static struct hw_walk hw_walk(unsigned int vcpu, uint64_t va, uint32_t access)
{
    const struct shadow_vcpu *sv = &fg.v[vcpu];
    unsigned long table = shadow_hw_cr3(&fg.sd, sv) >> PAGE_SHIFT;
    unsigned int level = sv->mode == SH_MODE_LONG ? 4 : 3;
    uint64_t perm = _PAGE_RW | _PAGE_USER, deny = 0, e = 0;
    struct hw_walk w = { 0 };

    for (;; level--) {
        unsigned int slot = sv->mode != SH_MODE_LONG && level == 3 ? (va >> 30) & 3
                                                                   : pt_slot(va, level);
        e = fake_mem(table)[slot];
        if (!(e & _PAGE_PRESENT))
            return (struct hw_walk){ .level = level };
        if (!(sv->mode != SH_MODE_LONG && level == 3)) {     /* a PDPTE grants all */
            perm &= e;
            deny |= e & _PAGE_NX;
        }
        if (level == 1 || (level == 2 && (e & _PAGE_PSE)))
            break;
        table = pte_mfn(e);
    }
    w = (struct hw_walk){ .leaf = e, .level = level, .present = true, .allowed = true };
    if (((access & A_WRITE) && !(perm & _PAGE_RW)) ||
        ((access & A_USER) && !(perm & _PAGE_USER)) || ((access & A_FETCH) && deny))
        w.allowed = false;
    /* SMEP and SMAP: the hardware's CR4 has the guest's bits. */
    if (!(access & A_USER) && (perm & _PAGE_USER)) {
        if ((access & A_FETCH) && (sv->cr4 & SH_CR4_SMEP))
            w.allowed = false;
        if (!(access & A_FETCH) && (sv->cr4 & SH_CR4_SMAP) &&
            !(fg.regs[vcpu].rflags & SH_RFLAGS_AC))
            w.allowed = false;
    }
    return w;
}

uint64_t fg_hw_leaf(unsigned int vcpu, uint64_t va, unsigned int *level)
{
    struct hw_walk w = hw_walk(vcpu, va, A_READ);

    if (level)
        *level = w.level;
    return w.present ? w.leaf : 0;
}

static unsigned long leaf_frame(const struct hw_walk *w, uint64_t va)
{
    if (w->level == 2)
        return ((w->leaf & 0x000fffffffe00000ULL) >> PAGE_SHIFT) + ((va >> PAGE_SHIFT) & 511);
    return pte_mfn(w->leaf);
}

struct fg_access fg_touch(unsigned int vcpu, uint64_t va, uint32_t access)
{
    struct fg_access a = { 0 };
    struct cpu_user_regs *r = &fg.regs[vcpu];

    r->cs = access & A_USER ? 3 : 0;
    for (unsigned int tries = 0; tries < 8; tries++) {
        struct hw_walk w = hw_walk(vcpu, va, access);
        struct shadow_fault_info info;

        if (w.allowed) {
            a.result = FG_OK;
            a.mfn = leaf_frame(&w, va);
            return a;
        }
        a.faults++;
        switch (shadow_page_fault(&fg.sd, &fg.v[vcpu], va, access | (w.present ? PFEC_PRESENT : 0),
                                  r, &info)) {
        case SH_FIXED:
            continue;
        case SH_GUEST:
            a.result = FG_GUEST_PF;
            a.pfec = info.pfec;
            a.cr2 = info.cr2;
            return a;
        case SH_EMULATE:
            a.result = FG_EMULATE;
            a.gfn = info.gfn;
            return a;
        case SH_BAD_GFN:
            a.result = FG_BAD_GFN;
            a.gfn = info.gfn;
            return a;
        }
    }
    unit_fail(__FILE__, __LINE__, "the access to %#llx keeps faulting", (unsigned long long)va);
}

int fg_emulate(unsigned int vcpu, const uint8_t *insn, unsigned int len, uint64_t va)
{
    struct shadow_emul_env env = { .long_mode_cs = true, .cpl = 0 };
    struct shadow_fault_info info;
    struct fg_access a;

    memcpy(fg_mem(code_gfn), insn, len);
    fg.regs[vcpu].rip = FG_CODE_VA;
    a = fg_touch(vcpu, va, A_WRITE);
    CHECK_EQ(a.result, FG_EMULATE);
    return shadow_emulate_write(&fg.sd, &fg.v[vcpu], &fg.regs[vcpu], &env, va, a.gfn, &info);
}
