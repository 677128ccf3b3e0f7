/*
 * What a new VMCS holds: execution, exit and entry controls (from the
 * computed vmx_config), the host state every VM exit returns to, and a PVH
 * vCPU's start state.  Pure logic behind a write callback (asm/vmcs.h), so
 * host unit tests run the VM-entry checklist over exactly this state.
 *
 * Paging: with an EPT pointer the guest owns its CR0.PG/PE and CR3 as an
 * unrestricted guest (Intel SDM vol. 3C 25.6, 26.3.1.1); with none (shadow
 * paging) CR3 loads and stores and #PF exit, and every bit of CR0 and CR4
 * is the hypervisor's (the guest reads its own values from the read
 * shadows), so that mode stays a clean alternative.
 */
#include "asm/desc.h"
#include "asm/msr.h"
#include "asm/processor.h"
#include "asm/vmcs.h"
#include "asm/vmx.h"
#include "asm/vmx_caps.h"

#define X86_CR0_ET              (1UL << 4)
#define X86_CR4_PSE             (1UL << 4)
#define PAT_POWER_ON            0x0007040600070406UL    /* SDM 11.12.4 */
#define DR7_INIT                0x400UL                 /* SDM 17.2.4 */
#define VMCS_LINK_NONE          (~0UL)

/* Flat 4 GiB segments and a 32-bit busy TSS, in VMX access-rights form. */
#define AR_CODE32   (11 | VMX_AR_S | VMX_AR_P | VMX_AR_DB | VMX_AR_G)
#define AR_DATA32   (3 | VMX_AR_S | VMX_AR_P | VMX_AR_DB | VMX_AR_G)
#define AR_TSS32    (11 | VMX_AR_P)
#define FLAT_LIMIT  0xffffffffU
#define TSS_LIMIT   0x67U

/* Selectors a PVH guest starts with; it loads its own GDT before use. */
#define PVH_CS      0x08
#define PVH_DS      0x10
#define PVH_TR      0x18

/* Guest CR bits the hypervisor owns (reads see the shadow; writes exit). */
#define CR0_OWNED_HAP       X86_CR0_NE
#define CR0_OWNED_SHADOW    (~0UL)
/* Every CR4 write that changes a bit exits: the common layer checks it
 * against the features the guest is shown. */
#define CR4_OWNED_HAP       (~0UL)
#define CR4_OWNED_SHADOW    (~0UL)

static void put(const struct vmcs_writer *w, uint32_t field, uint64_t value)
{
    w->write(w->opaque, field, value);
}

void vmcs_write_controls(const struct vmcs_writer *w, const struct vmx_config *cfg,
                         const struct vmcs_controls *ctl)
{
    uint32_t proc = cfg->ctl[VMX_CTL_PROC], proc2 = cfg->ctl[VMX_CTL_PROC2];
    bool hap = ctl->eptp != 0;

    if (!hap) {
        proc |= PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING | PROC_INVLPG_EXITING;
        proc2 &= ~(PROC2_EPT | PROC2_UNRESTRICTED_GUEST);
    }
    if (!ctl->vpid)
        proc2 &= ~PROC2_VPID;
    put(w, PIN_BASED_VM_EXEC_CONTROL, cfg->ctl[VMX_CTL_PIN]);
    put(w, CPU_BASED_VM_EXEC_CONTROL, proc);
    put(w, SECONDARY_VM_EXEC_CONTROL, proc2);
    put(w, VM_EXIT_CONTROLS, cfg->ctl[VMX_CTL_EXIT]);
    put(w, VM_ENTRY_CONTROLS, cfg->ctl[VMX_CTL_ENTRY] & ~ENTRY_IA32E_MODE);
    put(w, EXCEPTION_BITMAP, hap ? 0 : 1U << TRAP_page_fault);
    put(w, PAGE_FAULT_ERROR_CODE_MASK, 0);
    put(w, PAGE_FAULT_ERROR_CODE_MATCH, 0);
    put(w, CR3_TARGET_COUNT, 0);
    put(w, VM_EXIT_MSR_STORE_COUNT, 0);
    put(w, VM_EXIT_MSR_LOAD_COUNT, 0);
    put(w, VM_ENTRY_MSR_LOAD_COUNT, 0);
    put(w, VM_ENTRY_INTR_INFO, 0);
    put(w, IO_BITMAP_A, ctl->io_bitmap_a);
    put(w, IO_BITMAP_B, ctl->io_bitmap_b);
    put(w, MSR_BITMAP, ctl->msr_bitmap);
    put(w, TSC_OFFSET, 0);
    if (hap)
        put(w, EPT_POINTER, ctl->eptp);
    if (ctl->vpid)
        put(w, VIRTUAL_PROCESSOR_ID, ctl->vpid);
    put(w, CR0_GUEST_HOST_MASK, hap ? CR0_OWNED_HAP : CR0_OWNED_SHADOW);
    put(w, CR4_GUEST_HOST_MASK, hap ? CR4_OWNED_HAP : CR4_OWNED_SHADOW);
    put(w, VMCS_LINK_POINTER, VMCS_LINK_NONE);
}

void vmcs_write_host(const struct vmcs_writer *w, const struct vmcs_host *h)
{
    put(w, HOST_CR0, h->cr0);
    put(w, HOST_CR3, h->cr3);
    put(w, HOST_CR4, h->cr4);
    put(w, HOST_IA32_EFER, h->efer);
    put(w, HOST_IA32_PAT, h->pat);
    put(w, HOST_CS_SELECTOR, h->cs);
    put(w, HOST_SS_SELECTOR, h->ss);
    put(w, HOST_DS_SELECTOR, 0);
    put(w, HOST_ES_SELECTOR, 0);
    put(w, HOST_FS_SELECTOR, 0);
    put(w, HOST_GS_SELECTOR, 0);
    put(w, HOST_TR_SELECTOR, h->tr);
    /* The hypervisor reaches its per-CPU data through the stack, never
     * through FS or GS. */
    put(w, HOST_FS_BASE, 0);
    put(w, HOST_GS_BASE, 0);
    put(w, HOST_TR_BASE, h->tr_base);
    put(w, HOST_GDTR_BASE, h->gdtr_base);
    put(w, HOST_IDTR_BASE, h->idtr_base);
    put(w, HOST_IA32_SYSENTER_CS, 0);
    put(w, HOST_IA32_SYSENTER_ESP, 0);
    put(w, HOST_IA32_SYSENTER_EIP, 0);
    put(w, HOST_RIP, h->rip);
}

static void put_segment(const struct vmcs_writer *w, uint32_t sel_field,
                        uint16_t sel, uint32_t limit, uint32_t ar)
{
    /* Each segment's fields sit at fixed distances from its selector's
     * (B.1.2, B.3.3, B.4.3): index n of each group. */
    unsigned int n = (sel_field - GUEST_ES_SELECTOR) / 2;

    put(w, sel_field, sel);
    put(w, GUEST_ES_BASE + 2 * n, 0);
    put(w, GUEST_ES_LIMIT + 2 * n, limit);
    put(w, GUEST_ES_AR_BYTES + 2 * n, ar);
}

void vmcs_write_pvh_start(const struct vmcs_writer *w, uint32_t entry)
{
    static const uint32_t data_segs[] = {
        GUEST_ES_SELECTOR, GUEST_SS_SELECTOR, GUEST_DS_SELECTOR,
        GUEST_FS_SELECTOR, GUEST_GS_SELECTOR,
    };

    put(w, GUEST_CR0, X86_CR0_PE | X86_CR0_ET | X86_CR0_NE);
    put(w, CR0_READ_SHADOW, X86_CR0_PE | X86_CR0_ET);
    put(w, GUEST_CR3, 0);
    put(w, GUEST_CR4, X86_CR4_VMXE);
    put(w, CR4_READ_SHADOW, 0);
    put(w, GUEST_IA32_EFER, 0);
    put(w, GUEST_IA32_PAT, PAT_POWER_ON);
    put(w, GUEST_IA32_DEBUGCTL, 0);
    put(w, GUEST_DR7, DR7_INIT);
    put(w, GUEST_SYSENTER_CS, 0);
    put(w, GUEST_SYSENTER_ESP, 0);
    put(w, GUEST_SYSENTER_EIP, 0);
    put_segment(w, GUEST_CS_SELECTOR, PVH_CS, FLAT_LIMIT, AR_CODE32);
    for (size_t i = 0; i < ARRAY_SIZE(data_segs); i++)
        put_segment(w, data_segs[i], PVH_DS, FLAT_LIMIT, AR_DATA32);
    put_segment(w, GUEST_TR_SELECTOR, PVH_TR, TSS_LIMIT, AR_TSS32);
    put_segment(w, GUEST_LDTR_SELECTOR, 0, 0, VMX_AR_UNUSABLE);
    put(w, GUEST_GDTR_BASE, 0);
    put(w, GUEST_GDTR_LIMIT, 0);
    put(w, GUEST_IDTR_BASE, 0);
    put(w, GUEST_IDTR_LIMIT, 0);
    put(w, GUEST_RIP, entry);
    put(w, GUEST_RSP, 0);
    put(w, GUEST_RFLAGS, X86_EFLAGS_MBS);
    put(w, GUEST_ACTIVITY_STATE, VMX_ACTIVITY_ACTIVE);
    put(w, GUEST_INTERRUPTIBILITY_INFO, 0);
    put(w, GUEST_PENDING_DBG_EXCEPTIONS, 0);
}
