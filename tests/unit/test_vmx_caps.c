/*
 * VMX control computation (hvm/vmx/vmx_caps.c): capability MSR values in,
 * controls and features out.  The MSR values are those Bochs 2.7 reports
 * for its CPU models (corei7_skylake_x, corei5_lynnfield_750 -- EPT but no
 * unrestricted guest -- and core2_penryn_t9600 -- no EPT at all), plus
 * variations of them for what no model shows.
 */
#include <string.h>

#include "asm/vmx.h"
#include "asm/vmx_caps.h"

#include "unit.h"
#include "vmx_msrs.h"

static struct vmx_msrs skylake(void)
{
    return skylake_msrs();
}

/* corei5_lynnfield_750 (Nehalem): EPT with 2 MiB pages, VPID, no
 * unrestricted guest. */
static struct vmx_msrs lynnfield(void)
{
    struct vmx_msrs m = skylake();
    m.ctl[VMX_CTL_PROC2] = 0x7f00000000UL;
    m.ept_vpid = 0xf0106114141UL;
    return m;
}

static struct vmx_config config_of(const struct vmx_msrs *m)
{
    struct vmx_config c;
    memset(&c, 0xa5, sizeof(c));        /* everything must be written */
    vmx_compute_config(m, &c);
    return c;
}

#define PROC_WANTED (PROC_HLT_EXITING | PROC_MWAIT_EXITING |                \
                     PROC_MONITOR_EXITING | PROC_RDPMC_EXITING |            \
                     PROC_MOV_DR_EXITING | PROC_IO_BITMAPS |                \
                     PROC_MSR_BITMAPS | PROC_SECONDARY_CONTROLS |           \
                     PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING |       \
                     PROC_TSC_OFFSETTING)

TEST(skylake_runs_hvm_on_ept_with_large_pages_and_vpid)
{
    struct vmx_msrs m = skylake();
    struct vmx_config c = config_of(&m);

    CHECK(c.usable);
    CHECK(c.hap);
    CHECK_EQ(c.revision, 0x2b);
    CHECK_EQ(c.region_size, 4096);
    CHECK(!c.below_4g);
    CHECK(c.ept && c.ept_2m && c.ept_1g && c.ept_ad);
    CHECK(c.invept_single && c.invept_all);
    CHECK(c.vpid && c.invvpid_single && c.invvpid_all && c.invvpid_addr);
    CHECK(c.unrestricted_guest);
    CHECK_EQ(c.ctl[VMX_CTL_PIN], 0x16 | PIN_EXT_INTR_EXITING |
             PIN_NMI_EXITING | PIN_VIRTUAL_NMIS);
    CHECK_EQ(c.ctl[VMX_CTL_PROC], 0x04006172 | PROC_WANTED);
    /* Window exits are available, set only while an event waits. */
    CHECK_EQ(c.on_demand[VMX_CTL_PROC], PROC_INTR_WINDOW_EXITING |
             PROC_NMI_WINDOW_EXITING);
    CHECK_EQ(c.ctl[VMX_CTL_PROC2], PROC2_EPT | PROC2_UNRESTRICTED_GUEST |
             PROC2_VPID | PROC2_RDTSCP | PROC2_INVPCID | PROC2_XSAVES);
    CHECK_EQ(c.ctl[VMX_CTL_EXIT], 0x36dfb | EXIT_SAVE_DEBUG_CTLS |
             EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_PAT | EXIT_LOAD_PAT |
             EXIT_SAVE_EFER | EXIT_LOAD_EFER);
    CHECK_EQ(c.ctl[VMX_CTL_ENTRY], 0x11fb | ENTRY_LOAD_DEBUG_CTLS |
             ENTRY_LOAD_PAT | ENTRY_LOAD_EFER);
    CHECK_EQ(c.cr0_fixed0, 0x80000021);
    CHECK_EQ(c.cr4_fixed1, 0x3727ff);
}

TEST(true_msrs_let_default1_controls_be_0)
{
    struct vmx_msrs m = skylake();
    struct vmx_config c = config_of(&m);

    /* TRUE_PROCBASED_CTLS allows CR3-load/store exiting to be 0. */
    CHECK(!(c.ctl[VMX_CTL_PROC] & (PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING)));
    CHECK(!(c.ctl[VMX_CTL_PROC] & (PROC_INVLPG_EXITING | PROC_RDTSC_EXITING |
                                    PROC_UNCOND_IO_EXITING | PROC_TPR_SHADOW)));
}

TEST(without_true_msrs_default1_controls_stay_1)
{
    struct vmx_msrs m = skylake();
    struct vmx_config c;

    /* The plain MSRs, as a CPU without IA32_VMX_BASIC[55] reports them. */
    m.basic &= ~VMX_BASIC_TRUE_CTLS;
    m.ctl[VMX_CTL_PROC] = 0xf7f9fffe0401e172UL;
    m.ctl[VMX_CTL_EXIT] = 0x7fffff00036dffUL;
    m.ctl[VMX_CTL_ENTRY] = 0xffff000011ffUL;
    c = config_of(&m);
    CHECK(c.usable && c.hap);
    CHECK((c.ctl[VMX_CTL_PROC] & (PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING)) ==
          (PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING));
    CHECK_EQ(c.ctl[VMX_CTL_PROC], 0x0401e172 | PROC_WANTED);
}

TEST(must_be_1_bits_are_always_set)
{
    struct vmx_msrs m = skylake();
    struct vmx_config c;

    m.ctl[VMX_CTL_ENTRY] |= 1U << 12;           /* an odd default1 bit */
    c = config_of(&m);
    CHECK(c.ctl[VMX_CTL_ENTRY] & (1U << 12));
    for (unsigned int i = 0; i < VMX_NR_CTLS; i++) {
        uint32_t must1 = (uint32_t)m.ctl[i], may1 = m.ctl[i] >> 32;
        CHECK_EQ(c.ctl[i] & must1, must1);
        CHECK_EQ(c.ctl[i] & ~may1, 0);
    }
}

TEST(no_unrestricted_guest_means_no_hap_but_keeps_vmx)
{
    struct vmx_msrs m = lynnfield();
    struct vmx_config c = config_of(&m);

    CHECK(c.usable);
    CHECK(!c.hap);
    CHECK(!c.unrestricted_guest);
    CHECK(c.why && strstr(c.why, "unrestricted guest"));
    CHECK(c.ept && c.ept_2m && !c.ept_1g);
    CHECK(c.vpid);
    CHECK(!(c.ctl[VMX_CTL_PROC2] & PROC2_UNRESTRICTED_GUEST));
    CHECK(c.ctl[VMX_CTL_PROC2] & PROC2_EPT);
}

TEST(no_ept_means_no_hap)
{
    struct vmx_msrs m = skylake();
    struct vmx_config c;

    /* core2_penryn_t9600's secondary controls: no EPT, no VPID, and so no
     * EPT/VPID capability MSR. */
    m.ctl[VMX_CTL_PROC2] = 0x4100000000UL;
    m.ept_vpid = 0;
    c = config_of(&m);
    CHECK(c.usable);
    CHECK(!c.hap && !c.ept && !c.vpid && !c.unrestricted_guest);
    CHECK(c.why && !strcmp(c.why, "EPT"));
    CHECK_EQ(c.ctl[VMX_CTL_PROC2], 0);
}

TEST(no_secondary_controls_means_no_ept)
{
    struct vmx_msrs m = skylake();
    struct vmx_config c;

    m.ctl[VMX_CTL_PROC] &= ~((uint64_t)PROC_SECONDARY_CONTROLS << 32);
    m.ctl[VMX_CTL_PROC2] = 0;
    m.ept_vpid = 0;
    c = config_of(&m);
    CHECK(c.usable && !c.hap && !c.ept);
    CHECK(!(c.ctl[VMX_CTL_PROC] & PROC_SECONDARY_CONTROLS));
    CHECK_EQ(c.ctl[VMX_CTL_PROC2], 0);
}

TEST(missing_needed_control_makes_vmx_unusable_and_names_it)
{
    struct vmx_msrs m = skylake();
    struct vmx_config c;

    m.ctl[VMX_CTL_PROC] &= ~((uint64_t)PROC_HLT_EXITING << 32);
    c = config_of(&m);
    CHECK(!c.usable && !c.hap);
    CHECK(c.why && !strcmp(c.why, "HLT exiting"));
}

TEST(interrupt_window_exiting_is_needed)
{
    struct vmx_msrs m = skylake();
    struct vmx_config c;

    m.ctl[VMX_CTL_PROC] &= ~((uint64_t)PROC_INTR_WINDOW_EXITING << 32);
    c = config_of(&m);
    CHECK(!c.usable);
    CHECK(c.why && !strcmp(c.why, "interrupt-window exiting"));
}

TEST(penryn_exit_controls_lack_pat_and_efer)
{
    struct vmx_msrs m = skylake();
    struct vmx_config c;

    m.ctl[VMX_CTL_EXIT] = 0x3ffff00036dffUL;    /* core2_penryn_t9600 */
    c = config_of(&m);
    CHECK(!c.usable);
    CHECK(c.why && !strcmp(c.why, "saving IA32_PAT"));
}

TEST(ept_without_write_back_is_not_used)
{
    struct vmx_msrs m = skylake();
    struct vmx_config c;

    m.ept_vpid &= ~VMX_EPT_MEMTYPE_WB;
    c = config_of(&m);
    CHECK(c.usable && !c.hap && !c.ept);
    CHECK(c.why && strstr(c.why, "write-back"));
    CHECK(!(c.ctl[VMX_CTL_PROC2] & (PROC2_EPT | PROC2_UNRESTRICTED_GUEST)));
    CHECK(c.vpid);
}

TEST(ept_without_invept_is_not_used)
{
    struct vmx_msrs m = skylake();
    struct vmx_config c;

    m.ept_vpid &= ~(VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL);
    c = config_of(&m);
    CHECK(!c.ept && !c.hap);
    CHECK(c.why && strstr(c.why, "INVEPT"));
}

TEST(ept_page_sizes_follow_the_capability_msr)
{
    struct vmx_msrs m = skylake();
    struct vmx_config c;

    m.ept_vpid &= ~(VMX_EPT_2MB | VMX_EPT_1GB);
    c = config_of(&m);
    CHECK(c.hap && c.ept && !c.ept_2m && !c.ept_1g);
}

TEST(vpid_without_invvpid_is_not_used)
{
    struct vmx_msrs m = skylake();
    struct vmx_config c;

    m.ept_vpid &= ~VMX_VPID_INVVPID;
    c = config_of(&m);
    CHECK(c.hap && !c.vpid);
    CHECK(!(c.ctl[VMX_CTL_PROC2] & PROC2_VPID));
    CHECK(!c.invvpid_single && !c.invvpid_all && !c.invvpid_addr);
}

TEST(vmcs_memory_type_must_be_write_back)
{
    struct vmx_msrs m = skylake();
    struct vmx_config c;

    m.basic &= ~(0xfUL << 50);          /* uncacheable */
    c = config_of(&m);
    CHECK(!c.usable && !c.hap);
    CHECK(c.why && strstr(c.why, "write-back"));
}

TEST(region_size_and_32bit_limit_are_read)
{
    struct vmx_msrs m = skylake();
    struct vmx_config c;

    m.basic = (m.basic & ~(0x1fffUL << 32)) | (0x400UL << 32) |
              VMX_BASIC_32BIT_ADDRESSES;
    c = config_of(&m);
    CHECK(c.usable);
    CHECK_EQ(c.region_size, 0x400);
    CHECK(c.below_4g);
    m.basic = (m.basic & ~(0x1fffUL << 32)) | (0x1001UL << 32);
    c = config_of(&m);
    CHECK(!c.usable);
}

TEST(description_names_the_features)
{
    struct vmx_msrs m = skylake();
    struct vmx_config c = config_of(&m);
    char buf[256];

    vmx_describe(&c, buf, sizeof(buf));
    CHECK_STR(buf, "revision 0x2b, EPT 4-level WB 2M 1G A/D INVEPT-single "
              "INVEPT-all, VPID INVVPID-single INVVPID-all INVVPID-address, "
              "unrestricted guest");
    m = lynnfield();
    c = config_of(&m);
    vmx_describe(&c, buf, sizeof(buf));
    CHECK(strstr(buf, "no unrestricted guest"));
}
