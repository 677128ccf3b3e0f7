/*
 * Pools of hostile values.  Each chooser mixes the values a correct
 * caller passes with those a hypervisor must refuse: the edges of every
 * range it checks, and things that look right but belong to someone
 * else.  Pointers that the hypervisor may write through are only ever
 * ones whose first byte is ours to lose (the arena, the random buffer,
 * the page before the guard) or that fault.
 */
#include "fuzz.h"

#define HV_START  0xffff800000000000ull
#define HV_END    0xffff880000000000ull         /* first byte after */
#define USER_TOP  0x0000800000000000ull         /* first non-canonical */

static uint64_t in_page(uint64_t base, size_t len)
{
    uint64_t room = len < G_PAGE_SIZE ? G_PAGE_SIZE - len : 1;

    return base + (rnd_below(room) & ~7ull);
}

/* The first unmapped byte after a buffer of ours: the printable page's
 * for reads (console writes read it), the random buffer's for writes. */
static uint64_t end_of(int use)
{
    return use == PTR_READ ? env.guard_end : env.randbuf + 2 * G_PAGE_SIZE;
}

uint64_t ptr_any(size_t len, int use, bool *bad)
{
    uint64_t k = len > 1 ? 1 + rnd_below(len - 1) : 1;

    *bad = true;
    switch (rnd_below(16)) {
    case 0:             /* NULL and low addresses: unmapped unless the */
        *bad = false;   /* stream mapped something there, which it may */
        return 0;
    case 1:
        *bad = false;
        return PICK(1, 8, 0xfff, 0x1000, 0x10000, 0x400000);
    case 2:
        return PICK(HV_START, 0xffff82d080000000ull, HV_END - 8,
                    HV_START + (rnd_below(1ull << 43) & ~7ull));
    case 3:
        return PICK(USER_TOP, 0x8000000000000000ull, 0xffff000000000000ull,
                    USER_TOP + (rnd() & 0x7fffffffffffull));
    case 4:
        return USER_TOP - k;                    /* runs off the low half */
    case 5:
        return len > 1 ? ~0ull - k + 1 : 0;     /* wraps */
    case 6:
        return end_of(use) - k;                 /* runs into the guard */
    case 7:
        return MACH2PHYS_VIRT_START + (rnd_below(1ull << 20) & ~7ull);
    case 8:
        if (use == PTR_READ)
            *bad = false;
        return in_page(g_start_info->pt_base, len);     /* read-only */
    case 9:
        if (use == PTR_READ) {
            *bad = false;
            return in_page((uint64_t)g_shared_info, len);
        }
        /* fall through */
    case 10:
        *bad = false;
        return end_of(use) - len - rnd_below(64);
    case 11:
        if (use == PTR_READ) {
            *bad = false;
            return in_page((uint64_t)g_main & G_PAGE_MASK, len);
        }
        /* fall through */
    case 12:
        *bad = false;
        return env.randbuf + rnd_below(G_PAGE_SIZE);
    case 13:
        *bad = false;
        return env.randbuf + (rnd_below(G_PAGE_SIZE) & ~7ull);
    case 14:
        *bad = len > G_PAGE_SIZE;
        return (use == PTR_READ ? env.printable : env.randbuf) +
               rnd_below(G_PAGE_SIZE / 2);
    default:
        return 0x10000 + rnd_below(1ull << 30);  /* unmapped user space */
    }
}

/* A pointer that can never become readable or writable, whatever the
 * calls map: the guard page, the hypervisor's range, non-canonical.  (A
 * registered area the hypervisor writes at every switch must not be at
 * 0, which a later update_va_mapping may map to a frame of ours.) */
uint64_t unmappable_ptr(void)
{
    return PICK(env.guard_end, HV_START, USER_TOP, 0x8000000000000000ull,
                0xffff82d080000000ull);
}

/* A pointer no read can go through: the guard page, the hypervisor's
 * range, non-canonical (not NULL: the stream may map page 0). */
uint64_t unreadable_ptr(void)
{
    return unmappable_ptr();
}

/*
 * For a sub-op that could end the stream if it read its structure from
 * anywhere else (close or move a port of the library, reset our event
 * channels, shut us down, hand a vCPU a context): the structure built, or
 * a pointer nothing can be read through.  An address a few bytes off, or
 * into other memory of ours, holds numbers the calls did not choose --
 * zeroes that name dom0 or port 0-3, ports the hypervisor wrote back --
 * and what the hypervisor then does is what Xen would do: our own doing.
 */
uint64_t ptr_exact(void *good, bool *bad)
{
    *bad = !chance(85);
    return *bad ? unreadable_ptr() : (uint64_t)good;
}

uint64_t ptr_to(void *good, size_t len, int use, bool *bad)
{
    *bad = false;
    if (chance(65))
        return (uint64_t)good;
    if (chance(15))
        return (uint64_t)good + 1 + rnd_below(7);
    return ptr_any(len, use, bad);
}

uint64_t count_any(void)
{
    switch (rnd_below(6)) {
    case 0:
        return PICK(0, 1, 2, 3);
    case 1:
        return 1 + rnd_below(16);
    case 2:
        return PICK(0x7fffffff, 0x80000000, 0x80000001, 0x80000000 | 3,
                    0xffffffff, 0xfffffffe);
    case 3:
        return PICK(0x100000000ull, 0x100000001ull, ~0ull, 1ull << 63);
    case 4:
        return PICK(64, 127, 128, 255, 256, 511, 512, 513, 1024, 4096);
    default:
        return rnd();
    }
}

uint64_t count_small(unsigned int max)
{
    return chance(85) ? 1 + rnd_below(max) : count_any();
}

bool domid_is_self(uint64_t d)
{
    d &= 0xffff;
    return d == DOMID_SELF || d == env.self;
}

domid_t domid_any(void)
{
    switch (rnd_below(8)) {
    case 0:
    case 1:
        return DOMID_SELF;
    case 2:
        return env.self;
    case 3:
        return PICK(0, 1, 2, 3, 4, 100, DOMID_FIRST_RESERVED - 1);
    case 4:
        return (domid_t)PICK(DOMID_IO, DOMID_XEN, DOMID_COW, DOMID_INVALID,
                             DOMID_IDLE, 0x7ff5, 0x8000, 0xffff);
    case 5:
        if (cfg.dom0) {
            domid_t v = env.victims[rnd_below(NR_VICTIMS)];
            if (v)
                return v;
        }
        return (domid_t)rnd_below(DOMID_FIRST_RESERVED);
    default:
        return (domid_t)rnd();
    }
}

uint32_t port_any(bool for_close)
{
    for (;;) {
        uint32_t p;

        switch (rnd_below(6)) {
        case 0:
        case 1:
            p = env.ports[rnd_below(NR_PORTS)];
            break;
        case 2:
            p = (uint32_t)rnd_below(64);
            break;
        case 3:
            p = (uint32_t)PICK(0, 63, 64, 1023, 1024, 4095, 4096, 4097,
                               0x10000, 0x7fffffff, 0x80000000, 0xffffffff);
            break;
        case 4:
            p = env.protected_ports[rnd_below(env.nr_protected + 1)];
            break;
        default:
            p = (uint32_t)rnd();
        }
        if (!for_close || !port_is_protected(p))
            return p;
    }
}

uint32_t vcpu_any(void)
{
    return (uint32_t)PICK(0, 0, 1, 1, 2, 7, 31, 32, 127, 128, 0x7fffffff,
                          0xffffffff, env.nr_vcpus, env.nr_vcpus - 1);
}

static uint64_t some_chunk_frame(void)
{
    unsigned int i = (unsigned int)rnd_below(NR_CHUNKS);

    if (!env.chunk_mfn[i])
        return 0;
    return env.chunk_mfn[i] + rnd_below(1ull << env.chunk_order[i]);
}

/* Is mfn a frame of ours (by the p2m, which the calls never change)? */
static bool ours(uint64_t mfn)
{
    uint64_t pfn;

    if (mfn >= env.max_page)
        return false;
    pfn = g_mfn_to_pfn(mfn);
    return pfn < g_max_pfn() && g_pfn_to_mfn(pfn) == mfn;
}

uint64_t mfn_harmless(void)
{
    uint64_t m;

    switch (rnd_below(10)) {
    case 0: case 1: case 2: case 3:
        return env.scratch[rnd_below(NR_SCRATCH)];
    case 4:
        if ((m = some_chunk_frame()))
            return m;
        return env.scratch[rnd_below(NR_SCRATCH)];
    case 5:
        return PICK(env.hv_mfn, env.m2p_mfn, env.m2p_mfn + 1);
    case 6:
        return PICK(0, 1, 0xa0, 0xb8, 0xfe);
    case 7:
        return PICK(env.max_page, env.max_page + 1, 1ull << 40,
                    (1ull << 52) - 1, ~0ull >> 12, ~0ull, 1ull << 63);
    case 8:
        if (cfg.dom0 && env.victim_mfn[rnd_below(NR_VICTIMS)])
            return env.victim_mfn[rnd_below(NR_VICTIMS)];
        /* fall through */
    default:
        m = 0x100 + rnd_below(env.max_page > 0x100 ? env.max_page - 0x100 : 1);
        /* Our shared_info is not in our p2m but ours to keep all the same. */
        return ours(m) || m == env.shinfo_mfn ? env.scratch[0] : m;
    }
}

uint64_t mfn_any(void)
{
    if (chance(60))
        return mfn_harmless();
    return PICK(env.l4, env.l3, env.l2, env.l1, env.window_l1,
                env.image_mfn, env.randbuf_mfn, env.shinfo_mfn,
                env.vinfo_mfn, env.max_page - 1,
                g_virt_to_mfn((const void *)g_start_info->pt_base));
}

/*
 * Our own live table one level down.  Linked into an empty entry it would
 * alias our address space -- legal, on Xen too -- and a later call through
 * the alias (update_va_mapping of page 0x1000, say) would rewrite a live
 * entry of ours: the hypercall page's, once, in a 10^6-call run as dom0.
 */
static bool own_table_below(uint64_t mfn, unsigned int level)
{
    return (level == 4 && mfn == env.l3) || (level == 3 && mfn == env.l2) ||
           (level == 2 && (mfn == env.l1 || mfn == env.window_l1));
}

uint64_t pte_any(unsigned int level)
{
    uint64_t flags = G_PTE_P | G_PTE_A, mfn;

    switch (rnd_below(8)) {
    case 0:
        return 0;
    case 1:
        return rnd();
    case 2:
        return rnd() & ~G_PTE_P;                /* not present: anything */
    default:
        break;
    }
    if (chance(50))
        flags |= G_PTE_RW;
    if (chance(40))
        flags |= G_PTE_US;
    if (chance(20))
        flags |= G_PTE_D;
    if (chance(8))
        flags |= PICK(G_PTE_PWT, G_PTE_PCD, G_PTE_PS, G_PTE_G, 1ull << 9,
                      1ull << 11, 1ull << 52, 1ull << 62, 0x7ffull << 52);
    if (chance(15))
        flags |= G_PTE_NX;
    if (chance(5))
        flags &= ~G_PTE_P;
    mfn = mfn_any();
    if (level > 1 && (chance(30) || (own_table_below(mfn, level) && !cfg.wild)))
        mfn = env.scratch[rnd_below(NR_SCRATCH)];
    return (mfn << G_PAGE_SHIFT) | flags;
}

uint64_t va_any(void)
{
    switch (rnd_below(8)) {
    case 0: case 1: case 2: case 3:
        return env.window[rnd_below(NR_WINDOW)];
    case 4:
        return env.window[rnd_below(NR_WINDOW)] + 1 + rnd_below(G_PAGE_SIZE - 1);
    case 5:
        return PICK(HV_START, 0xffff82d080000000ull, HV_END - G_PAGE_SIZE,
                    MACH2PHYS_VIRT_START);
    case 6:
        return PICK(0, 0x1000, 0x400000, USER_TOP - G_PAGE_SIZE, USER_TOP,
                    0x8000000000000000ull, ~0ull & G_PAGE_MASK);
    default:
        return rnd();
    }
}

uint64_t canonical_any(void)
{
    switch (rnd_below(5)) {
    case 0:
        return PICK(0, 1, 0x1000, USER_TOP - 1, HV_START, HV_END,
                    0xffffffff80000000ull, ~0ull);
    case 1:
        return PICK(USER_TOP, 0x8000000000000000ull, 0x00ff000000000000ull,
                    0xffff7fffffffffffull);             /* non-canonical */
    case 2:
        return env.guard_end;
    case 3:
        return (uint64_t)g_main;
    default:
        return rnd();
    }
}

uint64_t u32_any(void)
{
    return PICK(0, 1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 31, 32, 63, 64, 0xff,
                0x100, 0x101, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
                0xffffffff, rnd() & 0xffffffff, rnd_below(32));
}

uint64_t u64_any(void)
{
    return chance(50) ? u32_any() : PICK(rnd(), 1ull << 32, 1ull << 63, ~0ull,
                                         0x100000000ull | rnd_below(64));
}
