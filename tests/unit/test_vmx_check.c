/*
 * The VM-entry checklist (hvm/vmx/vmx_check*.c) over a VMCS held in an
 * array, filled by the same code that fills real ones (hvm/vmx/vmcs_state.c)
 * with corei7_skylake_x's capability MSRs: the state a PVH vCPU starts in
 * must pass, and each broken rule must be reported with the field the SDM
 * ties it to.
 */
#include <string.h>

#include "asm/desc.h"
#include "asm/msr.h"
#include "asm/processor.h"
#include "asm/vmcs.h"
#include "asm/vmx.h"
#include "asm/vmx_caps.h"
#include "asm/vmx_check.h"

#include "unit.h"
#include "vmx_msrs.h"

#define VMCS_SPAN   0x7000          /* every encoding is below this */

static uint64_t vmcs[VMCS_SPAN];
static struct vmx_msrs msrs;
static struct vmx_config cfg;

static void write_field(void *opaque, uint32_t field, uint64_t value)
{
    CHECK(field < VMCS_SPAN);
    CHECK(vmcs_field_name(field) != NULL);
    vmcs[field] = value;
}

static uint64_t read_field(void *opaque, uint32_t field)
{
    return field < VMCS_SPAN ? vmcs[field] : 0;
}

static const struct vmcs_writer writer = { write_field, NULL };

static void skylake(void)
{
    msrs = skylake_msrs();
    vmx_compute_config(&msrs, &cfg);
}

/* A PVH vCPU about to start, on a plausible 64-bit host. */
static void fresh_vmcs(uint64_t eptp)
{
    struct vmcs_controls ctl = {
        .vpid = 1, .eptp = eptp, .io_bitmap_a = 0x100000,
        .io_bitmap_b = 0x101000, .msr_bitmap = 0x102000,
    };
    struct vmcs_host host = {
        .cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG,
        .cr3 = 0x1f929000, .cr4 = 0x1006a0 | X86_CR4_VMXE,
        .efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE,
        .pat = 0x0007040600070406UL, .cs = 0xe008, .ss = 0xe010,
        .tr = 0xe040, .tr_base = 0xffff830000100810UL,
        .gdtr_base = 0xffff820000000000UL, .idtr_base = 0xffff82d080240000UL,
        .rip = 0xffff82d080201000UL,
    };

    memset(vmcs, 0, sizeof(vmcs));
    skylake();
    vmcs_write_controls(&writer, &cfg, &ctl);
    vmcs_write_host(&writer, &host);
    vmcs_write_pvh_start(&writer, 0x100000);
}

#define EPTP_WB_4LEVEL(pa)  ((pa) | VMX_MEMTYPE_WB | (3 << 3))

static struct vmx_check check(void)
{
    return (struct vmx_check){ read_field, NULL, &msrs, 39, 0, 0, NULL };
}

static bool all_pass(struct vmx_check *c)
{
    return vmx_check_controls(c) && vmx_check_host_state(c) &&
           vmx_check_guest_state(c);
}

/* The state must fail on exactly field. */
static void expect_broken(uint32_t field)
{
    struct vmx_check c = check();
    CHECK(!all_pass(&c));
    CHECK_STR(vmcs_field_name(c.field), vmcs_field_name(field));
    CHECK(c.rule != NULL);
    CHECK_EQ(c.value, vmcs[field]);
}

TEST(pvh_start_state_passes_every_check)
{
    struct vmx_check c = check();

    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    CHECK(vmx_check_controls(&c));
    CHECK(vmx_check_host_state(&c));
    CHECK(vmx_check_guest_state(&c));
    CHECK_EQ(vmcs[GUEST_RIP], 0x100000);
    CHECK_EQ(vmcs[CR0_READ_SHADOW], X86_CR0_PE | 0x10);
    CHECK(vmcs[SECONDARY_VM_EXEC_CONTROL] & PROC2_UNRESTRICTED_GUEST);
    CHECK(!(vmcs[VM_ENTRY_CONTROLS] & ENTRY_IA32E_MODE));
    CHECK(!(vmcs[CPU_BASED_VM_EXEC_CONTROL] & PROC_INTR_WINDOW_EXITING));
}

TEST(paging_without_protection_names_guest_cr0)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[GUEST_CR0] = X86_CR0_PG | X86_CR0_NE;
    expect_broken(GUEST_CR0);
}

TEST(clearing_cr0_ne_names_guest_cr0)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[GUEST_CR0] &= ~X86_CR0_NE;
    expect_broken(GUEST_CR0);
}

TEST(protection_off_needs_unrestricted_guest)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[GUEST_CR0] &= ~X86_CR0_PE;
    {
        struct vmx_check c = check();
        CHECK(vmx_check_guest_state(&c));
    }
    vmcs[SECONDARY_VM_EXEC_CONTROL] &= ~PROC2_UNRESTRICTED_GUEST;
    expect_broken(GUEST_CR0);
}

TEST(disallowed_pin_control_names_the_field)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[PIN_BASED_VM_EXEC_CONTROL] |= PIN_POSTED_INTR;
    expect_broken(PIN_BASED_VM_EXEC_CONTROL);
}

TEST(cleared_required_control_names_the_field)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[VM_EXIT_CONTROLS] &= ~1U;                  /* a default1 bit */
    expect_broken(VM_EXIT_CONTROLS);
}

TEST(host_cr4_without_vmxe_names_host_cr4)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[HOST_CR4] &= ~X86_CR4_VMXE;
    expect_broken(HOST_CR4);
}

TEST(host_selector_with_rpl_names_it)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[HOST_SS_SELECTOR] |= 3;
    expect_broken(HOST_SS_SELECTOR);
}

TEST(noncanonical_host_rip_names_it)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[HOST_RIP] = 0x0000800000000000UL;
    expect_broken(HOST_RIP);
}

TEST(bad_ept_pointer_names_it)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[EPT_POINTER] = 0x200000 | VMX_MEMTYPE_WB | (1 << 3);  /* 2 levels */
    expect_broken(EPT_POINTER);
    vmcs[EPT_POINTER] = EPTP_WB_4LEVEL(0x200000) | (1UL << 7);
    expect_broken(EPT_POINTER);
    vmcs[EPT_POINTER] = 0x200000 | 1 | (3 << 3);                /* WC */
    expect_broken(EPT_POINTER);
}

TEST(unaligned_msr_bitmap_names_it)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[MSR_BITMAP] |= 0x800;
    expect_broken(MSR_BITMAP);
}

TEST(vpid_zero_names_it)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[VIRTUAL_PROCESSOR_ID] = 0;
    expect_broken(VIRTUAL_PROCESSOR_ID);
}

TEST(data_segment_as_cs_needs_unrestricted_guest)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[GUEST_CS_AR_BYTES] = (vmcs[GUEST_CS_AR_BYTES] & ~0xfUL) | 3;
    {
        struct vmx_check c = check();
        CHECK(vmx_check_guest_state(&c));
    }
    /* Without unrestricted guest, paging must be on: 32-bit paging. */
    vmcs[SECONDARY_VM_EXEC_CONTROL] &= ~PROC2_UNRESTRICTED_GUEST;
    vmcs[GUEST_CR0] |= X86_CR0_PE | X86_CR0_PG;
    expect_broken(GUEST_CS_AR_BYTES);
}

TEST(unusable_tr_names_it)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[GUEST_TR_AR_BYTES] = VMX_AR_UNUSABLE;
    expect_broken(GUEST_TR_AR_BYTES);
}

TEST(granularity_must_match_the_limit)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[GUEST_DS_LIMIT] = 0xffffff00;
    expect_broken(GUEST_DS_AR_BYTES);
}

TEST(rflags_bit_1_must_be_set)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[GUEST_RFLAGS] = 0;
    expect_broken(GUEST_RFLAGS);
}

TEST(vmcs_link_pointer_must_be_all_ones)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[VMCS_LINK_POINTER] = 0;
    expect_broken(VMCS_LINK_POINTER);
}

TEST(hlt_with_ss_dpl_3_names_activity_state)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[GUEST_ACTIVITY_STATE] = VMX_ACTIVITY_HLT;
    vmcs[GUEST_SS_AR_BYTES] |= 3 << 5;
    vmcs[GUEST_SS_SELECTOR] |= 3;
    vmcs[GUEST_CS_AR_BYTES] |= 3 << 5;
    vmcs[GUEST_CS_SELECTOR] |= 3;
    expect_broken(GUEST_ACTIVITY_STATE);
}

TEST(page_fault_injected_without_error_code_names_intr_info)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[VM_ENTRY_INTR_INFO] = INTR_INFO_VALID |
        (INTR_TYPE_HW_EXCEPTION << INTR_INFO_TYPE_SHIFT) | TRAP_page_fault;
    expect_broken(VM_ENTRY_INTR_INFO);
    vmcs[VM_ENTRY_INTR_INFO] |= INTR_INFO_DELIVER_CODE;
    {
        struct vmx_check c = check();
        CHECK(all_pass(&c));
    }
}

TEST(long_mode_needs_paging_and_lma)
{
    fresh_vmcs(EPTP_WB_4LEVEL(0x200000));
    vmcs[VM_ENTRY_CONTROLS] |= ENTRY_IA32E_MODE;
    expect_broken(GUEST_CR0);
    vmcs[GUEST_CR0] |= X86_CR0_PG;
    vmcs[GUEST_CR4] |= X86_CR4_PAE;
    expect_broken(GUEST_IA32_EFER);
    vmcs[GUEST_IA32_EFER] = EFER_LME | EFER_LMA;
    vmcs[GUEST_CS_AR_BYTES] = (vmcs[GUEST_CS_AR_BYTES] & ~VMX_AR_DB) | VMX_AR_L;
    {
        struct vmx_check c = check();
        CHECK(all_pass(&c));
    }
    vmcs[GUEST_RIP] = 0x0000900000000000UL;       /* not canonical */
    expect_broken(GUEST_RIP);
}

TEST(shadow_mode_controls_exit_on_cr3_and_page_faults)
{
    struct vmx_check c = check();

    fresh_vmcs(0);
    CHECK(!(vmcs[SECONDARY_VM_EXEC_CONTROL] & (PROC2_EPT | PROC2_UNRESTRICTED_GUEST)));
    CHECK(vmcs[CPU_BASED_VM_EXEC_CONTROL] & PROC_CR3_LOAD_EXITING);
    CHECK(vmcs[CPU_BASED_VM_EXEC_CONTROL] & PROC_INVLPG_EXITING);
    CHECK(vmcs[EXCEPTION_BITMAP] & (1U << TRAP_page_fault));
    CHECK(vmcs[CR0_GUEST_HOST_MASK] & X86_CR0_PG);
    CHECK(vmx_check_controls(&c));
}
