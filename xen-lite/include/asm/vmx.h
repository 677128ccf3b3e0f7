/*
 * Intel VMX: capability MSRs, VM-execution/exit/entry control bits, exit
 * reasons, VM-instruction errors and the VMX instructions (Intel SDM vol. 3C
 * chapters 24-31 and appendices A and C).  VMCS field encodings are in
 * asm/vmcs.h.
 */
#ifndef ASM_VMX_H
#define ASM_VMX_H

#include "xen/types.h"

/* CPUID.1:ECX.VMX (SDM 23.6) and CR4.VMXE (2.5). */
#define CPUID1_ECX_VMX                  (1U << 5)
#define X86_CR4_VMXE                    (1UL << 13)

/* IA32_FEATURE_CONTROL (SDM 23.7; vol. 4 table 2-2). */
#define MSR_IA32_FEATURE_CONTROL        0x0000003a
#define  FEATURE_CONTROL_LOCK           (1UL << 0)
#define  FEATURE_CONTROL_VMX_IN_SMX     (1UL << 1)
#define  FEATURE_CONTROL_VMX_OUTSIDE_SMX (1UL << 2)

/* The VMX capability MSRs (SDM appendix A). */
#define MSR_IA32_VMX_BASIC              0x00000480
#define MSR_IA32_VMX_PINBASED_CTLS      0x00000481
#define MSR_IA32_VMX_PROCBASED_CTLS     0x00000482
#define MSR_IA32_VMX_EXIT_CTLS          0x00000483
#define MSR_IA32_VMX_ENTRY_CTLS         0x00000484
#define MSR_IA32_VMX_MISC               0x00000485
#define MSR_IA32_VMX_CR0_FIXED0         0x00000486
#define MSR_IA32_VMX_CR0_FIXED1         0x00000487
#define MSR_IA32_VMX_CR4_FIXED0         0x00000488
#define MSR_IA32_VMX_CR4_FIXED1         0x00000489
#define MSR_IA32_VMX_PROCBASED_CTLS2    0x0000048b
#define MSR_IA32_VMX_EPT_VPID_CAP       0x0000048c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x0000048d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x0000048e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS     0x0000048f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS    0x00000490

/* IA32_VMX_BASIC (A.1). */
#define VMX_BASIC_REVISION_MASK         0x7fffffffUL
#define VMX_BASIC_REGION_SIZE(b)        (((b) >> 32) & 0x1fff)
#define VMX_BASIC_32BIT_ADDRESSES       (1UL << 48)
#define VMX_BASIC_MEMTYPE(b)            (((b) >> 50) & 0xf)
#define VMX_BASIC_TRUE_CTLS             (1UL << 55)
#define VMX_MEMTYPE_WB                  6

/* IA32_VMX_MISC (A.6). */
#define VMX_MISC_ACTIVITY_HLT           (1UL << 6)
#define VMX_MISC_VMWRITE_ANY_FIELD      (1UL << 29)

/* IA32_VMX_EPT_VPID_CAP (A.10). */
#define VMX_EPT_EXEC_ONLY               (1UL << 0)
#define VMX_EPT_WALK_4                  (1UL << 6)
#define VMX_EPT_MEMTYPE_UC              (1UL << 8)
#define VMX_EPT_MEMTYPE_WB              (1UL << 14)
#define VMX_EPT_2MB                     (1UL << 16)
#define VMX_EPT_1GB                     (1UL << 17)
#define VMX_EPT_INVEPT                  (1UL << 20)
#define VMX_EPT_AD                      (1UL << 21)
#define VMX_EPT_INVEPT_SINGLE           (1UL << 25)
#define VMX_EPT_INVEPT_ALL              (1UL << 26)
#define VMX_VPID_INVVPID                (1UL << 32)
#define VMX_VPID_INVVPID_ADDR           (1UL << 40)
#define VMX_VPID_INVVPID_SINGLE         (1UL << 41)
#define VMX_VPID_INVVPID_ALL            (1UL << 42)

/* Pin-based VM-execution controls (24.6.1). */
#define PIN_EXT_INTR_EXITING            (1U << 0)
#define PIN_NMI_EXITING                 (1U << 3)
#define PIN_VIRTUAL_NMIS                (1U << 5)
#define PIN_PREEMPT_TIMER               (1U << 6)
#define PIN_POSTED_INTR                 (1U << 7)

/* Primary processor-based VM-execution controls (24.6.2, table 24-6). */
#define PROC_INTR_WINDOW_EXITING        (1U << 2)
#define PROC_TSC_OFFSETTING             (1U << 3)
#define PROC_HLT_EXITING                (1U << 7)
#define PROC_INVLPG_EXITING             (1U << 9)
#define PROC_MWAIT_EXITING              (1U << 10)
#define PROC_RDPMC_EXITING              (1U << 11)
#define PROC_RDTSC_EXITING              (1U << 12)
#define PROC_CR3_LOAD_EXITING           (1U << 15)
#define PROC_CR3_STORE_EXITING          (1U << 16)
#define PROC_CR8_LOAD_EXITING           (1U << 19)
#define PROC_CR8_STORE_EXITING          (1U << 20)
#define PROC_TPR_SHADOW                 (1U << 21)
#define PROC_NMI_WINDOW_EXITING         (1U << 22)
#define PROC_MOV_DR_EXITING             (1U << 23)
#define PROC_UNCOND_IO_EXITING          (1U << 24)
#define PROC_IO_BITMAPS                 (1U << 25)
#define PROC_MONITOR_TRAP_FLAG          (1U << 27)
#define PROC_MSR_BITMAPS                (1U << 28)
#define PROC_MONITOR_EXITING            (1U << 29)
#define PROC_PAUSE_EXITING              (1U << 30)
#define PROC_SECONDARY_CONTROLS         (1U << 31)

/* Secondary processor-based VM-execution controls (24.6.2, table 24-7). */
#define PROC2_VIRT_APIC_ACCESSES        (1U << 0)
#define PROC2_EPT                       (1U << 1)
#define PROC2_DESC_TABLE_EXITING        (1U << 2)
#define PROC2_RDTSCP                    (1U << 3)
#define PROC2_VIRT_X2APIC               (1U << 4)
#define PROC2_VPID                      (1U << 5)
#define PROC2_WBINVD_EXITING            (1U << 6)
#define PROC2_UNRESTRICTED_GUEST        (1U << 7)
#define PROC2_INVPCID                   (1U << 12)
#define PROC2_VMFUNC                    (1U << 13)
#define PROC2_XSAVES                    (1U << 20)

/* VM-exit controls (24.7.1). */
#define EXIT_SAVE_DEBUG_CTLS            (1U << 2)
#define EXIT_HOST_ADDR_SPACE_SIZE       (1U << 9)
#define EXIT_LOAD_PERF_GLOBAL_CTRL      (1U << 12)
#define EXIT_ACK_INTR_ON_EXIT           (1U << 15)
#define EXIT_SAVE_PAT                   (1U << 18)
#define EXIT_LOAD_PAT                   (1U << 19)
#define EXIT_SAVE_EFER                  (1U << 20)
#define EXIT_LOAD_EFER                  (1U << 21)
#define EXIT_SAVE_PREEMPT_TIMER         (1U << 22)

/* VM-entry controls (24.8.1). */
#define ENTRY_LOAD_DEBUG_CTLS           (1U << 2)
#define ENTRY_IA32E_MODE                (1U << 9)
#define ENTRY_SMM                       (1U << 10)
#define ENTRY_DEACT_DUAL_MONITOR        (1U << 11)
#define ENTRY_LOAD_PERF_GLOBAL_CTRL     (1U << 13)
#define ENTRY_LOAD_PAT                  (1U << 14)
#define ENTRY_LOAD_EFER                 (1U << 15)

/* Basic exit reasons (appendix C); bit 31 marks a failed VM entry. */
#define EXIT_REASON_EXCEPTION_NMI       0
#define EXIT_REASON_EXTERNAL_INTERRUPT  1
#define EXIT_REASON_TRIPLE_FAULT        2
#define EXIT_REASON_INIT                3
#define EXIT_REASON_SIPI                4
#define EXIT_REASON_INTERRUPT_WINDOW    7
#define EXIT_REASON_NMI_WINDOW          8
#define EXIT_REASON_TASK_SWITCH         9
#define EXIT_REASON_CPUID               10
#define EXIT_REASON_GETSEC              11
#define EXIT_REASON_HLT                 12
#define EXIT_REASON_INVD                13
#define EXIT_REASON_INVLPG              14
#define EXIT_REASON_RDPMC               15
#define EXIT_REASON_RDTSC               16
#define EXIT_REASON_RSM                 17
#define EXIT_REASON_VMCALL              18
#define EXIT_REASON_VMCLEAR             19
#define EXIT_REASON_VMLAUNCH            20
#define EXIT_REASON_VMPTRLD             21
#define EXIT_REASON_VMPTRST             22
#define EXIT_REASON_VMREAD              23
#define EXIT_REASON_VMRESUME            24
#define EXIT_REASON_VMWRITE             25
#define EXIT_REASON_VMXOFF              26
#define EXIT_REASON_VMXON               27
#define EXIT_REASON_CR_ACCESS           28
#define EXIT_REASON_DR_ACCESS           29
#define EXIT_REASON_IO_INSTRUCTION      30
#define EXIT_REASON_MSR_READ            31
#define EXIT_REASON_MSR_WRITE           32
#define EXIT_REASON_INVALID_GUEST_STATE 33
#define EXIT_REASON_MSR_LOADING         34
#define EXIT_REASON_MWAIT               36
#define EXIT_REASON_MONITOR_TRAP_FLAG   37
#define EXIT_REASON_MONITOR             39
#define EXIT_REASON_PAUSE               40
#define EXIT_REASON_MCE_DURING_ENTRY    41
#define EXIT_REASON_TPR_BELOW_THRESHOLD 43
#define EXIT_REASON_APIC_ACCESS         44
#define EXIT_REASON_EOI_INDUCED         45
#define EXIT_REASON_GDTR_IDTR           46
#define EXIT_REASON_LDTR_TR             47
#define EXIT_REASON_EPT_VIOLATION       48
#define EXIT_REASON_EPT_MISCONFIG       49
#define EXIT_REASON_INVEPT              50
#define EXIT_REASON_RDTSCP              51
#define EXIT_REASON_PREEMPT_TIMER       52
#define EXIT_REASON_INVVPID             53
#define EXIT_REASON_WBINVD              54
#define EXIT_REASON_XSETBV              55
#define EXIT_REASON_APIC_WRITE          56
#define EXIT_REASON_RDRAND              57
#define EXIT_REASON_INVPCID             58
#define EXIT_REASON_VMFUNC              59
#define EXIT_REASON_ENCLS               60
#define EXIT_REASON_RDSEED              61
#define EXIT_REASON_PML_FULL            62
#define EXIT_REASON_XSAVES              63
#define EXIT_REASON_XRSTORS             64
#define EXIT_REASON_MAX                 64
#define EXIT_REASON_BASIC(r)            ((r) & 0xffff)
#define EXIT_REASON_ENTRY_FAILED        (1U << 31)

/* Exit qualification of a VM entry that failed on guest state (26.8). */
#define ENTRY_FAIL_QUAL_PDPTE           2
#define ENTRY_FAIL_QUAL_NMI_BLOCKING    3
#define ENTRY_FAIL_QUAL_LINK_POINTER    4

/* VM-instruction error numbers (30.4). */
#define VMX_ERR_ENTRY_INVALID_CONTROL   7
#define VMX_ERR_ENTRY_INVALID_HOST      8
#define VMX_ERR_UNSUPPORTED_FIELD       12
#define VMX_ERR_MAX                     28

/* VMCS activity states (24.4.2). */
#define VMX_ACTIVITY_ACTIVE             0
#define VMX_ACTIVITY_HLT                1
#define VMX_ACTIVITY_SHUTDOWN           2
#define VMX_ACTIVITY_WAIT_SIPI          3

/* Access-rights format of a segment in the VMCS (24.4.1, table 24-2). */
#define VMX_AR_TYPE(ar)                 ((ar) & 0xf)
#define VMX_AR_S                        (1U << 4)
#define VMX_AR_DPL(ar)                  (((ar) >> 5) & 3)
#define VMX_AR_P                        (1U << 7)
#define VMX_AR_AVL                      (1U << 12)
#define VMX_AR_L                        (1U << 13)
#define VMX_AR_DB                       (1U << 14)
#define VMX_AR_G                        (1U << 15)
#define VMX_AR_UNUSABLE                 (1U << 16)
#define VMX_AR_RESERVED                 0xfffe0f00U

#endif
