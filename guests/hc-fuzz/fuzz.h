/*
 * hc-fuzz: a PV guest that makes a long, seeded stream of hypercalls
 * with hostile arguments.  The hypervisor must answer each with a result
 * or Xen's error code, or crash this domain -- never itself.
 *
 * Each step a generator (gen_*.c) fills a struct call: the number, the
 * six argument registers, the structures they point at (in an arena of
 * pages the guest keeps for that) and what the call may have broken in
 * the guest's own vCPU state.  main.c issues it, runs its bookkeeping and
 * puts that state back (restore.c), so one stream can go on for
 * thousands of calls; "wild" mode puts nothing back.
 *
 * Values come from pools of the kinds hypervisors get wrong (pools.c):
 * pointers (NULL, small, the hypervisor's range, non-canonical, across the
 * end of a mapping, unaligned, read-only page tables, the M2P area, good
 * structures), counts (0, 1, huge, the preempted bit, ~0), domain ids,
 * event-channel ports, machine frames and page-table entries.
 */
#ifndef HC_FUZZ_H
#define HC_FUZZ_H

#include <guest/guest.h>

/* ---- one call ------------------------------------------------------------ */

/* Guest state a call may have changed, put back after it (restore.c). */
#define DIRTY_TRAPS      (1u << 0)   /* trap table */
#define DIRTY_CALLBACKS  (1u << 1)   /* event, failsafe, syscall callbacks */
#define DIRTY_STACK      (1u << 2)   /* stack_switch */
#define DIRTY_SEGBASE    (1u << 3)   /* FS, GS bases, user GS selector */
#define DIRTY_FPU        (1u << 4)   /* virtual CR0.TS */
#define DIRTY_PERIODIC   (1u << 5)   /* this vCPU's periodic timer */
#define DIRTY_CONSOLE    (1u << 6)   /* wrote to the console: end the line */
#define DIRTY_EVENTS     (1u << 7)   /* may have unmasked events */
#define DIRTY_VMASST     (1u << 8)   /* VM assists */
#define DIRTY_IOPL       (1u << 9)   /* I/O privilege, I/O bitmap */

struct call;
typedef void (*post_fn)(const struct call *c, long rc);

struct call {
    uint64_t nr;
    uint64_t arg[6];
    const char *name;
    uint32_t sub;               /* sub-operation, for traces and tallies */
    uint32_t dirty;             /* DIRTY_* */
    bool must_fail;             /* reads an argument that cannot be read */
    post_fn post;               /* bookkeeping once the result is known */
    uint64_t ctx[4];            /* the generator's data for post */
};

/* The raw hypercall: rax = nr, rdi, rsi, rdx, r10, r8, r9 (call.S). */
long fuzz_syscall(uint64_t nr, const uint64_t arg[6]);

/* ---- configuration and statistics (main.c) ------------------------------ */

struct fuzz_config {
    uint64_t seed;
    uint64_t iters;
    uint64_t progress;          /* a progress line every this many calls */
    uint64_t trace_from;        /* print every call from this iteration */
    bool wild;                  /* nothing restored, iret included */
    bool on_xen;                /* a real Xen: leave out what harms dom0 */
    bool dom0;
    char only[128];             /* comma-separated generator names */
};
extern struct fuzz_config cfg;
extern uint64_t iteration;      /* of the current top-level call */

/* Print one call before it is made, then its result (trace=): a call
 * that never returns is the last one printed. */
void trace_call(const struct call *c, bool in_multicall);
void trace_result(long rc);
/* Count a result for the summary and the anomaly table (tally.c). */
void tally(const struct call *c, long rc);
void print_summary(void);
extern uint64_t total_calls;            /* counted by tally, entries too */
unsigned int distinct_outcomes(void);   /* (number, result) pairs seen */
unsigned int anomaly_count(void);
void note_port_changed(const struct call *c, uint32_t port);

/* ---- randomness (rng.c) ------------------------------------------------- */

void rng_seed(uint64_t seed);
uint64_t rnd(void);
uint64_t rnd_below(uint64_t n);                 /* [0, n) */
bool chance(unsigned int percent);
uint64_t pick(const uint64_t *v, unsigned int n);
/* One of the values (each evaluated, in order, whichever is taken). */
#define PICK(...) ({                                                    \
    const uint64_t v_[] = { __VA_ARGS__ };                              \
    pick(v_, G_ARRAY_SIZE(v_));                                         \
})
void fill_random(void *p, size_t len);

/* ---- the environment (env.c) -------------------------------------------- */

#define NR_SCRATCH   48         /* frames for page-table games */
#define NR_WINDOW    8          /* VAs whose mappings the calls change */
#define NR_CHUNKS    16         /* extents populated by memory_op */
#define NR_PORTS     64         /* ports the calls opened */
#define NR_VICTIMS   4          /* dom0: domains the calls created */
#define NR_SLOTS     48         /* entries of our live tables to write */

/* An entry of one of our live page tables that a call may write: an
 * empty one (anything), or a used one (only its own value again). */
struct live_slot {
    uint64_t table;             /* MFN */
    uint64_t val;               /* what it held at start */
    uint16_t slot;
    uint8_t level;
};

struct env {
    domid_t self;
    uint64_t max_page;          /* XENMEM_maximum_ram_page */
    uint64_t l4, l3, l2, l1;    /* our live page tables (image path) */
    uint64_t window_l1;         /* the L1 mapping the window */
    uint64_t window[NR_WINDOW]; /* VAs */
    uint64_t guard_end;         /* first unmapped byte after a mapped page */
    uint64_t printable;         /* a page of lines of a-z */
    uint64_t randbuf;           /* two pages of random bytes */
    uint64_t scratch[NR_SCRATCH];   /* MFNs, 0 once given back */
    uint64_t chunk_mfn[NR_CHUNKS];  /* populated extents, 0: none */
    unsigned int chunk_order[NR_CHUNKS];
    uint64_t image_mfn;         /* a frame of our own (mapped) image */
    uint64_t randbuf_mfn;
    uint64_t shinfo_mfn;
    uint64_t hv_mfn;            /* a hypervisor page table */
    uint64_t m2p_mfn;           /* a frame of the M2P table */
    uint64_t vinfo_mfn;         /* for VCPUOP_register_vcpu_info */
    uint64_t vinfo_va;
    uint32_t ports[NR_PORTS];   /* 0: free slot */
    uint32_t nr_protected;
    uint32_t protected_ports[32];   /* bound at start: never closed */
    domid_t victims[NR_VICTIMS];    /* 0: none */
    domid_t last_created;           /* highest id of a domain the calls made */
    uint64_t victim_mfn[NR_VICTIMS];
    unsigned int nr_vcpus;
    struct live_slot slots[NR_SLOTS];
    unsigned int nr_slots;
};
extern struct env env;

void env_init(void);
bool port_is_protected(uint32_t port);
uint32_t env_port_changed(void);    /* a protected port rebound, or 0 */
void port_remember(uint32_t port);
void port_forget(uint32_t port);
void scratch_forget(uint64_t mfn);
void chunk_remember(uint64_t mfn, unsigned int order);
/* Domains created by the calls (dom0). */
void victim_remember(domid_t d);
void victim_forget(domid_t d);

/* ---- the arena for argument structures (arena.c) ------------------------ */

void arena_reset(void);
void *arena_alloc(size_t size);     /* 16-aligned, zeroed; never NULL */
void *arena_tail(size_t size);      /* the same, just below the guard */
/* The page right after the arena, unmapped by env_init so that a count
 * that runs past the arena ends in a fault, not in our data. */
void *arena_guard(void);

/* ---- pools of hostile values (pools.c) ---------------------------------- */

#define PTR_READ   0            /* the hypervisor only reads it */
#define PTR_WRITE  1            /* it may write there too */

/* A pointer to good (len bytes), or often a hostile one instead; *bad is
 * set when the one returned can certainly not be used that way. */
uint64_t ptr_to(void *good, size_t len, int use, bool *bad);
/* The good one, or one through which nothing can be read (ptr_exact). */
uint64_t ptr_exact(void *good, bool *bad);
/* A pointer through which nothing can be read. */
uint64_t unreadable_ptr(void);
/* One that stays so whatever the calls map (not NULL). */
uint64_t unmappable_ptr(void);
/* A pointer without a good target (nothing valid to say). */
uint64_t ptr_any(size_t len, int use, bool *bad);
uint64_t count_any(void);           /* 0, 1, small, huge, preempted, ~0 */
uint64_t count_small(unsigned int max);     /* mostly 1..max */
domid_t domid_any(void);
bool domid_is_self(uint64_t d);
uint32_t port_any(bool for_close);  /* never a protected port if for_close */
uint32_t vcpu_any(void);
uint64_t mfn_any(void);             /* any frame, ours or not */
uint64_t mfn_harmless(void);        /* one a destructive op may target */
uint64_t pte_any(unsigned int level);
uint64_t va_any(void);              /* a VA to map or flush */
uint64_t canonical_any(void);       /* addresses for callbacks and traps */
uint64_t u32_any(void);
uint64_t u64_any(void);

/* ---- state (restore.c) --------------------------------------------------- */

void restore_init(void);
void restore(uint32_t dirty);
/* A timer that wakes this vCPU soon, before it blocks or polls. */
void arm_wakeup(void);

/* ---- generators (gen_*.c) ----------------------------------------------- */

typedef void (*gen_fn)(struct call *c);

#define GEN_DOM0   (1u << 0)    /* only when privileged */
#define GEN_WILD   (1u << 1)    /* only in wild mode */
#define GEN_NOMC   (1u << 2)    /* never inside a multicall */

struct generator {
    const char *name;
    gen_fn fn;
    unsigned int weight;
    unsigned int flags;
};

void gen_mmu_update(struct call *c);
void gen_mmuext_op(struct call *c);
void gen_update_va_mapping(struct call *c);
void gen_update_va_mapping_otherdomain(struct call *c);
void gen_memory_op(struct call *c);
void gen_set_trap_table(struct call *c);
void gen_stack_switch(struct call *c);
void gen_set_callbacks(struct call *c);
void gen_callback_op(struct call *c);
void gen_set_segment_base(struct call *c);
void gen_fpu_taskswitch(struct call *c);
void gen_descriptors(struct call *c);
void gen_debugreg(struct call *c);
void gen_vm_assist(struct call *c);
void gen_vcpu_op(struct call *c);
void gen_iret(struct call *c);
void gen_event_channel_op(struct call *c);
void gen_sched_op(struct call *c);
void gen_sched_wait(struct call *c);
void gen_set_timer_op(struct call *c);
void gen_console_io(struct call *c);
void gen_xen_version(struct call *c);
void gen_unimplemented(struct call *c);
void gen_any_number(struct call *c);
void gen_multicall(struct call *c);
void gen_domctl(struct call *c);
void gen_sysctl(struct call *c);
void gen_physdev_op(struct call *c);
void gen_struct_op(struct call *c);

/* The stuck-stream watchdog (watchdog.c): its vCPU, or 0 for none;
 * watchdog_note(NULL) once the stream is over. */
unsigned int watchdog_start(void);
void watchdog_note(const struct call *c);
extern unsigned int watchdog_vcpu;

/* dom0: the audit with no free memory must say it could not run (oom.c);
 * 0 if it did. */
int audit_out_of_memory(void);

/* The well-behaved guest beside the stream (sentinel.c). */
int sentinel_main(void);

/* Pick a generator (in_mc: for a multicall entry) and run it. */
void generate(struct call *c, bool in_mc);

#endif /* HC_FUZZ_H */
