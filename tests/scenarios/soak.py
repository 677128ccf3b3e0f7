"""Soak: create/destroy cycles of mixed guests -- 1 to 4 vCPUs, a guest
ballooning while it is destroyed, a guest the hypervisor crashes for a
bad iret frame -- after which everything is back: no domain left, free
memory and the page-type auditor's count of frames domains own exactly as
in a boot without the cycles, and no audit problem or ring-0 hazard.

make test runs 50 cycles; make soak 1,000 (SOAK_CYCLES)."""

import os
import re
import sys

from xltest import scenario

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _xlscript import Files, boot, listed, section, steps  # noqa: E402

AUDIT = r"^\(XEN\) audit: (\d+) frames, \d+ page tables checked, (\d+) problems$"
CRASH_WHY = "iret_to_noncanonical_rip"


def guests(files):
    """The configurations the cycles go round, and each one's commands."""
    kinds = []
    for n in (1, 2, 3, 4):
        name = f"soak-v{n}"
        files.cfg(name, type="pv", memory=32 + 16 * n, vcpus=n,
                  on_poweroff="destroy", on_crash="destroy")
        kinds.append(("vcpus", [f"xl create -q -p /etc/xen/{name}.cfg",
                                f"xl unpause {name}", f"-xl destroy {name}"]))
    files.cfg("soak-balloon", kernel="/boot/balloon-worker", type="pv",
              memory=128, maxmem=192, memory_min=64, vcpus=2, extra="ws=8",
              on_poweroff="destroy", on_crash="destroy")
    kinds.append(("balloon", ["xl create -q /etc/xen/soak-balloon.cfg",
                              "xl mem-set soak-balloon 80",
                              "-xl destroy soak-balloon"]))
    files.cfg("soak-crash", kernel="/boot/edge-attack", type="pv", memory=48,
              vcpus=2, extra=f"crash={CRASH_WHY}", on_poweroff="destroy",
              on_crash="destroy")
    # On its console until it is gone: the crash, not a destroy, ends it.
    kinds.append(("crash", ["-xl create -q -c /etc/xen/soak-crash.cfg",
                            "-xl destroy soak-crash"]))
    return kinds


def soak(t, cycles, timeout):
    files = Files()
    kinds = guests(files)
    script, crashes = [], 0
    for i in range(cycles):
        kind, cmds = kinds[i % len(kinds)]
        crashes += kind == "crash"
        script += cmds
    r = boot(t, files, steps(("free0", ["xl info free_memory"]), ("cycles", script),
                             ("end", ["xl info free_memory", "xl list"])),
             timeout=timeout)
    t.expect_count(r, r"^\(XEN\) Domain \d+ destroyed$", cycles)
    crashed = len(re.findall(r"^\(XEN\) Domain \d+ \(vcpu#\d+\) crashed: .*bad iret",
                             r.log, re.M))
    t.check(crashed == crashes, f"{crashed} guests crashed for their iret, "
                                f"{crashes} were made to")
    end = section(t, r, "end")
    free0, free1 = int(section(t, r, "free0")), int(end.split("\n")[0])
    t.check(listed(t, end) == ["Domain-0"], "guests are left after the cycles")
    t.check(free0 == free1, f"free_memory went from {free0} to {free1} MiB")
    t.expect_not(r, r"ring-0 hazard")
    base = t.boot(run="xl list", smp=2)
    (f0, p0), (f1, p1) = [(int(m.group(1)), int(m.group(2)))
                          for m in (t.expect(x, AUDIT) for x in (r, base))]
    t.check(p0 == 0 and p1 == 0, f"audit problems: {p0} after the cycles")
    t.check(f0 == f1, f"domains own {f0} frames after the cycles, {f1} in a "
                      "boot without them")
    t.note(f"{cycles} cycles ({crashes} crashed guests): free_memory {free0} MiB "
           f"before and after, {f0} frames owned as in a fresh boot; {r.wall:.0f} s")


@scenario("soak_50_mixed_create_destroy_cycles_give_everything_back")
def soak_short(t):
    soak(t, 50, timeout=600)


@scenario("soak_mixed_create_destroy_cycles", long=True)
def soak_long(t):
    cycles = int(os.environ.get("SOAK_CYCLES") or 1000)
    soak(t, cycles, timeout=300 + cycles * 3)
