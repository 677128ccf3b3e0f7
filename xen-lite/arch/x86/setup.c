/*
 * __start_xen: the boot sequence, from the Multiboot2 hand-over to the first
 * domain (or the self-tests).
 */
#include "asm/smap.h"
#include "asm/acpi.h"
#include "asm/apic.h"
#include "asm/current.h"
#include "asm/desc.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "asm/time.h"
#include "xen/bootinfo.h"
#include "hvm/hvm.h"
#include "xen/console.h"
#include "xen/lib.h"
#include "xen/m2p.h"
#include "xen/mm.h"
#include "xen/sched.h"
#include "xen/param.h"
#include "xen/percpu.h"
#include "xen/pv_mm.h"
#include "xen/selftest.h"
#include "xen/setup.h"
#include "xen/shutdown.h"
#include "xen/smp.h"
#include "xen/softirq.h"
#include "xen/timer.h"

#define MB2_BOOT_MAGIC  0x36d76289

bool cpu_has_x2apic, cpu_has_nx, cpu_has_page1gb;
unsigned int paddr_bits = 36;  /* the architectural minimum until CPUID says */
struct boot_info boot_info;
char xen_cmdline[1024];

static void detect_cpu_features(void)
{
    struct cpuid_regs x1 = cpuid(0x80000001);

    cpu_has_x2apic = cpuid(1).ecx & CPUID1_ECX_X2APIC;
    cpu_has_nx = x1.edx & CPUIDX1_EDX_NX;
    cpu_has_page1gb = x1.edx & CPUIDX1_EDX_PAGE1GB;
    if (cpuid(0x80000000).eax >= 0x80000008)
        paddr_bits = cpuid(0x80000008).eax & 0xff;
}

/* Warnings for options nobody recognised; printed once the console works. */
static char bad_opts[256];

static void note_bad_option(enum param_error err, const char *opt, size_t len,
                            void *ctx)
{
    size_t used = strlen(bad_opts);

    snprintf(bad_opts + used, sizeof(bad_opts) - used, "%s'%.*s' (%s)",
             used ? ", " : "", (int)len, opt,
             err == PARAM_ERR_UNKNOWN ? "unknown" : "bad value");
}

static void parse_boot_info(unsigned int magic, paddr_t mbi)
{
    const char *err;

    if (magic != MB2_BOOT_MAGIC) {
        console_init_preirq();
        panic("not started by a Multiboot2 loader (magic %#x)", magic);
    }
    err = multiboot2_parse(maddr_to_virt(mbi), mbi, &boot_info);
    if (boot_info.cmdline)
        strlcpy(xen_cmdline, boot_info.cmdline, sizeof(xen_cmdline));
    cmdline_parse(xen_cmdline, __param_start, __param_end - __param_start,
                  note_bad_option, NULL);
    console_init_preirq();
    if (err)
        panic("Multiboot2 information unusable: %s", err);
}

static void print_banner(void)
{
    printk("xen-lite %s (x86_64) - a small Xen-compatible PV hypervisor\n",
           XEN_LITE_VERSION);
    printk("Command line: %s\n", xen_cmdline);
    if (bad_opts[0])
        printk(XENLOG_WARNING "Ignoring command-line options: %s\n", bad_opts);
    if (boot_info.loader)
        printk("Bootloader: %s\n", boot_info.loader);
    printk("Boot information: %lu bytes at %#lx\n",
           (unsigned long)(boot_info.info_end - boot_info.info_start),
           (unsigned long)boot_info.info_start);
    if (boot_info.have_fb)
        printk("Framebuffer: %ux%ux%u at %#lx (recorded)\n", boot_info.fb.width,
               boot_info.fb.height, boot_info.fb.bpp, (unsigned long)boot_info.fb.addr);
    if (boot_info.have_efi_mmap)
        printk("EFI memory map: %u descriptors\n", boot_info.nr_efi_mmap);
    for (unsigned int i = 0; i < boot_info.nr_modules; i++)
        printk("Module %u: [%#lx, %#lx) '%s'\n", i + 1,
               (unsigned long)boot_info.modules[i].start,
               (unsigned long)boot_info.modules[i].end,
               boot_info.modules[i].cmdline ? boot_info.modules[i].cmdline : "");
}

__noreturn void __start_xen(unsigned int magic, unsigned int mbi);
__noreturn void __start_xen(unsigned int magic, unsigned int mbi)
{
    smp_prepare_boot_cpu();
    detect_cpu_features();
    smap_init();
    parse_boot_info(magic, mbi);
    print_banner();
    mm_init(&boot_info);
    console_init_postmm();
    trap_init();
    percpu_traps_init(0);
    load_gdt_and_tss(0);
    if (boot_info.have_rsdp)
        acpi_init(boot_info.rsdp, boot_info.rsdp_len);
    else
        printk(XENLOG_WARNING "No ACPI RSDP from the boot loader\n");
    apic_init_bsp();
    timer_softirq_init();
    smp_ipi_init();
    time_init();
    wallclock_init();
    m2p_init();
    pv_trap_init();
    percpu_syscall_init(0);
    hvm_init();
    hvm_cpu_up(0);
    scheduler_init();
    domain_init();
    local_irq_enable();
    smp_boot_cpus(acpi.nr_cpus ? acpi.nr_cpus : 1);
    protect_xen_image();
    start_first_domain();
}
