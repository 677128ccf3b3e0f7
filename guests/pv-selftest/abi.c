/*
 * What Linux needs of the PV ABI beyond the basics: the runstate area,
 * I/O privilege and port I/O, CR4 as the guest sees it, the CPUID policy,
 * and writable page tables (direct writes to an L1 table through its
 * read-only mapping, emulated by the hypervisor).
 */
#include "selftest.h"

/* ---- runstate area ---- */

static struct vcpu_runstate_info runstate __attribute__((aligned(64)));

static const char *runstate_area(void)
{
    struct vcpu_register_runstate_memory_area a = { .addr = (uint64_t)&runstate };
    unsigned int vcpu = g_this_cpu()->id;
    long rc;

    runstate.state = -1;
    if ((rc = hc_vcpu_op(VCPUOP_register_runstate_memory_area, vcpu, &a)))
        return why("register returned %ld", rc);
    if (runstate.state != RUNSTATE_running || !runstate.state_entry_time)
        return why("state %d entered at %lu", runstate.state,
                   (unsigned long)runstate.state_entry_time);
    g_sleep_ns(3000000);                /* blocked, then running again */
    if (runstate.state != RUNSTATE_running || !runstate.time[RUNSTATE_blocked])
        return why("after a sleep: state %d, %lu ns blocked", runstate.state,
                   (unsigned long)runstate.time[RUNSTATE_blocked]);
    a.addr = 0;
    if ((rc = hc_vcpu_op(VCPUOP_register_runstate_memory_area, vcpu, &a)))
        return why("unregister returned %ld", rc);
    return NULL;
}

/* ---- I/O privilege ---- */

static bool gp_hit;

static bool on_gp(struct g_frame *f)
{
    if (f->rip != (uint64_t)probe_in61_fault)
        return false;
    gp_hit = true;
    f->rip = (uint64_t)probe_in61_resume;
    return true;
}

long set_iopl(uint32_t iopl)
{
    struct physdev_set_iopl s = { .iopl = iopl };

    return hc_physdev_op(PHYSDEVOP_set_iopl, &s);
}

static uint32_t inl(uint16_t port)
{
    uint32_t v;

    __asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void outl(uint32_t v, uint16_t port)
{
    __asm__ volatile("outl %0, %w1" :: "a"(v), "Nd"(port));
}

static const char *iopl_and_port_io(void)
{
    const char *r = NULL;
    long rc;

    if ((rc = set_iopl(4)) != -XEN_EINVAL)
        return why("iopl 4: %ld", rc);
    /* No I/O privilege: in faults as it would in ring 3 on hardware. */
    g_set_trap_handler(G_VEC_GP, on_gp);
    gp_hit = false;
    probe_in61();
    g_set_trap_handler(G_VEC_GP, NULL);
    if (!gp_hit)
        return why("in without I/O privilege did not fault");
    if ((rc = set_iopl(1)))
        return why("iopl 1: %ld", rc);
    /* PCI configuration address: 32-bit writes read back. */
    outl(0x80000000u, 0xcf8);
    if (inl(0xcf8) != 0x80000000u)
        r = why("0xcf8 read back 0x%x", inl(0xcf8));
    outl(0, 0xcf8);
    __asm__ volatile("cli; sti");       /* allowed with I/O privilege */
    set_iopl(0);
    return r;
}

/* ---- CR4 ---- */

#define CR4_TSD (1ull << 2)
#define CR4_PAE (1ull << 5)
#define CR4_PGE (1ull << 7)

static uint64_t read_cr4(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static void write_cr4(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr4" :: "r"(v) : "memory");
}

static const char *cr4_virtual(void)
{
    uint64_t cr4 = read_cr4(), t0, t1;

    if (!(cr4 & CR4_PAE) || (cr4 & CR4_PGE))
        return why("cr4 0x%lx: PAE should show, PGE not", (unsigned long)cr4);
    write_cr4(cr4 | CR4_TSD | CR4_PGE);  /* TSD is the guest's; PGE is not */
    if ((read_cr4() & (CR4_TSD | CR4_PGE)) != CR4_TSD) {
        write_cr4(cr4);
        return why("after setting TSD and PGE cr4 reads 0x%lx", (unsigned long)read_cr4());
    }
    t0 = g_rdtsc();                     /* emulated for the kernel under TSD */
    t1 = g_rdtsc();
    write_cr4(cr4);
    if (t1 < t0 || read_cr4() != cr4)
        return why("rdtsc %lu then %lu; cr4 back to 0x%lx", (unsigned long)t0,
                   (unsigned long)t1, (unsigned long)read_cr4());
    return NULL;
}

/* ---- CPUID ---- */

static const char *cpuid_policy(void)
{
    /*
     * Leaf 1 EDX: VME 1, PSE 3, MTRR 12, PGE 13, PSE36 17; 0x80000001 EDX:
     * 1 GiB pages.  (Xen 4.17 still shows MTRR to the hardware domain.)
     */
    const uint32_t hidden1 = (1u << 1) | (1u << 3) | (1u << 13) | (1u << 17) |
                             (g_is_dom0() ? 0 : 1u << 12);
    uint32_t r[4], e[4];

    xen_cpuid(1, r);
    xen_cpuid(0x80000001, e);
    if ((r[3] & hidden1) || (e[3] & (1u << 26)))
        return why("leaf 1 edx 0x%x, 0x80000001 edx 0x%x", r[3], e[3]);
    if (!(r[2] & (1u << 31)) || !(r[3] & (1u << 6)))
        return why("no hypervisor bit or no PAE: ecx 0x%x edx 0x%x", r[2], r[3]);
    return NULL;
}

/* ---- writable page tables ---- */

static uint8_t ptwr_page[G_PAGE_SIZE] __attribute__((aligned(4096), section(".bss.page_aligned")));

/* The L1 table mapping va, through its read-only mapping in the 1:1 region. */
static volatile uint64_t *l1_of(uint64_t va)
{
    const uint64_t *t = (const uint64_t *)g_start_info->pt_base;

    for (int level = 4; level > 1; level--) {
        uint64_t e = t[g_pt_index(va, level)];
        if (!(e & G_PTE_P) || (e & G_PTE_PS))
            return NULL;
        t = g_pfn_to_virt(g_mfn_to_pfn((e & G_PTE_ADDR) >> G_PAGE_SHIFT));
        if (!t)
            return NULL;
    }
    return (volatile uint64_t *)t;
}

static void invlpg_local(uint64_t va)
{
    struct mmuext_op op = { .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = va };

    hc_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static const char *ptwr_writes(void)
{
    uint64_t va = (uint64_t)ptwr_page, *other = g_page_alloc_mapped(), orig, mine, got;
    volatile uint64_t *l1 = l1_of(va);
    volatile uint64_t *pte = l1 ? &l1[g_pt_index(va, 1)] : NULL;
    const char *r = NULL;
    long rc;

    if (!pte || !other)
        return why("no L1 table found for the test page");
    other[0] = 0x0ddba11;
    ptwr_page[0] = 0x11;
    if ((rc = hc_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables)))
        return why("vm_assist returned %ld", rc);
    orig = *pte;
    mine = (g_virt_to_mfn(other) << G_PAGE_SHIFT) | G_PTE_KERNEL_RW;
    *pte = mine;                        /* mov to a read-only L1: emulated */
    invlpg_local(va);
    if (*(volatile uint64_t *)va != 0x0ddba11)
        r = why("a mov into the L1 did not remap the page (pte 0x%lx)", (unsigned long)*pte);
    got = orig;                         /* cmpxchg that must fail: entry is mine */
    if (!r && (__atomic_compare_exchange_n(pte, &got, orig, false, __ATOMIC_SEQ_CST,
                                            __ATOMIC_SEQ_CST) ||
               (got & G_PTE_ADDR) != (mine & G_PTE_ADDR)))
        r = why("cmpxchg with a stale value: read 0x%lx", (unsigned long)got);
    /* xchg back the original entry; the old one comes back. */
    if ((__atomic_exchange_n(pte, orig, __ATOMIC_SEQ_CST) & G_PTE_ADDR) != (mine & G_PTE_ADDR) &&
        !r)
        r = why("xchg returned another entry");
    invlpg_local(va);
    if (!r && ptwr_page[0] != 0x11)
        r = why("the original mapping did not come back");
    hc_vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables);
    g_page_free_mapped(other);
    return r;
}

/* ---- grant tables ---- */

static const char *grant_table_setup_and_copy(void)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    struct gnttab_set_version sv = { .version = 1 };
    struct gnttab_get_version gv = { .dom = DOMID_SELF };
    xen_pfn_t frame = 0;
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1,
                                     .frame_list = (uint64_t)&frame };
    uint8_t *a = g_page_alloc_mapped(), *b = g_page_alloc_mapped();
    struct gnttab_copy c = { .len = 16, .flags = 0 };
    const char *r = NULL;
    long rc;

    if (!a || !b)
        return why("no pages");
    if ((rc = hc_grant_table_op(GNTTABOP_query_size, &q, 1)) || q.status || !q.max_nr_frames)
        r = why("query_size: %ld, status %d, max %u", rc, q.status, q.max_nr_frames);
    else if ((rc = hc_grant_table_op(GNTTABOP_set_version, &sv, 1)) || sv.version != 1)
        r = why("set_version(1): %ld", rc);
    else if ((rc = hc_grant_table_op(GNTTABOP_get_version, &gv, 1)) || gv.version != 1)
        r = why("get_version: %ld, version %u", rc, gv.version);
    else if ((rc = hc_grant_table_op(GNTTABOP_setup_table, &st, 1)) || st.status || !frame)
        r = why("setup_table: %ld, status %d, frame 0x%lx", rc, st.status, (unsigned long)frame);
    if (!r) {
        /* The grant frame is ours to map and write. */
        uint64_t *g = g_kmap(frame);
        if (!g)
            r = why("cannot map the grant frame 0x%lx", (unsigned long)frame);
        else
            g_kunmap(g);
    }
    memset(a, 0x5a, 32);
    c.source = (struct gnttab_copy_ptr){ .u = g_virt_to_mfn(a), .domid = DOMID_SELF };
    c.dest = (struct gnttab_copy_ptr){ .u = g_virt_to_mfn(b), .domid = DOMID_SELF, .offset = 8 };
    if (!r && ((rc = hc_grant_table_op(GNTTABOP_copy, &c, 1)) || c.status ||
               b[8] != 0x5a || b[23] != 0x5a || b[24] != 0))
        r = why("copy: %ld, status %d", rc, c.status);
    c.dest.offset = 4090;
    if (!r && ((rc = hc_grant_table_op(GNTTABOP_copy, &c, 1)) || c.status != GNTST_bad_copy_arg))
        r = why("copy across a page end: %ld, status %d", rc, c.status);
    g_page_free_mapped(a);
    g_page_free_mapped(b);
    return r;
}

/*
 * dom0 grants a page to itself (its domain id is known: 0), maps the grant
 * over one of its own pages, reads through it, and unmaps it.
 */
static uint8_t grant_va[G_PAGE_SIZE] __attribute__((aligned(4096), section(".bss.page_aligned")));

static const char *grant_map_unmap(void)
{
    xen_pfn_t frame = 0;
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1,
                                     .frame_list = (uint64_t)&frame };
    uint8_t *page = g_page_alloc_mapped();
    struct grant_entry_v1 *table;
    struct gnttab_map_grant_ref m = { .host_addr = (uint64_t)grant_va,
                                      .flags = GNTMAP_host_map, .ref = 5, .dom = 0 };
    struct gnttab_unmap_grant_ref u = { .host_addr = (uint64_t)grant_va };
    const char *r = NULL;
    long rc;

    if (!g_is_dom0())
        return SKIP("needs its own domain id: dom0 only");
    if (!page || hc_grant_table_op(GNTTABOP_setup_table, &st, 1) || st.status ||
        !(table = g_kmap(frame)))
        return why("no grant table");
    page[0] = 0x77;
    table[5] = (struct grant_entry_v1){ .domid = 0, .frame = (uint32_t)g_virt_to_mfn(page) };
    __atomic_store_n(&table[5].flags, GTF_permit_access, __ATOMIC_SEQ_CST);
    if ((rc = hc_grant_table_op(GNTTABOP_map_grant_ref, &m, 1)) || m.status)
        r = why("map: %ld, status %d", rc, m.status);
    else if (*(volatile uint8_t *)grant_va != 0x77 || !(table[5].flags & GTF_writing))
        r = why("through the mapping: 0x%x, flags 0x%x", grant_va[0], table[5].flags);
    u.handle = m.handle;
    if (!r && ((rc = hc_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1)) || u.status ||
               (table[5].flags & (GTF_reading | GTF_writing))))
        r = why("unmap: %ld, status %d, flags 0x%x", rc, u.status, table[5].flags);
    if (!r && (hc_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1) || u.status != GNTST_bad_handle))
        r = why("unmapping twice: status %d", u.status);
    table[5].flags = 0;
    g_kunmap(table);
    g_map_page((uint64_t)grant_va, g_virt_to_mfn(grant_va), G_PTE_KERNEL_RW);
    g_page_free_mapped(page);
    return r;
}

/* ---- debug registers ---- */

static long set_dr(int reg, uint64_t v)
{
    return G_HYPERCALL(__HYPERVISOR_set_debugreg, reg, v, 0, 0, 0);
}

static long get_dr(int reg)
{
    return G_HYPERCALL(__HYPERVISOR_get_debugreg, reg, 0, 0, 0, 0);
}

static const char *debug_registers(void)
{
    static uint64_t watched;
    /* L0, write breakpoint (R/W 01), 8 bytes (LEN 10), bit 10 reads as one. */
    const uint64_t dr7 = 1 | (1ull << 16) | (2ull << 18) | (1ull << 10);
    long rc;

    if ((rc = set_dr(0, 0xffff830000000000ull)) != -XEN_EPERM)
        return why("DR0 at a hypervisor address: %ld", rc);
    if ((rc = set_dr(7, 1ull << 13)) != -XEN_EPERM)
        return why("DR7 with GD: %ld", rc);
    if ((rc = set_dr(6, 1ull << 40)) != -XEN_EINVAL)
        return why("DR6 above 32 bits: %ld", rc);
    if ((rc = set_dr(0, (uint64_t)&watched)) || (uint64_t)get_dr(0) != (uint64_t)&watched)
        return why("DR0: %ld, reads 0x%lx", rc, get_dr(0));
    if ((rc = set_dr(7, dr7)) || (uint64_t)get_dr(7) != dr7)
        return why("DR7: %ld, reads 0x%lx", rc, get_dr(7));
    if ((rc = set_dr(7, 0)) || get_dr(7) != (1 << 10))
        return why("DR7 off: %ld, reads 0x%lx", rc, get_dr(7));
    return NULL;
}

const struct check abi_checks[] = {
    { "runstate_area_follows_switches", runstate_area },
    { "set_iopl_and_port_io", iopl_and_port_io },
    { "cr4_guest_bits_kept_hypervisor_bits_hidden", cr4_virtual },
    { "cpuid_hides_what_pv_cannot_use", cpuid_policy },
    { "writable_pagetables_mov_cmpxchg_xchg", ptwr_writes },
    { "grant_table_v1_setup_query_copy", grant_table_setup_and_copy },
    { "grant_map_and_unmap", grant_map_unmap },
    { "debug_registers_checked_and_kept", debug_registers },
    { NULL, NULL },
};
