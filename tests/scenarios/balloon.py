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
import sys

from xltest import scenario

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _xlscript import Files, section, steps  # noqa: E402

HYPERVISORS = {"xen_lite": "xen-lite", "xen_417": "xen-4.17"}
MIB = 256                                       # pages
PREFIX = "balloon-worker: "
STEP = (rf"^{PREFIX}step (\d+) \((grow|hold|shrink)\): target (\d+) pages: "
        r"(.+), holds (\d+) pages, (\d+) free, working set (\d+) pages$")
CHECKED = rf"^{PREFIX}step (\d+): pattern ok in (\d+) pages, (\d+) fresh"
DONE = (rf"^{PREFIX}done: (\d+) steps, \d+ pattern checks, (\d+) hypercalls, "
        r"(\d+) pages out, (\d+) pages in, (\d+) 2 MiB extents in, "
        r"(\d+) out$")
NOT_ZERO = rf"^{PREFIX}FAILED: .* not zero$"
FREE = r"^(\d+)$"


def worker_cfg(files, name, memory, maxmem, extra, on_poweroff="destroy",
               **keys):
    """/etc/xen/NAME.cfg of a balloon-worker guest, in files."""
    return files.cfg(name, kernel="/boot/balloon-worker", memory=memory,
                     maxmem=maxmem, extra=extra, on_poweroff=on_poweroff,
                     on_crash="destroy", **keys)


def boot_with(t, files, script, **opts):
    try:
        r = t.boot(run=script, files=files.specs, **opts)
    finally:
        files.close()
    t.expect_status(r, 0)
    return r


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
    cfgs = Files()
    cfg = worker_cfg(cfgs, "bw", 128, 384, "selftest=" +
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
    cfgs = Files()
    first = worker_cfg(cfgs, "filler", 192, 192, "selftest=192 ws=160")
    second = worker_cfg(cfgs, "taker", 32, 500, "selftest=500 ws=1")
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
    # The builders lay dom0 out in 2 MiB extents: it gives them back whole.
    t.check(int(done.group(6)) > 0, "no 2 MiB extent was given back")
    if on == "xen_lite":
        # Frames given back are zeroed as they go: none is left to scrub
        # (dom0 keeps its only CPU busy, so idle CPUs zero nothing).
        scrub = [(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                 for m in t.expect_all(r, rf"^{PREFIX}step (\d+): host pages "
                                          r"to scrub (\d+) before, (\d+) after$")]
        shrinks = [s for s in scrub if DOM0_TARGETS[s[0]] <
                   ([256] + DOM0_TARGETS)[s[0]]]
        t.check(shrinks and all(after <= before for _, before, after in shrinks),
                f"frames given back were left to scrub: {scrub}")


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


# ---- Following dom0's targets -------------------------------------------------

SETTLE = "xl balloon-status -w -t 60"           # until every target is reached
ROW = r"^{} +\d+ +(\d+) +(\d+) +(\d+) +(\d+) +(\d+)  (\S+) +(\S+)$"
FOLLOWED = (rf"^{PREFIX}target (\d+) pages, holds (\d+) pages, \d+ free "
            r"\((.+)\): pattern ok in (\d+) pages, (\d+) fresh")


def status_row(t, text, name):
    """(target, actual, dyn-min, dyn-max, maxmem, state, set-by) of name's
    xl balloon-status row, MiB."""
    m = t.expect(text, ROW.format(re.escape(name)))
    return tuple(int(g) for g in m.groups()[:5]) + m.groups()[5:]


def list_mem(t, text, name):
    return int(t.expect(text, rf"^{re.escape(name)} +\d+ +(\d+) ").group(1))


def detach_when_holding(*mibs):
    """--type rules: after each step's marker, detach `xl console` once
    the guest says it holds that step's target, and after a phase that
    holds its working set"""
    rules = []
    for step, mib in zip(("down", "up"), mibs):
        pages = mib * MIB
        rules += [rf"^@@{step}$=>",
                  rf"^{PREFIX}target {pages} pages, holds {pages} pages, "
                  r".*\(reached\)=>\x1d"]
    return rules + [r"^@@hold$=>",
                    rf"^{PREFIX}phase \d+ \(hold\): .* pattern ok=>\x1d"]


@scenario("balloon_mem_set_down_and_up_converges_and_keeps_data")
def mem_set_converges(t):
    cfgs = Files()
    cfg = worker_cfg(cfgs, "bw", 256, 512, "ws=16", on_poweroff="preserve",
                     memory_min=64, memory_dynamic_max=256)
    r = boot_with(t, cfgs, steps(
        ("free0", ["xl info free_memory"]),
        ("start", [f"xl create {cfg}", "sleep 1", "xl balloon-status"]),
        ("down", ["xl mem-set bw 128m", "xl console bw", "xl list",
                  "xl balloon-status",
                  "xenstore-read /local/domain/1/memory/target"]),
        ("up", ["xl mem-set bw 384", "xl console bw", "xl list",
                "xl balloon-status"]),
        ("hold", ["xl console bw"]),
        ("console", ["xl shutdown -w bw", "xl console bw"]),
        ("gone", ["xl destroy bw", "xl list", "xl info free_memory"])),
        mem=1024, timeout=240, type=detach_when_holding(128, 384))
    row = status_row(t, section(t, r, "start"), "bw")
    t.check(row[:2] == (256, 256) and row[2:5] == (64, 256, 512),
            f"after create: {row}")
    for step, mib in (("down", 128), ("up", 384)):
        text = section(t, r, step)
        mem = list_mem(t, text, "bw")
        t.check(abs(mem - mib) <= 1, f"xl mem-set {mib} MiB: xl list says "
                f"{mem} MiB")
        row = status_row(t, text, "bw")
        t.check(row[0] == mib and abs(row[1] - mib) <= 1 and
                row[5:] == ("ok", "mem-set"), f"after mem-set {mib}: {row}")
    t.expect(section(t, r, "down"), r"^131072$")     # KiB in xenstore
    console = section(t, r, "console")
    reached = [(int(m.group(1)), int(m.group(2)), m.group(3))
               for m in t.expect_all(console, FOLLOWED)]
    for mib in (128, 384):
        t.check((mib * MIB, mib * MIB, "reached") in reached,
                f"the guest never reported holding {mib} MiB: {reached}")
    t.expect_not(console, rf"^{PREFIX}FAILED")
    t.expect(console, rf"^{PREFIX}phase \d+ \(hold\): .* pattern ok$")
    free0 = int(t.expect(section(t, r, "free0"), FREE).group(1))
    gone = section(t, r, "gone")
    t.expect_not(gone, r"^bw ")
    t.check(int(t.expect(gone, FREE).group(1)) == free0,
            "free memory did not return to where it was before the guest")


@scenario("balloon_mem_set_and_mem_max_are_xls")
def mem_set_and_mem_max_as_xl(t):
    """As with Xen's xl: mem-set takes any target up to maxmem, even below
    the domain's memory_min (the administrator's word), and is refused
    above it; mem-max is refused below the target; `mem-set DOM auto`
    hands the domain back to the balloon manager; Domain-0 is ballooned
    like any other."""
    cfgs = Files()
    cfg = worker_cfg(cfgs, "bw", 128, 256, "ws=4", memory_min=96,
                     memory_dynamic_max=128)
    r = boot_with(t, cfgs, steps(
        ("create", [f"xl create {cfg}", "sleep 1"]),
        ("below", ["xl mem-set bw 64", SETTLE, "xl balloon-status"]),
        ("above", ["-xl mem-set bw 257m", "echo status $?"]),
        ("maxlow", ["-xl mem-max bw 63", "echo status $?"]),
        ("bad", ["-xl mem-set bw lots", "-xl mem-set bw",
                 "-xl balloon-status -u stuck,often"]),
        ("dom0", ["xl mem-set 0 192m", SETTLE, "xl list 0",
                  "-xl mem-set 0 32", "echo status $?"]),
        ("auto", ["xl mem-set bw auto", SETTLE, "xl balloon-status",
                  "xl list bw"])),
        mem=1024, timeout=120)
    row = status_row(t, section(t, r, "below"), "bw")
    t.check(row[:2] == (64, 64) and row[6] == "mem-set",
            f"mem-set below memory_min was not followed: {row}")
    above = section(t, r, "above")
    t.expect(above, r"^xl mem-set: 257 MiB is above the domain's maxmem "
                    r"\(256 MiB\): memory_dynamic_max must be less than or "
                    r"equal to memory_static_max$")
    t.expect(above, r"^cannot set domid 1 dynamic max memory to : 257m$")
    t.expect(above, r"^status 1$")
    maxlow = section(t, r, "maxlow")
    t.expect(maxlow, r"^xl mem-max: 63 MiB is below the domain's target "
                     r"\(64 MiB\): memory_static_max must be greater than or "
                     r"equal to memory_dynamic_max$")
    t.expect(maxlow, r"^cannot set domid 1 static max memory to : 63$")
    bad = section(t, r, "bad")
    t.expect(bad, r"^invalid memory size: lots$")
    t.expect(bad, r"^Usage: xl .*mem-set")
    t.expect(bad, r"^xl balloon-status: -u takes stuck, uncooperative, "
                  r"host-short or shifted \(comma-separated\), not "
                  r"'stuck,often'$")
    dom0 = section(t, r, "dom0")
    t.check(list_mem(t, dom0, "Domain-0") == 192,
            "xl mem-set 0 192m did not balloon Domain-0")
    t.expect(dom0, r"^xl mem-set: new target 32 MiB for dom0 is below the "
                   r"minimum threshold \(64 MiB\)$")
    auto = section(t, r, "auto")
    row = status_row(t, auto, "bw")
    t.check(row[0] == 128 and row[6] == "policy",
            f"after mem-set auto the manager did not take bw back: {row}")
    t.check(abs(list_mem(t, auto, "bw") - 128) <= 1, "bw's memory")


@scenario("balloon_create_beyond_free_memory_reclaims_or_says_what_is_missing")
def create_reclaims(t):
    """A guest that does not fit is created once another gives memory
    back; one that cannot fit even then is refused with the shortfall,
    and nothing is left of it."""
    cfgs = Files()
    big = worker_cfg(cfgs, "big", 600, 600, "ws=16", memory_min=128)
    new = worker_cfg(cfgs, "new", 300, 300, "ws=4")
    huge = worker_cfg(cfgs, "huge", 700, 700, "ws=4")
    r = boot_with(t, cfgs, steps(
        ("free0", ["xl info free_memory"]),
        ("big", [f"xl create {big}", "sleep 1", "xl info free_memory"]),
        ("new", [f"xl create {new}", "xl list", "xl info free_memory"]),
        ("huge", [f"-xl create {huge}", "xl list"]),
        ("gone", ["xl destroy new", "xl destroy big", "xl list",
                  "xl info free_memory"])),
        mem=1024, timeout=240)
    free_big = int(t.expect(section(t, r, "big"), FREE).group(1))
    t.check(free_big < 300, f"{free_big} MiB free: 'new' would fit at once")
    text = section(t, r, "new")
    m = t.expect(text, r'^asking other domains to give back (\d+) MiB for '
                       r'"new"$')
    t.check(int(m.group(1)) >= 300 - free_big,
            f"asked for {m.group(1)} MiB with {free_big} free")
    t.check(list_mem(t, text, "new") == 300, "'new' does not hold 300 MiB")
    t.check(list_mem(t, text, "big") <= 600 - (300 - free_big),
            "'big' did not give memory back")
    text = section(t, r, "huge")
    m = t.expect(text, r'^not enough memory for domain "huge": memory = 700 '
                       r"MiB, the host has (\d+) MiB free and the other "
                       r"domains can give back (\d+) MiB \((\d+) MiB "
                       r"missing\)$")
    free, can, missing = (int(g) for g in m.groups())
    t.check(abs(free + can + missing - 700) <= 2,
            f"{free} free + {can} to give + {missing} missing is not 700")
    t.expect_not(text, r"^huge ")
    free0 = int(t.expect(section(t, r, "free0"), FREE).group(1))
    gone = section(t, r, "gone")
    t.check(int(t.expect(gone, FREE).group(1)) == free0,
            "free memory did not return to where it was before the guests")


@scenario("balloon_uncooperative_guest_is_reported_while_others_are_squeezed")
def uncooperative_reported(t):
    """Two guests that may shrink to 64 MiB; the host's reserve is raised
    past what is free.  The one that ignores its target is reported
    stuck, then uncooperative; the other gives for both.  The script
    waits for the manager's verdicts (balloon-status -u), not for a
    number of seconds: a slow host only makes it wait longer (the
    timeouts are generous for that, and cost time only on failure)."""
    cfgs = Files()
    coop = worker_cfg(cfgs, "coop", 300, 300, "ws=8", memory_min=64)
    mule = worker_cfg(cfgs, "mule", 300, 300, "ws=8 uncooperative",
                      memory_min=64)
    r = boot_with(t, cfgs, steps(
        ("two", [f"xl create {coop}", f"xl create {mule}",
                 "xl balloon-status -w -t 300", "xl info free_memory"]),
        ("squeeze", ["xl balloon-policy -r 200m",
                     "xl balloon-status -u stuck -t 300"]),
        ("later", ["xl balloon-status -u uncooperative -t 300",
                   "xl info free_memory", "xl list"])),
        mem=1024, timeout=900)
    two = section(t, r, "two")
    for name in ("coop", "mule"):
        row = status_row(t, two, name)
        t.check(row[:2] == (300, 300) and row[5] == "ok", f"{name}: {row}")
    free = int(t.expect(two, FREE).group(1))
    t.check(100 < free < 200, f"{free} MiB free: a 200 MiB reserve would "
            f"not squeeze the guests")
    squeeze = section(t, r, "squeeze")
    mule = status_row(t, squeeze, "mule")
    coop = status_row(t, squeeze, "coop")
    t.check(mule[5] == "stuck" and mule[1] == 300 and mule[0] < 300,
            f"mule, asked to shrink, once settled: {mule}")
    # Held: within the manager's 1 MiB tolerance (the MiB are rounded down).
    t.check(coop[5] == "ok" and abs(coop[1] - coop[0]) <= 1 and coop[0] < 300,
            f"coop did not give: {coop}")
    later = section(t, r, "later")
    mule = status_row(t, later, "mule")
    coop = status_row(t, later, "coop")
    t.check(mule[5] == "uncooperative" and mule[1] == 300,
            f"mule, later: {mule}")
    t.check(coop[5] == "ok" and abs(coop[1] - coop[0]) <= 1 and
            64 <= coop[0] < 300, f"coop was not squeezed in its range: {coop}")
    t.check(coop[0] <= 300 - (200 - free) + 1,
            f"coop did not give for both: {coop} with {free} MiB free before")
    t.expect(later, r"^Host free memory: \d+ MiB \(reserve 200 MiB\); 1 of 3 "
                    r"domain\(s\) excluded as stuck or uncooperative$")
    free = int(t.expect(later, FREE).group(1))
    t.check(free >= 199, f"the host is down to {free} MiB, below its reserve")


@scenario("balloon_idle_memory_moves_to_a_busy_guest_when_asked")
def idle_memory_shifts(t):
    """With a 300 MiB reserve the host is tight: a guest that leaves most
    of its memory free and one that fills all it gets share in proportion
    to their ranges.  Once `xl balloon-policy -s on` moves idle memory,
    the busy one grows at the idle one's expense, neither leaves its
    range, and the reserve stays free.  The script waits for the
    manager's round that shifts (balloon-status -u shifted), not for a
    number of seconds."""
    cfgs = Files()
    idle = worker_cfg(cfgs, "idle", 256, 256, "ws=4", memory_min=64)
    busy = worker_cfg(cfgs, "busy", 256, 512, "ws=1000 fill",
                      memory_min=64)
    r = boot_with(t, cfgs, steps(
        ("policy", ["xl balloon-policy -r 300m"]),
        ("plain", [f"xl create {idle}", f"xl create {busy}",
                   "xl balloon-status -w -t 300"]),
        ("shift", ["xl balloon-policy -s on",
                   "xl balloon-status -u shifted -t 300"])),
        mem=1024, timeout=900)
    t.expect(section(t, r, "policy"), r"^reserve: 300 MiB$")
    plain, shift = section(t, r, "plain"), section(t, r, "shift")
    t.expect(shift, r"^shift idle memory: on \(headroom 32 MiB\)$")
    idle0, busy0 = status_row(t, plain, "idle"), status_row(t, plain, "busy")
    idle1, busy1 = status_row(t, shift, "idle"), status_row(t, shift, "busy")
    t.check(idle0[0] < 256 and busy0[0] > 256,
            f"no proportional split before shifting: {idle0} {busy0}")
    t.check(idle1[0] < idle0[0] and busy1[0] > busy0[0],
            f"nothing moved: idle {idle0[0]} -> {idle1[0]}, busy "
            f"{busy0[0]} -> {busy1[0]} MiB")
    t.check(idle1[0] >= 64 and busy1[0] <= 512, f"out of range: {idle1} "
            f"{busy1}")
    t.check(abs(idle1[1] - idle1[0]) <= 1 and abs(busy1[1] - busy1[0]) <= 1,
            f"targets not held once settled: {idle1} {busy1}")
    t.check(idle1[0] + busy1[0] <= idle0[0] + busy0[0] + 1,
            "shifting gave out more memory than the split had")
    moved = int(t.expect(shift, r"^Idle memory shifted to busy guests: "
                                r"(\d+) MiB$").group(1))
    t.check(moved > 0, "the manager says it shifted nothing")
    # Every target held: what is free now is what the targets leave.
    free = int(t.expect(shift, r"^Host free memory: (\d+) MiB").group(1))
    t.check(free >= 299, f"{free} MiB free with a 300 MiB reserve")
