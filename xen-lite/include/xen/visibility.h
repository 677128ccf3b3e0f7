/*
 * Included first in every hypervisor file: every symbol is local to the
 * image, so position-independent code reaches it RIP-relative instead of
 * through a GOT (the image lives above 4 GiB, where absolute 32-bit
 * addresses cannot reach).
 */
#pragma GCC visibility push(hidden)
