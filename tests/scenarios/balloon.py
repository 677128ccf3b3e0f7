"""Ballooning: balloon-worker keeps a working set filled with a pattern
while its balloon driver gives memory back and takes it again, and checks
every page after every change.  As a domU on xen-lite it must reach each
target of its schedule (also above the memory it started with), keep its
data, use 2 MiB extents, and leave the host's free memory as it found it;
a guest that takes all the memory another guest filled must find every
page zeroed; as dom0 it runs the same way on xen-lite and on Xen 4.17;
an uncooperative guest ignores its targets."""

import os
import re
import tempfile

from xltest import scenario

HYPERVISORS = {"xen_lite": "xen-lite", "xen_417": "xen-4.17"}
MIB = 256                                       # pages
PREFIX = "balloon-worker: "
STEP = (rf"^{PREFIX}step (\d+) \((grow|hold|shrink)\): target (\d+) pages: "
        r"(.+), holds (\d+) pages, (\d+) free, working set (\d+) pages$")
CHECKED = rf"^{PREFIX}step (\d+): pattern ok in (\d+) pages, (\d+) fresh"
DONE = (rf"^{PREFIX}done: (\d+) steps, \d+ pattern checks, (\d+) hypercalls, "
        r"(\d+) pages out, (\d+) pages in, (\d+) 2 MiB extents$")
NOT_ZERO = rf"^{PREFIX}FAILED: .* not zero$"
FREE = r"^(\d+)$"


class Cfgs:
    """xl.cfg files for one boot's ramdisk."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.specs = []

    def add(self, name, memory, maxmem, extra):
        host = os.path.join(self.tmp.name, f"{name}.cfg")
        with open(host, "w") as f:
            f.write(f'name = "{name}"\nkernel = "/boot/balloon-worker"\n'
                    f"memory = {memory}\nmaxmem = {maxmem}\n"
                    f'extra = "{extra}"\non_poweroff = "destroy"\n'
                    'on_crash = "destroy"\n')
        self.specs.append(f"{host}:/etc/xen/{name}.cfg")
        return f"/etc/xen/{name}.cfg"


def boot_with(t, cfgs, script, **opts):
    try:
        r = t.boot(run=script, files=cfgs.specs, **opts)
    finally:
        cfgs.tmp.cleanup()
    t.expect_status(r, 0)
    return r


def section(t, r, step):
    """What script step `step` printed (after `echo @@step`)."""
    m = t.expect(r, rf"^@@{step}$")
    rest = r.log[m.end():]
    end = re.search(r"^(xen-lite# )?(echo )?@@", rest, re.M)
    return rest[:end.start()] if end else rest


def expect_steps(t, text, targets, start, limit):
    """Every step reached min(target, limit) and its pattern held."""
    steps = t.expect_all(text, STEP)
    t.check(len(steps) == len(targets),
            f"{len(steps)} steps reported, {len(targets)} expected")
    for m, mib in zip(steps, targets):
        want = min(mib * MIB, limit)
        t.check(int(m.group(3)) == mib * MIB,
                f"step {m.group(1)} aimed at {m.group(3)} pages, not {mib} MiB")
        t.check(m.group(4) == "reached" and int(m.group(5)) == want,
                f"step {m.group(1)}: {m.group(4)}, holds {m.group(5)} "
                f"pages, expected {want} (started with {start})")
    checks = t.expect_all(text, CHECKED)
    t.check(len(checks) == len(targets),
            f"the pattern held after {len(checks)} of {len(targets)} steps")
    t.expect_not(text, rf"^{PREFIX}FAILED")
    done = t.expect(text, DONE)
    t.check(int(done.group(1)) == len(targets), "not every step ran")
    return done


# ---- As a domU on xen-lite ------------------------------------------------

DOMU_TARGETS = [96, 48, 256, 64, 384, 128]


@scenario("balloon_domu_reaches_every_target_and_keeps_its_data")
def domu_reaches_every_target(t):
    cfgs = Cfgs()
    cfg = cfgs.add("bw", 128, 384, "selftest=" +
                   ",".join(map(str, DOMU_TARGETS)) + " ws=16")
    r = boot_with(t, cfgs, "; ".join([
        "echo @@before", "xl info free_memory",
        f"xl create -c {cfg}",
        "echo @@after", "xl list", "xl info free_memory"]),
        mem=1024, timeout=240)
    start = t.expect(r, rf"^{PREFIX}start: holds (\d+) pages, \d+ free, "
                        r"limit (\d+) pages$")
    t.check(int(start.group(1)) == 128 * MIB, "it did not start at 128 MiB")
    t.check(int(start.group(2)) == 384 * MIB,
            f"its limit is {start.group(2)} pages, not maxmem = 384 MiB")
    done = expect_steps(t, r, DOMU_TARGETS, 128 * MIB, 384 * MIB)
    t.check(int(done.group(5)) > 0, "no 2 MiB extent was populated")
    t.check(int(done.group(3)) == int(done.group(4)),
            "it ended at 128 MiB, yet pages out and in differ")
    t.expect(r, rf"^{PREFIX}initial free pages read zero: \d+$")
    before = int(t.expect(section(t, r, "before"), FREE).group(1))
    after_text = section(t, r, "after")
    after = int(t.expect(after_text, FREE).group(1))
    t.expect_not(after_text, r"^bw ")
    t.check(after == before, f"free memory {before} MiB before the guest, "
            f"{after} MiB after it was destroyed")
    t.note(f"hypercalls: {done.group(2)} for {done.group(3)} pages out "
           f"and {done.group(4)} in")


@scenario("balloon_new_guest_sees_only_zeroed_memory")
def new_guest_sees_zeroed_memory(t):
    """One guest fills 160 MiB with its pattern and goes; the next takes
    every page the host will give it and must find each one zero."""
    cfgs = Cfgs()
    first = cfgs.add("filler", 192, 192, "selftest=192 ws=160")
    second = cfgs.add("taker", 32, 500, "selftest=500 ws=1")
    r = boot_with(t, cfgs, "; ".join([
        f"xl create -c {first}", "echo @@taker", f"xl create -c {second}"]),
        mem=512, timeout=240)
    taker = section(t, r, "taker")
    t.expect_not(r, NOT_ZERO)
    step = t.expect(taker, STEP)
    t.check(step.group(4) == "host memory refused",
            f"the second guest did not run the host out of memory "
            f"({step.group(4)})")
    t.check(int(step.group(5)) > 160 * MIB,
            f"the second guest got only {step.group(5)} pages")
    fresh = int(t.expect(taker, CHECKED).group(3))
    t.check(fresh > 100 * MIB, f"only {fresh} populated pages were checked")


# ---- As dom0, on xen-lite and Xen 4.17 --------------------------------------

DOM0_TARGETS = [192, 96, 256, 64, 160, 256]


@scenario("balloon_dom0_follows_its_schedule_{on}", on=list(HYPERVISORS))
def dom0_follows_its_schedule(t, on):
    r = t.boot(hypervisor=HYPERVISORS[on], xen_append="dom0_mem=256M",
               dom0=os.path.join(t.build, "guests", "balloon-worker"),
               dom0_cmdline="selftest=" + ",".join(map(str, DOM0_TARGETS)) +
               " ws=16 zerocheck=populated", timeout=240)
    t.expect_status(r, 0)
    t.expect(r, r"^exit status 0$")
    start = int(t.expect(r, rf"^{PREFIX}start: holds (\d+) pages").group(1))
    t.check(start == 256 * MIB, f"dom0 started with {start} pages")
    done = expect_steps(t, r, DOM0_TARGETS, start, start)
    t.check(int(done.group(5)) > 0, "no 2 MiB extent was populated")


@scenario("balloon_uncooperative_guest_ignores_its_targets")
def uncooperative_ignores_targets(t):
    r = t.boot(dom0=os.path.join(t.build, "guests", "balloon-worker"),
               dom0_cmdline="selftest=128,64 uncooperative "
               "zerocheck=populated", timeout=120)
    t.expect_status(r, 0)
    steps = t.expect_all(r, STEP)
    t.check(len(steps) == 2, f"{len(steps)} steps, expected 2")
    for m in steps:
        t.check(m.group(4) == "ignored (uncooperative)" and
                int(m.group(5)) == 256 * MIB,
                f"step {m.group(1)}: {m.group(4)}, holds {m.group(5)}")
    t.expect(r, rf"^{PREFIX}done: 2 steps, .* 0 pages out, 0 pages in")
