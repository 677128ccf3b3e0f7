/*
 * Start of day of a PVH guest in C, between head.S and g_main(): the
 * hypervisor found by its CPUID leaves, the hypercall page installed
 * through its MSR, a start_info made from hvm_start_info and the HVM
 * parameters (so the rest of the library reads one structure), memory,
 * shared_info mapped by add_to_physmap, the IDT, events through the
 * callback vector, time, vCPUs.
 */
#include <guest/control.h>
#include <guest/guest.h>
#include <guest/hvm.h>

const struct start_info *g_start_info;
struct shared_info *g_shared_info;
const struct hvm_start_info *g_hvm_start_info;

static struct start_info si;
static bool native;

/* Mapped over by shared_info: its gfn is this page's physical address. */
static uint8_t shared_info_page[G_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));

bool g_hvm_native(void) { return native; }
bool g_is_hvm(void)     { return true; }

int g_hvm_get_param(uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
    int rc = (int)G_HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_get_param, &p, 0, 0, 0);

    *value = rc ? 0 : p.value;
    return rc;
}

int g_hvm_set_param(uint32_t index, uint64_t value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index, .value = value };

    return (int)G_HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_set_param, &p, 0, 0, 0);
}

/* "XenVMMXenVMM" at the first hypervisor leaf, and its hypercall MSR. */
static bool find_hypervisor(void)
{
    uint32_t r[4];
    char sig[13];

    g_cpuid(XEN_CPUID_FIRST_LEAF, 0, r);
    memcpy(sig, &r[1], 4);
    memcpy(sig + 4, &r[2], 4);
    memcpy(sig + 8, &r[3], 4);
    sig[12] = '\0';
    if (strcmp(sig, "XenVMMXenVMM"))
        return false;
    g_cpuid(XEN_CPUID_LEAF_HCALL, 0, r);
    g_wrmsr(r[1], (uint64_t)hypercall_page - G_VIRT_BASE);
    return true;
}

static void make_start_info(const struct hvm_start_info *h)
{
    uint64_t v;

    memcpy(si.magic, "xen-3.0-x86_64", sizeof("xen-3.0-x86_64") - 1);
    si.flags = h->flags;
    if (h->cmdline_paddr)
        memcpy(si.cmd_line, (const char *)h->cmdline_paddr,
               strnlen((const char *)h->cmdline_paddr, sizeof(si.cmd_line) - 1));
    if (!native && !g_hvm_get_param(HVM_PARAM_STORE_PFN, &v) && v) {
        si.store_mfn = v;
        g_hvm_get_param(HVM_PARAM_STORE_EVTCHN, &v);
        si.store_evtchn = (uint32_t)v;
    }
    g_start_info = &si;
}

static void map_shared_info(void)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0,
        .gpfn = ((uint64_t)shared_info_page - G_VIRT_BASE) >> G_PAGE_SHIFT };

    if (hc_memory_op(XENMEM_add_to_physmap, &x) < 0)
        g_crash();
    g_shared_info = (struct shared_info *)shared_info_page;
    si.shared_info = x.gpfn << G_PAGE_SHIFT;
}

/*
 * Power off: QEMU's isa-debug-exit at port 0xf4 (the boot runner's) ends
 * QEMU with the status; Bochs has no such device and ends on the bytes of
 * "Shutdown" written to its shutdown port (the status is in the serial
 * log's "exit status" line).
 */
#define DEBUG_EXIT_PORT     0xf4
#define BOCHS_SHUTDOWN_PORT 0x8900
static G_NORETURN void native_exit(int code)
{
    g_console_com1_drain();
    __asm__ volatile("outl %0, %1" :: "a"((uint32_t)code), "Nd"((uint16_t)DEBUG_EXIT_PORT));
    for (const char *s = "Shutdown"; *s; s++)
        __asm__ volatile("outb %0, %1" :: "a"(*s), "Nd"((uint16_t)BOCHS_SHUTDOWN_PORT));
    for (;;)
        __asm__ volatile("cli; hlt");
}

/*
 * With no hypervisor the firmware left the legacy PICs (8259A) at vectors
 * 8-15, the PIT ticking on IRQ 0: mask both, or the first sti takes a
 * timer tick as a double fault.  OCW1 = the interrupt mask register.
 */
#define PIC1_DATA   0x21
#define PIC2_DATA   0xa1
static void native_mask_pics(void)
{
    __asm__ volatile("outb %0, %1" :: "a"((uint8_t)0xff), "Nd"((uint16_t)PIC2_DATA));
    __asm__ volatile("outb %0, %1" :: "a"((uint8_t)0xff), "Nd"((uint16_t)PIC1_DATA));
}

static void cpu0_init(void)
{
    struct g_cpu *c = &g_cpus[0];

    c->self = c;
    c->id = 0;
    c->vi = native ? NULL : &g_shared_info->vcpu_info[0];
    c->wake_port = -1;
    c->timer_port = -1;
    g_wrmsr(0xc0000101, (uint64_t)c);   /* GS base: g_this_cpu() */
    c->online = true;
}

void g_hvm_start(uint64_t start_info_pa)
{
    int rc;

    if (!start_info_pa && g_multiboot2_info)
        start_info_pa = g_hvm_multiboot2_start_info();
    g_hvm_start_info = (const struct hvm_start_info *)start_info_pa;
    native = !find_hypervisor();
    if (native) {
        g_native_exit = native_exit;
        native_mask_pics();
    }
    make_start_info(g_hvm_start_info);
    g_hvm_mm_init();
    si.nr_pages = g_nr_pages();
    if (!native)
        map_shared_info();
    cpu0_init();
    if (native)
        g_console_com1_setup();
    if (native || !g_is_dom0())
        g_console_use_com1();
    g_hvm_traps_init();
    if (!native)
        g_apic_init();
    if (!native) {
        g_events_init();                /* the callback vector (irq.c) */
        g_time_init();
        g_smp_init();
    }
    g_irq_enable();
    rc = g_main();
    if (rc == 0 && !native && g_cmdline_has("idle")) {
        g_printf("idle: waiting for control/shutdown\n");
        g_idle(0);
    }
    g_exit(rc);
}
