"""Benchmarks: the same benchmark guest booted as dom0 on xen-lite and on
Debian's Xen 4.17 under identical QEMU options, each figure reported both
as wall-clock time and as instructions under -icount.

A benchmark section is one entry of SECTIONS: a guest, the operations it
reports and how to read them from the serial log.  A later guest (page
table updates, domain create/destroy, ballooning) is one more entry, with
its own parser if its figures are not `bench:` lines.

    import xlbench
    sec = xlbench.SECTIONS[0]
    records = xlbench.run_section(sec, "build", xlbench.HYPERVISORS,
                                  xlbench.MEASURES)
    xlbench.summarize(sec, records, xlbench.HYPERVISORS, xlbench.MEASURES)

The figures themselves: a benchmark guest times whole loops with rdtsc and
prints per-operation TSC ticks.  Without -icount the TSC is the host's and
ticks become microseconds through the rate the guest reads from its
vcpu_time_info -- unless that rate, which is the hypervisor's calibration,
is more than TSC_TOLERANCE off the host's own TSC rate: then through the
host's, and the run says so.  With -icount shift=S, rdtsc advances 2^S per
instruction executed (guest and hypervisor alike), so ticks / 2^S is a
path length.
"""

import datetime
import os
import platform
import re
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field

import xlboot

HYPERVISORS = ("xen-lite", "xen-4.17")
HYPERVISOR_LABELS = {"xen-lite": "xen-lite", "xen-4.17": "Xen 4.17"}

# One QEMU configuration for every run, so the two hypervisors do the same
# work on the same virtual machine.  -monitor: Xen and xen-lite must not
# idle in MWAIT, which QEMU's EPYC model does not fully support.
#
# 4 GiB, so that RAM continues above 4 GiB: SeaBIOS runs its relocated
# code from the top of RAM below 4 GiB and Xen puts its stacks there too.
# QEMU keeps the firmware's translations, so with all RAM below 4 GiB each
# of Xen's stack writes takes QEMU's self-modifying-code check and Xen's
# wall-clock figures come out ~20x too slow (SmcWatch detects this).
QEMU_OPTIONS = {"cpu": "EPYC,-monitor", "smp": 1, "mem": 4096,
                "machine": "pc", "firmware": "bios"}
ICOUNT_SHIFT = 5
BOOT_TIMEOUT = 600.0
TSC_TOLERANCE = 0.01


@dataclass(frozen=True)
class Measure:
    name: str           # key in results.json
    label: str          # table heading
    unit: str
    icount: int = None  # QEMU -icount shift, or None for wall-clock time


MEASURES = (
    Measure("wall", "wall-clock", "us"),
    Measure("instructions", f"instructions (-icount shift={ICOUNT_SHIFT})",
            "instr", ICOUNT_SHIFT),
)


@dataclass
class Section:
    name: str                   # also the guest's name unless guest is set
    title: str
    ops: list                   # [(key the guest prints, table label)]
    guest: str = None           # $BUILD/guests/<guest>
    dom0_cmdline: str = ""
    boot: dict = field(default_factory=dict)     # QEMU_OPTIONS overrides
    # parse(log, measure, host_tsc_khz) -> {"info": {...}, "ops": {key:
    # figures with "min" and "median" in the measure's unit}}
    parse: object = None
    # The serial lines that open and close the timed part of the run.
    start_re: str = r"^bench: hypervisor"
    end_re: str = r"^bench: (done|FAILED)$"
    # notes(records, summary, hypervisors) -> lines printed under the
    # section's tables (e.g. rates derived from the figures).
    notes: object = None

    def guest_path(self, build):
        return os.path.join(build, "guests", self.guest or self.name)


# ---- Reading `bench:` lines ------------------------------------------------

OP_RE = re.compile(r"^bench: (?P<op>\w+) (?P<fields>(?:\w+=\S+ ?)+)$")
TSC_RE = re.compile(r"^bench: tsc khz=(\d+) mul=(\d+) shift=(-?\d+)")
HV_RE = re.compile(r"^bench: hypervisor (\S+)")
FAILED_RE = re.compile(r"^bench: FAILED (.*)")


def _fields(text):
    return dict(item.split("=", 1) for item in text.split())


def _per_op(total_ticks, iters, measure, khz):
    """Per-operation figure in the measure's unit."""
    ticks = total_ticks / iters
    if measure.icount is not None:
        return ticks / (1 << measure.icount)
    return ticks * 1000.0 / khz     # ticks / (khz * 1e3) s, in us


def tsc_rate(guest_khz, host_khz):
    """The rate to turn wall-clock ticks into time, and what to record
    about it."""
    if not guest_khz and host_khz:      # no hypervisor: the host's TSC
        return {"tsc_khz_used": host_khz, "tsc_from_host": True}
    info = {"tsc_khz_used": guest_khz}
    if guest_khz and host_khz:
        off = guest_khz / host_khz - 1
        info["tsc_off_host"] = round(off, 5)
        if abs(off) > TSC_TOLERANCE:
            info.update(tsc_khz_used=host_khz, tsc_suspect=True)
    return info


def parse_bench_lines(log, measure, host_khz=None):
    """Figures from a guest that prints bench-pv's line format (see
    guests/bench-pv/main.c)."""
    info, ops, failed = {}, {}, []
    for line in log.splitlines():
        line = line.strip()
        if (m := HV_RE.match(line)):
            info["hypervisor"] = m.group(1)
        elif (m := TSC_RE.match(line)):
            info.update(tsc_khz=int(m.group(1)), tsc_mul=int(m.group(2)),
                        tsc_shift=int(m.group(3)))
        elif (m := FAILED_RE.match(line)):
            failed.append(m.group(1))
        elif (m := OP_RE.match(line)) and "min_total" in m.group("fields"):
            ops[m.group("op")] = _op_figures(_fields(m.group("fields")))
    if failed:
        info["failed"] = failed
    khz = None
    if measure.icount is None:
        info.update(tsc_rate(info.get("tsc_khz"), host_khz))
        khz = info["tsc_khz_used"]
        if not khz:
            info.setdefault("failed", []).append("no TSC rate line")
            return {"info": info, "ops": {}}
    for fig in ops.values():
        fig["min"] = _per_op(fig["min_ticks"], fig["iters"], measure, khz)
        fig["median"] = _per_op(fig["median_ticks"], fig["iters"], measure,
                                khz)
    return {"info": info, "ops": ops}


def _op_figures(f):
    return {"min_ticks": int(f["min_total"]),
            "median_ticks": int(f["median_total"]),
            "iters": int(f["iters"]), "reps": int(f.get("reps", 0))}


BALLOON_CALLS_RE = re.compile(r"^bench: balloon_calls (?P<fields>.*)$")


def parse_balloon(log, measure, host_khz=None):
    """bench-balloon's figures (per MiB moved) and its hypercall counts."""
    out = parse_bench_lines(log, measure, host_khz)
    for line in log.splitlines():
        if (m := BALLOON_CALLS_RE.match(line.strip())):
            out["info"]["balloon_calls"] = {
                k: float(v) for k, v in _fields(m.group("fields")).items()}
    return out


def balloon_notes(records, summary, hypervisors):
    """MiB/s each way (from the wall-clock minima) and hypercalls per MiB."""
    lines = []
    wall = summary.get("wall", {})
    for op, what in (("balloon_down", "returned"), ("balloon_up", "taken back"),
                     ("scrub_clear_page", "scrubbed")):
        rates = [f"{HYPERVISOR_LABELS[hv]} {1e6 / wall[op][hv]:.0f}"
                 for hv in hypervisors
                 if wall.get(op, {}).get(hv)]
        if rates:
            lines.append(f"MiB/s {what}: " + ", ".join(rates))
    for hv in hypervisors:
        calls = next((r["guest"]["balloon_calls"] for r in records
                      if r["hypervisor"] == hv and r["ok"]
                      and "balloon_calls" in r["guest"]), None)
        if calls:
            lines.append(
                f"{HYPERVISOR_LABELS[hv]}: hypercalls per MiB down "
                f"{calls['down_per_mib']:.2f}, up {calls['up_per_mib']:.2f}; "
                f"2 MiB extents in {calls.get('extents_2m', 0):.0f}, out "
                f"{calls.get('extents_2m_out', 0):.0f}; scrubbing by the "
                + ("guest" if calls["scrub_by_guest"] else "hypervisor"))
    return lines


# ---- The benchmark table ---------------------------------------------------

SECTIONS = (
    Section(
        name="bench-pv",
        title="PV hypercall and event paths, per operation "
              "(loops of 10,000, min of 7 after a warm-up)",
        ops=[("null_hypercall", "null hypercall (xen_version)"),
             ("evtchn_send_masked", "evtchn send, upcall masked"),
             ("evtchn_send_upcall_iret", "evtchn send + upcall + iret"),
             ("sched_yield", "sched_op(yield), 1 vCPU")],
        parse=parse_bench_lines),
    Section(
        name="bench-mmu",
        title="PV MMU paths, per PTE updated or per call (65,536 PTE "
              "updates or 4,096 flushes a loop, min of 7 after a warm-up)",
        ops=[(f"{call}_{kind}_b{batch}",
              f"{label}, {what}, batch {batch}")
             for call, label in (("mmu_update", "mmu_update"),
                                 ("multicall_uvm",
                                  "multicall(update_va_mapping)"))
             for kind, what in (("ad", "accessed bit"),
                                ("frame", "frame change"))
             for batch in (1, 8, 64, 512)]
            + [("tlb_flush_local", "mmuext TLB_FLUSH_LOCAL"),
               ("invlpg_local", "mmuext INVLPG_LOCAL"),
               ("pin_l4_4096_pages", "pin an L4 mapping 4,096 pages"),
               ("unpin_l4_4096_pages", "unpin it")],
        parse=parse_bench_lines),
    Section(
        name="bench-balloon",
        title="ballooning dom0 (dom0_mem=1G) from 1 GiB to 128 MiB and "
              "back, per MiB moved (min of 5 after a warm-up)",
        ops=[("balloon_down", "balloon down (decrease_reservation)"),
             ("balloon_up", "balloon up (populate_physmap)"),
             ("scrub_clear_page", "scrub: MMUEXT_CLEAR_PAGE, 512 a call")],
        boot={"xen_append": "dom0_mem=1G"},
        parse=parse_balloon, notes=balloon_notes),
)


def section_names():
    return [s.name for s in SECTIONS]


# ---- Running ---------------------------------------------------------------

def xen417_path(build):
    return os.path.join(build, "xen-4.17", "xen.gz")


def boot_options(section, build, hypervisor, measure, log):
    opts = dict(QEMU_OPTIONS, **section.boot)
    opts.update(hypervisor=hypervisor, dom0=section.guest_path(build),
                dom0_cmdline=section.dom0_cmdline, icount=measure.icount,
                timeout=BOOT_TIMEOUT, build=build, log=log)
    return opts


def log_path(build, section, hypervisor, measure, run):
    name = f"{section.name}-{hypervisor}-{measure.name}"
    if run > 1:
        name += f"-run{run}"
    return os.path.join(build, "bench", "logs", name + ".log")


# ---- QEMU's self-modifying-code check ------------------------------------
#
# TCG write-protects every RAM page it has translated code from; a write
# to such a page goes through a slow check (and invalidates the
# translations it overlaps).  The check stays armed for a page as long as
# any translation from it survives, so a hypervisor whose hot data shares
# a page with code that ran there earlier -- firmware, boot code -- pays
# it on every write: a wall-clock artifact that -icount does not see.
# Counting the checks costs host time on every one of them, so only the
# -icount runs count them (instruction counts do not change); the memory
# layout, and with it the verdict, is the same in the wall-clock runs.

SMC_EVENT = "memory_notdirty_write_access"
SMC_SUSPECT_PER_OP = 0.01


class SmcWatch:
    """Counts SMC_EVENT trace lines that QEMU writes to a FIFO, and notes
    the count when the section's first and last serial lines go by (it is
    the boot's stream)."""

    def __init__(self, tmpdir, section):
        self.path = os.path.join(tmpdir, "smc.fifo")
        os.mkfifo(self.path)
        self.count = 0
        self.start = self.end = None
        self.start_re = re.compile(section.start_re)
        self.end_re = re.compile(section.end_re)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def qemu_args(self):
        return ["-d", f"trace:{SMC_EVENT}", "-D", self.path]

    def _read(self):
        fd = os.open(self.path, os.O_RDONLY)    # waits for QEMU
        try:
            while chunk := os.read(fd, 1 << 20):
                self.count += chunk.count(b"\n")
        finally:
            os.close(fd)

    def write(self, text):
        if self.start is None and self.start_re.search(text):
            self.start = self.count
        elif self.start is not None and self.end is None and \
                self.end_re.search(text):
            self.end = self.count

    def flush(self):
        pass

    def close(self):
        """Let the reader finish even if QEMU never opened the FIFO."""
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        except OSError:
            pass
        self.thread.join(timeout=10)

    def during(self):
        if self.start is None or self.end is None:
            return None
        return self.end - self.start


def _smc_figures(watch, ops):
    """How many guarded writes the timed part made per operation."""
    if watch is None:
        return None
    n = sum(f["iters"] * (f["reps"] + 1) for f in ops.values())
    writes = watch.during()
    if writes is None or n == 0:
        return {"smc_writes": writes}
    per_op = writes / n
    return {"smc_writes": writes, "smc_writes_per_op": round(per_op, 4),
            "layout_suspect": per_op > SMC_SUSPECT_PER_OP}


def tsc_suspects(records):
    """{hypervisor: [TSC rates it reported]} for wall-clock runs whose
    rate was off the host's (their figures used the host's rate)."""
    out = {}
    for r in records:
        if r["guest"].get("tsc_suspect"):
            out.setdefault(r["hypervisor"], []).append(r["guest"]["tsc_khz"])
    return out


def smc_suspects(records):
    """{hypervisor: guarded writes per operation} for the hypervisors whose
    timed loops kept hitting QEMU's self-modifying-code check; their
    wall-clock figures measure the emulator, not the path."""
    out = {}
    for r in records:
        smc = r.get("qemu_smc") or {}
        if smc.get("layout_suspect"):
            out[r["hypervisor"]] = max(out.get(r["hypervisor"], 0.0),
                                       smc["smc_writes_per_op"])
    return out


def _boot(section, build, hypervisor, measure, log):
    opts = boot_options(section, build, hypervisor, measure, log)
    if measure.icount is None:
        return xlboot.boot(**opts), None
    with tempfile.TemporaryDirectory(prefix="xen-lite-bench.") as tmp:
        watch = SmcWatch(tmp, section)
        opts["qemu_args"] = watch.qemu_args()
        try:
            res = xlboot.boot(stream=watch, **opts)
        finally:
            watch.close()
    return res, watch


def run_one(section, build, hypervisor, measure, run=1):
    """Boot once and read the figures; returns one record for
    results.json."""
    log = log_path(build, section, hypervisor, measure, run)
    os.makedirs(os.path.dirname(log), exist_ok=True)
    res, watch = _boot(section, build, hypervisor, measure, log)
    parsed = section.parse(res.log, measure, host_tsc_khz())
    problems = list(parsed["info"].get("failed", []))
    if res.status != 0:
        problems.insert(0, res.reason or f"boot status {res.status}")
    missing = [k for k, _ in section.ops if k not in parsed["ops"]]
    if missing and not problems:
        problems.append("no figures for " + ", ".join(missing))
    return {"section": section.name, "hypervisor": hypervisor,
            "measure": measure.name, "run": run, "ok": not problems,
            "problems": problems, "status": res.status,
            "boot_seconds": round(res.wall, 3), "log": log,
            "command": res.command, "qemu_argv": res.qemu_argv,
            "guest": parsed["info"], "ops": parsed["ops"],
            "qemu_smc": _smc_figures(watch, parsed["ops"])}


def run_section(section, build, hypervisors, measures, runs=1,
                progress=None):
    """Every (measure, run, hypervisor) boot of one section, one after the
    other: wall-clock figures need the machine to themselves.  progress,
    if given, is called with each record as it completes."""
    records = []
    for measure in measures:
        for run in range(1, runs + 1):
            for hv in hypervisors:
                rec = run_one(section, build, hv, measure, run)
                records.append(rec)
                if progress:
                    progress(rec)
    return records


def best(records, op):
    """The lowest per-operation minimum over the successful runs."""
    values = [r["ops"][op]["min"] for r in records
              if r["ok"] and op in r["ops"]]
    return min(values) if values else None


def spread(records, op):
    """Largest relative difference between runs' minima (0.0 = identical),
    or None with fewer than two runs."""
    values = [r["ops"][op]["min_ticks"] for r in records
              if r["ok"] and op in r["ops"]]
    if len(values) < 2:
        return None
    return (max(values) - min(values)) / min(values)


def summarize(section, records, hypervisors, measures):
    """{measure: {op: {hypervisor: best minimum, "ratio": xen-lite / Xen,
    "run_spread": {hypervisor: relative spread}}}}"""
    out = {}
    for m in measures:
        table = out[m.name] = {}
        for op, _ in section.ops:
            row = table[op] = {}
            for hv in hypervisors:
                rs = [r for r in records
                      if r["hypervisor"] == hv and r["measure"] == m.name]
                row[hv] = best(rs, op)
                s = spread(rs, op)
                if s is not None:
                    row.setdefault("run_spread", {})[hv] = s
            a, b = row.get("xen-lite"), row.get("xen-4.17")
            row["ratio"] = a / b if a is not None and b else None
    return out


# ---- Where the figures come from --------------------------------------------

def _first_line(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return out.splitlines()[0].strip() if out.strip() else None


def host_tsc_khz():
    """The host's TSC rate, which QEMU's TCG passes through to rdtsc
    without -icount: Linux's figure when it says the TSC is invariant and
    its rate known, else None."""
    mhz, flags = None, ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "cpu MHz" and mhz is None:
                    mhz = float(value)
                elif key.strip() == "flags" and not flags:
                    flags = value.split()
    except (OSError, ValueError):
        return None
    if mhz and "constant_tsc" in flags and "tsc_known_freq" in flags:
        return round(mhz * 1000)
    return None


def host_cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def environment():
    return {
        "date": datetime.datetime.now(datetime.timezone.utc)
        .isoformat(timespec="seconds"),
        "emulator": {
            "name": "QEMU (TCG)",
            "version": _first_line([xlboot.QEMU, "--version"]),
            "options": dict(QEMU_OPTIONS),
            "icount": f"-icount shift={ICOUNT_SHIFT},sleep=off",
        },
        "host": {"cpu": host_cpu(), "cpus": os.cpu_count(),
                 "tsc_khz": host_tsc_khz()},
    }
