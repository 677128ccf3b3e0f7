"""The boot matrix: which configurations to boot, as data, and booting them.

A cell is one boot: a value of every axis (firmware, machine, vCPUs, RAM,
CPU model, emulator) and a workload that says what runs and what the serial
log must show.  Everything that decides which cells exist is data below:

    AXES        the values of each axis, with the labels cells are named by
    CPUS        what each CPU model offers and which emulator runs it
    WORKLOADS   what a cell runs (tools/boot options) and what it checks
    IMPOSSIBLE  combinations that are not cells at all (Bochs has no q35)
    SKIPS       cells that cannot run on this host or in this tree yet;
                they are reported as skipped with the reason

The default selection is pairwise: every value of every axis at least once
and every pair of values of any two axes, in few cells (greedy, cheapest
cells first, deterministic).  select(full=True) is the whole product.

Used by tools/boot-matrix (report: xlmatrix_report.py) and the scenarios.
"""

import itertools
import os
import re
import shutil
import time
from dataclasses import dataclass, field, fields

import xlbochs
import xlboot
from xlhvm import BOCHS_SELFTEST_CMDLINE

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass(frozen=True)
class Value:
    value: object           # what tools/boot gets
    label: str              # how cell names and --only spell it


def _values(*pairs):
    return [Value(v, str(label)) for v, label in pairs]


AXES = {
    "firmware": _values(("bios", "bios"), ("uefi", "uefi")),
    "machine": _values(("pc", "pc"), ("q35", "q35")),
    "smp": _values((1, "smp1"), (2, "smp2"), (4, "smp4")),
    "mem": _values((128, "128M"), (1024, "1G"), (6144, "6G")),
    "cpu": _values(("qemu64", "qemu64"), ("EPYC,-monitor", "EPYC"),
                   ("EPYC,-monitor,-npt", "EPYC-npt"),
                   ("corei7_skylake_x", "skylake")),
    "emulator": _values(("qemu", "qemu"), ("bochs", "bochs")),
    "workload": _values(("platform", "platform"), ("pv+xl", "pv+xl"),
                        ("pvh", "pvh")),
}

# Every pair of values of any two of these axes appears in the default
# selection (firmware, machine, CPU and RAM at the least).
PAIRWISE_AXES = tuple(AXES)


@dataclass(frozen=True)
class Cpu:
    emulator: str
    features: frozenset     # svm, npt, vmx, ept


CPUS = {
    "qemu64": Cpu("qemu", frozenset({"svm"})),
    "EPYC,-monitor": Cpu("qemu", frozenset({"svm", "npt"})),
    "EPYC,-monitor,-npt": Cpu("qemu", frozenset({"svm"})),
    "corei7_skylake_x": Cpu("bochs", frozenset({"vmx", "ept"})),
}


@dataclass(frozen=True)
class Cell:
    firmware: str
    machine: str
    smp: int
    mem: int
    cpu: str
    emulator: str
    workload: str

    def label(self, axis):
        value = getattr(self, axis)
        return next(v.label for v in AXES[axis] if v.value == value)

    @property
    def name(self):
        """'uefi q35 smp4 6G EPYC pv+xl' (the emulator only if not QEMU)."""
        return " ".join(self.label(a) for a in AXES
                        if a != "emulator" or self.emulator != "qemu")

    @property
    def file_name(self):
        return re.sub(r"[^A-Za-z0-9+.-]+", "_", self.name)

    def hap(self):
        """Hardware-assisted paging: NPT or EPT."""
        return bool(CPUS[self.cpu].features & {"npt", "ept"})


# ---- workloads ----------------------------------------------------------

SELFTEST_RE = r"\(XEN\) selftest: (\d+) passed, 0 failed"
PVH_CFG = "/etc/xen/hvm-selftest.cfg"       # in dom0's ramdisk


@dataclass
class Workload:
    """What a cell runs: boot(cell) gives tools/boot options; checks are
    regexes (formatted with the cell's fields) the serial log must match;
    verify(cell, result) returns further complaints."""
    boot: object
    checks: list = field(default_factory=list)
    verify: object = None


def _dom0_mem(cell):
    """dom0 leaves room for a guest even on the smallest machine."""
    return "dom0_mem=64M" if cell.mem <= 256 else "dom0_mem=256M"


USABLE_RE = r"^\(XEN\)  \[([0-9a-f]{16}), ([0-9a-f]{16})\] \(usable\)"
# Firmware keeps some RAM (UEFI: runtime services, ACPI NVS, its tables).
FIRMWARE_KEEPS_MIB = 16


def _ram_seen(cell, r):
    """The hypervisor counts every usable page of the firmware's map it
    printed (a range may lose part of a page at each end), and that is the
    machine's RAM less what firmware keeps."""
    m = re.search(r"\(XEN\) System RAM: (\d+)MB \((\d+)kB\)", r.log)
    if not m:
        return ["no 'System RAM' line"]
    seen_kb = int(m.group(2))
    ranges = re.findall(USABLE_RE, r.log, re.M)
    listed_kb = sum(int(e, 16) + 1 - int(s, 16) for s, e in ranges) // 1024
    want = xlbochs.visible_ram_mib(cell.mem) if cell.emulator == "bochs" \
        else cell.mem
    floor = want - max(want * 0.02, FIRMWARE_KEEPS_MIB)
    if not 0 <= listed_kb - seen_kb <= 8 * len(ranges):
        return [f"System RAM {seen_kb} kB, but the map's usable ranges "
                f"hold {listed_kb} kB"]
    if not floor <= seen_kb / 1024 <= want:
        return [f"System RAM {seen_kb // 1024} MiB where the machine has "
                f"{want} MiB"]
    return []


WORKLOADS = {
    # The hypervisor's self-checks on every CPU, no dom0.
    "platform": Workload(
        boot=lambda c: {"xen_append": "selftest"},
        checks=[SELFTEST_RE, r"\(XEN\) Brought up {smp} CPUs",
                r"\(XEN\) Powering off"],
        verify=_ram_seen),
    # dom0's shell creates a PV guest with xl, with every vCPU of the cell.
    "pv+xl": Workload(
        boot=lambda c: {
            "xen_append": f"{_dom0_mem(c)} dom0_max_vcpus={c.smp}",
            "run": f"xl create -c /etc/xen/hello.cfg memory=32 vcpus={c.smp}"
                   "; xl list"},
        checks=[r"\(XEN\) Domain 1 created \({smp} vCPUs?\)",
                r"^hello: greetings from a PV guest",
                r"^hello: done",
                r"^Domain-0 +0 ",
                r"\(XEN\) Powering off"]),
    # A PVH guest (HVM container, PV entry) started by xl: the HVM
    # self-test on every vCPU of the cell.
    "pvh": Workload(
        boot=lambda c: {
            "xen_append": _dom0_mem(c),
            "run": f"xl create -c {PVH_CFG} type=pvh vcpus={c.smp}" +
                   (f" 'extra=\"{BOCHS_SELFTEST_CMDLINE}\"'" if c.emulator == "bochs" else "")},
        checks=[r"hvm-selftest: domU, {smp} vCPUs",
                r"hvm-selftest: \d+ passed, 0 failed",
                r"\(XEN\) Powering off"]),
}


# ---- which combinations are cells, and which of them can run ------------

IMPOSSIBLE = [
    (lambda c: CPUS[c.cpu].emulator != c.emulator,
     "the CPU model is another emulator's"),
    (lambda c: c.emulator == "bochs" and c.firmware != "bios",
     "Bochs boots its own BIOS only"),
    (lambda c: c.emulator == "bochs" and c.machine != "pc",
     "Bochs emulates an i440FX (pc) only"),
    # Until shadow paging exists, HVM containers need NPT or EPT.
    (lambda c: c.workload == "pvh" and not c.hap(),
     "PVH needs NPT or EPT (no shadow paging yet)"),
]

OVMF = xlboot.OVMF


def _runner_has(option):
    return any(f.name == option for f in fields(xlboot.BootOptions))


SKIPS = [
    (lambda c, b: c.emulator == "bochs" and not _runner_has("emulator"),
     "tools/boot has no --emulator bochs yet"),
    (lambda c, b: c.emulator == "bochs" and shutil.which("bochs") is None,
     "bochs is not installed (make deps)"),
    (lambda c, b: c.firmware == "uefi" and not os.path.isfile(OVMF),
     f"no OVMF at {OVMF} (make deps)"),
    (lambda c, b: c.workload == "pvh" and not os.path.isfile(
        os.path.join(ROOT, "dom0", "rootfs") + PVH_CFG),
     f"no PVH domU in dom0's ramdisk yet ({PVH_CFG}, xl type = \"pvh\")"),
]


def impossible(cell):
    return next((why for test, why in IMPOSSIBLE if test(cell)), None)


def skip_reason(cell, build):
    return next((why for test, why in SKIPS if test(cell, build)), None)


# ---- selection ----------------------------------------------------------

class SelectionError(Exception):
    """--only named an axis or value that does not exist."""


def parse_only(specs):
    """['cpu=EPYC', 'mem=6G', 'mem=1G'] -> {axis: {values}}; a value is
    matched by its label or by what tools/boot gets (mem=6144)."""
    chosen = {}
    for spec in specs:
        axis, sep, text = spec.partition("=")
        if not sep or axis not in AXES:
            raise SelectionError(f"--only {spec}: expected AXIS=VALUE with "
                                 f"AXIS one of {', '.join(AXES)}")
        match = [v.value for v in AXES[axis]
                 if text.lower() in (v.label.lower(), str(v.value).lower())]
        if not match:
            raise SelectionError(
                f"--only {spec}: {axis} is one of "
                + ", ".join(v.label for v in AXES[axis]))
        chosen.setdefault(axis, set()).update(match)
    return chosen


def all_cells(only=None):
    """Every possible cell (IMPOSSIBLE ones left out), narrowed by only."""
    only = only or {}
    axes = {a: [v.value for v in vals if a not in only or v.value in only[a]]
            for a, vals in AXES.items()}
    cells = (Cell(*combo) for combo in itertools.product(*axes.values()))
    return [c for c in cells if impossible(c) is None]


def _items(cell):
    """What a cell covers: each of its values, and each pair of values of
    PAIRWISE_AXES."""
    singles = {((a, getattr(cell, a)),) for a in AXES}
    pairs = {((a, getattr(cell, a)), (b, getattr(cell, b)))
             for a, b in itertools.combinations(PAIRWISE_AXES, 2)}
    return singles | pairs


def cost(cell):
    """A rough price of booting the cell, to prefer cheap cells."""
    price = {"bios": 1, "uefi": 4}[cell.firmware] + cell.smp * 0.3
    price += {128: 0, 1024: 0.2, 6144: 0.6}[cell.mem]
    price += {"platform": 0, "pv+xl": 1, "pvh": 1.5}[cell.workload]
    return price * (10 if cell.emulator == "bochs" else 1)


def _cover(cells, need):
    """Greedy: the cell adding most uncovered items first, the cheaper one
    on a tie, then the earlier one (so the choice is the same every run)."""
    chosen = []
    while need and cells:
        best = max(range(len(cells)), key=lambda i: (
            len(_items(cells[i]) & need), -cost(cells[i]), -i))
        if not _items(cells[best]) & need:
            break
        chosen.append(cells[best])
        need = need - _items(cells[best])
    return chosen, need


def pairwise(cells, build=None):
    """A small subset of cells covering every item any of them covers.
    Cells that can run here come first, so that every pair they can show
    is booted; skipped cells are added only for what no runnable cell
    covers (a value not available yet), and report why."""
    need = set().union(*(_items(c) for c in cells)) if cells else set()
    runnable = [c for c in cells if build is None or
                skip_reason(c, build) is None]
    chosen, need = _cover(runnable, need)
    more, _ = _cover([c for c in cells if c not in runnable], need)
    return sorted(chosen + more, key=_order)


def _order(cell):
    return tuple([v.value for v in AXES[a]].index(getattr(cell, a))
                 for a in AXES)


def select(full=False, only=None, build=None):
    """The cells to boot: all (full) or a pairwise set, preferring cells
    that can run with the build directory given."""
    cells = all_cells(only)
    return sorted(cells, key=_order) if full else pairwise(cells, build)


def uncovered(chosen, cells):
    """Items of cells that chosen does not cover (empty for a pairwise
    selection: the scenarios check that)."""
    have = set().union(*(_items(c) for c in chosen)) if chosen else set()
    need = set().union(*(_items(c) for c in cells)) if cells else set()
    return need - have


# ---- running a cell -----------------------------------------------------

TIMEOUTS = {("qemu", "bios"): 90.0, ("qemu", "uefi"): 120.0,
            ("bochs", "bios"): 900.0}
LAST_LINES = 10


@dataclass
class Outcome:
    cell: Cell
    result: str             # 'ok', 'FAIL' or 'skipped'
    reason: str = ""
    seconds: float = 0.0
    log: str = None         # path of the cell's serial log
    last_lines: list = field(default_factory=list)
    command: str = ""


def boot_options(cell, build, timeout=None):
    opts = {"firmware": cell.firmware, "machine": cell.machine,
            "smp": cell.smp, "mem": cell.mem, "cpu": cell.cpu,
            "build": build, "timeout": timeout or TIMEOUTS[
                (cell.emulator, cell.firmware)]}
    if cell.emulator != "qemu":
        opts["emulator"] = cell.emulator
    opts.update(WORKLOADS[cell.workload].boot(cell))
    return opts


def judge(cell, r):
    """Complaints about a finished boot (empty: the cell passed)."""
    wl = WORKLOADS[cell.workload]
    problems = [] if r.status == 0 else [
        f"exit status {r.status}: {r.reason}"]
    if r.status == 124:
        return problems             # the last lines say where it hung
    for check in wl.checks:
        regex = check.format(**{f.name: getattr(cell, f.name)
                                for f in fields(Cell)})
        if not re.search(regex, r.log, re.M):
            problems.append(f"no line matches /{regex}/")
    if wl.verify:
        problems += wl.verify(cell, r)
    return problems


def run_cell(cell, build, log_dir, boot=xlboot.boot, timeout=None):
    """Boot one cell (unless it is to be skipped) and judge it; never
    raises.  boot is xlboot.boot or a stand-in with its signature."""
    why = skip_reason(cell, build)
    if why:
        return Outcome(cell, "skipped", why)
    log = os.path.join(log_dir, cell.file_name + ".log")
    opts = boot_options(cell, build, timeout)
    start = time.monotonic()
    try:
        r = boot(**opts)
    except Exception as e:      # a broken cell must not stop the matrix
        return Outcome(cell, "FAIL", f"runner error: {type(e).__name__}: "
                       f"{e}", time.monotonic() - start)
    _write_log(log, r)
    problems = judge(cell, r)
    last = [t for _, t in r.lines if t.strip()][-LAST_LINES:]
    return Outcome(cell, "FAIL" if problems else "ok", "; ".join(problems),
                   r.wall, log, last if problems else [], r.command)


def _write_log(path, r):
    with open(path, "w") as f:
        f.write(f"### {r.command}\n")
        f.write(r.log)
        f.write(f"### status {r.status}"
                f"{': ' + r.reason if r.reason else ''} ({r.wall:.1f} s)\n")
