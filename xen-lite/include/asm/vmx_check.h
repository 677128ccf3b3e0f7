/*
 * The VM-entry checklist (Intel SDM vol. 3C 26.2 and 26.3.1): the rules a
 * VMCS must meet for VMLAUNCH/VMRESUME to enter the guest, checked in
 * software so that a failed entry -- which the CPU reports only as "invalid
 * control fields", "invalid host-state fields" or "invalid guest state" --
 * is reported with the field that broke a rule.  Pure logic: the fields
 * come through a read callback (VMREAD in the hypervisor, an array in the
 * unit tests).
 */
#ifndef ASM_VMX_CHECK_H
#define ASM_VMX_CHECK_H

#include "asm/vmx_caps.h"
#include "xen/types.h"

struct vmx_check {
    /* What is checked. */
    uint64_t (*read)(void *opaque, uint32_t field);
    void *opaque;
    const struct vmx_msrs *msrs;        /* the CPU's allowed settings */
    unsigned int paddr_bits;            /* physical-address width */
    /* The first rule found broken. */
    uint32_t field;
    uint64_t value;
    const char *rule;
};

/* Each returns true when its rules hold, else fills field/value/rule. */
bool vmx_check_controls(struct vmx_check *c);      /* 26.2.1 */
bool vmx_check_host_state(struct vmx_check *c);    /* 26.2.2 - 26.2.4 */
bool vmx_check_guest_state(struct vmx_check *c);   /* 26.3.1 */

/* Shared by the two files of the checklist. */
uint64_t vmx_check_read(struct vmx_check *c, uint32_t field);
bool vmx_check_broken(struct vmx_check *c, uint32_t field, const char *rule);
bool vmx_canonical(uint64_t va);
bool vmx_pat_valid(uint64_t pat);

#endif
