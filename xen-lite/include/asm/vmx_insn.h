/*
 * The VMX instructions (Intel SDM vol. 3C ch. 30).  Each reports failure in
 * the flags (30.2): CF=1 is VMfailInvalid (no current VMCS to hold an error
 * number), ZF=1 is VMfailValid (the error number is in the current VMCS's
 * VM_INSTRUCTION_ERROR field).
 */
#ifndef ASM_VMX_INSN_H
#define ASM_VMX_INSN_H

#include "xen/types.h"

enum vmx_status {
    VMX_SUCCEED = 0,
    VMX_FAIL_INVALID = 1,
    VMX_FAIL_VALID = 2,
};

static inline enum vmx_status vmx_flags(bool cf, bool zf)
{
    return cf ? VMX_FAIL_INVALID : zf ? VMX_FAIL_VALID : VMX_SUCCEED;
}

static inline enum vmx_status vmxon(uint64_t pa)
{
    bool cf, zf;
    __asm__ __volatile__("vmxon %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(pa) : "memory");
    return vmx_flags(cf, zf);
}

static inline enum vmx_status vmclear(uint64_t pa)
{
    bool cf, zf;
    __asm__ __volatile__("vmclear %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(pa) : "memory");
    return vmx_flags(cf, zf);
}

static inline enum vmx_status vmptrld(uint64_t pa)
{
    bool cf, zf;
    __asm__ __volatile__("vmptrld %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(pa) : "memory");
    return vmx_flags(cf, zf);
}

static inline enum vmx_status vmread_safe(uint32_t field, uint64_t *value)
{
    bool cf, zf;
    __asm__ __volatile__("vmread %3, %2"
                         : "=@ccc"(cf), "=@ccz"(zf), "=rm"(*value)
                         : "r"((uint64_t)field) : "memory");
    return vmx_flags(cf, zf);
}

static inline enum vmx_status vmwrite_safe(uint32_t field, uint64_t value)
{
    bool cf, zf;
    __asm__ __volatile__("vmwrite %3, %2"
                         : "=@ccc"(cf), "=@ccz"(zf)
                         : "r"((uint64_t)field), "rm"(value) : "memory");
    return vmx_flags(cf, zf);
}

/* INVEPT / INVVPID types (30.3) and their 128-bit descriptors. */
#define INVEPT_SINGLE_CONTEXT           1
#define INVEPT_ALL_CONTEXT              2
#define INVVPID_INDIVIDUAL_ADDR         0
#define INVVPID_SINGLE_CONTEXT          1
#define INVVPID_ALL_CONTEXT             2

static inline enum vmx_status invept(uint64_t type, uint64_t eptp)
{
    struct { uint64_t eptp, rsvd; } desc = { eptp, 0 };
    bool cf, zf;
    __asm__ __volatile__("invept %2, %3" : "=@ccc"(cf), "=@ccz"(zf)
                         : "m"(desc), "r"(type) : "memory");
    return vmx_flags(cf, zf);
}

static inline enum vmx_status invvpid(uint64_t type, uint16_t vpid,
                                      uint64_t addr)
{
    struct { uint64_t vpid, addr; } desc = { vpid, addr };
    bool cf, zf;
    __asm__ __volatile__("invvpid %2, %3" : "=@ccc"(cf), "=@ccz"(zf)
                         : "m"(desc), "r"(type) : "memory");
    return vmx_flags(cf, zf);
}

/* VMREAD/VMWRITE of fields the code knows exist: a failure is a bug. */
uint64_t vmread(uint32_t field);
void vmwrite(uint32_t field, uint64_t value);

#endif
