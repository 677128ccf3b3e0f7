/*
 * The seeded random stream (SplitMix64: one 64-bit state, good enough
 * statistics for choosing arguments, and the same numbers on every run).
 */
#include "fuzz.h"

static uint64_t state;

void rng_seed(uint64_t seed)
{
    state = seed;
}

uint64_t rnd(void)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t rnd_below(uint64_t n)
{
    return n ? rnd() % n : 0;
}

bool chance(unsigned int percent)
{
    return rnd_below(100) < percent;
}

uint64_t pick(const uint64_t *v, unsigned int n)
{
    return v[rnd_below(n)];
}

void fill_random(void *p, size_t len)
{
    uint8_t *b = p;

    while (len >= 8) {
        uint64_t r = rnd();
        memcpy(b, &r, 8);
        b += 8;
        len -= 8;
    }
    while (len--)
        *b++ = (uint8_t)rnd();
}
