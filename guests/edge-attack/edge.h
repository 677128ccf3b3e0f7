/*
 * edge-attack: a hostile guest that goes for the edges of the PV
 * interface -- the way back from the hypervisor (return addresses at the
 * end of the lower half, iret frames, bounces onto bad stacks), the vCPU
 * context VCPUOP_initialise takes, hypercall continuations and races
 * between vCPUs -- one attack at a time.
 *
 * Each attack reaches a verdict: refused (with Xen's error code, a fault
 * delivered to the guest, or what the hypervisor kept instead) or
 * SUCCEEDED (the hypervisor took what it must not).  A few attacks can
 * only end with the hypervisor crashing this guest; they run one per
 * domain (command line crash=<name>) and never as dom0.
 */
#ifndef EDGE_ATTACK_H
#define EDGE_ATTACK_H

#include <guest/guest.h>
#include <guest/pt.h>

struct outcome {
    bool done, succeeded, skipped;
    char how[112];
};

struct attack {
    const char *name;
    void (*run)(struct outcome *o);
};

/* The lists, each ended by a NULL name. */
extern const struct attack exit_attacks[];      /* exits.c */
extern const struct attack context_attacks[];   /* context.c */
extern const struct attack misc_attacks[];      /* misc.c */
extern const struct attack ref_attacks[];       /* refs.c */
extern const struct attack peer_attacks[];      /* peers.c: dom0 only */
extern const struct attack crash_attacks[];     /* crash.c: one per domain */

void refused(struct outcome *o, const char *fmt, ...) G_PRINTF(2, 3);
void succeeded(struct outcome *o, const char *fmt, ...) G_PRINTF(2, 3);
void skipped(struct outcome *o, const char *fmt, ...) G_PRINTF(2, 3);
/* rc < 0 must be want (0: any error): refused; otherwise succeeded. */
void expect_error(struct outcome *o, long rc, long want);
const char *err_name(long rc);

/* ---- the edge of the lower half (edge.c, probes.S) --------------------- */

#define EDGE_END    0x0000800000000000ull   /* first non-canonical address */
#define EDGE_PAGE   (EDGE_END - G_PAGE_SIZE)

/* Map a page of ours at EDGE_PAGE (once); its 1:1 address, or NULL. */
uint8_t *edge_page(void);

/* What a fault the guest arranged for looked like. */
struct fault {
    bool hit;
    unsigned int vector;
    uint64_t error_code, rip;
};

/* Jump to target with rax and rdi set; resume after the #GP (or #PF, #UD)
 * the code there ends in.  Returns rax as the code left it. */
uint64_t edge_call(uint64_t target, uint64_t rax, uint64_t rdi, struct fault *f);
uint64_t edge_jump(uint64_t target, uint64_t rax, uint64_t rdi);
extern char edge_resume[];

/* Load rsp (and the iret frame there) and enter the iret stub / int3 /
 * a hypercall with events unmasked: none of these come back. */
G_NORETURN void iret_frame_at(const uint64_t *frame);
G_NORETURN void int3_on_stack(uint64_t rsp);
G_NORETURN void upcall_on_stack(uint64_t rsp, volatile uint8_t *upcall_mask);

/* ---- vCPUs ----------------------------------------------------------- */

/* The domain's vCPUs; 1..NR_HELPERS are up (main.c), the rest down. */
#define NR_HELPERS 2
extern unsigned int nr_vcpus;

#endif /* EDGE_ATTACK_H */
