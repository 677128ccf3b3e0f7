/*
 * The guest state the common layer reads and writes (hvm/backend.h), as
 * the VMCS holds it (Intel SDM vol. 3C 24.4): control registers with the
 * bits the hypervisor owns behind read shadows (25.3), EFER with the
 * IA-32e mode entry control that must follow its LMA (24.8.1), segments in
 * VMX's access-rights format, and what the paging mode asks the hardware
 * to walk and intercept.
 */
#include "asm/msr.h"
#include "asm/processor.h"
#include "asm/vmx.h"
#include "xen/lib.h"
#include "xen/sched.h"

#include "vmx.h"

#define EPTP_WB_4LEVEL      (VMX_MEMTYPE_WB | (3 << 3))     /* 24.6.11 */
/* CR0 bits the hardware must have whatever the guest writes. */
#define CR0_FORCED_HAP      X86_CR0_NE
#define CR0_FORCED_SHADOW   (X86_CR0_NE | X86_CR0_PE | X86_CR0_PG)
#define CR_ALL_OWNED        (~0UL)      /* guest/host mask: every bit exits */

/* The guest's view: owned bits from the read shadow, the rest live. */
static uint64_t guest_cr(uint32_t live, uint32_t mask, uint32_t shadow)
{
    uint64_t m = vmread(mask);

    return (vmread(live) & ~m) | (vmread(shadow) & m);
}

uint64_t vmx_get_reg(struct vcpu *v, enum hvm_reg r)
{
    struct vmx_vcpu *s = vmx_use(v);
    uint64_t val = 0;

    switch (r) {
    case HVM_REG_CR0:   val = guest_cr(GUEST_CR0, CR0_GUEST_HOST_MASK, CR0_READ_SHADOW); break;
    case HVM_REG_CR2:   val = s->cr2; break;
    case HVM_REG_CR3:   val = s->own_view ? s->cr3 : vmread(GUEST_CR3); break;
    case HVM_REG_CR4:   val = guest_cr(GUEST_CR4, CR4_GUEST_HOST_MASK, CR4_READ_SHADOW); break;
    case HVM_REG_EFER:  val = s->own_view ? s->efer : vmread(GUEST_IA32_EFER); break;
    case HVM_REG_PAT:   val = vmread(GUEST_IA32_PAT); break;
    case HVM_REG_TSC_OFFSET: val = vmread(TSC_OFFSET); break;
    default:            break;
    }
    vmx_release(v);
    return val;
}

/* IA-32e mode is entered with the entry control, not EFER.LMA (26.3.1.1). */
static void set_efer(uint64_t efer)
{
    uint64_t entry = vmread(VM_ENTRY_CONTROLS);

    vmwrite(GUEST_IA32_EFER, efer);
    vmwrite(VM_ENTRY_CONTROLS, efer & EFER_LMA ? entry | ENTRY_IA32E_MODE
                                               : entry & ~ENTRY_IA32E_MODE);
}

/*
 * Under the paging mode's own values (own_view) the guest's are only
 * recorded: its CR0 and CR4 in the read shadows, which every guest read
 * sees, CR3 and EFER aside.  The mode's update_paging, which follows every
 * change, sets what the hardware runs with (vmx_set_paging).
 */
static bool set_own_value(struct vmx_vcpu *s, enum hvm_reg r, uint64_t val)
{
    if (!s->own_view)
        return false;
    switch (r) {
    case HVM_REG_CR0:   vmwrite(CR0_READ_SHADOW, val); return true;
    case HVM_REG_CR3:   s->cr3 = val; return true;
    case HVM_REG_CR4:   vmwrite(CR4_READ_SHADOW, val); return true;
    case HVM_REG_EFER:  s->efer = val; return true;
    default:            return false;
    }
}

void vmx_set_reg(struct vcpu *v, enum hvm_reg r, uint64_t val)
{
    struct vmx_vcpu *s = vmx_use(v);

    if (set_own_value(s, r, val)) {
        vmx_release(v);
        return;
    }
    switch (r) {
    case HVM_REG_CR0:
        vmwrite(GUEST_CR0, val | (s->eptp ? CR0_FORCED_HAP : CR0_FORCED_SHADOW));
        vmwrite(CR0_READ_SHADOW, val);
        break;
    case HVM_REG_CR2:   s->cr2 = val; break;
    case HVM_REG_CR3:   vmwrite(GUEST_CR3, val); break;
    case HVM_REG_CR4:
        vmwrite(GUEST_CR4, val | X86_CR4_VMXE);
        vmwrite(CR4_READ_SHADOW, val);
        break;
    case HVM_REG_EFER:  set_efer(val); break;
    case HVM_REG_PAT:   vmwrite(GUEST_IA32_PAT, val); break;
    case HVM_REG_TSC_OFFSET: vmwrite(TSC_OFFSET, val); break;
    default:            break;
    }
    vmx_release(v);
}

static const struct seg_fields {
    uint32_t sel, base, limit, ar;      /* sel and ar 0: GDTR, IDTR */
} seg_fields[HVM_NR_SEGS] = {
#define SEG(s) { GUEST_##s##_SELECTOR, GUEST_##s##_BASE, GUEST_##s##_LIMIT, GUEST_##s##_AR_BYTES }
    [HVM_SEG_ES] = SEG(ES), [HVM_SEG_CS] = SEG(CS), [HVM_SEG_SS] = SEG(SS),
    [HVM_SEG_DS] = SEG(DS), [HVM_SEG_FS] = SEG(FS), [HVM_SEG_GS] = SEG(GS),
    [HVM_SEG_TR] = SEG(TR), [HVM_SEG_LDTR] = SEG(LDTR),
    [HVM_SEG_GDTR] = { 0, GUEST_GDTR_BASE, GUEST_GDTR_LIMIT, 0 },
    [HVM_SEG_IDTR] = { 0, GUEST_IDTR_BASE, GUEST_IDTR_LIMIT, 0 },
#undef SEG
};

/* vcpu_hvm_context's attributes are a descriptor's bits 47:40 and 55:52;
 * VMX keeps the upper four at 15:12 and marks an unusable register in bit
 * 16 (24.4.1): a register that is not present is unusable. */
#define AR_P_BIT        (1U << 7)
static uint32_t ar_to_vmx(uint16_t ar)
{
    return !(ar & AR_P_BIT) ? VMX_AR_UNUSABLE : (ar & 0xff) | ((ar & 0xf00) << 4);
}

static uint16_t ar_from_vmx(uint32_t ar)
{
    return ar & VMX_AR_UNUSABLE ? 0 : (ar & 0xff) | ((ar >> 4) & 0xf00);
}

void vmx_get_seg(struct vcpu *v, enum hvm_seg s, struct hvm_segment *seg)
{
    const struct seg_fields *f = &seg_fields[s];

    vmx_use(v);
    *seg = (struct hvm_segment){
        .sel = f->sel ? vmread(f->sel) : 0, .ar = f->ar ? ar_from_vmx(vmread(f->ar)) : 0,
        .limit = vmread(f->limit), .base = vmread(f->base),
    };
    vmx_release(v);
}

void vmx_set_seg(struct vcpu *v, enum hvm_seg s, const struct hvm_segment *seg)
{
    const struct seg_fields *f = &seg_fields[s];

    vmx_use(v);
    if (f->sel)
        vmwrite(f->sel, seg->sel);
    if (f->ar)
        vmwrite(f->ar, ar_to_vmx(seg->ar));
    vmwrite(f->limit, seg->limit);
    vmwrite(f->base, seg->base);
    vmx_release(v);
}

/* The CPL is SS.DPL (SDM vol. 3A 5.5; 26.3.1.2 keeps them equal). */
unsigned int vmx_cpl(struct vcpu *v)
{
    unsigned int cpl;

    vmx_use(v);
    cpl = VMX_AR_DPL(vmread(GUEST_SS_AR_BYTES));
    vmx_release(v);
    return cpl;
}

static void set_bits(uint32_t field, uint64_t bits, bool on)
{
    uint64_t val = vmread(field);

    vmwrite(field, on ? val | bits : val & ~bits);
}

/* The first time the paging mode runs its own values: keep the guest's
 * aside, and make every bit of CR0 and CR4 the hypervisor's (25.3). */
static void take_own_view(struct vmx_vcpu *s)
{
    if (s->own_view)
        return;
    vmwrite(CR0_READ_SHADOW, guest_cr(GUEST_CR0, CR0_GUEST_HOST_MASK, CR0_READ_SHADOW));
    vmwrite(CR4_READ_SHADOW, guest_cr(GUEST_CR4, CR4_GUEST_HOST_MASK, CR4_READ_SHADOW));
    vmwrite(CR0_GUEST_HOST_MASK, CR_ALL_OWNED);
    vmwrite(CR4_GUEST_HOST_MASK, CR_ALL_OWNED);
    s->cr3 = vmread(GUEST_CR3);
    s->efer = vmread(GUEST_IA32_EFER);
    s->own_view = true;
}

/*
 * Without EPT, unrestricted guest is off too (it needs EPT: 26.2.1.1), so
 * the hardware's CR0 must have PE, PG and NE (the CR0 fixed bits, A.7),
 * which the mode's values give; VM entry loads the PAE PDPTEs from the
 * CR3 given when the mode runs PAE paging outside long mode (26.3.2.4),
 * and the IA-32e mode entry control follows the mode's EFER.LMA.
 */
static void run_own_values(struct vmx_vcpu *s, const struct hvm_hw_paging *hw)
{
    take_own_view(s);
    vmwrite(GUEST_CR3, hw->hw_cr3);
    vmwrite(GUEST_CR0, hw->hw_cr0 | CR0_FORCED_SHADOW);
    vmwrite(GUEST_CR4, hw->hw_cr4 | X86_CR4_VMXE);
    set_efer(hw->hw_efer);
}

/*
 * Nested paging: EPT over the p2m, the guest owning CR3 and its paging
 * bits as an unrestricted guest.  Without it (shadow paging) the hardware
 * walks the CR3 given with the CR0, CR4 and EFER given, and CR3 accesses,
 * INVLPG and #PF exit as asked.
 */
void vmx_set_paging(struct vcpu *v, const struct hvm_hw_paging *hw)
{
    struct vmx_vcpu *s = vmx_use(v);

    s->eptp = hw->nested ? hw->nested_root | EPTP_WB_4LEVEL : 0;
    if (hw->nested) {
        uint64_t cr0 = guest_cr(GUEST_CR0, CR0_GUEST_HOST_MASK, CR0_READ_SHADOW);

        vmwrite(EPT_POINTER, s->eptp);
        vmwrite(CR0_GUEST_HOST_MASK, CR0_FORCED_HAP);
        vmwrite(GUEST_CR0, cr0 | CR0_FORCED_HAP);
        vmwrite(CR0_READ_SHADOW, cr0);
    } else {
        run_own_values(s, hw);
    }
    set_bits(SECONDARY_VM_EXEC_CONTROL, PROC2_EPT | PROC2_UNRESTRICTED_GUEST, hw->nested);
    set_bits(CPU_BASED_VM_EXEC_CONTROL, PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING,
             hw->intercept_cr3);
    set_bits(CPU_BASED_VM_EXEC_CONTROL, PROC_INVLPG_EXITING, hw->intercept_invlpg);
    set_bits(EXCEPTION_BITMAP, 1U << TRAP_page_fault, hw->intercept_pf);
    s->flush = true;
    vmx_release(v);
}
