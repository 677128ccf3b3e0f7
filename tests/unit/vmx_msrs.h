/*
 * VMX capability MSRs as Debian's Bochs 2.7 reports them for its
 * corei7_skylake_x model (EPT with 2 MiB and 1 GiB pages, VPID, unrestricted
 * guest, TRUE_* controls), read on a boot of that model.
 */
#ifndef UNIT_VMX_MSRS_H
#define UNIT_VMX_MSRS_H

#include "asm/vmx_caps.h"

static inline struct vmx_msrs skylake_msrs(void)
{
    return (struct vmx_msrs){
        .basic = 0xd810000000002bUL,
        .misc = 0x600401e0,
        .ept_vpid = 0xf0106334141UL,
        .ctl = {
            [VMX_CTL_PIN] = 0x7f00000016UL,
            [VMX_CTL_PROC] = 0xf7f9fffe04006172UL,
            [VMX_CTL_PROC2] = 0x2177fff00000000UL,
            [VMX_CTL_EXIT] = 0x7fffff00036dfbUL,
            [VMX_CTL_ENTRY] = 0xffff000011fbUL,
        },
        .cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff,
        .cr4_fixed0 = 0x2000, .cr4_fixed1 = 0x3727ff,
    };
}

#endif
