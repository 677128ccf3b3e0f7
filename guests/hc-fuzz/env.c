/*
 * The environment the calls play in: our own live page tables, a window
 * of VAs whose mappings they may change, a mapped page with nothing
 * after it, buffers of random bytes and of printable lines, scratch
 * frames that no code of ours uses, frames of the hypervisor, and the
 * event-channel ports the guest library depends on (never closed).
 */
#include <guest/pt.h>
#include "fuzz.h"

struct env env;

static uint8_t window_pages[NR_WINDOW][G_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
static uint8_t guard_pages[2][G_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
static uint8_t printable_page[G_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
static uint8_t random_pages[3][G_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
static uint8_t vinfo_page[G_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));

static unsigned int nr_scratch;

static void add_scratch(uint64_t mfn)
{
    if (nr_scratch < NR_SCRATCH && mfn != G_INVALID_MFN)
        env.scratch[nr_scratch++] = mfn;
}

/* Lines of a-z: nothing in them can look like a verdict line. */
static void fill_printable(uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        p[i] = (i % 64 == 63) ? '\n' : (uint8_t)('a' + rnd_below(26));
}

/* Unmap a page of our image: its frame becomes ours, mapped nowhere. */
static uint64_t unmap_own(void *va)
{
    uint64_t mfn = g_virt_to_mfn(va);

    if (g_unmap_page((uint64_t)va) < 0)
        g_panic("hc-fuzz: cannot unmap %p", va);
    return mfn;
}

/* Is this entry one we must leave alone (the guard stays unmapped)? */
static bool keep_out(uint64_t table, unsigned int slot)
{
    uint64_t guard = (uint64_t)guard_pages[1];

    if (table == g_pt_table_of(0, guard, 1))
        return slot == g_pt_index(guard, 1);
    return false;
}

/* Some empty entries of a live table, and a few used ones. */
static void add_slots(uint64_t table, int level)
{
    unsigned int empty = 0, used = 0;

    for (unsigned int s = 0; s < 512 && env.nr_slots < NR_SLOTS; s++) {
        uint64_t e = g_pt_read(table, s);
        bool hv = level == 4 && s >= 256 && s < 272;
        struct live_slot *ls = &env.slots[env.nr_slots];

        if (keep_out(table, s) || (e ? used >= 2 && !hv : empty >= 6))
            continue;
        if (hv && s != 256 && s != 271)
            continue;
        *ls = (struct live_slot){ table, e, (uint16_t)s, (uint8_t)level };
        env.nr_slots++;
        if (e && !hv)
            used++;
        else
            empty++;
    }
}

static void find_own_tables(void)
{
    uint64_t va = (uint64_t)&env;

    env.l4 = g_pt_current_l4();
    env.l3 = g_pt_table_of(0, va, 3);
    env.l2 = g_pt_table_of(0, va, 2);
    env.l1 = g_pt_table_of(0, va, 1);
    env.window_l1 = g_pt_table_of(0, (uint64_t)window_pages[0], 1);
    for (int level = 4; level >= 1; level--)
        add_slots(level == 4 ? env.l4 : level == 3 ? env.l3 :
                  level == 2 ? env.l2 : env.l1, level);
    if (env.window_l1 != env.l1)
        add_slots(env.window_l1, 1);
    for (unsigned int s = 256; s <= 271 && !env.hv_mfn; s++) {
        uint64_t e = g_pt_read(env.l4, s);

        if ((e & G_PTE_P) && g_pte_mfn(e) != env.l4)
            env.hv_mfn = g_pte_mfn(e);
    }
    g_pt_read_done();
}

static void find_m2p_frame(void)
{
    struct xen_machphys_mfn_list l = { .max_extents = 1 };
    static xen_pfn_t mfn;

    l.extent_start = (uint64_t)&mfn;
    if (hc_memory_op(XENMEM_machphys_mfn_list, &l) == 0 && l.nr_extents)
        env.m2p_mfn = mfn;
}

/* Our domain id: an unbound port's remote end, named DOMID_SELF. */
static void find_self(void)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF,
                                      .remote_dom = DOMID_SELF };
    struct evtchn_status st = { .dom = DOMID_SELF };

    env.self = g_is_dom0() ? 0 : DOMID_SELF;
    if (hc_event_channel_op(EVTCHNOP_alloc_unbound, &a) < 0)
        return;
    st.port = a.port;
    if (hc_event_channel_op(EVTCHNOP_status, &st) == 0 &&
        st.status == EVTCHNSTAT_unbound)
        env.self = st.u.unbound.dom;
    g_evtchn_close(a.port);
}

/* What a port of ours is bound to (zeroed first: the union's unused
 * bytes stay comparable). */
static long port_status(uint32_t port, struct evtchn_status *st)
{
    memset(st, 0, sizeof(*st));
    st->dom = DOMID_SELF;
    st->port = port;
    return hc_event_channel_op(EVTCHNOP_status, st);
}

/* What each protected port was bound to at start. */
static struct evtchn_status protected_status[32];

/* Every port bound now belongs to the library: protect it. */
static void find_protected_ports(void)
{
    for (uint32_t p = 1; p < 256 && env.nr_protected < 32; p++) {
        struct evtchn_status *st = &protected_status[env.nr_protected];

        if (port_status(p, st) < 0)
            break;
        if (st->status != EVTCHNSTAT_closed)
            env.protected_ports[env.nr_protected++] = p;
    }
}

/*
 * A protected port no longer bound as it was at the last look, or 0.  The
 * stream never closes, moves or resets them (each call that could is given
 * exactly the structure it built, or one that cannot be read): a change is
 * a call that did what its arguments did not ask for.
 */
uint32_t env_port_changed(void)
{
    for (unsigned int i = 0; i < env.nr_protected; i++) {
        struct evtchn_status st;

        port_status(env.protected_ports[i], &st);
        if (memcmp(&st, &protected_status[i], sizeof(st))) {
            protected_status[i] = st;
            return env.protected_ports[i];
        }
    }
    return 0;
}

void env_init(void)
{
    uint64_t pfn;

    env.max_page = (uint64_t)hc_memory_op(XENMEM_maximum_ram_page, NULL);
    env.nr_vcpus = g_nr_cpus();
    find_self();
    find_protected_ports();
    find_own_tables();
    find_m2p_frame();
    env.image_mfn = g_virt_to_mfn(&env);
    env.shinfo_mfn = g_start_info->shared_info >> G_PAGE_SHIFT;
    for (unsigned int i = 0; i < NR_WINDOW; i++) {
        env.window[i] = (uint64_t)window_pages[i];
        add_scratch(unmap_own(window_pages[i]));
    }
    fill_printable(guard_pages[0], G_PAGE_SIZE);
    add_scratch(unmap_own(guard_pages[1]));
    env.guard_end = (uint64_t)guard_pages[1];
    fill_printable(printable_page, G_PAGE_SIZE);
    env.printable = (uint64_t)printable_page;
    fill_random(random_pages, 2 * G_PAGE_SIZE);
    add_scratch(unmap_own(random_pages[2]));
    add_scratch(unmap_own(arena_guard()));
    env.randbuf = (uint64_t)random_pages;
    env.randbuf_mfn = g_virt_to_mfn(random_pages);
    env.vinfo_va = (uint64_t)vinfo_page;
    env.vinfo_mfn = g_virt_to_mfn(vinfo_page);
    while (nr_scratch < NR_SCRATCH &&
           (pfn = g_page_alloc_above(g_mapped_pfns())) != G_INVALID_PFN)
        add_scratch(g_pfn_to_mfn(pfn));
    g_printf("hc-fuzz: domain %u, %u vcpu(s), %u scratch frames, "
             "%u protected ports, max_page 0x%lx\n", env.self, env.nr_vcpus,
             nr_scratch, env.nr_protected, env.max_page);
}

bool port_is_protected(uint32_t port)
{
    for (unsigned int i = 0; i < env.nr_protected; i++)
        if (env.protected_ports[i] == port)
            return true;
    return false;
}

void port_remember(uint32_t port)
{
    if (port == 0 || port_is_protected(port))
        return;
    for (unsigned int i = 0; i < NR_PORTS; i++)
        if (env.ports[i] == port)
            return;
    env.ports[rnd_below(NR_PORTS)] = port;
}

void port_forget(uint32_t port)
{
    for (unsigned int i = 0; i < NR_PORTS; i++)
        if (env.ports[i] == port)
            env.ports[i] = 0;
}

void scratch_forget(uint64_t mfn)
{
    for (unsigned int i = 0; i < NR_SCRATCH; i++)
        if (env.scratch[i] == mfn)
            env.scratch[i] = 0;
    for (unsigned int i = 0; i < NR_CHUNKS; i++)
        if (env.chunk_mfn[i] == mfn)
            env.chunk_mfn[i] = 0;
}

void chunk_remember(uint64_t mfn, unsigned int order)
{
    unsigned int i = (unsigned int)rnd_below(NR_CHUNKS);

    env.chunk_mfn[i] = mfn;
    env.chunk_order[i] = order;
}

void victim_remember(domid_t d)
{
    for (unsigned int i = 0; i < NR_VICTIMS; i++)
        if (!env.victims[i]) {
            env.victims[i] = d;
            env.victim_mfn[i] = 0;
            return;
        }
}

void victim_forget(domid_t d)
{
    for (unsigned int i = 0; i < NR_VICTIMS; i++)
        if (env.victims[i] == d)
            env.victims[i] = 0;
}
