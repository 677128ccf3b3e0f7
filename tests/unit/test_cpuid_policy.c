/*
 * The PV CPUID policy (arch/x86/pv/cpuid_policy.c): what a PV guest must
 * not see is hidden whatever the host has, the rest passes.
 */
#include "asm/cpuid_policy.h"
#include "unit.h"

static const struct cpuid_host host = {
    .max_basic = 0x16, .max_ext = 0x80000021, .amd = false,
    .leaf1 = { 0x000306c3, 0x01100800, 0xffffffff, 0xffffffff },
};

static struct cpuid_regs ask(uint32_t leaf, uint32_t sub, const struct cpuid_host *h)
{
    struct cpuid_regs r = { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff };

    if (leaf == 1)
        r = h->leaf1;
    pv_cpuid_policy(leaf, sub, h, &r);
    return r;
}

#define BIT(n) (1u << (n))

TEST(leaf1_hides_paging_mtrr_mce_and_vmx)
{
    struct cpuid_regs r = ask(1, 0, &host);

    /* EDX: VME 1, PSE 3, MCE 7, MTRR 12, PGE 13, MCA 14, PSE36 17 */
    CHECK_EQ(r.edx & (BIT(1) | BIT(3) | BIT(7) | BIT(12) | BIT(13) | BIT(14) | BIT(17)), 0);
    /* FPU, TSC, MSR, PAE, CX8, CMOV, PAT, FXSR, SSE2 stay. */
    CHECK_EQ(r.edx & (BIT(0) | BIT(4) | BIT(5) | BIT(6) | BIT(8) | BIT(15) | BIT(16) |
                      BIT(24) | BIT(26)),
             BIT(0) | BIT(4) | BIT(5) | BIT(6) | BIT(8) | BIT(15) | BIT(16) | BIT(24) | BIT(26));
    /* ECX: MONITOR 3, VMX 5, PCID 17, X2APIC 21, TSC_DEADLINE 24, XSAVE 26, OSXSAVE 27, AVX 28 */
    CHECK_EQ(r.ecx & (BIT(3) | BIT(5) | BIT(17) | BIT(21) | BIT(24) | BIT(26) | BIT(27) | BIT(28)), 0);
    CHECK(r.ecx & BIT(31));                                 /* hypervisor */
    CHECK(r.ecx & BIT(0));                                  /* SSE3 */
    CHECK_EQ(r.ebx >> 24, 0);                               /* no APIC ID */
}

TEST(extended_leaf_hides_1g_pages_and_svm)
{
    struct cpuid_regs r = ask(0x80000001, 0, &host);

    CHECK_EQ(r.edx & BIT(26), 0);                           /* PAGE1GB */
    CHECK(r.edx & BIT(29));                                 /* LM */
    CHECK(r.edx & BIT(20));                                 /* NX */
    CHECK_EQ(r.ecx & BIT(2), 0);                            /* SVM */
    CHECK_EQ(ask(0x80000000, 0, &host).eax, 0x80000008);
    CHECK_EQ(ask(0x80000021, 0, &host).eax, 0);
}

TEST(amd_repeats_the_filtered_leaf1_bits)
{
    struct cpuid_host amd = host;
    struct cpuid_regs r;

    amd.amd = true;
    r = ask(0x80000001, 0, &amd);
    CHECK_EQ(r.edx & (BIT(3) | BIT(13) | BIT(12) | BIT(17) | BIT(7) | BIT(14)), 0);
    CHECK(r.edx & BIT(0));                                  /* FPU, repeated */
}

TEST(leaf7_and_the_leaves_a_guest_gets_none_of)
{
    struct cpuid_regs r = ask(7, 0, &host);

    CHECK_EQ(r.eax, 0);
    CHECK_EQ(r.ebx & (BIT(5) | BIT(7) | BIT(10) | BIT(16) | BIT(20)), 0);  /* AVX2 SMEP INVPCID AVX512F SMAP */
    CHECK(r.ebx & BIT(0));                                  /* FSGSBASE */
    CHECK_EQ(ask(7, 1, &host).eax, 0);
    for (uint32_t leaf = 5; leaf <= 0xd; leaf++) {
        struct cpuid_regs e = ask(leaf, 0, &host);
        if (leaf == 7)
            continue;
        CHECK_EQ(e.eax | e.ebx | e.ecx | e.edx, 0);
    }
    CHECK_EQ(ask(0, 0, &host).eax, 0xd);
    CHECK_EQ(ask(0xe, 0, &host).eax, 0);
}
