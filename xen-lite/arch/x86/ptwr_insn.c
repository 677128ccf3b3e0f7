/*
 * The instruction forms a kernel writes its page-table entries with
 * (Linux: mov in set_pte, xchg in ptep_get_and_clear, lock cmpxchg in
 * ptep cmpxchg, lock and/or on a byte in clear_bit/set_bit, lock bts/btr
 * in the test-and-set bit helpers, rep stos clearing a table, cmpxchg8b
 * and cmpxchg16b on entry pairs), decoded from their bytes and performed
 * on a copy of the operand.  Pure: the fault handlers (pv/ptwr.c,
 * hvm/shadow/emulate.c) supply the bytes, the registers and the entry;
 * the host unit tests supply their own.  Encodings: Intel SDM vol. 2,
 * chapter 2 (prefixes, ModRM, SIB, REX) and the instruction pages of MOV,
 * XCHG, CMPXCHG, CMPXCHG8B/16B, AND, OR, BTS, BTR and STOS.
 */
#include "asm/ptwr.h"
#include "xen_errno.h"

#ifdef UNIT_TEST
#include <string.h>
#else
#include "xen/lib.h"
#endif

/* Prefixes (SDM vol. 2 §2.1.1). */
#define PFX_LOCK        0xf0
#define PFX_REPNE       0xf2
#define PFX_REP         0xf3
#define PFX_OPSIZE      0x66
#define PFX_ADDRSIZE    0x67
#define PFX_FS          0x64
#define PFX_GS          0x65
#define REX_W           0x8
#define REX_R           0x4
#define REX_X           0x2
#define REX_B           0x1
#define OPC_TWO_BYTE    0x0f
#define OPC_STOSB       0xaa
#define OPC_STOS        0xab

#define REG_RSP         4
#define REG_RBP         5
#define REG_RDI         7
#define RM_SIB          4               /* ModRM.rm: an SIB byte follows */

/* One opcode's meaning: operation, byte-sized or not, source kind. */
enum src { SRC_REG, SRC_IMM8, SRC_IMMZ, SRC_IMM8_BIT, SRC_NONE };

struct opcode {
    uint8_t two_byte, opc;
    int ext;                            /* required ModRM.reg, -1: any */
    enum ptwr_op op;
    bool byte;
    enum src src;
};

static const struct opcode opcodes[] = {
    { 0, 0x88, -1, PTWR_MOV, true, SRC_REG },
    { 0, 0x89, -1, PTWR_MOV, false, SRC_REG },
    { 0, 0xc6, 0, PTWR_MOV, true, SRC_IMM8 },
    { 0, 0xc7, 0, PTWR_MOV, false, SRC_IMMZ },
    { 0, 0x86, -1, PTWR_XCHG, true, SRC_REG },
    { 0, 0x87, -1, PTWR_XCHG, false, SRC_REG },
    { 1, 0xb0, -1, PTWR_CMPXCHG, true, SRC_REG },
    { 1, 0xb1, -1, PTWR_CMPXCHG, false, SRC_REG },
    { 0, 0x20, -1, PTWR_AND, true, SRC_REG },
    { 0, 0x21, -1, PTWR_AND, false, SRC_REG },
    { 0, 0x80, 4, PTWR_AND, true, SRC_IMM8 },
    { 0, 0x81, 4, PTWR_AND, false, SRC_IMMZ },
    { 0, 0x83, 4, PTWR_AND, false, SRC_IMM8 },
    { 0, 0x08, -1, PTWR_OR, true, SRC_REG },
    { 0, 0x09, -1, PTWR_OR, false, SRC_REG },
    { 0, 0x80, 1, PTWR_OR, true, SRC_IMM8 },
    { 0, 0x81, 1, PTWR_OR, false, SRC_IMMZ },
    { 0, 0x83, 1, PTWR_OR, false, SRC_IMM8 },
    { 1, 0xab, -1, PTWR_BTS, false, SRC_REG },
    { 1, 0xb3, -1, PTWR_BTR, false, SRC_REG },
    { 1, 0xba, 5, PTWR_BTS, false, SRC_IMM8_BIT },
    { 1, 0xba, 6, PTWR_BTR, false, SRC_IMM8_BIT },
    { 1, 0xc7, 1, PTWR_CMPXCHG_DBL, false, SRC_NONE },
};

uint64_t *ptwr_gpr(struct cpu_user_regs *r, unsigned int n)
{
    uint64_t *const regs[16] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi, &r->rdi,
        &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
    };

    return regs[n & 15];
}

struct cursor {
    const uint8_t *b;
    unsigned int n, pos;
};

static bool take(struct cursor *c, unsigned int bytes, uint64_t *v, bool sign)
{
    uint64_t x = 0;

    if (c->pos + bytes > c->n)
        return false;
    for (unsigned int i = 0; i < bytes; i++)
        x |= (uint64_t)c->b[c->pos + i] << (8 * i);
    c->pos += bytes;
    if (sign && bytes < 8 && (x >> (8 * bytes - 1)) & 1)
        x |= ~0ULL << (8 * bytes);
    *v = x;
    return true;
}

/* Legacy prefixes and REX; returns false on one we do not take. */
static bool prefixes(struct cursor *c, struct ptwr_insn *in, bool *opsize, uint8_t *rex)
{
    for (; c->pos < c->n; c->pos++) {
        uint8_t p = c->b[c->pos];

        if (p == PFX_LOCK)
            in->lock = true;
        else if (p == PFX_OPSIZE)
            *opsize = true;
        else if (p == PFX_ADDRSIZE)
            in->addr32 = true;
        else if (p == PFX_FS)
            in->seg = PTWR_SEG_FS;
        else if (p == PFX_GS)
            in->seg = PTWR_SEG_GS;
        else if (p == 0x26 || p == 0x2e || p == 0x36 || p == 0x3e)
            continue;                   /* ES/CS/SS/DS: no effect in 64-bit mode */
        else if (p == PFX_REPNE || p == PFX_REP)
            in->rep = true;             /* taken by stos only */
        else
            break;
    }
    if (c->pos < c->n && (c->b[c->pos] & 0xf0) == 0x40) {
        *rex = c->b[c->pos++];          /* REX comes right before the opcode */
        in->rex = true;
    }
    return c->pos < c->n;
}

/* ModRM (must name memory), SIB and displacement. */
static bool memory_operand(struct cursor *c, struct ptwr_insn *in, uint8_t modrm, uint8_t rex)
{
    unsigned int mod = modrm >> 6, rm = modrm & 7;
    uint64_t v;

    if (mod == 3)
        return false;
    in->base = rm | (rex & REX_B ? 8 : 0);
    in->index = -1;
    in->scale = 1;
    if (rm == RM_SIB) {
        uint8_t sib;
        if (c->pos >= c->n)
            return false;
        sib = c->b[c->pos++];
        in->scale = 1u << (sib >> 6);
        in->index = ((sib >> 3) & 7) | (rex & REX_X ? 8 : 0);
        if (in->index == REG_RSP)
            in->index = -1;             /* no index */
        in->base = (sib & 7) | (rex & REX_B ? 8 : 0);
        if ((sib & 7) == REG_RBP && mod == 0) {
            in->base = -1;              /* disp32, no base */
            mod = 2;
        }
    } else if (rm == REG_RBP && mod == 0) {
        in->base = -1;
        in->rip_relative = true;
        mod = 2;
    }
    if (mod == 1 && !take(c, 1, &v, true))
        return false;
    if (mod == 2 && !take(c, 4, &v, true))
        return false;
    in->disp = mod ? (int64_t)v : 0;
    return true;
}

static const struct opcode *find_opcode(uint8_t two_byte, uint8_t opc, unsigned int ext)
{
    for (unsigned int i = 0; i < sizeof(opcodes) / sizeof(opcodes[0]); i++)
        if (opcodes[i].two_byte == two_byte && opcodes[i].opc == opc &&
            (opcodes[i].ext < 0 || (unsigned int)opcodes[i].ext == ext))
            return &opcodes[i];
    return NULL;
}

/* STOS: no ModRM; rAX stored at ES:[rDI] (ES's base is 0 in 64-bit mode). */
static int decode_stos(struct ptwr_insn *in, uint8_t opc, bool opsize, uint8_t rex,
                       unsigned int len)
{
    in->op = PTWR_STOS;
    in->size = opc == OPC_STOSB ? 1 : rex & REX_W ? 8 : opsize ? 2 : 4;
    in->reg = 0;
    in->base = REG_RDI;
    in->index = -1;
    in->scale = 1;
    in->seg = PTWR_SEG_NONE;
    in->len = len;
    return 0;
}

int ptwr_decode(const uint8_t *bytes, unsigned int n, struct ptwr_insn *in)
{
    struct cursor c = { bytes, n > PTWR_INSN_MAX ? PTWR_INSN_MAX : n, 0 };
    const struct opcode *o;
    bool opsize = false;
    uint8_t rex = 0, two_byte = 0, opc, modrm;
    uint64_t imm = 0;

    memset(in, 0, sizeof(*in));
    if (!prefixes(&c, in, &opsize, &rex))
        return -XEN_EINVAL;
    if ((opc = c.b[c.pos++]) == OPC_TWO_BYTE) {
        if (c.pos >= c.n)
            return -XEN_EINVAL;
        two_byte = 1;
        opc = c.b[c.pos++];
    }
    if (!two_byte && (opc == OPC_STOSB || opc == OPC_STOS))
        return decode_stos(in, opc, opsize, rex, c.pos);
    if (c.pos >= c.n || in->rep)
        return -XEN_EINVAL;
    modrm = c.b[c.pos++];
    if (!(o = find_opcode(two_byte, opc, (modrm >> 3) & 7)) ||
        !memory_operand(&c, in, modrm, rex))
        return -XEN_EINVAL;
    in->op = o->op;
    in->reg = ((modrm >> 3) & 7) | (rex & REX_R ? 8 : 0);
    in->size = o->byte ? 1 : rex & REX_W ? 8 : opsize ? 2 : 4;
    if (o->op == PTWR_CMPXCHG_DBL)
        in->size = rex & REX_W ? 16 : 8;
    if (o->src == SRC_IMM8 || o->src == SRC_IMM8_BIT) {
        if (!take(&c, 1, &imm, o->src == SRC_IMM8))
            return -XEN_EINVAL;
    } else if (o->src == SRC_IMMZ && !take(&c, in->size == 2 ? 2 : 4, &imm, true)) {
        return -XEN_EINVAL;
    }
    in->has_imm = o->src != SRC_REG && o->src != SRC_NONE;
    in->imm = imm;
    in->len = c.pos;
    return 0;
}

static uint64_t mask_of(unsigned int size)
{
    return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* The source register's value at the operand size (ah..bh without REX). */
static uint64_t source(const struct ptwr_insn *in, struct cpu_user_regs *r)
{
    if (in->size == 1 && !in->rex && in->reg >= 4 && in->reg < 8)
        return (*ptwr_gpr(r, in->reg - 4) >> 8) & 0xff;
    return *ptwr_gpr(r, in->reg) & mask_of(in->size);
}

/* Write a register at the operand size: 32-bit writes zero the upper half. */
static void set_register(const struct ptwr_insn *in, struct cpu_user_regs *r,
                         unsigned int n, uint64_t v)
{
    uint64_t *reg;
    unsigned int shift = 0;

    if (in->size == 1 && !in->rex && n >= 4 && n < 8) {
        n -= 4;
        shift = 8;                      /* ah, ch, dh, bh */
    }
    reg = ptwr_gpr(r, n);
    if (in->size == 4)
        *reg = v & 0xffffffffULL;
    else if (in->size == 8)
        *reg = v;
    else
        *reg = (*reg & ~(mask_of(in->size) << shift)) | ((v & mask_of(in->size)) << shift);
}

/* The signed bit offset of a register-form bts/btr (operand-size wide). */
static int64_t bit_offset(const struct ptwr_insn *in, struct cpu_user_regs *r)
{
    uint64_t v = source(in, r);
    unsigned int bits = 8 * in->size;

    if (bits < 64 && (v >> (bits - 1)) & 1)
        v |= ~0ULL << bits;
    return (int64_t)v;
}

uint64_t ptwr_operand_address(const struct ptwr_insn *in, struct cpu_user_regs *r,
                              uint64_t fs_base, uint64_t gs_base)
{
    uint64_t a = (uint64_t)in->disp;

    if (in->rip_relative)
        a += r->rip + in->len;
    if (in->base >= 0)
        a += *ptwr_gpr(r, in->base);
    if (in->index >= 0)
        a += *ptwr_gpr(r, in->index) * in->scale;
    if (in->addr32)
        a &= 0xffffffffULL;
    if ((in->op == PTWR_BTS || in->op == PTWR_BTR) && !in->has_imm)
        /* Arithmetic shift: a negative offset reaches below the operand. */
        a += (uint64_t)((bit_offset(in, r) >> (in->size == 8 ? 6 : in->size == 4 ? 5 : 4)) *
                        (int64_t)in->size);
    if (in->seg == PTWR_SEG_FS)
        a += fs_base;
    else if (in->seg == PTWR_SEG_GS)
        a += gs_base;
    return a;
}

static uint64_t parity_flag(uint64_t v)
{
    return __builtin_parity((unsigned int)(v & 0xff)) ? 0 : PTWR_FLAG_PF;
}

/* SF, ZF and PF of a result of the operand size. */
static uint64_t result_flags(uint64_t v, unsigned int size)
{
    v &= mask_of(size);
    return ((v >> (8 * size - 1)) & 1 ? PTWR_FLAG_SF : 0) | (v ? 0 : PTWR_FLAG_ZF) |
           parity_flag(v);
}

#define ARITH_FLAGS (PTWR_FLAG_CF | PTWR_FLAG_PF | PTWR_FLAG_AF | PTWR_FLAG_ZF | \
                     PTWR_FLAG_SF | PTWR_FLAG_OF)

/* The flags of cmp a, b (a - b) at the operand size. */
static uint64_t compare_flags(uint64_t a, uint64_t b, unsigned int size)
{
    uint64_t m = mask_of(size), d = (a - b) & m, sign = 1ULL << (8 * size - 1);
    uint64_t f = result_flags(d, size);

    a &= m;
    b &= m;
    if (a < b)
        f |= PTWR_FLAG_CF;
    if (((a ^ b) & (a ^ d)) & sign)
        f |= PTWR_FLAG_OF;
    if ((a ^ b ^ d) & 0x10)
        f |= PTWR_FLAG_AF;
    return f;
}

static void set_flags(struct cpu_user_regs *r, uint64_t which, uint64_t f)
{
    r->rflags = (r->rflags & ~which) | (f & which);
}

bool ptwr_execute(const struct ptwr_insn *in, struct cpu_user_regs *r, uint64_t old,
                  uint64_t *val)
{
    uint64_t m = mask_of(in->size), src = in->has_imm ? in->imm & m : source(in, r);
    unsigned int bit;

    old &= m;
    switch (in->op) {
    case PTWR_MOV:
        *val = src;
        return true;
    case PTWR_XCHG:
        set_register(in, r, in->reg, old);
        *val = src;
        return true;
    case PTWR_CMPXCHG:
        set_flags(r, ARITH_FLAGS, compare_flags(r->rax, old, in->size));
        if ((r->rax & m) == old) {
            *val = src;
            return true;
        }
        set_register(in, r, 0, old);    /* the accumulator gets the operand */
        return false;
    case PTWR_AND:
    case PTWR_OR:
        *val = in->op == PTWR_AND ? old & src : old | src;
        /* OF and CF cleared, SF ZF PF from the result, AF undefined (kept). */
        set_flags(r, ARITH_FLAGS & ~PTWR_FLAG_AF, result_flags(*val, in->size));
        return true;
    case PTWR_BTS:
    case PTWR_BTR:
        bit = (in->has_imm ? in->imm : (uint64_t)bit_offset(in, r)) & (8 * in->size - 1);
        set_flags(r, PTWR_FLAG_CF, (old >> bit) & 1 ? PTWR_FLAG_CF : 0);
        *val = in->op == PTWR_BTS ? old | (1ULL << bit) : old & ~(1ULL << bit);
        return true;
    case PTWR_STOS:
        *val = r->rax & m;
        return true;
    case PTWR_CMPXCHG_DBL: {            /* cmpxchg8b: edx:eax against it, ecx:ebx in */
        uint64_t want = ((r->rdx & 0xffffffffULL) << 32) | (r->rax & 0xffffffffULL);
        set_flags(r, PTWR_FLAG_ZF, old == want ? PTWR_FLAG_ZF : 0);
        if (old == want) {
            *val = ((r->rcx & 0xffffffffULL) << 32) | (r->rbx & 0xffffffffULL);
            return true;
        }
        r->rax = old & 0xffffffffULL;
        r->rdx = old >> 32;
        return false;
    }
    }
    return false;
}

bool ptwr_execute_wide(const struct ptwr_insn *in, struct cpu_user_regs *r,
                       const uint64_t old[2], uint64_t val[2])
{
    bool match;

    val[1] = old[1];
    if (in->size <= 8)
        return ptwr_execute(in, r, old[0], &val[0]);
    /* cmpxchg16b: rdx:rax against it, rcx:rbx in. */
    match = old[0] == r->rax && old[1] == r->rdx;
    set_flags(r, PTWR_FLAG_ZF, match ? PTWR_FLAG_ZF : 0);
    if (match) {
        val[0] = r->rbx;
        val[1] = r->rcx;
        return true;
    }
    val[0] = old[0];
    r->rax = old[0];
    r->rdx = old[1];
    return false;
}
