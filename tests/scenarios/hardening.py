"""No guest can crash the host: edge-attack goes for the edges of the PV
interface (returns to the end of the lower half, iret frames, bounces onto
bad stacks, VCPUOP_initialise contexts, races between vCPUs) as an
unprivileged domU and as dom0, and every attack must be refused -- or, for
those that can only end that way, crash the attacking guest and nothing
else.  The hypervisor counts every state it caught that would fault in
ring 0 on hardware ('ring-0 hazard'); dom0's shutdown fails on any, so
these runs fail exactly where a real machine would have gone down."""

import os
import re

from xltest import scenario

ATTACK_LINE = r"^attack (\S+): (refused \(.*\)|SUCCEEDED.*|skipped \(.*\)|FAILED.*)$"
TOTALS = r"^edge-attack: (\d+) refused, (\d+) succeeded$"
HAZARD = r"ring-0 hazard"
AUDIT_LINE = r"^\(XEN\) audit: .*, (\d+) problems$"
FREE = r"^xen-lite# xl info free_memory\n(\d+)$"

# Attacks that must run (and be refused) wherever the domain has 4 vCPUs.
CORE = [
    "syscall_in_last_bytes_below_2_47",
    "block_in_last_bytes_below_2_47_with_event_pending",
    "forced_emulation_in_last_bytes_below_2_47",
    "fpu_taskswitch_then_yield", "sysenter_from_guest_kernel",
    "new_baseptr_away_from_unpinned_l4",
    "initialise_bad_mxcsr", "initialise_noncanonical_gp_handler",
    "initialise_unknown_vm_assist",
    "initialise_race_with_hostile_selectors",
    "mmu_update_restarted_while_teardown_unfinished",
    "register_vcpu_info_twice_at_once",
]

# Attacks with a peer domain: dom0 only.
DOM0_CORE = [
    "destroy_peer_during_evtchn_send", "shared_info_mapped_across_destroy",
    "global_virq_moved_between_vcpus",
]

# Each of these can only end with the attacking domain crashed, with the
# hypervisor's reason matching the pattern.
CRASHES = {
    "iret_to_noncanonical_rip": r"bad iret frame",
    "iret_to_noncanonical_rsp": r"bad iret frame",
    "iret_to_hypervisor_cs": r"bad iret frame",
    "exception_onto_noncanonical_stack": r"cannot write a bounce frame",
    "exception_onto_hypervisor_stack": r"cannot write a bounce frame",
    "exception_onto_unmapped_stack": r"cannot write a bounce frame",
    "upcall_onto_unmapped_stack": r"cannot write a bounce frame",
}


def check_attacks(t, text, where, core=CORE):
    lines = t.expect_all(text, ATTACK_LINE)
    verdicts = {m.group(1): m.group(2) for m in lines}
    bad = [f"{n}: {v}" for n, v in verdicts.items()
           if v.startswith(("SUCCEEDED", "FAILED"))]
    t.check(not bad, f"{where}: {bad}")
    missing = [n for n in core if not verdicts.get(n, "").startswith("refused")]
    t.check(not missing, f"{where}: not refused (or not run): {missing}")
    m = t.expect(text, TOTALS)
    t.check(int(m.group(2)) == 0, f"{where}: {m.group(2)} attack(s) succeeded")
    return int(m.group(1))


# The hypervisor's console limit for a domU's console_io output
# (common/console_io.c): a burst, then a rate.
CONSOLE_BURST, CONSOLE_RATE = 16 * 1024, 4 * 1024


def check_console_flood(t, r):
    """edge-attack wrote 256 KiB of lines full of terminal controls: the
    console shows at most the limit's worth, none of the controls, and
    says it dropped the rest."""
    m = t.expect(r, r"^attack console_flood_with_terminal_controls: refused "
                    r"\((\d+) bytes")
    sent = int(m.group(1))
    shown = [line for line in r.log.split("\n")
             if re.match(r"^\(d\d+\) edge-attack flood \d+", line)]
    printed = sum(len(line) + 1 for line in shown)
    t.check(shown, "no flood line reached the console")
    t.check(printed <= CONSOLE_BURST + CONSOLE_RATE * r.wall,
            f"{printed} of {sent} bytes printed in a {r.wall:.0f} s boot")
    bad = [line for line in shown if re.search(r"[\x00-\x08\x0b-\x1f\x7f-\uffff]", line)]
    t.check(not bad, f"control bytes reached the console: {bad[:1]!r}")
    t.expect(r, r"^\(XEN\) d\d+: console output over its rate limit: dropping$")


@scenario("edge_attack_refused_as_domu")
def edge_attack_as_domu(t):
    guest = os.path.join(t.build, "guests", "edge-attack")
    t.check(os.path.exists(guest), "edge-attack is not built")
    crash = [f"xl create -c /etc/xen/edge-attack.cfg 'extra=\"crash={n}\"'"
             for n in CRASHES]
    flood = ("xl create -c /etc/xen/edge-attack.cfg "
             "'extra=\"only=console_flood_with_terminal_controls\"'")
    script = "; ".join(["xl info free_memory",
                        "xl create -c /etc/xen/edge-attack.cfg", flood, *crash,
                        "xl list", "xl info free_memory"])
    r = t.boot(run=script, smp=2, timeout=240)
    t.expect_status(r, 0)
    t.expect(r, r"^edge-attack: an unprivileged domU on 4 vcpu\(s\)")
    refused = check_attacks(t, r, "as a domU")
    # One section per xl create: the guest's own console and the
    # hypervisor's lines interleave in any order within it.
    sections = re.split(r"^xen-lite# xl create ", r.log, flags=re.M)
    for name, why in CRASHES.items():
        sec = [s for s in sections if s.startswith(
            f"-c /etc/xen/edge-attack.cfg 'extra=\"crash={name}\"'")]
        t.check(len(sec) == 1, f"no xl create for {name}")
        t.expect(sec[0], rf"^attack {name}: expecting the hypervisor to "
                         r"crash this guest$")
        t.expect(sec[0], r"^Domain \d+ \(edge-attack\) crashed$")
        t.expect(sec[0], rf"^\(XEN\) Domain \d+ \(vcpu#\d+\) crashed: .*{why}")
        t.expect_not(sec[0], rf"^attack {name}: SUCCEEDED")
    check_console_flood(t, r)
    t.expect_not(r, HAZARD)
    free = [int(m.group(1)) for m in re.finditer(FREE, r.log, re.M)]
    t.check(len(free) == 2 and free[0] == free[1],
            f"free memory before and after: {free}")
    audits = t.expect_all(r, AUDIT_LINE)
    t.check(all(int(a.group(1)) == 0 for a in audits), "the audit found problems")
    t.note(f"{refused} attacks refused, {len(CRASHES)} guests crashed as expected")


@scenario("edge_attack_refused_as_dom0")
def edge_attack_as_dom0(t):
    r = t.boot(dom0=os.path.join(t.build, "guests", "edge-attack"), smp=2,
               xen_append="dom0_max_vcpus=4", timeout=240)
    t.expect_status(r, 0)
    t.expect(r, r"^edge-attack: dom0 on 4 vcpu\(s\), page-type audit after "
                r"each: yes$")
    refused = check_attacks(t, r, "as dom0", CORE + DOM0_CORE)
    t.expect_not(r, HAZARD)
    t.note(f"{refused} attacks refused")


SMAP_CPU = "qemu64,+smap,+smep"


@scenario("smap_on_guest_accessors_work_and_plain_access_faults")
def smap_guards_guest_memory(t):
    """On a CPU with SMAP the hypervisor runs with CR4.SMAP: its self-test
    sees a plain read of a user page fault and the guest accessors work,
    and a PV guest (pv-selftest as dom0) runs all its checks."""
    r = t.boot(cpu=SMAP_CPU, smp=2, xen_append="selftest", timeout=120)
    t.expect_status(r, 0)
    t.expect(r, r"^\(XEN\) SMAP on: \d+ guest-access windows$")
    t.expect(r, r"^\(XEN\) selftest: smap: ok$")
    t.expect_not(r, r"selftest: smap: the CPU has none")
    t.expect(r, r"^\(XEN\) selftest: \d+ passed, 0 failed$")
    r = t.boot(cpu=SMAP_CPU, smp=2, timeout=120,
               dom0=os.path.join(t.build, "guests", "pv-selftest"))
    t.expect_status(r, 0)
    t.expect(r, r"^\(XEN\) SMAP on")
    m = t.expect(r, r"^pv-selftest: (\d+) passed, 0 failed$")
    t.note(f"pv-selftest under SMAP: {m.group(1)} checks passed")
