/*
 * Machine memory: the frame table (one struct page_info per frame), the
 * boot-time range allocator, the buddy allocator and the hypervisor heap.
 */
#ifndef XEN_MM_H
#define XEN_MM_H

#include "asm/config.h"
#include "xen/nospec.h"
#include "xen/types.h"

struct boot_info;

/*
 * One per machine frame, 32 bytes.  count_info holds the general reference
 * count and PGC_ flags; type_info the page type, PGT_ flags and the type
 * count (Xen's model, used by the PV MMU; a free frame keeps its buddy
 * order there instead).  next/prev link the frame on one list (buddy free
 * list or its owner's list) by frame number.
 */
struct page_info {
    uint32_t next, prev;
    uint64_t count_info;
    uint64_t type_info;
    uint16_t owner;                     /* domid; DOMID_XEN for the hypervisor */
    uint16_t nr_validated_ptes;         /* (de)validation progress, PTF_* flag */
    uint32_t tlbflush_timestamp;        /* TLB clock when last unmapped */
};
#define PTF_partial_set     0x8000      /* in nr_validated_ptes: see page_type.c */
#define page_order(pg)      ((pg)->type_info)   /* free frames only */
_Static_assert(sizeof(struct page_info) == 32, "page_info is 32 bytes");

/* count_info flags. */
#define PGC_state_mask      (3UL << 62)
#define PGC_state_inuse     (0UL << 62)
#define PGC_state_free      (1UL << 62)
#define PGC_need_scrub      (1UL << 61)     /* freed by a domain, not yet zeroed */
#define PGC_allocated       (1UL << 60)     /* the owner's allocation reference */
#define PGC_xen_heap        (1UL << 59)
#define PGC_reserved        (1UL << 58)     /* not RAM, or the hypervisor's own */
#define PGC_dirty_block     (1UL << 57)     /* free block head: a frame needs scrub */
#define PGC_count_mask      ((1UL << 40) - 1)

#define PAGE_LIST_NULL      0xffffffffU

struct page_list {
    uint32_t head, tail;
    unsigned long count;
};

extern struct page_info *frame_table;
extern unsigned long max_page;          /* frames [0, max_page) have entries */
extern unsigned long total_pages;       /* RAM frames */

static inline bool mfn_valid(unsigned long mfn) { return mfn < max_page; }
/* Guest-chosen frame numbers index the frame table: bounded under
 * speculation too (xen/nospec.h), after mfn_valid said yes. */
static inline struct page_info *mfn_to_page(unsigned long mfn)
{
    return frame_table + array_index_nospec(mfn, max_page);
}
static inline unsigned long page_to_mfn(const struct page_info *pg) { return pg - frame_table; }

void page_list_init(struct page_list *l);
void page_list_add_tail(struct page_list *l, struct page_info *pg);
void page_list_add_run(struct page_list *l, struct page_info *pg,
                       unsigned long n);
void page_list_del(struct page_list *l, struct page_info *pg);
struct page_info *page_list_remove_head(struct page_list *l);
static inline struct page_info *page_list_first(const struct page_list *l)
{
    return l->head == PAGE_LIST_NULL ? NULL : mfn_to_page(l->head);
}
static inline struct page_info *page_list_next(const struct page_info *pg)
{
    return pg->next == PAGE_LIST_NULL ? NULL : mfn_to_page(pg->next);
}

/* ---- boot-time range allocator (mm/bootmem.c) ---- */
#define MAX_BOOT_RANGES 128
struct boot_ranges {
    unsigned int nr;
    struct { paddr_t start, end; } r[MAX_BOOT_RANGES];
};
extern struct boot_ranges boot_free;
void bootmem_add_ram(struct boot_ranges *br, paddr_t start, paddr_t end);
void bootmem_reserve(struct boot_ranges *br, paddr_t start, paddr_t end);
struct memmap_entry;
paddr_t bootmem_add_map(struct boot_ranges *br, const struct memmap_entry *m,
                        unsigned int n);
/* Highest aligned block of size bytes within [0, limit); 0 on failure. */
paddr_t bootmem_alloc(struct boot_ranges *br, size_t size, size_t align,
                      paddr_t limit);

/* ---- buddy allocator (mm/page_alloc.c) ---- */
#define MAX_ORDER       18              /* 1 GiB */
#define MEMF_below_1M   (1U << 0)
#define MEMF_below_4G   (1U << 1)
#define MEMF_no_zero    (1U << 2)
/* Frames for a domain that may keep what they held (Xen's name): only the
 * initial dom0's, allocated before any domain has run, when free memory
 * holds nothing but what firmware and the boot loader left there. */
#define MEMF_no_scrub   (1U << 3)
#define NR_ZONES        3               /* below 1 MiB, below 4 GiB, above */

void heap_init(struct page_info *ft, unsigned long nr_frames);
void heap_add_range(unsigned long mfn, unsigned long nr);
struct page_info *alloc_pages(unsigned int order, unsigned int memflags);
void free_pages(struct page_info *pg, unsigned int order);
unsigned long heap_free_pages(void);
unsigned long heap_dirty_pages(void);   /* free, not yet zeroed */
unsigned long heap_free_pages_zone(unsigned int zone);
/* Walk the free lists checking their invariants; returns a problem or NULL. */
const char *heap_check(void);
bool scrub_free_pages(unsigned int budget);     /* idle: zero freed frames */
/* Zero a frame, or n consecutive ones (arch/x86/clear_page.c; the unit
 * tests supply their own clear_frame). */
void clear_frame(unsigned long mfn);
void clear_frames(unsigned long mfn, unsigned long n);

/* Hypervisor-only pages, zeroed, returned by direct-map address. */
void *alloc_xenheap_pages(unsigned int order, unsigned int memflags);
void free_xenheap_pages(void *va, unsigned int order);

/* ---- heap (mm/xmalloc.c) ---- */
void *xmalloc_bytes(size_t size);
void *xzalloc_bytes(size_t size);
void xfree(void *p);
#define xmalloc(type)       ((type *)xmalloc_bytes(sizeof(type)))
#define xzalloc(type)       ((type *)xzalloc_bytes(sizeof(type)))
#define xzalloc_array(type, n) ((type *)xzalloc_bytes(sizeof(type) * (n)))

/* ---- memory set-up (mm/setup.c) ---- */
void mm_init(const struct boot_info *bi);
/* Map [va, va + nr pages) to machine frames from mfn in the hypervisor's
 * page tables (all CPUs).  flags are PTE flags; 2 MiB pages where aligned. */
int map_pages_to_xen(unsigned long va, unsigned long mfn, unsigned long nr,
                     uint64_t flags);
extern uint64_t idle_pg_table[];        /* the hypervisor's own L4 */
/* The L1 entry mapping va (mapped with 4 KiB pages) in the hypervisor's tables. */
uint64_t *xen_l1e_ptr(unsigned long va);
/* NX for a data mapping (0 on a CPU without NX, where the bit is reserved). */
uint64_t pte_nx(void);
/* Once every CPU is up: text read-only, nothing else executable. */
void protect_xen_image(void);

#endif
