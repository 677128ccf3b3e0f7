/*
 * Zeroing frames: 16 bytes a store with SSE2's non-temporal MOVNTDQ (the
 * zeroes are not read soon, so they need not fill the cache), sixteen
 * stores an iteration, then SFENCE so the stores are visible before the
 * frames change hands (SDM Vol. 1 10.4.6.2, Vol. 2 MOVNTDQ).  Against
 * MOVNTI's 8 bytes a store it halves the instructions, and an emulator
 * runs it as fast; `rep stos` an emulator takes one element at a time.
 *
 * The hypervisor is built without SSE: xmm0 is saved and restored around
 * the loop, and CR0.TS (a guest's lazy FPU switch) cleared for it and set
 * again (SDM Vol. 3 2.5: TS makes SSE instructions fault).
 */
#include "asm/page.h"
#include "asm/processor.h"
#include "xen/mm.h"

void clear_frames(unsigned long mfn, unsigned long n)
{
    char *p = mfn_to_virt(mfn), *end = p + n * PAGE_SIZE;
    unsigned long cr0 = read_cr0();
    uint64_t saved[2];

    if (!n)
        return;
    if (cr0 & X86_CR0_TS)
        clts();
    __asm__ __volatile__(
        "   movdqu %%xmm0, %[saved]\n"
        "   pxor %%xmm0, %%xmm0\n"
        "1: movntdq %%xmm0, 0(%[p])\n"
        "   movntdq %%xmm0, 16(%[p])\n"
        "   movntdq %%xmm0, 32(%[p])\n"
        "   movntdq %%xmm0, 48(%[p])\n"
        "   movntdq %%xmm0, 64(%[p])\n"
        "   movntdq %%xmm0, 80(%[p])\n"
        "   movntdq %%xmm0, 96(%[p])\n"
        "   movntdq %%xmm0, 112(%[p])\n"
        "   movntdq %%xmm0, 128(%[p])\n"
        "   movntdq %%xmm0, 144(%[p])\n"
        "   movntdq %%xmm0, 160(%[p])\n"
        "   movntdq %%xmm0, 176(%[p])\n"
        "   movntdq %%xmm0, 192(%[p])\n"
        "   movntdq %%xmm0, 208(%[p])\n"
        "   movntdq %%xmm0, 224(%[p])\n"
        "   movntdq %%xmm0, 240(%[p])\n"
        "   add $256, %[p]\n"
        "   cmp %[end], %[p]\n"
        "   jne 1b\n"
        "   sfence\n"
        "   movdqu %[saved], %%xmm0"
        : [p] "+r"(p), [saved] "+m"(saved) : [end] "r"(end) : "memory");
    if (cr0 & X86_CR0_TS)
        write_cr0(cr0);
}

void clear_frame(unsigned long mfn)
{
    clear_frames(mfn, 1);
}
