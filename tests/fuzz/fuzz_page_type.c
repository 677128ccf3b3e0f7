/*
 * libFuzzer harness: the page-type validator (mm/page_type.c) on the fake
 * machine of the unit tests (tests/unit/fake_frames.c), driven as a PV
 * guest drives it: mmu_update writes to any entry of any of its frames
 * (the hypervisor's own path: a validated table is held and written
 * through mod_pt_entry, anything else is a plain write), pins and unpins
 * at every level, frames given back, and preemption at any point, each
 * deferred teardown finished as the next element of a batch would.
 * After the sequence every pin is dropped and the auditor must find every
 * frame's counts and types exactly as the page tables say.
 *
 * The input is a list of 8-byte operations:
 *     op % 4 = 0   update: table a, slot b|c<<8, entry d (frame), e (flags)
 *            = 1   pin a at level b % 4 + 1 (once per frame)
 *            = 2   unpin a
 *            = 3   preempt every (b % 5)th check (0: never); give a back
 *                  if c is odd (a fresh frame takes its place)
 */
#include <stdlib.h>

#include "fake_frames.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NF  24                          /* the guest's frames */

static unsigned long f[NF];
static unsigned int pinned[NF];         /* level, 0: not pinned */
static struct pt_deferred defer;

/* The unit framework's hooks, which fake_frames.c's own checks call: a
 * failed one is a finding (the fake machine is inconsistent). */
void unit_count_check(void)
{
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
    fprintf(stderr, "%s:%d: %s\n", file, line, fmt);
    abort();
}

void unit_fail_eq(const char *file, int line, const char *expr, long long a, long long b)
{
    fprintf(stderr, "%s:%d: %s: %lld != %lld\n", file, line, expr, a, b);
    abort();
}

void unit_fail_str(const char *file, int line, const char *expr, const char *a,
                   const char *b)
{
    fprintf(stderr, "%s:%d: %s: '%s' != '%s'\n", file, line, expr, a, b);
    abort();
}

/* What batch_between does before the next element. */
static void finish_deferred(void)
{
    while (pt_finish_deferred(&defer, true) == -XEN_ERESTART)
        ;
}

/* The hypervisor's put_table_ref: the held type ref, maybe the last. */
static void put_table_ref(struct page_info *pg)
{
    if (put_page_type(pg, true) == -XEN_ERESTART && !defer.page) {
        get_page_light(pg);
        defer = (struct pt_deferred){ pg, true };
    }
}

/* mmu_update's one element (mm/pv_mmu.c: hold_table, plain_write). */
static void update(unsigned long mfn, unsigned int slot, uint64_t val)
{
    struct page_info *pg = mfn_to_page(mfn);
    unsigned long type;

    if (!get_page(pg, D1))
        return;
    type = pg->type_info & PGT_type_mask;
    if (PGT_is_pagetable(type) && get_page_type_validated(pg, type)) {
        mod_pt_entry(mfn, slot, val, PGT_level(type), D1, D1, false, &defer);
        put_table_ref(pg);
    } else if (!get_page_type(pg, PGT_writable_page, false)) {
        fake_mem(mfn)[slot] = val;
        put_page_type(pg, false);
    }
    put_page(pg);
}

static uint64_t entry(uint8_t d, uint8_t e)
{
    unsigned long mfn = d < 2 * NF ? f[d % NF] : d;     /* else raw: Xen's, free, ... */
    uint64_t flags = e & 0x7f;                          /* P RW US PWT PCD A D */

    if (e & 0x80)
        flags |= _PAGE_PSE;
    if ((e & 0x41) == 0x41)
        flags |= _PAGE_NX;
    return pte(mfn, flags);
}

static void op(const uint8_t *p)
{
    unsigned int a = p[1] % NF;

    switch (p[0] % 4) {
    case 0:
        update(f[a], (p[2] | p[3] << 8) % 512, entry(p[4], p[5]));
        break;
    case 1:
        if (!pinned[a] && !fake_pin(f[a], p[2] % 4 + 1))
            pinned[a] = p[2] % 4 + 1;
        break;
    case 2:
        if (pinned[a]) {
            fake_unpin(f[a]);
            pinned[a] = 0;
        }
        break;
    default:
        fake.preempt_every = p[2] % 5;
        if ((p[3] & 1) && !pinned[a]) {
            fake_release(f[a]);
            f[a] = fake_alloc(D1);
        }
    }
    finish_deferred();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fake_audit a;

    fake_reset();
    defer = (struct pt_deferred){ 0 };
    for (unsigned int i = 0; i < NF; i++) {
        f[i] = fake_alloc(D1);
        pinned[i] = 0;
    }
    for (size_t off = 0; off + 8 <= size && off < 8 * 256; off += 8)
        op(data + off);
    fake.preempt_every = 0;
    for (unsigned int i = 0; i < NF; i++)
        if (pinned[i])
            fake_unpin(f[i]);
    finish_deferred();
    if (fake_audit(&a)) {
        fprintf(stderr, "audit: %lu problems, mfn %#lx: %s\n", a.problems, a.mfn, a.what);
        abort();
    }
    return 0;
}
