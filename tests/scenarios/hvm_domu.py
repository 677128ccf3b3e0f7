"""PVH domUs on AMD SVM with nested paging, made by xl create: the HVM
self-test with one and two vCPUs, ballooning by xl mem-set seen in the
guest's p2m (xl p2m-info), pause and destroy of vCPUs that never leave the
guest on their own, a guest that misbehaves crashing alone, and what xl
refuses (type = "hvm"); hap = 0 runs the self-test on shadow paging.
Each leaves the host's free memory as it found it.  The self-test, mem-set
and crash scenarios also run on Intel VMX with EPT under Bochs: the 2-vCPU
self-test and mem-set in make test, the others in make test-bochs, which
also runs the hap = 0 self-test on VMX (shadow paging)."""

import os
import re
import sys

from xltest import scenario

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _xlscript import Files, boot, listed as listed_names, section, steps  # noqa: E402,E501
from xlhvm import BOCHS_SELFTEST_CMDLINE, WAKEUP_CHECKS, WAKEUP_SMP_CHECKS  # noqa: E402

CPU = "EPYC,-monitor"
# Where the guests run: QEMU's EPYC (SVM with NPT), or Bochs's
# corei7_skylake_x (VMX with EPT).  Bochs runs at ips emulated
# instructions a second; at 40 M a guest gets through ballooning within
# xl balloon-status -w's 30 emulated seconds, and the runs take about five
# times QEMU's wall time.
PLATFORMS = {"qemu": dict(cpu=CPU),
             "vmx": dict(emulator="bochs", cpu="corei7_skylake_x",
                         ips=40000000)}
BOCHS_SLOWER = 5
SELFTEST_CFG = "/etc/xen/hvm-selftest.cfg"      # shipped in dom0's ramdisk
TOTALS = r"^hvm-selftest: (\d+) passed, (\d+) failed \((\d+) skipped\)$"
FREE = r"^(\d+)$"
P2M_ROW = r"^{} +(\d+)"


def pvh_cfg(files, name, kernel, memory, extra="", **keys):
    """An xl.cfg of a PVH guest that is destroyed if it crashes."""
    return files.cfg(name, f"/boot/{kernel}", type="pvh", memory=memory,
                     extra=extra, on_crash="destroy", **keys)


def run(t, script, files=None, on="qemu", **opts):
    """Boot xen-lite with a PV dom0 running the (step, [commands]) script,
    on platform `on` (PLATFORMS)."""
    if on != "qemu":
        opts["timeout"] = opts.get("timeout", 60) * BOCHS_SLOWER
    r = boot(t, files or Files(), steps(*script), **PLATFORMS[on], **opts)
    t.expect_not(r, r"FATAL TRAP|Hypervisor panic|^\(XEN\) Panic")
    return r


def free_back(t, r, first, last, slack=1):
    """Free memory after the guests went is what it was before them, but
    for `slack` MiB: the hypervisor's timer queues grow (and never shrink)
    the first time the host runs this many vCPUs, which may take the last
    pages of a MiB.  A guest whose predecessor warmed the host up is held
    to slack=0; repeated creates of one guest keep free memory constant."""
    before = int(t.expect(section(t, r, first), FREE).group(1))
    after = int(t.expect(section(t, r, last), FREE).group(1))
    t.check(before - slack <= after <= before, f"free memory {before} MiB "
            f"before the guests, {after} MiB after they went")


def p2m_info(t, text):
    """xl p2m-info's (1 GiB, 2 MiB, 4 KiB entries, RAM KiB)."""
    return tuple(int(t.expect(text, P2M_ROW.format(re.escape(k))).group(1))
                 for k in ("1 GiB entries", "2 MiB entries", "4 KiB entries",
                           "RAM"))


def vcpu_times(t, text, name):
    rows = t.expect_all(text, rf"^{name} +\d+ +(\d+) +\d+ +\S+ +([\d.]+) ")
    return [float(m.group(2)) for m in rows]


@scenario("bochs_hvm_pvh_domu_selftest_{n}_vcpus_by_xl_create_{on}",
          long=True, n=[1], on=["vmx"])
@scenario("bochs_hvm_pvh_domu_selftest_{n}_vcpus_by_xl_create_{on}",
          n=[2], on=["vmx"])
@scenario("hvm_pvh_domu_selftest_{n}_vcpus_by_xl_create", n=[1, 2])
def pvh_domu_selftest(t, n, on="qemu"):
    # The wake-up stress is too much for Bochs's instruction rate.
    extra = f" 'extra=\"{BOCHS_SELFTEST_CMDLINE}\"'" if on == "vmx" else ""
    r = run(t, [("free0", ["xl info free_memory"]),
                ("create", [f"xl create -c {SELFTEST_CFG} vcpus={n}{extra}"]),
                ("gone", ["xl list", "xl info free_memory"])], on=on,
            timeout=120)
    text = section(t, r, "create")
    t.expect(text, rf"^\(XEN\) Domain 1 created \({n} vCPUs\)$")
    t.expect(text, rf"^hvm-selftest: domU, {n} vCPUs, 32 MiB, xen-lite$")
    for name in ("cpuid_xen_signature", "hypercall_bad_pointer_efault",
                 "cr0_and_pat_invalid_gp", "evtchn_upcall_through_callback_vector",
                 "x2apic_timer_periodic", "apic_interrupt_behind_upcall_delivered",
                 "pattern_over_all_free_ram",
                 "balloon_2m_extent_out_and_back"):
        t.expect(text, rf"^hvm-selftest: {name}: ok$")
    wakeups = "ok" if not extra else rf"skipped \({BOCHS_SELFTEST_CMDLINE}\)"
    for name in WAKEUP_CHECKS:
        t.expect(text, rf"^hvm-selftest: {name}: {wakeups}$")
    smp = "ok" if n > 1 else r"skipped \(one vCPU\)"
    for name in ["second_vcpu_runs_work_and_timers", "x2apic_ipi_to_another_vcpu"]:
        t.expect(text, rf"^hvm-selftest: {name}: {smp}$")
    for name in WAKEUP_SMP_CHECKS:
        t.expect(text, rf"^hvm-selftest: {name}: {smp if not extra else wakeups}$")
    t.expect_not(text, r"FAILED")
    m = t.expect(text, TOTALS)
    t.check(int(m.group(2)) == 0, f"{m.group(2)} checks failed")
    t.check(int(m.group(1)) >= 20, f"only {m.group(1)} checks passed")
    t.expect(r, r"^\(XEN\) Domain 1 destroyed$")
    t.expect_not(section(t, r, "gone"), r"^hvm-selftest ")
    free_back(t, r, "free0", "gone")


@scenario("bochs_hvm_pvh_domu_mem_set_shows_in_its_p2m_then_destroy_frees_it"
          "_{on}", on=["vmx"])
@scenario("hvm_pvh_domu_mem_set_shows_in_its_p2m_then_destroy_frees_it")
def pvh_domu_mem_set(t, on="qemu"):
    """balloon-worker built as a PVH guest follows xl mem-set down and up;
    xl p2m-info shows the RAM and its 2 MiB entries follow (the balloon
    gives 2 MiB extents), and a 1088 MiB guest on a host with a free
    aligned GiB gets a 1 GiB entry."""
    files = Files()
    bw = pvh_cfg(files, "bw", "balloon-worker-pvh", 256, "ws=16", maxmem=512,
                  vcpus=2)
    big = pvh_cfg(files, "big", "balloon-worker-pvh", 1088, "ws=4", vcpus=2)
    settle = "xl balloon-status -w"
    r = run(t, [("big", [f"xl create {big}", "xl p2m-info big",
                         "xl destroy big"]),
                ("free0", ["xl info free_memory"]),
                ("start", [f"xl create {bw}", settle, "xl p2m-info bw"]),
                ("down", ["xl mem-set bw 128", settle, "xl list bw",
                          "xl p2m-info bw"]),
                ("up", ["xl mem-set bw 320", settle, "xl list bw",
                        "xl p2m-info bw"]),
                ("pv", ["-xl p2m-info 0"]),
                ("gone", ["xl destroy bw", "xl list", "xl info free_memory"])],
            files, on=on, mem=3072, timeout=180)
    want = {"start": 256, "down": 128, "up": 320}
    for step, mib in want.items():
        text = section(t, r, step)
        g1, m2, k4, ram = p2m_info(t, text)
        # RAM plus shared_info's frame and the two ring frames.
        t.check(abs(ram - mib * 1024) <= 16, f"{step}: the p2m maps "
                f"{ram} KiB of RAM, not {mib} MiB")
        t.check(m2 * 2048 >= (mib - 4) * 1024, f"{step}: only {m2} 2 MiB "
                f"entries for {mib} MiB")
        t.check(k4 < 1024, f"{step}: {k4} 4 KiB entries")
        if step != "start":
            mem = int(t.expect(text, r"^bw +\d+ +(\d+) ").group(1))
            t.check(abs(mem - mib) <= 1, f"xl list says {mem} MiB after "
                    f"xl mem-set {mib}")
    g1, m2, k4, ram = p2m_info(t, section(t, r, "big"))
    t.check(g1 == 1, f"a 1088 MiB guest got {g1} 1 GiB entries")
    t.check(ram >= 1088 * 1024, f"big's p2m maps {ram} KiB")
    t.expect(section(t, r, "pv"), r"^xl: domain 0 is PV: it has no p2m$")
    t.expect_not(section(t, r, "gone"), r"^(bw|big) ")
    free_back(t, r, "free0", "gone", slack=0)   # big warmed the host up


@scenario("hvm_pvh_domu_running_vcpus_pause_unpause_destroy")
def pvh_domu_pause_running(t):
    """Two vCPUs spinning in the guest (no exit of their own) are stopped
    by xl pause -- their CPU time stands still -- run again after
    unpause, and go with xl destroy."""
    files = Files()
    spin = pvh_cfg(files, "spin", "hvm-selftest", 32, "spin", vcpus=2)
    r = run(t, [("free0", ["xl info free_memory"]),
                ("run", [f"xl create {spin}", "sleep 2",
                         "xl vcpu-list spin"]),
                ("paused", ["xl pause spin", "xl list spin",
                            "xl vcpu-list spin"]),
                ("still", ["sleep 1", "xl vcpu-list spin"]),
                ("again", ["xl unpause spin", "sleep 1", "xl vcpu-list spin"]),
                ("gone", ["xl destroy spin", "xl list",
                          "xl info free_memory"])], files, timeout=120)
    times = {s: vcpu_times(t, section(t, r, s), "spin")
             for s in ("run", "paused", "still", "again")}
    t.check(len(times["run"]) == 2 and min(times["run"]) > 0,
            f"the vCPUs did not run: {times['run']}")
    t.expect(section(t, r, "paused"), r"^spin +\d+ +\d+ +\d+ +--p--- ")
    t.check(times["still"] == times["paused"],
            f"paused vCPUs ran on: {times['paused']} then {times['still']}")
    t.check(all(a > b for a, b in zip(times["again"], times["still"])),
            f"unpaused vCPUs did not run: {times['still']} then "
            f"{times['again']}")
    t.expect(section(t, r, "gone"), r"^\(XEN\) Domain 1 destroyed$")
    t.expect_not(section(t, r, "gone"), r"^spin ")
    free_back(t, r, "free0", "gone")


@scenario("bochs_hvm_pvh_domu_misbehaving_crashes_alone_{on}", long=True,
          on=["vmx"])
@scenario("hvm_pvh_domu_misbehaving_crashes_alone")
def pvh_domu_crashes_alone(t, on="qemu"):
    """A triple fault and a read of a gfn the guest gave back each crash
    that domU alone, with a one-line reason; dom0 carries on."""
    files = Files()
    triple = pvh_cfg(files, "triple", "hvm-selftest", 32, "crash=triple")
    gfn = pvh_cfg(files, "gfn", "hvm-selftest", 32, "crash=gfn")
    r = run(t, [("free0", ["xl info free_memory"]),
                ("triple", [f"xl create -c {triple}"]),
                ("gfn", [f"xl create -c {gfn}"]),
                ("gone", ["xl list", "xl info free_memory"])],
            files, on=on, timeout=120)
    text = section(t, r, "triple")
    t.expect(text, r"^hvm-selftest: triple fault$")
    t.expect(text, r"^\(XEN\) Domain 1 \(vcpu#0\) crashed: triple fault at "
                   r"rip 0x[0-9a-f]+$")
    t.expect(text, r"^Domain 1 \(triple\) crashed$")
    t.expect_not(text, r"survived a triple fault")
    text = section(t, r, "gfn")
    gfn = t.expect(text, r"^hvm-selftest: reading unpopulated gfn "
                         r"(0x[0-9a-f]+)$").group(1)
    t.expect(text, r"^\(XEN\) Domain 2 \(vcpu#0\) crashed: read access to "
                   rf"unpopulated gfn {gfn} ")
    t.expect_not(text, r"the read of gfn .* returned")
    t.check(listed_names(t, section(t, r, "gone")) == ["Domain-0"],
            "dom0 is not alone after the crashes")
    free_back(t, r, "free0", "gone")


@scenario("bochs_hvm_pvh_domu_selftest_on_shadow_by_xl_hap0_{on}", long=True,
          on=["vmx"])
@scenario("hvm_pvh_domu_selftest_on_shadow_by_xl_hap0")
def pvh_domu_selftest_on_shadow(t, on="qemu"):
    r = run(t, [("free0", ["xl info free_memory"]),
                ("create", [f"xl create -p {SELFTEST_CFG} hap=0 shadow_memory=4 vcpus=2",
                            "xl list -v"]),
                ("run", ["xl unpause hvm-selftest", "xl console hvm-selftest"]),
                ("gone", ["xl list", "xl info free_memory"])], on=on, timeout=180)
    t.expect(section(t, r, "create"), r"^hvm-selftest +1 .*  shadow$")
    text = section(t, r, "run")
    t.expect(text, r"^hvm-selftest: domU, 2 vCPUs, \d+ MiB, xen-lite$")
    for name in ("pattern_over_all_free_ram", "balloon_2m_extent_out_and_back",
                 "second_vcpu_runs_work_and_timers"):
        t.expect(text, rf"^hvm-selftest: {name}: ok$")
    t.expect_not(text, r"FAILED")
    m = t.expect(text, TOTALS)
    t.check(int(m.group(2)) == 0, f"{m.group(2)} checks failed")
    t.expect(r, r"^\(XEN\) d1: shadow: ")
    t.expect_not(section(t, r, "gone"), r"^hvm-selftest ")
    free_back(t, r, "free0", "gone")


@scenario("hvm_xl_reports_virt_caps_and_refuses_hvm")
def xl_refuses_hvm(t):
    files = Files()
    hvm = files.cfg("hvm", "/boot/hvm-selftest", type="hvm", memory=32)
    r = run(t, [("caps", ["xl info virt_caps"]),
                ("hvm", [f"-xl create {hvm}", "echo status $?"]),
                ("after", ["xl list"])], files, timeout=60)
    t.expect(section(t, r, "caps"), r"^pv hvm hap shadow$")
    text = section(t, r, "hvm")
    t.expect(text, r"^/etc/xen/hvm.cfg:3: type 'hvm' is not supported by "
                   r'xen-lite: hardware-virtualized guests run as type = "pvh"$')
    t.expect(text, r"^status 1$")
    t.expect_not(section(t, r, "after"), r"^hvm-selftest ")
