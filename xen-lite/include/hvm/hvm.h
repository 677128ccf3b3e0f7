/*
 * HVM guests: the per-vCPU and per-domain state of the common HVM layer
 * (xen-lite/hvm/) and its interfaces to the rest of the hypervisor.  The
 * hardware back ends and paging modes are in hvm/backend.h.
 */
#ifndef HVM_HVM_H
#define HVM_HVM_H

#include "hvm_op.h"                        /* hypercalls/: params, start info */
#include "asm/desc.h"
#include "hvm/backend.h"
#include "hvm/vlapic.h"
#include "xen/spinlock.h"
#include "xen/types.h"

struct vcpu;
struct domain;
struct cpu_user_regs;

struct hvm_vcpu {
    void *hw;                           /* the back end's (VMCB, VMCS) */
    struct hvm_exit exit;               /* the last exit, decoded */
    struct hvm_hw_paging paging;        /* what the paging mode set */
    struct vlapic vlapic;
    bool initialised;                   /* has a context to start from */
    bool hcall_preempted;               /* the hypercall continues: stay on it */
    uint8_t upcall_vector;              /* HVMOP_set_evtchn_upcall_vector; 0: none */
    void *paging_state;                 /* the paging mode's (shadow) */
};

/* The emulated 16550 at COM1 (hvm/vuart.c). */
#define VUART_LINE_MAX  128
struct vuart {
    uint8_t ier, lcr, mcr, scr, dll, dlm;
    unsigned int len;                   /* output collected up to a newline */
    char line[VUART_LINE_MAX];
};

struct hvm_domain {
    spinlock_t console_lock;            /* COM1 and port 0xe9 */
    uint64_t params[HVM_NR_PARAMS];
    uint8_t callback_vector;            /* HVM_PARAM_CALLBACK_IRQ vector; 0: none */
    const struct hvm_paging *paging;
    void *hw;                           /* the back end's per-domain state */
    void *paging_state;                 /* the paging mode's (shadow) */
    struct vuart com1;
    unsigned int dbg_len;               /* port 0xe9, up to a newline */
    char dbg_line[VUART_LINE_MAX];
};

/* ---- hvm/hvm.c ---- */
void hvm_init(void);                    /* boot CPU: pick the back end */
void hvm_cpu_up(unsigned int cpu);
bool hvm_available(void);
bool hvm_hap_available(void);
bool hvm_shadow_available(void);
/* Make d an HVM domain (before its vCPUs): paging mode, p2m, back end. */
int hvm_domain_init(struct domain *d, bool hap);
void hvm_domain_relinquish(struct domain *d);
/* The paging mode's pool in bytes, read or set (domctl paging_mempool). */
long hvm_paging_mempool(struct domain *d, uint64_t *bytes, bool set);
void hvm_domain_destroy(struct domain *d);
unsigned long hvm_paging_audit_all(void);
/* An event or interrupt is waiting for v (SCHEDOP_block, HLT). */
bool hvm_local_events_need_delivery(struct vcpu *v);
/* Event channels signalled v (vcpu_mark_events_pending). */
void hvm_assert_evtchn_irq(struct vcpu *v);
/* Kill the domain for something its vCPU did: one line says why. */
void hvm_crash(struct vcpu *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hvm_show_state(struct vcpu *v);
void hvm_inject_exception(struct vcpu *v, uint8_t vector, int error);
#define hvm_inject_gp(v)    hvm_inject_exception(v, TRAP_gp_fault, 0)
#define hvm_inject_ud(v)    hvm_inject_exception(v, TRAP_invalid_op, -1)
void hvm_advance_rip(struct vcpu *v);

/* ---- hvm/cr.c: control registers, checked as the hardware would (false: #GP) ---- */
bool hvm_set_cr(struct vcpu *v, unsigned int cr, uint64_t val);
bool hvm_set_efer(struct vcpu *v, uint64_t val);
uint64_t hvm_get_reg(struct vcpu *v, enum hvm_reg r);
void hvm_update_paging(struct vcpu *v);
bool hvm_emulate_cr_access(struct vcpu *v, struct cpu_user_regs *regs);

/* ---- hvm/exit.c ---- */
void hvm_handle_exit(struct vcpu *v, struct cpu_user_regs *regs);
/* ---- hvm/cpuid.c, msr.c, io.c ---- */
uint64_t hvm_cr4_allowed(void);         /* the CR4 bits the CPUID shown offers */
void hvm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, struct cpu_user_regs *regs);
void hvm_msr_access(struct vcpu *v, struct cpu_user_regs *regs, bool write);
void hvm_io(struct vcpu *v, struct cpu_user_regs *regs);
/* ---- hvm/vuart.c ---- */
void vuart_io(struct domain *d, uint16_t reg, bool in, uint32_t *val);
void hvm_debug_putc(struct domain *d, char c);
void hvm_console_flush(struct domain *d);
/* ---- hvm/hypercall.c ---- */
void hvm_hypercall(struct vcpu *v, struct cpu_user_regs *regs);
long hvm_hypercall_nr(unsigned long nr, const unsigned long *args);
void hvm_write_hypercall_page(void *page);
/* ---- hvm/guest_access.c ---- */
unsigned long hvm_copy_from_guest(void *dst, unsigned long va, unsigned long len);
unsigned long hvm_copy_to_guest(unsigned long va, const void *src, unsigned long len);
unsigned long hvm_clear_guest(unsigned long va, unsigned long len);
/* The current vCPU's next instruction (bytes at CS:RIP); the bytes not read. */
unsigned long hvm_fetch_insn(void *dst, unsigned long len);
/* Guest-physical memory of d (the builders, the hypercall page, devices). */
int hvm_copy_to_gpa(struct domain *d, uint64_t gpa, const void *src, size_t len);
int hvm_copy_from_gpa(struct domain *d, uint64_t gpa, void *dst, size_t len);
/* The RAM frame at gfn of d, referenced until hvm_unmap_gfn; NULL: none. */
struct page_info;
void *hvm_map_gfn(struct domain *d, unsigned long gfn, struct page_info **pg);
void hvm_unmap_gfn(struct page_info *pg);
/* ---- hvm/vcpu_context.c ---- */
int hvm_set_vcpu_context(struct vcpu *v, const struct vcpu_hvm_context *c);
/* ---- hvm/pvh_build.c ---- */
struct boot_module;
void construct_pvh_dom0(const struct boot_module *kern, const struct boot_module *initrd);

#endif
