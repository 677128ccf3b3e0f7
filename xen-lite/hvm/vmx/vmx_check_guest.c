/*
 * The VM-entry checklist, part 2: guest state (Intel SDM vol. 3C 26.3.1).
 * A broken rule here makes the entry fail as a VM exit with reason 33
 * ("invalid guest state"), whose exit qualification names a cause in only a
 * few cases (26.8): this names the field.  Virtual-8086 mode and SMM are
 * not supported and so not checked.
 */
#include "asm/msr.h"
#include "asm/processor.h"
#include "asm/vmcs.h"
#include "asm/vmx.h"
#include "asm/vmx_check.h"

#define X86_CR4_PCIDE           (1UL << 17)
#define X86_EFLAGS_RESERVED     (~0x3fffffUL | (1UL << 15) | (1UL << 5) | (1UL << 3))
#define EFER_RESERVED           (~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))
#define DEBUGCTL_RESERVED       (~0xffc3UL)     /* bits 2-5, 16-63 */
#define PENDING_DBG_RESERVED    (~0x1500fUL)    /* 3:0, 12, 14, 16 defined */
#define PDPTE_P                 1UL
#define PDPTE_RESERVED          0x1e6UL         /* bits 2:1, 8:5 */
#define SEG_TYPE_DATA_RW_A      3               /* read/write data, accessed */
#define SEG_TYPE_LDT            2
#define SEG_TYPE_TSS16_BUSY     3
#define SEG_TYPE_TSS_BUSY       11
#define SEG_TYPE_CODE           8
#define SEG_TYPE_CONFORMING     4
#define SEG_TYPE_READABLE       2
#define SEG_TYPE_ACCESSED       1

#define RD(f)       vmx_check_read(c, f)
#define BROKEN(f, why)  vmx_check_broken(c, f, why)

/* What the rules depend on, read once. */
struct guest {
    uint64_t cr0, cr4, efer;
    uint32_t entry;
    bool ia32e, ug;
};

static void read_guest(struct vmx_check *c, struct guest *g)
{
    uint32_t proc = RD(CPU_BASED_VM_EXEC_CONTROL);

    g->cr0 = RD(GUEST_CR0);
    g->cr4 = RD(GUEST_CR4);
    g->efer = RD(GUEST_IA32_EFER);
    g->entry = RD(VM_ENTRY_CONTROLS);
    g->ia32e = g->entry & ENTRY_IA32E_MODE;
    g->ug = (proc & PROC_SECONDARY_CONTROLS) &&
            (RD(SECONDARY_VM_EXEC_CONTROL) & PROC2_UNRESTRICTED_GUEST);
}

/* 26.3.1.1: control registers, debug registers and MSRs. */
static bool check_control_regs(struct vmx_check *c, const struct guest *g)
{
    uint64_t fixed0 = c->msrs->cr0_fixed0;

    if (g->ug)
        fixed0 &= ~(X86_CR0_PE | X86_CR0_PG);
    if ((g->cr0 & fixed0) != fixed0 || (g->cr0 & ~c->msrs->cr0_fixed1))
        return BROKEN(GUEST_CR0, "a bit fixed in VMX operation is wrong");
    if ((g->cr0 & X86_CR0_PG) && !(g->cr0 & X86_CR0_PE))
        return BROKEN(GUEST_CR0, "paging without protection");
    if ((g->cr4 & c->msrs->cr4_fixed0) != c->msrs->cr4_fixed0 ||
        (g->cr4 & ~c->msrs->cr4_fixed1))
        return BROKEN(GUEST_CR4, "a bit fixed in VMX operation is wrong");
    if (g->ia32e && !(g->cr0 & X86_CR0_PG))
        return BROKEN(GUEST_CR0, "IA-32e mode guest without paging");
    if (g->ia32e && !(g->cr4 & X86_CR4_PAE))
        return BROKEN(GUEST_CR4, "IA-32e mode guest without PAE");
    if (!g->ia32e && (g->cr4 & X86_CR4_PCIDE))
        return BROKEN(GUEST_CR4, "PCIDE outside IA-32e mode");
    if (c->paddr_bits < 64 && (RD(GUEST_CR3) >> c->paddr_bits))
        return BROKEN(GUEST_CR3, "beyond the physical-address width");
    return true;
}

static bool check_msrs(struct vmx_check *c, const struct guest *g)
{
    if ((g->entry & ENTRY_LOAD_DEBUG_CTLS) && (RD(GUEST_IA32_DEBUGCTL) & DEBUGCTL_RESERVED))
        return BROKEN(GUEST_IA32_DEBUGCTL, "reserved bits set");
    if ((g->entry & ENTRY_LOAD_DEBUG_CTLS) && (RD(GUEST_DR7) >> 32))
        return BROKEN(GUEST_DR7, "bits 63:32 set");
    if (!vmx_canonical(RD(GUEST_SYSENTER_ESP)))
        return BROKEN(GUEST_SYSENTER_ESP, "not canonical");
    if (!vmx_canonical(RD(GUEST_SYSENTER_EIP)))
        return BROKEN(GUEST_SYSENTER_EIP, "not canonical");
    if ((g->entry & ENTRY_LOAD_PAT) && !vmx_pat_valid(RD(GUEST_IA32_PAT)))
        return BROKEN(GUEST_IA32_PAT, "an invalid memory type");
    if (!(g->entry & ENTRY_LOAD_EFER))
        return true;
    if (g->efer & EFER_RESERVED)
        return BROKEN(GUEST_IA32_EFER, "reserved bits set");
    if (!(g->efer & EFER_LMA) != !g->ia32e)
        return BROKEN(GUEST_IA32_EFER, "LMA differs from the IA-32e mode guest control");
    if ((g->cr0 & X86_CR0_PG) && !(g->efer & EFER_LMA) != !(g->efer & EFER_LME))
        return BROKEN(GUEST_IA32_EFER, "LMA differs from LME with paging on");
    return true;
}

struct seg {
    uint32_t sel, base, limit, ar;
};

enum { ES, CS, SS, DS, FS, GS, LDTR, TR, NR_SEGS };

static const struct seg segs[NR_SEGS] = {
#define SEG(s) { GUEST_##s##_SELECTOR, GUEST_##s##_BASE, GUEST_##s##_LIMIT, GUEST_##s##_AR_BYTES }
    [ES] = SEG(ES), [CS] = SEG(CS), [SS] = SEG(SS), [DS] = SEG(DS),
    [FS] = SEG(FS), [GS] = SEG(GS), [LDTR] = SEG(LDTR), [TR] = SEG(TR),
#undef SEG
};

/* Rules every present descriptor shares: S, P, reserved bits, G vs limit. */
static bool check_descriptor(struct vmx_check *c, const struct seg *s, bool system)
{
    uint32_t ar = RD(s->ar), limit = RD(s->limit);

    if (!(ar & VMX_AR_S) != system)
        return BROKEN(s->ar, system ? "S set on a system segment" : "S clear");
    if (!(ar & VMX_AR_P))
        return BROKEN(s->ar, "not present");
    if (ar & VMX_AR_RESERVED)
        return BROKEN(s->ar, "reserved bits set");
    if ((limit & 0xfff) != 0xfff && (ar & VMX_AR_G))
        return BROKEN(s->ar, "G set with a limit not ending in 0xfff");
    if ((limit >> 20) && !(ar & VMX_AR_G))
        return BROKEN(s->ar, "G clear with a limit above 1 MiB");
    return true;
}

static bool check_cs(struct vmx_check *c, const struct guest *g)
{
    uint32_t ar = RD(GUEST_CS_AR_BYTES), ss_ar = RD(GUEST_SS_AR_BYTES);
    unsigned int type = VMX_AR_TYPE(ar);

    if (ar & VMX_AR_UNUSABLE)
        return BROKEN(GUEST_CS_AR_BYTES, "unusable");
    if (!((type & SEG_TYPE_CODE) && (type & SEG_TYPE_ACCESSED)) &&
        !(g->ug && type == SEG_TYPE_DATA_RW_A))
        return BROKEN(GUEST_CS_AR_BYTES, "not an accessed code segment");
    if (type == SEG_TYPE_DATA_RW_A && VMX_AR_DPL(ar))
        return BROKEN(GUEST_CS_AR_BYTES, "DPL of a data CS is not 0");
    if ((type & SEG_TYPE_CODE) && !(type & SEG_TYPE_CONFORMING) &&
        VMX_AR_DPL(ar) != VMX_AR_DPL(ss_ar))
        return BROKEN(GUEST_CS_AR_BYTES, "DPL differs from SS's");
    if ((type & SEG_TYPE_CODE) && (type & SEG_TYPE_CONFORMING) &&
        VMX_AR_DPL(ar) > VMX_AR_DPL(ss_ar))
        return BROKEN(GUEST_CS_AR_BYTES, "conforming DPL above SS's");
    if (g->ia32e && (ar & VMX_AR_L) && (ar & VMX_AR_DB))
        return BROKEN(GUEST_CS_AR_BYTES, "L and D/B both set");
    if (RD(GUEST_CS_BASE) >> 32)
        return BROKEN(GUEST_CS_BASE, "bits 63:32 set");
    return check_descriptor(c, &segs[CS], false);
}

static bool check_ss(struct vmx_check *c, const struct guest *g)
{
    uint32_t ar = RD(GUEST_SS_AR_BYTES), cs_ar = RD(GUEST_CS_AR_BYTES);

    if (!g->ug && (RD(GUEST_SS_SELECTOR) & 3) != (RD(GUEST_CS_SELECTOR) & 3))
        return BROKEN(GUEST_SS_SELECTOR, "RPL differs from CS's");
    if ((VMX_AR_TYPE(cs_ar) == SEG_TYPE_DATA_RW_A || !(g->cr0 & X86_CR0_PE)) &&
        VMX_AR_DPL(ar))
        return BROKEN(GUEST_SS_AR_BYTES, "DPL not 0 in real-address or data-CS state");
    if (ar & VMX_AR_UNUSABLE)
        return true;
    if (VMX_AR_TYPE(ar) != 3 && VMX_AR_TYPE(ar) != 7)
        return BROKEN(GUEST_SS_AR_BYTES, "not a writable data segment");
    if (!g->ug && VMX_AR_DPL(ar) != (RD(GUEST_SS_SELECTOR) & 3))
        return BROKEN(GUEST_SS_AR_BYTES, "DPL differs from the selector's RPL");
    if (RD(GUEST_SS_BASE) >> 32)
        return BROKEN(GUEST_SS_BASE, "bits 63:32 set");
    return check_descriptor(c, &segs[SS], false);
}

static bool check_data_seg(struct vmx_check *c, const struct guest *g, unsigned int i)
{
    const struct seg *s = &segs[i];
    uint32_t ar = RD(s->ar);
    unsigned int type = VMX_AR_TYPE(ar);

    if ((i == FS || i == GS) && !vmx_canonical(RD(s->base)))
        return BROKEN(s->base, "not canonical");
    if (ar & VMX_AR_UNUSABLE)
        return true;
    if (!(type & SEG_TYPE_ACCESSED))
        return BROKEN(s->ar, "not accessed");
    if ((type & SEG_TYPE_CODE) && !(type & SEG_TYPE_READABLE))
        return BROKEN(s->ar, "an unreadable code segment");
    if (!g->ug && type <= 11 && VMX_AR_DPL(ar) < (RD(s->sel) & 3))
        return BROKEN(s->ar, "DPL below the selector's RPL");
    if ((i == ES || i == DS) && (RD(s->base) >> 32))
        return BROKEN(s->base, "bits 63:32 set");
    return check_descriptor(c, s, false);
}

static bool check_system_segs(struct vmx_check *c, const struct guest *g)
{
    uint32_t tr_ar = RD(GUEST_TR_AR_BYTES), ldt_ar = RD(GUEST_LDTR_AR_BYTES);

    if (RD(GUEST_TR_SELECTOR) & 4)
        return BROKEN(GUEST_TR_SELECTOR, "TI set");
    if (!vmx_canonical(RD(GUEST_TR_BASE)))
        return BROKEN(GUEST_TR_BASE, "not canonical");
    if (tr_ar & VMX_AR_UNUSABLE)
        return BROKEN(GUEST_TR_AR_BYTES, "unusable");
    if (VMX_AR_TYPE(tr_ar) != SEG_TYPE_TSS_BUSY &&
        (g->ia32e || VMX_AR_TYPE(tr_ar) != SEG_TYPE_TSS16_BUSY))
        return BROKEN(GUEST_TR_AR_BYTES, "not a busy TSS");
    if (!check_descriptor(c, &segs[TR], true))
        return false;
    if (ldt_ar & VMX_AR_UNUSABLE)
        return true;
    if (RD(GUEST_LDTR_SELECTOR) & 4)
        return BROKEN(GUEST_LDTR_SELECTOR, "TI set");
    if (!vmx_canonical(RD(GUEST_LDTR_BASE)))
        return BROKEN(GUEST_LDTR_BASE, "not canonical");
    if (VMX_AR_TYPE(ldt_ar) != SEG_TYPE_LDT)
        return BROKEN(GUEST_LDTR_AR_BYTES, "not an LDT");
    return check_descriptor(c, &segs[LDTR], true);
}

/* 26.3.1.2 and 26.3.1.3: segment and descriptor-table registers. */
static bool check_segments(struct vmx_check *c, const struct guest *g)
{
    static const unsigned int data_segs[] = { ES, DS, FS, GS };

    if (!check_cs(c, g) || !check_ss(c, g))
        return false;
    for (size_t i = 0; i < ARRAY_SIZE(data_segs); i++)
        if (!check_data_seg(c, g, data_segs[i]))
            return false;
    if (!check_system_segs(c, g))
        return false;
    if (!vmx_canonical(RD(GUEST_GDTR_BASE)))
        return BROKEN(GUEST_GDTR_BASE, "not canonical");
    if (!vmx_canonical(RD(GUEST_IDTR_BASE)))
        return BROKEN(GUEST_IDTR_BASE, "not canonical");
    if (RD(GUEST_GDTR_LIMIT) >> 16)
        return BROKEN(GUEST_GDTR_LIMIT, "above 0xffff");
    if (RD(GUEST_IDTR_LIMIT) >> 16)
        return BROKEN(GUEST_IDTR_LIMIT, "above 0xffff");
    return true;
}

/* 26.3.1.4: RIP and RFLAGS. */
static bool check_rip_rflags(struct vmx_check *c, const struct guest *g)
{
    uint64_t rip = RD(GUEST_RIP), rflags = RD(GUEST_RFLAGS);
    bool long_cs = g->ia32e && (RD(GUEST_CS_AR_BYTES) & VMX_AR_L);
    uint32_t intr = RD(VM_ENTRY_INTR_INFO);

    if (!long_cs && (rip >> 32))
        return BROKEN(GUEST_RIP, "bits 63:32 set outside 64-bit mode");
    if (long_cs && !vmx_canonical(rip))
        return BROKEN(GUEST_RIP, "not canonical");
    if ((rflags & X86_EFLAGS_RESERVED) || !(rflags & X86_EFLAGS_MBS))
        return BROKEN(GUEST_RFLAGS, "reserved bits wrong");
    if ((rflags & X86_EFLAGS_VM) && (g->ia32e || !(g->cr0 & X86_CR0_PE)))
        return BROKEN(GUEST_RFLAGS, "VM set in IA-32e mode or real-address mode");
    if ((intr & INTR_INFO_VALID) && !(rflags & X86_EFLAGS_IF) &&
        ((intr >> INTR_INFO_TYPE_SHIFT) & 7) == INTR_TYPE_EXT_INTR)
        return BROKEN(GUEST_RFLAGS, "IF clear while injecting an external interrupt");
    return true;
}

/* 26.3.1.5: activity and interruptibility state, pending debug exceptions,
 * the VMCS link pointer. */
static bool check_non_register(struct vmx_check *c)
{
    uint64_t activity = RD(GUEST_ACTIVITY_STATE), intr = RD(GUEST_INTERRUPTIBILITY_INFO);
    uint32_t inj = RD(VM_ENTRY_INTR_INFO);
    unsigned int inj_type = (inj >> INTR_INFO_TYPE_SHIFT) & 7;

    if (activity > VMX_ACTIVITY_WAIT_SIPI ||
        (activity && !(c->msrs->misc & (VMX_MISC_ACTIVITY_HLT << (activity - 1)))))
        return BROKEN(GUEST_ACTIVITY_STATE, "not supported by the CPU");
    if (activity == VMX_ACTIVITY_HLT && VMX_AR_DPL(RD(GUEST_SS_AR_BYTES)))
        return BROKEN(GUEST_ACTIVITY_STATE, "HLT with SS.DPL not 0");
    if (intr & INTR_STATE_RESERVED)
        return BROKEN(GUEST_INTERRUPTIBILITY_INFO, "reserved bits set");
    if ((intr & INTR_STATE_STI) && (intr & INTR_STATE_MOV_SS))
        return BROKEN(GUEST_INTERRUPTIBILITY_INFO, "blocking by STI and by MOV SS");
    if ((intr & INTR_STATE_STI) && !(RD(GUEST_RFLAGS) & X86_EFLAGS_IF))
        return BROKEN(GUEST_INTERRUPTIBILITY_INFO, "blocking by STI with IF clear");
    if ((inj & INTR_INFO_VALID) && inj_type == INTR_TYPE_EXT_INTR &&
        (intr & (INTR_STATE_STI | INTR_STATE_MOV_SS)))
        return BROKEN(GUEST_INTERRUPTIBILITY_INFO, "injecting an interrupt into a blocked guest");
    if ((inj & INTR_INFO_VALID) && inj_type == INTR_TYPE_NMI && (intr & INTR_STATE_MOV_SS))
        return BROKEN(GUEST_INTERRUPTIBILITY_INFO, "injecting an NMI under MOV SS blocking");
    if (intr & INTR_STATE_SMI)
        return BROKEN(GUEST_INTERRUPTIBILITY_INFO, "blocking by SMI outside SMM");
    if (RD(GUEST_PENDING_DBG_EXCEPTIONS) & PENDING_DBG_RESERVED)
        return BROKEN(GUEST_PENDING_DBG_EXCEPTIONS, "reserved bits set");
    if (RD(VMCS_LINK_POINTER) != ~0UL)
        return BROKEN(VMCS_LINK_POINTER, "not ~0 (no VMCS shadowing)");
    return true;
}

/* 26.3.1.6: with EPT and PAE paging outside IA-32e mode, the PDPTEs. */
static bool check_pdptes(struct vmx_check *c, const struct guest *g)
{
    static const uint32_t pdptes[] = { GUEST_PDPTE0, GUEST_PDPTE1, GUEST_PDPTE2, GUEST_PDPTE3 };
    uint32_t proc = RD(CPU_BASED_VM_EXEC_CONTROL);

    if (!(g->cr0 & X86_CR0_PG) || !(g->cr4 & X86_CR4_PAE) || g->ia32e ||
        !(proc & PROC_SECONDARY_CONTROLS) || !(RD(SECONDARY_VM_EXEC_CONTROL) & PROC2_EPT))
        return true;
    for (size_t i = 0; i < ARRAY_SIZE(pdptes); i++) {
        uint64_t e = RD(pdptes[i]);
        if ((e & PDPTE_P) && ((e & PDPTE_RESERVED) ||
                              (c->paddr_bits < 64 && ((e & ~0xfffUL) >> c->paddr_bits))))
            return BROKEN(pdptes[i], "reserved bits set");
    }
    return true;
}

bool vmx_check_guest_state(struct vmx_check *c)
{
    struct guest g;

    read_guest(c, &g);
    return check_control_regs(c, &g) && check_msrs(c, &g) &&
           check_segments(c, &g) && check_rip_rflags(c, &g) &&
           check_non_register(c) && check_pdptes(c, &g);
}
