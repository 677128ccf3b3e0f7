/*
 * Generators for the PV MMU and memory hypercalls: mmu_update,
 * mmuext_op, update_va_mapping(_otherdomain) and memory_op.
 *
 * Our own live page tables are only ever written where that cannot hurt
 * us: their empty entries (anything goes), the hypervisor's L4 slots, and
 * used entries with the value they hold.  Frames a call may clear, copy
 * over, give back or turn into page tables are scratch frames, populated
 * extents, or frames that are not ours -- see mfn_harmless().  Wild mode
 * drops those limits.
 */
#include "fuzz.h"

#define PREEMPTED 0x80000000u

static uint32_t foreigndom_any(void)
{
    switch (rnd_below(8)) {
    case 0: case 1: case 2: case 3:
        return DOMID_SELF;
    case 4:
        return domid_any();
    case 5:
        return ((uint32_t)((domid_any() + 1) & 0xffff) << 16) | domid_any();
    case 6:
        return (uint32_t)(env.self + 1) << 16 | DOMID_SELF;
    default:
        return (uint32_t)u32_any();
    }
}

/* A done pointer: NULL is allowed. */
static uint64_t done_ptr(void)
{
    bool bad;
    uint32_t *done = arena_alloc(sizeof(*done));

    return chance(20) ? 0 : ptr_to(done, sizeof(*done), PTR_WRITE, &bad);
}

/* A batch count: usually the elements built, sometimes anything. */
static uint64_t batch_count(unsigned int n, bool *touches)
{
    uint64_t count = chance(75) ? n : count_any();

    if (chance(5))
        count |= PREEMPTED;
    *touches = ((uint32_t)count & ~PREEMPTED) != 0;
    return count;
}

/* ---- mmu_update -------------------------------------------------------- */

static struct mmu_update mmu_elem(void)
{
    unsigned int cmd = chance(80) ? (unsigned int)PICK(0, 0, 0, 2, 3)
                                  : (unsigned int)rnd_below(8);
    struct mmu_update u;

    if (env.nr_slots && chance(35) && !cfg.wild) {
        const struct live_slot *s = &env.slots[rnd_below(env.nr_slots)];
        bool empty = !s->val || (s->level == 4 && s->slot >= 256 &&
                                 s->slot < 272);

        /* Never an M2P update of a live table: the library reads them. */
        u.ptr = (s->table << G_PAGE_SHIFT) + s->slot * 8u +
                PICK(MMU_NORMAL_PT_UPDATE, MMU_PT_UPDATE_PRESERVE_AD,
                     MMU_PT_UPDATE_NO_TRANSLATE);
        u.val = empty ? pte_any(s->level)
                      : s->val ^ (chance(30) ? G_PTE_A | G_PTE_D : 0);
        return u;
    }
    switch (rnd_below(5)) {
    case 0: case 1:                     /* a scratch frame, as a table */
        u.ptr = (env.scratch[rnd_below(NR_SCRATCH)] << G_PAGE_SHIFT) +
                rnd_below(512) * 8 + (cmd & 3);
        u.val = pte_any(1 + (unsigned int)rnd_below(4));
        break;
    case 2:                             /* an M2P entry */
        u.ptr = (mfn_harmless() << G_PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;
        u.val = PICK(0, 1, rnd_below(1ull << 20), ~0ull, 1ull << 40, rnd());
        break;
    case 3:                             /* any offset of a frame */
        u.ptr = ((cfg.wild ? mfn_any() : mfn_harmless()) << G_PAGE_SHIFT) |
                (rnd() & (G_PAGE_SIZE - 1));
        u.val = rnd();
        break;
    default:
        u.ptr = (mfn_harmless() << G_PAGE_SHIFT) + rnd_below(512) * 8 + cmd;
        u.val = pte_any(1 + (unsigned int)rnd_below(4));
    }
    return u;
}

void gen_mmu_update(struct call *c)
{
    unsigned int n = 1 + (unsigned int)rnd_below(8);
    struct mmu_update *req = arena_tail(n * sizeof(*req));
    bool bad, touches;

    for (unsigned int i = 0; i < n; i++)
        req[i] = mmu_elem();
    c->nr = __HYPERVISOR_mmu_update;
    c->name = "mmu_update";
    c->sub = (uint32_t)(req[0].ptr & 7);
    c->arg[0] = ptr_to(req, n * sizeof(*req), PTR_READ, &bad);
    c->arg[1] = batch_count(n, &touches);
    c->arg[2] = done_ptr();
    c->arg[3] = foreigndom_any();
    c->must_fail = bad && touches;
}

/* ---- mmuext_op --------------------------------------------------------- */

/* A frame for NEW_BASEPTR that cannot replace our address space with one
 * that lacks us: our L4 itself, or frames refused as an L4. */
static uint64_t baseptr_mfn(void)
{
    if (cfg.wild)
        return chance(50) ? mfn_any() : env.scratch[rnd_below(NR_SCRATCH)];
    return PICK(env.l4, env.l4, env.l3, env.l1, env.image_mfn, env.hv_mfn,
                env.m2p_mfn, env.shinfo_mfn, 0, env.max_page, ~0ull);
}

static uint64_t table_mfn(void)
{
    switch (rnd_below(4)) {
    case 0: case 1:
        return env.scratch[rnd_below(NR_SCRATCH)];
    case 2:
        return PICK(env.l4, env.l3, env.l2, env.l1, env.window_l1);
    default:
        return mfn_harmless();
    }
}

static void vcpumask_arg(struct mmuext_op *op)
{
    uint64_t *mask = arena_alloc(sizeof(*mask));
    bool bad;

    *mask = PICK(0, 1, 2, 3, ~0ull, 1ull << 63, rnd());
    op->arg2.vcpumask = ptr_to(mask, sizeof(*mask), PTR_READ, &bad);
}

static struct mmuext_op ext_elem(void)
{
    struct mmuext_op op;

    memset(&op, 0, sizeof(op));
    op.cmd = chance(92) ? (uint32_t)rnd_below(21) : (uint32_t)u32_any();
    switch (op.cmd) {
    case MMUEXT_PIN_L1_TABLE: case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE: case MMUEXT_PIN_L4_TABLE:
    case MMUEXT_UNPIN_TABLE:
        op.arg1.mfn = table_mfn();
        break;
    case MMUEXT_NEW_BASEPTR:
        op.arg1.mfn = baseptr_mfn();
        break;
    case MMUEXT_NEW_USER_BASEPTR:
        op.arg1.mfn = chance(30) ? 0 : table_mfn();
        break;
    case MMUEXT_TLB_FLUSH_MULTI: case MMUEXT_INVLPG_MULTI:
        vcpumask_arg(&op);
        /* fall through */
    case MMUEXT_INVLPG_LOCAL: case MMUEXT_INVLPG_ALL:
        op.arg1.linear_addr = va_any();
        break;
    case MMUEXT_SET_LDT:
        op.arg1.linear_addr = chance(50) ? va_any() : canonical_any();
        op.arg2.nr_ents = (uint32_t)PICK(0, 0, 1, 8191, 8192, 8193,
                                         0xffffffff);
        break;
    case MMUEXT_CLEAR_PAGE: case MMUEXT_MARK_SUPER: case MMUEXT_UNMARK_SUPER:
        op.arg1.mfn = cfg.wild ? mfn_any() : mfn_harmless();
        break;
    case MMUEXT_COPY_PAGE:
        op.arg1.mfn = cfg.wild ? mfn_any() : mfn_harmless();
        op.arg2.src_mfn = mfn_any();
        break;
    default:
        op.arg1.mfn = rnd();
        op.arg2.src_mfn = rnd();
    }
    return op;
}

void gen_mmuext_op(struct call *c)
{
    unsigned int n = 1 + (unsigned int)rnd_below(6);
    struct mmuext_op *ops = arena_tail(n * sizeof(*ops));
    bool bad, touches;

    for (unsigned int i = 0; i < n; i++)
        ops[i] = ext_elem();
    c->nr = __HYPERVISOR_mmuext_op;
    c->name = "mmuext_op";
    c->sub = ops[0].cmd;
    c->arg[0] = ptr_to(ops, n * sizeof(*ops), PTR_READ, &bad);
    c->arg[1] = batch_count(n, &touches);
    c->arg[2] = done_ptr();
    c->arg[3] = foreigndom_any();
    c->must_fail = bad && touches;
}

/* ---- update_va_mapping ------------------------------------------------- */

static uint64_t uvm_flags(void)
{
    uint64_t *mask = arena_alloc(sizeof(*mask));
    bool bad;

    *mask = PICK(0, 1, 3, ~0ull, rnd());
    switch (rnd_below(4)) {
    case 0:
        return PICK(UVMF_NONE, UVMF_TLB_FLUSH | UVMF_LOCAL,
                    UVMF_INVLPG | UVMF_LOCAL, UVMF_TLB_FLUSH | UVMF_ALL,
                    UVMF_INVLPG | UVMF_ALL, 3, 7);
    case 1:
    case 2:
        return ptr_to(mask, sizeof(*mask), PTR_READ, &bad) |
               PICK(UVMF_TLB_FLUSH, UVMF_INVLPG, 0, 3);
    default:
        return rnd();
    }
}

void gen_update_va_mapping(struct call *c)
{
    c->nr = __HYPERVISOR_update_va_mapping;
    c->name = "update_va_mapping";
    c->arg[0] = va_any();
    c->arg[1] = pte_any(1);
    c->arg[2] = uvm_flags();
}

void gen_update_va_mapping_otherdomain(struct call *c)
{
    gen_update_va_mapping(c);
    c->nr = __HYPERVISOR_update_va_mapping_otherdomain;
    c->name = "update_va_mapping_otherdomain";
    c->arg[3] = chance(80) ? domid_any() : u64_any();
}

/* ---- memory_op ---------------------------------------------------------- */

/* extents given back: forget them; populated: remember them. */
static void reservation_post(const struct call *c, long rc)
{
    const xen_pfn_t *list = (const xen_pfn_t *)c->ctx[0];
    uint64_t start = c->ctx[1], built = c->ctx[2];
    unsigned int order = (unsigned int)c->ctx[3];

    if (!list || rc <= 0)
        return;
    for (uint64_t i = start; i < (uint64_t)rc && i < built; i++) {
        if (c->sub == XENMEM_decrease_reservation) {
            for (uint64_t j = 0; j < (1ull << (order & 15)); j++)
                scratch_forget(list[i] + j);
        } else if (order <= 9) {
            chunk_remember(list[i], order);
        }
    }
}

static uint64_t release_mfn(unsigned int order)
{
    unsigned int i = (unsigned int)rnd_below(NR_CHUNKS);

    if (order == 0)
        return mfn_any();
    if (env.chunk_mfn[i] && env.chunk_order[i] >= order && chance(70))
        return env.chunk_mfn[i] + (rnd_below(1ull << (env.chunk_order[i] - order))
                                   << order);
    return PICK(env.scratch[0] | 1, env.hv_mfn, env.max_page, 0);
}

static void gen_reservation(struct call *c, unsigned int cmd, uint64_t start)
{
    struct xen_memory_reservation *r = arena_alloc(sizeof(*r));
    unsigned int n = 1 + (unsigned int)rnd_below(4);
    xen_pfn_t *list = arena_tail(n * sizeof(*list));
    bool bad, list_bad;

    r->extent_order = (uint32_t)(chance(75) ? 0 : PICK(1, 2, 9, 10, 31, 63,
                                                       u32_any()));
    r->nr_extents = chance(80) ? n : count_any();
    r->mem_flags = (uint32_t)(chance(80) ? 0 : u32_any());
    r->domid = chance(75) ? DOMID_SELF : domid_any();
    for (unsigned int i = 0; i < n; i++)
        list[i] = cmd == XENMEM_decrease_reservation
                  ? release_mfn(r->extent_order) : rnd_below(1ull << 20);
    r->extent_start = chance(10) && cmd != XENMEM_decrease_reservation
                      ? 0 : ptr_to(list, n * sizeof(*list), PTR_WRITE, &list_bad);
    if (r->extent_start == (uint64_t)list && domid_is_self(r->domid)) {
        c->post = reservation_post;
        c->ctx[0] = (uint64_t)list;
        c->ctx[1] = start;
        c->ctx[2] = n;
        c->ctx[3] = r->extent_order;
    }
    c->arg[1] = ptr_to(r, sizeof(*r), PTR_READ, &bad);
    c->must_fail = bad;
}

static bool reads_only(unsigned int cmd)
{
    return cmd == XENMEM_current_reservation || cmd == XENMEM_maximum_reservation ||
           cmd == XENMEM_maximum_gpfn || cmd == XENMEM_set_memory_map;
}

static void gen_memory_struct(struct call *c, unsigned int cmd)
{
    size_t size = 64;
    uint8_t *s = arena_alloc(size);
    bool bad;

    switch (cmd) {
    case XENMEM_current_reservation: case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        *(domid_t *)s = chance(60) ? DOMID_SELF : domid_any();
        size = sizeof(domid_t);
        break;
    case XENMEM_machphys_mfn_list: {
        struct xen_machphys_mfn_list *l = (void *)s;
        l->max_extents = (uint32_t)count_any();
        l->extent_start = ptr_to(arena_alloc(64), 64, PTR_WRITE, &bad);
        size = sizeof(*l);
        break;
    }
    case XENMEM_memory_map: case XENMEM_machine_memory_map: {
        struct xen_memory_map *m = (void *)s;
        m->nr_entries = (uint32_t)count_any();
        m->buffer = ptr_to(arena_alloc(512), 512, PTR_WRITE, &bad);
        size = sizeof(*m);
        break;
    }
    case XENMEM_set_memory_map: {
        struct xen_foreign_memory_map *m = (void *)s;
        m->domid = domid_any();
        m->map.nr_entries = (uint32_t)count_small(8);
        m->map.buffer = ptr_any(128, PTR_READ, &bad);
        size = sizeof(*m);
        break;
    }
    default:                            /* add_to_physmap, exchange, ... */
        fill_random(s, size);
        if (chance(60))
            *(domid_t *)s = chance(50) ? DOMID_SELF : domid_any();
        /* What the hypervisor reads or writes is the structure, not the
         * 64 bytes: a pointer is bad only if the structure does not fit. */
        size = cmd == XENMEM_add_to_physmap ? sizeof(struct xen_add_to_physmap)
             : cmd == XENMEM_exchange ? sizeof(struct xen_memory_exchange)
             : cmd == XENMEM_machphys_mapping ? sizeof(struct xen_machphys_mapping)
             : size;
    }
    /* Those that only read their argument may read it from a read-only
     * page; the others write a result back. */
    c->arg[1] = ptr_to(s, size, reads_only(cmd) ? PTR_READ : PTR_WRITE, &bad);
    c->must_fail = bad && cmd != XENMEM_maximum_ram_page && cmd <= 14 &&
                   cmd != 8;
}

void gen_memory_op(struct call *c)
{
    unsigned int cmd = chance(90) ? (unsigned int)rnd_below(29)
                                  : (unsigned int)rnd_below(64);
    uint64_t start = chance(10) ? rnd_below(8) : 0;

    c->nr = __HYPERVISOR_memory_op;
    c->name = "memory_op";
    c->sub = cmd;
    c->arg[0] = cmd | (start << MEMOP_EXTENT_SHIFT);
    if (chance(3))
        c->arg[0] |= rnd() << 32;       /* the upper half of cmd */
    if (cmd == XENMEM_increase_reservation || cmd == XENMEM_populate_physmap ||
        cmd == XENMEM_decrease_reservation || cmd == XENMEM_claim_pages)
        gen_reservation(c, cmd, start);
    else
        gen_memory_struct(c, cmd);
    if (start || cmd == XENMEM_claim_pages)
        c->must_fail = false;
}
