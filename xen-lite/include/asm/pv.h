/*
 * 64-bit paravirtual guests: the per-vCPU CPU state the hypervisor keeps
 * for them, and the interfaces of the PV layer (arch/x86/pv/).
 *
 * A 64-bit PV guest kernel runs in ring 3 like its user space; the
 * hypervisor tracks which of the two is current (kernel_mode), keeps a
 * separate page table for each (guest_table, guest_table_user) and switches
 * between them on the guest's behalf.
 */
#ifndef ASM_PV_H
#define ASM_PV_H

#include "asm/desc.h"
#include "asm/regs.h"
#include "xen/pv_mm.h"
#include "xen/types.h"

/* A pending bounce into the guest kernel (exception, event, syscall). */
struct trap_bounce {
    uint32_t error_code;
    uint8_t flags;                      /* TBF_* */
    uint16_t cs;
    unsigned long eip;
};
#define TBF_EXCEPTION           1       /* deliver an exception ... */
#define TBF_EXCEPTION_ERRCODE   2       /* ... with an error code */
#define TBF_INTERRUPT           8       /* mask events (the virtual IF) */

/* A vCPU's own descriptor tables (arch/x86/pv/descriptors.c). */
struct pv_desc_tables {
    unsigned long gdt_frames[FIRST_RESERVED_GDT_PAGE];  /* descriptor-page refs; 0: none */
    unsigned int gdt_ents;
    unsigned int ldt_ents;
    unsigned long ldt_base;             /* guest linear address */
    unsigned long ldt_frames[LDT_PAGES];                /* descriptor-page refs; 0: none */
};

struct pv_vcpu {
    struct trap_info trap_ctxt[256];    /* the virtual IDT */
    unsigned long kernel_ss, kernel_sp; /* stack_switch */
    unsigned long event_callback, failsafe_callback, syscall_callback;
    bool syscall_disables_events, failsafe_disables_events;

    bool kernel_mode;                   /* guest kernel (vs user) is running */
    unsigned long guest_table;          /* kernel L4 frame (typed ref held) */
    unsigned long guest_table_user;     /* user L4 frame, or 0 */

    unsigned long fs_base, gs_base_kernel, gs_base_user;
    struct pv_desc_tables desc;
    unsigned int iopl;                  /* virtual IOPL 0-3 (PHYSDEVOP_set_iopl) */
    unsigned long iobmp;                /* I/O bitmap (set_iobitmap), guest VA */
    unsigned int iobmp_limit;           /* ports it covers */
    unsigned long ctrlreg4;             /* the guest's view of CR4 */
    unsigned long dr[4], dr6, dr7;      /* debug registers (debugreg.c) */
    unsigned long runstate_area;        /* guest VAs the hypervisor keeps */
    unsigned long time_area;            /* current (arch/x86/pv/areas.c) */
    bool areas_due;                     /* ... when it next enters its kernel */
    bool fpu_dirty_ts;                  /* fpu_taskswitch(1): virtual CR0.TS */

    struct pt_deferred deferred;        /* page-type work left to finish */
    struct page_info *held_l1;          /* L1 a multicall's update_va_mapping keeps */
    long pending_rc;                    /* error to report once it is done */
    unsigned long pending_list;         /* ... for the batch element here */
    struct trap_bounce trap_bounce;
};

struct vcpu;
struct domain;
struct vcpu_guest_context;

/* arch/x86/pv/traps.c */
void pv_trap_init(void);
void pv_inject_exception(struct vcpu *v, unsigned int vector, int error_code);
void pv_inject_page_fault(struct vcpu *v, unsigned long cr2, uint32_t error_code);
int pv_create_bounce_frame(struct vcpu *v, struct cpu_user_regs *regs);
void pv_failsafe_callback(struct vcpu *v, struct cpu_user_regs *regs);
void pv_toggle_guest_mode(struct vcpu *v);
unsigned long pv_guest_cr3(const struct vcpu *v);
void pv_return_to_guest(struct cpu_user_regs *regs);
void pv_vcpu_init_context(struct vcpu *v, unsigned long entry,
                          unsigned long stack, unsigned long start_info);
int pv_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *c);
void pv_vcpu_get_context(struct vcpu *v, struct vcpu_guest_context *c);

/* The VM assists a PV guest may turn on (vm_assist, VCPUOP_initialise). */
#define VM_ASSIST_VALID ((1UL << VMASST_TYPE_4gb_segments) |                \
                         (1UL << VMASST_TYPE_4gb_segments_notify) |         \
                         (1UL << VMASST_TYPE_writable_pagetables) |         \
                         (1UL << VMASST_TYPE_pae_extended_cr3) |            \
                         (1UL << VMASST_TYPE_architectural_iopl) |          \
                         (1UL << VMASST_TYPE_runstate_update_flag) |        \
                         (1UL << VMASST_TYPE_m2p_strict))

/* arch/x86/domain.c: may FXRSTOR load this image without faulting? */
bool fpu_image_ok(const uint8_t *image);

void percpu_syscall_init(unsigned int cpu);
void pv_vcpu_release_tables(struct vcpu *v);

/* mm/pv_mmuext.c: switch the kernel page-table base (mov to cr3). */
long pv_new_guest_cr3(unsigned long mfn);
void pv_load_cr3(struct vcpu *v);

/* arch/x86/pv/areas.c */
void pv_areas_switched(struct vcpu *v);
void pv_time_area_changed(struct vcpu *v);
void pv_areas_kernel_entry(struct vcpu *v);
long pv_register_runstate_area(struct vcpu *v, unsigned long arg);
long pv_register_time_area(struct vcpu *v, unsigned long arg);

/* arch/x86/pv/debugreg.c */
void pv_load_debugregs(const struct vcpu *v);
void pv_unload_debugregs(const struct vcpu *v);
void pv_debug_in_hypervisor(void);
void pv_debug_trap(struct vcpu *v);

/* arch/x86/pv/io.c */
bool pv_iopl_ok(const struct vcpu *v);
bool pv_emulate_io(struct cpu_user_regs *regs, bool in, unsigned int port,
                   unsigned int bytes);
bool pv_emulate_string_io(struct cpu_user_regs *regs, bool in, unsigned int bytes,
                          bool rep, bool addr32, unsigned int len);

/* arch/x86/pv/msr.c */
bool pv_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val);
bool pv_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val);

/* arch/x86/pv/emulate.c: CR4 as the guest sees it, and as the CPU runs it. */
unsigned long pv_fixup_guest_cr4(unsigned long cr4);
void pv_load_cr4(const struct vcpu *v);

/* arch/x86/pv/descriptors.c */
struct audit_ref;
long pv_set_ldt(unsigned long base, unsigned int ents);
void pv_desc_load(struct vcpu *v);
int pv_desc_take_context(struct domain *d, const struct vcpu_guest_context *c,
                         unsigned long l4, struct pv_desc_tables *t);
void pv_desc_put(struct pv_desc_tables *t);
void pv_desc_get_context(const struct vcpu *v, struct vcpu_guest_context *c);
void pv_desc_release(struct vcpu *v);
unsigned int pv_desc_audit_refs(const struct vcpu *v, struct audit_ref *refs);
#define PV_DESC_MAX_REFS (FIRST_RESERVED_GDT_PAGE + LDT_PAGES)
bool pv_iret_descriptor_ok(const struct vcpu *v, uint16_t sel, bool code);

/*
 * May an iret load sel into CS (code) or SS (not code)?  The hypervisor's
 * flat ring-3 selectors -- what nearly every frame holds -- without a
 * call; anything else by its descriptor in the guest's own tables.
 */
static inline bool pv_iret_selector_ok(const struct vcpu *v, uint16_t sel, bool code)
{
    if (code ? sel == FLAT_RING3_CS64 || sel == FLAT_RING3_CS32 : sel == FLAT_RING3_SS64)
        return true;
    return pv_iret_descriptor_ok(v, sel, code);
}
void pv_save_segments(struct vcpu *v);
bool pv_load_segments(const struct vcpu *v);

/* arch/x86/pv/emulate.c */
bool pv_emulate_privileged(struct cpu_user_regs *regs);
bool pv_emulate_forced(struct cpu_user_regs *regs);
void pv_cpuid(uint32_t leaf, uint32_t sub, struct cpu_user_regs *regs);

#endif
