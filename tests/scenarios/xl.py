"""xl as a person uses it from dom0's shell: xl info, three guests of
different sizes in xl list, pause and unpause, a guest's console,
shutdown, reboot and destroy, the on_poweroff / on_reboot / on_crash
actions (a crash loop is stopped), pv-selftest, mmu-attack and mmu-churn as
unprivileged guests, 100
create/destroy cycles that must give every page back, Domain-0 refusing
to be destroyed or paused, and bad configurations that create nothing.

Scripts mark their steps with `echo @@STEP`; section() returns what a
step printed, so a check looks at the right `xl list`."""

import os
import re
import struct
import sys

from xltest import scenario

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _xlscript import (Files, boot, list_row, listed,  # noqa: E402
                       section, steps)

FREE = r"^free_memory\s+: (\d+)$"


# ---- xl info -----------------------------------------------------------

@scenario("xl_info_reports_host_and_hypervisor")
def info_reports_host_and_hypervisor(t):
    r = boot(t, Files(), "xl info; echo @@one; xl info xen_scheduler",
             mem=512)
    keys = {
        "host": r".+", "release": r".+", "machine": r"x86_64",
        "nr_cpus": r"2", "max_cpu_id": r"1", "nr_nodes": r"1",
        "cpu_mhz": r"\d+\.\d{3}", "hw_caps": r"[0-9a-f]{8}(:[0-9a-f]{8}){7}",
        "virt_caps": r"pv hvm shadow", "total_memory": r"\d+", "free_memory": r"\d+",
        "outstanding_claims": r"0", "xen_major": r"4", "xen_minor": r"17",
        "xen_extra": r"\S+", "xen_version": r"4\.17\S*",
        "xen_caps": r"xen-3\.0-x86_64", "xen_scheduler": r"credit",
        "xen_pagesize": r"4096",
        "platform_params": r"virt_start=0xffff800000000000",
        "xen_commandline": r".*dom0_mem=256M.*", "cc_compiler": r".+",
        "xend_config_format": r"4",
    }
    for key, value in keys.items():
        t.expect(r, rf"^{key:<23}: {value}$")
    total = int(t.expect(r, r"^total_memory\s+: (\d+)$").group(1))
    free = int(t.expect(r, FREE).group(1))
    t.check(480 <= total <= 512, f"total_memory {total} MiB of a 512 MiB host")
    t.check(0 < free < total - 256, f"free_memory {free} MiB beside a "
            f"256 MiB dom0 on {total} MiB")
    t.check(section(t, r, "one") == "credit",
            "xl info KEY did not print just the value")


# ---- three guests: list, vcpu-list, pause, console, shutdown, destroy --

def three_guests(files):
    files.cfg("small", memory=32, vcpus=1, on_poweroff="preserve")
    files.cfg("mid", memory=64, vcpus=2, on_poweroff="preserve")
    files.cfg("big", kernel="/boot/pv-selftest", memory=96, vcpus=3,
              on_poweroff="destroy")
    files.cfg("gone", memory=16, on_poweroff="destroy")


@scenario("xl_three_guests_listed_paused_consoled_and_removed")
def three_guests_lifecycle(t):
    files = Files()
    three_guests(files)
    script = steps(
        ("free0", ["xl info free_memory"]),
        ("created", ["xl create -p /etc/xen/small.cfg",
                     "xl create -p /etc/xen/mid.cfg",
                     "xl create -p /etc/xen/big.cfg", "xl list"]),
        ("vcpus", ["xl vcpu-list small mid big"]),
        ("ran", ["xl unpause small", "xl unpause mid", "sleep 1",
                 "xl list"]),
        ("console", ["xl console mid"]),
        ("paused", ["xl unpause big", "xl pause big", "xl list big"]),
        ("unpaused", ["xl unpause big", "xl list big"]),
        ("shutdown", ["xl shutdown -w big", "xl list"]),
        ("gone", ["xl create -p /etc/xen/gone.cfg", "xl shutdown -w gone",
                  "xl destroy small", "xl destroy mid", "xl list"]),
        ("free1", ["xl info free_memory"]))
    r = boot(t, files, script)

    created = section(t, r, "created")
    for name, mem in (("small", 32), ("mid", 64), ("big", 96)):
        _, got_mem, vcpus, state = list_row(t, created, name)
        t.check(got_mem == mem, f"{name}: Mem {got_mem}, configured {mem}")
        # Only vCPU 0 is up before a PV guest starts (as on Xen).
        t.check(vcpus == 1, f"{name}: {vcpus} vCPUs online before it ran")
        t.check(state == "--p---", f"{name} created with -p is {state}")

    vcpus = section(t, r, "vcpus")
    for name, n in (("small", 1), ("mid", 2), ("big", 3)):
        t.expect_count(vcpus, rf"^{name} +\d+ +\d+ ", n)

    ran = section(t, r, "ran")
    for name, n in (("small", 1), ("mid", 2)):
        _, _, vcpus, state = list_row(t, ran, name)
        t.check(vcpus == n, f"{name} ran with {vcpus} vCPUs online, not {n}")
        t.check(state == "---s--", f"{name} kept on poweroff is {state}")

    console = section(t, r, "console")
    for line in (r"^hello: greetings from a PV guest \(domU\)$",
                 r"^hello: 2 vcpu\(s\)$", r"^hello: vcpu1 up$",
                 r"^hello: done$"):
        t.expect(console, line)

    state = list_row(t, section(t, r, "paused"), "big")[3]
    t.check(state[2] == "p", f"big after xl pause is {state}")
    state = list_row(t, section(t, r, "unpaused"), "big")[3]
    t.check(state[2] == "-", f"big after xl unpause is {state}")

    down = section(t, r, "shutdown")
    t.expect(down, r"^Domain \d+ has been shut down, reason code 0$")
    t.check(listed(t, down) == ["Domain-0", "small", "mid"],
            f"after xl shutdown -w big: {listed(t, down)}")
    gone = listed(t, section(t, r, "gone"))
    t.check(gone == ["Domain-0"], f"xl list after shutdown and destroy: {gone}")
    free0 = section(t, r, "free0")
    free1 = section(t, r, "free1")
    t.check(free0 == free1, f"free memory {free0} MiB before, {free1} after")


# ---- guests that test the hypervisor, as unprivileged domains ----------

@scenario("xl_pv_selftest_passes_as_domu")
def pv_selftest_as_domu(t):
    r = boot(t, Files(), "xl create -c /etc/xen/pv-selftest.cfg; xl list",
             timeout=120)
    t.expect(r, r"^pv-selftest: starting on a domU with 2 vcpu\(s\)$")
    m = t.expect(r, r"^pv-selftest: (\d+) passed, (\d+) failed$")
    t.check(int(m.group(2)) == 0, f"{m.group(2)} check(s) failed as a domU")
    t.check(int(m.group(1)) >= 30, f"only {m.group(1)} checks passed")
    # Reading the hypervisor console is dom0's alone.
    t.expect(r, r"^pv-selftest: console_io_read_dom0: skipped \(dom0 only\)$")
    skipped = re.findall(r"^pv-selftest: (\S+): skipped", r.log, re.M)
    t.note(f"skipped as a domU: {', '.join(skipped) or 'none'}")


@scenario("xl_mmu_attack_refused_as_domu")
def mmu_attack_as_domu(t):
    if not os.path.exists(os.path.join(t.build, "guests", "mmu-attack")):
        t.fail("mmu-attack is not built")
    r = boot(t, Files(), "xl create -c /etc/xen/mmu-attack.cfg; xl list",
             timeout=300)
    t.expect(r, r"^mmu-attack: a hostile dom0 on 1 vcpu\(s\)$")
    m = t.expect(r, r"^mmu-attack: (\d+) refused, (\d+) succeeded$")
    t.check(int(m.group(2)) == 0, f"{m.group(2)} attack(s) succeeded from "
            f"a domU")
    t.check(int(m.group(1)) >= 25, f"only {m.group(1)} attacks ran")
    t.expect_not(r, r"^attack \S+: (SUCCEEDED|FAILED)")
    t.expect(r, r"^\(XEN\) audit: .*, 0 problems$")


@scenario("xl_mmu_churn_keeps_memory_as_domu")
def mmu_churn_as_domu(t):
    """mmu-churn on two vCPUs of an unprivileged domain, twice: destroyed
    on poweroff (every page comes back), then kept (preserve) so that the
    page-type audit at power-off also checks the tables it left."""
    if not os.path.exists(os.path.join(t.build, "guests", "mmu-churn")):
        t.fail("mmu-churn is not built")
    # (The guest's own last line, "exit status 0", ends a section: the
    # commands after a guest's run get steps of their own.)
    script = steps(("free0", ["xl info free_memory"]),
                   ("churn", ["xl create -c /etc/xen/mmu-churn.cfg"]),
                   ("gone", ["xl list"]), ("free1", ["xl info free_memory"]),
                   ("kept", ["xl create -c /etc/xen/mmu-churn.cfg "
                             "'on_poweroff=\"preserve\"'"]),
                   ("kept-list", ["xl list"]))
    r = boot(t, Files(), script, timeout=300)
    for step in ("churn", "kept"):
        out = section(t, r, step)
        t.expect(out, r"^mmu-churn: 2 worker\(s\), \d+ pages each")
        rounds = int(t.expect(out, r"^mmu-churn: (\d+) rounds ok$").group(1))
        t.check(rounds > 0, f"{step}: no round ran")
    t.expect_not(r, r"^mmu-churn: .*(MISMATCH|FAILED)")
    t.expect_not(r, r"still referenced after tear-down")
    t.check(listed(t, section(t, r, "gone")) == ["Domain-0"],
            "mmu-churn is listed after its poweroff")
    t.check(section(t, r, "free0") == section(t, r, "free1"),
            "free memory changed across mmu-churn as a domU")
    # Shut down and kept, not crashed.  (Its other vCPU may still show
    # 'r' for a moment: the hypervisor deschedules it by IPI, as Xen does.)
    state = list_row(t, section(t, r, "kept-list"), "mmu-churn")[3]
    t.check(state[2:] == "-s--", f"the kept mmu-churn is {state}")
    t.expect(r, r"^\(XEN\) audit: .*, 0 problems$")
    t.note(f"{rounds} rounds a run")


# ---- on_crash, on_poweroff, on_reboot ----------------------------------

def crashing_kernel(t):
    """hello with ud2 at its entry point: it faults before it has a trap
    table, and the hypervisor crashes it."""
    with open(os.path.join(t.build, "guests", "hello"), "rb") as f:
        elf = bytearray(f.read())
    entry, phoff = struct.unpack_from("<QQ", elf, 24)
    phentsize, phnum = struct.unpack_from("<HH", elf, 54)
    for i in range(phnum):
        kind, _, off, vaddr, _, filesz = struct.unpack_from(
            "<IIQQQQ", elf, phoff + i * phentsize)
        if kind == 1 and vaddr <= entry < vaddr + filesz:
            at = off + entry - vaddr
            elf[at:at + 2] = b"\x0f\x0b"
            return bytes(elf)
    t.fail("hello has no loadable segment holding its entry point")


def crash_boot(t, action):
    """Create a guest that crashes at once, with on_crash=action; the
    boot and its `crash` section (the guest's first domain id printed)."""
    files = Files()
    files.add("/boot/crasher", crashing_kernel(t))
    files.cfg("crasher", kernel="/boot/crasher", memory=16, on_crash=action)
    script = steps(("free0", ["xl info free_memory"]),
                   ("crash", ["xl create /etc/xen/crasher.cfg",
                              "xl domid crasher", "sleep 2", "xl list"]),
                   ("dmesg", ["xl dmesg"]),
                   ("end", ["-xl destroy crasher", "xl list"]),
                   ("free1", ["xl info free_memory"]))
    r = boot(t, files, script)
    crash = section(t, r, "crash")
    t.check(listed(t, section(t, r, "end")) == ["Domain-0"],
            "the crashed guest is still listed after xl destroy")
    t.check(section(t, r, "free0") == section(t, r, "free1"),
            "free memory changed")
    return r, crash


def expect_crashes(t, r, domids):
    """Each domain crashed once: its line on the serial line as it
    happened, once more from xl dmesg; no other domain crashed."""
    for domid in domids:
        t.expect_count(r, rf"^\(XEN\) Domain {domid} \(vcpu#0\) crashed: ",
                       2)
    t.expect_count(r, r"^\(XEN\) RIP: ", 2 * len(domids))


@scenario("xl_on_crash_{action}", action=["destroy", "preserve"])
def on_crash(t, action):
    r, crash = crash_boot(t, action)
    first = int(t.expect(crash, r"^(\d+)$").group(1))
    t.expect(crash, rf"^Domain {first} \(crasher\) crashed$")
    expect_crashes(t, r, [first])
    if action == "destroy":
        t.check(listed(t, crash) == ["Domain-0"],
                f"destroyed on crash, yet listed: {listed(t, crash)}")
    else:
        domid, _, _, state = list_row(t, crash, "crasher")
        t.check(domid == first and state == "---sc-",
                f"preserved crash: domain {domid} is {state}")


@scenario("xl_on_crash_restart_stops_a_crash_loop")
def on_crash_restart_stops_a_crash_loop(t):
    """on_crash="restart" restarts a crashed guest; one that crashes again
    within seconds of that restart is destroyed, not restarted forever."""
    r, crash = crash_boot(t, "restart")
    first = int(t.expect(crash, r"^(\d+)$").group(1))
    t.expect(crash, rf"^Domain {first} \(crasher\) crashed$")
    second = int(t.expect(crash, rf"^Domain {first} restarted as domain "
                                 r"(\d+)$").group(1))
    t.check(second > first, f"the restarted crasher has id {second}")
    t.expect(crash, rf"^Domain {second} \(crasher\) crashed$")
    t.expect(crash, rf"^Domain {second} \(crasher\) crashed \d+ ms after it "
                    r"was restarted: destroying it instead of restarting it "
                    r"again$")
    t.expect(r, rf"^\(XEN\) Domain {second} destroyed$")
    t.expect_count(crash, r"^Domain \d+ restarted as domain", 1)
    expect_crashes(t, r, [first, second])
    t.check(listed(t, crash) == ["Domain-0"],
            f"after the crash loop was stopped: {listed(t, crash)}")


@scenario("xl_shutdown_and_reboot_follow_on_poweroff_and_on_reboot")
def shutdown_and_reboot_actions(t):
    files = Files()
    files.cfg("kept", memory=32, on_poweroff="preserve")
    files.cfg("again", memory=32, on_reboot="restart", on_poweroff="preserve")
    files.cfg("bye", memory=32, on_reboot="destroy")
    script = steps(
        ("kept", ["xl create -p /etc/xen/kept.cfg", "xl shutdown -w kept",
                  "xl list"]),
        ("again", ["xl create -p /etc/xen/again.cfg", "xl domid again",
                   "xl reboot -w again", "xl list"]),
        ("again-ran", ["sleep 1", "xl list"]),
        ("bye", ["xl create -p /etc/xen/bye.cfg", "xl reboot -w bye",
                 "xl list"]),
        ("twice", ["-xl shutdown kept"]))
    r = boot(t, files, script)
    # Created paused, it stays paused as well as shut down (as on Xen).
    state = list_row(t, section(t, r, "kept"), "kept")[3]
    t.check(state == "--ps--", f"kept after xl shutdown is {state}")
    again = section(t, r, "again")
    first = int(t.expect(again, r"^(\d+)$").group(1))
    t.expect(again, rf"^Domain {first} restarted as domain (\d+)$")
    t.expect(again, rf"^Domain {first} has been shut down, reason code 1$")
    domid, _, _, state = list_row(t, again, "again")
    t.check(domid > first and state[3] == "-",
            f"rebooted guest: domain {domid} ({state}), was {first}")
    domid2, _, _, state = list_row(t, section(t, r, "again-ran"), "again")
    t.check(domid2 == domid and state == "---s--",
            f"the restarted guest did not run to its poweroff ({state})")
    t.check(listed(t, section(t, r, "bye")) == ["Domain-0", "kept", "again"],
            f"on_reboot=destroy: {listed(t, section(t, r, 'bye'))}")
    t.expect(section(t, r, "twice"), r"^xl: domain \d+ has already shut down$")


# ---- memory comes back -------------------------------------------------

CYCLES = 100


@scenario("xl_100_create_destroy_cycles_give_all_memory_back")
def create_destroy_cycles(t):
    cycle = ["xl create -q -p /etc/xen/hello.cfg", "xl destroy hello"]
    script = steps(("free0", ["xl info free_memory"]),
                   ("cycles", cycle * CYCLES),
                   ("free1", ["xl info free_memory", "xl list"]))
    r = boot(t, Files(), script, timeout=600)
    t.expect_count(r, r"^\(XEN\) Domain \d+ destroyed$", CYCLES)
    free0 = int(section(t, r, "free0"))
    end = section(t, r, "free1")
    free1 = int(end.split("\n")[0])
    t.check(listed(t, end) == ["Domain-0"], "guests are left after the cycles")
    t.note(f"free_memory {free0} MiB before {CYCLES} create/destroy "
           f"cycles of a 64 MiB guest, {free1} MiB after")
    t.check(free0 == free1, f"free_memory went from {free0} to {free1} MiB")
    # Page-exact: the audit at power-off counts every frame domains own.
    base = t.boot(run="xl list", smp=2)
    frames = [int(t.expect(x, r"^\(XEN\) audit: (\d+) frames").group(1))
              for x in (r, base)]
    t.check(frames[0] == frames[1], f"domains own {frames[0]} frames after "
            f"the cycles, {frames[1]} in a boot without them")


# ---- Domain-0 and bad input --------------------------------------------

DOM0_REFUSALS = {
    # xl's words: -f is needed, and even then dom0 is the toolstack here.
    "destroy_0": ("xl destroy 0", r"^Not destroying domain 0; use -f to "
                                  r"force\.$"),
    "destroy_name": ("xl destroy Domain-0", r"^Not destroying domain 0; use "
                                            r"-f to force\.$"),
    "pause": ("xl pause 0", r"^xl: cannot pause Domain-0$"),
    "unpause": ("xl unpause Domain-0", r"^xl: cannot unpause Domain-0$"),
    "shutdown": ("xl shutdown 0", r"^xl: cannot shutdown Domain-0$"),
    "reboot": ("xl reboot Domain-0", r"^xl: cannot reboot Domain-0$"),
}


@scenario("xl_dom0_refuses_{case}", case=list(DOM0_REFUSALS))
def dom0_refuses(t, case):
    cmd, message = DOM0_REFUSALS[case]
    r = boot(t, Files(), f"-{cmd}; xl list; {cmd}", status=1, smp=1)
    t.expect_count(r, message, 2)
    list_row(t, r, "Domain-0")
    t.expect(r, r"^run: /run/script:3: status 1, stopping$")
    t.expect(r, r"^\(XEN\) Powering off")


# Each: the file, xl's message, and xl's exit status -- 1 for a
# configuration xl cannot use, 3 (libxl's ERROR_FAIL) when the file cannot
# be read or the domain cannot be built (xl_vmcontrol.c, create_domain).
BAD_CONFIGS = {
    "missing_kernel": ('name = "nokernel"\nkernel = "/boot/no-such"\n'
                       "memory = 32\n", r"^/boot/no-such: no such file$", 3),
    "bad_syntax": ('name = "syntax"\nkernel = "/boot/hello"\nmemory = = 32\n',
                   r"^/etc/xen/bad\.cfg:3: expected a value after "
                   r"'memory =', got '='$", 1),
    "memory_beyond_host": ('name = "huge"\nkernel = "/boot/hello"\n'
                           "memory = 4096\n",
                           r'^not enough memory for domain "huge": memory = '
                           r"4096 MiB, the host has \d+ MiB free "
                           r"\(\d+ MiB missing\)$", 3),
    "type_hvm": ('name = "hvm"\ntype = "hvm"\nkernel = "/boot/hello"\n',
                 r"^/etc/xen/bad\.cfg:2: type 'hvm' is not supported by "
                 r'xen-lite: hardware-virtualized guests run as type = "pvh"$',
                 1),
    "unknown_type": ('name = "odd"\ntype = "lxc"\nkernel = "/boot/hello"\n',
                     r"^/etc/xen/bad\.cfg:2: unknown value 'lxc' for type "
                     r"\(pv, pvh, hvm\)$", 1),
    "missing_file": (None, r"^Failed to read config file: /etc/xen/bad\.cfg: "
                           r"No such file or directory$", 3),
}


@scenario("xl_bad_config_creates_nothing_{case}", case=list(BAD_CONFIGS))
def bad_config_creates_nothing(t, case):
    text, message, status = BAD_CONFIGS[case]
    files = Files()
    if text is not None:
        files.add("/etc/xen/bad.cfg", text)
    script = steps(("free0", ["xl info free_memory"]),
                   ("first", ["-xl create /etc/xen/bad.cfg"]),
                   ("after", ["xl list", "xl info free_memory"]),
                   ("again", ["xl create /etc/xen/bad.cfg"]))
    r = boot(t, files, script, status=status, smp=1)
    t.expect(section(t, r, "first"), message)
    after = section(t, r, "after")
    t.check(listed(t, after) == ["Domain-0"],
            f"xl list after a failed create: {listed(t, after)}")
    free0 = section(t, r, "free0")
    t.check(after.split("\n")[-1] == free0,
            f"free memory {free0} MiB before, {after.split()[-1]} after")
    t.expect(r, rf"^run: /run/script:\d+: status {status}, stopping$")
    if case == "missing_file":          # xl reads the file before parsing
        t.expect_not(section(t, r, "first"), r"^Parsing config from")


@scenario("xl_unknown_domain_and_command_are_errors")
def unknown_domain_and_command(t):
    r = boot(t, Files(), "-xl list nosuch; -xl pause 42; -xl domid nosuch; "
             "-xl no-such-command; xl console nosuch", status=1, smp=1)
    t.expect(r, r"^nosuch is an invalid domain identifier \(rc=-6\)$")
    t.expect(r, r"^42 is an invalid domain identifier \(rc=-6\)$")
    t.expect(r, r"^Can't get domid of domain name 'nosuch', maybe this "
                r"domain does not exist\.$")
    t.expect(r, r"^command not implemented$")
    t.expect(r, r"^run: /run/script:5: status 1, stopping$")


# ---- the other commands ------------------------------------------------

@scenario("xl_names_uptime_vcpus_credit_top_dmesg_and_help")
def other_commands(t):
    files = Files()
    files.cfg("web", memory=32, vcpus=2)
    script = steps(
        ("create", ["xl create -p /etc/xen/web.cfg", "xl domid web",
                    "xl domname 1"]),
        ("rename", ["xl rename web db", "xl list db", "-xl domid web"]),
        ("uptime", ["xl uptime", "xl uptime -s db"]),
        ("pin", ["xl vcpu-pin db all 1", "xl vcpu-list db"]),
        ("credit", ["xl sched-credit -d db -w 512 -c 50",
                    "xl sched-credit"]),
        ("top", ["xl top -b -i 2 -d 1"]),
        ("dmesg", ["xl dmesg -c", "xl dmesg"]),
        ("help", ["xl help"]),
        ("end", ["xl destroy db"]))
    r = boot(t, files, script)
    created = section(t, r, "create")
    t.check(created.split("\n")[-2:] == ["1", "web"],
            f"xl domid / domname printed {created.split()[-2:]}")
    renamed = section(t, r, "rename")
    list_row(t, renamed, "db")
    t.expect(renamed, r"^Can't get domid of domain name 'web'")
    up = section(t, r, "uptime")
    t.expect(up, r"^Name +ID Uptime$")
    t.expect(up, r"^Domain-0 +0 +\d+:\d\d:\d\d$")
    t.expect(up, r"^db +1 +\d+:\d\d:\d\d$")
    t.expect(up, r"^ \d\d:\d\d:\d\d up +\d+:\d\d, db \(1\)$")
    pin = section(t, r, "pin")
    t.expect_count(pin, r"^db +1 +[01] .*  1 / all$", 2)
    credit = section(t, r, "credit")
    t.expect(credit, r"^Cpupool Pool-0: ")
    t.expect(credit, r"^db +1 +512 +50$")
    t.expect(credit, r"^Domain-0 +0 +256 +0$")
    top = section(t, r, "top")
    t.expect_count(top, r"^ +NAME +STATE +CPU\(sec\) CPU\(%\) +MEM\(k\)", 2)
    t.expect_count(top, r"^ +db ----p- +\d+ +\d+\.\d +32768 ", 2)
    # Live, then once from xl dmesg -c; not again from the xl dmesg after.
    t.expect_count(r, r"^\(XEN\) Domain 1 created \(2 vCPUs\)$", 2)
    help_text = section(t, r, "help")
    for cmd in ("create", "destroy", "list", "info", "uptime", "dmesg",
                "vcpu-list", "vcpu-pin", "sched-credit", "top", "domid",
                "domname", "rename", "shutdown", "reboot", "pause",
                "unpause", "console"):
        t.expect(help_text, rf"^ {re.escape(cmd)} +\S")


# ---- how long things take (recorded, never asserted) -------------------

@scenario("xl_timings_recorded")
def timings(t):
    r = boot(t, Files(), "xl list; echo @@listed; "
             "xl create -c /etc/xen/hello.cfg; echo @@done")
    start = r.time_of(r"^xen-lite# xl list$")
    listed = r.time_of(r"^xen-lite# echo @@listed$")
    create = r.time_of(r"^xen-lite# xl create -c /etc/xen/hello\.cfg$")
    first = r.time_of(r"^hello: greetings from a PV guest")
    t.expect(r, r"^hello: done$")
    t.check(None not in (start, listed, create, first),
            "the script's lines were not all seen")
    t.note(f"seen on the serial line: xl list {1000 * (listed - start):.0f} "
           f"ms to the next prompt; xl create -c to the guest's first line "
           f"{1000 * (first - create):.0f} ms")
