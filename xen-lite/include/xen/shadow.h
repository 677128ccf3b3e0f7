/*
 * Shadow paging: for an HVM guest without nested paging (hap = 0, or a
 * CPU without NPT/EPT) the MMU walks tables the hypervisor builds -- the
 * shadows -- that map the guest's virtual addresses straight to machine
 * frames, combining the guest's own tables (virtual -> guest-physical)
 * with the p2m (guest-physical -> machine).
 *
 * The guest's page-table frames are kept read-only in the shadows, so
 * every change the guest makes to them faults and is emulated
 * (shadow_emulate_write), keeping the shadows exact; every other page
 * fault is sorted by shadow_page_fault into one the shadows can satisfy
 * (filled from the guest's entry and the p2m, the guest's accessed and
 * dirty bits set as the hardware would), and one the guest must see.
 *
 * Shadows are cached by the guest table's gfn and kind, so switching back
 * to an address space finds its tree again; top-level shadows stay pinned
 * (least recently used first out) while the pool has room.  The pool is
 * per domain, sized by shadow_memory; a reverse map from machine frames
 * to the shadow entries mapping them lets a p2m change drop every one.
 *
 * Everything in hvm/shadow/ is pure and runs under the caller's lock
 * (struct shadow_domain.lock); what it needs from the machine is below
 * under "supplied by the hypervisor" (hvm/shadow_glue.c or, for the host
 * unit tests, tests/unit/fake_p2m.c).
 */
#ifndef XEN_SHADOW_H
#define XEN_SHADOW_H

#include "arch_x86.h"
#include "xen/spinlock.h"
#include "xen/types.h"

#define SH_NIL              0xffffffffU
#define SH_INVALID_MFN      (~0UL)

/* Page-fault error code bits (Intel SDM vol. 3 §4.7, AMD APM vol. 2 §8.4.2). */
#define PFEC_PRESENT        (1U << 0)
#define PFEC_WRITE          (1U << 1)
#define PFEC_USER           (1U << 2)
#define PFEC_RSVD           (1U << 3)
#define PFEC_FETCH          (1U << 4)

/* Guest control-register bits the walk honours (SDM vol. 3 §2.5, §4.1.3). */
#define SH_CR0_WP           (1UL << 16)
#define SH_CR0_PG           (1UL << 31)
#define SH_CR4_PSE          (1UL << 4)
#define SH_CR4_PAE          (1UL << 5)
#define SH_CR4_PGE          (1UL << 7)
#define SH_CR4_SMEP         (1UL << 20)
#define SH_CR4_SMAP         (1UL << 21)
#define SH_EFER_LME         (1UL << 8)
#define SH_EFER_LMA         (1UL << 10)
#define SH_EFER_NXE         (1UL << 11)
#define SH_RFLAGS_AC        (1UL << 18)

/* How a vCPU's guest translates addresses, and so what it runs on. */
enum shadow_mode {
    SH_MODE_UNPAGED,                    /* CR0.PG = 0: a 1:1 map of the p2m (PAE) */
    SH_MODE_LONG,                       /* 4-level paging: shadows of its tables */
    SH_MODE_UNSUPPORTED,                /* 32-bit paging: the domain is crashed */
};

struct shadow_stats {
    unsigned long faults_fixed;         /* filled from the guest's entries */
    unsigned long faults_guest;         /* reflected into the guest */
    unsigned long emulations;           /* guest page-table writes emulated */
    unsigned long unshadows;            /* guest frames no longer treated as tables */
    unsigned long cr3_switches, cr3_cache_hits;
    unsigned long evictions;            /* pinned top levels dropped for room */
    unsigned long blowups;              /* every shadow dropped for room */
    unsigned long flushes;              /* shadow_flush_tlbs() calls */
    unsigned long rmap_drops;           /* entries dropped for p2m changes */
    unsigned long large_leaves;         /* 2 MiB shadow entries made */
    unsigned long splinters;            /* guest large pages shadowed by 4 KiB */
};

struct sh_page;
struct sh_region;

struct shadow_domain {
    spinlock_t lock;                    /* the caller's: held around every call */
    unsigned int nr_vcpus;
    struct shadow_vcpu **vcpus;         /* [nr_vcpus], NULL until attached */
    unsigned int paddr_bits;            /* the guest's MAXPHYADDR (CPUID 8000_0008) */
    /* The pool: pages[0, nr_pages) have frames, the rest are spare metadata. */
    struct sh_page *pages;
    uint32_t capacity, nr_pages, nr_free, nr_pending;
    uint32_t free_head, pending_head;   /* pending: freed, TLBs not yet flushed */
    uint32_t lru_head, lru_tail;        /* pinned top levels, oldest first */
    uint32_t nr_pinned, peak_used;
    /* Hash tables (power-of-two sizes, mask = size - 1). */
    uint32_t *mfn_hash, mfn_mask;       /* pool frame -> page (open addressing) */
    uint32_t *gfn_hash, gfn_mask;       /* guest gfn -> chain of its shadows */
    uint32_t *rmap, rmap_mask;          /* machine frame -> chain of leaf entries */
    struct sh_region *regions;          /* 2 MiB region -> page tables inside */
    uint32_t region_mask, nr_regions;
    bool need_flush;                    /* a writable mapping was taken away */
    struct shadow_stats stats;
    void *owner;                        /* the domain, for the hooks */
};

/* A vCPU's view of its paging state, and the shadow it runs on. */
struct shadow_vcpu {
    uint64_t cr0, cr3, cr4, efer;       /* as the guest set them */
    enum shadow_mode mode;
    uint32_t root;                      /* the loaded top-level shadow, SH_NIL */
};

/* ---- supplied by the hypervisor (or the unit tests' fakes) ---- */
/* A zeroed frame for the pool, below 4 GiB if asked; 0 if none. */
unsigned long shadow_host_alloc(struct shadow_domain *sd, bool below_4g);
void shadow_host_free(struct shadow_domain *sd, unsigned long mfn);
/*
 * The machine frame of RAM gfn, or SH_INVALID_MFN if gfn is not the
 * domain's RAM.  *order: the size of the p2m entry holding it (0, 9, 18);
 * *writable: whether the guest may write it.
 */
unsigned long shadow_p2m_lookup(struct shadow_domain *sd, unsigned long gfn,
                                unsigned int *order, bool *writable);
/* Every vCPU of the domain drops its TLB entries; returns when they have. */
void shadow_flush_tlbs(struct shadow_domain *sd);
/* A frame's contents: pt_map_frame() of xen/pv_mm.h. */

/* ---- the pool (hvm/shadow/pool.c) ---- */
/* The pages a domain needs at least (Xen: 1 MiB per vCPU + 2 pages per MiB of RAM). */
unsigned long shadow_min_pages(unsigned int vcpus);
unsigned long shadow_default_pages(unsigned long ram_mib, unsigned int vcpus);
int shadow_domain_init(struct shadow_domain *sd, unsigned int vcpus, void *owner);
/* vCPU i runs on sv from now on (shadow_vcpu_init first). */
void shadow_vcpu_attach(struct shadow_domain *sd, unsigned int i, struct shadow_vcpu *sv);
/* Grow or shrink the pool to `pages` (shrinking drops shadows as needed). */
int shadow_set_allocation(struct shadow_domain *sd, unsigned long pages);
/* Drop every shadow and give every pool page back; vCPUs must not run. */
void shadow_teardown(struct shadow_domain *sd);
/* Pages holding shadows and bookkeeping now. */
unsigned long shadow_pages_in_use(const struct shadow_domain *sd);

/* ---- faults and writes (hvm/shadow/fault.c, emulate.c) ---- */
enum shadow_fault {
    SH_FIXED,                           /* the shadows now map it: retry */
    SH_GUEST,                           /* the guest's own fault: inject #PF */
    SH_EMULATE,                         /* a write the hypervisor must perform */
    SH_BAD_GFN,                         /* not the domain's RAM: crash it */
};

struct shadow_fault_info {
    uint32_t pfec;                      /* SH_GUEST: the error code to inject */
    uint64_t cr2;                       /* ... and the address it names */
    unsigned long gfn;                  /* SH_EMULATE, SH_BAD_GFN: the frame */
    bool flush_va;                      /* SH_FIXED: drop the stale TLB entry */
};

/*
 * A #PF at va with hardware error code pfec, on vCPU sv with guest
 * registers r (CPL from cs, AC from rflags).
 */
enum shadow_fault shadow_page_fault(struct shadow_domain *sd, struct shadow_vcpu *sv,
                                    uint64_t va, uint32_t pfec,
                                    const struct cpu_user_regs *r,
                                    struct shadow_fault_info *out);

/* Guest memory as the emulator reads it. */
struct shadow_emul_env {
    bool long_mode_cs;                  /* CS.L: 64-bit code */
    unsigned int cpl;
};

/*
 * Perform the write at va (SH_EMULATE) that the instruction at r->rip
 * makes, keep the shadows in step and advance r.  0 when done (or when
 * the frame was unshadowed instead: the guest then retries the
 * instruction itself, which is also what happens to an instruction the
 * decoder does not know); -XEN_EFAULT if the instruction cannot be read
 * at all: the guest gets the #PF in *out; -XEN_ENXIO if it is not in the
 * domain's RAM (out->gfn); -XEN_EPERM if an unknown instruction writes a
 * top level a vCPU runs on, or a read-only page with CR0.WP clear: the
 * domain must be crashed.
 */
int shadow_emulate_write(struct shadow_domain *sd, struct shadow_vcpu *sv,
                         struct cpu_user_regs *r, const struct shadow_emul_env *env,
                         uint64_t va, unsigned long gfn, struct shadow_fault_info *out);

/* The guest wrote [offset, offset + len) of gfn: bring its shadows up to date. */
void shadow_guest_wrote(struct shadow_domain *sd, unsigned long gfn, unsigned int offset,
                        unsigned int len);

/* ---- control registers (hvm/shadow/mode.c) ---- */
/*
 * The guest set CR0, CR3, CR4 or EFER (already stored in sv): load the
 * shadow that translates for it.  -XEN_ENOMEM only if the pool cannot
 * hold even one root (it is at least shadow_min_pages).
 */
int shadow_update_paging(struct shadow_domain *sd, struct shadow_vcpu *sv);
/* Machine address for the hardware CR3 and the CR0/CR4/EFER it runs with. */
uint64_t shadow_hw_cr3(const struct shadow_domain *sd, const struct shadow_vcpu *sv);
uint64_t shadow_hw_cr0(const struct shadow_vcpu *sv);
uint64_t shadow_hw_cr4(const struct shadow_vcpu *sv, uint64_t host_must);
uint64_t shadow_hw_efer(const struct shadow_vcpu *sv);
/* The guest's INVLPG va: true if the vCPU's TLB entry for va must go. */
bool shadow_invlpg(struct shadow_domain *sd, struct shadow_vcpu *sv, uint64_t va);
void shadow_vcpu_init(struct shadow_vcpu *sv);
/* The vCPU stops using its root (it is being destroyed or reset). */
void shadow_vcpu_release(struct shadow_domain *sd, struct shadow_vcpu *sv);

/* ---- the p2m changed (hvm/shadow/rmap.c) ---- */
/*
 * [gfn, gfn + 2^order), which mapped [mfn, ...), changed in the p2m: drop
 * every shadow entry mapping those frames and every shadow of them as
 * tables.  The caller flushes every vCPU's TLB before the frames may be
 * freed (the p2m's own flush does), as after any p2m change.
 */
void shadow_p2m_changed(struct shadow_domain *sd, unsigned long gfn, unsigned long mfn,
                        unsigned int order);

/* ---- checks (hvm/shadow/audit.c) ---- */
/*
 * Check every shadow against the guest's tables and the p2m, the
 * reference counts, the reverse map and the write protection; returns the
 * number of problems and describes the first in why.
 */
unsigned long shadow_audit(struct shadow_domain *sd, char *why, size_t size);

#endif
