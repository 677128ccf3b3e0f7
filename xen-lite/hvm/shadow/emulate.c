/*
 * Writes to guest page tables, which the shadows keep read-only: the
 * writing instruction is read from guest memory, decoded by the decoder
 * PV writable page tables use too (asm/ptwr.h), performed on the guest's frame,
 * and every shadow of the frame is brought up to date with the entries
 * it touched.
 *
 * Two guesses that a frame has stopped being a page table, as Xen makes
 * them: a write to a top level that is cached but that no vCPU runs on
 * (an address space being torn down or its frame reused), and a REP STOS
 * over a good part of it (a frame being cleared for reuse).  The frame is
 * then unshadowed, and the guest's writes go straight to it until it is
 * used as a table again.  An instruction the decoder does not know
 * unshadows the frame too, and the guest retries it itself.
 */
#include "asm/processor.h"
#include "asm/ptwr.h"
#include "xen/lib.h"

#include "private.h"

#define STOS_UNSHADOW_BYTES 64          /* a REP STOS this long clears the table */

void shadow_guest_wrote(struct shadow_domain *sd, unsigned long gfn, unsigned int offset,
                        unsigned int len)
{
    unsigned int first = offset / sizeof(uint64_t);
    unsigned int last = MIN((offset + len - 1) / sizeof(uint64_t), PT_ENTRIES - 1);

    for (unsigned int type = SH_L1; type <= SH_L4; type++) {
        uint32_t idx;

        if (!sh_is_table(type) || (idx = sh_lookup(sd, gfn, type)) == SH_NIL)
            continue;
        for (unsigned int s = first; s <= last; s++) {
            unsigned long bad = SH_INVALID_MFN;
            uint64_t ge = sh_guest_entry(sd, idx, s);
            sh_set_entry(sd, idx, s, sh_derive(sd, idx, ge, false, &bad));
        }
    }
}

/*
 * Up to PTWR_INSN_MAX bytes at rip, as the guest would fetch them; *n may
 * come short when the rest is on a page the guest cannot read.
 * -XEN_EFAULT: not even the first byte (the guest's #PF is in *out);
 * -XEN_ENXIO: the code is not in the domain's RAM (out->gfn).
 */
static int fetch(struct shadow_domain *sd, const struct shadow_vcpu *sv, uint64_t rip,
                 unsigned int cpl, uint8_t *buf, unsigned int *n,
                 struct shadow_fault_info *out)
{
    uint32_t access = PFEC_FETCH | (cpl == 3 ? PFEC_USER : 0);

    for (*n = 0; *n < PTWR_INSN_MAX;) {
        uint64_t va = rip + *n;
        unsigned int chunk = MIN(PTWR_INSN_MAX - *n, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
        struct sh_gwalk gw;
        unsigned int order;
        bool writable;

        switch (sh_walk(sd, sv, va, access, false, false, &gw)) {
        case SH_FIXED:
            break;
        case SH_BAD_GFN:
            out->gfn = gw.bad_gfn;
            return -XEN_ENXIO;
        default:
            out->pfec = gw.pfec;
            out->cr2 = va;
            return *n ? 0 : -XEN_EFAULT;
        }
        memcpy(buf + *n, (uint8_t *)pt_map_frame(shadow_p2m_lookup(sd, gw.gfn, &order,
                                                                   &writable)) +
                         (va & (PAGE_SIZE - 1)), chunk);
        *n += chunk;
    }
    return 0;
}

/* The frame is not to be treated as a table any more, if it can be let go. */
static int give_up_table(struct shadow_domain *sd, unsigned long gfn)
{
    if (!sh_gfn_is_table(sd, gfn))
        return -XEN_EPERM;              /* a CR0.WP=0 write we cannot perform */
    if (sh_gfn_is_loaded_root(sd, gfn))
        return -XEN_EPERM;              /* a vCPU runs on it: it stays a table */
    sh_unshadow(sd, gfn);
    return 0;                           /* the guest retries the write itself */
}

static void after_write(struct shadow_domain *sd, unsigned long gfn, unsigned int offset,
                        unsigned int len)
{
    uint32_t top = sh_lookup(sd, gfn, SH_L4);

    sd->stats.emulations++;
    if (top != SH_NIL && !sh_gfn_is_loaded_root(sd, gfn))
        sh_unshadow(sd, gfn);
    else
        shadow_guest_wrote(sd, gfn, offset, len);
}

static uint64_t addr_mask(unsigned int addr_size)
{
    return addr_size == 8 ? ~0ULL : 0xffffffffULL;
}

/* STOS, or as much of REP STOS as falls in this frame. */
static int emulate_stos(struct shadow_domain *sd, struct cpu_user_regs *r,
                        const struct ptwr_insn *in, uint8_t *page, unsigned long gfn,
                        unsigned int offset)
{
    uint64_t m = addr_mask(in->addr32 ? 4 : 8), count = in->rep ? r->rcx & m : 1;
    bool down = r->rflags & X86_EFLAGS_DF;
    uint64_t room = down ? offset / in->size + 1 : (PAGE_SIZE - offset) / in->size;
    uint64_t n = MIN(count, room), val;
    unsigned int lo = down ? offset - (n - 1) * in->size : offset;

    if (in->rep && n * in->size >= STOS_UNSHADOW_BYTES)
        return give_up_table(sd, gfn);
    ptwr_execute(in, r, 0, &val);
    for (uint64_t i = 0; i < n; i++)
        memcpy(page + lo + i * in->size, &val, in->size);
    r->rdi = (r->rdi & ~m) | ((r->rdi + (down ? -n : n) * in->size) & m);
    if (in->rep)
        r->rcx = (r->rcx & ~m) | ((count - n) & m);
    if (!in->rep || count == n)
        r->rip += in->len;
    after_write(sd, gfn, lo, n * in->size);
    return 0;
}

int shadow_emulate_write(struct shadow_domain *sd, struct shadow_vcpu *sv,
                         struct cpu_user_regs *r, const struct shadow_emul_env *env,
                         uint64_t va, unsigned long gfn, struct shadow_fault_info *out)
{
    unsigned int offset = va & (PAGE_SIZE - 1), order, n;
    uint8_t insn[PTWR_INSN_MAX], *page;
    uint64_t old[2] = { 0, 0 }, new[2];
    struct cpu_user_regs after = *r;
    struct ptwr_insn in;
    bool writable;
    unsigned long mfn = shadow_p2m_lookup(sd, gfn, &order, &writable);
    int rc = fetch(sd, sv, r->rip, env->cpl, insn, &n, out);

    if (rc < 0)
        return rc;
    /*
     * Not one we know (or cut short by an unreadable page, or 32-bit
     * code): the frame stops being a table and the CPU runs it again.
     */
    if (!env->long_mode_cs || ptwr_decode(insn, n, &in) < 0 ||
        offset + in.size > PAGE_SIZE || mfn == SH_INVALID_MFN || !writable)
        return give_up_table(sd, gfn);
    page = (uint8_t *)pt_map_frame(mfn);
    if (in.op == PTWR_STOS)
        return emulate_stos(sd, r, &in, page, gfn, offset);
    memcpy(old, page + offset, in.size);
    if (ptwr_execute_wide(&in, &after, old, new))
        memcpy(page + offset, new, in.size);
    after.rip += in.len;
    *r = after;
    after_write(sd, gfn, offset, in.size);
    return 0;
}
