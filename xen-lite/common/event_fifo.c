/*
 * Event channels, Xen's FIFO ABI (event_channel.h): per-port event words in
 * pages the guest hands over (expand_array), per-vCPU control blocks
 * (init_control) with a queue per priority.  The hypervisor keeps each
 * queue's tail; raising an unmasked port that is not yet linked links it
 * after the tail (a compare-and-exchange of the tail word's LINK field,
 * only while that word is still LINKED -- the guest may unlink it at any
 * time) or, for an empty queue, writes it as the head, sets the ready bit
 * and notifies the vCPU.  Everything here runs under the domain's event
 * lock; the guest owns the words and may change them under our feet, so
 * they are only ever read and written atomically, no value read from them
 * is used as an index, and every retry loop is bounded.  The frames stay
 * typed writable (never a page table or descriptor page) while in use.
 */
#include "asm/page.h"
#include "xen/audit.h"
#include "xen/event.h"
#include "xen/event_fifo.h"
#include "xen/lib.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen_errno.h"

#define WORDS_PER_PAGE      (PAGE_SIZE / sizeof(event_word_t))
#define MAX_ARRAY_PAGES     (EVTCHN_FIFO_NR_CHANNELS / WORDS_PER_PAGE)
#define BIT(b)              (1u << (b))
#define SET_LINK_TRIES      4           /* the guest may change a LINKED word 4 ways */

struct fifo_vcpu {
    struct evtchn_fifo_control_block *cb;   /* NULL until init_control */
    evtchn_port_t tail[EVTCHN_FIFO_MAX_QUEUES];
};

struct evtchn_fifo {
    event_word_t *page[MAX_ARRAY_PAGES];
    unsigned int nr_words;
    struct fifo_vcpu vcpu[];            /* [max_vcpus] */
};

static event_word_t *word_of(const struct evtchn_fifo *f, evtchn_port_t port)
{
    if (port >= __atomic_load_n(&f->nr_words, __ATOMIC_ACQUIRE))
        return NULL;
    port = array_index_nospec(port, f->nr_words);
    return f->page[port / WORDS_PER_PAGE] + port % WORDS_PER_PAGE;
}

static bool test_and_set(uint32_t *w, unsigned int bit)
{
    return __atomic_fetch_or(w, BIT(bit), __ATOMIC_SEQ_CST) & BIT(bit);
}

static uint32_t load(const uint32_t *w)
{
    return __atomic_load_n(w, __ATOMIC_SEQ_CST);
}

/*
 * Make the tail's LINK field point at port, if the tail is still LINKED.
 * BUSY (set after a lost race) stops the guest unmasking it meanwhile.
 */
static bool set_link(event_word_t *tail, evtchn_port_t port)
{
    uint32_t old = load(tail);

    for (unsigned int try = 0; try <= SET_LINK_TRIES; try++) {
        uint32_t new = (old & ~(BIT(EVTCHN_FIFO_BUSY) | EVTCHN_FIFO_LINK_MASK)) | port;

        if (!(old & BIT(EVTCHN_FIFO_LINKED))) {
            __atomic_fetch_and(tail, ~BIT(EVTCHN_FIFO_BUSY), __ATOMIC_SEQ_CST);
            return false;               /* the guest took it off: queue empty */
        }
        if (__atomic_compare_exchange_n(tail, &old, new, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST))
            return true;
        if (!try)
            old = __atomic_fetch_or(tail, BIT(EVTCHN_FIFO_BUSY), __ATOMIC_SEQ_CST) |
                  BIT(EVTCHN_FIFO_BUSY);
    }
    /* A guest racing us this long loses the event's link, as on Xen. */
    __atomic_fetch_and(tail, ~BIT(EVTCHN_FIFO_BUSY), __ATOMIC_SEQ_CST);
    return true;
}

/* Put a raised, unmasked, newly LINKED port on v's queue for its priority. */
static void link_port(struct domain *d, struct evtchn *chn, evtchn_port_t port, struct vcpu *v)
{
    struct evtchn_fifo *f = d->evtchn_fifo;
    struct fifo_vcpu *fv = &f->vcpu[v->vcpu_id], *old = &f->vcpu[chn->fifo_last_vcpu];
    unsigned int prio = chn->fifo_priority;
    bool linked = false;

    /* It was the tail of the queue it was last on: that queue is empty now. */
    if (old->tail[chn->fifo_last_priority] == port)
        old->tail[chn->fifo_last_priority] = 0;
    chn->fifo_last_vcpu = v->vcpu_id;
    chn->fifo_last_priority = prio;
    if (fv->tail[prio])
        linked = set_link(word_of(f, fv->tail[prio]), port);
    if (!linked)
        __atomic_store_n(&fv->cb->head[prio], port, __ATOMIC_SEQ_CST);
    fv->tail[prio] = port;
    if (!linked && !test_and_set(&fv->cb->ready, prio))
        vcpu_mark_events_pending(v);
}

bool evtchn_fifo_set_pending(struct domain *d, struct evtchn *chn, evtchn_port_t port)
{
    struct evtchn_fifo *f = d->evtchn_fifo;
    struct vcpu *v = d->vcpu[chn->notify_vcpu_id];
    event_word_t *w = word_of(f, port);
    bool was;

    if (!w) {                           /* no word yet: raised when it comes */
        was = chn->fifo_pending;
        chn->fifo_pending = true;
        return !was;
    }
    was = test_and_set(w, EVTCHN_FIFO_PENDING);
    /* Without a control block the guest cannot have unmasked it: dropped. */
    if (v && f->vcpu[v->vcpu_id].cb && !(load(w) & BIT(EVTCHN_FIFO_MASKED)) &&
        !test_and_set(w, EVTCHN_FIFO_LINKED))
        link_port(d, chn, port, v);
    return !was;
}

void evtchn_fifo_clear_pending(struct domain *d, struct evtchn *chn, evtchn_port_t port)
{
    event_word_t *w = word_of(d->evtchn_fifo, port);

    chn->fifo_pending = false;
    if (w)
        __atomic_fetch_and(w, ~BIT(EVTCHN_FIFO_PENDING), __ATOMIC_SEQ_CST);
}

void evtchn_fifo_unmask(struct domain *d, struct evtchn *chn, evtchn_port_t port)
{
    event_word_t *w = word_of(d->evtchn_fifo, port);

    if (!w)
        return;
    __atomic_fetch_and(w, ~BIT(EVTCHN_FIFO_MASKED), __ATOMIC_SEQ_CST);
    if (load(w) & BIT(EVTCHN_FIFO_PENDING))
        evtchn_fifo_set_pending(d, chn, port);
}

bool evtchn_fifo_is_pending(const struct domain *d, evtchn_port_t port)
{
    const event_word_t *w = word_of(d->evtchn_fifo, port);

    return w && (load(w) & BIT(EVTCHN_FIFO_PENDING));
}

/* ---- the guest's frames ---- */

/* A frame of d, typed writable for as long as it is used here. */
static void *take_frame(struct domain *d, uint64_t gfn)
{
    if (!mfn_valid(gfn) ||
        get_page_and_type(mfn_to_page(gfn), d->domain_id, PGT_writable_page, false))
        return NULL;
    return mfn_to_virt(gfn);
}

static void release_frame(void *va)
{
    if (va)
        put_page_and_type(mfn_to_page(virt_to_mfn((void *)((unsigned long)va & PAGE_MASK))));
}

/* Switch d to FIFO: what the 2-level bits say is pending stays pending. */
static struct evtchn_fifo *fifo_create(struct domain *d, struct evtchn *(*chn_of)(struct domain *,
                                                                                  evtchn_port_t))
{
    struct evtchn_fifo *f = xzalloc_bytes(sizeof(*f) + d->max_vcpus * sizeof(f->vcpu[0]));

    if (!f)
        return NULL;
    for (evtchn_port_t p = 1; p < d->valid_evtchns; p++) {
        struct evtchn *chn = chn_of(d, p);

        chn->fifo_priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
        chn->fifo_pending = test_bit(p, d->shared_info->evtchn_pending);
    }
    return f;
}

long evtchn_fifo_init_control(struct domain *d, struct evtchn_init_control *ic,
                              struct evtchn *(*chn_of)(struct domain *, evtchn_port_t))
{
    struct vcpu *v = domain_vcpu(d, ic->vcpu);
    struct evtchn_fifo *f = d->evtchn_fifo;
    void *frame;

    if (!v)
        return -XEN_ENOENT;
    if (ic->offset > PAGE_SIZE - sizeof(struct evtchn_fifo_control_block) || (ic->offset & 7))
        return -XEN_EINVAL;
    if (is_hvm_domain(d))
        return -XEN_ENOSYS;             /* a translated guest: 2-level only */
    if (f && f->vcpu[v->vcpu_id].cb)
        return -XEN_EINVAL;
    if (!(frame = take_frame(d, ic->control_gfn)))
        return -XEN_EINVAL;
    if (!f && !(f = fifo_create(d, chn_of))) {
        release_frame(frame);
        return -XEN_ENOMEM;
    }
    f->vcpu[v->vcpu_id].cb = (void *)((char *)frame + ic->offset);
    d->evtchn_fifo = f;
    ic->link_bits = EVTCHN_FIFO_LINK_BITS;
    return 0;
}

long evtchn_fifo_expand_array(struct domain *d, uint64_t gfn,
                              struct evtchn *(*chn_of)(struct domain *, evtchn_port_t))
{
    struct evtchn_fifo *f = d->evtchn_fifo;
    unsigned int first, slot;
    void *frame;

    if (!f)
        return -XEN_EOPNOTSUPP;
    first = f->nr_words;
    slot = first / WORDS_PER_PAGE;
    if (slot >= MAX_ARRAY_PAGES)
        return -XEN_ENOSPC;
    if (!(frame = take_frame(d, gfn)))
        return -XEN_EINVAL;
    f->page[slot] = frame;
    __atomic_store_n(&f->nr_words, first + WORDS_PER_PAGE, __ATOMIC_RELEASE);
    /* Ports raised while they had no word are raised now. */
    for (evtchn_port_t p = first; p < f->nr_words && p < d->valid_evtchns; p++) {
        struct evtchn *chn = chn_of(d, p);

        if (chn->fifo_pending) {
            chn->fifo_pending = false;
            evtchn_fifo_set_pending(d, chn, p);
        }
    }
    return 0;
}

long evtchn_fifo_set_priority(struct domain *d, struct evtchn *chn, uint32_t priority)
{
    if (!d->evtchn_fifo)
        return -XEN_ENOSYS;             /* the 2-level ABI has no priorities */
    if (priority > EVTCHN_FIFO_PRIORITY_MIN)
        return -XEN_EINVAL;
    chn->fifo_priority = priority;      /* for the next time it is linked */
    return 0;
}

unsigned int evtchn_fifo_max_refs(const struct domain *d)
{
    return d->max_vcpus + MAX_ARRAY_PAGES;
}

/* The frames held typed writable for d (the auditor runs with d paused). */
unsigned int evtchn_fifo_audit_refs(const struct domain *d, struct audit_ref *refs)
{
    const struct evtchn_fifo *f = d->evtchn_fifo;
    unsigned int n = 0;

    if (!f)
        return 0;
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (f->vcpu[i].cb)
            refs[n++] = (struct audit_ref){ virt_to_mfn(f->vcpu[i].cb), 1 };
    for (unsigned int i = 0; i < MAX_ARRAY_PAGES && f->page[i]; i++)
        refs[n++] = (struct audit_ref){ virt_to_mfn(f->page[i]), 1 };
    return n;
}

/* Back to 2-level (reset, death); the caller holds no lock. */
void evtchn_fifo_destroy(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&d->event_lock);
    struct evtchn_fifo *f = d->evtchn_fifo;

    d->evtchn_fifo = NULL;
    spin_unlock_irqrestore(&d->event_lock, flags);
    if (!f)
        return;
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        release_frame(f->vcpu[i].cb);
    for (unsigned int i = 0; i < MAX_ARRAY_PAGES; i++)
        release_frame(f->page[i]);
    xfree(f);
}
