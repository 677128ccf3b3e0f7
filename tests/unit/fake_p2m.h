/*
 * A fake HVM guest for the shadow-paging tests (hvm/shadow/): a p2m over
 * the frames of fake_frames.h (4 KiB entries and 2 MiB runs, gfns never
 * equal to their mfns), the guest's own page tables built in its
 * guest-physical memory, the hooks shadow paging needs (pool frames come
 * from and go back to the fake frame table, TLB flushes are counted), and
 * a model of the MMU walking the shadows, so a test can make the guest
 * touch an address and see what the hardware and the hypervisor do.
 */
#ifndef FAKE_P2M_H
#define FAKE_P2M_H

#include "fake_frames.h"
#include "xen/shadow.h"

#define FG_MAX_GFN      (1UL << 19)     /* 2 GiB of guest-physical space */
#define FG_VCPUS        2
#define FG_POOL         256             /* default pool pages */

/* Entries as a guest kernel writes them (accessed/dirty left to the MMU). */
#define G_P     _PAGE_PRESENT
#define G_RW    (_PAGE_PRESENT | _PAGE_RW)
#define G_URW   (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)
#define G_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)
#define A_D     (_PAGE_ACCESSED | _PAGE_DIRTY)

#define VA(l4, l3, l2, l1)  (((uint64_t)(l4) << 39) | ((uint64_t)(l3) << 30) | \
                             ((uint64_t)(l2) << 21) | ((uint64_t)(l1) << 12))

struct fake_guest {
    struct shadow_domain sd;
    struct shadow_vcpu v[FG_VCPUS];
    struct cpu_user_regs regs[FG_VCPUS];
    unsigned long flushes;              /* shadow_flush_tlbs calls */
    unsigned long p2m_flushes;          /* the p2m's own, after fg_unmap */
    unsigned long host_frames_at_start;
};
extern struct fake_guest fg;

/* A fresh machine and guest: pool of `pool` pages, vCPUs in long mode off. */
void fg_reset(unsigned long pool);
void fg_teardown(void);

/* ---- the p2m ---- */
unsigned long fg_populate(unsigned long gfn);           /* a fresh frame, 4 KiB entry */
unsigned long fg_populate_2m(unsigned long gfn);        /* aligned run, one 2 MiB entry */
void fg_set_4k_entries(unsigned long gfn);              /* split a 2 MiB entry */
void fg_unmap(unsigned long gfn);                       /* as ballooning does */
unsigned long fg_mfn(unsigned long gfn);
uint64_t *fg_mem(unsigned long gfn);                    /* a guest frame's contents */
unsigned long fg_new_page(void);                        /* a zeroed, populated gfn */

/* ---- the guest's tables ---- */
/* A new empty L4: its gfn. */
unsigned long fg_l4(void);
/*
 * The guest entry for va at `level` under l4, tables made on the way with
 * G_TABLE: write what you like to it.
 */
uint64_t *fg_entry(unsigned long l4, uint64_t va, unsigned int level);
/* Map va -> gfn at level (1: 4 KiB, 2: 2 MiB, 3: 1 GiB) with flags. */
void fg_map(unsigned long l4, uint64_t va, unsigned long gfn, uint64_t flags, unsigned int level);

/* ---- the vCPU ---- */
/* Long mode with CR3 = l4 (CR0.WP on, EFER.NXE on). */
void fg_enter_long(unsigned int vcpu, unsigned long l4);
void fg_unpaged(unsigned int vcpu);

/* ---- the MMU over the shadows ---- */
enum fg_result { FG_OK, FG_GUEST_PF, FG_BAD_GFN, FG_EMULATE };
struct fg_access {
    enum fg_result result;
    unsigned long mfn;                  /* FG_OK: the frame reached */
    uint32_t pfec;                      /* FG_GUEST_PF */
    uint64_t cr2;
    unsigned long gfn;                  /* FG_EMULATE, FG_BAD_GFN */
    unsigned int faults;                /* shadow faults taken on the way */
};
#define A_READ   0
#define A_WRITE  PFEC_WRITE
#define A_USER   PFEC_USER
#define A_FETCH  PFEC_FETCH

/*
 * The guest on vcpu touches va (A_READ | A_WRITE | A_USER | A_FETCH): the
 * MMU walks the shadows; each fault goes to shadow_page_fault, and the
 * access is retried after a fixed one, as the CPU would.
 */
struct fg_access fg_touch(unsigned int vcpu, uint64_t va, uint32_t access);
/* The shadow leaf for va, as the MMU finds it (0 if none). */
uint64_t fg_hw_leaf(unsigned int vcpu, uint64_t va, unsigned int *level);

/*
 * Run one instruction (its bytes, from the code page every L4 of
 * fg_enter_long maps) that writes va, on vcpu: the write must fault into
 * shadow_emulate_write; its result is returned.
 */
int fg_emulate(unsigned int vcpu, const uint8_t *insn, unsigned int len, uint64_t va);
#define FG_CODE_VA      0x7f0000000000ULL

/* Every shadow consistent with the guest and the p2m. */
#define SHADOW_CLEAN()                                                      \
    do {                                                                    \
        char why_[160] = "";                                                \
        unsigned long n_ = shadow_audit(&fg.sd, why_, sizeof(why_));        \
        CHECK(1);                                                           \
        if (n_)                                                             \
            unit_fail(__FILE__, __LINE__, "shadow audit: %lu problems: %s", n_, why_); \
    } while (0)

#endif
