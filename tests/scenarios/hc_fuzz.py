"""hc-fuzz, the seeded hypercall fuzzer: a stream of hostile hypercalls
(every number, random and structure-aware arguments, random batches in
multicalls) from an unprivileged domU while a well-behaved domain beside
it checks its memory.  After the run the hypervisor has caught no state
that would fault in ring 0 on hardware, the page-type audit is clean, the
well-behaved domain's data is intact, and free memory is back where it
was once both are gone.

make test runs a short stream; make fuzz the long one (HC_FUZZ_SEED and
HC_FUZZ_CALLS choose it: the same seed is the same stream)."""

import os
import re

from xltest import scenario

SUMMARY = (r"^hc-fuzz: seed (\d+): (\d+) calls, (\d+) distinct \(hypercall, errno\) "
           r"outcomes, (-?\d+) hypervisor faults, (\d+) anomalies$")
SENTINEL = r"^\(d\d+\) hc-fuzz sentinel: (\d+) pages, (\d+) checks, intact$"
AUDIT_LINE = r"^\(XEN\) audit: .*, (\d+) problems$"
FREE = r"^xen-lite# xl info free_memory\n(\d+)$"

# The short stream in make test, and the long one's defaults.
SHORT_SEED, SHORT_CALLS = 1, 20000
LONG_SEED, LONG_CALLS = 7, 1000000


def check_stream(t, r, seed):
    """The summary line: the seed asked for, no hypervisor fault, no call
    that succeeded with an argument it could not have read."""
    m = t.expect(r, SUMMARY)
    calls, outcomes, faults, anomalies = (int(m.group(i)) for i in range(2, 6))
    t.check(int(m.group(1)) == seed, f"the stream ran seed {m.group(1)}, not {seed}")
    t.check(faults == 0, f"{faults} hypervisor faults (ring-0 hazards) in the run")
    t.check(anomalies == 0, "calls succeeded with arguments they cannot read: " +
            "; ".join(a.group(0) for a in re.finditer(r"^hc-fuzz: anomaly: .*$",
                                                       r.log, re.M)))
    t.expect_not(r, r"^hc-fuzz: watchdog: no progress")
    t.expect_not(r, r"ring-0 hazard")
    return calls, outcomes


def run_beside_sentinel(t, seed, calls, timeout):
    script = "; ".join([
        "xl info free_memory",
        "xl create /etc/xen/hc-sentinel.cfg",
        f"xl create -c /etc/xen/hc-fuzz.cfg 'extra=\"seed={seed} calls={calls}\"'",
        "xl shutdown -w hc-sentinel", "xl list", "xl info free_memory"])
    r = t.boot(run=script, smp=2, timeout=timeout)
    t.expect_status(r, 0)
    t.expect(r, rf"^hc-fuzz: seed {seed}, {calls} calls, restoring mode, as a domU$")
    done, outcomes = check_stream(t, r, seed)
    t.check(done >= calls, f"{done} calls made of {calls}")
    m = t.expect(r, SENTINEL)
    t.check(int(m.group(1)) > 0 and int(m.group(2)) > 1,
            "the sentinel checked nothing")
    t.expect_not(r, r"hc-fuzz sentinel: CORRUPTED")
    t.expect_not(r, r"\(hc-fuzz\) crashed|\(hc-sentinel\) crashed")
    free = [int(f.group(1)) for f in re.finditer(FREE, r.log, re.M)]
    t.check(len(free) == 2 and free[0] == free[1],
            f"free memory before and after both domains: {free}")
    audits = t.expect_all(r, AUDIT_LINE)
    t.check(all(int(a.group(1)) == 0 for a in audits), "the page-type audit found problems")
    t.note(f"seed {seed}: {done} calls, {outcomes} distinct (hypercall, errno) outcomes, "
           f"0 hypervisor faults; sentinel {m.group(1)} pages intact over "
           f"{m.group(2)} checks; {r.wall:.0f} s")


@scenario("hc_fuzz_short_stream_as_domu_leaves_host_and_sentinel_intact")
def hc_fuzz_short(t):
    t.check(os.path.exists(os.path.join(t.build, "guests", "hc-fuzz")),
            "hc-fuzz is not built")
    run_beside_sentinel(t, SHORT_SEED, SHORT_CALLS, timeout=240)


@scenario("hc_fuzz_long_stream_as_domu", long=True)
def hc_fuzz_long(t):
    seed = int(os.environ.get("HC_FUZZ_SEED") or LONG_SEED)
    calls = int(os.environ.get("HC_FUZZ_CALLS") or LONG_CALLS)
    # About 3,000 calls a second under TCG on a loaded host, with room.
    run_beside_sentinel(t, seed, calls, timeout=120 + calls / 200)
