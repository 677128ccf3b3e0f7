"""The linux section of tools/bench: Debian's Linux 6.1 (the linux
scenario's materials: linux-image-amd64's bzImage, the vmlinux inside it,
a busybox initramfs) from `xl create` to the first line its init writes,
on xen-lite's dom0, under the wall clock and under -icount.

  wall     host clock from the echoed `xl create` to the guest's first
           init line on the serial port (its kernel messages reach the
           hypervisor console through earlyprintk=xen).
  icount   QEMU -icount shift=0,sleep=off: the hypervisor's clock advances
           one nanosecond per instruction any CPU runs, and jumps over
           time every CPU spends halted.  The figure is dom0's `time` of
           `xl create -p` (the build: decompression, population, the
           layout) plus the guest's own clock at its first init line
           (Linux's printk time: from its start to init), in virtual
           seconds -- instructions, with idle time counted as it passes.

Xen 4.17 cannot run here as this section's baseline: it needs a Linux
dom0 with Xen's toolstack, which the project does not build; its figures
are the ones measured by hand under the same emulator (7.7 s with the
vmlinux, 20 s with the bzImage, wall clock), so the ratios are against
those.  There is no Xen figure under -icount.

    import xlbench_linux
    sec = xlbench_linux.run("build", runs=3)
    xlbench_linux.print_table(sec, print)
"""

import importlib.util
import os
import re
import statistics
import tempfile

import xlboot

NAME = "linux"
TITLE = "Debian's Linux 6.1 as a PV domU: xl create -> its init's first line"
RUNS = 3
# 2 CPUs, 2 GiB, q35 (GRUB reads the ISO faster there), qemu64: with SMAP
# (the benchmarks' EPYC) TCG faults a PV kernel's iretq in ring 3 as a
# supervisor access -- Linux on Xen 4.17 too (EMULATORS.md: smap=0).
BOOT = {"smp": 2, "mem": 2048, "machine": "q35", "cpu": "qemu64"}
ICOUNT_SHIFT = 0
KERNELS = ("vmlinux", "bzimage")
XEN_4_17 = {"vmlinux": 7.7, "bzimage": 20.0}   # wall seconds, by hand
FIRST_INIT = re.compile(r"^\(d\d+\) \[ *(\d+\.\d+)\] .*linux-init: ")
CREATE = re.compile(r"^xen-lite# (?:time )?xl create (?:-p )?/etc/xen/linux\.cfg$")
REAL = re.compile(r"^real\t(\d+)m(\d+\.\d+)s$")
SETTLE = 25                             # seconds the guest runs before destroy


def scenario_module():
    path = os.path.join(os.path.dirname(__file__), "..", "tests", "scenarios", "linux.py")
    spec = importlib.util.spec_from_file_location("scenario_linux", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def materials(build, kernel, tmp):
    """--file arguments: the kernel, the initramfs, the cfg."""
    import xldebian
    linux = scenario_module()
    image = xldebian.bzimage(build) if kernel == "bzimage" else xldebian.vmlinux(build)
    initrd = xldebian.initramfs(build, {"/etc/rc": linux.RC, "/etc/inittab": linux.INITTAB})
    cfg = os.path.join(tmp, "linux.cfg")
    with open(cfg, "w") as f:
        f.write('name = "linux"\nkernel = "/boot/linux"\nramdisk = "/boot/initrd"\n'
                f'memory = 256\nvcpus = 2\nextra = "{linux.CMDLINE}"\n')
    return [f"{image}:/boot/linux", f"{initrd}:/boot/initrd", f"{cfg}:/etc/xen/linux.cfg"]


def script(measure, runs):
    if measure == "wall":
        one = f"xl create /etc/xen/linux.cfg; sleep {SETTLE}; xl destroy linux"
    else:
        one = (f"time xl create -p /etc/xen/linux.cfg; xl unpause linux; "
               f"sleep {SETTLE}; xl destroy linux")
    return "; ".join([one] * runs)


def figures(measure, lines):
    """[{'total', 'create', 'guest'}] seconds per run from a boot's lines."""
    out, start, cur = [], None, None
    for when, text in lines:
        if CREATE.search(text):
            start, cur = when, {"create": None}
        elif cur is None:
            continue
        elif measure == "icount" and (m := REAL.match(text)) and cur["create"] is None:
            cur["create"] = int(m.group(1)) * 60 + float(m.group(2))
        elif (m := FIRST_INIT.search(text)):
            if measure == "wall":
                cur["total"] = round(when - start, 3)
            elif cur["create"] is not None:
                cur["guest"] = float(m.group(1))
                cur["total"] = round(cur["create"] + cur["guest"], 6)
            if "total" in cur:
                out.append(cur)
            cur = None
    return out


def boot(build, kernel, measure, runs, qemu):
    log = os.path.join(build, "bench", "logs", f"linux-{kernel}-{measure}.log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    opts = dict(qemu, **BOOT)
    if measure == "icount":
        opts["icount"] = ICOUNT_SHIFT
    with tempfile.TemporaryDirectory(prefix="xen-lite-bench.") as tmp:
        res = xlboot.boot(run=script(measure, runs), files=materials(build, kernel, tmp),
                          build=build, log=log, timeout=(300.0 + 240 * runs) if measure == "icount" else 90.0 + 60 * runs,
                          **opts)
    runs_seen = figures(measure, res.lines)
    problems = ([res.reason or f"boot status {res.status}"] if res.status != 0 else []) + \
        ([f"{len(runs_seen)} of {runs} figures"] if len(runs_seen) != runs else [])
    return {"boot": f"linux-{kernel}-{measure}", "ok": not problems, "problems": problems,
            "boot_seconds": round(res.wall, 3), "log": log, "command": res.command,
            "runs": runs_seen}


def run(build, runs=RUNS, qemu=None, progress=None):
    qemu = dict(qemu or {})
    load = [round(x, 2) for x in os.getloadavg()]
    boots, results = [], {}
    for kernel in KERNELS:
        for measure in ("wall", "icount"):
            rec = boot(build, kernel, measure, runs, qemu)
            boots.append(rec)
            if progress:
                progress(rec)
            totals = [r["total"] for r in rec["runs"]]
            row = {"seconds": totals, "first": totals[0] if totals else None,
                   "min": min(totals) if totals else None,
                   "median": statistics.median(totals) if totals else None}
            if measure == "icount" and rec["runs"]:
                row["create_median"] = statistics.median(r["create"] for r in rec["runs"])
                row["guest_median"] = statistics.median(r["guest"] for r in rec["runs"])
            if measure == "wall" and row["median"] is not None:
                row["xen_4_17"] = XEN_4_17[kernel]
                row["ratio"] = row["median"] / XEN_4_17[kernel]
            results[f"{kernel}_{measure}"] = row
    return {"title": TITLE, "qemu": dict(qemu, **BOOT), "runs": runs,
            "icount_shift": ICOUNT_SHIFT, "host_load": load, "results": results,
            "boots": boots}


def secs(v):
    return "-" if v is None else f"{v:.3f} s"


def print_table(section, say, cpu=None, emulator=None):
    q, res = section["qemu"], section["results"]
    say()
    say(f"{NAME}: {section['title']}")
    say(f"  {emulator or 'QEMU'} TCG, -machine {q['machine']} -cpu {q.get('cpu', 'qemu64')} "
        f"-smp {q['smp']} -m {q['mem']}; host CPU {cpu or 'unknown'}; "
        f"{section['runs']} runs each; host load at the start "
        f"{section['host_load'][0]:g} on {os.cpu_count()} CPUs")
    say()
    say(f"  {'kernel':<9}{'measure':<26}{'first':>10}{'min':>10}{'median':>10}"
        f"{'Xen 4.17':>10}{'ratio':>8}")
    for kernel in KERNELS:
        for measure, label in (("wall", "wall (host clock)"),
                               ("icount", "-icount shift=0 (virtual)")):
            r = res[f"{kernel}_{measure}"]
            xen = f"{r['xen_4_17']:g} s" if r.get("xen_4_17") else "-"
            ratio = f"{r['ratio']:.3f}" if r.get("ratio") is not None else "-"
            say(f"  {kernel:<9}{label:<26}{secs(r.get('first')):>10}{secs(r['min']):>10}"
                f"{secs(r['median']):>10}{xen:>10}{ratio:>8}")
            if measure == "icount" and r.get("create_median") is not None:
                say(f"  {'':<9}{'  of which xl create -p':<26}{'':>20}"
                    f"{secs(r['create_median']):>10}")
                say(f"  {'':<9}{'  Linux start -> init':<26}{'':>20}"
                    f"{secs(r['guest_median']):>10}")
    say("  Xen 4.17: Xen 4.17.7 with a Linux dom0 and xl, timed by hand under the same "
        "emulator (wall clock); it cannot run in this benchmark (no Linux dom0 here)")
    say("  ratio = xen-lite median / Xen 4.17; -icount: 1 virtual ns per instruction, "
        "idle time counted as it passes")
    say("  first = the first create after dom0 booted: the bzImage decompressed (dom0 keeps "
        "the last image it decompressed, so later creates of it skip that), and free "
        "memory still being zeroed in the background")
