/*
 * VMX on each physical CPU: detection and the computed controls on the
 * boot CPU, VMX root operation (VMXON) on every CPU as it comes up.
 */
#ifndef ASM_VMX_CPU_H
#define ASM_VMX_CPU_H

#include "asm/vmx_caps.h"
#include "xen/types.h"

/* Boot CPU: probe VMX and print what it offers; NULL if HVM guests can
 * run on it, else why not. */
const char *vmx_probe(void);
/* Each CPU (the boot CPU too): enter VMX operation. */
int vmx_cpu_enable(void);

/* The configuration every VMCS uses, or NULL if VMX is not in use. */
const struct vmx_config *vmx_config(void);
/* The capability MSRs it was computed from (the VM-entry checklist's). */
const struct vmx_msrs *vmx_msrs(void);
/* Has this CPU executed VMXON? */
bool vmx_cpu_on(unsigned int cpu);

#endif
