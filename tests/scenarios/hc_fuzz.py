"""hc-fuzz, the seeded hypercall fuzzer: a stream of hostile hypercalls
(every number, random and structure-aware arguments, random batches in
multicalls) from an unprivileged domU while a well-behaved domain beside
it checks its memory.  After the run the hypervisor has caught no state
that would fault in ring 0 on hardware, the page-type audit is clean, the
well-behaved domain's data is intact, and free memory is back where it
was once both are gone.  The same stream runs as dom0 too, where every
privileged hypercall is open to it (it creates and destroys domains of
its own); it then audits the host itself.

make test runs a short stream of each; make fuzz the long ones
(HC_FUZZ_SEED and HC_FUZZ_CALLS choose them: the same seed is the same
stream), under -cpu EPYC (SVM, SMEP, SMAP: more of the hypervisor's
paths)."""

import os
import re

from xltest import scenario

SUMMARY = (r"^hc-fuzz: seed (\d+): (\d+) calls, (\d+) distinct \(hypercall, errno\) "
           r"outcomes, (-?\d+) hypervisor faults, (\d+) anomalies$")
SENTINEL = r"^\(d\d+\) hc-fuzz sentinel: (\d+) pages, (\d+) checks, intact$"
AUDIT_LINE = r"^\(XEN\) audit: (\d+) frames, \d+ page tables checked, (\d+) problems$"
FREE = r"^xen-lite# xl info free_memory\n(\d+)$"

# The short streams in make test, and the long ones' defaults.
SHORT_SEED, SHORT_CALLS = 1, 20000
SHORT_DOM0_CALLS = 5000
LONG_SEED, LONG_CALLS = 7, 1000000
LONG_CPU = "EPYC,-monitor"
DOM0_AUDIT = r"^hc-fuzz: page-type audit: (\d+) problem\(s\)$"
DOM0_FREE = (r"^hc-fuzz: host free memory (\d+) KiB before, (\d+) KiB after; "
             r"dom0 grew by (\d+) KiB$")


def check_stream(t, r, seed, calls):
    """The summary line: the seed and calls asked for, no hypervisor
    fault, no call that succeeded with an argument it could not have read
    or changed a port of the guest library."""
    m = t.expect(r, SUMMARY)
    done, outcomes, faults, anomalies = (int(m.group(i)) for i in range(2, 6))
    t.check(int(m.group(1)) == seed, f"the stream ran seed {m.group(1)}, not {seed}")
    t.check(done >= calls, f"{done} calls made of {calls}")
    t.check(faults == 0, f"{faults} hypervisor faults (ring-0 hazards) in the run")
    t.check(anomalies == 0, "calls succeeded with arguments they cannot read: " +
            "; ".join(a.group(0) for a in re.finditer(r"^hc-fuzz: anomaly: .*$",
                                                       r.log, re.M)))
    t.expect_not(r, r"^hc-fuzz: watchdog: no progress")
    t.expect_not(r, r"ring-0 hazard")
    return done, outcomes


def check_audits(t, r, not_run=0):
    """Every audit the hypervisor ran found nothing; only the not_run ones
    asked for with no memory left did not run."""
    t.expect_count(r, r"^\(XEN\) audit: not enough memory to run$", not_run)
    audits = t.expect_all(r, AUDIT_LINE)
    t.check(all(int(a.group(2)) == 0 for a in audits), "the page-type audit found problems")
    return int(audits[-1].group(1))


def long_stream():
    """make fuzz-hc's seed and length."""
    return (int(os.environ.get("HC_FUZZ_SEED") or LONG_SEED),
            int(os.environ.get("HC_FUZZ_CALLS") or LONG_CALLS))


def run_beside_sentinel(t, seed, calls, timeout, cpu=None):
    script = "; ".join([
        "xl info free_memory",
        "xl create /etc/xen/hc-sentinel.cfg",
        f"xl create -c /etc/xen/hc-fuzz.cfg 'extra=\"seed={seed} calls={calls}\"'",
        "xl shutdown -w hc-sentinel", "xl list", "xl info free_memory"])
    r = t.boot(run=script, smp=2, timeout=timeout, cpu=cpu)
    t.expect_status(r, 0)
    t.expect(r, rf"^hc-fuzz: seed {seed}, {calls} calls, restoring mode, as a domU$")
    done, outcomes = check_stream(t, r, seed, calls)
    m = t.expect(r, SENTINEL)
    t.check(int(m.group(1)) > 0 and int(m.group(2)) > 1,
            "the sentinel checked nothing")
    t.expect_not(r, r"hc-fuzz sentinel: CORRUPTED")
    t.expect_not(r, r"\(hc-fuzz\) crashed|\(hc-sentinel\) crashed")
    free = [int(f.group(1)) for f in re.finditer(FREE, r.log, re.M)]
    t.check(len(free) == 2 and free[0] == free[1],
            f"free memory before and after both domains: {free}")
    frames = check_audits(t, r)
    # free_memory counts MiB: the audit's count of the frames domains own
    # must also be exactly that of a boot where neither domain ever ran.
    base = t.boot(run="xl list", smp=2, cpu=cpu)
    fresh = check_audits(t, base)
    t.check(frames == fresh,
            f"domains own {frames} frames after the run, {fresh} in a boot without it")
    t.note(f"seed {seed}: {done} calls, {outcomes} distinct (hypercall, errno) outcomes, "
           f"0 hypervisor faults; sentinel {m.group(1)} pages intact over "
           f"{m.group(2)} checks; free memory {free[0]} MiB before and after, "
           f"{frames} frames owned as in a boot without them; {r.wall:.0f} s")


@scenario("hc_fuzz_short_stream_as_domu_leaves_host_and_sentinel_intact")
def hc_fuzz_short(t):
    t.check(os.path.exists(os.path.join(t.build, "guests", "hc-fuzz")),
            "hc-fuzz is not built")
    run_beside_sentinel(t, SHORT_SEED, SHORT_CALLS, timeout=240)


@scenario("hc_fuzz_long_stream_as_domu", long=True)
def hc_fuzz_long(t):
    seed, calls = long_stream()
    # About 3,000 calls a second under TCG on a loaded host, with room.
    run_beside_sentinel(t, seed, calls, timeout=120 + calls / 200, cpu=LONG_CPU)


def run_as_dom0(t, seed, calls, timeout, cpu=None, oom=False):
    """The stream as dom0 on 3 vCPUs (the last one watches for a stuck
    stream): it caps its own memory, destroys the domains it made, and
    the audit it asks for at the end must have run and found nothing."""
    r = t.boot(dom0=os.path.join(t.build, "guests", "hc-fuzz"),
               dom0_cmdline=f"seed={seed} calls={calls}" + (" audit-oom" if oom else ""), smp=3,
               timeout=timeout, cpu=cpu)
    t.expect_status(r, 0)
    t.expect(r, rf"^hc-fuzz: seed {seed}, {calls} calls, restoring mode, as dom0$")
    done, outcomes = check_stream(t, r, seed, calls)
    m = t.expect(r, DOM0_AUDIT)
    t.check(int(m.group(1)) == 0, "the page-type audit found problems")
    check_audits(t, r, not_run=int(oom))
    free = t.expect(r, DOM0_FREE)
    t.note(f"seed {seed} as dom0: {done} calls, {outcomes} distinct (hypercall, errno) "
           f"outcomes, 0 hypervisor faults; host free memory {free.group(1)} KiB "
           f"before, {free.group(2)} KiB after, of which dom0 took {free.group(3)} KiB; "
           f"{r.wall:.0f} s")
    return r


@scenario("hc_fuzz_short_stream_as_dom0_leaves_host_intact")
def hc_fuzz_short_dom0(t):
    # ... and an audit asked for with every free frame taken says it could
    # not run: an audit without memory once answered "0 problems".
    r = run_as_dom0(t, SHORT_SEED, SHORT_DOM0_CALLS, timeout=180, oom=True)
    t.expect(r, r"^hc-fuzz: audit with no free memory: could not run, as it must$")


@scenario("hc_fuzz_long_stream_as_dom0", long=True)
def hc_fuzz_long_dom0(t):
    seed, calls = long_stream()
    run_as_dom0(t, seed, calls, timeout=120 + calls / 200, cpu=LONG_CPU)
