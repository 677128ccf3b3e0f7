"""The bench-hvm section of tools/bench: the HVM paths of a PVH dom0 on
xen-lite and on Xen 4.17 under the same QEMU command, with the guest's
p2m built from 4 KiB, 2 MiB or 1 GiB entries (hap_2mb=0 / hap_1gb=0), and
the same guest with no hypervisor at all (QEMU -kernel loads it by its
PVH note) as the floor.

The guest is guests/hvm-bench: a CPUID exit's round trip, a null
hypercall through vmmcall, an event sent to itself and delivered through
the callback vector, and random 8-byte reads over the 1 GiB from
guest-physical 1 GiB to 2 GiB.  Each configuration boots once on the wall
clock and once under -icount (instructions).  -icount counts the guest's
instructions only: a read costs the same few there whatever its
translation costs the emulator, so the memory rows mean something on the
wall clock; the exit rows mean most in instructions.

    import xlbench_hvm
    sec = xlbench_hvm.run("build", progress=print)
    xlbench_hvm.print_table(sec, print)
"""

import os
import re
from dataclasses import dataclass

import xlbench
import xlbench_memvirt
import xlboot

NAME = "bench-hvm"
TITLE = ("HVM paths of a PVH dom0 (AMD SVM, nested paging), per operation "
         "(min of 7 after a warm-up)")
GUEST = "hvm-bench"
DOM0_MEM = "2200M"              # RAM past 2 GiB: the working set and more
# Past bench's 4 GiB, so that the hypervisor has two 1 GiB-aligned free
# GiBs for a dom0 whose working set is guest-physical [1 GiB, 2 GiB).
MEM = 6144

OPS = (
    ("cpuid_exit", "CPUID exit round trip"),
    ("null_hypercall", "null hypercall (vmmcall, xen_version)"),
    ("evtchn_send_upcall", "evtchn send + upcall (callback vector)"),
    ("random_read_1g", "random read over 1 GiB"),
)
PAGES = (("4k", "hap_1gb=0 hap_2mb=0"), ("2m", "hap_1gb=0"), ("1g", ""))


@dataclass(frozen=True)
class Config:
    name: str
    hypervisor: str             # or None: no hypervisor
    pages: str = ""             # the p2m's largest entry
    xen_append: str = ""
    guest: str = GUEST          # as xlbench_memvirt.Config, for its
    cpu: str = xlbench.QEMU_OPTIONS["cpu"]  # boot_options


def _configs():
    out = [Config("native", None)]
    for hv, extra in (("xen-lite", ""), ("xen-4.17", " dom0-iommu=none")):
        for pages, opts in PAGES:
            out.append(Config(f"{hv}-{pages}", hv, pages,
                              f"dom0=pvh{extra} dom0_mem={DOM0_MEM} {opts}"
                              .strip()))
    return tuple(out)


CONFIGS = _configs()
SKIPPED_RE = re.compile(r"^bench: skipped (\w+): (.*)$")
P2M_RE = re.compile(r"p2m: +(\d+) x 1 GiB, (\d+) x 2 MiB, (\d+) x 4 KiB")


def label(cfg):
    if cfg.hypervisor is None:
        return "native"
    return f"{xlbench.HYPERVISOR_LABELS[cfg.hypervisor]} {cfg.pages.upper()}"


def parse(log, cfg, measure, host_khz):
    """The figures; a native run has no vcpu_time_info: the host's TSC
    rate converts its wall-clock ticks (TCG's TSC is the host's)."""
    if cfg.hypervisor is None and measure.icount is None and host_khz:
        log = f"bench: tsc khz={host_khz} mul=0 shift=0\n" + log
    out = xlbench.parse_bench_lines(log, measure, host_khz)
    out["info"]["skipped"] = {m.group(1): m.group(2)
                              for m in map(SKIPPED_RE.match, log.splitlines())
                              if m}
    if (m := P2M_RE.search(log)):
        out["info"]["p2m"] = dict(zip(("1g", "2m", "4k"),
                                      map(int, m.groups())))
    return out


def run_one(cfg, build, measure):
    log = xlbench_memvirt.log_path(build, NAME, cfg.name, measure)
    opts = xlbench_memvirt.boot_options(cfg, build, measure, log)
    res = xlboot.boot(**dict(opts, mem=MEM))
    parsed = parse(res.log, cfg, measure, xlbench.host_tsc_khz())
    missing = [op for op, _ in OPS if op not in parsed["ops"]
               and op not in parsed["info"]["skipped"]]
    return xlbench_memvirt.record(
        cfg.name, measure, res, parsed, log,
        ["no figure for " + ", ".join(missing)] if missing else [])


def unavailable(cfg, build):
    if not os.path.isfile(os.path.join(build, "guests", GUEST)):
        return f"no {GUEST} (run make)"
    if cfg.hypervisor == "xen-4.17" and \
            not os.path.isfile(xlbench.xen417_path(build)):
        return "Xen 4.17 is missing (make deps)"
    return None


def run(build, measures=xlbench.MEASURES, progress=None, hypervisors=None):
    sec = {"title": TITLE, "configs": {}, "runs": []}
    for cfg in CONFIGS:
        if cfg.hypervisor and hypervisors and cfg.hypervisor not in hypervisors:
            continue
        why = unavailable(cfg, build)
        sec["configs"][cfg.name] = {"label": label(cfg), "skipped": why,
                                    "hypervisor": cfg.hypervisor,
                                    "xen_append": cfg.xen_append}
        for m in measures if not why else ():
            rec = run_one(cfg, build, m)
            sec["runs"].append(rec)
            if progress:
                progress(rec)
    sec["summary"] = {m.name: {op: {c: _figure(sec, c, m.name, op)
                                    for c in sec["configs"]}
                               for op, _ in OPS} for m in measures}
    return sec


def _figure(sec, cfg, measure, op):
    return next((r["ops"][op]["min"] for r in sec["runs"]
                 if r["config"] == cfg and r["measure"] == measure
                 and r["ok"] and op in r["ops"]), None)


# ---- The table ---------------------------------------------------------------

def _ratio(a, b):
    return f"{a / b:.2f}x" if a is not None and b else "-"


def ratios(row):
    """xen-lite / Xen 4.17 at each page size, and each to native."""
    out = {f"xen-lite/Xen {p.upper()}": _ratio(row.get(f"xen-lite-{p}"),
                                                row.get(f"xen-4.17-{p}"))
           for p, _ in PAGES}
    out.update({f"{hv} {p.upper()}/native": _ratio(row.get(f"{hv}-{p}"),
                                                    row.get("native"))
                for hv in ("xen-lite", "xen-4.17") for p, _ in PAGES})
    return out


def print_table(sec, say, host_cpu=None, emulator=None):
    cfgs = [c for c, v in sec["configs"].items() if not v["skipped"]]
    width = max(len(text) for _, text in OPS) + 2
    say()
    say(f"{NAME}: {TITLE}")
    say(f"  {emulator or 'QEMU'} TCG, -cpu {xlbench.QEMU_OPTIONS['cpu']} "
        f"-m {MEM}, dom0_mem={DOM0_MEM}"
        + (f"; host CPU {host_cpu}" if host_cpu else ""))
    for m in xlbench.MEASURES:
        if m.name not in sec["summary"]:
            continue
        xlbench_memvirt.print_figures(
            say, sec["summary"][m.name], m, OPS,
            {c: sec["configs"][c]["label"] for c in cfgs}, width, 14)
        for op, text in OPS:
            shown = [f"{k} {v}" for k, v in
                     ratios(sec["summary"][m.name][op]).items() if v != "-"]
            if shown:
                say(f"    {op}: " + ", ".join(shown))
    for r in sec["runs"]:
        if r["guest"].get("p2m") and r["measure"] == "wall":
            p = r["guest"]["p2m"]
            say(f"  {sec['configs'][r['config']]['label']}: dom0's p2m "
                f"{p['1g']} x 1 GiB, {p['2m']} x 2 MiB, {p['4k']} x 4 KiB")
    xlbench_memvirt.print_problems(sec, say)
