"""The rebalance section of tools/bench: how long dom0's balloon manager
takes to bring three ballooning guests to new targets when a fourth
guest arrives and when it leaves.

Three balloon-worker guests (256 MiB each at creation, memory_min 64 MiB,
allowed up to 512 MiB) grow into the host's free memory; then a 600 MiB
guest is created, which does not fit until the three give memory back
(`xl create` asks them and waits), and the three settle on their smaller
shares; then it is destroyed and they grow again.  Each figure is dom0's
own clock (the shell's `time`) around the commands, summed per event:

  arrive   `xl create` of the fourth guest (reclaim included) plus
           `xl balloon-status -w` (rebalance now, wait until every guest
           holds its target within 1 MiB)
  leave    `xl destroy` of it plus `xl balloon-status -w`

xen-lite only: Xen 4.17 cannot boot this dom0.  Runs happen in one boot.

    import xlbench_rebalance
    sec = xlbench_rebalance.run("build", runs=5)
    xlbench_rebalance.print_table(sec, print)
"""

import os
import re
import statistics
import tempfile

import xlboot

NAME = "rebalance"
TITLE = ("three ballooning guests rebalanced when a 600 MiB guest arrives "
         "and leaves (dom0's clock)")
RUNS = 5
BOOT = {"smp": 2, "mem": 2048}
BOOT_TIMEOUT = 600.0

WORKERS = ("bal-a", "bal-b", "bal-c")
ARRIVING = "bal-new"

REAL_RE = re.compile(r"^real\t(\d+)m(\d+\.\d+)s$")
TIMED_RE = re.compile(r"^xen-lite# time (.+)$")
REACHED_RE = re.compile(r"^Targets (reached in|not reached)")


def cfg_text(name, memory, maxmem, memory_min):
    return (f'name = "{name}"\nkernel = "/boot/balloon-worker"\n'
            f"memory = {memory}\nmaxmem = {maxmem}\n"
            f"memory_min = {memory_min}\nextra = \"ws=8\"\n"
            'on_poweroff = "destroy"\n')


CFGS = {name: cfg_text(name, 256, 512, 64) for name in WORKERS}
CFGS[ARRIVING] = cfg_text(ARRIVING, 600, 600, 600)


def script(runs):
    lines = [f"xl create /etc/xen/{n}.cfg" for n in WORKERS]
    lines.append("xl balloon-status -w")
    for _ in range(runs):
        lines += [f"time xl create /etc/xen/{ARRIVING}.cfg",
                  "time xl balloon-status -w",
                  f"time xl destroy {ARRIVING}",
                  "time xl balloon-status -w"]
    lines.append("xl balloon-status")
    return "; ".join(lines)


def timed(lines):
    """[(command, dom0 seconds, converged or None)] in order."""
    out = []
    for _, text in lines:
        if (m := TIMED_RE.match(text)):
            out.append([m.group(1), None, None])
        elif out and (m := REAL_RE.match(text)) and out[-1][1] is None:
            out[-1][1] = int(m.group(1)) * 60 + float(m.group(2))
        elif out and (m := REACHED_RE.match(text)):
            out[-1][2] = m.group(1) == "reached in"
    return out


def samples(cmds):
    """{"arrive": [s], "leave": [s]} and the problems seen."""
    s, problems = {"arrive": [], "leave": []}, []
    for i in range(0, len(cmds) - 1, 2):
        (what, t1, _), (_, t2, ok) = cmds[i], cmds[i + 1]
        key = "arrive" if what.startswith("xl create") else "leave"
        if t1 is None or t2 is None or not ok:
            problems.append(f"{key}: no convergence ({what})")
            continue
        s[key].append(t1 + t2)
    return s, problems


def run(build, runs=RUNS, qemu=None, progress=None):
    qemu = dict(qemu or {}, **BOOT)
    log = os.path.join(build, "bench", "logs", "rebalance.log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xen-lite-bench.") as tmp:
        files = []
        for name, text in CFGS.items():
            path = os.path.join(tmp, f"{name}.cfg")
            with open(path, "w") as f:
                f.write(text)
            files.append(f"{path}:/etc/xen/{name}.cfg")
        res = xlboot.boot(run=script(runs), files=files, build=build,
                          timeout=BOOT_TIMEOUT, log=log, **qemu)
    figures, problems = samples(timed(res.lines))
    if res.status != 0:
        problems.insert(0, res.reason or f"boot status {res.status}")
    rec = {"boot": "rebalance", "ok": not problems, "problems": problems,
           "status": res.status, "boot_seconds": round(res.wall, 3),
           "command": res.command, "log": log}
    if progress:
        progress(rec)
    results = {k: {"seconds": v, "min": min(v) if v else None,
                   "median": statistics.median(v) if v else None}
               for k, v in figures.items()}
    return {"title": TITLE, "qemu": qemu, "runs": runs, "results": results,
            "boots": [rec]}


def print_table(section, say, cpu=None, emulator=None):
    q, res = section["qemu"], section["results"]
    say()
    say(f"{NAME}: {section['title']}")
    say(f"  {emulator or 'QEMU'} TCG, -machine {q['machine']} -cpu "
        f"{q['cpu']} -smp {q['smp']} -m {q['mem']}; host CPU "
        f"{cpu or 'unknown'}; {section['runs']} runs in one boot")
    say()
    say(f"  {'event':<52}{'min':>10}{'median':>10}")
    for key, label in (("arrive", "600 MiB guest arrives: reclaim, create, "
                                  "settle"),
                       ("leave", "it leaves: destroy, regrow, settle")):
        r = res[key]
        fmt = (lambda v: "-" if v is None else f"{v:.3f} s")
        say(f"  {label:<52}{fmt(r['min']):>10}{fmt(r['median']):>10}")
