/*
 * The controls every VMCS starts with, computed from the capability MSRs
 * as SDM vol. 3C 31.5.1 describes: a control we need must be allowed to be
 * 1 (else VMX is unusable here, and the boot log names it); one we would
 * like is set when allowed; every other control is 0 unless the CPU insists
 * on 1 (the allowed-0 settings, from the TRUE_* MSRs where they exist, which
 * let some "default1" controls be 0 -- A.2).  EPT needs 4-level walks,
 * write-back paging structures and INVEPT; VPID needs INVVPID (A.10).
 * Nested paging (HAP) needs EPT and unrestricted guest: PVH starts in
 * 32-bit protected mode with paging off, which VMX runs natively only as
 * an unrestricted guest (26.3.1.1).  Without them HVM guests run on shadow
 * paging, whose hardware CR0 always has PE and PG.
 */
#include "asm/vmx.h"
#include "asm/vmx_caps.h"
#include "xen/lib.h"

enum need {
    NEED,           /* VMX is unusable without it */
    WANT,           /* used when the CPU offers it */
    HAP,            /* HVM on EPT needs it */
    NEED_LATER,     /* as NEED, but set only while waiting for an event */
    WANT_LATER,     /* as WANT, likewise */
};

static const struct vmx_control {
    uint8_t ctl;
    uint8_t need;
    uint32_t bit;
    const char *name;
} controls[] = {
    { VMX_CTL_PIN,   NEED, PIN_EXT_INTR_EXITING,     "external-interrupt exiting" },
    { VMX_CTL_PIN,   NEED, PIN_NMI_EXITING,          "NMI exiting" },
    { VMX_CTL_PIN,   WANT, PIN_VIRTUAL_NMIS,         "virtual NMIs" },
    { VMX_CTL_PROC,  NEED_LATER, PROC_INTR_WINDOW_EXITING, "interrupt-window exiting" },
    { VMX_CTL_PROC,  NEED, PROC_HLT_EXITING,         "HLT exiting" },
    { VMX_CTL_PROC,  NEED, PROC_MWAIT_EXITING,       "MWAIT exiting" },
    { VMX_CTL_PROC,  NEED, PROC_MONITOR_EXITING,     "MONITOR exiting" },
    { VMX_CTL_PROC,  NEED, PROC_RDPMC_EXITING,       "RDPMC exiting" },
    /* Without a TPR shadow, MOV to CR8 would reach the real TPR. */
    { VMX_CTL_PROC,  NEED, PROC_CR8_LOAD_EXITING,    "CR8-load exiting" },
    { VMX_CTL_PROC,  NEED, PROC_CR8_STORE_EXITING,   "CR8-store exiting" },
    { VMX_CTL_PROC,  WANT, PROC_TSC_OFFSETTING,      "TSC offsetting" },
    /* DR0-3 and DR6 are not switched by VM entry and exit. */
    { VMX_CTL_PROC,  NEED, PROC_MOV_DR_EXITING,      "MOV-DR exiting" },
    { VMX_CTL_PROC,  NEED, PROC_IO_BITMAPS,          "I/O bitmaps" },
    { VMX_CTL_PROC,  NEED, PROC_MSR_BITMAPS,         "MSR bitmaps" },
    { VMX_CTL_PROC,  WANT_LATER, PROC_NMI_WINDOW_EXITING, "NMI-window exiting" },
    { VMX_CTL_PROC,  WANT, PROC_SECONDARY_CONTROLS,  "secondary controls" },
    { VMX_CTL_PROC2, HAP,  PROC2_EPT,                "EPT" },
    { VMX_CTL_PROC2, HAP,  PROC2_UNRESTRICTED_GUEST, "unrestricted guest" },
    { VMX_CTL_PROC2, WANT, PROC2_VPID,               "VPID" },
    /* Without these, RDTSCP, INVPCID and XSAVES raise #UD in the guest. */
    { VMX_CTL_PROC2, WANT, PROC2_RDTSCP,             "RDTSCP" },
    { VMX_CTL_PROC2, WANT, PROC2_INVPCID,            "INVPCID" },
    { VMX_CTL_PROC2, WANT, PROC2_XSAVES,             "XSAVES" },
    { VMX_CTL_EXIT,  NEED, EXIT_HOST_ADDR_SPACE_SIZE, "64-bit host" },
    { VMX_CTL_EXIT,  NEED, EXIT_SAVE_DEBUG_CTLS,     "saving debug controls" },
    { VMX_CTL_EXIT,  NEED, EXIT_SAVE_PAT,            "saving IA32_PAT" },
    { VMX_CTL_EXIT,  NEED, EXIT_LOAD_PAT,            "loading the host's IA32_PAT" },
    { VMX_CTL_EXIT,  NEED, EXIT_SAVE_EFER,           "saving IA32_EFER" },
    { VMX_CTL_EXIT,  NEED, EXIT_LOAD_EFER,           "loading the host's IA32_EFER" },
    { VMX_CTL_ENTRY, NEED, ENTRY_LOAD_DEBUG_CTLS,    "loading debug controls" },
    { VMX_CTL_ENTRY, NEED, ENTRY_LOAD_PAT,           "loading the guest's IA32_PAT" },
    { VMX_CTL_ENTRY, NEED, ENTRY_LOAD_EFER,          "loading the guest's IA32_EFER" },
};

static bool allowed1(const struct vmx_msrs *m, unsigned int ctl, uint32_t bit)
{
    return (m->ctl[ctl] >> 32) & bit;
}

static uint32_t must_be_1(const struct vmx_msrs *m, unsigned int ctl)
{
    return (uint32_t)m->ctl[ctl];
}

/* IA32_VMX_BASIC: a region layout and memory type this code can use. */
static const char *check_basic(const struct vmx_msrs *m, struct vmx_config *c)
{
    c->revision = m->basic & VMX_BASIC_REVISION_MASK;
    c->region_size = VMX_BASIC_REGION_SIZE(m->basic);
    c->below_4g = m->basic & VMX_BASIC_32BIT_ADDRESSES;
    if (!c->region_size || c->region_size > 4096)
        return "VMXON region size out of range";
    if (VMX_BASIC_MEMTYPE(m->basic) != VMX_MEMTYPE_WB)
        return "VMCS memory type is not write-back";
    return NULL;
}

/* Choose each listed control; the first missing NEED or HAP is noted. */
static void choose_controls(const struct vmx_msrs *m, struct vmx_config *c,
                            const char **no_hap)
{
    uint32_t chosen[VMX_NR_CTLS] = { 0 };

    for (size_t i = 0; i < ARRAY_SIZE(controls); i++) {
        const struct vmx_control *ctl = &controls[i];
        bool later = ctl->need == NEED_LATER || ctl->need == WANT_LATER;
        if (allowed1(m, ctl->ctl, ctl->bit)) {
            if (later)
                c->on_demand[ctl->ctl] |= ctl->bit;
            else
                chosen[ctl->ctl] |= ctl->bit;
            continue;
        }
        if ((ctl->need == NEED || ctl->need == NEED_LATER) && c->usable) {
            c->usable = false;
            c->why = ctl->name;
        }
        if (ctl->need == HAP && !*no_hap)
            *no_hap = ctl->name;
    }
    if (!(chosen[VMX_CTL_PROC] & PROC_SECONDARY_CONTROLS))
        chosen[VMX_CTL_PROC2] = 0;
    for (unsigned int i = 0; i < VMX_NR_CTLS; i++)
        c->ctl[i] = chosen[i] | must_be_1(m, i);
}

/* EPT as the capability MSR describes it (A.10); NULL if usable. */
static const char *check_ept(const struct vmx_msrs *m, struct vmx_config *c)
{
    uint64_t cap = m->ept_vpid;

    if (!(c->ctl[VMX_CTL_PROC2] & PROC2_EPT))
        return NULL;
    if (!(cap & VMX_EPT_WALK_4))
        return "EPT with 4-level walks";
    if (!(cap & VMX_EPT_MEMTYPE_WB))
        return "EPT with write-back paging structures";
    if (!(cap & VMX_EPT_INVEPT) || !(cap & (VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL)))
        return "INVEPT";
    c->ept = true;
    c->ept_2m = cap & VMX_EPT_2MB;
    c->ept_1g = cap & VMX_EPT_1GB;
    c->ept_ad = cap & VMX_EPT_AD;
    c->invept_single = cap & VMX_EPT_INVEPT_SINGLE;
    c->invept_all = cap & VMX_EPT_INVEPT_ALL;
    return NULL;
}

static void check_vpid(const struct vmx_msrs *m, struct vmx_config *c)
{
    uint64_t cap = m->ept_vpid;

    c->invvpid_single = cap & VMX_VPID_INVVPID_SINGLE;
    c->invvpid_all = cap & VMX_VPID_INVVPID_ALL;
    c->invvpid_addr = cap & VMX_VPID_INVVPID_ADDR;
    c->vpid = (c->ctl[VMX_CTL_PROC2] & PROC2_VPID) && (cap & VMX_VPID_INVVPID) &&
              (c->invvpid_single || c->invvpid_all);
    if (!c->vpid) {
        c->ctl[VMX_CTL_PROC2] &= ~PROC2_VPID;
        c->invvpid_single = c->invvpid_all = c->invvpid_addr = false;
    }
}

void vmx_compute_config(const struct vmx_msrs *m, struct vmx_config *c)
{
    const char *no_hap = NULL, *bad;

    *c = (struct vmx_config){ .usable = true };
    c->cr0_fixed0 = m->cr0_fixed0;
    c->cr0_fixed1 = m->cr0_fixed1;
    c->cr4_fixed0 = m->cr4_fixed0;
    c->cr4_fixed1 = m->cr4_fixed1;
    if ((bad = check_basic(m, c))) {
        c->usable = false;
        c->why = bad;
        return;
    }
    choose_controls(m, c, &no_hap);
    if (!c->usable)
        return;
    if ((bad = check_ept(m, c)) && !no_hap)
        no_hap = bad;
    if (!c->ept)                        /* unrestricted guest needs EPT */
        c->ctl[VMX_CTL_PROC2] &= ~(PROC2_EPT | PROC2_UNRESTRICTED_GUEST);
    check_vpid(m, c);
    c->unrestricted_guest = c->ctl[VMX_CTL_PROC2] & PROC2_UNRESTRICTED_GUEST;
    c->hap = c->ept && c->unrestricted_guest;
    if (!c->hap)
        c->why = no_hap ? no_hap : "no EPT";
}

void vmx_describe(const struct vmx_config *c, char *buf, size_t len)
{
    snprintf(buf, len, "revision %#x, EPT%s%s%s%s%s%s, VPID%s%s%s%s, %sunrestricted guest",
             c->revision, c->ept ? " 4-level WB" : " none",
             c->ept_2m ? " 2M" : "", c->ept_1g ? " 1G" : "",
             c->ept_ad ? " A/D" : "",
             c->invept_single ? " INVEPT-single" : "",
             c->invept_all ? " INVEPT-all" : "",
             c->vpid ? "" : " none",
             c->invvpid_single ? " INVVPID-single" : "",
             c->invvpid_all ? " INVVPID-all" : "",
             c->invvpid_addr ? " INVVPID-address" : "",
             c->unrestricted_guest ? "" : "no ");
}
