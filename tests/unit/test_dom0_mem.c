/*
 * dom0_mem= (xen-lite/common/dom0_mem.c), read alike by the hypervisor's
 * dom0 builder and dom0's balloon manager: Xen's syntax, units, bad
 * values, and finding the option in a whole command line.
 */
#include "xen/dom0_mem.h"

#include "unit.h"

#define MIB (1ull << 20)

TEST(amount_min_and_max_in_any_order_with_units)
{
    struct dom0_mem m;

    CHECK_EQ(dom0_mem_parse("256M", &m), 0);
    CHECK_EQ(m.amount, 256 * MIB);
    CHECK_EQ(m.min, 0);
    CHECK_EQ(m.max, 0);
    CHECK_EQ(dom0_mem_parse("min:128M,max:1G,512m", &m), 0);
    CHECK_EQ(m.min, 128 * MIB);
    CHECK_EQ(m.max, 1024 * MIB);
    CHECK_EQ(m.amount, 512 * MIB);
    CHECK_EQ(dom0_mem_parse("max:2t", &m), 0);
    CHECK_EQ(m.max, 2ull << 40);
    CHECK_EQ(m.amount, 0);
    CHECK_EQ(dom0_mem_parse("4096", &m), 0);        /* KiB without a unit */
    CHECK_EQ(m.amount, 4 * MIB);
    CHECK_EQ(dom0_mem_parse("64k", &m), 0);
    CHECK_EQ(m.amount, 64 * 1024);
}

TEST(malformed_values_are_refused)
{
    struct dom0_mem m;

    CHECK_EQ(dom0_mem_parse("lots", &m), -1);
    CHECK_EQ(dom0_mem_parse("min:", &m), -1);
    CHECK_EQ(dom0_mem_parse("256X", &m), -1);
    CHECK_EQ(dom0_mem_parse("99999999999999999999", &m), -1);
    CHECK_EQ(dom0_mem_parse("18446744073709551615G", &m), -1);
    CHECK_EQ(dom0_mem_parse("1G,", &m), 0);         /* a trailing comma */
}

TEST(found_in_a_command_line_the_last_one_winning)
{
    struct dom0_mem m;

    CHECK_EQ(dom0_mem_from_cmdline("console=com1 loglvl=all", &m), 1);
    CHECK_EQ(m.amount, 0);
    CHECK_EQ(dom0_mem_from_cmdline("console=com1 dom0_mem=256M "
                                   "dom0_max_vcpus=2", &m), 0);
    CHECK_EQ(m.amount, 256 * MIB);
    CHECK_EQ(dom0_mem_from_cmdline("dom0_mem=1G xdom0_mem=5M "
                                   "dom0_mem=min:64M,max:512M", &m), 0);
    CHECK_EQ(m.min, 64 * MIB);
    CHECK_EQ(m.max, 512 * MIB);
    CHECK_EQ(m.amount, 0);
    CHECK_EQ(dom0_mem_from_cmdline("dom0_mem=bad", &m), -1);
}
