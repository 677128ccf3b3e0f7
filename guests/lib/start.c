/*
 * Start of day in C: everything between head.S and the guest's g_main().
 */
#include <guest/control.h>
#include <guest/guest.h>

const struct start_info *g_start_info;
struct shared_info *g_shared_info;

/* A VA in our image for the shared_info frame: the .bss page behind it is
 * simply no longer mapped once shared_info takes its place. */
static uint8_t shared_info_va[G_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));

static void map_shared_info(void)
{
    uint64_t mfn = g_start_info->shared_info >> G_PAGE_SHIFT;
    int rc = g_map_page((uint64_t)shared_info_va, mfn, G_PTE_KERNEL_RW);

    if (rc < 0)
        g_crash();      /* no console yet for a domU: nothing to print */
    g_shared_info = (struct shared_info *)shared_info_va;
}

/* vCPU 0's per-CPU data: needed before anything touches events. */
static void cpu0_init(void)
{
    struct g_cpu *c = &g_cpus[0];

    c->self = c;
    c->id = 0;
    c->vi = &g_shared_info->vcpu_info[0];
    c->wake_port = -1;
    c->timer_port = -1;
    if (hc_set_segment_base(SEGBASE_GS_KERNEL, (uint64_t)c) < 0)
        g_crash();
    c->online = true;
}

void g_c_start(const struct start_info *si, uint64_t boot_rsp)
{
    int rc;

    g_start_info = si;
    g_mm_init(boot_rsp);
    map_shared_info();
    cpu0_init();
    g_console_init();
    g_traps_init();
    g_events_init();
    g_time_init();
    g_smp_init();
    g_irq_enable();
    rc = g_main();
    /* "idle" on the command line: stay up until told to go. */
    if (rc == 0 && g_cmdline_has("idle")) {
        g_control_init();           /* listening before saying so */
        g_printf("idle: waiting for control/shutdown\n");
        g_idle(0);
    }
    g_exit(rc);
}
