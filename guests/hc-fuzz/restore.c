/*
 * Putting back the vCPU state a call may have broken, so that one stream
 * goes on: the trap table, callbacks, kernel stack, segment bases, the
 * virtual TS bit, timers and VM assists.  The kernel GS base goes first:
 * everything else the library does reaches this vCPU's data through it.
 * Failures are reported once: a hypervisor that no longer accepts the
 * guest's own good state is a finding in itself.
 */
#include "physdev.h"
#include "fuzz.h"

static uint32_t failed;

static void check(long rc, uint32_t what, const char *name)
{
    if (rc < 0 && !(failed & what)) {
        failed |= what;
        g_printf("hc-fuzz: cannot restore %s (%ld)\n", name, rc);
    }
}

static long register_callback(unsigned int type, uint64_t address,
                              bool mask)
{
    struct callback_register cb = {
        .type = type,
        .flags = mask ? CALLBACKF_mask_events : 0,
        .address = address,
    };

    return hc_callback_op(CALLBACKOP_register, &cb);
}

static void restore_segments(void)
{
    struct g_cpu *c = &g_cpus[0];

    check(hc_set_segment_base(SEGBASE_GS_KERNEL, (uint64_t)c), DIRTY_SEGBASE,
          "the kernel GS base");
    hc_set_segment_base(SEGBASE_FS, 0);
    hc_set_segment_base(SEGBASE_GS_USER, 0);
    hc_set_segment_base(SEGBASE_GS_USER_SEL, 0);
}

void restore(uint32_t dirty)
{
    if (cfg.wild)
        return;
    if (dirty & DIRTY_SEGBASE)
        restore_segments();
    if (dirty & DIRTY_TRAPS)
        check(hc_set_trap_table(g_trap_table), DIRTY_TRAPS, "the trap table");
    if (dirty & DIRTY_CALLBACKS) {
        check(register_callback(CALLBACKTYPE_event, (uint64_t)g_event_entry,
                                false), DIRTY_CALLBACKS, "the event callback");
        register_callback(CALLBACKTYPE_failsafe, (uint64_t)g_failsafe_entry,
                          true);
        register_callback(CALLBACKTYPE_syscall, 0, true);
    }
    if (dirty & DIRTY_STACK)
        hc_stack_switch(FLAT_KERNEL_SS, (uint64_t)g_boot_stack_top);
    if (dirty & DIRTY_FPU)
        G_HYPERCALL(__HYPERVISOR_fpu_taskswitch, 0, 0, 0, 0, 0);
    if (dirty & DIRTY_PERIODIC)
        hc_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    if (dirty & DIRTY_VMASST) {
        static const unsigned int types[] = {
            VMASST_TYPE_writable_pagetables, VMASST_TYPE_architectural_iopl,
            VMASST_TYPE_runstate_update_flag, VMASST_TYPE_m2p_strict,
        };
        for (unsigned int i = 0; i < G_ARRAY_SIZE(types); i++)
            hc_vm_assist(VMASST_CMD_disable, types[i]);
    }
    if (dirty & DIRTY_IOPL) {
        struct physdev_set_iopl iopl = { .iopl = 0 };
        struct physdev_set_iobitmap bitmap = { .bitmap = 0, .nr_ports = 0 };
        G_HYPERCALL(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, &iopl, 0, 0, 0);
        G_HYPERCALL(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iobitmap, &bitmap, 0, 0, 0);
    }
    if (dirty & DIRTY_CONSOLE)
        hc_console_io(CONSOLEIO_write, 1, "\n");
    if (dirty & DIRTY_EVENTS)
        g_irq_disable();
}

void restore_init(void)
{
    /* Our own starting state, so that every restore has a known target. */
    restore(DIRTY_SEGBASE | DIRTY_TRAPS | DIRTY_CALLBACKS | DIRTY_STACK |
            DIRTY_FPU | DIRTY_PERIODIC | DIRTY_IOPL);
}

/*
 * A timer event a few ms away, so that a block or poll always ends.  The
 * stream runs with events masked, so ports and selector bits may still be
 * pending from earlier, and an event whose bits are already set wakes
 * nobody (Xen's 2-level ABI too): take what is pending first.
 */
void arm_wakeup(void)
{
    g_irq_enable();
    g_irq_disable();
    hc_set_timer_op(g_now_ns() + 2 * G_NS_PER_MS);
}
