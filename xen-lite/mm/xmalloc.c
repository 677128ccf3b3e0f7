/*
 * The hypervisor heap.  Small objects (up to 2 KiB with their header) come
 * from power-of-two size classes carved out of whole pages; bigger ones take
 * pages from the buddy allocator directly.  Every block has a 16-byte header
 * so xfree() knows where it came from and can catch double frees.
 */
#include "asm/page.h"
#include "xen/lib.h"
#include "xen/mm.h"
#include "xen/spinlock.h"

#define XMALLOC_MAGIC   0x584d414cU     /* "XMAL" */
#define XFREE_MAGIC     0x58465245U     /* "XFRE" */
#define XFREE_POISON    0xdb            /* every byte of a freed object */
#define MIN_CLASS       5               /* 32 bytes */
#define MAX_CLASS       11              /* 2048 bytes */
#define LARGE           0x80000000U

struct xhdr {
    uint32_t magic;
    uint32_t kind;                      /* size class, or LARGE | order */
    uint64_t size;
};

/* A free small block keeps its header shape, so double frees show. */
struct free_obj {
    uint32_t magic;
    uint32_t kind;
    struct free_obj *next;
};

_Static_assert(sizeof(struct free_obj) == sizeof(struct xhdr), "same shape");

static struct free_obj *class_free[MAX_CLASS + 1];
static DEFINE_SPINLOCK(xmalloc_lock);

void *alloc_xenheap_pages(unsigned int order, unsigned int memflags)
{
    struct page_info *pg = alloc_pages(order, memflags);
    void *va;

    if (!pg)
        return NULL;
    for (unsigned long i = 0; i < (1UL << order); i++)
        pg[i].count_info = (pg[i].count_info & ~PGC_need_scrub) | PGC_xen_heap;
    va = mfn_to_virt(page_to_mfn(pg));
    if (!(memflags & MEMF_no_zero))
        memset(va, 0, PAGE_SIZE << order);
    return va;
}

void free_xenheap_pages(void *va, unsigned int order)
{
    struct page_info *pg;

    if (!va)
        return;
    pg = mfn_to_page(virt_to_mfn(va));
    for (unsigned long i = 0; i < (1UL << order); i++)
        pg[i].count_info = (pg[i].count_info & ~PGC_xen_heap) | PGC_need_scrub;
    free_pages(pg, order);
}

static unsigned int size_class(size_t total)
{
    unsigned int c = MIN_CLASS;

    while ((1UL << c) < total)
        c++;
    return c;
}

static void *alloc_small(unsigned int c)
{
    unsigned long f = spin_lock_irqsave(&xmalloc_lock);
    struct free_obj *o = class_free[c];

    if (!o) {
        char *page = alloc_xenheap_pages(0, MEMF_no_zero);
        if (!page) {
            spin_unlock_irqrestore(&xmalloc_lock, f);
            return NULL;
        }
        for (size_t off = PAGE_SIZE; off >= (1UL << c); off -= 1UL << c) {
            struct free_obj *n = (void *)(page + off - (1UL << c));
            *n = (struct free_obj){ XFREE_MAGIC, c, class_free[c] };
            class_free[c] = n;
        }
        o = class_free[c];
    }
    class_free[c] = o->next;
    spin_unlock_irqrestore(&xmalloc_lock, f);
    return o;
}

void *xmalloc_bytes(size_t size)
{
    size_t total = size + sizeof(struct xhdr);
    struct xhdr *h;
    uint32_t kind;

    if (total <= (1UL << MAX_CLASS)) {
        kind = size_class(total);
        h = alloc_small(kind);
    } else {
        unsigned int order = 0;
        while ((PAGE_SIZE << order) < total)
            order++;
        kind = LARGE | order;
        h = alloc_xenheap_pages(order, MEMF_no_zero);
    }
    if (!h)
        return NULL;
    *h = (struct xhdr){ XMALLOC_MAGIC, kind, size };
    return h + 1;
}

void *xzalloc_bytes(size_t size)
{
    void *p = xmalloc_bytes(size);

    if (p)
        memset(p, 0, size);
    return p;
}

void xfree(void *p)
{
    struct xhdr *h = (struct xhdr *)p - 1;
    unsigned long f;

    if (!p)
        return;
    if (h->magic != XMALLOC_MAGIC)
        panic("xfree(%p): %s", p, h->magic == XFREE_MAGIC ? "double free"
                                                         : "not from xmalloc");
    h->magic = XFREE_MAGIC;
    /* A use after free then reads nonsense (non-canonical pointers)
     * rather than what was there: it faults where it would go unseen. */
    memset(p, XFREE_POISON, h->size);
    if (h->kind & LARGE) {
        free_xenheap_pages(h, h->kind & ~LARGE);
        return;
    }
    f = spin_lock_irqsave(&xmalloc_lock);
    ((struct free_obj *)h)->next = class_free[h->kind];
    class_free[h->kind] = (struct free_obj *)h;
    spin_unlock_irqrestore(&xmalloc_lock, f);
}
