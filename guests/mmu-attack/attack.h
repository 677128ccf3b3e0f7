/*
 * mmu-attack: a hostile dom0 that breaks the rules of the PV MMU, one
 * attack at a time, and checks that the hypervisor refuses each one and
 * that nothing of it is left behind.
 *
 * An attack records its outcome: refused (with how: Xen's error code, a
 * fault, or what the hypervisor kept) or succeeded (the hypervisor let
 * the rule be broken).  It undoes whatever did happen before returning.
 */
#ifndef MMU_ATTACK_H
#define MMU_ATTACK_H

#include <guest/guest.h>
#include <guest/pt.h>

struct outcome {
    bool done;                  /* refused() or succeeded() was called */
    bool succeeded;
    char how[96];
};

struct attack {
    const char *name;
    void (*run)(struct outcome *o);
};

/* The attack lists, each ended by a NULL name. */
extern const struct attack map_attacks[];
extern const struct attack table_attacks[];
extern const struct attack life_attacks[];
extern const struct attack batch_attacks[];
extern const struct attack ext_attacks[];
extern const struct attack desc_attacks[];

/* ---- outcomes ---------------------------------------------------------- */

void refused(struct outcome *o, const char *fmt, ...) G_PRINTF(2, 3);
void succeeded(struct outcome *o, const char *fmt, ...) G_PRINTF(2, 3);
/* rc < 0: refused with that error; otherwise succeeded. */
void by_rc(struct outcome *o, long rc);
/* "-EINVAL", or "rc 0" */
const char *rc_name(long rc);
/* A problem of the attack's own bookkeeping (not the hypervisor's
 * verdict), reported and counted as a failure. */
void oops(const char *fmt, ...) G_PRINTF(1, 2);

/* ---- the environment (env.c) ------------------------------------------ */

#define NR_SLOTS 4
/* VAs in our image whose mapping attacks may change (restore_slot()). */
extern uint8_t slot_va[NR_SLOTS][G_PAGE_SIZE];
/* One shared queue for the attacks' own, legitimate, table building. */
extern struct g_pt_queue q;

void env_init(void);
/* Frames that are returned by env_release() after each attack. */
uint64_t new_table(void);           /* zeroed, fit to be a page table */
void *new_page(void);               /* zeroed, mapped writable (1:1) */
/* Return every frame taken; false if one was still a page table. */
bool env_release(void);

uint64_t va_mfn(const void *va);
uint64_t own_l4(void);              /* the L4 we run on */
uint64_t own_l1(const void *va);    /* the L1 that maps va */
uint64_t xen_frame(void);           /* a page table of the hypervisor */
uint64_t unowned_frame(void);       /* RAM that is not ours */

/* One update_va_mapping / mmu_update / mmuext_op, unbatched. */
long uvm(const void *va, uint64_t pte);
long mmu1(uint64_t ptr, uint64_t val, unsigned int *done, domid_t dom);
long ext1(unsigned int cmd, uint64_t arg1, uint64_t arg2);
void restore_slot(unsigned int i);  /* slot_va[i] back to its own page */
uint64_t slot_ptr(uint64_t table_mfn, unsigned int slot);

/* Tables built through the queue; 0 on failure (printed). */
uint64_t pinned_table(unsigned int level);
void unpin(uint64_t mfn);
void set_entry(uint64_t table, unsigned int slot, uint64_t val);

/* Is the address space sound?  NULL, or what is wrong. */
const char *health(void);

/* ---- faults (fault.c, probes.S) ---------------------------------------- */

struct fault {
    bool hit;
    unsigned int vector;
    uint64_t error_code, cr2;
};

/* Store val at va / load selector into %fs, catching #PF and #GP. */
void try_store(volatile uint64_t *va, uint64_t val, struct fault *f);
void try_load_fs(uint16_t sel, struct fault *f);
const char *fault_name(const struct fault *f);

void probe_store(volatile uint64_t *va, uint64_t val);
void probe_load_fs(uint64_t sel);
extern char probe_store_fault[], probe_store_resume[];
extern char probe_load_fs_fault[], probe_load_fs_resume[];

#endif /* MMU_ATTACK_H */
