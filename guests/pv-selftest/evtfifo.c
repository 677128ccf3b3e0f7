/*
 * The FIFO event-channel ABI, as Xen 4.17 answers it.  It runs last: once
 * a domain has a control block its events no longer reach the 2-level
 * bits the guest library reads, and only EVTCHNOP_reset (which closes
 * every port) goes back.  Checked: the sub-ops' errors before and after
 * the switch, a raised port that is masked stays pending and unlinked,
 * unmask links it as the head of its priority's queue with the ready bit,
 * a second port links after it through the first's LINK field,
 * priorities beyond 15 are refused, and a page-table frame or a frame
 * beyond memory is refused as a control block or event-array page.
 */
#include "selftest.h"

#define PENDING (1u << EVTCHN_FIFO_PENDING)
#define MASKED  (1u << EVTCHN_FIFO_MASKED)
#define LINKED  (1u << EVTCHN_FIFO_LINKED)

static long fifo_op(int cmd, void *arg)
{
    return hc_event_channel_op(cmd, arg);
}

static long init_control(const void *page, uint32_t offset, uint32_t vcpu, uint8_t *bits)
{
    struct evtchn_init_control ic = { .control_gfn = g_virt_to_mfn(page), .offset = offset,
                                      .vcpu = vcpu };
    long rc = fifo_op(EVTCHNOP_init_control, &ic);

    *bits = ic.link_bits;
    return rc;
}

static uint64_t l4_mfn(void)
{
    uint64_t cr3;

    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    return cr3 >> 12;
}

static long set_priority(evtchn_port_t port, uint32_t prio)
{
    struct evtchn_set_priority sp = { .port = port, .priority = prio };

    return fifo_op(EVTCHNOP_set_priority, &sp);
}

/* The errors a guest gets before it has switched. */
static const char *before_the_switch(const void *cb_page, evtchn_port_t port)
{
    struct evtchn_expand_array ea = { .array_gfn = g_virt_to_mfn(cb_page) };
    uint8_t bits;
    long rc;

    if ((rc = fifo_op(EVTCHNOP_expand_array, &ea)) != -XEN_EOPNOTSUPP)
        return why("expand_array before init_control: %ld", rc);
    if ((rc = set_priority(port, 3)) != -XEN_ENOSYS)
        return why("set_priority on the 2-level ABI: %ld", rc);
    if ((rc = init_control(cb_page, 4, 0, &bits)) != -XEN_EINVAL)
        return why("init_control at offset 4: %ld", rc);
    if ((rc = init_control(cb_page, 4096 - 64, 0, &bits)) != -XEN_EINVAL)
        return why("init_control crossing the page: %ld", rc);
    if ((rc = init_control(cb_page, 0, 999, &bits)) != -XEN_ENOENT)
        return why("init_control for vCPU 999: %ld", rc);
    struct evtchn_init_control ic = { .control_gfn = l4_mfn() };
    if ((rc = fifo_op(EVTCHNOP_init_control, &ic)) != -XEN_EINVAL)
        return why("init_control on our L4 table: %ld", rc);
    return NULL;
}

static const char *queues(struct evtchn_fifo_control_block *cb, event_word_t *words,
                          evtchn_port_t a, evtchn_port_t b)
{
    long rc;

    g_evtchn_send(b);                   /* raises a: masked, so only pending */
    if (words[a] != (MASKED | PENDING) || cb->ready)
        return why("masked raise: word 0x%x, ready 0x%x", words[a], cb->ready);
    struct evtchn_unmask um = { .port = a };
    if ((rc = fifo_op(EVTCHNOP_unmask, &um)))
        return why("unmask: %ld", rc);
    if (words[a] != (PENDING | LINKED) || cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT] != a ||
        cb->ready != 1u << EVTCHN_FIFO_PRIORITY_DEFAULT)
        return why("after unmask: word 0x%x, head %u, ready 0x%x", words[a],
                   cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], cb->ready);
    words[b] &= ~MASKED;                /* as a guest unmasks: no hypercall */
    g_evtchn_send(a);                   /* raises b: linked after a */
    if ((words[a] & EVTCHN_FIFO_LINK_MASK) != b || words[b] != (PENDING | LINKED) ||
        cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT] != a)
        return why("second event: a's word 0x%x, b's 0x%x, head %u", words[a], words[b],
                   cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT]);
    if ((rc = set_priority(a, 16)) != -XEN_EINVAL || (rc = set_priority(a, 0)))
        return why("set_priority 16 / 0: %ld", rc);
    return NULL;
}

static const char *fifo_abi(void)
{
    struct evtchn_expand_array ea;
    uint8_t *cb_page = g_page_alloc_mapped();
    event_word_t *words = g_page_alloc_mapped();
    struct evtchn_fifo_control_block *cb;
    int a = -1, b = -1;
    uint8_t bits = 0;
    const char *r;
    long rc;

    if (!cb_page || !words)
        return why("no pages");
    a = g_evtchn_alloc_unbound(DOMID_SELF);
    b = a < 0 ? a : g_evtchn_bind_interdomain(DOMID_SELF, (evtchn_port_t)a);
    if (a < 0 || b < 0)
        return why("loopback ports: %d %d", a, b);
    if ((r = before_the_switch(cb_page, (evtchn_port_t)a)))
        return r;
    /* Events stop reaching the 2-level bits here: none delivered now. */
    g_this_vcpu_info()->evtchn_upcall_mask = 1;
    memset(cb_page, 0, 4096);
    cb = (void *)(cb_page + 64);
    if ((rc = init_control(cb_page, 64, 0, &bits)) || bits != EVTCHN_FIFO_LINK_BITS)
        return why("init_control: %ld, link_bits %u", rc, bits);
    if ((rc = init_control(cb_page, 128, 0, &bits)) != -XEN_EINVAL)
        return why("a second init_control for vCPU 0: %ld", rc);
    for (unsigned int i = 0; i < 1024; i++)
        words[i] = MASKED;
    ea.array_gfn = g_virt_to_mfn(words);
    ea.array_gfn = l4_mfn();
    if ((rc = fifo_op(EVTCHNOP_expand_array, &ea)) != -XEN_EINVAL)
        return why("expand_array with our L4 table: %ld", rc);
    ea.array_gfn = 1ull << 40;
    if ((rc = fifo_op(EVTCHNOP_expand_array, &ea)) != -XEN_EINVAL)
        return why("expand_array with a frame beyond memory: %ld", rc);
    ea.array_gfn = g_virt_to_mfn(words);
    if ((rc = fifo_op(EVTCHNOP_expand_array, &ea)))
        return why("expand_array: %ld", rc);
    return queues(cb, words, (evtchn_port_t)a, (evtchn_port_t)b);
}

const struct check fifo_checks[] = {
    { "evtchn_fifo_init_expand_link_priority", fifo_abi },
    { NULL, NULL },
};
