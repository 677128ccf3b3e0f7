"""What the booted scenarios of HVM guests share (tests/scenarios/hvm.py,
shadow.py): the QEMU CPU, a PVH dom0's command line, and hvm-selftest's
checks and how its verdict is read."""

import os

CPU = "EPYC,-monitor"
# Xen 4.17 needs dom0-iommu=none for a PVH dom0 here; xen-lite ignores it.
PVH_DOM0 = "dom0=pvh dom0-iommu=none dom0_mem=64M"

# Checks every hypervisor must pass; xen-lite has a few of its own.
COMMON_CHECKS = [
    "cpuid_xen_signature", "cpuid_version_leaf", "cpuid_hypercall_msr_leaf",
    "cpuid_hvm_leaf_vcpu_id", "cpuid_features_hide_svm_vmx",
    "hypercall_unknown_and_pv_only_enosys", "hypercall_bad_pointer_efault",
    "rdmsr_unknown_gp", "wrmsr_efer_reserved_gp", "mov_cr4_reserved_gp",
    "svm_instructions_ud", "vmx_instructions_ud",
    "evtchn_upcall_through_callback_vector",
    "virq_timer_wakes_halted_vcpu", "x2apic_timer_oneshot",
    "x2apic_timer_periodic", "apic_interrupt_behind_upcall_delivered",
    "pattern_over_all_free_ram",
    "balloon_4k_out_and_back_keeps_data", "balloon_2m_extent_out_and_back",
]
SMP_CHECKS = ["second_vcpu_runs_work_and_timers", "x2apic_ipi_to_another_vcpu"]
# Wake-ups under pressure (wakeups.c): xen-lite's, with one vCPU or two.
WAKEUP_CHECKS = ["timer_into_sti_hlt_ends_the_hlt", "oneshot_storm_wakes_halted_vcpu",
                 "periodic_ticks_wake_halted_vcpu",
                 "periodic_of_one_bus_tick_leaves_the_vcpu_running",
                 "singleshot_due_at_once_wakes_halted_vcpu"]
WAKEUP_SMP_CHECKS = ["ipi_into_sti_hlt_ends_the_hlt", "oneshot_storm_on_two_vcpus_at_once",
                     "x2apic_ipi_ping_pong_between_halted_vcpus"]
XEN_LITE_CHECKS = ["com1_16550_registers", "populate_of_a_populated_gfn_refused"] + \
    WAKEUP_CHECKS + WAKEUP_SMP_CHECKS
# Under Bochs (a few million instructions a second) they are skipped.
BOCHS_SELFTEST_CMDLINE = "wakeups=off"
TOTALS = r"^hvm-selftest: (\d+) passed, (\d+) failed \((\d+) skipped\)$"


def selftest(t):
    return os.path.join(t.build, "guests", "hvm-selftest")


def expect_checks(t, r, names):
    for name in names:
        t.expect(r, rf"^hvm-selftest: {name}: ok$")
    m = t.expect(r, TOTALS)
    t.check(int(m.group(2)) == 0, f"{m.group(2)} checks failed")
    t.check(int(m.group(1)) >= len(names), f"only {m.group(1)} checks passed")


def expect_unpopulated_gfn_crash(t, r):
    """hvm-selftest's crash=gfn: the domain crashes on its read, naming the gfn."""
    m = t.expect(r, r"^hvm-selftest: reading unpopulated gfn (0x[0-9a-f]+)$")
    t.expect(r, r"^\(XEN\) Domain 0 \(vcpu#0\) crashed: read access to unpopulated gfn "
             + m.group(1) + r" ")
    t.expect(r, r"Hardware Dom0 crashed")
    t.expect_not(r, r"the read of gfn .* returned")
    t.expect_not(r, r"FATAL TRAP")
