/*
 * Turning SMAP on: the stac/clac sites (asm/smap.h) become the real
 * instructions, then CR4.SMAP is set on every CPU.  Patching happens on
 * the boot CPU before any other runs and while the text is still
 * writable (protect_xen_image comes later).
 */
#include "asm/processor.h"
#include "asm/smap.h"
#include "xen/lib.h"

extern const unsigned long __start_smap_stac[], __stop_smap_stac[];
extern const unsigned long __start_smap_clac[], __stop_smap_clac[];

bool smap_enabled;

static void patch(const unsigned long *site, const unsigned long *end, uint8_t op)
{
    /* stac = 0f 01 cb, clac = 0f 01 ca (SDM vol. 2B). */
    for (; site < end; site++) {
        uint8_t *p = (uint8_t *)*site;
        p[0] = 0x0f;
        p[1] = 0x01;
        p[2] = op;
    }
}

void smap_init(void)
{
    if (cpuid(0).eax < 7 || !(cpuid_count(7, 0).ebx & CPUID7_EBX_SMAP))
        return;
    patch(__start_smap_stac, __stop_smap_stac, 0xcb);
    patch(__start_smap_clac, __stop_smap_clac, 0xca);
    __asm__ __volatile__("" ::: "memory");
    (void)cpuid(0);                     /* serialize before running them */
    smap_enabled = true;
    smap_cpu_init();
    printk("SMAP on: %lu guest-access windows\n",
           (unsigned long)(__stop_smap_stac - __start_smap_stac));
}

void smap_cpu_init(void)
{
    if (smap_enabled)
        write_cr4(read_cr4() | X86_CR4_SMAP);
}
