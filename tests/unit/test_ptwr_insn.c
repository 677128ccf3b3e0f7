/*
 * The page-table write decoder and executor (arch/x86/ptwr_insn.c), on
 * the encodings Linux uses on its PTEs, the string and double-width forms
 * shadow paging also meets, and on what must be refused.
 */
#include "asm/ptwr.h"
#include "xen_errno.h"
#include "unit.h"

#define ENTRY   0xffffc90000001008ull   /* where the PTE sits */

static struct cpu_user_regs regs(void)
{
    struct cpu_user_regs r;

    memset(&r, 0, sizeof(r));
    r.rip = 0xffffffff81000000ull;
    r.rflags = 0x202;
    r.rdi = ENTRY;
    return r;
}

static int decode(const uint8_t *b, unsigned int n, struct ptwr_insn *in)
{
    return ptwr_decode(b, n, in);
}

#define DECODE(in, ...) decode((const uint8_t[]){ __VA_ARGS__ }, \
                               sizeof((const uint8_t[]){ __VA_ARGS__ }), in)

TEST(mov_store_of_a_register)
{
    struct ptwr_insn in;
    struct cpu_user_regs r = regs();
    uint64_t val;

    CHECK_EQ(DECODE(&in, 0x48, 0x89, 0x07), 0);            /* mov %rax,(%rdi) */
    CHECK_EQ(in.op, PTWR_MOV);
    CHECK_EQ(in.size, 8);
    CHECK_EQ(in.len, 3);
    r.rax = 0x8000000012345067ull;
    CHECK_EQ(ptwr_operand_address(&in, &r, 0, 0), ENTRY);
    CHECK(ptwr_execute(&in, &r, 0, &val));
    CHECK_EQ(val, 0x8000000012345067ull);
}

TEST(xchg_returns_the_old_entry)
{
    struct ptwr_insn in;
    struct cpu_user_regs r = regs();
    uint64_t val;

    CHECK_EQ(DECODE(&in, 0x48, 0x87, 0x37), 0);            /* xchg %rsi,(%rdi) */
    CHECK_EQ(in.op, PTWR_XCHG);
    r.rsi = 0;
    CHECK(ptwr_execute(&in, &r, 0x1234067, &val));
    CHECK_EQ(val, 0);
    CHECK_EQ(r.rsi, 0x1234067);
}

TEST(lock_cmpxchg_matches_or_loads_the_accumulator)
{
    struct ptwr_insn in;
    struct cpu_user_regs r = regs();
    uint64_t val = 0;

    CHECK_EQ(DECODE(&in, 0xf0, 0x48, 0x0f, 0xb1, 0x17), 0); /* lock cmpxchg %rdx,(%rdi) */
    CHECK_EQ(in.op, PTWR_CMPXCHG);
    CHECK(in.lock);
    CHECK_EQ(in.len, 5);
    r.rax = 0x5067;
    r.rdx = 0x5065;
    CHECK(ptwr_execute(&in, &r, 0x5067, &val));
    CHECK_EQ(val, 0x5065);
    CHECK(r.rflags & PTWR_FLAG_ZF);
    r = regs();
    r.rax = 0x5067;
    CHECK(!ptwr_execute(&in, &r, 0x9067, &val));
    CHECK_EQ(r.rax, 0x9067);
    CHECK(!(r.rflags & PTWR_FLAG_ZF));
    CHECK(r.rflags & PTWR_FLAG_CF);                         /* 0x5067 < 0x9067 */
}

TEST(lock_andb_and_orb_on_one_byte_of_the_entry)
{
    struct ptwr_insn in;
    struct cpu_user_regs r = regs();
    uint64_t val;

    /* clear_bit(_PAGE_BIT_RW): lock andb $0xfd,(%rdi) */
    CHECK_EQ(DECODE(&in, 0xf0, 0x80, 0x27, 0xfd), 0);
    CHECK_EQ(in.op, PTWR_AND);
    CHECK_EQ(in.size, 1);
    CHECK_EQ(in.imm & 0xff, 0xfd);
    CHECK(ptwr_execute(&in, &r, 0x67, &val));
    CHECK_EQ(val, 0x65);
    CHECK(!(r.rflags & (PTWR_FLAG_CF | PTWR_FLAG_OF | PTWR_FLAG_ZF)));
    /* set_bit on byte 7 (NX): lock orb $0x80,0x7(%rdi) */
    CHECK_EQ(DECODE(&in, 0xf0, 0x80, 0x4f, 0x07, 0x80), 0);
    CHECK_EQ(in.op, PTWR_OR);
    CHECK_EQ(ptwr_operand_address(&in, &r, 0, 0), ENTRY + 7);
    CHECK(ptwr_execute(&in, &r, 0x00, &val));
    CHECK_EQ(val, 0x80);
    CHECK(r.rflags & PTWR_FLAG_SF);
}

TEST(and_with_a_sign_extended_imm8_and_a_register)
{
    struct ptwr_insn in;
    struct cpu_user_regs r = regs();
    uint64_t val;

    CHECK_EQ(DECODE(&in, 0x48, 0x83, 0x27, 0xbf), 0);      /* andq $-0x41,(%rdi) */
    CHECK_EQ(in.size, 8);
    CHECK(ptwr_execute(&in, &r, 0xffffffffffffffffull, &val));
    CHECK_EQ(val, 0xffffffffffffffbfull);
    CHECK_EQ(DECODE(&in, 0x48, 0x21, 0x07), 0);            /* and %rax,(%rdi) */
    r.rax = 0xf0;
    CHECK(ptwr_execute(&in, &r, 0x0f, &val));
    CHECK_EQ(val, 0);
    CHECK(r.rflags & PTWR_FLAG_ZF);
    CHECK(r.rflags & PTWR_FLAG_PF);
}

TEST(bts_btr_set_cf_from_the_old_bit)
{
    struct ptwr_insn in;
    struct cpu_user_regs r = regs();
    uint64_t val;

    CHECK_EQ(DECODE(&in, 0xf0, 0x48, 0x0f, 0xba, 0x37, 0x01), 0);  /* lock btrq $1,(%rdi) */
    CHECK_EQ(in.op, PTWR_BTR);
    CHECK(ptwr_execute(&in, &r, 0x67, &val));
    CHECK_EQ(val, 0x65);
    CHECK(r.rflags & PTWR_FLAG_CF);
    CHECK_EQ(DECODE(&in, 0xf0, 0x48, 0x0f, 0xab, 0x07), 0);        /* lock bts %rax,(%rdi) */
    CHECK_EQ(in.op, PTWR_BTS);
    r.rax = 5;
    CHECK(ptwr_execute(&in, &r, 0x00, &val));
    CHECK_EQ(val, 0x20);
    CHECK(!(r.rflags & PTWR_FLAG_CF));
    /* A register bit offset of 64 reaches the next quadword. */
    r.rax = 64;
    CHECK_EQ(ptwr_operand_address(&in, &r, 0, 0), ENTRY + 8);
    r.rax = (uint64_t)-1;
    CHECK_EQ(ptwr_operand_address(&in, &r, 0, 0), ENTRY - 8);
}

TEST(addressing_modes)
{
    struct ptwr_insn in;
    struct cpu_user_regs r = regs();

    /* mov %rax,0x10(%rbx,%rcx,8) */
    CHECK_EQ(DECODE(&in, 0x48, 0x89, 0x44, 0xcb, 0x10), 0);
    r.rbx = 0x1000;
    r.rcx = 3;
    CHECK_EQ(ptwr_operand_address(&in, &r, 0, 0), 0x1000 + 24 + 0x10);
    /* mov %r8,(%r13) : REX.B with rbp-like base needs a disp8 of 0 */
    CHECK_EQ(DECODE(&in, 0x4d, 0x89, 0x45, 0x00), 0);
    r.r13 = 0x2000;
    CHECK_EQ(ptwr_operand_address(&in, &r, 0, 0), 0x2000);
    CHECK_EQ(in.reg, 8);
    /* mov %rax,%gs:0x20 (no base, no index) */
    CHECK_EQ(DECODE(&in, 0x65, 0x48, 0x89, 0x04, 0x25, 0x20, 0, 0, 0), 0);
    CHECK_EQ(ptwr_operand_address(&in, &r, 0, 0x5000), 0x5020);
    /* rip-relative: the address counts from the next instruction */
    CHECK_EQ(DECODE(&in, 0x48, 0x89, 0x05, 0x10, 0, 0, 0), 0);
    CHECK_EQ(ptwr_operand_address(&in, &r, 0, 0), r.rip + 7 + 0x10);
    /* movl $imm32 with a 32-bit operand */
    CHECK_EQ(DECODE(&in, 0xc7, 0x07, 0x67, 0x50, 0, 0), 0);
    CHECK_EQ(in.size, 4);
    CHECK_EQ(in.imm, 0x5067);
}

TEST(byte_registers_without_rex_are_the_high_bytes)
{
    struct ptwr_insn in;
    struct cpu_user_regs r = regs();
    uint64_t val;

    CHECK_EQ(DECODE(&in, 0x88, 0x27), 0);                  /* mov %ah,(%rdi) */
    r.rax = 0xab00;
    CHECK(ptwr_execute(&in, &r, 0, &val));
    CHECK_EQ(val, 0xab);
    CHECK_EQ(DECODE(&in, 0x40, 0x88, 0x37), 0);            /* mov %sil,(%rdi) */
    r.rsi = 0xcd;
    CHECK(ptwr_execute(&in, &r, 0, &val));
    CHECK_EQ(val, 0xcd);
}

TEST(other_instructions_refused)
{
    struct ptwr_insn in;

    CHECK_EQ(DECODE(&in, 0x48, 0x8b, 0x07), -XEN_EINVAL);   /* a load */
    CHECK_EQ(DECODE(&in, 0x48, 0x89, 0xc7), -XEN_EINVAL);   /* register to register */
    CHECK_EQ(DECODE(&in, 0xf3, 0x48, 0x89, 0x07), -XEN_EINVAL);  /* rep on a mov */
    CHECK_EQ(DECODE(&in, 0x48, 0x01, 0x07), -XEN_EINVAL);   /* add */
    CHECK_EQ(DECODE(&in, 0x0f, 0xc7, 0xc8), -XEN_EINVAL);   /* cmpxchg8b, register form */
    CHECK_EQ(DECODE(&in, 0x0f, 0xc7, 0x07), -XEN_EINVAL);   /* /0 of 0f c7 */
    CHECK_EQ(DECODE(&in, 0x80, 0x07, 0x01), -XEN_EINVAL);   /* addb $1 (/0 of 0x80) */
    CHECK_EQ(DECODE(&in, 0x48, 0x89), -XEN_EINVAL);         /* cut short */
    CHECK_EQ(DECODE(&in, 0x48, 0x89, 0x87, 0x00, 0x10), -XEN_EINVAL);  /* disp32 cut */
    CHECK_EQ(DECODE(&in, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                    0x66, 0x66, 0x66, 0x66, 0x89, 0x07), -XEN_EINVAL);  /* over 15 bytes */
}

TEST(stos_stores_the_accumulator_at_rdi)
{
    struct ptwr_insn in;
    struct cpu_user_regs r = regs();
    uint64_t val;

    CHECK_EQ(DECODE(&in, 0xf3, 0x48, 0xab), 0);            /* rep stosq */
    CHECK_EQ(in.op, PTWR_STOS);
    CHECK(in.rep);
    CHECK_EQ(in.size, 8);
    CHECK_EQ(in.len, 3);
    CHECK_EQ(ptwr_operand_address(&in, &r, 0, 0), ENTRY);
    r.rax = 0x1122334455667788ull;
    CHECK(ptwr_execute(&in, &r, 0, &val));
    CHECK_EQ(val, 0x1122334455667788ull);
    CHECK_EQ(DECODE(&in, 0xab), 0);                        /* stosl */
    CHECK(!in.rep);
    CHECK_EQ(in.size, 4);
    CHECK(ptwr_execute(&in, &r, 0, &val));
    CHECK_EQ(val, 0x55667788);
    CHECK_EQ(DECODE(&in, 0x67, 0xaa), 0);                  /* stosb, edi */
    CHECK_EQ(in.size, 1);
    CHECK(in.addr32);
}

TEST(cmpxchg8b_and_16b_swap_pairs)
{
    struct ptwr_insn in;
    struct cpu_user_regs r = regs();
    uint64_t old[2] = { 0x0000000200000001ull, 0 }, val[2];

    CHECK_EQ(DECODE(&in, 0xf0, 0x0f, 0xc7, 0x0f), 0);      /* lock cmpxchg8b (%rdi) */
    CHECK_EQ(in.op, PTWR_CMPXCHG_DBL);
    CHECK_EQ(in.size, 8);
    CHECK_EQ(in.len, 4);
    r.rax = 1, r.rdx = 2, r.rbx = 3, r.rcx = 4;
    CHECK(ptwr_execute_wide(&in, &r, old, val));
    CHECK_EQ(val[0], 0x0000000400000003ull);
    CHECK(r.rflags & PTWR_FLAG_ZF);
    old[0] = 0x0000000600000005ull;
    CHECK(!ptwr_execute_wide(&in, &r, old, val));
    CHECK_EQ(r.rax, 5);
    CHECK_EQ(r.rdx, 6);
    CHECK(!(r.rflags & PTWR_FLAG_ZF));
    CHECK_EQ(DECODE(&in, 0xf0, 0x49, 0x0f, 0xc7, 0x4d, 0x00), 0);  /* cmpxchg16b 0(%r13) */
    CHECK_EQ(in.size, 16);
    CHECK_EQ(in.len, 6);
    r = regs();
    r.rax = 10, r.rdx = 20, r.rbx = 30, r.rcx = 40;
    old[0] = 10, old[1] = 20;
    CHECK(ptwr_execute_wide(&in, &r, old, val));
    CHECK_EQ(val[0], 30);
    CHECK_EQ(val[1], 40);
    old[1] = 21;
    CHECK(!ptwr_execute_wide(&in, &r, old, val));
    CHECK_EQ(r.rdx, 21);
}
