/*
 * VM-exit qualifications decoded (hvm/vmx/vmx_exit_info.c) from values the
 * SDM's tables 27-3 to 27-7 give for known instructions, register numbers
 * on the frame, and the MSR bitmap's layout (24.6.9).
 */
#include <string.h>

#include "asm/vmx_exit.h"

#include "unit.h"

TEST(cr_access_mov_to_cr3_from_rax)
{
    struct vmx_cr_qual d;

    vmx_decode_cr(0x3, &d);
    CHECK_EQ(d.cr, 3);
    CHECK_EQ(d.type, CR_MOV_TO);
    CHECK_EQ(d.gpr, 0);
}

TEST(cr_access_mov_from_cr8_to_r12_and_lmsw)
{
    struct vmx_cr_qual d;

    vmx_decode_cr(8 | (1 << 4) | (12 << 8), &d);
    CHECK_EQ(d.cr, 8);
    CHECK_EQ(d.type, CR_MOV_FROM);
    CHECK_EQ(d.gpr, 12);
    vmx_decode_cr(0 | (3 << 4) | (0x8001UL << 16), &d);
    CHECK_EQ(d.type, CR_LMSW);
    CHECK_EQ(d.lmsw_data, 0x8001);
}

TEST(mov_dr_decodes)
{
    struct vmx_dr_qual d;

    vmx_decode_dr(7 | (1 << 4) | (3 << 8), &d);
    CHECK_EQ(d.dr, 7);
    CHECK(d.from_dr);
    CHECK_EQ(d.gpr, 3);
}

TEST(io_out_byte_to_port_e9)
{
    struct vmx_io_qual d;

    vmx_decode_io(0x40 | (0xe9UL << 16), &d);     /* out %al, $0xe9 */
    CHECK_EQ(d.size, 1);
    CHECK(!d.in && !d.string && !d.rep);
    CHECK_EQ(d.port, 0xe9);
}

TEST(io_in_dword_and_rep_outsw)
{
    struct vmx_io_qual d;

    vmx_decode_io(3 | 8 | (0x3fdUL << 16), &d);   /* in (%dx), %eax */
    CHECK_EQ(d.size, 4);
    CHECK(d.in);
    CHECK_EQ(d.port, 0x3fd);
    vmx_decode_io(1 | 0x10 | 0x20 | (0x3f8UL << 16), &d);   /* rep outsw */
    CHECK_EQ(d.size, 2);
    CHECK(!d.in && d.string && d.rep);
}

TEST(ept_violation_fetch_from_unmapped)
{
    struct vmx_ept_qual d;

    vmx_decode_ept(0x4 | 0x80, &d);
    CHECK(d.fetch && !d.read && !d.write);
    CHECK(!d.readable && !d.writable && !d.executable);
    CHECK(d.gla_valid);
    vmx_decode_ept(0x2 | 0x8 | 0x20, &d);        /* write to R-X */
    CHECK(d.write && d.readable && !d.writable && d.executable);
    CHECK(!d.gla_valid);
}

TEST(gpr_numbers_map_onto_the_frame)
{
    struct cpu_user_regs r;

    CHECK(vmx_gpr(&r, 0) == &r.rax);
    CHECK(vmx_gpr(&r, 1) == &r.rcx);
    CHECK(vmx_gpr(&r, 3) == &r.rbx);
    CHECK(vmx_gpr(&r, 4) == &r.rsp);
    CHECK(vmx_gpr(&r, 7) == &r.rdi);
    CHECK(vmx_gpr(&r, 12) == &r.r12);
    CHECK(vmx_gpr(&r, 15) == &r.r15);
    CHECK(vmx_gpr(&r, 16) == NULL);
}

static uint8_t bitmap[VMX_MSR_BITMAP_SIZE];

TEST(msr_bitmap_starts_with_every_msr_exiting)
{
    vmx_msr_bitmap_init(bitmap);
    CHECK(vmx_msr_exits(bitmap, 0x10, false));
    CHECK(vmx_msr_exits(bitmap, 0xc0000080, true));
    for (unsigned int i = 0; i < VMX_MSR_BITMAP_SIZE; i++)
        CHECK_EQ(bitmap[i], 0xff);
}

TEST(msr_passthrough_clears_the_right_bits)
{
    vmx_msr_bitmap_init(bitmap);
    CHECK(vmx_msr_passthrough(bitmap, 0x10, true, false));          /* TSC */
    CHECK(!vmx_msr_exits(bitmap, 0x10, false));
    CHECK(vmx_msr_exits(bitmap, 0x10, true));
    CHECK_EQ(bitmap[2], 0xfe);                  /* read-low, bit 16 */
    CHECK(vmx_msr_passthrough(bitmap, 0xc0000100, true, true));     /* FS_BASE */
    CHECK_EQ(bitmap[1024 + 0x20], 0xfe);        /* read-high */
    CHECK_EQ(bitmap[3072 + 0x20], 0xfe);        /* write-high */
    CHECK(!vmx_msr_exits(bitmap, 0xc0000100, true));
    CHECK(vmx_msr_exits(bitmap, 0xc0000101, true));
}

TEST(msrs_outside_the_ranges_always_exit)
{
    vmx_msr_bitmap_init(bitmap);
    CHECK(vmx_msr_passthrough(bitmap, 0x1fff, true, true));
    CHECK(!vmx_msr_exits(bitmap, 0x1fff, true));
    CHECK(!vmx_msr_passthrough(bitmap, 0x2000, true, true));
    CHECK(!vmx_msr_passthrough(bitmap, 0x40000000, true, true));
    CHECK(vmx_msr_exits(bitmap, 0x40000000, false));
    CHECK(vmx_msr_passthrough(bitmap, 0xc0001fff, true, false));
    CHECK(!vmx_msr_passthrough(bitmap, 0xc0002000, true, false));
    CHECK(vmx_msr_exits(bitmap, 0xc0002000, false));
}
