/*
 * The VM-entry checklist, part 1: VMX controls and host state (Intel SDM
 * vol. 3C 26.2).  A broken rule here makes VMLAUNCH/VMRESUME fail with
 * VM-instruction error 7 (controls) or 8 (host state).  Guest state is in
 * vmx_check_guest.c.
 */
#include "asm/desc.h"
#include "asm/msr.h"
#include "asm/processor.h"
#include "asm/vmcs.h"
#include "asm/vmx.h"
#include "asm/vmx_check.h"

#define EPTP_MEMTYPE(p)         ((p) & 7)
#define EPTP_WALK_LENGTH(p)     (((p) >> 3) & 7)
#define EPTP_AD                 (1UL << 6)
#define EPTP_RESERVED           0xf80UL
#define EPTP_WALK_4             3           /* walk length minus one */
#define MSR_AREA_ALIGN          16          /* VM-exit/entry MSR areas */
#define EFER_RESERVED           (~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))
#define CR3_TARGET_COUNT_MAX(misc)  (((misc) >> 16) & 0x1ff)
#define VMX_MISC_INJECT_LEN_0   (1UL << 30)

uint64_t vmx_check_read(struct vmx_check *c, uint32_t field)
{
    return c->read(c->opaque, field);
}

bool vmx_check_broken(struct vmx_check *c, uint32_t field, const char *rule)
{
    c->field = field;
    c->value = vmx_check_read(c, field);
    c->rule = rule;
    return false;
}

/* 48-bit linear addresses: bits 63:47 all equal. */
bool vmx_canonical(uint64_t va)
{
    return ((int64_t)va >> 47) == 0 || ((int64_t)va >> 47) == -1;
}

/* Every byte of IA32_PAT a valid memory type: 0, 1, 4, 5, 6 or 7 (11.12.2). */
bool vmx_pat_valid(uint64_t pat)
{
    for (unsigned int i = 0; i < 8; i++) {
        unsigned int type = (pat >> (i * 8)) & 0xff;
        if (type == 2 || type == 3 || type > 7)
            return false;
    }
    return true;
}

static bool beyond_width(const struct vmx_check *c, uint64_t pa)
{
    return c->paddr_bits < 64 && (pa >> c->paddr_bits);
}

#define RD(f)       vmx_check_read(c, f)
#define BROKEN(f, why)  vmx_check_broken(c, f, why)

static const struct {
    uint32_t field;
    enum vmx_ctl ctl;
} control_fields[] = {
    { PIN_BASED_VM_EXEC_CONTROL, VMX_CTL_PIN },
    { CPU_BASED_VM_EXEC_CONTROL, VMX_CTL_PROC },
    { SECONDARY_VM_EXEC_CONTROL, VMX_CTL_PROC2 },
    { VM_EXIT_CONTROLS, VMX_CTL_EXIT },
    { VM_ENTRY_CONTROLS, VMX_CTL_ENTRY },
};

static uint32_t proc2(struct vmx_check *c)
{
    return RD(CPU_BASED_VM_EXEC_CONTROL) & PROC_SECONDARY_CONTROLS ?
           RD(SECONDARY_VM_EXEC_CONTROL) : 0;
}

/* 26.2.1.1-3: each control within the CPU's allowed-0/allowed-1 settings. */
static bool check_allowed_settings(struct vmx_check *c)
{
    for (size_t i = 0; i < ARRAY_SIZE(control_fields); i++) {
        uint32_t f = control_fields[i].field;
        uint64_t allowed = c->msrs->ctl[control_fields[i].ctl];
        uint32_t v = RD(f), must1 = allowed, may1 = allowed >> 32;
        if (f == SECONDARY_VM_EXEC_CONTROL && !(RD(CPU_BASED_VM_EXEC_CONTROL) &
                                                PROC_SECONDARY_CONTROLS))
            continue;
        if ((v & must1) != must1)
            return BROKEN(f, "a control the CPU requires is 0");
        if (v & ~may1)
            return BROKEN(f, "a control the CPU does not allow is 1");
    }
    return true;
}

static bool check_bitmap(struct vmx_check *c, uint32_t field)
{
    uint64_t pa = RD(field);
    if ((pa & 0xfff) || beyond_width(c, pa))
        return BROKEN(field, "not a page-aligned physical address within the width");
    return true;
}

/* 26.2.1.1: the EPT pointer (24.6.11). */
static bool check_eptp(struct vmx_check *c)
{
    uint64_t eptp = RD(EPT_POINTER), cap = c->msrs->ept_vpid;
    uint64_t type = EPTP_MEMTYPE(eptp);

    if (!((type == 0 && (cap & VMX_EPT_MEMTYPE_UC)) ||
          (type == VMX_MEMTYPE_WB && (cap & VMX_EPT_MEMTYPE_WB))))
        return BROKEN(EPT_POINTER, "memory type not supported");
    if (EPTP_WALK_LENGTH(eptp) != EPTP_WALK_4)
        return BROKEN(EPT_POINTER, "page-walk length is not 4");
    if ((eptp & EPTP_AD) && !(cap & VMX_EPT_AD))
        return BROKEN(EPT_POINTER, "accessed/dirty flags not supported");
    if ((eptp & EPTP_RESERVED) || beyond_width(c, eptp & ~0xfffUL))
        return BROKEN(EPT_POINTER, "reserved bits set");
    return true;
}

static bool check_execution(struct vmx_check *c)
{
    uint32_t pin = RD(PIN_BASED_VM_EXEC_CONTROL);
    uint32_t proc = RD(CPU_BASED_VM_EXEC_CONTROL), sec = proc2(c);

    if (RD(CR3_TARGET_COUNT) > CR3_TARGET_COUNT_MAX(c->msrs->misc))
        return BROKEN(CR3_TARGET_COUNT, "more CR3 targets than the CPU has");
    if ((proc & PROC_IO_BITMAPS) &&
        (!check_bitmap(c, IO_BITMAP_A) || !check_bitmap(c, IO_BITMAP_B)))
        return false;
    if ((proc & PROC_MSR_BITMAPS) && !check_bitmap(c, MSR_BITMAP))
        return false;
    if ((proc & PROC_TPR_SHADOW) && !check_bitmap(c, VIRTUAL_APIC_PAGE_ADDR))
        return false;
    if (!(pin & PIN_NMI_EXITING) && (pin & PIN_VIRTUAL_NMIS))
        return BROKEN(PIN_BASED_VM_EXEC_CONTROL, "virtual NMIs without NMI exiting");
    if (!(pin & PIN_VIRTUAL_NMIS) && (proc & PROC_NMI_WINDOW_EXITING))
        return BROKEN(CPU_BASED_VM_EXEC_CONTROL, "NMI-window exiting without virtual NMIs");
    if ((sec & PROC2_EPT) && !check_eptp(c))
        return false;
    if ((sec & PROC2_UNRESTRICTED_GUEST) && !(sec & PROC2_EPT))
        return BROKEN(SECONDARY_VM_EXEC_CONTROL, "unrestricted guest without EPT");
    if ((sec & PROC2_VPID) && RD(VIRTUAL_PROCESSOR_ID) == 0)
        return BROKEN(VIRTUAL_PROCESSOR_ID, "VPID 0 with VPIDs enabled");
    return true;
}

static bool check_msr_area(struct vmx_check *c, uint32_t count, uint32_t addr)
{
    uint64_t pa = RD(addr);
    if (RD(count) && ((pa & (MSR_AREA_ALIGN - 1)) || beyond_width(c, pa)))
        return BROKEN(addr, "MSR area not 16-byte aligned within the width");
    return true;
}

/* Exceptions that push an error code (SDM vol. 3A 6.13). */
static bool has_error_code(unsigned int vector)
{
    return vector == TRAP_double_fault ||
           (vector >= TRAP_invalid_tss && vector <= TRAP_page_fault) ||
           vector == TRAP_alignment_check || vector == TRAP_control_prot;
}

/* 26.2.1.3: the event to inject (24.8.3). */
static bool check_injection(struct vmx_check *c)
{
    uint32_t info = RD(VM_ENTRY_INTR_INFO);
    unsigned int type = (info >> INTR_INFO_TYPE_SHIFT) & 7;
    unsigned int vector = info & INTR_INFO_VECTOR_MASK, len;
    bool code_expected;

    if (!(info & INTR_INFO_VALID))
        return true;
    if (type == INTR_TYPE_RESERVED || (info & INTR_INFO_RESERVED))
        return BROKEN(VM_ENTRY_INTR_INFO, "reserved type or bits");
    if ((type == INTR_TYPE_NMI && vector != TRAP_nmi) ||
        (type == INTR_TYPE_HW_EXCEPTION && vector > 31) ||
        (type == INTR_TYPE_OTHER_EVENT && vector != 0))
        return BROKEN(VM_ENTRY_INTR_INFO, "vector does not fit the type");
    code_expected = type == INTR_TYPE_HW_EXCEPTION && has_error_code(vector);
    if (!!(info & INTR_INFO_DELIVER_CODE) != code_expected)
        return BROKEN(VM_ENTRY_INTR_INFO, "deliver-error-code does not fit the vector");
    if ((info & INTR_INFO_DELIVER_CODE) && (RD(VM_ENTRY_EXCEPTION_ERROR_CODE) >> 16))
        return BROKEN(VM_ENTRY_EXCEPTION_ERROR_CODE, "bits 31:16 set");
    len = RD(VM_ENTRY_INSTRUCTION_LEN);
    if ((type == INTR_TYPE_SW_INTR || type == INTR_TYPE_PRIV_SW_EXCEPTION ||
         type == INTR_TYPE_SW_EXCEPTION) &&
        (len > 15 || (len == 0 && !(c->msrs->misc & VMX_MISC_INJECT_LEN_0))))
        return BROKEN(VM_ENTRY_INSTRUCTION_LEN, "not 1 to 15");
    return true;
}

static bool check_exit_entry(struct vmx_check *c)
{
    uint32_t entry = RD(VM_ENTRY_CONTROLS);

    if (!check_msr_area(c, VM_EXIT_MSR_STORE_COUNT, VM_EXIT_MSR_STORE_ADDR) ||
        !check_msr_area(c, VM_EXIT_MSR_LOAD_COUNT, VM_EXIT_MSR_LOAD_ADDR) ||
        !check_msr_area(c, VM_ENTRY_MSR_LOAD_COUNT, VM_ENTRY_MSR_LOAD_ADDR))
        return false;
    if (entry & (ENTRY_SMM | ENTRY_DEACT_DUAL_MONITOR))
        return BROKEN(VM_ENTRY_CONTROLS, "SMM controls set outside SMM");
    return check_injection(c);
}

bool vmx_check_controls(struct vmx_check *c)
{
    return check_allowed_settings(c) && check_execution(c) &&
           check_exit_entry(c);
}

/* 26.2.2: host control registers and MSRs. */
static bool check_host_regs(struct vmx_check *c)
{
    uint64_t cr0 = RD(HOST_CR0), cr4 = RD(HOST_CR4);
    uint32_t exit = RD(VM_EXIT_CONTROLS);

    if ((cr0 & c->msrs->cr0_fixed0) != c->msrs->cr0_fixed0 || (cr0 & ~c->msrs->cr0_fixed1))
        return BROKEN(HOST_CR0, "a bit fixed in VMX operation is wrong");
    if ((cr4 & c->msrs->cr4_fixed0) != c->msrs->cr4_fixed0 || (cr4 & ~c->msrs->cr4_fixed1))
        return BROKEN(HOST_CR4, "a bit fixed in VMX operation is wrong");
    if (beyond_width(c, RD(HOST_CR3)))
        return BROKEN(HOST_CR3, "beyond the physical-address width");
    if (!vmx_canonical(RD(HOST_IA32_SYSENTER_ESP)))
        return BROKEN(HOST_IA32_SYSENTER_ESP, "not canonical");
    if (!vmx_canonical(RD(HOST_IA32_SYSENTER_EIP)))
        return BROKEN(HOST_IA32_SYSENTER_EIP, "not canonical");
    if ((exit & EXIT_LOAD_PAT) && !vmx_pat_valid(RD(HOST_IA32_PAT)))
        return BROKEN(HOST_IA32_PAT, "an invalid memory type");
    if ((exit & EXIT_LOAD_EFER) && ((RD(HOST_IA32_EFER) & EFER_RESERVED) ||
        !(RD(HOST_IA32_EFER) & EFER_LMA) != !(exit & EXIT_HOST_ADDR_SPACE_SIZE) ||
        !(RD(HOST_IA32_EFER) & EFER_LME) != !(exit & EXIT_HOST_ADDR_SPACE_SIZE)))
        return BROKEN(HOST_IA32_EFER, "reserved bits, or LMA/LME unlike the host address-space size");
    if (!(exit & EXIT_HOST_ADDR_SPACE_SIZE))
        return BROKEN(VM_EXIT_CONTROLS, "a 64-bit host needs host address-space size");
    if (!(cr4 & X86_CR4_PAE))
        return BROKEN(HOST_CR4, "a 64-bit host needs PAE");
    if (!vmx_canonical(RD(HOST_RIP)))
        return BROKEN(HOST_RIP, "not canonical");
    return true;
}

static const uint32_t host_selectors[] = {
    HOST_ES_SELECTOR, HOST_CS_SELECTOR, HOST_SS_SELECTOR, HOST_DS_SELECTOR,
    HOST_FS_SELECTOR, HOST_GS_SELECTOR, HOST_TR_SELECTOR,
};
static const uint32_t host_bases[] = {
    HOST_FS_BASE, HOST_GS_BASE, HOST_GDTR_BASE, HOST_IDTR_BASE, HOST_TR_BASE,
};

/* 26.2.3: host segment and descriptor-table registers. */
static bool check_host_segments(struct vmx_check *c)
{
    for (size_t i = 0; i < ARRAY_SIZE(host_selectors); i++)
        if (RD(host_selectors[i]) & 7)
            return BROKEN(host_selectors[i], "RPL or TI set");
    if (!RD(HOST_CS_SELECTOR))
        return BROKEN(HOST_CS_SELECTOR, "null");
    if (!RD(HOST_TR_SELECTOR))
        return BROKEN(HOST_TR_SELECTOR, "null");
    for (size_t i = 0; i < ARRAY_SIZE(host_bases); i++)
        if (!vmx_canonical(RD(host_bases[i])))
            return BROKEN(host_bases[i], "not canonical");
    return true;
}

bool vmx_check_host_state(struct vmx_check *c)
{
    return check_host_regs(c) && check_host_segments(c);
}
