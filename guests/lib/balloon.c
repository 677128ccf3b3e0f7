/*
 * The balloon driver (see guest/balloon.h).
 *
 * One step moves at most BALLOON_BATCH pages: down, one mmu_update
 * clearing their physmap entries, one TLB flush and one
 * decrease_reservation; up, one populate_physmap (a single 2 MiB extent
 * or up to 512 pages) and one mmu_update mapping them.  A step that goes
 * part-way keeps what succeeded and puts the rest back as it was.
 */
#include <guest/guest.h>
#include <guest/balloon.h>
#include <guest/physmap.h>
#include <guest/pt.h>

#define ORDER_2M    9
#define PAGES_2M    (1u << ORDER_2M)

static struct {
    bool ready;
    uint64_t target, current, limit;    /* pages */
    uint64_t low_hint;                  /* no missing PFN below it */
    bool no_2m;                         /* a 2 MiB extent was refused */
    bool no_2m_out;                     /* ... or could not be given back */
    bool scrub;                         /* clear frames before they go */
    uint64_t retry_at;                  /* backing off until (ns) */
    enum balloon_state state;
    struct balloon_stats st;
} b;

static int busy;
static struct g_pt_queue q;
/* The step's PFNs and their frames (also its extent list). */
static uint64_t pfns[BALLOON_BATCH], frames[BALLOON_BATCH];

/* ---- Hypercalls ---------------------------------------------------------- */

static long reservation(unsigned int op, uint64_t *list, unsigned int n,
                        unsigned int order)
{
    struct xen_memory_reservation r = {
        .extent_start = (uint64_t)list, .nr_extents = n,
        .extent_order = order, .domid = DOMID_SELF,
    };

    b.st.hypercalls++;
    b.st.memory_ops++;
    return hc_memory_op(op, &r);
}

static long max_reservation(void)
{
    domid_t self = DOMID_SELF;

    b.st.hypercalls++;
    b.st.memory_ops++;
    return hc_memory_op(XENMEM_maximum_reservation, &self);
}

/* Send the queue; on failure, the index of the first element not done. */
static int send(unsigned int *failed_at)
{
    unsigned long before = q.batches;
    int rc = g_pt_flush(&q);

    b.st.hypercalls += q.batches - before;
    if (rc) {
        *failed_at = q.err.index;
        if (g_errno_name(rc))
            g_printf("balloon: %s failed (-%s)\n", q.err.op, g_errno_name(rc));
        g_pt_clear_error(&q);
    }
    return rc;
}

static void flush_tlbs(void)
{
    struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_ALL };
    unsigned int at;

    g_pt_ext_raw(&q, &op);
    send(&at);
}

/* Clear frames[0..n) (MMUEXT_CLEAR_PAGE; a translated guest's own
 * mapping); returns how many from the start were cleared. */
static unsigned int scrub(unsigned int n)
{
    struct mmuext_op op = { .cmd = MMUEXT_CLEAR_PAGE };
    unsigned int at = n;

    if (g_translated()) {
        for (unsigned int i = 0; i < n; i++)
            memset(g_pfn_to_virt(pfns[i]), 0, G_PAGE_SIZE);
        return n;
    }
    for (unsigned int i = 0; i < n; i++) {
        op.arg1.mfn = frames[i];
        g_pt_ext_raw(&q, &op);
    }
    if (send(&at))
        at = at < n ? at : 0;
    return at;
}

/*
 * Map (or unmap) pfns[0..n) at frames[] in the physmap; returns how many
 * from the start are done.  Unmapping ends with a TLB flush, so nothing
 * can reach the frames once they leave.
 */
/*
 * The same for a whole 2 MiB extent (pfns[] and frames[] consecutive from
 * 512-aligned firsts): its 512 entries fill one L1 table of the physmap,
 * so the requests are written straight into one mmu_update call.
 */
static unsigned int set_ptes_extent(bool map)
{
    static struct mmu_update req[PAGES_2M];
    uint64_t ptr = g_physmap_pte_ptr(pfns[0]) | MMU_NORMAL_PT_UPDATE;
    uint64_t pte = map ? g_physmap_pte(frames[0]) : 0;
    unsigned int done = 0;
    long rc;

    if (!g_physmap_pfns())
        return PAGES_2M;
    for (unsigned int i = 0; i < PAGES_2M; i++) {
        req[i].ptr = ptr + i * sizeof(uint64_t);
        req[i].val = map ? pte + ((uint64_t)i << G_PAGE_SHIFT) : 0;
    }
    b.st.hypercalls++;
    rc = hc_mmu_update(req, PAGES_2M, &done, DOMID_SELF);
    if (rc < 0 && g_errno_name(rc))
        g_printf("balloon: mmu_update failed (-%s)\n", g_errno_name(rc));
    if (!map)
        flush_tlbs();
    return rc < 0 ? (done < PAGES_2M ? done : 0) : PAGES_2M;
}

static unsigned int set_ptes(unsigned int n, bool map)
{
    unsigned int at = n;

    if (!g_physmap_pfns())
        return n;
    for (unsigned int i = 0; i < n; i++)
        g_pt_mmu_raw(&q, g_physmap_pte_ptr(pfns[i]) | MMU_NORMAL_PT_UPDATE,
                     map ? g_physmap_pte(frames[i]) : 0);
    if (send(&at))
        at = at < n ? at : 0;
    if (!map)
        flush_tlbs();
    return at;
}

/* M2P entries the hypervisor did not set (Xen and xen-lite do). */
static void fix_m2p(unsigned int n)
{
    unsigned int at, queued = 0;

    for (unsigned int i = 0; i < n; i++) {
        if (g_mfn_to_pfn(frames[i]) == pfns[i])
            continue;
        g_pt_mmu_raw(&q, (frames[i] << G_PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
                     pfns[i]);
        queued++;
    }
    if (queued)
        send(&at);
}

/* ---- Down ---------------------------------------------------------------- */

static void fail(enum balloon_state s)
{
    b.st.failures++;
    b.state = s;
}

/*
 * A whole 2 MiB extent the guest holds free: 512 aligned free PFNs whose
 * frames are one aligned machine extent (as populate_physmap gave it, or
 * the builder laid it out).  Taken from the allocator; its first PFN, or
 * G_INVALID_PFN.
 */
static uint64_t take_free_extent(void)
{
    uint64_t pfn = g_page_alloc_run_highest(g_mapped_pfns(), ORDER_2M), mfn;

    if (pfn == G_INVALID_PFN)
        return pfn;
    mfn = g_pfn_to_mfn(pfn);
    for (unsigned int i = 0; i < PAGES_2M; i++)
        if (mfn % PAGES_2M || g_pfn_to_mfn(pfn + i) != mfn + i) {
            g_page_free_range(pfn, PAGES_2M);
            return G_INVALID_PFN;
        }
    return pfn;
}

/* Give back one whole 2 MiB extent (decrease_reservation of order 9);
 * 512, or 0 if there was none to give (nothing changed then). */
static unsigned int shrink_2m(void)
{
    uint64_t pfn = take_free_extent(), extent[1];
    long rc = -1;

    if (pfn == G_INVALID_PFN)
        return 0;
    for (unsigned int i = 0; i < PAGES_2M; i++) {
        pfns[i] = pfn + i;
        frames[i] = g_pfn_to_mfn(pfn) + i;
    }
    extent[0] = frames[0];
    if (set_ptes_extent(false) == PAGES_2M &&
        (!b.scrub || scrub(PAGES_2M) == PAGES_2M))
        rc = reservation(XENMEM_decrease_reservation, extent, 1, ORDER_2M);
    if (rc != 1) {
        set_ptes_extent(true);          /* as it was: single pages now */
        g_page_free_range(pfn, PAGES_2M);
        b.no_2m_out = true;
        return 0;
    }
    g_p2m_set_range(pfn, G_INVALID_MFN, PAGES_2M);
    b.current -= PAGES_2M;
    b.st.pages_out += PAGES_2M;
    b.st.extents_2m_out++;
    return PAGES_2M;
}

/* Give back up to n free pages; returns how many went. */
static unsigned int shrink(unsigned int n)
{
    unsigned int k = 0, unmapped, ready, done;
    long rc;

    if (n >= PAGES_2M && !b.no_2m_out &&
        g_pages_free() >= BALLOON_KEEP_FREE + PAGES_2M && (k = shrink_2m()))
        return k;
    for (; k < n && g_pages_free() > BALLOON_KEEP_FREE; k++) {
        pfns[k] = g_page_alloc_highest(g_mapped_pfns());
        if (pfns[k] == G_INVALID_PFN)
            break;
        frames[k] = g_pfn_to_mfn(pfns[k]);
    }
    if (!k) {
        b.state = BALLOON_NO_FREE_PAGES;
        return 0;
    }
    unmapped = set_ptes(k, false);
    ready = b.scrub ? scrub(unmapped) : unmapped;
    rc = ready ? reservation(XENMEM_decrease_reservation, frames, ready, 0)
               : 0;
    done = rc < 0 ? 0 : (unsigned int)(rc < ready ? rc : ready);
    for (unsigned int i = 0; i < done; i++)
        g_p2m_set(pfns[i], G_INVALID_MFN);
    if (done < k) {
        /* Put the rest back as it was. */
        memmove(pfns, pfns + done, (k - done) * sizeof(pfns[0]));
        memmove(frames, frames + done, (k - done) * sizeof(frames[0]));
        set_ptes(unmapped - done, true);
        for (unsigned int i = 0; i < k - done; i++)
            g_page_free(pfns[i]);
        g_printf("balloon: %u of %u pages not given back (%ld)\n",
                 k - done, k, rc < 0 ? rc : 0);
        fail(BALLOON_ERROR);
    }
    b.current -= done;
    b.st.pages_out += done;
    return done;
}

/* ---- Up ------------------------------------------------------------------ */

static uint64_t next_missing(uint64_t pfn)
{
    for (; pfn < g_max_pfn(); pfn++)
        if (g_pfn_to_mfn(pfn) == G_INVALID_MFN)
            return pfn;
    return G_INVALID_PFN;
}

static bool run_missing(uint64_t pfn, unsigned int n)
{
    return pfn + n <= g_max_pfn() && g_p2m_range_missing(pfn, n);
}

/* A whole 2 MiB extent fits at pfn. */
static bool fits_2m(uint64_t pfn, uint64_t want)
{
    return !b.no_2m && want >= PAGES_2M && pfn % PAGES_2M == 0 &&
           run_missing(pfn, PAGES_2M);
}

/* Choose up to n missing PFNs from `first`: one 2 MiB extent if it fits,
 * else single pages up to the next extent that would.  Fills pfns[] and
 * the extent list frames[]; returns the extents, *order their order. */
static unsigned int choose(uint64_t first, unsigned int n, unsigned int *order)
{
    unsigned int k = 0;

    if (fits_2m(first, n)) {
        *order = ORDER_2M;
        frames[0] = first;
        return 1;
    }
    *order = 0;
    for (uint64_t pfn = first; k < n && pfn != G_INVALID_PFN;
         pfn = next_missing(pfn + 1)) {
        if (k && fits_2m(pfn, n - k))
            break;
        pfns[k] = frames[k] = pfn;
        k++;
    }
    return k;
}

/* Return frames[0..n) that could not be mapped, and forget them. */
static void undo_populate(unsigned int n)
{
    long rc = reservation(XENMEM_decrease_reservation, frames, n, 0);

    for (unsigned int i = 0; i < n; i++)
        if (rc >= 0 && i < (unsigned long)rc)
            g_p2m_set(pfns[i], G_INVALID_MFN);
    if (rc < 0 || (unsigned long)rc < n)
        g_printf("balloon: %lu frames lost after a failed mapping\n",
                 n - (rc < 0 ? 0 : (unsigned long)rc));
}

/* Take in up to n pages; returns how many came. */
static unsigned int grow(unsigned int n)
{
    unsigned int order, nr, got, pages, mapped;
    uint64_t first = next_missing(b.low_hint);
    long rc;

    if (first == G_INVALID_PFN) {
        b.state = BALLOON_AT_LIMIT;
        return 0;
    }
    b.low_hint = first;
    nr = choose(first, n, &order);
    rc = reservation(XENMEM_populate_physmap, frames, nr, order);
    got = rc < 0 ? 0 : (unsigned int)(rc < nr ? rc : nr);
    if (order == ORDER_2M) {
        if (!got) {
            b.no_2m = true;             /* single pages from now on */
            return 0;
        }
        for (unsigned int i = 0; i < PAGES_2M; i++) {
            pfns[i] = first + i;
            frames[i] = frames[0] + i;
        }
        b.st.extents_2m++;
    }
    pages = got << order;
    fix_m2p(pages);
    if (order == ORDER_2M)
        g_p2m_set_range(first, frames[0], PAGES_2M);
    else
        for (unsigned int i = 0; i < pages; i++)
            g_p2m_set(pfns[i], frames[i]);
    mapped = order == ORDER_2M && got == 1 ? set_ptes_extent(true)
                                           : set_ptes(pages, true);
    if (mapped < pages) {
        memmove(pfns, pfns + mapped, (pages - mapped) * sizeof(pfns[0]));
        memmove(frames, frames + mapped, (pages - mapped) * sizeof(frames[0]));
        undo_populate(pages - mapped);
        fail(BALLOON_ERROR);
    }
    if (order == ORDER_2M && mapped == PAGES_2M)
        g_page_free_range(first, PAGES_2M);
    else
        for (unsigned int i = 0; i < mapped; i++)
            g_page_free(pfns[i]);
    b.current += mapped;
    b.st.pages_in += mapped;
    if (got < nr) {
        b.st.refused += nr - got;
        b.retry_at = g_now_ns() + BALLOON_RETRY_NS;
        fail(BALLOON_NO_HOST_MEMORY);
    }
    return mapped;
}

/* ---- Driving ------------------------------------------------------------- */

/* xen-lite zeroes every frame a domain gave up before anyone else gets it
 * (hypercalls/ABI.md); Xen does not for a live domain's frames, so there
 * the guest clears them, as Linux's balloon driver does. */
static bool hypervisor_scrubs(void)
{
    xen_changeset_info_t cs;

    memset(cs, 0, sizeof(cs));
    b.st.hypercalls++;
    if (hc_xen_version(XENVER_changeset, cs) < 0)
        return false;
    return !strncmp(cs, "xen-lite", 8);
}

static int scrub_override = -1;         /* balloon_set_scrub's, if called */

void balloon_set_scrub(bool on)
{
    scrub_override = on;
    b.scrub = on;
}

bool balloon_scrubs(void)
{
    return b.scrub;
}

/* The top of RAM in the memory map the toolstack set (pages), or 0. */
static uint64_t memory_map_top(void)
{
    struct xen_e820_entry e[8];
    struct xen_memory_map map = { .nr_entries = 8,
                                  .buffer = xen_guest_handle(e) };
    uint64_t top = 0;

    b.st.hypercalls++;
    b.st.memory_ops++;
    if (hc_memory_op(XENMEM_memory_map, &map))
        return 0;
    for (unsigned int i = 0; i < map.nr_entries && i < 8; i++)
        if (e[i].type == E820_RAM && e[i].addr + e[i].size > top << G_PAGE_SHIFT)
            top = (e[i].addr + e[i].size) >> G_PAGE_SHIFT;
    return top;
}

uint64_t balloon_max_pages(void)
{
    long max = max_reservation();
    uint64_t top = memory_map_top();
    uint64_t limit = max > 0 ? (uint64_t)max : UINT64_MAX;

    /* The toolstack's maxmem: the hypervisor's limit is a little above
     * it (Xen's libxl adds 1 MiB of slack). */
    return top && top < limit ? top : limit;
}

/* Pages the guest may hold: its PFN space and its maximum. */
static uint64_t find_limit(void)
{
    uint64_t max = balloon_max_pages(), pfns_ok = g_max_pfn();

    return max < pfns_ok ? max : pfns_ok;
}

int balloon_init(uint64_t max_pfn)
{
    uint64_t want = g_physmap_pfns();
    int rc;

    if (max_pfn && max_pfn < want)
        want = max_pfn;
    if (want > g_max_pfn() && (rc = g_p2m_grow(want)) < 0)
        return rc;
    b.current = 0;
    for (uint64_t pfn = 0; pfn < g_max_pfn(); pfn++)
        b.current += g_pfn_to_mfn(pfn) != G_INVALID_MFN;
    b.limit = find_limit();
    b.target = b.current;
    b.state = BALLOON_REACHED;
    b.scrub = scrub_override >= 0 ? scrub_override : !hypervisor_scrubs();
    b.ready = true;
    return 0;
}

static int work(uint64_t budget)
{
    uint64_t moved = 0;

    if (g_now_ns() < b.retry_at)
        return -XEN_EAGAIN;
    while (b.current != b.target && (!budget || moved < budget)) {
        uint64_t left = b.current > b.target ? b.current - b.target
                                              : b.target - b.current;
        unsigned int n, step;

        if (budget && left > budget - moved)
            left = budget - moved;
        n = left < BALLOON_BATCH ? (unsigned int)left : BALLOON_BATCH;
        b.state = BALLOON_WORKING;
        step = b.current > b.target ? shrink(n) : grow(n);
        moved += step;
        if (!step && b.state != BALLOON_WORKING)
            break;
    }
    if (b.current == b.target)
        b.state = BALLOON_REACHED;
    else if (b.state != BALLOON_WORKING && b.retry_at <= g_now_ns())
        b.retry_at = g_now_ns() + BALLOON_RETRY_NS;
    return b.current == b.target ? 0 : -XEN_EAGAIN;
}

static bool enter(void)
{
    return !__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE);
}

static void leave(void)
{
    __atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
}

/* A new target: the back-off and the 2 MiB refusal are forgotten. */
static int request(uint64_t pages)
{
    int rc;

    if (!b.ready && (rc = balloon_init(0)) < 0)
        return rc;
    b.limit = find_limit();
    b.target = pages < b.limit ? pages : b.limit;
    b.no_2m = b.no_2m_out = false;
    b.retry_at = 0;
    b.low_hint = 0;
    b.state = b.current == b.target ? BALLOON_REACHED : BALLOON_WORKING;
    return 0;
}

int balloon_request(uint64_t pages)
{
    int rc;

    if (!enter())
        return -XEN_EBUSY;
    rc = request(pages);
    leave();
    return rc;
}

int balloon_set_target(uint64_t pages)
{
    int rc;

    if (!enter())
        return -XEN_EBUSY;
    if (!(rc = request(pages)))
        rc = work(0);
    leave();
    return rc;
}

int balloon_work(uint64_t budget)
{
    int rc;

    if (!b.ready)
        return 0;
    if (!enter())
        return -XEN_EBUSY;
    rc = work(budget);
    leave();
    return rc;
}

uint64_t balloon_retry_at(void)
{
    if (b.state == BALLOON_REACHED)
        return 0;
    if (b.state == BALLOON_WORKING)
        return g_now_ns();
    return b.retry_at;
}

uint64_t balloon_target(void)
{
    return b.target;
}

uint64_t balloon_current_pages(void)
{
    return b.current;
}

uint64_t balloon_free_pages(void)
{
    return g_pages_free();
}

uint64_t balloon_limit(void)
{
    return b.limit;
}

enum balloon_state balloon_status(void)
{
    return b.state;
}

const char *balloon_state_name(enum balloon_state s)
{
    static const char *const names[] = {
        [BALLOON_REACHED] = "reached", [BALLOON_WORKING] = "working",
        [BALLOON_NO_FREE_PAGES] = "no free pages",
        [BALLOON_NO_HOST_MEMORY] = "host memory refused",
        [BALLOON_AT_LIMIT] = "at limit", [BALLOON_ERROR] = "error",
    };

    return (unsigned int)s < G_ARRAY_SIZE(names) ? names[s] : "?";
}

const struct balloon_stats *balloon_stats(void)
{
    return &b.st;
}
