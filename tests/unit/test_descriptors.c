/*
 * Guest descriptors (arch/x86/pv/desc_check.c) and descriptor pages as a
 * page type (mm/page_type.c): what a 64-bit PV guest may put in its GDT
 * and LDT, the DPL raised to 3, and a descriptor page's life.
 */
#include "asm/desc.h"
#include "fake_frames.h"

#define FLAT        0x00cf00000000ffffull
#define DPL(n)      ((uint64_t)(n) << SEG_DESC_DPL_SHIFT)
#define TYPE(t)     ((uint64_t)(t) << SEG_DESC_TYPE_SHIFT)
#define CODE64      ((FLAT & ~SEG_DESC_DB) | SEG_DESC_L | SEG_DESC_P | SEG_DESC_S | \
                     TYPE(SEG_TYPE_CODE | SEG_TYPE_READABLE))
#define DATA        (FLAT | SEG_DESC_P | SEG_DESC_S | TYPE(SEG_TYPE_WRITABLE))
#define SYSTEM(t)   (SEG_DESC_P | TYPE(t))
#define CALL_GATE64 0xc
#define INTR_GATE64 0xe

static uint64_t checked(uint64_t d, bool *ok)
{
    *ok = pv_check_descriptor(&d);
    return d;
}

TEST(code_and_data_descriptors_get_dpl_3)
{
    bool ok;

    for (unsigned int dpl = 0; dpl < 4; dpl++) {
        CHECK_EQ(checked(CODE64 | DPL(dpl), &ok), CODE64 | DPL(3));
        CHECK(ok);
        CHECK_EQ(checked(DATA | DPL(dpl), &ok), DATA | DPL(3));
        CHECK(ok);
    }
}

TEST(not_present_descriptors_pass_unchanged)
{
    bool ok;
    uint64_t junk = 0xffff7fffffffffffull;          /* everything but P */

    CHECK_EQ(checked(junk, &ok), junk);
    CHECK(ok);
    CHECK_EQ(checked(0, &ok), 0);
    CHECK(ok);
}

TEST(system_descriptors_refused_except_type_0)
{
    bool ok;
    const unsigned int refused[] = { SEG_TYPE_LDT, SEG_TYPE_TSS_AVAIL, CALL_GATE64,
                                     INTR_GATE64, 0xf, 0x1, 0xb };

    for (unsigned int i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        CHECK_EQ(checked(SYSTEM(refused[i]) | DPL(3), &ok), SYSTEM(refused[i]) | DPL(3));
        CHECK(!ok);
    }
    /* The upper half of a 16-byte descriptor: present, type 0, harmless. */
    CHECK_EQ(checked(SYSTEM(0), &ok), SYSTEM(0));
    CHECK(ok);
}

static void setup(void)
{
    fake_reset();
}

static unsigned long desc_frame(const uint64_t *d, unsigned int n)
{
    unsigned long f = fake_alloc(D1);

    memcpy(fake_mem(f), d, n * sizeof(*d));
    return f;
}

TEST(descriptor_page_validated_and_fixed_on_first_type_ref)
{
    setup();
    const uint64_t d[3] = { 0, CODE64, DATA | DPL(1) };
    unsigned long f = desc_frame(d, 3);

    CHECK_EQ(get_page_and_type(mfn_to_page(f), D1, PGT_seg_desc_page, false), 0);
    CHECK_EQ(ttype(f), PGT_seg_desc_page);
    CHECK(tflag(f, PGT_validated));
    COUNTS(f, 2, 1);
    CHECK_EQ(fake_mem(f)[1], CODE64 | DPL(3));
    CHECK_EQ(fake_mem(f)[2], DATA | DPL(3));
    /* In use as descriptors: no writable type, no page-table type. */
    CHECK_EQ(get_page_type(mfn_to_page(f), PGT_writable_page, false), -XEN_EINVAL);
    CHECK_EQ(get_page_type(mfn_to_page(f), PGT_l1_page_table, false), -XEN_EINVAL);
    fake_hold(f, true);
    AUDIT_CLEAN();
    fake_unhold(f, true);
    put_page_and_type(mfn_to_page(f));
    /* Free again: it may become writable (and would be revalidated). */
    CHECK_EQ(get_page_type(mfn_to_page(f), PGT_writable_page, false), 0);
    put_page_type(mfn_to_page(f), false);
    AUDIT_CLEAN();
}

TEST(descriptor_page_with_a_gate_refused_with_nothing_typed)
{
    setup();
    const uint64_t d[4] = { 0, CODE64, 0, SYSTEM(CALL_GATE64) };
    unsigned long f = desc_frame(d, 4);
    CHECK_EQ(get_page_and_type(mfn_to_page(f), D1, PGT_seg_desc_page, false), -XEN_EINVAL);
    CHECK_EQ(ttype(f), 0);
    COUNTS(f, 1, 0);
    CHECK_EQ(fake_mem(f)[3], SYSTEM(CALL_GATE64));
    AUDIT_CLEAN();
}

TEST(writable_page_cannot_become_a_descriptor_page)
{
    setup();
    unsigned long f = desc_frame((const uint64_t[]){ DATA }, 1);

    CHECK_EQ(get_page_type(mfn_to_page(f), PGT_writable_page, false), 0);
    CHECK_EQ(get_page_and_type(mfn_to_page(f), D1, PGT_seg_desc_page, false), -XEN_EINVAL);
    CHECK_EQ(ttype(f), PGT_writable_page);
    put_page_type(mfn_to_page(f), false);
    CHECK_EQ(get_page_and_type(mfn_to_page(f), D0, PGT_seg_desc_page, false), -XEN_EINVAL);
    AUDIT_CLEAN();
}
