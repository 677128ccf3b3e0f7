"""The validated PV MMU, as dom0 on xen-lite and on Debian's Xen 4.17:
mmu-attack must see every one of its attacks refused and the address
space intact after each, mmu-churn must build, switch and free address
spaces without losing a byte, and on xen-lite the page-type audit at
shutdown (and, for mmu-attack, after every attack) must find nothing."""

import os

from xltest import scenario

# Scenario-name label -> tools/boot --hypervisor value.
HYPERVISORS = {"xen_lite": "xen-lite", "xen_417": "xen-4.17"}

ATTACK_LINE = r"^attack (\S+): (refused \(.*\)|SUCCEEDED.*)$"
ATTACK_TOTALS = r"^mmu-attack: (\d+) refused, (\d+) succeeded$"
MIN_ATTACKS = 25

# Attacks the brief of the PV MMU names; each must run and be refused.
CORE_ATTACKS = [
    "map_own_l1_writable", "map_hypervisor_page_table_writable",
    "map_unowned_frame_writable", "map_m2p_frame_writable",
    "l4_write_hypervisor_slot_256", "pin_writable_page_as_l1",
    "unpin_l4_in_use_as_cr3", "l2_entry_points_to_l4",
    "l2_writable_loop_of_two_tables", "l2_pse_superpage", "store_to_m2p",
    "machphys_update_unowned_frame", "batch_with_bad_element_in_middle",
    "new_baseptr_unvalidated_garbage", "set_ldt_on_writable_page",
    "copy_page_into_page_table", "clear_page_of_pinned_l4",
    "batch_list_runs_into_unmapped_memory",
    "mmu_update_list_in_hypervisor_memory", "pin_same_table_twice",
    "unpin_table_never_pinned", "mmuext_op_unknown_command",
    "update_va_mapping_of_hypervisor_va",
    "update_va_mapping_vcpumask_in_hypervisor_memory",
    "mmu_update_misaligned_ptr",
]

CHURN_DONE = r"^mmu-churn: (\d+) rounds ok$"
AUDIT_LINE = r"^\(XEN\) audit: .*, (\d+) problems$"


def guest(t, name):
    return os.path.join(t.build, "guests", name)


def boot_dom0(t, name, on, **opts):
    opts.setdefault("timeout", 300)
    r = t.boot(hypervisor=HYPERVISORS[on], dom0=guest(t, name), smp=2,
               **opts)
    t.expect_status(r, 0)
    t.expect(r, r"^exit status 0$")
    t.expect_not(r, r"FAILED")
    return r


def expect_clean_audits(t, r, on):
    """On xen-lite every audit (the last one at dom0's shutdown) found
    nothing; Xen 4.17 has no auditor."""
    if on != "xen_lite":
        return
    audits = t.expect_all(r, AUDIT_LINE)
    bad = [m.group(0) for m in audits if int(m.group(1)) != 0]
    t.check(not bad, f"the page-type audit found problems: {bad[:3]}")


@scenario("pv_mmu_attacks_all_refused_{on}", on=list(HYPERVISORS))
def mmu_attacks_are_refused(t, on):
    expect_attacks_refused(t, boot_dom0(t, "mmu-attack", on), on)


@scenario("bochs_pv_mmu_attacks_all_refused")
def mmu_attacks_are_refused_under_bochs(t):
    # A small dom0 keeps the audit after every attack short under Bochs.
    r = boot_dom0(t, "mmu-attack", "xen_lite", emulator="bochs", mem=128,
                  xen_append="dom0_mem=32M")
    expect_attacks_refused(t, r, "xen_lite")


def expect_attacks_refused(t, r, on):
    lines = t.expect_all(r, ATTACK_LINE)
    verdicts = {m.group(1): m.group(2) for m in lines}
    won = [f"{name}: {v}" for name, v in verdicts.items()
           if v.startswith("SUCCEEDED")]
    t.check(not won, f"attacks succeeded: {won}")
    missing = [name for name in CORE_ATTACKS if name not in verdicts]
    t.check(not missing, f"attacks that did not run: {missing}")
    m = t.expect(r, ATTACK_TOTALS)
    refused, succeeded = int(m.group(1)), int(m.group(2))
    t.check(succeeded == 0, f"{succeeded} attack(s) succeeded")
    t.check(refused == len(lines) and refused >= MIN_ATTACKS,
            f"{refused} refused of {len(lines)} attacks "
            f"(at least {MIN_ATTACKS} expected)")
    expect_clean_audits(t, r, on)
    t.note(f"{refused} attacks refused")


@scenario("pv_mmu_churn_{on}", on=list(HYPERVISORS))
def mmu_churn_keeps_memory(t, on):
    r = boot_dom0(t, "mmu-churn", on)
    rounds = int(t.expect(r, CHURN_DONE).group(1))
    t.check(rounds > 0, "no round ran")
    t.expect_not(r, r"^mmu-churn: .*(MISMATCH|FAILED)")
    expect_clean_audits(t, r, on)
    t.note(f"{rounds} rounds")
