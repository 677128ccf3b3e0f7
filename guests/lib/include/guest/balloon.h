/*
 * The balloon driver: gives memory back to the hypervisor and takes it
 * back, following a target set by dom0 (or by the guest itself).
 *
 * Down: free pages are taken from the page allocator, highest PFN first,
 * never from the 1:1 bootstrap region and never the last
 * BALLOON_KEEP_FREE; their physmap entries are
 * cleared (one mmu_update per 512 pages, then one TLB flush), their
 * frames scrubbed (MMUEXT_CLEAR_PAGE) unless the hypervisor zeroes freed
 * frames itself, as xen-lite does, their p2m entries marked invalid, and
 * the frames returned with XENMEM_decrease_reservation: a whole 2 MiB
 * extent (order 9) where 512 aligned free PFNs hold one aligned machine
 * extent (as populate_physmap or the builder gave it), else up to 512
 * single pages a call.  A 2 MiB extent that cannot go is taken back and
 * single pages go until the next target.
 *
 * Up: missing PFNs, lowest first, are populated with
 * XENMEM_populate_physmap -- one 2 MiB extent (order 9) for each
 * 512-aligned run of 512 missing PFNs, single pages otherwise -- then
 * their p2m entries set, their M2P entries fixed where the hypervisor did
 * not already set them (MMU_MACHPHYS_UPDATE), mapped in the physmap and
 * handed to the page allocator.  Once a 2 MiB extent is refused the
 * driver asks for single pages until the next target.
 *
 * Failure is never fatal: what was done is kept, the rest is retried by
 * a later balloon_work() (after a back-off when the hypervisor had no
 * memory), and balloon_status() says why the target is not reached.
 *
 * Without a physmap the driver works on the PFNs below start_info's
 * nr_pages; with one it can grow up to the PFNs the physmap covers (and
 * the hypervisor's maximum reservation).  Not reentrant: call it from one
 * vCPU at a time (a second caller gets -XEN_EBUSY).
 */
#ifndef GUEST_BALLOON_H
#define GUEST_BALLOON_H

#include <stdbool.h>
#include <stdint.h>

/* Back-off after the hypervisor refused memory, in ns. */
#define BALLOON_RETRY_NS   (1000ull * 1000 * 1000)
/* Pages per step: one decrease or populate call. */
#define BALLOON_BATCH      512u
/* Free pages the driver always leaves the guest, whatever the target. */
#define BALLOON_KEEP_FREE  256u

struct balloon_stats {
    uint64_t hypercalls;        /* every hypercall the driver made */
    uint64_t memory_ops;        /* of them, memory_op calls */
    uint64_t pages_out, pages_in;
    uint64_t extents_2m;        /* order-9 extents populated */
    uint64_t extents_2m_out;    /* ... and given back */
    uint64_t refused;           /* pages asked for and not given */
    uint64_t failures;          /* steps that did less than asked */
};

enum balloon_state {
    BALLOON_REACHED,            /* holding the target */
    BALLOON_WORKING,            /* moving toward it */
    BALLOON_NO_FREE_PAGES,      /* down: nothing free left to give */
    BALLOON_NO_HOST_MEMORY,     /* up: the hypervisor refused; will retry */
    BALLOON_AT_LIMIT,           /* up: no PFN left to populate */
    BALLOON_ERROR,              /* a hypercall failed unexpectedly */
};

/* Learn what the guest holds; max_pfn bounds growth (0: as far as the
 * physmap and the maximum reservation allow).  0 or -XEN_E*. */
int balloon_init(uint64_t max_pfn);

/* The most pages the guest may hold: the hypervisor's maximum
 * reservation, or the top of the RAM in the memory map the toolstack set
 * if that is lower (xl's maxmem). */
uint64_t balloon_max_pages(void);

/* Scrub frames before giving them back: on by default unless the
 * hypervisor is xen-lite (which zeroes them before reuse). */
void balloon_set_scrub(bool on);
bool balloon_scrubs(void);

/* Set the target (pages the guest should hold) and work toward it until
 * it is reached or nothing more can be done now.  Returns 0 when reached,
 * -XEN_EAGAIN when not (see balloon_status), -XEN_EBUSY if in use. */
int balloon_set_target(uint64_t pages);

/* Only set the target; balloon_work() moves toward it. */
int balloon_request(uint64_t pages);

/* Work toward the target for at most budget pages (0: no limit), unless
 * backing off.  Returns as balloon_set_target. */
int balloon_work(uint64_t budget);
/* When balloon_work() has something to do again (system time in ns): 0
 * once the target is reached, now while working, else when the back-off
 * ends (a target out of reach is retried every BALLOON_RETRY_NS). */
uint64_t balloon_retry_at(void);

/*
 * Following dom0 (balloon_xs.c): watch memory/target (KiB) in xenstore
 * and report memory/actual-kb and memory/free-kb.  Start once (0, or
 * -XEN_ENODEV without a store); then call balloon_follow_poll() from the
 * idle loop, whenever xenstore events have run and when the time it
 * returns comes (0: nothing to do until the next event).
 */
int balloon_follow_start(void);
uint64_t balloon_follow_poll(void);
/* Never follow (a test guest playing uncooperative): g_idle() then does
 * not balloon, and balloon_follow_start() returns -XEN_EPERM. */
void balloon_follow_refuse(void);

uint64_t balloon_target(void);
uint64_t balloon_current_pages(void);   /* pages with a frame */
uint64_t balloon_free_pages(void);      /* of those, free in the allocator */
uint64_t balloon_limit(void);           /* most pages it could hold */
enum balloon_state balloon_status(void);
const char *balloon_state_name(enum balloon_state s);
const struct balloon_stats *balloon_stats(void);

#endif /* GUEST_BALLOON_H */
