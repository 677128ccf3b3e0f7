/*
 * SMAP (Intel SDM vol. 3 §4.6.1, AMD APM vol. 2 §5.6.6): with CR4.SMAP set,
 * ring 0 may touch pages a guest can map (all of a PV guest's pages are
 * user pages) only while EFLAGS.AC is set.  The guest accessors open that
 * window with stac and close it with clac; every exception entry closes
 * it, since delivering an exception does not clear AC.
 *
 * stac and clac raise #UD on a CPU without SMAP, so each site is a 3-byte
 * nop listed in .smap_stac or .smap_clac and patched at boot where the
 * CPU has SMAP (arch/x86/smap.c).
 */
#ifndef ASM_SMAP_H
#define ASM_SMAP_H

#define X86_CR4_SMAP        (1UL << 21)
#define CPUID7_EBX_SMAP     (1U << 20)

#ifdef __ASSEMBLY__
        .macro SMAP_SITE list
661:    .byte 0x0f, 0x1f, 0x00                  /* nopl (%rax) */
        .pushsection \list, "a"
        .balign 8
        .quad 661b
        .popsection
        .endm
#define ASM_STAC SMAP_SITE .smap_stac
#define ASM_CLAC SMAP_SITE .smap_clac
#else
#include "xen/types.h"

#define SMAP_SITE(list)                                 \
    "661: .byte 0x0f, 0x1f, 0x00\n"                     \
    ".pushsection " list ", \"a\"\n"                    \
    " .balign 8\n"                                      \
    " .quad 661b\n"                                     \
    ".popsection\n"
#define ASM_STAC SMAP_SITE(".smap_stac")
#define ASM_CLAC SMAP_SITE(".smap_clac")

extern bool smap_enabled;
/* Boot CPU, before anything touches guest memory: patch and enable. */
void smap_init(void);
/* Every other CPU as it comes up. */
void smap_cpu_init(void);
#endif

#endif
