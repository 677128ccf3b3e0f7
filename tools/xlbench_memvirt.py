"""The memvirt section of tools/bench: memory virtualization done several
ways, measured on the same workloads in the same emulator.

The workloads are guests/memvirt (see memvirt.h there): page-table churn
(65,536 PTE writes, 256 CR3 switches), TLB stress (random reads over
256 MiB and 1 GiB mapped by 4 KiB or 2 MiB pages) and a sequential sweep.
One body of code is built as a PV guest (guests/memvirt: page tables
through mmu_update/mmuext_op batched in multicalls) and as a PVH guest
(guests/hvm-memvirt: its own page tables, written directly), which runs
under nested paging, under shadow paging, and with no hypervisor at all.

Each configuration boots the guest as dom0 (or alone), once on the wall
clock and once under -icount (instructions).  Per figure: instructions
and wall time per operation, the ratio to the native run, and for the
churn the VM exits and hypercalls per 1,000 PTE writes.

The same PVH guest also runs under Bochs (Intel VMX with EPT, the p2m
limited to 4 KiB, 2 MiB or 1 GiB entries as on NPT; natively, started
by GRUB's multiboot2 from an ISO), with the full workloads: Bochs runs
them in about 90 s.  Bochs's TSC counts instructions (clock sync=none),
so its instruction figures compare with QEMU's -icount ones; its ratios
are to Bochs's own native run.

Instructions do not count page walks, and wall time on a shared host
counts other programs.  So every run also records the CPU time the
emulator's threads used for each figure (the host samples it as the
guest's 'bench: begin' line and its figure line arrive, over the warm-up
and the timed runs): emulator CPU ns per operation, where an emulated
TLB miss costs the emulator its software page walk (one-dimensional
with shadow paging or natively, two-dimensional under NPT or EPT).  A configuration
whose guest, hypervisor or emulator support is missing is listed with the
reason.  The table is printed; grouped bar charts (one per workload, log
scale) go to $BUILD/bench/memvirt-<workload>.png and .svg.

    import xlbench_memvirt
    sec = xlbench_memvirt.run("build", progress=print)
    xlbench_memvirt.print_table(sec, print)
"""

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass

import xlbench
import xlbochs
import xlboot

NAME = "memvirt"
TITLE = ("memory virtualization: page-table churn, TLB stress and a "
         "sequential sweep, per operation")
BOOT_TIMEOUT = 1200.0
GUEST_MEM = "1400M"             # a 1 GiB working set and the rest

FIGURES = (
    ("churn", "churn: per PTE write (65,536 writes, 256 CR3 switches)"),
    ("tlb_256m_4k", "TLB stress 256 MiB, 4 KiB pages: per random read"),
    ("tlb_256m_2m", "TLB stress 256 MiB, 2 MiB pages: per random read"),
    ("tlb_1g_4k", "TLB stress 1 GiB, 4 KiB pages: per random read"),
    ("tlb_1g_2m", "TLB stress 1 GiB, 2 MiB pages: per random read"),
    ("seq_256m_4k", "sweep 256 MiB, 4 KiB pages: per 64-byte line"),
    ("seq_256m_2m", "sweep 256 MiB, 2 MiB pages: per 64-byte line"),
    ("seq_1g_4k", "sweep 1 GiB, 4 KiB pages: per 64-byte line"),
    ("seq_1g_2m", "sweep 1 GiB, 2 MiB pages: per 64-byte line"),
)
WORKLOADS = (("churn", "page-table churn"), ("tlb", "TLB stress"),
             ("seq", "sequential sweep"))


@dataclass(frozen=True)
class Config:
    name: str
    label: str
    guest: str                  # guests/<guest>
    hypervisor: str = "xen-lite"    # or "xen-4.17", or None: no hypervisor
    cpu: str = "EPYC,-monitor"
    xen_append: str = ""
    emulator: str = "qemu"
    cmdline: str = ""                   # the guest's (only=FIGURE picks one)

    @property
    def baseline(self):
        """The native run on the same emulator: ratios are to it."""
        return "native" if self.emulator == "qemu" else "bochs-native"


BOCHS_CPU = "corei7_skylake_x"          # VMX with EPT (2 MiB and 1 GiB)
BOCHS_MEM = 3072                        # 1 GiB p2m entries need room
# Bochs's TSC: one tick per instruction (clock sync=none, fixed ips).
BOCHS_MEASURE = xlbench.Measure("instructions", "instructions (Bochs TSC)",
                                "instr", icount=0)
CPU_MEASURE = xlbench.Measure("cpu", "emulator CPU time", "ns")


CONFIGS = (
    Config("native", "native", "hvm-memvirt", hypervisor=None),
    Config("pv", "PV", "memvirt", xen_append=f"dom0_mem={GUEST_MEM}"),
    Config("shadow", "shadow", "hvm-memvirt", cpu="EPYC,-monitor,-npt",
           xen_append=f"dom0=pvh dom0_mem={GUEST_MEM}"),
    Config("npt-4k", "NPT 4K", "hvm-memvirt",
           xen_append=f"dom0=pvh dom0_mem={GUEST_MEM} hap_2mb=0"),
    Config("npt-2m", "NPT 2M", "hvm-memvirt",
           xen_append=f"dom0=pvh dom0_mem={GUEST_MEM} hap_1gb=0"),
    Config("npt-1g", "NPT 1G", "hvm-memvirt",
           xen_append=f"dom0=pvh dom0_mem={GUEST_MEM}"),
    Config("xen-pv", "Xen PV", "memvirt", hypervisor="xen-4.17",
           xen_append=f"dom0_mem={GUEST_MEM}"),
    Config("xen-hap", "Xen HAP", "hvm-memvirt", hypervisor="xen-4.17",
           xen_append=f"dom0=pvh dom0-iommu=none dom0_mem={GUEST_MEM}"),
    Config("bochs-native", "B native", "hvm-memvirt", hypervisor=None,
           cpu=BOCHS_CPU, emulator="bochs"),
    Config("ept-4k", "B EPT 4K", "hvm-memvirt", cpu=BOCHS_CPU,
           emulator="bochs",
           xen_append=f"dom0=pvh dom0_mem={GUEST_MEM} hap_2mb=0"),
    Config("ept-2m", "B EPT 2M", "hvm-memvirt", cpu=BOCHS_CPU,
           emulator="bochs",
           xen_append=f"dom0=pvh dom0_mem={GUEST_MEM} hap_1gb=0"),
    Config("ept-1g", "B EPT 1G", "hvm-memvirt", cpu=BOCHS_CPU,
           emulator="bochs", xen_append=f"dom0=pvh dom0_mem={GUEST_MEM}"),
    Config("xen-hap-bochs", "B Xen HAP", "hvm-memvirt",
           hypervisor="xen-4.17", cpu=BOCHS_CPU, emulator="bochs",
           xen_append=f"dom0=pvh dom0-iommu=none dom0_mem={GUEST_MEM}"),
)

COUNTS_RE = re.compile(r"^bench: counts (\w+) ptes=(\d+) exits=(\S+) "
                       r"hypercalls=(\d+) emulations=(\S+)")
SKIPPED_RE = re.compile(r"^bench: skipped (\w+): (.*)$")


def config_names():
    return [c.name for c in CONFIGS]


def unavailable(cfg, build):
    """Why cfg cannot run here, or None."""
    guest = os.path.join(build, "guests", cfg.guest)
    if not os.path.isfile(guest):
        return f"no {guest} (the PVH build needs the HVM guest library)"
    if cfg.emulator == "bochs" and not shutil.which(xlbochs.BOCHS):
        return "no Bochs (make deps)"
    if cfg.hypervisor == "xen-4.17" and \
            not os.path.isfile(xlbench.xen417_path(build)):
        return "Xen 4.17 is missing (make deps)"
    return None


def boot_options(cfg, build, measure, log):
    if cfg.emulator == "bochs":     # the TSC counts instructions already
        opts = dict(emulator="bochs", cpu=cfg.cpu, smp=1, mem=BOCHS_MEM)
    else:
        opts = dict(xlbench.QEMU_OPTIONS, cpu=cfg.cpu, icount=measure.icount)
    opts.update(timeout=BOOT_TIMEOUT, build=build, log=log,
                dom0_cmdline=cfg.cmdline)
    guest = os.path.join(build, "guests", cfg.guest)
    if cfg.hypervisor is None:
        opts.update(kernel=guest)
    else:
        opts.update(hypervisor=cfg.hypervisor, dom0=guest,
                    xen_append=cfg.xen_append)
    return opts


def parse(log, measure, host_khz):
    """The figures (as bench-pv's lines), the counts and the skipped ones."""
    out = xlbench.parse_bench_lines(log, measure, host_khz)
    counts, skipped = {}, {}
    for line in log.splitlines():
        line = line.strip()
        if (m := COUNTS_RE.match(line)):
            counts[m.group(1)] = {
                "ptes": int(m.group(2)),
                "exits": None if m.group(3) == "-" else int(m.group(3)),
                "hypercalls": int(m.group(4)),
                "emulations": None if m.group(5) == "-" else int(m.group(5))}
        elif (m := SKIPPED_RE.match(line)):
            skipped[m.group(1)] = m.group(2)
    out["info"]["counts"] = counts
    out["info"]["skipped"] = skipped
    return out


def log_path(build, section, config, measure, run=0):
    tail = f"-{run + 1}" if run else ""
    log = os.path.join(build, "bench", "logs",
                       f"{section}-{config}-{measure.name}{tail}.log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    return log


def run_one(cfg, build, measure, run=0):
    log = log_path(build, NAME, cfg.name, measure, run)
    res = xlboot.boot(**boot_options(cfg, build, measure, log))
    parsed = parse(res.log, measure, xlbench.host_tsc_khz())
    missing = [] if parsed["ops"] else ["no figures"]
    rec = record(cfg.name, measure, res, parsed, log, missing)
    # Xen 4.17 buffers its console: the lines arrive later than the guest
    # prints them and do not bracket the work.
    rec["cpu"] = {} if cfg.hypervisor == "xen-4.17" else \
        cpu_figures(res.cpu_lines, parsed["ops"])
    with open(log + ".cpu.json", "w") as f:    # beside the serial log
        json.dump(rec["cpu"], f)
    return rec


BEGIN_RE = re.compile(r"^bench: begin (\w+)$")


def cpu_figures(cpu_lines, ops):
    """Emulator CPU ns per operation of each figure: the CPU time between
    its 'bench: begin' line and its figure line, over the warm-up and the
    timed runs."""
    out, begun = {}, {}
    for cpu, text in cpu_lines:
        text = text.strip()
        if (m := BEGIN_RE.match(text)):
            begun[m.group(1)] = cpu
            continue
        op = text.split(" ", 2)[1] if text.startswith("bench: ") else None
        if op in ops and begun.get(op) is not None and cpu is not None \
                and "min_total=" in text:
            f = ops[op]
            out[op] = (cpu - begun[op]) * 1e9 / ((f["reps"] + 1) * f["iters"])
    return out


def config_measures(cfg, measures):
    """Bochs runs once: its TSC counts instructions, and the emulator's
    CPU time is taken on the same run."""
    return (BOCHS_MEASURE,) if cfg.emulator == "bochs" else measures


def record(config, measure, res, parsed, log, missing):
    """One run's record: its figures and what went wrong (the boot, the
    guest's failures, then `missing`)."""
    problems = list(parsed["info"].get("failed", []))
    if res.status != 0:
        problems.insert(0, res.reason or f"boot status {res.status}")
    if not problems:
        problems += missing
    return {"config": config, "measure": measure.name, "ok": not problems,
            "problems": problems, "boot_seconds": round(res.wall, 3),
            "log": log, "command": res.command, "guest": parsed["info"],
            "ops": parsed["ops"]}


def run(build, configs=None, measures=xlbench.MEASURES, progress=None,
        runs=1):
    """Every available configuration under every measure, runs times
    (the figures are the minima over the runs)."""
    chosen = [c for c in CONFIGS if not configs or c.name in configs]
    sec = {"title": TITLE, "configs": {}, "runs": []}
    for cfg in chosen:
        why = unavailable(cfg, build)
        sec["configs"][cfg.name] = {"label": cfg.label, "skipped": why,
                                    "hypervisor": cfg.hypervisor,
                                    "cpu": cfg.cpu,
                                    "xen_append": cfg.xen_append}
        if why:
            continue
        for i in range(runs):
            for m in config_measures(cfg, measures):
                rec = run_one(cfg, build, m, i)
                sec["runs"].append(rec)
                if progress:
                    progress(rec)
    sec["summary"] = summarize(sec, measures)
    return sec


# ---- Summary -----------------------------------------------------------------

def _figure(sec, cfg, measure, op):
    """The least of the runs' figures (each a minimum of its timed loops)."""
    found = [r["ops"][op]["min"] for r in sec["runs"]
             if r["config"] == cfg and r["measure"] == measure and r["ok"]
             and op in r["ops"]]
    return min(found) if found else None


def _cpu_figure(sec, cfg, op):
    """Emulator CPU ns per operation: the run without -icount where there
    is one (-icount changes how QEMU runs the code), else the one run."""
    return min(_cpu_runs(sec, cfg, op), default=None)


def _cpu_runs(sec, cfg, op):
    runs = [r for r in sec["runs"] if r["config"] == cfg and r["ok"] and
            op in r.get("cpu", {})]
    if any(r["measure"] == "wall" for r in runs):
        runs = [r for r in runs if r["measure"] == "wall"]
    return [r["cpu"][op] for r in runs]


def _cpu_spread(sec, cfgs):
    """{op: {config: largest / least}} of the emulator CPU figures, where
    there were several runs."""
    out = {}
    for op, _ in FIGURES:
        for c in cfgs:
            v = _cpu_runs(sec, c, op)
            if len(v) > 1 and min(v) > 0:
                out.setdefault(op, {})[c] = max(v) / min(v)
    return out


def _counts(sec, cfg, op):
    """Exits and hypercalls per 1,000 PTE writes (from the -icount run,
    which is the same work), or None."""
    for r in sorted(sec["runs"], key=lambda r: r["measure"] != "instructions"):
        c = r["guest"].get("counts", {}).get(op) if r["config"] == cfg else None
        if c and c["ptes"]:
            per = 1000.0 / c["ptes"]
            return {"exits": None if c["exits"] is None else c["exits"] * per,
                    "hypercalls": c["hypercalls"] * per}
    return None


def summarize(sec, measures):
    """{measure: {op: {config: figure, "ratio": {config: to native}}}},
    plus {"per_1000_ptes": {config: {...}}} for the churn."""
    out = {}
    cfgs = [c for c, v in sec["configs"].items() if not v["skipped"]]
    for m in list(measures) + [CPU_MEASURE]:
        table = out[m.name] = {}
        for op, _ in FIGURES:
            get = _cpu_figure if m is CPU_MEASURE else \
                (lambda s, c, o, n=m.name: _figure(s, c, n, o))
            row = table[op] = {c: get(sec, c, op) for c in cfgs}
            row["ratio"] = _ratios(row)
    out["per_1000_ptes"] = {c: _counts(sec, c, "churn") for c in cfgs}
    out["cpu_spread"] = _cpu_spread(sec, cfgs)
    return out


def _ratios(row):
    """Each configuration's figure over its emulator's native one."""
    base = {c.name: c.baseline for c in CONFIGS}
    out = {}
    for c, v in row.items():
        b = row.get(base.get(c))
        if v is not None and b:
            out[c] = v / b
    return out


# ---- The table ---------------------------------------------------------------

def _cell(v, unit):
    if v is None:
        return "-"
    if unit == "us":
        return f"{v:.3f}"
    return f"{v:.1f}" if v < 1e5 else f"{v:.3g}"


def print_table(sec, say, host_cpu=None, emulator=None):
    cfgs = [c for c, v in sec["configs"].items() if not v["skipped"]]
    labels = {c: sec["configs"][c]["label"] for c in cfgs}
    say()
    say(f"{NAME}: {TITLE}")
    if emulator or host_cpu:
        say(f"  {emulator or 'QEMU'} TCG, guest CPU "
            + ", ".join(sorted({sec['configs'][c]['cpu'] for c in cfgs}))
            + (f"; host CPU {host_cpu}" if host_cpu else ""))
    say("  B ...: Bochs 2.7, corei7_skylake_x (VMX, EPT), clock sync=none, "
        "its TSC counting instructions; ratios to B native")
    width = max(len(label) for _, label in FIGURES) + 2
    for m in xlbench.MEASURES + (CPU_MEASURE,):
        if m.name not in sec["summary"]:
            continue
        print_figures(say, sec["summary"][m.name], m, FIGURES, labels, width)
        say(f"  {'ratio to native':<{width}}")
        for op, label in FIGURES:
            ratio = sec["summary"][m.name][op]["ratio"]
            if ratio:
                say(f"  {'  ' + op:<{width}}"
                    + "".join(f"{_ratio(ratio.get(c)):>11}" for c in cfgs))
    print_spread(sec, say, cfgs, width)
    print_counts(sec, say, cfgs, labels, width)
    print_problems(sec, say)


def print_spread(sec, say, cfgs, width):
    """How far apart the runs' emulator CPU figures were."""
    spread = sec["summary"].get("cpu_spread") or {}
    if not spread:
        return
    say(f"  {'emulator CPU: largest / least run':<{width}}")
    for op, _ in FIGURES:
        if op in spread:
            say(f"  {'  ' + op:<{width}}" + "".join(
                f"{_ratio(spread[op].get(c)):>11}" for c in cfgs))


def print_problems(sec, say):
    """The configurations not run and the runs that failed, and why."""
    for c, v in sec["configs"].items():
        if v["skipped"]:
            say(f"  {v['label']}: not run: {v['skipped']}")
    for r in sec["runs"]:
        if not r["ok"]:
            say(f"  {sec['configs'][r['config']]['label']}, {r['measure']}: "
                f"FAILED: {'; '.join(r['problems'])} (log {r['log']})")


def print_figures(say, table, m, rows, labels, width, col=11):
    """One measure's figures: a row per (op, label) of rows, a column per
    configuration of labels ({config: heading})."""
    say()
    say(f"  {m.label + ' [' + m.unit + ']':<{width}}"
        + "".join(f"{h:>{col}}" for h in labels.values()))
    for op, label in rows:
        say(f"  {label:<{width}}" + "".join(
            f"{_cell(table[op].get(c), m.unit):>{col}}" for c in labels))


def _ratio(v):
    return "-" if v is None else f"{v:.2f}x"


def print_counts(sec, say, cfgs, labels, width):
    per = sec["summary"]["per_1000_ptes"]
    say()
    say(f"  {'churn, per 1,000 PTE writes':<{width}}"
        + "".join(f"{labels[c]:>11}" for c in cfgs))
    for key, label in (("exits", "VM exits"), ("hypercalls", "hypercalls")):
        cells = []
        for c in cfgs:
            v = (per.get(c) or {}).get(key)
            cells.append("-" if v is None else f"{v:.1f}")
        say(f"  {label:<{width}}" + "".join(f"{x:>11}" for x in cells))


# ---- Charts ------------------------------------------------------------------

CHART_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "memvirt_chart.py")


def chart_python():
    """A Python with matplotlib (Debian's python3-matplotlib, which make
    deps installs for the system's python3)."""
    for py in (sys.executable, "/usr/bin/python3", shutil.which("python3")):
        if py and subprocess.run([py, "-c", "import matplotlib"],
                                 capture_output=True).returncode == 0:
            return py
    return None


def draw(results_json, outdir):
    """PNG and SVG charts from results.json; the files written, or why not."""
    py = chart_python()
    if not py:
        return None, "no Python with matplotlib (make deps installs it)"
    p = subprocess.run([py, CHART_SCRIPT, results_json, outdir],
                       capture_output=True, text=True)
    if p.returncode != 0:
        return None, (p.stderr.strip().splitlines() or ["chart failed"])[-1]
    return p.stdout.split(), None
