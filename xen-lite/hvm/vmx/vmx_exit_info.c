/*
 * Exit qualifications decoded (Intel SDM vol. 3C 27.2.1), register numbers
 * mapped onto the frame, and the MSR bitmap (24.6.9).
 */
#include "asm/vmx_exit.h"
#include "xen/lib.h"

#define BITS(q, lo, n)      (((q) >> (lo)) & ((1UL << (n)) - 1))
#define BIT(q, n)           (((q) >> (n)) & 1)

void vmx_decode_cr(uint64_t q, struct vmx_cr_qual *d)
{
    *d = (struct vmx_cr_qual){
        .cr = BITS(q, 0, 4), .type = BITS(q, 4, 2), .gpr = BITS(q, 8, 4),
        .lmsw_data = BITS(q, 16, 16),
    };
}

void vmx_decode_dr(uint64_t q, struct vmx_dr_qual *d)
{
    *d = (struct vmx_dr_qual){
        .dr = BITS(q, 0, 3), .from_dr = BIT(q, 4), .gpr = BITS(q, 8, 4),
    };
}

void vmx_decode_io(uint64_t q, struct vmx_io_qual *d)
{
    *d = (struct vmx_io_qual){
        .size = BITS(q, 0, 3) + 1, .in = BIT(q, 3), .string = BIT(q, 4),
        .rep = BIT(q, 5), .port = BITS(q, 16, 16),
    };
}

void vmx_decode_ept(uint64_t q, struct vmx_ept_qual *d)
{
    *d = (struct vmx_ept_qual){
        .read = BIT(q, 0), .write = BIT(q, 1), .fetch = BIT(q, 2),
        .readable = BIT(q, 3), .writable = BIT(q, 4), .executable = BIT(q, 5),
        .gla_valid = BIT(q, 7),
    };
}

uint64_t *vmx_gpr(struct cpu_user_regs *r, unsigned int n)
{
    uint64_t *const gprs[16] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi, &r->rdi,
        &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
    };

    return n < ARRAY_SIZE(gprs) ? gprs[n] : NULL;
}

/* The bitmap's four 1 KiB parts (24.6.9). */
#define MSR_LOW_END         0x2000U
#define MSR_HIGH_BASE       0xc0000000U
#define MSR_HIGH_END        0xc0002000U
#define READ_LOW            0
#define READ_HIGH           1024
#define WRITES              2048        /* the write bits follow the reads */

/* The byte offset of msr's bit for a read (add 2048 for a write), or -1. */
static int msr_offset(uint32_t msr)
{
    if (msr < MSR_LOW_END)
        return READ_LOW + msr / 8;
    if (msr >= MSR_HIGH_BASE && msr < MSR_HIGH_END)
        return READ_HIGH + (msr - MSR_HIGH_BASE) / 8;
    return -1;
}

void vmx_msr_bitmap_init(uint8_t *bitmap)
{
    memset(bitmap, 0xff, VMX_MSR_BITMAP_SIZE);
}

bool vmx_msr_passthrough(uint8_t *bitmap, uint32_t msr, bool read, bool write)
{
    int at = msr_offset(msr);
    uint8_t bit = 1U << (msr % 8);

    if (at < 0)
        return false;
    if (read)
        bitmap[at] &= ~bit;
    if (write)
        bitmap[at + WRITES] &= ~bit;
    return true;
}

bool vmx_msr_exits(const uint8_t *bitmap, uint32_t msr, bool write)
{
    int at = msr_offset(msr);

    if (at < 0)
        return true;
    return bitmap[at + (write ? WRITES : 0)] & (1U << (msr % 8));
}
