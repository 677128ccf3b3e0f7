"""The bench-hvm-bochs section of tools/bench: bench-hvm's exit paths
(guests/hvm-bench: a CPUID exit's round trip, a null hypercall, an event
sent to itself and delivered through the callback vector) on the CPUs that
only Bochs emulates here: Intel VMX with EPT (corei7_skylake_x) on
xen-lite and on Xen 4.17, and AMD SVM with NPT and NRIP save (ryzen) on
xen-lite.

Bochs runs with clock: sync=none and a fixed ips (tools/xlbochs.py): its
TSC runs at ips ticks per emulated second and advances one tick per
instruction, deterministically.  The guest's TSC ticks per operation are
therefore the instructions the round trip costs, guest and hypervisor
together -- Bochs's counterpart of QEMU's -icount figures.  Figures from
two emulators do not compare; ratios on the same one do.

Not here: the random reads (Bochs's TSC counts instructions, not what a
translation costs, and a 1 GiB working set takes Bochs minutes) and the
native floor (the memvirt section has Bochs's: tools/boot --kernel
starts a PVH kernel there through GRUB's multiboot2).

    import xlbench_hvm_bochs
    sec = xlbench_hvm_bochs.run("build", progress=print)
    xlbench_hvm_bochs.print_table(sec, print)
"""

import os
import shutil
from dataclasses import dataclass

import xlbench
import xlbench_hvm
import xlbench_memvirt
import xlbochs
import xlboot

NAME = "bench-hvm-bochs"
TITLE = ("HVM exit paths of a PVH dom0 under Bochs, per operation "
         "(min of 7 after a warm-up)")
OPS = (
    ("cpuid_exit", "CPUID exit round trip"),
    ("null_hypercall", "null hypercall (vmcall/vmmcall)"),
    ("evtchn_send_upcall", "evtchn send + upcall (callback vector)"),
)
MEASURE = xlbench.Measure("instructions", "instructions (Bochs TSC)", "instr",
                          icount=0)     # one tick per instruction: ticks / 2^0
MEM = 256
DOM0 = "dom0=pvh dom0-iommu=none dom0_mem=64M"
BOOT_TIMEOUT = 600


@dataclass(frozen=True)
class Config:
    name: str
    hypervisor: str
    cpu: str
    label: str


CONFIGS = (
    Config("xen-lite-vmx", "xen-lite", "corei7_skylake_x", "xen-lite VMX"),
    Config("xen-4.17-vmx", "xen-4.17", "corei7_skylake_x", "Xen 4.17 VMX"),
    Config("xen-lite-svm", "xen-lite", "ryzen", "xen-lite SVM"),
)


def boot_options(cfg, build, log):
    return dict(emulator="bochs", cpu=cfg.cpu, smp=1, mem=MEM,
                hypervisor=cfg.hypervisor,
                dom0=os.path.join(build, "guests", xlbench_hvm.GUEST),
                dom0_cmdline="only=" + ",".join(op for op, _ in OPS),
                xen_append=DOM0, timeout=BOOT_TIMEOUT, build=build, log=log)


def run_one(cfg, build):
    log = xlbench_memvirt.log_path(build, NAME, cfg.name, MEASURE)
    res = xlboot.boot(**boot_options(cfg, build, log))
    parsed = xlbench.parse_bench_lines(res.log, MEASURE)
    missing = [op for op, _ in OPS if op not in parsed["ops"]]
    return xlbench_memvirt.record(
        cfg.name, MEASURE, res, parsed, log,
        ["no figure for " + ", ".join(missing)] if missing else [])


def unavailable(cfg, build):
    if not shutil.which(xlbochs.BOCHS):
        return "no Bochs (make deps)"
    if not os.path.isfile(os.path.join(build, "guests", xlbench_hvm.GUEST)):
        return f"no {xlbench_hvm.GUEST} (run make)"
    if cfg.hypervisor == "xen-4.17" and \
            not os.path.isfile(xlbench.xen417_path(build)):
        return "Xen 4.17 is missing (make deps)"
    return None


def run(build, progress=None, hypervisors=None):
    sec = {"title": TITLE, "configs": {}, "runs": []}
    for cfg in CONFIGS:
        if hypervisors and cfg.hypervisor not in hypervisors:
            continue
        why = unavailable(cfg, build)
        sec["configs"][cfg.name] = {"label": cfg.label, "skipped": why,
                                    "hypervisor": cfg.hypervisor,
                                    "cpu": cfg.cpu}
        if not why:
            rec = run_one(cfg, build)
            sec["runs"].append(rec)
            if progress:
                progress(rec)
    sec["summary"] = {MEASURE.name: {op: {c: _figure(sec, c, op)
                                          for c in sec["configs"]}
                                     for op, _ in OPS}}
    return sec


def _figure(sec, cfg, op):
    return next((r["ops"][op]["min"] for r in sec["runs"]
                 if r["config"] == cfg and r["ok"] and op in r["ops"]), None)


def _ratio(a, b):
    return f"{a / b:.2f}x" if a is not None and b else "-"


def print_table(sec, say, bochs_version=None):
    cfgs = [c for c, v in sec["configs"].items() if not v["skipped"]]
    width = max(len(text) for _, text in OPS) + 2
    table = sec["summary"][MEASURE.name]
    say()
    say(f"{NAME}: {TITLE}")
    say(f"  Bochs{' ' + bochs_version if bochs_version else ''}, "
        f"clock sync=none, ips={xlbochs.DEFAULT_IPS}, {MEM} MiB, {DOM0}; "
        "one TSC tick per instruction")
    xlbench_memvirt.print_figures(
        say, table, MEASURE, OPS,
        {c: sec["configs"][c]["label"] for c in cfgs}, width, 14)
    for op, _ in OPS:
        row = table[op]
        say(f"    {op}: xen-lite/Xen 4.17 on VMX "
            f"{_ratio(row.get('xen-lite-vmx'), row.get('xen-4.17-vmx'))}, "
            f"VMX/SVM on xen-lite "
            f"{_ratio(row.get('xen-lite-vmx'), row.get('xen-lite-svm'))}")
    xlbench_memvirt.print_problems(sec, say)
