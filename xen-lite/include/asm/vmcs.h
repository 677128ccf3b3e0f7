/*
 * VMCS field encodings (Intel SDM vol. 3C appendix B), named once.  The
 * list is an X-macro so that the encodings and the names printed in
 * failure reports come from the same lines.
 *
 * An encoding's bits (24.11.2): 0 access type (high half of a 64-bit
 * field), 9:1 index, 11:10 type (control, read-only data, guest state,
 * host state), 14:13 width (16-bit, 64-bit, 32-bit, natural).
 */
#ifndef ASM_VMCS_H
#define ASM_VMCS_H

#include "xen/types.h"

#define VMCS_FIELDS(X)                                                  \
    /* 16-bit control, guest-state and host-state fields (B.1) */       \
    X(VIRTUAL_PROCESSOR_ID,             0x0000)                         \
    X(GUEST_ES_SELECTOR,                0x0800)                         \
    X(GUEST_CS_SELECTOR,                0x0802)                         \
    X(GUEST_SS_SELECTOR,                0x0804)                         \
    X(GUEST_DS_SELECTOR,                0x0806)                         \
    X(GUEST_FS_SELECTOR,                0x0808)                         \
    X(GUEST_GS_SELECTOR,                0x080a)                         \
    X(GUEST_LDTR_SELECTOR,              0x080c)                         \
    X(GUEST_TR_SELECTOR,                0x080e)                         \
    X(HOST_ES_SELECTOR,                 0x0c00)                         \
    X(HOST_CS_SELECTOR,                 0x0c02)                         \
    X(HOST_SS_SELECTOR,                 0x0c04)                         \
    X(HOST_DS_SELECTOR,                 0x0c06)                         \
    X(HOST_FS_SELECTOR,                 0x0c08)                         \
    X(HOST_GS_SELECTOR,                 0x0c0a)                         \
    X(HOST_TR_SELECTOR,                 0x0c0c)                         \
    /* 64-bit control fields (B.2.1) */                                 \
    X(IO_BITMAP_A,                      0x2000)                         \
    X(IO_BITMAP_B,                      0x2002)                         \
    X(MSR_BITMAP,                       0x2004)                         \
    X(VM_EXIT_MSR_STORE_ADDR,           0x2006)                         \
    X(VM_EXIT_MSR_LOAD_ADDR,            0x2008)                         \
    X(VM_ENTRY_MSR_LOAD_ADDR,           0x200a)                         \
    X(TSC_OFFSET,                       0x2010)                         \
    X(VIRTUAL_APIC_PAGE_ADDR,           0x2012)                         \
    X(APIC_ACCESS_ADDR,                 0x2014)                         \
    X(EPT_POINTER,                      0x201a)                         \
    /* 64-bit read-only data and guest-state fields (B.2.2, B.2.3) */   \
    X(GUEST_PHYSICAL_ADDRESS,           0x2400)                         \
    X(VMCS_LINK_POINTER,                0x2800)                         \
    X(GUEST_IA32_DEBUGCTL,              0x2802)                         \
    X(GUEST_IA32_PAT,                   0x2804)                         \
    X(GUEST_IA32_EFER,                  0x2806)                         \
    X(GUEST_PDPTE0,                     0x280a)                         \
    X(GUEST_PDPTE1,                     0x280c)                         \
    X(GUEST_PDPTE2,                     0x280e)                         \
    X(GUEST_PDPTE3,                     0x2810)                         \
    /* 64-bit host-state fields (B.2.4) */                              \
    X(HOST_IA32_PAT,                    0x2c00)                         \
    X(HOST_IA32_EFER,                   0x2c02)                         \
    /* 32-bit control fields (B.3.1) */                                 \
    X(PIN_BASED_VM_EXEC_CONTROL,        0x4000)                         \
    X(CPU_BASED_VM_EXEC_CONTROL,        0x4002)                         \
    X(EXCEPTION_BITMAP,                 0x4004)                         \
    X(PAGE_FAULT_ERROR_CODE_MASK,       0x4006)                         \
    X(PAGE_FAULT_ERROR_CODE_MATCH,      0x4008)                         \
    X(CR3_TARGET_COUNT,                 0x400a)                         \
    X(VM_EXIT_CONTROLS,                 0x400c)                         \
    X(VM_EXIT_MSR_STORE_COUNT,          0x400e)                         \
    X(VM_EXIT_MSR_LOAD_COUNT,           0x4010)                         \
    X(VM_ENTRY_CONTROLS,                0x4012)                         \
    X(VM_ENTRY_MSR_LOAD_COUNT,          0x4014)                         \
    X(VM_ENTRY_INTR_INFO,               0x4016)                         \
    X(VM_ENTRY_EXCEPTION_ERROR_CODE,    0x4018)                         \
    X(VM_ENTRY_INSTRUCTION_LEN,         0x401a)                         \
    X(TPR_THRESHOLD,                    0x401c)                         \
    X(SECONDARY_VM_EXEC_CONTROL,        0x401e)                         \
    /* 32-bit read-only data fields (B.3.2) */                          \
    X(VM_INSTRUCTION_ERROR,             0x4400)                         \
    X(VM_EXIT_REASON,                   0x4402)                         \
    X(VM_EXIT_INTR_INFO,                0x4404)                         \
    X(VM_EXIT_INTR_ERROR_CODE,          0x4406)                         \
    X(IDT_VECTORING_INFO,               0x4408)                         \
    X(IDT_VECTORING_ERROR_CODE,         0x440a)                         \
    X(VM_EXIT_INSTRUCTION_LEN,          0x440c)                         \
    X(VMX_INSTRUCTION_INFO,             0x440e)                         \
    /* 32-bit guest-state fields (B.3.3) */                             \
    X(GUEST_ES_LIMIT,                   0x4800)                         \
    X(GUEST_CS_LIMIT,                   0x4802)                         \
    X(GUEST_SS_LIMIT,                   0x4804)                         \
    X(GUEST_DS_LIMIT,                   0x4806)                         \
    X(GUEST_FS_LIMIT,                   0x4808)                         \
    X(GUEST_GS_LIMIT,                   0x480a)                         \
    X(GUEST_LDTR_LIMIT,                 0x480c)                         \
    X(GUEST_TR_LIMIT,                   0x480e)                         \
    X(GUEST_GDTR_LIMIT,                 0x4810)                         \
    X(GUEST_IDTR_LIMIT,                 0x4812)                         \
    X(GUEST_ES_AR_BYTES,                0x4814)                         \
    X(GUEST_CS_AR_BYTES,                0x4816)                         \
    X(GUEST_SS_AR_BYTES,                0x4818)                         \
    X(GUEST_DS_AR_BYTES,                0x481a)                         \
    X(GUEST_FS_AR_BYTES,                0x481c)                         \
    X(GUEST_GS_AR_BYTES,                0x481e)                         \
    X(GUEST_LDTR_AR_BYTES,              0x4820)                         \
    X(GUEST_TR_AR_BYTES,                0x4822)                         \
    X(GUEST_INTERRUPTIBILITY_INFO,      0x4824)                         \
    X(GUEST_ACTIVITY_STATE,             0x4826)                         \
    X(GUEST_SYSENTER_CS,                0x482a)                         \
    /* 32-bit host-state field (B.3.4) */                               \
    X(HOST_IA32_SYSENTER_CS,            0x4c00)                         \
    /* natural-width control fields (B.4.1) */                          \
    X(CR0_GUEST_HOST_MASK,              0x6000)                         \
    X(CR4_GUEST_HOST_MASK,              0x6002)                         \
    X(CR0_READ_SHADOW,                  0x6004)                         \
    X(CR4_READ_SHADOW,                  0x6006)                         \
    /* natural-width read-only data fields (B.4.2) */                   \
    X(EXIT_QUALIFICATION,               0x6400)                         \
    X(GUEST_LINEAR_ADDRESS,             0x640a)                         \
    /* natural-width guest-state fields (B.4.3) */                      \
    X(GUEST_CR0,                        0x6800)                         \
    X(GUEST_CR3,                        0x6802)                         \
    X(GUEST_CR4,                        0x6804)                         \
    X(GUEST_ES_BASE,                    0x6806)                         \
    X(GUEST_CS_BASE,                    0x6808)                         \
    X(GUEST_SS_BASE,                    0x680a)                         \
    X(GUEST_DS_BASE,                    0x680c)                         \
    X(GUEST_FS_BASE,                    0x680e)                         \
    X(GUEST_GS_BASE,                    0x6810)                         \
    X(GUEST_LDTR_BASE,                  0x6812)                         \
    X(GUEST_TR_BASE,                    0x6814)                         \
    X(GUEST_GDTR_BASE,                  0x6816)                         \
    X(GUEST_IDTR_BASE,                  0x6818)                         \
    X(GUEST_DR7,                        0x681a)                         \
    X(GUEST_RSP,                        0x681c)                         \
    X(GUEST_RIP,                        0x681e)                         \
    X(GUEST_RFLAGS,                     0x6820)                         \
    X(GUEST_PENDING_DBG_EXCEPTIONS,     0x6822)                         \
    X(GUEST_SYSENTER_ESP,               0x6824)                         \
    X(GUEST_SYSENTER_EIP,               0x6826)                         \
    /* natural-width host-state fields (B.4.4) */                       \
    X(HOST_CR0,                         0x6c00)                         \
    X(HOST_CR3,                         0x6c02)                         \
    X(HOST_CR4,                         0x6c04)                         \
    X(HOST_FS_BASE,                     0x6c06)                         \
    X(HOST_GS_BASE,                     0x6c08)                         \
    X(HOST_TR_BASE,                     0x6c0a)                         \
    X(HOST_GDTR_BASE,                   0x6c0c)                         \
    X(HOST_IDTR_BASE,                   0x6c0e)                         \
    X(HOST_IA32_SYSENTER_ESP,           0x6c10)                         \
    X(HOST_IA32_SYSENTER_EIP,           0x6c12)                         \
    X(HOST_RSP,                         0x6c14)                         \
    X(HOST_RIP,                         0x6c16)

enum vmcs_field {
#define VMCS_ENUM(name, enc) name = enc,
    VMCS_FIELDS(VMCS_ENUM)
#undef VMCS_ENUM
};

/* The SDM's name of a field ("GUEST_CR0"), or NULL for one not listed. */
const char *vmcs_field_name(uint32_t field);

/*
 * Filling a VMCS (hvm/vmx/vmcs_state.c): pure logic writing through a
 * callback -- VMWRITE to the current VMCS in the hypervisor, an array in
 * the unit tests -- so the state a guest starts in is checked against the
 * VM-entry checklist on the host too.
 */
struct vmcs_writer {
    void (*write)(void *opaque, uint32_t field, uint64_t value);
    void *opaque;
};

struct vmx_config;

/* Per-vCPU inputs to the execution controls. */
struct vmcs_controls {
    uint16_t vpid;                      /* 0: VPIDs off */
    uint64_t eptp;                      /* 0: EPT off (shadow paging) */
    uint64_t io_bitmap_a, io_bitmap_b;  /* machine addresses of the bitmaps */
    uint64_t msr_bitmap;
};

/* The host state VM exits return to (26.2.2 - 26.2.4, 27.5). */
struct vmcs_host {
    uint64_t cr0, cr3, cr4, efer, pat;
    uint16_t cs, ss, tr;
    uint64_t tr_base, gdtr_base, idtr_base;
    uint64_t rip;                       /* the exit entry point */
};

void vmcs_write_controls(const struct vmcs_writer *w, const struct vmx_config *cfg,
                         const struct vmcs_controls *ctl);
void vmcs_write_host(const struct vmcs_writer *w, const struct vmcs_host *h);
/* A PVH vCPU's start (Xen's PVH ABI): 32-bit protected mode, paging off,
 * flat segments, at entry. */
void vmcs_write_pvh_start(const struct vmcs_writer *w, uint32_t entry);

/* Interruption-information format (24.8.3, VM_ENTRY_INTR_INFO and the
 * exit's VM_EXIT_INTR_INFO / IDT_VECTORING_INFO). */
#define INTR_INFO_VECTOR_MASK           0xffU
#define INTR_INFO_TYPE_SHIFT            8
#define INTR_TYPE_EXT_INTR              0
#define INTR_TYPE_RESERVED              1
#define INTR_TYPE_NMI                   2
#define INTR_TYPE_HW_EXCEPTION          3
#define INTR_TYPE_SW_INTR               4
#define INTR_TYPE_PRIV_SW_EXCEPTION     5
#define INTR_TYPE_SW_EXCEPTION          6
#define INTR_TYPE_OTHER_EVENT           7
#define INTR_INFO_DELIVER_CODE          (1U << 11)
#define INTR_INFO_NMI_UNBLOCKED_IRET    (1U << 12)
#define INTR_INFO_VALID                 (1U << 31)
#define INTR_INFO_RESERVED              0x7ffff000U

/* Guest interruptibility state (24.4.2, table 24-3). */
#define INTR_STATE_STI                  (1U << 0)
#define INTR_STATE_MOV_SS               (1U << 1)
#define INTR_STATE_SMI                  (1U << 2)
#define INTR_STATE_NMI                  (1U << 3)
#define INTR_STATE_RESERVED             0xffffffe0U

#endif
