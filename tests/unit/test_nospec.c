/*
 * array_index_nospec (xen-lite/include/xen/nospec.h): an index below the
 * bound comes back as it was, any other as 0 -- including the largest
 * values and bounds, where a subtraction would wrap.
 */
#include "xen/nospec.h"

#include "unit.h"

TEST(nospec_keeps_indices_below_the_bound)
{
    for (unsigned long i = 0; i < 64; i++)
        CHECK_EQ(array_index_nospec(i, 64UL), i);
    CHECK_EQ(array_index_nospec(~0UL - 1, ~0UL), ~0UL - 1);
}

TEST(nospec_turns_others_into_zero)
{
    CHECK_EQ(array_index_nospec(64UL, 64UL), 0);
    CHECK_EQ(array_index_nospec(65UL, 64UL), 0);
    CHECK_EQ(array_index_nospec(~0UL, 64UL), 0);
    CHECK_EQ(array_index_nospec(5UL, 0UL), 0);
    CHECK_EQ(array_index_nospec(1UL << 63, 1UL << 62), 0);
}

TEST(nospec_keeps_the_index_type)
{
    unsigned int port = 4095;
    unsigned short domid = 0x7ff0;

    CHECK_EQ(array_index_nospec(port, 4096U), 4095U);
    CHECK_EQ(array_index_nospec(domid, 0x7ff0), 0);
    CHECK_EQ(sizeof(array_index_nospec(domid, 0x7ff0)), sizeof(domid));
}
