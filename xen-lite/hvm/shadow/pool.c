/*
 * The shadow pool: the frames a domain's shadows live in (shadow_memory,
 * as Xen's), their bookkeeping, allocation with reclaim, and the pending
 * list of freed frames that may not be reused before every vCPU's TLB is
 * flushed.
 */
#include "xen/lib.h"
#include "xen/mm.h"

#include "private.h"

#define RMAP_BUCKETS_PER_PAGE   16
#define RMAP_BUCKETS_MAX        (1U << 20)

unsigned long shadow_min_pages(unsigned int vcpus)
{
    return 128 + 16UL * vcpus;
}

/* libxl's rule: 1 MiB per vCPU plus 8 KiB per MiB of RAM. */
unsigned long shadow_default_pages(unsigned long ram_mib, unsigned int vcpus)
{
    return 256UL * vcpus + 2 * ram_mib;
}

int shadow_domain_init(struct shadow_domain *sd, unsigned int vcpus, void *owner)
{
    *sd = (struct shadow_domain){ .nr_vcpus = vcpus, .owner = owner, .paddr_bits = 40,
                                  .free_head = SH_NIL, .pending_head = SH_NIL,
                                  .lru_head = SH_NIL, .lru_tail = SH_NIL };
    spin_lock_init(&sd->lock);
    sd->vcpus = xzalloc_array(struct shadow_vcpu *, vcpus);
    return sd->vcpus ? 0 : -XEN_ENOMEM;
}

void shadow_vcpu_attach(struct shadow_domain *sd, unsigned int i, struct shadow_vcpu *sv)
{
    if (i < sd->nr_vcpus)
        sd->vcpus[i] = sv;
}

unsigned long shadow_pages_in_use(const struct shadow_domain *sd)
{
    return sd->nr_pages - sd->nr_free - sd->nr_pending;
}

/* ---- pool frame -> page (open addressing, linear probing) ---- */

static uint32_t mfn_slot(const struct shadow_domain *sd, unsigned long mfn)
{
    return (uint32_t)(mfn * 0x9e3779b97f4a7c15ULL >> 32) & sd->mfn_mask;
}

uint32_t sh_index_of(struct shadow_domain *sd, unsigned long mfn)
{
    for (uint32_t s = mfn_slot(sd, mfn);; s = (s + 1) & sd->mfn_mask) {
        uint32_t idx = sd->mfn_hash[s];
        if (idx == SH_NIL || sd->pages[idx].mfn == mfn)
            return idx;
    }
}

static void mfn_insert(struct shadow_domain *sd, uint32_t idx)
{
    uint32_t s = mfn_slot(sd, sd->pages[idx].mfn);

    while (sd->mfn_hash[s] != SH_NIL)
        s = (s + 1) & sd->mfn_mask;
    sd->mfn_hash[s] = idx;
}

/* ---- free and pending lists ---- */

static void push(struct shadow_domain *sd, uint32_t *head, uint32_t idx)
{
    sd->pages[idx].next = *head;
    *head = idx;
}

/* Every vCPU has flushed: pending frames may be used again. */
static void pending_to_free(struct shadow_domain *sd)
{
    while (sd->pending_head != SH_NIL) {
        uint32_t idx = sd->pending_head;
        sd->pending_head = sd->pages[idx].next;
        push(sd, &sd->free_head, idx);
    }
    sd->nr_free += sd->nr_pending;
    sd->nr_pending = 0;
}

void sh_flush_if_needed(struct shadow_domain *sd)
{
    if (!sd->need_flush)
        return;
    sd->stats.flushes++;
    shadow_flush_tlbs(sd);
    sd->need_flush = false;
    pending_to_free(sd);
}

static void flush_now(struct shadow_domain *sd)
{
    sd->need_flush = true;
    sh_flush_if_needed(sd);
}

static uint32_t take_free(struct shadow_domain *sd)
{
    uint32_t idx;

    if (sd->free_head == SH_NIL && sd->nr_pending)
        flush_now(sd);
    if ((idx = sd->free_head) == SH_NIL)
        return SH_NIL;
    sd->free_head = sd->pages[idx].next;
    sd->nr_free--;
    return idx;
}

static void init_page(struct shadow_domain *sd, uint32_t idx, unsigned int type,
                      unsigned long gfn)
{
    struct sh_page *pg = &sd->pages[idx];

    *pg = (struct sh_page){ .mfn = pg->mfn, .low = pg->low, .gfn = gfn, .type = type,
                            .next = SH_NIL, .lru_prev = SH_NIL, .lru_next = SH_NIL,
                            .links = SH_NIL, .gmfn = SH_INVALID_MFN };
    /* Links start unlinked (all ones); shadow entries start empty. */
    memset(sh_map(sd, idx), type == SH_LINKS ? 0xff : 0, PAGE_SIZE);
}

/* A free page below 4 GiB, for a PAE root; SH_NIL if none. */
static uint32_t take_free_low(struct shadow_domain *sd)
{
    if (sd->nr_pending)
        flush_now(sd);
    for (uint32_t *at = &sd->free_head; *at != SH_NIL; at = &sd->pages[*at].next) {
        uint32_t idx = *at;
        if (sd->pages[idx].low) {
            *at = sd->pages[idx].next;
            sd->nr_free--;
            return idx;
        }
    }
    return SH_NIL;
}

/* A zeroed shadow page of `type` with its reverse-map links page. */
uint32_t sh_alloc(struct shadow_domain *sd, unsigned int type, unsigned long gfn)
{
    uint32_t idx, links;

    if (sd->nr_free + sd->nr_pending < 2)
        return SH_NIL;
    idx = type == SH_PAE_ROOT ? take_free_low(sd) : take_free(sd);
    if (idx == SH_NIL)
        return SH_NIL;                  /* no PAE root below 4 GiB is free */
    links = take_free(sd);
    if (links == SH_NIL)
        BUG();                          /* counted above */
    init_page(sd, idx, type, gfn);
    init_page(sd, links, SH_LINKS, gfn);
    sd->pages[idx].links = links;
    sd->pages[links].links = idx;
    if (shadow_pages_in_use(sd) > sd->peak_used)
        sd->peak_used = shadow_pages_in_use(sd);
    return idx;
}

/* An emptied shadow page with no references left, and its links page. */
void sh_release(struct shadow_domain *sd, uint32_t idx)
{
    struct sh_page *pg = &sd->pages[idx];
    uint32_t links = pg->links;

    sh_hash_remove(sd, idx);
    pg->type = SH_FREE;
    sd->pages[links].type = SH_FREE;
    push(sd, &sd->pending_head, idx);
    push(sd, &sd->pending_head, links);
    sd->nr_pending += 2;
}

/*
 * Room for n shadow pages (with their links) before an operation starts,
 * so that nothing it has built is reclaimed under it: cached top levels
 * go first, oldest first; then every shadow (loaded roots stay, empty).
 */
int sh_prealloc(struct shadow_domain *sd, unsigned int n, uint32_t keep)
{
    while (sd->nr_free + sd->nr_pending < 2 * n && sh_evict_one(sd))
        sd->stats.evictions++;
    if (sd->nr_free + sd->nr_pending < 2 * n) {
        sd->stats.blowups++;
        sh_blow_all(sd);
    }
    if (sd->nr_free < 2 * n && sd->nr_pending)
        flush_now(sd);
    return sd->nr_free >= 2 * n ? 0 : -XEN_ENOMEM;
}

/* ---- sizing ---- */

static uint32_t pow2_at_least(unsigned long n)
{
    uint32_t p = 1;

    while (p < n)
        p <<= 1;
    return p;
}

/* Frames go back to the host only once no TLB can reach them. */
static void free_tables(struct shadow_domain *sd)
{
    if (sd->nr_pages)
        flush_now(sd);
    for (uint32_t i = 0; i < sd->nr_pages; i++)
        shadow_host_free(sd, sd->pages[i].mfn);
    xfree(sd->pages);
    xfree(sd->mfn_hash);
    xfree(sd->gfn_hash);
    xfree(sd->rmap);
    xfree(sd->regions);
    sd->pages = NULL;
    sd->mfn_hash = sd->gfn_hash = sd->rmap = NULL;
    sd->regions = NULL;
    sd->nr_pages = sd->nr_free = sd->nr_pending = sd->capacity = 0;
    sd->free_head = sd->pending_head = SH_NIL;
    sd->nr_regions = 0;
}

static int alloc_tables(struct shadow_domain *sd, uint32_t pages)
{
    uint32_t mfns = pow2_at_least(2UL * pages), gfns = pow2_at_least(pages);
    uint32_t rmap = MIN(pow2_at_least((unsigned long)RMAP_BUCKETS_PER_PAGE * pages),
                        RMAP_BUCKETS_MAX);
    uint32_t regions = pow2_at_least(2UL * pages);

    sd->pages = xzalloc_array(struct sh_page, pages);
    sd->mfn_hash = xzalloc_array(uint32_t, mfns);
    sd->gfn_hash = xzalloc_array(uint32_t, gfns);
    sd->rmap = xzalloc_array(uint32_t, rmap);
    sd->regions = xzalloc_array(struct sh_region, regions);
    if (!sd->pages || !sd->mfn_hash || !sd->gfn_hash || !sd->rmap || !sd->regions)
        return -XEN_ENOMEM;
    memset(sd->mfn_hash, 0xff, mfns * sizeof(uint32_t));
    memset(sd->gfn_hash, 0xff, gfns * sizeof(uint32_t));
    memset(sd->rmap, 0xff, rmap * sizeof(uint32_t));
    sd->mfn_mask = mfns - 1;
    sd->gfn_mask = gfns - 1;
    sd->rmap_mask = rmap - 1;
    sd->region_mask = regions - 1;
    sd->capacity = pages;
    return 0;
}

static bool any_root_loaded(const struct shadow_domain *sd)
{
    for (unsigned int i = 0; i < sd->nr_vcpus; i++)
        if (sd->vcpus[i] && sd->vcpus[i]->root != SH_NIL)
            return true;
    return false;
}

/*
 * A new pool of `pages` frames.  Only while no vCPU runs on a shadow (the
 * toolstack sets it before the domain starts): -XEN_EBUSY otherwise.
 */
int shadow_set_allocation(struct shadow_domain *sd, unsigned long pages)
{
    if (pages < shadow_min_pages(sd->nr_vcpus) || pages > SH_NIL >> 9)
        return -XEN_EINVAL;
    if (any_root_loaded(sd))
        return -XEN_EBUSY;
    sh_blow_all(sd);
    free_tables(sd);
    if (alloc_tables(sd, pages) < 0) {
        free_tables(sd);
        return -XEN_ENOMEM;
    }
    for (uint32_t i = 0; i < pages; i++) {
        /* One PAE root per vCPU, and one spare, can always be below 4 GiB. */
        unsigned long mfn = shadow_host_alloc(sd, i <= sd->nr_vcpus);
        if (!mfn) {
            free_tables(sd);
            return -XEN_ENOMEM;
        }
        sd->pages[i] = (struct sh_page){ .mfn = mfn, .type = SH_FREE,
                                         .low = mfn < SH_LOW_MFN_LIMIT };
        sd->nr_pages++;
        mfn_insert(sd, i);
        push(sd, &sd->free_head, i);
        sd->nr_free++;
    }
    return 0;
}

void shadow_teardown(struct shadow_domain *sd)
{
    for (unsigned int i = 0; i < sd->nr_vcpus; i++)
        if (sd->vcpus[i])
            shadow_vcpu_release(sd, sd->vcpus[i]);
    sh_blow_all(sd);
    free_tables(sd);
    xfree(sd->vcpus);
    sd->vcpus = NULL;
    sd->nr_vcpus = 0;
}
